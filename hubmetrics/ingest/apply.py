"""Finishing a checked upload in the store: one batch, replacing current rows by key."""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from hubmetrics.ingest.validate import Staged

Connection = duckdb.DuckDBPyConnection

# The row table behind each kind.
BASE_TABLES = {
    "partners": "partner_row",
    "schools": "school_row",
    "activities": "activity_row",
    "participants": "participant_row",
    "baselines": "baseline_row",
}


def new_batch_id(cur: Connection) -> int:
    """The next batch's number. Taken under the writer lock, so it is one more than the last;
    a refused load, or a check, leaves no gap."""
    row = cur.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM batch").fetchone()
    assert row is not None
    return int(row[0])


def apply_batch(
    cur: Connection,
    staged: Staged,
    batch_id: int,
    *,
    partner_id: str | None,
    file_name: str,
    stored_name: str,
    sha256: str,
    file_bytes: int,
    encoding: str,
    submitted_by: str | None,
    submitted_at: datetime | None,
) -> int:
    """Make the batch's checked rows current, inside the caller's transaction; return how many
    rows it replaced. The rows were written, under `batch_id`, as the file was read."""
    kind = staged.kind
    table = BASE_TABLES[kind.name]
    cur.execute(f"DELETE FROM {table} WHERE batch_id = ? AND is_empty", [batch_id])  # safe: fixed
    if kind.name == "schools":
        # A schools list is a snapshot: it replaces the whole current list.
        replaced_sql = (
            f"UPDATE {table} SET replaced_by = ? "  # safe: fixed names
            "WHERE replaced_by IS NULL AND batch_id <> ?"
        )
        replaced_params: list[object] = [batch_id, batch_id]
    else:
        match = " AND ".join(f"r.{k} = s.{k}" for k in kind.key)
        replaced_sql = (
            f"UPDATE {table} AS r SET replaced_by = ? FROM {table} AS s "  # safe: fixed names
            f"WHERE s.batch_id = ? AND r.batch_id <> ? AND r.replaced_by IS NULL AND {match}"
        )
        replaced_params = [batch_id, batch_id, batch_id]
        if "start_date" in kind.key:
            # Only rows from the batch's own dates can share its keys. Given as constants, the
            # range lets DuckDB skip the blocks of other years unread: without it, each load
            # read every row loaded before it (ten years of a nation's activities).
            first, last = (
                cur.execute(
                    f"SELECT min(start_date), max(start_date) FROM {table} WHERE batch_id = ?",  # safe: fixed
                    [batch_id],
                ).fetchone()
                or (None, None)
            )
            if first is not None:
                replaced_sql += " AND r.start_date BETWEEN ? AND ?"
                replaced_params += [first, last]
                if not _current_rows_between(cur, table, batch_id, first, last):
                    replaced_sql = ""  # a new term or year: nothing it could replace
    replaced_row = cur.execute(replaced_sql, replaced_params).fetchone() if replaced_sql else None
    replaced = int(replaced_row[0]) if replaced_row else 0

    batch_partner = partner_id
    if batch_partner is None and kind.partner_named:
        only = cur.execute(
            f"SELECT min(partner_id), count(DISTINCT partner_id) FROM {table} WHERE batch_id = ?",  # safe: fixed
            [batch_id],
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
    return replaced


def _current_rows_between(
    cur: Connection, table: str, batch_id: int, first: date, last: date
) -> bool:
    """Whether any current row of another batch starts between `first` and `last` (read from
    the blocks of those dates alone: matching a new year's rows against none took a tenth
    of its load nationally)."""
    row = cur.execute(
        f"SELECT EXISTS (SELECT 1 FROM {table} WHERE start_date BETWEEN ? AND ? "  # safe: fixed
        "AND batch_id <> ? AND replaced_by IS NULL)",
        [first, last, batch_id],
    ).fetchone()
    return bool(row and row[0])
