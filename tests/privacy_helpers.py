"""What the privacy tests share: finding a text anywhere in the database or the kept originals."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hubmetrics import store


def places_holding(con: store.Connection, text: str) -> list[str]:
    """`table.column` of every stored table (every column, whatever its type, as text) where
    a value contains `text`: the database scanned whole, the audit trail too."""
    found = []
    columns = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND NOT internal ORDER BY table_name"
    ).fetchall()
    for table, column in columns:
        row = con.execute(
            f'SELECT count(*) FROM "{table}" WHERE contains(CAST("{column}" AS VARCHAR), ?)',
            [text],
        ).fetchone()
        if row and row[0]:
            found.append(f"{table}.{column}")
    return found


def files_holding(folder: Path, text: str) -> list[str]:
    """The files in `folder` (a workbook: any part of it, unzipped) whose bytes hold `text`."""
    needle = text.encode("utf-8")
    found = []
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        parts = [data]
        if data.startswith(b"PK\x03\x04"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                parts += [archive.read(name) for name in archive.namelist()]
        if any(needle in part for part in parts):
            found.append(path.name)
    return found


def original_of(con: store.Connection, batch_id: int) -> bytes:
    row = con.execute("SELECT stored_name FROM batch WHERE batch_id = ?", [batch_id]).fetchone()
    assert row is not None
    return (store.originals_folder(con) / row[0]).read_bytes()
