"""After a crash: the checks that a hub database and its kept originals are whole."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hubmetrics import config, store
from hubmetrics.metrics.filters import Filters
from hubmetrics.metrics.participants import participant_totals_by, progression_rows
from hubmetrics.metrics.registry import PARTICIPANT_PARTS
from hubmetrics.metrics.summary import hub_children, kept_progression

TABLES = {
    "partners": "partner_row",
    "schools": "school_row",
    "activities": "activity_row",
    "participants": "participant_row",
}
# The key of a current row, by table (no two current rows share one).
KEYS = {
    "activity_row": "partner_id, activity_id, start_date",
    "participant_row": "partner_id, activity_id, start_date, participant_ref",
}


def check_whole(path: Path) -> dict[str, object]:
    """Open the database as a person would next, and check that it is whole.

    Every batch has all of its rows and no row lacks its batch (nor was replaced by one that
    is not there); the current activities and participant records are one row per key, each
    of a batch that loaded; the kept summary of the hub's children, where it says it is of
    the current data, is what a recount gives; the kept originals are exactly the batch
    table's, byte for byte as hashed; no file is left over from a load that died. Returns
    what is there, with the (batches, rows) of each table's current rows.
    """
    folder = config.originals_dir(path)
    found = len(list(folder.iterdir())) if folder.exists() else 0
    con = store.connect(path)  # opens cleanly, and sweeps what a dead load left
    try:
        batches = con.execute(
            "SELECT batch_id, kind, stored_name, sha256, rows_loaded, status FROM batch "
            "ORDER BY batch_id"
        ).fetchall()
        ids = [b[0] for b in batches]
        assert ids == list(range(1, len(ids) + 1)), ids
        for batch_id, kind, _, _, rows_loaded, status in batches:
            table = TABLES[kind]
            sql = f"SELECT count(*) FROM {table} WHERE batch_id = ?"  # safe: fixed names
            row = con.execute(sql, [batch_id]).fetchone()
            assert row is not None
            expected = rows_loaded if status == "loaded" else 0
            assert row[0] == expected, (batch_id, row[0], rows_loaded)
        current = {}
        for table in TABLES.values():
            sql = f"SELECT count(*) FROM {table} WHERE batch_id NOT IN (SELECT batch_id FROM batch) OR replaced_by NOT IN (SELECT batch_id FROM batch)"  # safe: fixed names
            stray = con.execute(sql).fetchone()
            assert stray == (0,), table
            sql = f"SELECT count(DISTINCT batch_id), count(*) FROM {table} WHERE replaced_by IS NULL AND batch_id IN (SELECT batch_id FROM batch WHERE status = 'loaded')"  # safe: fixed names
            row = con.execute(sql).fetchone()
            assert row is not None
            current[table] = (int(row[0]), int(row[1]))
        for table, key in KEYS.items():
            sql = f"SELECT count(*) FROM (SELECT {key} FROM {table} WHERE replaced_by IS NULL GROUP BY ALL HAVING count(*) > 1)"  # safe: fixed names
            assert con.execute(sql).fetchone() == (0,), table
        _check_kept_summary(con)
        assert store.data_version(con) >= len(batches)
        on_disk = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
        assert on_disk == sorted(b[2] for b in batches), "orphan or missing originals"
        for _, _, stored_name, sha256, _, _ in batches:
            kept = (folder / stored_name).read_bytes()
            assert hashlib.sha256(kept).hexdigest() == sha256, stored_name
        return {
            "batches": len(batches),
            "hashes": {b[3] for b in batches},
            "data_version": store.data_version(con),
            "swept": found - len(on_disk),
            "current": current,
        }
    finally:
        con.close()


def _check_kept_summary(con: store.Connection) -> None:
    """The kept counts of children (and their progression) say which data version they are
    of; where that is the current one, they must be what a recount of the records gives."""
    kept = hub_children(con)
    if kept is not None:
        counted = participant_totals_by(con, Filters(), (), None)
        recount = {
            int(ay): {"ay": int(ay), **{name: int(record[name]) for name, _ in PARTICIPANT_PARTS}}
            for (ay, _), record in counted.items()
        }
        assert kept == recount, "kept children's figures differ from the records"
    progression = kept_progression(con)
    if progression is not None:
        assert progression == progression_rows(con, Filters()), "kept progression differs"
