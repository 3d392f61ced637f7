"""The `hubmetrics report` command: the trustees' board pack (PDF) for a year."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from hubmetrics.metrics.years import YearError, parse_year, year_label


def add_report_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add `report --year Y --out FILE.pdf [--goals FILE] [--as-of YYYY-MM-DD]`."""
    parser = subparsers.add_parser("report", help="the trustees' board pack (PDF) for a year")
    parser.add_argument("--year", required=True, help="the academic year, like 2025/26")
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    parser.add_argument(
        "--goals", help="the goals file (default: $HUBMETRICS_GOALS or data/goals.toml)"
    )
    parser.add_argument(
        "--as-of",
        dest="as_of",
        help="today's date for the year in progress (YYYY-MM-DD; default today, or the demo "
        "database's own date)",
    )
    return parser


def run_report_command(args: argparse.Namespace) -> int:
    """Run `hubmetrics report`: 0 written, 1 the goals file is wrong, 2 a usage mistake."""
    from hubmetrics.goals import GoalsFileError, load_goals

    try:
        label = year_label(parse_year(args.year))
    except YearError as exc:
        print(f"hubmetrics report: {exc}", file=sys.stderr)
        return 2
    as_of = None
    if getattr(args, "as_of", None):
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError:
            print(
                f"hubmetrics report: {args.as_of!r} is not a date; write it like 2026-03-01.",
                file=sys.stderr,
            )
            return 2
    out = Path(args.out)
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        print(
            f"hubmetrics report: cannot write {out}: its folder does not exist or cannot be "
            "written, or it is a folder.",
            file=sys.stderr,
        )
        return 2
    try:
        goals = load_goals(getattr(args, "goals", None))
    except GoalsFileError as exc:
        print(f"hubmetrics report: {exc}", file=sys.stderr)
        return 1
    from hubmetrics import store
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
