"""The `hubmetrics backup DIR` and `hubmetrics restore DIR` commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from hubmetrics import config, store
from hubmetrics.people import audit
from hubmetrics.people.access import local_operator
from hubmetrics.store.backup import BackupError, backup, restore
from hubmetrics.store.backup_key import key_made_note

IN_USE = (
    "The database {db} is open in another program, most likely the dashboard, and DuckDB "
    "lets only one program open it. Take the backup in the dashboard instead: open the "
    "Batches page and press 'Back up now'. (Or stop the dashboard and run this again.)"
)


COMMANDS = ("backup", "restore")


def add_commands(subparsers: Any) -> None:
    """Add `backup DIR` and `restore DIR`."""
    take = subparsers.add_parser(
        "backup", help="copy the database and the kept originals into a new folder"
    )
    take.add_argument("dir", help="the folder to write (new, or empty)")
    put = subparsers.add_parser(
        "restore", help="check a backup folder, then put it in place of the database"
    )
    put.add_argument("dir", help="a folder written by `hubmetrics backup`")
    put.add_argument(
        "--accept-unsigned",
        action="store_true",
        help="restore a backup whose signature cannot be checked (made before backups were "
        "signed, or its key lost); a signature that does not match is refused all the same",
    )


def run(args: argparse.Namespace) -> int:
    """Run `backup` or `restore`: 0 done, 1 refused (the message says why; nothing changed)."""
    database = config.db_path(args.db)
    try:
        if args.command == "backup":
            return _backup(args, database)
        result = restore(args.dir, database, accept_unsigned=args.accept_unsigned)
    except BackupError as exc:
        print(f"hubmetrics: {exc}", file=sys.stderr)
        return 1
    if not result.signature_checked:
        print(
            f"hubmetrics: {args.dir} was restored WITHOUT a signature check, as "
            "--accept-unsigned asked: nothing shows it is as it was made.",
            file=sys.stderr,
        )
    print(
        f"Restored {database} from {args.dir}: {result.batches} batches (data version "
        f"{result.data_version}). The files it replaced were set aside, not deleted:"
    )
    for path in result.set_aside:
        print(f"  {path}")
    return 0


def _backup(args: argparse.Namespace, database: Path) -> int:
    if not database.exists():
        print(f"hubmetrics: there is no database at {database} to back up.", file=sys.stderr)
        return 1
    try:
        con = store.connect(database)
    except store.StoreError as exc:
        held = "lock" in str(exc).lower()
        print(f"hubmetrics: {IN_USE.format(db=database) if held else exc}", file=sys.stderr)
        return 1
    try:
        result = backup(con, args.dir)
        audit.record(con, local_operator(), "backup", detail=str(result.folder), via="cli")
    finally:
        con.close()
    print(
        f"Backed up {database} to {result.folder}: {result.batches} batches and their original "
        f"files, {result.total_bytes / 1_048_576:.1f} MB, checked against manifest.json and "
        f"signed with the backup key {result.key_file}."
    )
    if result.key_made:
        print(key_made_note(result.key_file))
    return 0
