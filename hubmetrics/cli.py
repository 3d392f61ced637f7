"""The `hubmetrics` command line: init, load, batches, rollback, query, demo, users."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from hubmetrics import config, store
from hubmetrics.access import AccessRefused
from hubmetrics.actions import batches_for, load_as, person_for_cli, record_export, rollback_as
from hubmetrics.backup_cli import add_backup_commands, run_backup_command
from hubmetrics.batches import RollbackRefused, list_batches
from hubmetrics.contract import KINDS
from hubmetrics.metrics.cli import add_metrics_command, run_metrics_command
from hubmetrics.problems import problems_csv
from hubmetrics.pseudonymise import add_pseudonymise_command, run_pseudonymise_command
from hubmetrics.query import QueryRefused, as_csv, as_json, run_query
from hubmetrics.reports.cli import add_export_command, run_export_command
from hubmetrics.reports.report_cli import add_report_command, run_report_command
from hubmetrics.users_cli import add_users_command, run_users_command

# The CLI prints at most this many problems; --errors writes them all.
PRINTED_PROBLEMS = 1000


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hubmetrics",
        description="Reach and goals of a music education hub: load returns, query, report.",
    )
    parser.add_argument(
        "--db", help="the DuckDB database file (default: $HUBMETRICS_DB or data/hub.duckdb)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("init", help="create or upgrade the database")

    load = sub.add_parser("load", help="validate and load one file as one batch")
    load.add_argument("kind", choices=KINDS, help="the kind of file")
    load.add_argument("file", help="the CSV file")
    load.add_argument("--partner", help="the partner whose return this is")
    load.add_argument("--errors", metavar="OUT.csv", help="write every problem to this CSV file")
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
    add_metrics_command(sub)
    add_report_command(sub)
    add_export_command(sub)
    add_users_command(sub)
    add_backup_commands(sub)
    add_pseudonymise_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except store.StoreError as exc:
        print(f"hubmetrics: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("hubmetrics: interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130
    except Exception:
        log = _log_bug()
        print(
            f"hubmetrics: an internal error stopped this command; details are in {log}",
            file=sys.stderr,
        )
        return 3


def _run(args: argparse.Namespace) -> int:
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
    if command == "demo":
        return _demo(args)
    if command == "metrics":
        return run_metrics_command(store.connect_read_only(args.db), args)
    if command == "report":
        return _recorded(args, run_report_command(args), "board pack")
    if command == "export":
        return _recorded(args, run_export_command(args), "Arts Council workbook")
    if command == "users":
        return run_users_command(args)
    if command in ("backup", "restore"):
        return run_backup_command(args)
    if command == "pseudonymise":
        return run_pseudonymise_command(args)
    raise AssertionError(command)


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


def _load(args: argparse.Namespace) -> int:
    from hubmetrics.ingest import LoadResult
    from hubmetrics.problems import Problem

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
        result = load_as(
            con,
            person,
            args.kind,
            path,
            file_name=path.name,
            partner_id=args.partner,
            submitted_by=name,
            via="cli",
        )
    if errors_out is not None:
        errors_out.write_text(problems_csv(result.problems), encoding="utf-8")
    if result.accepted:
        print(
            f"Loaded batch {result.batch_id}: {result.rows} {args.kind} rows from {path.name}"
            f" ({result.rows_replaced} replaced, {len(result.warnings)} warnings)."
        )
        for w in result.warnings[:PRINTED_PROBLEMS]:
            print(f"  warning: {w.describe()}")
        return 0
    total = len(result.errors) + result.more_errors
    print(
        f"Refused: {path.name} has {total} problem{'s' if total != 1 else ''}; nothing was loaded.",
        file=sys.stderr,
    )
    for p in result.problems[:PRINTED_PROBLEMS]:
        print(f"  {p.severity}: {p.describe()}", file=sys.stderr)
    if len(result.problems) > PRINTED_PROBLEMS or result.more_errors:
        print("  … more problems not shown; use --errors OUT.csv to get them all.", file=sys.stderr)
    return 1


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
    from hubmetrics.demo_db import DemoBuildError, build_demo

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


def _log_bug() -> Path:
    log = Path(tempfile.gettempdir()) / "hubmetrics.log"
    logging.basicConfig(filename=log, level=logging.ERROR)
    logging.getLogger("hubmetrics").error("internal error\n%s", traceback.format_exc())
    return log


if __name__ == "__main__":
    raise SystemExit(main())
