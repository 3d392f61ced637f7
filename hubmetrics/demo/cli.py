"""The demo's command line: `python -m hubmetrics.demo` regenerates its files."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from hubmetrics.config import DEMO_DIR, TEMPLATES_DIR
from hubmetrics.demo.files import write_demo_files
from hubmetrics.demo.manifest import MANIFEST_NAME
from hubmetrics.demo.templates import write_templates


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: regenerate the demo files."""
    parser = argparse.ArgumentParser(
        prog="python -m hubmetrics.demo", description="Write the synthetic demo CSV files."
    )
    parser.add_argument("--out", type=Path, default=DEMO_DIR, help="folder (default data/demo)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument(
        "--templates",
        type=Path,
        nargs="?",
        const=TEMPLATES_DIR,
        help="also write the upload templates (to data/templates unless a folder is given)",
    )
    args = parser.parse_args(argv)
    if args.templates:
        write_templates(args.templates)
    entries = write_demo_files(args.out, args.seed)
    print(f"Wrote {len(entries)} files and {MANIFEST_NAME} to {args.out}")
    readme = (args.out / "README.md").read_text(encoding="utf-8")
    print(readme.split("## What is in it")[1].split("##")[0].strip())
    return 0
