"""The data commands: `init`, `load`, `batches`, `rollback`, `query` and `demo`."""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path
from typing import Any, TextIO

from hubmetrics import config, store
from hubmetrics.contract import file_kind
from hubmetrics.contract.files import LOAD_KINDS
from hubmetrics.contract.problems import Problem, grouped, problems_csv
from hubmetrics.ingest import LoadResult
from hubmetrics.ingest.batches import RollbackRefused, list_batches
from hubmetrics.ingest.corrections import WorkingReturn, begin
from hubmetrics.ingest.fixes import offered_fixes
from hubmetrics.people.access import AccessRefused
from hubmetrics.people.actions import batches_for, load_as, person_for_cli, rollback_as
from hubmetrics.store.query import QueryRefused, as_csv, as_json, run_query

COMMANDS = ("init", "load", "batches", "rollback", "query", "demo")

# The CLI prints the problems grouped by column and rule, at most this many groups;
# --errors writes every line.
PRINTED_GROUPS = 200


def add_commands(sub: Any) -> None:
    """Add the data commands to the `hubmetrics` parser."""
    sub.add_parser("init", help="create or upgrade the database")

    load = sub.add_parser("load", help="validate and load one file as one batch")
    load.add_argument(
        "kind",
        choices=LOAD_KINDS,
        help="the kind of file (baselines: a DfE table from Explore Education Statistics)",
    )
    load.add_argument("file", help="the CSV file, or an Excel (.xlsx) or .ods workbook")
    load.add_argument(
        "--sheet",
        metavar="NAME",
        help="the sheet of a workbook to read (needed when it has several)",
    )
    load.add_argument("--partner", help="the partner whose return this is")
    load.add_argument("--errors", metavar="OUT.csv", help="write every problem to this CSV file")
    load.add_argument(
        "--fix",
        action="store_true",
        help="apply every fix offered for common, unambiguous problems (school years to age "
        "bands, yes/no and blanks written as words, …) and list what it changed; the file as "
        "sent is kept as the original",
    )
    load.add_argument(
        "--mapping",
        metavar="FILE.toml",
        help="what the file's own headings mean: a [headings] table of heading = column "
        '("" leaves a column out); other headings match by name or synonym',
    )
    load.add_argument(
        "--user",
        metavar="EMAIL",
        help="act with this account's rights (once accounts exist); default: the local operator",
    )

    listing = sub.add_parser("batches", help="list the batches loaded, newest first")
    listing.add_argument(
        "--user", metavar="EMAIL", help="only what this account may see (once accounts exist)"
    )

    back = sub.add_parser("rollback", help="undo a batch, restoring the rows it replaced")
    back.add_argument("batch", type=int, help="the batch number")
    back.add_argument(
        "--user", metavar="EMAIL", help="act with this account's rights (once accounts exist)"
    )

    query = sub.add_parser("query", help="read-only SQL over the views")
    query.add_argument("sql", help="one SELECT statement")
    query.add_argument("--format", choices=("csv", "json"), default="csv")

    sub.add_parser("demo", help="build the demo database (synthetic data) into an empty file")


def run(args: argparse.Namespace) -> int:
    """Run one data command: 0 done, 1 refused (the message says why), 2 a usage mistake."""
    command = args.command
    if command == "query":
        return _query(args)
    if command == "init":
        con = store.connect(args.db)
        print(
            f"Database ready at {config.db_path(args.db)} (schema version "
            f"{store.schema_version(con)})."
        )
        return 0
    if command == "load":
        return _load(args)
    if command == "batches":
        return _batches(args)
    if command == "rollback":
        return _rollback(args)
    if command == "demo":
        return _demo(args)
    raise AssertionError(command)


def _rollback(args: argparse.Namespace) -> int:
    con = store.connect(args.db)
    try:
        person, name = person_for_cli(con, args.user)
        removed = rollback_as(con, person, args.batch, rolled_back_by=name, via="cli")
    except (RollbackRefused, AccessRefused) as exc:
        print(f"Not rolled back: {exc}", file=sys.stderr)
        return 1
    print(
        f"Rolled back batch {args.batch}: {removed} rows removed; the rows it had "
        "replaced are current again."
    )
    return 0


def _load(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"hubmetrics: there is no file {path}", file=sys.stderr)
        return 2
    errors_out = Path(args.errors) if args.errors else None
    if errors_out is not None and not _writable(errors_out):
        # Checked first, so that a load never succeeds with its problem list unwritten.
        print(
            f"hubmetrics: cannot write the problem list to {errors_out}: its folder does "
            "not exist or cannot be written. Nothing was loaded.",
            file=sys.stderr,
        )
        return 2
    try:
        headings = _mapping(Path(args.mapping)) if args.mapping else None
    except ValueError as exc:
        print(f"hubmetrics: {exc} Nothing was loaded.", file=sys.stderr)
        return 2
    size = path.stat().st_size
    limit = config.max_upload_bytes()
    if size > limit:
        # Refused before reading, so that a huge file is never read into memory.
        result = LoadResult(
            args.kind,
            path.name,
            accepted=False,
            errors=[Problem(None, None, None, config.over_limit_message(size))],
        )
    else:
        con = store.connect(args.db)
        try:
            person, name = person_for_cli(con, args.user)
        except AccessRefused as exc:
            print(f"Refused: {exc} Nothing was loaded.", file=sys.stderr)
            return 1
        data: bytes | Path = path
        original: bytes | None = None
        work: WorkingReturn | None = None
        if args.fix:
            work = _fixed(args.kind, path, headings, args.sheet)
            if work is not None:
                data, original = work.content, path.read_bytes()
        result = load_as(
            con,
            person,
            args.kind,
            data,
            file_name=path.name,
            partner_id=args.partner,
            submitted_by=name,
            via="cli",
            headings=headings,
            sheet=args.sheet,
            original=original,
            origin=work.origin if work else None,
            corrections=work.corrections if work else (),
        )
    if errors_out is not None:
        errors_out.write_text(problems_csv(result.problems), encoding="utf-8")
    if result.sheet_note:
        print(result.sheet_note, file=sys.stdout if result.accepted else sys.stderr)
    if result.accepted:
        print(
            f"Loaded batch {result.batch_id}: {result.rows} {args.kind} rows from {path.name}"
            f" ({result.rows_replaced} replaced, {len(result.warnings)} warnings)."
        )
        _print_headings(result, sys.stdout)
        _print_grouped(result.warnings, sys.stdout, every_line=errors_out is None)
        if args.kind == "baselines" and result.batch_id is not None:
            _print_shares(args.db, result.batch_id)
        return 0
    total = len(result.errors) + result.more_errors
    print(
        f"Refused: {path.name} has {total} problem{'s' if total != 1 else ''}; nothing was loaded.",
        file=sys.stderr,
    )
    _print_headings(result, sys.stderr)
    _print_grouped(result.problems, sys.stderr, every_line=errors_out is None)
    if result.more_errors:
        print(
            f"  … and {result.more_errors:,} more problems not counted here; correct these "
            "first, or use --errors OUT.csv to get them all.",
            file=sys.stderr,
        )
    return 1


def _print_shares(db: str | None, batch_id: int) -> None:
    """The area's shares a baselines file gave, each with its pupils (or why unknown)."""
    con = store.connect(db)
    try:
        rows = con.execute(
            "SELECT measure, share, pupils, of_pupils, note, publication, period, "
            "local_authorities FROM baseline_row WHERE batch_id = ? ORDER BY rowid",
            [batch_id],
        ).fetchall()
    finally:
        con.close()
    if rows:
        print(f"  from: DfE, {rows[0][5]} {rows[0][6]}, {rows[0][7]}")
    for measure, share, pupils, of_pupils, note, *_ in rows:
        said = (
            f"{share:.1%} ({pupils:,.0f} of {of_pupils:,.0f} pupils)"
            if share is not None
            else f"unknown ({note}); the goals file's value is used where it has one"
        )
        print(f"  {measure}: {said}")


def _print_headings(result: LoadResult, out: TextIO) -> None:
    """The headings read other than by their own name: by a synonym, as mapped, left out."""
    for said in result.headings.describe(known_only=True):
        print(f"  heading: {said}", file=out)


def _print_grouped(problems: list[Problem], out: TextIO, *, every_line: bool) -> None:
    """The problems grouped by column and rule, a line each; where a group's lines are not
    all named, say how to get every line."""
    groups = grouped(problems)
    for group in groups[:PRINTED_GROUPS]:
        print(f"  {group.severity}: {group.describe()}", file=out)
    if len(groups) > PRINTED_GROUPS:
        print(f"  … and {len(groups) - PRINTED_GROUPS:,} more kinds of problem.", file=out)
    if (every_line and any(g.more for g in groups)) or len(groups) > PRINTED_GROUPS:
        print("  Every problem, line by line: use --errors OUT.csv.", file=out)


def _fixed(
    kind: str, path: Path, headings: dict[str, str] | None, sheet: str | None
) -> WorkingReturn | None:
    """The file (a workbook: its sheet) with every offered fix applied, each told as it is
    made; None when no fix applies, or the file cannot be read (its check says why)."""
    work = begin(path.read_bytes(), path.name, kind, sheet)
    fixes = offered_fixes(file_kind(kind), work.text, headings) if work else []
    if work is None or not fixes:
        print("  fixed: nothing (no fix is offered for this file)")
        return None
    for fix in fixes:
        lines = [work.shown_line(c.line) for c in fix.changes[:5]]
        more = f" and {fix.cells - 5:,} more" if fix.cells > 5 else ""
        where = f"{'rows' if work.origin else 'lines'} {', '.join(map(str, lines))}{more}"
        print(f"  fixed: {fix.name}: {fix.column}, {fix.cells:,} cells ({where})")
        if kind != "participants":  # never a value from a child's record
            print(f"         {fix.explanation}")
    return work.with_fixes(fixes)


def _mapping(path: Path) -> dict[str, str]:
    """A mapping file's [headings] table: heading as written -> contract column, or ""."""
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read the mapping file {path}: {exc.strerror}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"the mapping file {path} is not TOML: {exc}.") from None
    headings = table.get("headings")
    if not isinstance(headings, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headings.items()
    ):
        raise ValueError(
            f"the mapping file {path} needs a [headings] table of text, like "
            '"No. of children" = "participants".'
        )
    return headings


def _writable(path: Path) -> bool:
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists():
        return path.is_file() and os.access(path, os.W_OK)
    return folder.is_dir() and os.access(folder, os.W_OK)


def _batches(args: argparse.Namespace) -> int:
    con = store.connect(args.db)
    try:
        person, _ = person_for_cli(con, args.user)
        partner = batches_for(con, person, via="cli")
    except AccessRefused as exc:
        print(f"Refused: {exc}", file=sys.stderr)
        return 1
    batches = list_batches(con, partner_id=partner)
    if not batches:
        print("No batches loaded yet.")
        return 0
    print(
        f"{'batch':>5}  {'kind':<10} {'partner':<16} {'rows':>7} {'replaced':>8} "
        f"{'warnings':>8}  {'status':<11} {'when':<16}  file"
    )
    for b in batches:
        print(
            f"{b.batch_id:>5}  {b.kind:<10} {b.partner_id or '':<16} {b.rows_loaded:>7} "
            f"{b.rows_replaced:>8} {b.warnings:>8}  {b.status:<11} "
            f"{b.submitted_at:%d/%m/%Y %H:%M}  {b.file_name}"
        )
    return 0


def _query(args: argparse.Namespace) -> int:
    try:
        result = run_query(args.db, args.sql)
    except QueryRefused as exc:
        print(f"Refused: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(as_json(result) + "\n" if args.format == "json" else as_csv(result))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from hubmetrics.demo.build import DemoBuildError, build_demo

    con = store.connect(args.db)
    try:
        results = build_demo(con)
    except DemoBuildError as exc:
        print(f"hubmetrics: {exc}", file=sys.stderr)
        return 1
    rows = sum(r.rows for r in results)
    print(
        f"Demo database built at {config.db_path(args.db)}: {len(results)} batches, "
        f"{rows} rows. The data is synthetic."
    )
    return 0
