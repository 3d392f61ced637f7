"""The `hubmetrics` command line: the parser, and the one place a command's failure is told."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from hubmetrics import config, store
from hubmetrics.cli import backup, data, metrics, privacy, pseudonymise, reports, users

# Each group of commands: its command names, `add_commands(sub)` and `run(args)`.
GROUPS = (data, metrics, reports, users, backup, pseudonymise, privacy)


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
        log = config.crash_log_path()
        try:
            _log_bug(log)
        except OSError as exc:
            print(
                "hubmetrics: an internal error stopped this command, and its details could not "
                f"be written to {log}: {exc.strerror or exc}.",
                file=sys.stderr,
            )
            return 3
        print(
            f"hubmetrics: an internal error stopped this command; the details are in {log} "
            "(readable by you only).",
            file=sys.stderr,
        )
        return 3


def _run(args: argparse.Namespace) -> int:
    for group in GROUPS:
        if args.command in group.COMMANDS:
            return group.run(args)
    raise AssertionError(args.command)


def _log_bug(log: Path) -> None:
    """Append the traceback to `log`, in a folder (0700) and a file (0600) of this account's
    own: a traceback can quote a value from a return."""
    log.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(log.parent, 0o700)  # made earlier, or by hand, with a wider mode
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        os.fchmod(fd, 0o600)
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        handle.write(f"{stamp} internal error\n{traceback.format_exc()}\n")
