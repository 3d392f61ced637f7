"""`hubmetrics pseudonymise`: a partner turns pupil numbers into the hub's pseudonyms."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from hubmetrics.disclosure.pseudonymise import (
    Pseudonymised,
    PseudonymiseError,
    pseudonymise_file,
    read_key,
    write_new_key,
)

COMMANDS = ("pseudonymise",)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`hubmetrics pseudonymise IN --key-file KEY --column COL --out OUT` (and `--new-key`)."""
    cmd = sub.add_parser(
        "pseudonymise",
        help="turn pupil identifiers into the hub's pseudonyms (run by a partner)",
        description="Replace the pupil identifier column of a CSV file with the hub's "
        "pseudonym (HMAC-SHA-256 with the hub's key), keeping only the participants file's "
        "other columns. The identifiers never leave your computer. The hub makes a key once "
        "with --new-key.",
    )
    cmd.add_argument("input", nargs="?", metavar="IN.csv", help="the file with identifiers")
    cmd.add_argument("--key-file", metavar="KEY", help="the key file the hub gave you")
    cmd.add_argument("--column", default="upn", help="the identifier column (default: upn)")
    cmd.add_argument("--out", metavar="OUT.csv", help="the pseudonymised file to write")
    cmd.add_argument(
        "--new-key", metavar="KEY", help="(hub staff) write a new key to this file and stop"
    )


def run(args: argparse.Namespace) -> int:
    """Exit 0 written, 1 refused (the message says why), 2 for a usage mistake."""
    if args.new_key:
        if args.input or args.key_file or args.out:
            return _usage("--new-key makes a key and nothing else; give it on its own.")
        try:
            write_new_key(Path(args.new_key))
        except PseudonymiseError as exc:
            return _refused(exc)
        print(
            f"Wrote a new hub key to {args.new_key}. Keep it secret and keep a copy: send it "
            "only to partners, by a secure route, and never with the data."
        )
        return 0
    missing = [
        flag
        for flag, value in (
            ("IN.csv", args.input),
            ("--key-file", args.key_file),
            ("--out", args.out),
        )
        if not value
    ]
    if missing:
        return _usage(f"give {', '.join(missing)} (see hubmetrics pseudonymise --help).")
    source = Path(args.input)
    if not source.is_file():
        return _usage(f"there is no file {source}.")
    try:
        key = read_key(Path(args.key_file))
        result = pseudonymise_file(source, key, args.column, Path(args.out))
    except PseudonymiseError as exc:
        return _refused(exc)
    for line in summary(result, args.column, args.out):
        print(line)
    return 0


def summary(result: Pseudonymised, column: str, out: str | Path) -> Iterable[str]:
    """What the command tells the partner it did."""
    yield f"Wrote {result.rows:,} rows to {out}: {column} became participant_ref."
    if result.kept:
        yield f"Kept: {', '.join(result.kept)}."
    if result.left_out:
        yield (
            f"Left out (not in the participants file): {', '.join(result.left_out)}. "
            "They stay on your computer."
        )
    if result.postcodes_shortened:
        yield f"Shortened {result.postcodes_shortened:,} postcodes to their district (e.g. NN17)."
    if result.not_upn:
        yield (
            f"Warning: {result.not_upn:,} identifiers are not a UPN (a letter and 12 digits). "
            "Their pseudonyms will not match the same child's records from other partners."
        )


def _usage(message: str) -> int:
    print(f"hubmetrics pseudonymise: {message}", file=sys.stderr)
    return 2


def _refused(exc: PseudonymiseError) -> int:
    print(f"Not pseudonymised: {exc}", file=sys.stderr)
    return 1
