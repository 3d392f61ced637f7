"""The `hubmetrics` command line: the parser, and the one place a command's failure is told."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from hubmetrics import store
from hubmetrics.cli import backup, data, metrics, pseudonymise, reports, users

# Each group of commands: its command names, `add_commands(sub)` and `run(args)`.
GROUPS = (data, metrics, reports, users, backup, pseudonymise)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hubmetrics",
        description="Reach and goals of a music education hub: load returns, query, report.",
    )
    parser.add_argument(
        "--db", help="the DuckDB database file (default: $HUBMETRICS_DB or data/hub.duckdb)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.add_commands(sub)
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
    for group in GROUPS:
        if args.command in group.COMMANDS:
            return group.run(args)
    raise AssertionError(args.command)


def _log_bug() -> Path:
    log = Path(tempfile.gettempdir()) / "hubmetrics.log"
    logging.basicConfig(filename=log, level=logging.ERROR)
    logging.getLogger("hubmetrics").error("internal error\n%s", traceback.format_exc())
    return log
