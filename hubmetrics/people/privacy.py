"""A child's rights over their records: erasure and a subject-access listing, as an admin.

Both find every record held about one pseudonym: the current rows, the row history (rows a
later batch replaced), the lines of the kept originals (rolled-back batches' too) and the
load warnings at those lines. An erasure removes all of them in one write; the audit trail
says what was done, never the pseudonym. Backups are not changed: those taken before an
erasure are named as still holding the records. See docs/privacy.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hubmetrics import store
from hubmetrics.contract import PARTICIPANTS
from hubmetrics.disclosure.exports import table_csv
from hubmetrics.ingest.originals import (
    KeptOriginal,
    RowKey,
    Where,
    blank,
    forget_lines,
    lines_for,
    participant_originals,
    rewriting,
)
from hubmetrics.metrics import summary
from hubmetrics.people import audit
from hubmetrics.people.access import AccessRefused, Person, require
from hubmetrics.people.actions import refuse
from hubmetrics.store.backup import ListedBackup, backups_in, default_folder

# Every stored participant_ref has this shape (the contract refuses any other), so a text of
# another shape is a mistake, and one of this shape is never a part of a longer word.
_SHAPE = re.compile(r"[A-Za-z0-9_-]{8,64}")
ERASED = "[erased]"  # what stands where the pseudonym was in any other text kept
COLUMNS = PARTICIPANTS.column_names
_ROWS = (
    "SELECT batch_id, replaced_by, participant_ref, partner_id, activity_id, "
    "start_date, age_band, sex, fsm, send, ehcp, lac, eal, young_carer, ethnicity, "
    "postcode_district, school_urn FROM participant_row WHERE participant_ref = ? "
    "ORDER BY batch_id, start_date, activity_id"
)
NOT_HELD = (
    "No record here has this pseudonym: no current row, no row history and no line of a "
    "kept original. Nothing was changed. Check that it was copied whole from the partner's "
    "pseudonymised file (it is case-sensitive)."
)


class PrivacyRefused(Exception):
    """The request cannot be carried out as given; the message says why. Nothing changed."""


@dataclass(frozen=True)
class HeldLines:
    """The lines of one batch's kept original that hold the child's records."""

    original: KeptOriginal
    where: frozenset[Where]
    own_lines: frozenset[int]  # in the batch's numbering (its warnings and corrections)

    def lines_said(self) -> str:
        """ "lines 2, 7" or "sheet Autumn rows 3, 9"."""
        by_sheet: dict[str | None, list[int]] = {}
        for sheet, line in sorted(self.where, key=lambda w: (w[0] or "", w[1])):
            by_sheet.setdefault(sheet, []).append(line)
        return "; ".join(
            (f"sheet {sheet} rows " if sheet is not None else "lines ") + ", ".join(map(str, lines))
            for sheet, lines in by_sheet.items()
        )


@dataclass(frozen=True)
class Held:
    """Everything held about one pseudonym."""

    rows: list[dict[str, object]]  # batch_id, replaced_by and the columns
    originals: list[HeldLines]
    warnings: list[tuple[int, int | None, str | None, str | None, str]]
    unread: list[KeptOriginal]  # participant originals that are missing or unreadable

    @property
    def empty(self) -> bool:
        return not self.rows and not self.originals

    @property
    def current(self) -> int:
        return sum(1 for r in self.rows if r["replaced_by"] is None)

    @property
    def history(self) -> int:
        return len(self.rows) - self.current

    def said(self) -> str:
        """What is held, in the audit trail's words (counts and batches, no pseudonym)."""
        batches = ", ".join(str(h.original.batch_id) for h in self.originals) or "none"
        return (
            f"{self.current} current rows, {self.history} in row history; lines in the kept "
            f"originals of batches {batches}; {len(self.warnings)} load warnings"
        )


def checked_ref(text: str) -> str:
    """The pseudonym as given, without spaces around it; PrivacyRefused for any other text."""
    ref = text.strip()
    if not _SHAPE.fullmatch(ref):
        raise PrivacyRefused(
            "A pseudonym is 8 to 64 letters, digits, '-' or '_' (like p_0123456789abcdef0123), "
            "as in the participants file; what was given is not one. Nothing was changed."
        )
    return ref


def find_held(cur: store.Connection, ref: str) -> Held:
    """Every record held about `ref`, read on `cur` (inside a transaction, for one state)."""
    cursor = cur.execute(_ROWS, [ref])
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    originals, unread, warnings = [], [], []
    for original in participant_originals(cur):
        if original.found is None:
            unread.append(original)
            continue
        wanted = [
            RowKey(ref, str(r["activity_id"]), r["start_date"])  # type: ignore[arg-type]
            for r in rows
            if r["batch_id"] == original.batch_id
        ]
        where, own = lines_for(cur, original, wanted, {ref})
        if where or own:
            originals.append(HeldLines(original, frozenset(where), frozenset(own)))
            warnings += cur.execute(
                "SELECT batch_id, line, column_name, value, message FROM batch_warning "
                "WHERE batch_id = ? AND list_contains(CAST(? AS INTEGER[]), line) ORDER BY line",
                [original.batch_id, sorted(own)],
            ).fetchall()
    return Held(rows, originals, warnings, unread)


# --- erasure -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed, and the backups that still hold the records."""

    held: Held
    warnings_removed: int
    corrections_removed: int
    redacted: list[str]  # `table.column` where the pseudonym stood in other text
    backups: list[ListedBackup]
    data_version: int


def erase_as(
    con: store.Connection, person: Person, text: str, *, case: str = "", via: str = "app"
) -> Erasure:
    """Erase every record held about the pseudonym `text`, for `person` (admins only).

    In one write: the child's current rows and row history go, each kept original holding
    a line of theirs is rewritten with that line empty (its hash recorded with its batch),
    the warnings and corrections at those lines go, and any other text kept that holds the
    pseudonym has it replaced by `[erased]`. The data version moves on, the kept summary is
    recounted, and the audit trail gets a line with `case` (the request's own reference) and
    the counts. PrivacyRefused (recorded, nothing changed) for an unknown pseudonym.
    """
    ref, case = _permitted(con, person, "erasure", text, case, via)
    when = datetime.now().astimezone()
    database = store.database_path(con)
    backups = backups_before(database, when) if database else []
    try:
        with rewriting(con) as rewrites, store.write_transaction(con) as cur:
            held = find_held(cur, ref)
            if held.empty:
                raise PrivacyRefused(NOT_HELD)
            cur.execute("DELETE FROM participant_row WHERE participant_ref = ?", [ref])
            warnings = corrections = 0
            for lines in held.originals:
                kept = lines.original
                if lines.where:
                    rewrites.replace(
                        cur, kept.batch_id, kept.stored_name, blank(kept.data, lines.where)
                    )
                w, c = forget_lines(cur, kept.batch_id, lines.own_lines)
                warnings, corrections = warnings + w, corrections + c
            redacted = _redact(cur, ref)
            version = store.data_version(cur) + 1  # the transaction bumps it as it commits
            audit.append(
                cur,
                person,
                "erasure",
                detail=f"{_case(case)}one child's records: {held.said()}; {warnings} warnings "
                f"and {corrections} corrections removed; backups taken before it that still "
                f"hold them: {len(backups)}",
                via=via,
            )
    except PrivacyRefused as exc:
        audit.record(
            con, person, "erasure", outcome="refused", detail=f"{_case(case)}{exc}", via=via
        )
        raise
    summary.refresh_quietly(con)
    return Erasure(held, warnings, corrections, redacted, backups, version)


def _redact(cur: store.Connection, ref: str) -> list[str]:
    """Replace `ref` by `[erased]` wherever else it stands in text (a file name, a detail in
    the audit trail): the places named."""
    columns = cur.execute(
        "SELECT c.table_name, c.column_name FROM duckdb_columns() c JOIN duckdb_tables() t "
        "USING (database_name, schema_name, table_name) WHERE c.database_name = "
        "current_database() AND c.schema_name = 'main' AND c.data_type = 'VARCHAR' "
        "AND NOT t.temporary AND c.table_name <> 'participant_row' "
        "ORDER BY c.table_name, c.column_index"
    ).fetchall()
    places = []
    for table, column in columns:
        t, c = _quoted(table), _quoted(column)
        changed = cur.execute(
            f"UPDATE {t} SET {c} = replace({c}, ?, ?) WHERE contains({c}, ?)",  # noqa: S608 - names from the catalog, quoted
            [ref, ERASED, ref],
        ).fetchone()
        if changed and changed[0]:
            places.append(f"{table}.{column}")
    return places


# --- subject access ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectAccess:
    """Every record held about one pseudonym, as a table to hand over."""

    held: Held
    backups: list[ListedBackup]

    def rows(self) -> list[dict[str, object]]:
        """One row per record held: current rows, row history, lines of kept originals and
        load warnings, each saying where it is held."""
        out: list[dict[str, object]] = []
        names = {h.original.batch_id: h.original.file_name for h in self.held.originals}
        for row in self.held.rows:
            place = "current" if row["replaced_by"] is None else "row history"
            out.append(
                _row(place, row["batch_id"], names.get(int(str(row["batch_id"])), ""), row)
                | {"replaced_by": row["replaced_by"]}
            )
        for lines in self.held.originals:
            kept = lines.original
            cells = {r.where: r.cells for r in kept.found or []}
            for where in sorted(lines.where, key=lambda w: (w[0] or "", w[1])):
                out.append(
                    _row("kept original", kept.batch_id, kept.file_name, {})
                    | {"sheet": where[0] or "", "line": where[1]}
                    | {"as_sent": ", ".join(cells.get(where, ()))}
                )
        for batch_id, line, column, value, message in self.held.warnings:
            out.append(
                _row("load warning", batch_id, names.get(batch_id, ""), {})
                | {"line": line, "as_sent": value or "", "note": f"{column}: {message}"}
            )
        return out

    def csv(self) -> str:
        """The listing as CSV (UTF-8 with a BOM; formulas neutralised)."""
        return table_csv(self.rows() or [_row("nothing held", None, "", {})])

    def summary(self) -> list[str]:
        """What the listing holds, in sentences."""
        if self.held.empty:
            return ["No record here has this pseudonym."]
        said = [f"Held: {self.held.said()}."]
        said += [
            f"Batch {h.original.batch_id} ({h.original.file_name}, {h.original.status}): "
            f"its kept original holds {h.lines_said()}."
            for h in self.held.originals
        ]
        said += unread_said(self.held) + backups_said(self.backups, erased=False)
        return said


def _row(place: str, batch_id: object, file_name: str, values: dict[str, object]) -> dict:
    base: dict[str, object] = {"held_in": place, "batch_id": batch_id, "file_name": file_name}
    base |= {"sheet": "", "line": None, "replaced_by": None}
    base |= {name: values.get(name) for name in COLUMNS}
    return base | {"as_sent": "", "note": ""}


def subject_access_as(
    con: store.Connection, person: Person, text: str, *, case: str = "", via: str = "app"
) -> SubjectAccess:
    """Every record held about the pseudonym `text`, for `person` (admins only); the listing
    is recorded in the audit trail with `case` and its counts, never the pseudonym."""
    ref, case = _permitted(con, person, "subject_access", text, case, via)
    with store.read_transaction(con, hold_writers=True) as cur:  # rows and files as one
        held = find_held(cur, ref)
    database = store.database_path(con)
    backups = backups_before(database, datetime.now().astimezone()) if database else []
    audit.record(
        con,
        person,
        "subject_access",
        detail=f"{_case(case)}{held.said() if not held.empty else 'nothing held'}",
        via=via,
    )
    return SubjectAccess(held, backups)


# --- shared ------------------------------------------------------------------------------------


def backups_before(database: Path, when: datetime) -> list[ListedBackup]:
    """The backups in the app's backup folder beside `database` taken before `when`."""
    return [b for b in backups_in(default_folder(database).parent) if b.taken_at < when]


def backups_said(backups: list[ListedBackup], *, erased: bool) -> list[str]:
    """What to say of the backups that may hold the records."""
    still = "still hold the erased records" if erased else "may hold these records too"
    said = [f"Backup {b.folder} (taken {b.taken_at:%d/%m/%Y %H:%M}) {still}." for b in backups]
    return said + [
        "Backups written elsewhere with `hubmetrics backup DIR` are not known here; any taken "
        "before now hold the records as well."
        + (" Restoring a backup brings the records back: erase again after it." if erased else "")
    ]


def unread_said(held: Held) -> list[str]:
    return [
        f"The kept original of batch {k.batch_id} ({k.file_name}) is missing or cannot be read, "
        "so it could not be checked."
        for k in held.unread
    ]


def _permitted(
    con: store.Connection, person: Person, action: str, text: str, case: str, via: str
) -> tuple[str, str]:
    """(the pseudonym, the case reference) once `person` may and both are well made; the
    refusal recorded (without what was typed) and raised otherwise."""
    require_privacy(con, person, audit.ACTIONS[action].lower(), via)
    try:
        ref = checked_ref(text)
        case = " ".join(case.split())
        if ref in case:
            raise PrivacyRefused(
                "The case reference holds the pseudonym; give the request's own reference "
                "(like DSR-2026-014), never the pseudonym. Nothing was changed."
            )
    except PrivacyRefused as exc:
        audit.record(con, person, action, outcome="refused", detail=str(exc), via=via)
        raise
    return ref, case[:100]


def require_privacy(con: store.Connection, person: Person, what: str, via: str) -> None:
    """AccessRefused, recorded, unless `person` may carry out the privacy duties (admins)."""
    try:
        require(person, "privacy")
    except AccessRefused as exc:
        refuse(con, person, f"{what}: {exc}", via=via)
        raise


def _case(case: str) -> str:
    return f"case {case}: " if case else ""


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
