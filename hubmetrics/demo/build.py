"""Building the demo database from the synthetic CSV files, through the normal ingestion."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from hubmetrics import config, store
from hubmetrics.demo.manifest import read_manifest
from hubmetrics.ingest import LoadResult, load_file
from hubmetrics.metrics import summary


class DemoBuildError(Exception):
    """A demo file was refused: the demo and the contract disagree (a bug)."""


def build_demo(con: store.Connection, folder: Path | None = None) -> list[LoadResult]:
    """Load every demo file in manifest order into an empty database and mark it as demo."""
    folder = folder or config.DEMO_DIR
    existing = con.execute("SELECT count(*) FROM batch").fetchone()
    if existing and existing[0]:
        raise DemoBuildError(
            "The database already has data; the demo is built only into an empty database."
        )
    results = []
    entries = read_manifest(folder)
    for entry in entries:
        data = (folder / entry.file_name).read_bytes()
        result = load_file(
            con,
            entry.kind,
            data,
            file_name=entry.file_name,
            partner_id=entry.partner_id,
            submitted_by=entry.submitted_by,
            submitted_at=datetime.combine(entry.received_on, time(9, 0)),
            refresh_summary=False,
        )
        if not result.accepted:
            first = result.errors[0].describe() if result.errors else "refused"
            raise DemoBuildError(f"Demo file {entry.file_name} was refused: {first}")
        results.append(result)
    # The demo stands part-way through its last year: "today" is the day its last return came.
    as_of = max(e.received_on for e in entries).isoformat()
    with store.write_transaction(con) as cur:
        cur.execute("DELETE FROM hub_setting WHERE key IN ('is_demo', 'as_of')")
        cur.execute("INSERT INTO hub_setting VALUES ('is_demo', 'true'), ('as_of', ?)", [as_of])
    summary.refresh(con)
    return results


def open_default(path: str | Path | None = None) -> store.Connection:
    """Open the database; a new, empty default database gets the demo data on first start."""
    database = config.db_path(path)
    con = store.connect(database)
    empty = con.execute("SELECT count(*) FROM batch").fetchone()
    if database.resolve() == config.DEFAULT_DB.resolve() and empty and not empty[0]:
        build_demo(con)
    return con
