"""What a person does to the hub's data, checked against their role and put in the audit trail.

The app and the command line both come through here, so a partner account is held to its own
returns whichever way it sends them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from hubmetrics import config, store
from hubmetrics.contract.problems import Problem
from hubmetrics.ingest import LoadResult, check_file, load_file
from hubmetrics.ingest.batches import RollbackRefused, rollback
from hubmetrics.ingest.corrections import BY_HAND, Correction, SheetOrigin, fixes_made
from hubmetrics.ingest.mappings import save_headings
from hubmetrics.metrics.goals import Goals, GoalsFileError, parse_goals
from hubmetrics.people import accounts, audit
from hubmetrics.people.access import (
    AccessRefused,
    Person,
    batches_partner,
    local_operator,
    require,
    upload_partner,
)


def load_as(
    con: store.Connection,
    person: Person,
    kind: str,
    data: bytes | Path,
    *,
    file_name: str | None = None,
    partner_id: str | None = None,
    submitted_by: str | None = None,
    via: str = "app",
    headings: Mapping[str, str] | None = None,
    sheet: str | None = None,
    original: bytes | None = None,
    origin: SheetOrigin | None = None,
    corrections: Sequence[Correction] = (),
) -> LoadResult:
    """Load a file for `person`: refused (nothing read) when their role may not send it.

    `submitted_by` is recorded with the batch; it defaults to the person's email (the local
    operator's loads keep whatever name was given, or none). `data` may be the file as sent
    with the fixes the person accepted and the cells they corrected (`corrections`; for a
    workbook, its sheet as CSV text from `origin`): then `original` is the file as sent,
    kept as the batch's original. Every corrected cell is recorded with the batch, and each
    fix and each cell corrected by hand goes into the audit trail.
    """
    name = file_name or (data.name if isinstance(data, Path) else "upload.csv")
    partner_id, refused = _permitted(con, person, kind, name, partner_id, via)
    if refused is not None:
        return refused
    if submitted_by is None and not person.is_local:
        submitted_by = person.email
    result = load_file(
        con,
        kind,
        data,
        file_name=name,
        partner_id=partner_id,
        submitted_by=submitted_by,
        headings=headings,
        sheet=sheet,
        original=original,
        origin=origin,
        corrections=corrections,
    )
    _record(con, person, result, partner_id, via=via)
    if result.accepted:
        for action, said in corrections_said(corrections, kind):
            audit.record(con, person, action, detail=f"batch {result.batch_id}: {said}", via=via)
    return result


def corrections_said(corrections: Sequence[Correction], kind: str) -> list[tuple[str, str]]:
    """The audit trail's (action, detail) for the corrections made before a load: a line
    for each fix, with its cells; a line for each cell corrected by hand, with the value
    before and after (for participant records, never a value)."""
    by_hand = [c for c in corrections if c.how == BY_HAND]
    said = [
        f"line {c.line}, {c.column} corrected (values not kept)"
        if kind == "participants"
        else f"line {c.line}, {c.column}: {_quoted(c.before)} → {_quoted(c.after)}"
        for c in by_hand
    ]
    return [("fixed", fix) for fix in fixes_made(corrections)] + [("edited", s) for s in said]


def _quoted(value: str) -> str:
    """A cell's value in the trail: quoted, and cut short (the batch keeps it whole)."""
    return repr(value if len(value) <= 60 else value[:57] + "...")


def check_as(
    con: store.Connection,
    person: Person,
    kind: str,
    data: bytes,
    *,
    file_name: str = "upload.csv",
    partner_id: str | None = None,
    preview_rows: int = 0,
    via: str = "app",
    headings: Mapping[str, str] | None = None,
    sheet: str | None = None,
    origin: SheetOrigin | None = None,
    forecast: bool = False,
) -> LoadResult:
    """Check a file as `person` would load it (writing nothing but a refusal to the trail);
    with `forecast`, also what loading it would change (see `check_file`)."""
    partner_id, refused = _permitted(con, person, kind, file_name, partner_id, via)
    if refused is not None:
        return refused
    result = check_file(
        con,
        kind,
        data,
        file_name=file_name,
        partner_id=partner_id,
        preview_rows=preview_rows,
        headings=headings,
        sheet=sheet,
        origin=origin,
        forecast=forecast,
    )
    if not result.accepted:
        _record(con, person, result, partner_id, via=via)
    return result


def _permitted(
    con: store.Connection,
    person: Person,
    kind: str,
    name: str,
    partner_id: str | None,
    via: str,
) -> tuple[str | None, LoadResult | None]:
    """(the partner the upload is for, None), or (None, a refusal) when the person may not."""
    try:
        return upload_partner(person, kind, partner_id), None
    except AccessRefused as exc:
        refuse(con, person, f"upload of {kind} {name}: {exc}", via=via)
        problem = Problem(None, None, None, str(exc))
        return None, LoadResult(kind, name, accepted=False, errors=[problem])


def _record(
    con: store.Connection, person: Person, result: LoadResult, partner_id: str | None, *, via: str
) -> None:
    what = f"{result.kind} {result.file_name}" + (f" for {partner_id}" if partner_id else "")
    if result.accepted and result.batch_id is not None:
        audit.record(
            con,
            person,
            "load",
            detail=f"{what}: batch {result.batch_id}, {result.rows} rows "
            f"({result.rows_replaced} replaced)",
            via=via,
        )
        return
    total = len(result.errors) + result.more_errors
    audit.record(
        con,
        person,
        "load",
        outcome="refused",
        detail=f"{what}: {total} problem{'s' if total != 1 else ''}",
        via=via,
    )


def rollback_as(
    con: store.Connection,
    person: Person,
    batch_id: int,
    *,
    rolled_back_by: str | None = None,
    via: str = "app",
) -> int:
    """Roll back a batch for `person` (admins only); rows removed. Refusals are recorded.

    `rolled_back_by` is recorded with the batch; it defaults to the person's email.
    """
    try:
        require(person, "rollback")
    except AccessRefused as exc:
        refuse(con, person, f"rollback of batch {batch_id}: {exc}", via=via)
        raise
    try:
        if rolled_back_by is None and not person.is_local:
            rolled_back_by = person.email
        removed = rollback(con, batch_id, user=rolled_back_by)
    except RollbackRefused as exc:
        audit.record(
            con, person, "rollback", outcome="refused", detail=f"batch {batch_id}: {exc}", via=via
        )
        raise
    audit.record(
        con, person, "rollback", detail=f"batch {batch_id}: {removed} rows removed", via=via
    )
    return removed


def batches_for(con: store.Connection, person: Person, *, via: str = "app") -> str | None:
    """The partner whose batches `person` may see (None: all); a refusal is recorded."""
    try:
        return batches_partner(person)
    except AccessRefused as exc:
        refuse(con, person, f"batch history: {exc}", via=via)
        raise


def refuse(con: store.Connection, person: Person, what: str, *, via: str = "app") -> None:
    """Record that `person` was turned away from `what` (a page, a download)."""
    audit.record(con, person, "refused", outcome="refused", detail=what, via=via)


def record_export(con: store.Connection, person: Person, what: str, *, via: str = "app") -> None:
    """Record a download or an export: what left the hub, and for whom."""
    audit.record(con, person, "export", detail=what, via=via)


def person_for_cli(con: store.Connection, user: str | None) -> tuple[Person, str | None]:
    """Who a command acts as, and the name to record with a batch, from `--user`.

    No `--user`: the local operator (whoever can open the database file), as an admin. With
    `--user` and no accounts yet, the name is only recorded. Once accounts exist, `--user`
    must be one of them and the command has that account's rights; AccessRefused otherwise.
    """
    operator = local_operator()
    if user is None:
        return operator, None
    if not accounts.has_accounts(con):
        return operator, user
    account = accounts.find(con, user)
    if account is None:
        refuse(con, operator, f"--user {user}: no account for this address", via="cli")
        raise AccessRefused(
            f"There is no account for {user!r}. `hubmetrics users list` shows the accounts; "
            "leave out --user to act as the local operator."
        )
    return account.person, None


def replace_goals(
    con: store.Connection,
    person: Person,
    text: str,
    *,
    path: str | Path | None = None,
    via: str = "app",
) -> Goals:
    """Replace the goals file with `text` once it reads as a goals file (admins only).

    The file is written whole or not at all (a temporary file renamed over it). A refusal
    (the role, or every mistake in the text) is recorded and raised; nothing is written.
    """
    try:
        require(person, "manage")
    except AccessRefused as exc:
        refuse(con, person, f"goals file: {exc}", via=via)
        raise
    target = config.goals_path(path)
    try:
        goals = parse_goals(text, source="the new goals file")
    except GoalsFileError as exc:
        audit.record(con, person, "goals_changed", outcome="refused", detail=str(exc), via=via)
        raise
    before = target.read_bytes() if target.exists() else b""
    scratch = target.with_name(f".{target.name}.{os.getpid()}.new")
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, target)
    audit.record(
        con,
        person,
        "goals_changed",
        detail=f"{target.name}: {len(goals.goals)} goals; sha256 {_digest(before)} → "
        f"{_digest(text.encode('utf-8'))}",
        via=via,
    )
    return goals


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def remember_headings_as(
    con: store.Connection,
    person: Person,
    partner_id: str,
    kind: str,
    chosen: Mapping[str, str],
    *,
    via: str = "app",
) -> int:
    """Remember how `partner_id`'s headings map for `kind`, for a person who may upload that
    partner's files; the mapping and its audit entry are one write. Returns how many headings
    it holds."""
    try:
        upload_partner(person, kind, partner_id)
    except AccessRefused as exc:
        refuse(con, person, f"headings mapping for {partner_id}: {exc}", via=via)
        raise
    by = None if person.is_local else person.email
    with store.write_transaction(con, bump=False) as cur:
        saved = save_headings(cur, partner_id, kind, chosen, saved_by=by)
        audit.append(
            cur,
            person,
            "headings_saved",
            detail=f"{partner_id} {kind}: {saved} headings",
            via=via,
        )
    return saved
