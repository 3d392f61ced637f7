"""After a crash: the checks that a hub database and its kept originals are whole."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hubmetrics import config, store

TABLES = {"partners": "partner_row", "schools": "school_row", "activities": "activity_row"}


def check_whole(path: Path) -> dict[str, object]:
    """Open the database as a person would next, and check that it is whole.

    Every batch has all of its rows and no row lacks its batch; the current activities are
    one row per key; the kept originals are exactly the batch table's, byte for byte as
    hashed; no file is left over from a load that died. Returns what is there.
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
        for table in TABLES.values():
            sql = f"SELECT count(*) FROM {table} WHERE batch_id NOT IN (SELECT batch_id FROM batch)"  # safe: fixed names
            stray = con.execute(sql).fetchone()
            assert stray == (0,), table
        twice = con.execute(
            "SELECT count(*) FROM (SELECT partner_id, activity_id, start_date FROM activities "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()
        assert twice == (0,)
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
        }
    finally:
        con.close()
