"""Validated load of an N-row activities (or participants) file against a plain DuckDB read_csv
of the same file.

Usage: python benchmarks/ingest_benchmark.py [--rows 1000000] [--repeat 3] [--kind participants]
Prints both times and their ratio. The data is synthetic.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from hubmetrics import store
from hubmetrics.contract import (
    ACTIVITIES,
    ACTIVITY_TYPES,
    AGE_BANDS,
    ETHNICITY_CODES,
    GENRES,
    LEVELS,
    PARTICIPANTS,
)
from hubmetrics.disclosure.pseudonymise import pseudonym
from hubmetrics.ingest import load_file

PARTNERS = [f"P{i:02d}" for i in range(20)]
URNS = list(range(900001, 900301))


def write_activities(path: Path, rows: int, seed: int = 1) -> None:
    """Write a valid activities file of `rows` rows (one partner id per 5% of rows)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(ACTIVITIES.column_names) + "\n")
        for i in range(rows):
            participants = rng.randint(1, 300)
            f_ = rng.randint(0, participants // 2)
            m = rng.randint(0, participants - f_)
            send = rng.randint(0, participants // 5)
            day = 1 + i % 28
            month = 1 + (i // 28) % 12
            year = 2016 + (i // 336) % 10
            cells = [
                PARTNERS[i % len(PARTNERS)],
                f"A{i}",
                f"Activity {i}",
                rng.choice(ACTIVITY_TYPES),
                rng.choice(GENRES),
                rng.choice(LEVELS),
                f"{year}-{month:02d}-{day:02d}",
                f"{day:02d}/{month:02d}/{year}",
                str(rng.choice(URNS)),
                "",
                rng.choice(AGE_BANDS),
                f'"{participants:,}"' if participants >= 1000 else str(participants),
                str(rng.randint(0, participants)),
                "",
                str(f_),
                str(m),
                str(rng.randint(0, participants // 4)),
                str(send),
                str(rng.randint(0, send)),
                "0",
                str(rng.randint(0, participants // 5)),
                str(rng.randint(0, participants // 4)),
                "",
                str(rng.randint(1, 30)),
                f"{rng.uniform(1, 60):.1f}",
            ]
            f.write(",".join(cells) + "\n")


# The participants benchmark: records of children in this many activities (loaded first).
RECORD_ACTIVITIES = 20_000


def write_participants(path: Path, rows: int, seed: int = 1) -> None:
    """Write a valid participants file of `rows` records over RECORD_ACTIVITIES activities,
    about four records per child."""
    rng = random.Random(seed)
    key = bytes(32)
    refs = [pseudonym(f"A{i:012d}", key) for i in range(max(1, rows // 4))]
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(PARTICIPANTS.column_names) + "\n")
        for i in range(rows):
            a = i % RECORD_ACTIVITIES
            cells = [
                refs[(i // RECORD_ACTIVITIES + a * 7919) % len(refs)],
                PARTNERS[a % len(PARTNERS)],
                f"A{a}",
                _start(a),
                rng.choice(AGE_BANDS),
                rng.choice("FMU"),
                rng.choice("YN"),
                rng.choice("NNNNKE"),
                "",
                "N",
                rng.choice(("Y", "N", "")),
                "",
                rng.choice(ETHNICITY_CODES),
                f"NN{rng.randint(1, 18)}",
                str(rng.choice(URNS)),
            ]
            f.write(",".join(cells) + "\n")


def _start(i: int) -> str:
    return f"{2016 + (i // 336) % 10}-{1 + (i // 28) % 12:02d}-{1 + i % 28:02d}"


def seed_activities(con: store.Connection, folder: Path) -> None:
    """The activities the participants benchmark's records belong to."""
    path = folder / "record-activities.csv"
    write_activities(path, RECORD_ACTIVITIES)
    assert load_file(con, "activities", path).accepted


def seed_database(path: Path) -> store.Connection:
    con = store.connect(path)
    partners = "partner_id,name\n" + "".join(f"{p},Partner {p}\n" for p in PARTNERS)
    load_file(con, "partners", partners.encode(), file_name="partners.csv")
    schools = "urn,name,phase,local_authority\n" + "".join(
        f"{u},School {u},primary,North Northamptonshire\n" for u in URNS
    )
    load_file(con, "schools", schools.encode(), file_name="schools.csv")
    return con


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kind", choices=("activities", "participants"), default="activities")
    args = parser.parse_args()
    os.environ["HUBMETRICS_MAX_UPLOAD_MB"] = "100000"

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = folder / f"{args.kind}.csv"
        started = time.perf_counter()
        write = write_participants if args.kind == "participants" else write_activities
        write(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1_048_576
        print(
            f"generated {args.rows:,} rows ({size_mb:.0f} MB) in "
            f"{time.perf_counter() - started:.1f} s"
        )

        plain_times, load_times = [], []
        for run in range(args.repeat):
            plain = duckdb.connect(str(folder / f"plain{run}.duckdb"))
            t0 = time.perf_counter()
            plain.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(csv_path)])
            plain_times.append(time.perf_counter() - t0)
            plain.close()

            con = seed_database(folder / f"hub{run}.duckdb")
            if args.kind == "participants":
                seed_activities(con, folder)
            t0 = time.perf_counter()
            # The validated load includes reading the file, hashing it, keeping a copy, every
            # check and the insert: everything `hubmetrics load` does.
            result = load_file(con, args.kind, csv_path)
            load_times.append(time.perf_counter() - t0)
            assert result.accepted, result.errors[:3]
            assert result.rows == args.rows
            con.close()

    plain_s, load_s = statistics.median(plain_times), statistics.median(load_times)
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"duckdb {duckdb.__version__}"
    )
    print(f"{'rows':>10} {'plain read_csv s':>17} {'validated load s':>17} {'ratio':>6}")
    print(f"{args.rows:>10,} {plain_s:>17.2f} {load_s:>17.2f} {load_s / plain_s:>6.2f}")
    print(f"rows per second, validated: {args.rows / load_s:,.0f}")


if __name__ == "__main__":
    main()
