"""The privacy commands: `erase`, `subject-access` and `retention` (docs/privacy.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from hubmetrics import store
from hubmetrics.cli.options import (
    AS_OF_HELP,
    GOALS_HELP,
    CommandRefused,
    UsageError,
    as_of_of,
    goals_of,
    told,
)
from hubmetrics.people.access import AccessRefused
from hubmetrics.people.actions import person_for_cli
from hubmetrics.people.privacy import (
    PrivacyRefused,
    backups_said,
    erase_as,
    subject_access_as,
    unread_said,
)
from hubmetrics.people.retention import plan_as, purge_as

COMMANDS = ("erase", "subject-access", "retention")
REF_HELP = (
    "the child's pseudonym (participant_ref), or - to read it from standard input and keep "
    "it out of the shell's history"
)
CASE_HELP = (
    "the request's own reference for the audit trail (like DSR-2026-014), never the pseudonym"
)
USER_HELP = "act with this account's rights (once accounts exist); default: the local operator"


def add_commands(sub: Any) -> None:
    """Add `erase`, `subject-access` and `retention`."""
    erase = sub.add_parser(
        "erase",
        help="erase every record of one child (their pseudonym): rows, row history, lines of "
        "kept originals",
    )
    erase.add_argument("--ref", required=True, metavar="PSEUDONYM", help=REF_HELP)
    erase.add_argument("--case", default="", help=CASE_HELP)
    erase.add_argument("--user", metavar="EMAIL", help=USER_HELP)

    access = sub.add_parser(
        "subject-access", help="list every record held about one child (their pseudonym)"
    )
    access.add_argument("--ref", required=True, metavar="PSEUDONYM", help=REF_HELP)
    access.add_argument("--case", default="", help=CASE_HELP)
    access.add_argument("--out", metavar="FILE.csv", help="also write the listing as CSV")
    access.add_argument("--user", metavar="EMAIL", help=USER_HELP)

    keep = sub.add_parser(
        "retention",
        help="list (--dry-run) or purge (--apply) participant records older than the goals "
        "file's [retention] period",
    )
    how = keep.add_mutually_exclusive_group(required=True)
    how.add_argument("--dry-run", action="store_true", help="list what would go; change nothing")
    how.add_argument("--apply", action="store_true", help="purge it")
    keep.add_argument("--goals", help=GOALS_HELP)
    keep.add_argument("--as-of", dest="as_of", help=AS_OF_HELP)
    keep.add_argument("--user", metavar="EMAIL", help=USER_HELP)


@told
def run(args: argparse.Namespace) -> int:
    """0 done, 1 refused (the message says why; nothing changed), 2 a usage mistake."""
    years = _years(args) if args.command == "retention" else 0
    as_of = as_of_of(args) if args.command == "retention" else None
    ref = _ref(args) if args.command != "retention" else ""
    con = store.connect(args.db)
    try:
        person, _ = person_for_cli(con, args.user)
        if args.command == "erase":
            return _erase(con, person, ref, args)
        if args.command == "subject-access":
            return _subject_access(con, person, ref, args)
        plan = (purge_as if args.apply else plan_as)(con, person, years, as_of=as_of, via="cli")
    except (AccessRefused, PrivacyRefused) as exc:
        raise CommandRefused(str(exc)) from None
    finally:
        con.close()
    for line in plan.said(done=args.apply):
        print(line)
    if args.dry_run and not plan.empty:
        print("Nothing was changed: run with --apply to purge it.")
    return 0


def _erase(con: store.Connection, person: Any, ref: str, args: argparse.Namespace) -> int:
    done = erase_as(con, person, ref, case=args.case, via="cli")
    held = done.held
    print(
        f"Erased one child's records: {held.current} current rows, {held.history} in row history."
    )
    for lines in held.originals:
        kept = lines.original
        print(
            f"  batch {kept.batch_id} ({kept.file_name}): {lines.lines_said()} emptied in its "
            "kept original"
        )
    if done.warnings_removed or done.corrections_removed:
        print(
            f"  {done.warnings_removed} load warnings and {done.corrections_removed} "
            "corrections at those lines removed"
        )
    if done.redacted:
        print(f"  the pseudonym was also replaced by [erased] in {', '.join(done.redacted)}")
    for line in unread_said(held) + backups_said(done.backups, erased=True):
        print(line)
    print(f"The figures were recounted (data version {done.data_version}).")
    return 0


def _subject_access(con: store.Connection, person: Any, ref: str, args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else None
    if out is not None and not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise UsageError(f"cannot write {out}: its folder does not exist. Nothing was listed.")
    listing = subject_access_as(con, person, ref, case=args.case, via="cli")
    for line in listing.summary():
        print(line)
    for row in listing.rows():
        shown = {k: v for k, v in row.items() if v not in (None, "")}
        print("  " + "; ".join(f"{k} {v}" for k, v in shown.items()))
    if out is not None:
        out.write_text(listing.csv(), encoding="utf-8")
        print(f"Wrote the listing to {out}.")
    return 0


def _ref(args: argparse.Namespace) -> str:
    if args.ref != "-":
        return str(args.ref)
    line = sys.stdin.readline()
    if not line.strip():
        raise UsageError("--ref - reads the pseudonym from standard input, and there was none.")
    return line


def _years(args: argparse.Namespace) -> int:
    goals = goals_of(args)
    if goals.retention_years is None:
        raise CommandRefused(
            f"the goals file {goals.source} sets no retention period: add [retention] with "
            "participant_records_years = N (the years kept before the current one). Nothing "
            "was changed."
        )
    return goals.retention_years
