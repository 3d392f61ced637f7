"""Upgrades: a database made by the first released schema opens and upgrades under the current
code with every row, batch and kept original intact.

tests/fixtures/schema1/ was written by the code at commit 8990bb9 (the last with one
migration), by tests/fixtures/make_schema1_db.py; its expected.json is every row as that
code read it back.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from crash_check import check_whole
from hub_fixture import ACTIVITIES_HEADER, load_text

from hubmetrics import store
from hubmetrics.ingest.batches import rollback
from hubmetrics.metrics import compute_metrics

FIXTURE = Path(__file__).parent / "fixtures" / "schema1"


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "hub.duckdb"
    shutil.copyfile(FIXTURE / "hub.duckdb", path)
    shutil.copytree(FIXTURE / "hub.originals", tmp_path / "hub.originals")
    return path


def plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def test_the_fixture_is_the_first_schema(old_db: Path) -> None:
    con = duckdb.connect(str(old_db), read_only=True)
    try:
        assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (1,)
        # Migration 2 has not run: no column for the checks' working state yet.
        columns = {r[0] for r in con.execute("DESCRIBE activity_row").fetchall()}
        assert "is_empty" not in columns
    finally:
        con.close()


def test_the_first_schema_upgrades_with_nothing_lost(old_db: Path) -> None:
    expected = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))
    assert expected["schema_version"] == 1
    con = store.connect(old_db)
    try:
        assert store.schema_version(con) == store.SCHEMA_VERSION > 1
        versions = [
            r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
        ]
        assert versions == list(range(1, store.SCHEMA_VERSION + 1))
        assert store.data_version(con) == expected["data_version"]
        for table, old in expected["tables"].items():
            columns = ", ".join(old["columns"])
            rows = con.execute(f"SELECT {columns} FROM {table}").fetchall()  # safe: fixture's names
            assert sorted(([plain(v) for v in r] for r in rows), key=repr) == old["rows"], table
        # Every kept original is there, byte for byte as its batch recorded.
        kept = con.execute("SELECT stored_name, sha256 FROM batch ORDER BY batch_id").fetchall()
        assert len(kept) == 5
        folder = store.originals_folder(con)
        assert sorted(p.name for p in folder.iterdir()) == sorted(name for name, _ in kept)
        for name, sha256 in kept:
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha256
        # The current rows, as the views show them: the spring correction replaced A1, the
        # choir's batch was rolled back.
        assert con.execute(
            "SELECT partner_id, activity_id, participants, batch_id FROM activities ORDER BY 2"
        ).fetchall() == [
            ("NMPAT", "A1", 29, 4),
            ("NMPAT", "A2", 40, 3),
            ("NMPAT", "A3", 30, 4),
            ("ROCK-NN", "R1", 12, 3),
        ]
        assert compute_metrics(con, "2024/25")["participations"].value == 29 + 40 + 30 + 12
    finally:
        con.close()
    check_whole(old_db)


def test_an_upgraded_database_takes_new_loads_and_rollbacks(old_db: Path) -> None:
    con = store.connect(old_db)
    try:
        summer = (
            ACTIVITIES_HEADER + "\nNMPAT,A4,Summer concert,performance,,,2025-06-02,,,,ks2,55\n"
        )
        result = load_text(con, "activities", summer)
        assert result.accepted and result.batch_id == 6
        assert rollback(con, 4) == 2  # the correction made by the old code
        assert con.execute(
            "SELECT participants FROM activities WHERE activity_id = 'A1'"
        ).fetchone() == (28,)
    finally:
        con.close()
    check_whole(old_db)
