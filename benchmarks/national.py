"""Synthetic data for many hubs over many years, written as ordinary CSV returns and loaded
through the normal ingestion. Usage:

    python benchmarks/national.py --hubs 43 --years 10 --out DIR [--db FILE]

`--hubs 43 --years 10` is about two million activity rows and five million participant
records, the size of all of England's hubs over a decade. Everything is invented: the
"areas" are numbered, the schools and partners are made up, the children are random
pseudonyms.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from hubmetrics import store
from hubmetrics.contract import ACTIVITIES, FILE_KINDS

SYNTHETIC_NOTE = "synthetic benchmark data: invented areas, schools, partners and children"
LAST_YEAR = 2025  # the latest academic year generated starts in September of this year
SCHOOLS_PER_HUB = 470  # England has about 20,000 state schools across 43 hubs
PARTNERS_PER_HUB = 15
ACTIVITIES_PER_HUB_YEAR = 4650  # 43 hubs x 10 years ~ 2 million rows
RECORDS_PER_HUB_YEAR = 11_600  # 43 hubs x 10 years ~ 5 million participant records

# (activity type, weight, age bands, school based)
_TYPES: tuple[tuple[str, float, tuple[str, ...], bool], ...] = (
    ("wcet", 0.22, ("ks2",), True),
    ("tuition_small_group", 0.16, ("ks2", "ks3", "ks4"), True),
    ("tuition_individual", 0.08, ("ks2", "ks3", "ks4", "ks5"), True),
    ("tuition_large_group", 0.06, ("ks2", "ks3"), True),
    ("ensemble", 0.1, ("ks2", "ks3", "ks4", "ks5", "mixed"), False),
    ("choir", 0.08, ("ks1", "ks2", "ks3", "adult"), False),
    ("singing", 0.08, ("ks1", "ks2"), True),
    ("early_years", 0.05, ("early_years",), False),
    ("creative", 0.05, ("ks3", "ks4", "ks5"), False),
    ("workshop", 0.05, ("ks1", "ks2", "ks3"), True),
    ("performance", 0.03, ("mixed", "ks2"), False),
    ("cpd", 0.04, ("adult",), False),
)
_ETHNICITY = (
    ("WBRI", 0.7),
    ("WOTH", 0.05),
    ("MWBC", 0.03),
    ("MOTH", 0.02),
    ("AIND", 0.04),
    ("APKN", 0.03),
    ("BAFR", 0.04),
    ("BCRB", 0.02),
    ("CHNE", 0.01),
    ("OOTH", 0.02),
    ("REFU", 0.02),
    ("NOBT", 0.02),
)


@dataclass(frozen=True)
class Return:
    """One generated file and how to load it."""

    kind: str
    path: Path
    rows: int


@dataclass(frozen=True)
class _School:
    urn: int
    phase: str


def generate(
    out: Path,
    hubs: int,
    years: int,
    *,
    activities_per_hub_year: int = ACTIVITIES_PER_HUB_YEAR,
    records_per_hub_year: int = RECORDS_PER_HUB_YEAR,
    seed: int = 1,
) -> list[Return]:
    """Write partners, schools, and one activities (and participants) file per year, in the
    order they must be loaded."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    schools = {h: _schools_of(rng, h) for h in range(1, hubs + 1)}
    returns = [_write_partners(out, hubs), _write_schools(out, rng, schools)]
    first = LAST_YEAR - years + 1
    with_records = records_per_hub_year > 0 and "participants" in FILE_KINDS
    for year in range(first, LAST_YEAR + 1):
        activities = out / f"activities_{year}.csv"
        records = out / f"participants_{year}.csv"
        rows = recs = 0
        with activities.open("w", newline="", encoding="utf-8") as a_file:
            a_out = csv.writer(a_file, lineterminator="\n")
            a_out.writerow(ACTIVITIES.column_names)
            r_file = records.open("w", newline="", encoding="utf-8") if with_records else None
            r_out = csv.writer(r_file, lineterminator="\n") if r_file else None
            if r_out is not None:
                r_out.writerow(_RECORD_COLUMNS)
            for hub in range(1, hubs + 1):
                hub_rng = random.Random(f"{seed}-{hub}-{year}")
                budget = records_per_hub_year
                for row in _activities(hub_rng, hub, year, schools[hub], activities_per_hub_year):
                    a_out.writerow(row)
                    rows += 1
                    if r_out is not None and budget > 0 and row[0] == _lead(hub):
                        written = _records(hub_rng, hub, row, r_out, budget)
                        budget -= written
                        recs += written
            if r_file is not None:
                r_file.close()
        returns.append(Return("activities", activities, rows))
        if with_records:
            returns.append(Return("participants", records, recs))
    return returns


def _lead(hub: int) -> str:
    return f"H{hub:02d}-LEAD"


def _write_partners(out: Path, hubs: int) -> Return:
    path = out / "partners.csv"
    types = ("music_service", "school", "arts_organisation", "community", "education_other")
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["partner_id", "name", "partner_type"])
        for hub in range(1, hubs + 1):
            w.writerow([_lead(hub), f"Area {hub:02d} Music Hub (lead)", "lead"])
            for p in range(1, PARTNERS_PER_HUB):
                w.writerow([f"H{hub:02d}-P{p:02d}", f"Area {hub:02d} partner {p}", types[p % 5]])
    return Return("partners", path, hubs * PARTNERS_PER_HUB)


def _schools_of(rng: random.Random, hub: int) -> list[_School]:
    phases = (("primary", 0.78), ("secondary", 0.14), ("special", 0.04), ("nursery", 0.04))
    return [_School(100_000 + hub * 1000 + i, _pick(rng, phases)) for i in range(SCHOOLS_PER_HUB)]


def _write_schools(out: Path, rng: random.Random, schools: dict[int, list[_School]]) -> Return:
    path = out / "schools.csv"
    count = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            ["urn", "name", "phase", "local_authority", "district", "latitude", "longitude"]
            + ["pupils", "fsm_percent", "send_percent", "imd_decile", "rural"]
        )
        for hub, listed in schools.items():
            lat, lon = 50.6 + (hub * 0.37) % 4.0, -2.9 + (hub * 0.61) % 4.2
            for s in listed:
                pupils = {"primary": 260, "secondary": 1050, "special": 120, "nursery": 80}
                w.writerow(
                    [
                        s.urn,
                        f"Area {hub:02d} school {s.urn % 1000}",
                        s.phase,
                        f"Area {hub:02d}",
                        f"Area {hub:02d} district {s.urn % 4 + 1}",
                        f"{lat + rng.uniform(-0.2, 0.2):.5f}",
                        f"{lon + rng.uniform(-0.3, 0.3):.5f}",
                        max(10, int(rng.gauss(pupils[s.phase], pupils[s.phase] / 4))),
                        f"{rng.uniform(4, 45):.1f}",
                        f"{rng.uniform(8, 25):.1f}",
                        rng.randint(1, 10),
                        "yes" if rng.random() < 0.2 else "no",
                    ]
                )
                count += 1
    return Return("schools", path, count)


def _activities(
    rng: random.Random, hub: int, year: int, schools: list[_School], count: int
) -> Iterator[list[object]]:
    weights = [t[1] for t in _TYPES]
    for i in range(count):
        kind, _, bands, school_based = rng.choices(_TYPES, weights)[0]
        band = rng.choice(bands)
        partner = _lead(hub) if rng.random() < 0.4 else f"H{hub:02d}-P{rng.randint(1, 14):02d}"
        month = rng.choice((9, 10, 11, 1, 2, 4, 5, 6))
        start = f"{year + (month < 9):04d}-{month:02d}-{rng.randint(1, 28):02d}"
        n = max(1, int(rng.gauss(28, 10))) if kind == "wcet" else rng.randint(1, 40)
        female = rng.randint(0, n)
        school = rng.choice(schools).urn if school_based else ""
        child = band != "adult"
        yield [
            partner,
            f"A{year}-{hub:02d}-{i}",
            f"{kind.replace('_', ' ').title()} {i}",
            kind,
            rng.choice(("classical", "rock_pop", "folk", "world", "jazz", "mixed")),
            rng.choice(("beginner", "beginner", "intermediate", "advanced")),
            start,
            "",
            school,
            "" if school else f"ZZ{hub % 10}{rng.randint(1, 9)} 1AA",
            band,
            n,
            rng.randint(0, n),
            rng.randint(0, n) if kind != "wcet" and child else "",
            female,
            rng.randint(0, n - female),
            rng.randint(0, n // 3) if child else "",
            rng.randint(0, n // 5) if child else "",
            0 if child else "",
            0 if child else "",
            rng.randint(0, n // 5) if child else "",
            rng.randint(0, n // 4),
            "",
            rng.randint(1, 30),
            f"{rng.uniform(1, 40):.1f}",
        ]


_RECORD_COLUMNS = (
    "participant_ref",
    "partner_id",
    "activity_id",
    "start_date",
    "age_band",
    "sex",
    "fsm",
    "send",
    "ethnicity",
    "postcode_district",
    "school_urn",
)


def _records(rng: random.Random, hub: int, activity: list[object], writer: Any, budget: int) -> int:
    """One record per child in the activity: children drawn from the hub's pool, so that
    the same child turns up in other activities and other years."""
    n = min(int(str(activity[11])), budget)
    pool = RECORDS_PER_HUB_YEAR * 2
    children = rng.sample(range(pool), n)
    for child in children:
        ref = "p_" + hashlib.sha256(f"{hub}-{child}".encode()).hexdigest()[:20]
        writer.writerow(
            [
                ref,
                activity[0],
                activity[1],
                activity[6],
                activity[10],
                rng.choice("FMFMU"),
                "yes" if rng.random() < 0.22 else "no",
                rng.choice("NNNNNNKKE"),
                _pick(rng, _ETHNICITY),
                f"ZZ{hub % 10}{child % 9 + 1}",
                activity[8],
            ]
        )
    return n


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


@dataclass(frozen=True)
class LoadTiming:
    """One file: the validated load beside a plain DuckDB read_csv of the same file, and the
    recount of the kept summary of children that follows every load."""

    kind: str
    rows: int
    plain_s: float
    load_s: float
    summary_s: float = 0.0


def load_all(database: Path, returns: list[Return], *, plain: bool = True) -> list[LoadTiming]:
    """Load every file through the normal ingestion (a batch each), timing each load and,
    with `plain`, a plain read_csv of the same file into a scratch database."""
    from hubmetrics.ingest import load_file
    from hubmetrics.metrics import summary

    con = store.connect(database)
    timings = []
    try:
        for r in returns:
            plain_s = (
                _plain_read(r.path, database.parent / "plain-scratch.duckdb") if plain else 0.0
            )
            started = time.perf_counter()
            result = load_file(con, r.kind, r.path, submitted_by="benchmark", refresh_summary=False)
            load_s = time.perf_counter() - started
            if not result.accepted:
                raise SystemExit(f"{r.path.name} was refused: {result.errors[:3]}")
            started = time.perf_counter()
            summary.refresh(con)  # as load_file does by default; timed on its own
            summary_s = time.perf_counter() - started
            timings.append(LoadTiming(r.kind, result.rows, plain_s, load_s, summary_s))
    finally:
        con.close()
    return timings


def _plain_read(path: Path, scratch: Path) -> float:
    scratch.unlink(missing_ok=True)
    con = duckdb.connect(str(scratch))
    started = time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(path)])
    elapsed = time.perf_counter() - started
    con.close()
    scratch.unlink(missing_ok=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hubs", type=int, default=43)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--out", type=Path, required=True, help="folder for the CSV files")
    parser.add_argument("--db", type=Path, help="also load the files into this database")
    args = parser.parse_args()
    started = time.perf_counter()
    returns = generate(args.out, args.hubs, args.years)
    print(f"{SYNTHETIC_NOTE}: wrote {len(returns)} files in {time.perf_counter() - started:.1f} s")
    for r in returns:
        print(f"  {r.kind:13s} {r.rows:>10,}  {r.path.name}")
    if args.db:
        for t in load_all(args.db, returns, plain=False):
            print(f"  loaded {t.kind:13s} {t.rows:>10,} rows in {t.load_s:.2f} s")


if __name__ == "__main__":
    main()
