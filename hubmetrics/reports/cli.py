"""The `hubmetrics export ace` command: the Arts Council return workbook."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from hubmetrics.metrics.years import YearError, parse_year, year_label


def add_export_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add `export ace --year Y --out FILE.xlsx [--goals FILE]`."""
    parser = subparsers.add_parser("export", help="documents for the funder: the ACE return")
    what = parser.add_subparsers(dest="export", required=True, metavar="WHAT")
    ace = what.add_parser("ace", help="the Arts Council England return workbook (.xlsx)")
    ace.add_argument("--year", required=True, help="the academic year, like 2025/26")
    ace.add_argument("--out", required=True, metavar="FILE.xlsx", help="the workbook to write")
    ace.add_argument(
        "--goals", help="the goals file (default: $HUBMETRICS_GOALS or data/goals.toml)"
    )
    return parser


def run_export_command(args: argparse.Namespace) -> int:
    """Run `hubmetrics export ace`: 0 written, 1 the goals file is wrong, 2 a usage mistake."""
    from hubmetrics import store
    from hubmetrics.goals import GoalsFileError, load_goals
    from hubmetrics.reports.ace import write_ace_workbook

    try:
        label = year_label(parse_year(args.year))
    except YearError as exc:
        print(f"hubmetrics export: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    problem = _unwritable(out)
    if problem:
        print(f"hubmetrics export: cannot write {out}: {problem}", file=sys.stderr)
        return 2
    try:
        goals = load_goals(getattr(args, "goals", None))
    except GoalsFileError as exc:
        print(f"hubmetrics export: {exc}", file=sys.stderr)
        return 1
    con = store.connect_read_only(args.db)
    try:
        if not _has_activities(con, label):
            print(
                f"hubmetrics export: note: there are no activities in {label}; "
                "the return's figures are all 0.",
                file=sys.stderr,
            )
        try:
            written = write_ace_workbook(con, label, out, goals=goals)
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
    from hubmetrics.metrics.years import year_bounds

    first, after = year_bounds(parse_year(year))
    row = con.execute(
        "SELECT count(*) FROM activities WHERE start_date >= ? AND start_date < ?", [first, after]
    ).fetchone()
    return bool(row and row[0])
