"""A whole load of an N-row activities return sent as .xlsx beside the same data as CSV.

Usage: python benchmarks/workbook_benchmark.py [--rows 500000]
Prints both load times (nothing is asserted). The data is synthetic.
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from pathlib import Path

import openpyxl

from benchmarks.ingest_benchmark import seed_database, write_activities
from hubmetrics.ingest import load_file


def write_workbook(csv_path: Path, path: Path) -> None:
    """The CSV's rows as one sheet of an .xlsx (openpyxl's write-only mode)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Activities")
    with csv_path.open(newline="", encoding="utf-8") as f:
        for number, cells in enumerate(csv.reader(f)):
            sheet.append(cells if number == 0 else [_typed(c) for c in cells])
    book.save(path)


def _typed(cell: str) -> object:
    return int(cell) if cell.isdigit() else cell


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=500_000)
    args = parser.parse_args()
    # 500,000 rows are over the 50 MB upload limit as CSV (and as .xlsx): lifted here.
    os.environ.setdefault("HUBMETRICS_MAX_UPLOAD_MB", "1024")
    with tempfile.TemporaryDirectory(prefix="hubmetrics-bench-") as tmp:
        folder = Path(tmp)
        text, book = folder / "activities.csv", folder / "activities.xlsx"
        write_activities(text, args.rows)
        started = time.perf_counter()
        write_workbook(text, book)
        print(
            f"wrote {args.rows:,} rows: CSV {text.stat().st_size / 1e6:.1f} MB, "
            f"xlsx {book.stat().st_size / 1e6:.1f} MB ({time.perf_counter() - started:.1f} s)"
        )
        for name, path in (("csv", text), ("xlsx", book)):
            con = seed_database(folder / f"{name}.duckdb")
            started = time.perf_counter()
            result = load_file(con, "activities", path)
            took = time.perf_counter() - started
            assert result.accepted, [p.describe() for p in result.errors[:5]]
            print(f"{name:>5}: {result.rows:,} rows loaded in {took:.2f} s")
            con.close()


if __name__ == "__main__":
    main()
