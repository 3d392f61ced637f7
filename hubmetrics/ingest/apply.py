"""Writing a checked upload into the store as one batch, replacing rows by key."""

from __future__ import annotations

from datetime import datetime

import duckdb

from hubmetrics.ingest.validate import Staged

Connection = duckdb.DuckDBPyConnection

# The base table behind each kind, and how a new batch replaces current rows.
BASE_TABLES = {"partners": "partner_row", "schools": "school_row", "activities": "activity_row"}


def apply_batch(
    cur: Connection,
    staged: Staged,
    *,
    partner_id: str | None,
    file_name: str,
    stored_name: str,
    sha256: str,
    file_bytes: int,
    encoding: str,
    submitted_by: str | None,
    submitted_at: datetime | None,
) -> tuple[int, int]:
    """Record the batch and its rows inside the caller's transaction; return (id, replaced)."""
    kind = staged.kind
    table = BASE_TABLES[kind.name]
    row = cur.execute("SELECT nextval('batch_id_seq')").fetchone()
    assert row is not None
    batch_id = int(row[0])
    names = kind.column_names
    t = staged.table

    if kind.name == "schools":
        # A schools list is a snapshot: it replaces the whole current list.
        replaced_sql = (
            f"UPDATE {table} SET replaced_by = ? WHERE replaced_by IS NULL"  # safe: fixed
        )
        replaced_params: list[object] = [batch_id]
    else:
        match = " AND ".join(f"r.{k} = s.{k}" for k in kind.key)
        replaced_sql = (
            f"UPDATE {table} AS r SET replaced_by = ? FROM {t} AS s "  # safe: fixed names
            f"WHERE r.replaced_by IS NULL AND NOT s.is_empty AND {match}"
        )
        replaced_params = [batch_id]
    replaced_row = cur.execute(replaced_sql, replaced_params).fetchone()
    replaced = int(replaced_row[0]) if replaced_row else 0

    values = [
        "coalesce(state_funded, true)" if (kind.name == "schools" and n == "state_funded") else n
        for n in names
    ]
    cur.execute(
        f"INSERT INTO {table} (batch_id, replaced_by, source_line, {', '.join(names)}) "  # safe: contract names
        f"SELECT ?, NULL, line, {', '.join(values)} FROM {t} WHERE NOT is_empty",
        [batch_id],
    )
    batch_partner = partner_id
    if batch_partner is None and kind.name == "activities":
        only = cur.execute(
            f"SELECT min(partner_id), count(DISTINCT partner_id) FROM {t} WHERE NOT is_empty"  # safe: generated
        ).fetchone()
        batch_partner = only[0] if only and only[1] == 1 else None
    cur.execute(
        "INSERT INTO batch VALUES (?, ?, ?, ?, coalesce(?, now()), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "'loaded', NULL, NULL)",
        [
            batch_id,
            kind.name,
            batch_partner,
            submitted_by,
            submitted_at,
            file_name,
            stored_name,
            sha256,
            file_bytes,
            encoding,
            staged.shape,
            staged.rows,
            replaced,
            staged.ignored,
            len(staged.warnings),
        ],
    )
    if staged.warnings:
        w = staged.warnings
        cur.execute(
            "INSERT INTO batch_warning SELECT ?, unnest(?), unnest(?), unnest(?), unnest(?)",
            [
                batch_id,
                [p.line for p in w],
                [p.column for p in w],
                [p.value for p in w],
                [p.message for p in w],
            ],
        )
    return batch_id, replaced
