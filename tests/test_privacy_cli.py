"""`hubmetrics erase`, `subject-access` and `retention` on the hand-made cohort."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hub_fixture import snapshot
from participants_fixture import build_cohort, ref
from privacy_helpers import files_holding, places_holding
from test_cli import run

from hubmetrics import store
from hubmetrics.people import accounts
from hubmetrics.people.access import local_operator
from hubmetrics.people.privacy import NOT_HELD

GOAL = '[[goals]]\nnumber = 1\ntitle = "Reach"\n'


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "c.duckdb"
    build_cohort(path).close()
    return path


def _state(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = store.connect(db)
    try:
        return snapshot(con)
    finally:
        con.close()


def test_erase_on_the_command_line(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, err = run(capsys, db, "erase", "--ref", ref("Ava"), "--case", "DSR-1")
    assert (code, err) == (0, "")
    assert out.splitlines()[:2] == [
        "Erased one child's records: 5 current rows, 0 in row history.",
        "  batch 4 (participants.csv): lines 2, 8, 10, 14, 17 emptied in its kept original",
    ]
    assert "Backups written elsewhere with `hubmetrics backup DIR` are not known here" in out
    assert ref("Ava") not in out
    con = store.connect(db)
    try:
        assert places_holding(con, ref("Ava")) == []
        assert files_holding(store.originals_folder(con), ref("Ava")) == []
        who, action, via = con.execute(
            "SELECT who, action, via FROM audit_event ORDER BY event_id DESC LIMIT 1"
        ).fetchone()
        assert (action, via) == ("erasure", "cli") and who.startswith("local:")
    finally:
        con.close()


def test_erase_reads_the_pseudonym_from_standard_input(
    capsys: pytest.CaptureFixture[str], db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(ref("Bo") + "\n"))
    code, out, _ = run(capsys, db, "erase", "--ref", "-")
    assert code == 0 and out.startswith("Erased one child's records: 2 current rows")


def test_an_unknown_pseudonym_is_refused(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    before = _state(db)
    code, out, err = run(capsys, db, "erase", "--ref", "p_00000000000000000000")
    assert (code, out) == (1, "")
    assert err == f"hubmetrics erase: {NOT_HELD}\n"
    after = _state(db)
    assert after == before  # the refusal is in the audit trail, which the snapshot leaves out


def test_a_partner_account_is_refused(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    con = store.connect(db)
    accounts.add(con, "ann@p1.example", "partner", "P1", by=local_operator("setup"))
    con.close()
    before = _state(db)
    code, _, err = run(capsys, db, "erase", "--ref", ref("Ava"), "--user", "ann@p1.example")
    assert code == 1
    assert "Partner accounts may not use this: erase or list a child's records" in err
    assert _state(db) == before


def test_subject_access_writes_the_listing(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    out_file = tmp_path / "sar.csv"
    code, out, err = run(capsys, db, "subject-access", "--ref", ref("Ava"), "--out", str(out_file))
    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith("Held: 5 current rows, 0 in row history")
    assert f"Wrote the listing to {out_file}." in out
    rows = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8-sig"))))
    assert [r["held_in"] for r in rows] == ["current"] * 5 + ["kept original"] * 5
    assert {r["participant_ref"] for r in rows[:5]} == {ref("Ava")}


def test_retention_dry_run_then_apply(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    goals = tmp_path / "goals.toml"
    goals.write_text("[retention]\nparticipant_records_years = 1\n" + GOAL, encoding="utf-8")
    given = ("retention", "--goals", str(goals), "--as-of", "2026-03-01")
    before = _state(db)
    code, out, _ = run(capsys, db, *given, "--dry-run")
    assert code == 0 and "  2023/24: 6 records (6 current, 0 in row history)" in out
    assert out.splitlines()[-1] == "Nothing was changed: run with --apply to purge it."
    assert _state(db) == before
    code, out, _ = run(capsys, db, *given, "--apply")
    assert code == 0 and "those of academic years before 2024/25 went." in out
    con = store.connect(db)
    try:
        assert con.execute("SELECT count(*) FROM participant_row").fetchone() == (12,)
    finally:
        con.close()


def test_retention_without_a_period_is_refused(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    goals = tmp_path / "goals.toml"
    goals.write_text(GOAL, encoding="utf-8")
    code, _, err = run(capsys, db, "retention", "--goals", str(goals), "--apply")
    assert code == 1 and "sets no retention period" in err
