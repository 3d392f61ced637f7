"""The command line with participant records: load, query, rollback and metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from participants_fixture import build_cohort, records_csv, ref

from hubmetrics.cli import main
from hubmetrics.disclosure.pseudonymise import pseudonym

HEADER = "participant_ref,activity_id,start_date,age_band,postcode_district\n"


@pytest.fixture
def cohort_db(tmp_path: Path) -> Path:
    path = tmp_path / "hub.duckdb"
    build_cohort(path).close()  # batches 1-4, the records in batch 4
    return path


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_load_records_for_a_named_partner(
    capsys: pytest.CaptureFixture[str], cohort_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "p1-spring.csv"
    new = [pseudonym(f"B20000000000{i}", bytes(16)) for i in range(2)]
    path.write_text(HEADER + "".join(f"{r},T25,15/09/2025,ks2,nn17\n" for r in new))
    code, out, err = run(capsys, cohort_db, "load", "participants", str(path), "--partner", "P1")
    assert (code, err) == (0, "")
    assert "Loaded batch 5: 2 participants rows from p1-spring.csv (0 replaced" in out
    code, out, _ = run(capsys, cohort_db, "batches")
    assert "participants P1" in " ".join(out.splitlines()[1].split())


def test_a_refused_file_never_prints_the_identifying_value(
    capsys: pytest.CaptureFixture[str], cohort_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "oops.csv"
    path.write_text(HEADER + "Amelia Jones,T25,15/09/2025,ks2,NN17 4QX\n")
    errors = tmp_path / "problems.csv"
    code, out, err = run(
        capsys, cohort_db, "load", "participants", str(path), "--partner", "P1",
        "--errors", str(errors),
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert "Refused: oops.csv has 2 problems; nothing was loaded." in err
    assert "line 2, column participant_ref: This looks like a name" in err
    assert "line 2, column postcode_district: This is a full postcode" in err
    for shown in (err, errors.read_text()):
        assert "Amelia" not in shown and "4QX" not in shown


def test_query_the_participants_view(capsys: pytest.CaptureFixture[str], cohort_db: Path) -> None:
    sql = (
        "SELECT academic_year, count(*) AS records, count(DISTINCT participant_ref) AS children "
        "FROM participants GROUP BY 1 ORDER BY 1"
    )
    code, out, err = run(capsys, cohort_db, "query", sql, "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {"academic_year": "2023/24", "records": 6, "children": 6},
        {"academic_year": "2024/25", "records": 6, "children": 5},
        {"academic_year": "2025/26", "records": 6, "children": 5},
    ]
    code, out, _ = run(
        capsys, cohort_db, "query", "SELECT participant_ref FROM participants WHERE sex = 'U'"
    )
    assert out.splitlines() == ["participant_ref", ref("Gu"), ref("Gu")]


def test_rollback_of_activities_under_records_is_refused(
    capsys: pytest.CaptureFixture[str], cohort_db: Path
) -> None:
    code, _, err = run(capsys, cohort_db, "rollback", "3")
    assert code == 1
    assert "18 participant records belong to (participant batches 4)" in err
    assert run(capsys, cohort_db, "rollback", "4")[0] == 0
    assert run(capsys, cohort_db, "rollback", "3")[0] == 0


def test_metrics_show_the_participant_figures(
    capsys: pytest.CaptureFixture[str], cohort_db: Path
) -> None:
    code, out, err = run(capsys, cohort_db, "metrics", "--year", "2024/25", "--json")
    assert (code, err) == (0, "")
    metrics = json.loads(out)["metrics"]
    assert (metrics["unique_participants"], metrics["unique_cyp"]) == (5, 5)
    assert metrics["unique_continuation_rate"] == {"value": 0.6, "numerator": 3, "denominator": 5}
    assert metrics["progression_funnel"] == {
        "cohort": 5, "taking_part": 3, "tuition": 2, "ensemble": 2, "advanced": 0,
    }  # fmt: skip
    goal_8 = next(g for g in json.loads(out)["goals"] if g["number"] == 8)
    assert goal_8["indicators"][0]["metric"] == "unique_continuation_rate"
    code, out, _ = run(capsys, cohort_db, "metrics", "--year", "2024/25")
    assert code == 0
    lines = out.splitlines()
    assert any(
        line.split() == ["unique_continuation_rate", "60.0%", "3", "/", "5"] for line in lines
    )
    funnel = [line.strip() for line in lines].index("progression_funnel")
    assert lines[funnel + 1].split() == ["cohort", "5"]


def test_the_fixture_records_are_pseudonyms() -> None:
    assert "A1000000" not in records_csv()
