"""`hubmetrics metrics`: JSON shape and values on the fixture, and plain usage errors."""

from __future__ import annotations

import argparse
import json

import pytest
from metrics_fixture import NORTH, build_fixture

from hubmetrics import config
from hubmetrics.cli import metrics as metrics_cli
from hubmetrics.metrics import METRIC_KEYS


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = build_fixture(tmp_path_factory.mktemp("cli") / "t.duckdb")
    yield connection
    connection.close()


@pytest.fixture(autouse=True)
def default_goals(monkeypatch):
    monkeypatch.delenv("HUBMETRICS_GOALS", raising=False)


def run(con, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="hubmetrics")
    sub = parser.add_subparsers(dest="command", required=True)
    metrics_cli.add_commands(sub)
    return metrics_cli.run_on(con, parser.parse_args(["metrics", *argv]))


def test_json_shape_and_values(con, capsys):
    assert run(con, "--year", "2025/26", "--json", "--as-of", "2027-01-01") == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"academic_year", "filters", "metrics", "goals"}
    assert out["academic_year"] == "2025/26"
    assert out["filters"] == {"partner_id": None, "local_authority": None, "age_band": None}
    metrics = out["metrics"]
    assert list(metrics) == list(METRIC_KEYS)
    assert metrics["participations"] == 307
    assert metrics["cold_spot_schools"] == 1
    assert metrics["participations_by_age_band"]["ks1"] == 0
    assert metrics["new_participants"] == {"value": 153, "skipped": 3}
    assert metrics["fsm_share"] == {
        "value": 47 / 181, "numerator": 47, "denominator": 181, "skipped": 1,
    }  # fmt: skip
    assert metrics["global_majority_representation"]["denominator"] == 0.22
    assert metrics["continuation_rate"]["numerator"] == 33
    assert [g["number"] for g in out["goals"]] == list(range(1, 10))
    first = out["goals"][0]
    assert first["title"].startswith("Provide high quality music education")
    coverage = first["indicators"][0]
    assert coverage["metric"] == "school_coverage"
    assert coverage["value"] == 5 / 6
    assert coverage["target"] == 0.85
    # The default line runs 0.734 (2023/24) -> 0.85 (2027/28): 0.792 in 2025/26.
    assert coverage["expected"] == pytest.approx(0.792, rel=1e-12)
    assert coverage["status"] == "on_track"
    cpd = first["indicators"][1]
    # cpd 6 against 203 -> 300 (expected 251.5): far below 0.9 × expected.
    assert (cpd["value"], cpd["expected"], cpd["status"]) == (6, 251.5, "off_track")
    assert coverage["comparison"] is None
    for goal in out["goals"]:
        for ind in goal["indicators"]:
            assert {"metric", "value", "expected", "target", "status"} <= set(ind)
            assert ind["status"] in ("on_track", "at_risk", "off_track", "no_data")


def test_json_with_filters(con, capsys):
    code = run(con, "--year", "2025/26", "--la", "north northamptonshire", "--partner", "p1",
               "--age-band", "KS2", "--json")  # fmt: skip
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["filters"] == {"partner_id": "P1", "local_authority": NORTH, "age_band": "ks2"}
    # R1 30, R2 12, R5 25, R16b 28.
    assert out["metrics"]["participations"] == 95
    assert out["metrics"]["state_schools"] == 3


def test_year_in_progress_carries_last_year(con, capsys):
    assert run(con, "--year", "2025/26", "--json", "--as-of", "2026-03-01") == 0
    out = json.loads(capsys.readouterr().out)
    goal2 = out["goals"][1]
    wcet = goal2["indicators"][0]
    assert wcet["metric"] == "wcet_pupils"
    assert wcet["comparison"] == {"academic_year": "2024/25", "until": "2025-03-01", "value": 60}


def test_text_table(con, capsys):
    assert run(con, "--year", "2025/26") == 0
    out = capsys.readouterr().out
    assert "Metrics for 2025/26 (whole hub)" in out
    assert "participations" in out and "307" in out
    assert "83.3%" in out  # school coverage 5/6
    assert "1. Provide high quality music education" in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("--year", "2025-26"), "not an academic year"),
        (("--year", "25/26"), "not an academic year"),
        (("--year", "2025/27"), "the year after"),
        (("--year", "2025/26", "--age-band", "year7"), "not an age band"),
        (("--year", "2025/26", "--partner", "nobody"), "no partner 'nobody'"),
        (("--year", "2025/26", "--la", "Rutland"), "no local authority 'Rutland'"),
        (("--year", "2025/26", "--as-of", "1/3/2026"), "not a date"),
    ],
)
def test_usage_mistakes_exit_2_without_traceback(con, capsys, argv, words):
    assert run(con, *argv) == 2
    captured = capsys.readouterr()
    assert words in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_broken_goals_file_exits_1(con, capsys, tmp_path):
    bad = tmp_path / "goals.toml"
    bad.write_text('[[goals]]\nnumber = 1\ntitle = "A"\n[[goals.indicators]]\nmetric = "x"\n')
    assert run(con, "--year", "2025/26", "--goals", str(bad)) == 1
    err = capsys.readouterr().err
    assert "'x' is not a metric" in err
    assert config.goals_path(bad) == bad


def test_wired_into_the_main_command(tmp_path, capsys):
    from hubmetrics.cli import main

    path = tmp_path / "hub.duckdb"
    build_fixture(path).close()
    assert main(["--db", str(path), "metrics", "--year", "2025/26", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["metrics"]["participations"] == 307
    assert main(["--db", str(path), "metrics", "--year", "2025-26"]) == 2
    assert "not an academic year" in capsys.readouterr().err
