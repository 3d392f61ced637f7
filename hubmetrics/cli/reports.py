"""The documents: `hubmetrics export ace` (the Arts Council return) and `hubmetrics report`
(the trustees' board pack), each recorded in the audit trail when written."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from hubmetrics import store
from hubmetrics.cli.options import (
    HUB_HELP,
    UsageError,
    add_year_and_goals,
    as_of_of,
    goals_of,
    hub_of,
    told,
    year_of,
)
from hubmetrics.metrics.filters import Filters
from hubmetrics.metrics.years import parse_year, year_bounds
from hubmetrics.people.actions import person_for_cli, record_export

COMMANDS = ("export", "report")


def add_commands(subparsers: Any) -> None:
    """Add `report` and `export`."""
    add_report_command(subparsers)
    add_export_command(subparsers)


def run(args: argparse.Namespace) -> int:
    """Write the document asked for; a written one goes into the audit trail."""
    if args.command == "report":
        return _recorded(args, run_report_command(args), "board pack")
    return _recorded(args, run_export_command(args), "Arts Council workbook")


def _recorded(args: argparse.Namespace, code: int, what: str) -> int:
    """Put a written export in the audit trail (the local operator wrote it)."""
    if code == 0:
        con = store.connect(args.db)
        try:
            person, _ = person_for_cli(con, None)
            record_export(con, person, f"{what} {args.year} to {Path(args.out).name}", via="cli")
        finally:
            con.close()
    return code


def add_export_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add `export ace --year Y --out FILE.xlsx [--goals FILE]`."""
    parser = subparsers.add_parser("export", help="documents for the funder: the ACE return")
    what = parser.add_subparsers(dest="export", required=True, metavar="WHAT")
    ace = what.add_parser("ace", help="the Arts Council England return workbook (.xlsx)")
    add_year_and_goals(ace)
    ace.add_argument("--out", required=True, metavar="FILE.xlsx", help="the workbook to write")
    ace.add_argument("--hub", help=HUB_HELP)
    return parser


@told
def run_export_command(args: argparse.Namespace) -> int:
    """Run `hubmetrics export ace`: 0 written, 1 the goals file is wrong, 2 a usage mistake."""
    from hubmetrics.reports.ace import write_ace_workbook

    label = year_of(args)
    out = Path(args.out)
    problem = _unwritable(out)
    if problem:
        raise UsageError(f"cannot write {out}: {problem}")
    hub = hub_of(args)
    goals = goals_of(args, hub)
    con = store.connect_read_only(args.db)
    try:
        if not _has_activities(con, label):
            print(
                f"hubmetrics export: note: there are no activities in {label}; "
                "the return's figures are all 0.",
                file=sys.stderr,
            )
        try:
            written = write_ace_workbook(con, label, out, goals=goals, filters=Filters(hub=hub))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            print(f"hubmetrics export: cannot write {out}: {reason}.", file=sys.stderr)
            return 2
    finally:
        con.close()
    print(written)
    return 0


def _unwritable(path: Path) -> str | None:
    """Why `path` cannot take the workbook, or None when it can."""
    if path.suffix.lower() != ".xlsx":
        return "the workbook's name must end in .xlsx"
    if path.is_dir():
        return "it is a folder"
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return "permission denied"
    return None


def _has_activities(con: Any, year: str) -> bool:
    first, after = year_bounds(parse_year(year))
    row = con.execute(
        "SELECT count(*) FROM activities WHERE start_date >= ? AND start_date < ?", [first, after]
    ).fetchone()
    return bool(row and row[0])


def add_report_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add `report --year Y --out FILE.pdf [--goals FILE] [--as-of YYYY-MM-DD]`."""
    parser = subparsers.add_parser("report", help="the trustees' board pack (PDF) for a year")
    add_year_and_goals(parser, as_of=True)
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    return parser


@told
def run_report_command(args: argparse.Namespace) -> int:
    """Run `hubmetrics report`: 0 written, 1 the goals file is wrong, 2 a usage mistake."""
    label = year_of(args)
    as_of = as_of_of(args)
    out = Path(args.out)
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise UsageError(
            f"cannot write {out}: its folder does not exist or cannot be written, or it is a "
            "folder."
        )
    goals = goals_of(args)
    from hubmetrics.reports.boardpack import BoardPackError, write_board_pack

    con = store.connect_read_only(args.db)
    try:
        path = write_board_pack(con, label, out, goals=goals, as_of=as_of)
    except BoardPackError as exc:
        print(f"hubmetrics report: {exc}", file=sys.stderr)
        return 2
    finally:
        con.close()
    print(path)
    return 0
