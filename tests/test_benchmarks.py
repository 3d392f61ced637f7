"""The national-scale benchmark's data, at a small size: valid, and loaded by the ingestion."""

from __future__ import annotations

import sys
from pathlib import Path

from hubmetrics import store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
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
