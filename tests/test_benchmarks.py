"""The benchmarks at a small size: the national-scale data, valid and loaded by the ingestion,
and the messy workbook check of issue 17 run alone."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from hubmetrics import store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import workbook_benchmark  # noqa: E402
from national import PARTNERS_PER_HUB, SCHOOLS_PER_HUB, generate, load_all  # noqa: E402


def test_two_hubs_over_two_years_load_through_the_ingestion(tmp_path: Path) -> None:
    returns = generate(tmp_path / "data", 2, 2, activities_per_hub_year=50, records_per_hub_year=40)
    kinds = [r.kind for r in returns]
    assert kinds == [
        "partners",
        "schools",
        "activities",
        "participants",
        "activities",
        "participants",
    ]
    timings = load_all(tmp_path / "hub.duckdb", returns, plain=False)
    assert [t.rows for t in timings] == [r.rows for r in returns]
    con = store.connect(tmp_path / "hub.duckdb")
    try:
        counts = [
            con.execute(f"SELECT count(*) FROM {view}").fetchone()  # noqa: S608 - fixed names
            for view in ("partners", "schools", "activities", "participants")
        ]
    finally:
        con.close()
    assert counts == [(2 * PARTNERS_PER_HUB,), (2 * SCHOOLS_PER_HUB,), (200,), (160,)]


def test_the_messy_workbook_check_alone_prints_its_figures_and_finds_each_mess(
    capsys: pytest.CaptureFixture[str],
) -> None:
    workbook_benchmark.main(["--messy-only", "--messy-rows", "200", "--repeat", "1"])
    printed = capsys.readouterr().out
    assert "wrote" not in printed  # the 500,000-row load is not run
    for step in ("check_file", "group_rows", "offered_fixes"):
        assert re.search(rf"^\(.\) {step}: +\d+\.\d{{3}} s \(median of 1; ", printed, re.M)
    assert re.search(r"^total: \d+\.\d{3} s, (within|OVER) the 2 s goal", printed, re.M)
    assert "(headings found on row 3)" in printed
    # One group of errors per column made messy, each of exactly the cells made messy.
    groups = dict(re.findall(r"^  Error +(\w+) +(\d+) cells$", printed, re.M))
    book = workbook_benchmark.messy_workbook(200)
    assert book.messy == {
        "age_band": 50,
        "genre": 20,
        "fsm": 17,
        "participants": 10,
        "start_date": 4,
    }
    assert {column: int(cells) for column, cells in groups.items()} == book.messy
