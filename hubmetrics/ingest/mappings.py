"""A partner's remembered mapping of its own headings, so that next term's file maps itself."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from hubmetrics import store
from hubmetrics.contract import file_kind
from hubmetrics.contract.headings import check_mapping

MAX_HEADINGS = 500  # as many as a file may have columns


def saved_headings(con: store.Connection, partner_id: str, kind: str) -> dict[str, str]:
    """The partner's remembered mapping for this kind of file: heading -> column ('' = out)."""
    with con.cursor() as cur:
        rows = cur.execute(
            "SELECT heading, column_name FROM heading_mapping WHERE partner_id = ? AND kind = ? "
            "ORDER BY heading",
            [partner_id, kind],
        ).fetchall()
    return {str(heading): str(column) for heading, column in rows}


def save_headings(
    cur: store.Connection,
    partner_id: str,
    kind: str,
    chosen: Mapping[str, str],
    *,
    saved_by: str | None = None,
) -> int:
    """Replace the partner's remembered mapping for `kind` with `chosen`, inside a write
    transaction open on `cur`; returns how many headings it holds. A mapping to a column
    the contract does not have is refused (ValueError), and nothing changes."""
    wrong = check_mapping(file_kind(kind), chosen)
    if wrong:
        raise ValueError(wrong[0])
    if len(chosen) > MAX_HEADINGS:
        raise ValueError(f"A mapping holds at most {MAX_HEADINGS} headings.")
    cur.execute("DELETE FROM heading_mapping WHERE partner_id = ? AND kind = ?", [partner_id, kind])
    now = datetime.now()
    for heading, column in chosen.items():
        cur.execute(
            "INSERT INTO heading_mapping VALUES (?, ?, ?, ?, ?, ?)",
            [partner_id, kind, heading, column, now, saved_by],
        )
    return len(chosen)
