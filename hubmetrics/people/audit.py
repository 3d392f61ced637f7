"""The audit trail: who did what, when, and how it ended; appended to, never edited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hubmetrics import store
from hubmetrics.disclosure.exports import BOM, table_csv
from hubmetrics.people.access import Person

# The actions the trail records, in the words the admin page shows.
ACTIONS: dict[str, str] = {
    "sign_in": "Signed in",
    "sign_in_failed": "Failed sign-in",
    "sign_out": "Signed out",
    "no_access": "Signed in without an account",
    "load": "Upload",
    "refused": "Refused",
    "rollback": "Rollback",
    "export": "Export",
    "backup": "Backup",
    "user_added": "Account added",
    "user_changed": "Account changed",
    "user_removed": "Account removed",
    "password_set": "Password set",
    "goals_changed": "Goals file changed",
    "headings_saved": "Headings mapping saved",
    "fixed": "Fix accepted",
    "edited": "Cell corrected by hand",
    "erasure": "Child's records erased",
    "subject_access": "Subject access listing",
    "retention": "Old records purged",
}
OUTCOMES = ("ok", "refused", "failed")
VIA = ("app", "cli")
MAX_DETAIL = 2000  # a detail is a sentence; a longer one is cut so the trail stays readable

CSV_COLUMNS = ("Event", "When", "Who", "Action", "Outcome", "Detail", "Via")


@dataclass(frozen=True)
class Event:
    """One line of the audit trail."""

    event_id: int
    happened_at: datetime
    who: str
    action: str
    outcome: str
    detail: str
    via: str

    def row(self) -> dict[str, object]:
        return dict(
            zip(
                CSV_COLUMNS,
                (
                    self.event_id,
                    self.happened_at.strftime("%Y-%m-%d %H:%M:%S"),
                    self.who,
                    ACTIONS.get(self.action, self.action),
                    self.outcome,
                    self.detail,
                    self.via,
                ),
                strict=True,
            )
        )


def who(person: Person | str) -> str:
    return person.email if isinstance(person, Person) else person


def append(
    cur: store.Connection,
    person: Person | str,
    action: str,
    *,
    outcome: str = "ok",
    detail: str = "",
    via: str = "app",
    happened_at: datetime | None = None,
) -> None:
    """Add an event inside a write transaction that is already open on `cur`.

    Never pass a password or a file's contents in `detail`: the trail is read by admins
    and downloaded.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown audit outcome {outcome!r}")
    if via not in VIA:
        raise ValueError(f"Unknown audit channel {via!r}")
    text = " ".join(detail.split())
    if len(text) > MAX_DETAIL:
        text = text[: MAX_DETAIL - 1] + "…"
    cur.execute(
        "INSERT INTO audit_event (happened_at, who, action, outcome, detail, via) VALUES (?, ?, ?, ?, ?, ?)",
        [happened_at or datetime.now(), who(person), action, outcome, text, via],
    )


def record(
    con: store.Connection,
    person: Person | str,
    action: str,
    *,
    outcome: str = "ok",
    detail: str = "",
    via: str = "app",
) -> None:
    """Append one event in its own transaction (it changes no figure, so caches stay)."""
    with store.write_transaction(con, bump=False) as cur:
        append(cur, person, action, outcome=outcome, detail=detail, via=via)


def events(
    con: store.Connection,
    *,
    action: str | None = None,
    who_contains: str | None = None,
    limit: int | None = None,
) -> list[Event]:
    """The trail, newest first; optionally one action, or people whose name contains a text."""
    pattern = f"%{who_contains.lower()}%" if who_contains else None
    rows = con.execute(
        "SELECT event_id, happened_at, who, action, outcome, detail, via FROM audit_event "
        "WHERE (? IS NULL OR action = ?) AND (? IS NULL OR lower(who) LIKE ?) "
        "ORDER BY event_id DESC LIMIT ?",
        [action, action, pattern, pattern, limit if limit is not None else 2**62],
    ).fetchall()
    return [Event(*r) for r in rows]


def events_csv(trail: Sequence[Event]) -> str:
    """The trail as CSV (UTF-8 with BOM, formulas neutralised: details hold file names)."""
    if not trail:
        return BOM + ",".join(CSV_COLUMNS) + "\r\n"
    return table_csv([e.row() for e in trail])
