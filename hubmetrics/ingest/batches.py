"""Batch history: listing what was loaded, reading kept originals, and undoing a batch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hubmetrics import store
from hubmetrics.ingest.apply import BASE_TABLES
from hubmetrics.metrics import summary


class RollbackRefused(Exception):
    """A batch cannot be rolled back as things stand; the message says what to do first."""


@dataclass(frozen=True)
class Batch:
    """One accepted upload."""

    batch_id: int
    kind: str
    partner_id: str | None
    submitted_by: str | None
    submitted_at: datetime
    file_name: str
    sha256: str
    rows_loaded: int
    rows_replaced: int
    warnings: int
    status: str


def list_batches(con: store.Connection, *, partner_id: str | None = None) -> list[Batch]:
    """Every batch, newest first (optionally one partner's)."""
    rows = con.execute(
        "SELECT batch_id, kind, partner_id, submitted_by, submitted_at, file_name, sha256, "
        "rows_loaded, rows_replaced, warning_count, status FROM batch "
        "WHERE ? IS NULL OR partner_id = ? ORDER BY batch_id DESC",
        [partner_id, partner_id],
    ).fetchall()
    return [Batch(*r) for r in rows]


def batch_warnings(con: store.Connection, batch_id: int) -> list[tuple[int | None, str, str, str]]:
    """The warnings recorded with a batch: (line, column, value, message)."""
    return con.execute(
        "SELECT line, column_name, value, message FROM batch_warning WHERE batch_id = ? "
        "ORDER BY line",
        [batch_id],
    ).fetchall()


def batch_corrections(
    con: store.Connection, batch_id: int
) -> list[tuple[int | None, str, str | None, str | None, str, str | None]]:
    """The cells corrected before a batch loaded: (line, column, before, after, how, by), in
    the order they were made (no values for participant records)."""
    return con.execute(
        "SELECT line, column_name, before, after, how, made_by FROM batch_correction "
        "WHERE batch_id = ? ORDER BY seq",
        [batch_id],
    ).fetchall()


def original_file(con: store.Connection, batch_id: int) -> tuple[str, Path]:
    """(the name it was sent as, the path of the kept bytes) for a batch."""
    row = con.execute(
        "SELECT file_name, stored_name FROM batch WHERE batch_id = ?", [batch_id]
    ).fetchone()
    if row is None:
        raise KeyError(f"There is no batch {batch_id}.")
    return row[0], store.originals_folder(con) / row[1]


def rollback(con: store.Connection, batch_id: int, *, user: str | None = None) -> int:
    """Undo a batch: its rows go, the rows it replaced come back. Returns rows removed.

    Refused (nothing changed) when a later batch has since replaced its rows, or when
    current activities depend on partners that only this batch added.
    """
    with store.write_transaction(con) as cur:
        row = cur.execute(
            "SELECT kind, status FROM batch WHERE batch_id = ?", [batch_id]
        ).fetchone()
        if row is None:
            raise RollbackRefused(f"There is no batch {batch_id}.")
        kind, status = row
        if status != "loaded":
            raise RollbackRefused(f"Batch {batch_id} was already rolled back.")
        table = BASE_TABLES[kind]
        later = cur.execute(
            f"SELECT min(replaced_by) FROM {table} WHERE batch_id = ? AND replaced_by IS NOT NULL",  # safe: fixed
            [batch_id],
        ).fetchone()
        if later and later[0] is not None:
            raise RollbackRefused(
                f"Batch {later[0]} has since replaced rows of batch {batch_id}. "
                f"Roll back batch {later[0]} first."
            )
        if kind == "partners":
            used = cur.execute(
                """
                SELECT p.partner_id, count(*) FROM partner_row p
                JOIN activities a ON a.partner_id = p.partner_id
                WHERE p.batch_id = ? AND NOT EXISTS (
                    SELECT 1 FROM partner_row e WHERE e.partner_id = p.partner_id
                    AND e.replaced_by = p.batch_id)
                GROUP BY p.partner_id ORDER BY p.partner_id LIMIT 5
                """,
                [batch_id],
            ).fetchall()
            if used:
                names = ", ".join(f"{pid} ({n} activities)" for pid, n in used)
                raise RollbackRefused(
                    f"Batch {batch_id} added partners that activities now use: {names}. "
                    "Roll back those activity returns first."
                )
        if kind == "activities":
            _refuse_if_records_depend(cur, batch_id)
        removed_row = cur.execute(
            f"DELETE FROM {table} WHERE batch_id = ?",
            [batch_id],  # safe: fixed name
        ).fetchone()
        cur.execute(
            f"UPDATE {table} SET replaced_by = NULL WHERE replaced_by = ?",
            [batch_id],  # safe: fixed
        )
        cur.execute(
            "UPDATE batch SET status = 'rolled_back', rolled_back_at = now(), rolled_back_by = ? "
            "WHERE batch_id = ?",
            [user, batch_id],
        )
    summary.refresh_quietly(con)
    return int(removed_row[0]) if removed_row else 0


def _refuse_if_records_depend(cur: store.Connection, batch_id: int) -> None:
    """Refuse to roll back activities that current participant records belong to, unless
    the rollback brings back an earlier version of the same activity."""
    key = "p.partner_id = a.partner_id AND p.activity_id = a.activity_id AND p.start_date = a.start_date"
    row = cur.execute(
        f"""
        SELECT count(*), list(DISTINCT p.batch_id ORDER BY p.batch_id)
        FROM participant_row p JOIN activity_row a ON {key}
        WHERE a.batch_id = ? AND p.replaced_by IS NULL AND NOT EXISTS (
            SELECT 1 FROM activity_row e WHERE e.replaced_by = a.batch_id
            AND e.partner_id = a.partner_id AND e.activity_id = a.activity_id
            AND e.start_date = a.start_date)
        """,  # safe: fixed SQL
        [batch_id],
    ).fetchone()
    if row and row[0]:
        batches = ", ".join(str(b) for b in row[1][:5])
        raise RollbackRefused(
            f"Batch {batch_id} holds activities that {row[0]:,} participant records belong to "
            f"(participant batches {batches}). Roll back those participant batches first."
        )
