"""The store: migrations, views, batches, key replacement and rollback."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hub_fixture import ACTIVITIES_HEADER, load_text, snapshot

from hubmetrics import store
from hubmetrics.contract import ACTIVITIES, PARTNERS, SCHOOLS
from hubmetrics.ingest.batches import RollbackRefused, list_batches, rollback
from hubmetrics.store import database
from hubmetrics.store.query import QueryRefused, run_query

CORRECTION = (
    ACTIVITIES_HEADER
    + "\nNMPAT,A1,Year 4 violins,wcet,classical,beginner,2025-09-08,,900001,,ks2,29,,,,,,,,,,,,,\n"
    + "NMPAT,A9,New choir,choir,,,2025-11-01,,900003,,ks1,18,,,,,,,,,,,,,\n"
)


def current(con: store.Connection) -> list[tuple[object, ...]]:
    return con.execute(
        "SELECT partner_id, activity_id, start_date, participants, batch_id FROM activities "
        "ORDER BY partner_id, activity_id"
    ).fetchall()


def test_views_have_the_contract_columns(loaded_db: store.Connection) -> None:
    def columns(view: str) -> list[str]:
        return [d[0] for d in loaded_db.execute(f"SELECT * FROM {view} LIMIT 0").description]

    assert set(ACTIVITIES.column_names) | {"academic_year", "term"} <= set(columns("activities"))
    assert set(SCHOOLS.column_names) <= set(columns("schools"))
    assert set(PARTNERS.column_names) <= set(columns("partners"))
    assert {
        "batch_id",
        "kind",
        "partner_id",
        "submitted_by",
        "submitted_at",
        "file_name",
        "sha256",
        "rows_loaded",
        "warnings",
        "status",
    } <= set(columns("batches"))
    types = dict(
        loaded_db.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'schools'"
        ).fetchall()
    )
    assert types["state_funded"] == "BOOLEAN"


def test_rollback_round_trip_restores_replaced_rows(loaded_db: store.Connection) -> None:
    before = current(loaded_db)
    result = load_text(loaded_db, "activities", CORRECTION)
    assert result.accepted and result.rows_replaced == 1
    after = current(loaded_db)
    assert ("NMPAT", "A1") in {(r[0], r[1]) for r in after}
    assert {r[1]: r[3] for r in after}["A1"] == 29 and len(after) == 4

    removed = rollback(loaded_db, result.batch_id, user="staff@example.org")  # type: ignore[arg-type]
    assert removed == 2
    assert current(loaded_db) == before
    batch = next(b for b in list_batches(loaded_db) if b.batch_id == result.batch_id)
    assert batch.status == "rolled_back"
    # The same file can be loaded again once its batch was rolled back.
    again = load_text(loaded_db, "activities", CORRECTION)
    assert again.accepted
    assert [r[:4] for r in current(loaded_db)] == [r[:4] for r in after]


def test_rollback_refuses_while_a_later_batch_replaced_its_rows(
    loaded_db: store.Connection,
) -> None:
    assert load_text(loaded_db, "activities", CORRECTION).accepted
    before = snapshot(loaded_db)
    with pytest.raises(RollbackRefused, match="Roll back batch 4 first"):
        rollback(loaded_db, 3)
    assert snapshot(loaded_db) == before


def test_rollback_refuses_partners_that_activities_use(loaded_db: store.Connection) -> None:
    before = snapshot(loaded_db)
    with pytest.raises(RollbackRefused, match="NMPAT"):
        rollback(loaded_db, 1)
    assert snapshot(loaded_db) == before


def test_rollback_of_a_schools_list_brings_the_old_list_back(hub_db: store.Connection) -> None:
    old = hub_db.execute("SELECT urn FROM schools ORDER BY urn").fetchall()
    text = "urn,name,phase,local_authority\n900009,Only School,primary,Rutland\n"
    result = load_text(hub_db, "schools", text)
    assert hub_db.execute("SELECT urn FROM schools").fetchall() == [(900009,)]
    rollback(hub_db, result.batch_id)  # type: ignore[arg-type]
    assert hub_db.execute("SELECT urn FROM schools ORDER BY urn").fetchall() == old


def test_rollback_of_unknown_or_twice(loaded_db: store.Connection) -> None:
    with pytest.raises(RollbackRefused, match="no batch 99"):
        rollback(loaded_db, 99)
    rollback(loaded_db, 3)
    with pytest.raises(RollbackRefused, match="already rolled back"):
        rollback(loaded_db, 3)


def test_every_write_bumps_the_data_version(hub_db: store.Connection) -> None:
    v0 = store.data_version(hub_db)
    result = load_text(hub_db, "partners", "partner_id,name\nNEW,New\n")
    v1 = store.data_version(hub_db)
    rollback(hub_db, result.batch_id)  # type: ignore[arg-type]
    assert v0 < v1 < store.data_version(hub_db)
    refused = load_text(hub_db, "partners", "partner_id,name\nbad id,New\n")
    assert not refused.accepted


def test_a_refused_load_changes_nothing(loaded_db: store.Connection) -> None:
    before = snapshot(loaded_db)
    bad = CORRECTION.replace("29", "-29")
    assert not load_text(loaded_db, "activities", bad).accepted
    assert snapshot(loaded_db) == before


def test_migrations_upgrade_an_older_database_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.duckdb"
    con = store.connect(path)
    assert load_text(con, "partners", "partner_id,name\nNMPAT,Lead\n").accepted
    con.close()
    released = len(store.MIGRATIONS)
    # A later version of the code adds a migration; the old file must upgrade and keep its data.
    monkeypatch.setattr(
        database,
        "MIGRATIONS",
        (*store.MIGRATIONS, "ALTER TABLE partner_row ADD COLUMN region VARCHAR;"),
    )
    monkeypatch.setattr(database, "SCHEMA_VERSION", len(database.MIGRATIONS))
    con = store.connect(path)
    assert store.schema_version(con) == released + 1
    assert con.execute("SELECT partner_id, region FROM partner_row").fetchall() == [("NMPAT", None)]
    versions = con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert versions == [(v,) for v in range(1, released + 2)]
    con.close()


def test_a_newer_database_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "new.duckdb"
    store.connect(path).close()
    monkeypatch.setattr(database, "SCHEMA_VERSION", 0)
    with pytest.raises(store.StoreError, match="newer"):
        store.connect(path)


def test_orphan_originals_are_swept(tmp_path: Path) -> None:
    path = tmp_path / "hub.duckdb"
    con = store.connect(path)
    assert load_text(con, "partners", "partner_id,name\nNMPAT,Lead\n").accepted
    folder = store.originals_folder(con)
    orphan = folder / "batch-deadbeef.csv"
    orphan.write_text("left by a load that died before its commit")
    con.close()
    con = store.connect(path)
    kept = sorted(p.name for p in folder.iterdir())
    assert orphan.name not in kept and len(kept) == 1
    con.close()


def test_query_is_read_only(loaded_db: store.Connection, tmp_path: Path) -> None:
    path = store.database_path(loaded_db)
    loaded_db.close()
    result = run_query(path, "SELECT count(*) AS n, sum(participants) AS p FROM activities")
    assert (result.columns, result.rows) == (["n", "p"], [(3, 80)])
    for sql in (
        "DELETE FROM activity_row",
        "INSERT INTO partner_row VALUES (1, NULL, 1, 'X', 'X', NULL, NULL)",
        "CREATE TABLE t AS SELECT 1",
        "COPY (SELECT 1) TO 'x.csv'",
        "SELECT 1; DELETE FROM activity_row",
        "ATTACH 'other.duckdb'",
    ):
        with pytest.raises(QueryRefused):
            run_query(path, sql)
    with pytest.raises(QueryRefused):
        run_query(path, "SELECT * FROM read_csv('/etc/passwd')")
    con = duckdb.connect(str(path))
    assert con.execute("SELECT count(*) FROM activity_row").fetchone() == (3,)
    con.close()
