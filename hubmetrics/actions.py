"""What a person does to the hub's data, checked against their role and put in the audit trail.

The app and the command line both come through here, so a partner account is held to its own
returns whichever way it sends them.
"""

from __future__ import annotations

from pathlib import Path

from hubmetrics import accounts, audit, store
from hubmetrics.access import (
    AccessRefused,
    Person,
    batches_partner,
    local_operator,
    require,
    upload_partner,
)
from hubmetrics.batches import RollbackRefused, rollback
from hubmetrics.ingest import LoadResult, load_file
from hubmetrics.problems import Problem


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
) -> LoadResult:
    """Load a file for `person`: refused (nothing read) when their role may not send it.

    `submitted_by` is recorded with the batch; it defaults to the person's email (the local
    operator's loads keep whatever name was given, or none).
    """
    name = file_name or (data.name if isinstance(data, Path) else "upload.csv")
    try:
        partner_id = upload_partner(person, kind, partner_id)
    except AccessRefused as exc:
        refuse(con, person, f"upload of {kind} {name}: {exc}", via=via)
        return LoadResult(kind, name, accepted=False, errors=[Problem(None, None, None, str(exc))])
    if submitted_by is None and not person.is_local:
        submitted_by = person.email
    result = load_file(
        con, kind, data, file_name=name, partner_id=partner_id, submitted_by=submitted_by
    )
    for_whom = f" for {partner_id}" if partner_id else ""
    if result.accepted:
        audit.record(
            con,
            person,
            "load",
            detail=f"{kind} {name}{for_whom}: batch {result.batch_id}, {result.rows} rows "
            f"({result.rows_replaced} replaced)",
            via=via,
        )
    else:
        total = len(result.errors) + result.more_errors
        audit.record(
            con,
            person,
            "load",
            outcome="refused",
            detail=f"{kind} {name}{for_whom}: {total} problem{'s' if total != 1 else ''}",
            via=via,
        )
    return result


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
