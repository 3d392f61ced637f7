"""`hubmetrics metrics --hub KEY`: one hub's figures, judged against that hub's goals file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import run

from hubmetrics import config, store
from hubmetrics.hubs import HubScope, load_hubs
from hubmetrics.metrics.compute import compute_metrics
from hubmetrics.metrics.filters import Filters
from hubmetrics.metrics.goals import load_goals


@pytest.fixture
def demo_file(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HUBMETRICS_HUBS", str(config.DEFAULT_HUBS))
    return demo_path


def test_metrics_for_one_hub_are_its_own_and_judged_by_its_goals(
    demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, demo_file, "metrics", "--year", "2025/26", "--hub", "rutland", "--json"
    )
    assert (code, err) == (0, "")
    shown = json.loads(out)
    assert shown["filters"]["hub"] == "rutland"
    con = store.connect_read_only(demo_file)
    try:
        rutland = compute_metrics(
            con, "2025/26", Filters(hub=HubScope(load_hubs(config.DEFAULT_HUBS), "rutland"))
        )
        whole = compute_metrics(con, "2025/26", Filters())
    finally:
        con.close()
    participations = shown["metrics"]["participations"]
    assert participations == rutland["participations"].value
    assert 0 < participations < (whole["participations"].value or 0)
    # The goals are Rutland's own file's, not the lead's.
    own = load_goals(config.DATA_DIR / "goals-rutland.toml")
    assert [g["title"] for g in shown["goals"]] == [g.title for g in own.goals]
    texts = json.dumps(shown["goals"])
    assert "for the whole hub; this count is for the filtered part" not in texts


def test_the_lead_and_a_usage_mistake(demo_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lead, _ = run(capsys, demo_file, "metrics", "--year", "2025/26", "--hub", "all", "--json")
    code2, plain, _ = run(capsys, demo_file, "metrics", "--year", "2025/26", "--json")
    assert code == code2 == 0 and json.loads(lead) == json.loads(plain)
    code, out, err = run(
        capsys, demo_file, "metrics", "--year", "2025/26", "--hub", "leicestershire"
    )
    assert code == 2 and out == ""
    assert "'leicestershire' is not a hub: the hubs are northamptonshire, rutland" in err


def test_hub_without_a_hubs_file_is_a_usage_mistake(
    demo_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HUBMETRICS_HUBS", str(tmp_path / "none.toml"))
    code, _, err = run(capsys, demo_path, "metrics", "--year", "2025/26", "--hub", "rutland")
    assert code == 2 and "there is no hubs file" in err


def test_the_arts_council_return_for_one_hub(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    out = tmp_path / "rutland.xlsx"
    code, _, err = run(
        capsys,
        demo_file,
        "export",
        "ace",
        "--year",
        "2025/26",
        "--hub",
        "rutland",
        "--out",
        str(out),
    )
    assert code == 0, err
    book = openpyxl.load_workbook(out)
    schools = list(book["Schools"].iter_rows(values_only=True))
    listed = {row[3] for row in schools[1:] if row[0] is not None}
    assert listed == {"Rutland"}  # Rutland's own schools, no Northamptonshire one
    total = next(row for row in schools if row[1] == "Hub total")
    con = store.connect_read_only(demo_file)
    try:
        rutland = compute_metrics(
            con, "2025/26", Filters(hub=HubScope(load_hubs(config.DEFAULT_HUBS), "rutland"))
        )
    finally:
        con.close()
    assert total[4] == rutland["schools_engaged"].value
    assert total[5] == rutland["wcet_pupils"].value
    assert total[9] == rutland["ensemble_members"].value
    notes = {row[0]: row[1] for row in book["Notes"].iter_rows(values_only=True)}
    assert notes["Hub"] == "Rutland Music"
    assert str(notes["Goals file"]).endswith("goals-rutland.toml")
