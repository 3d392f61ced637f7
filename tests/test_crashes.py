"""Crashes: a load killed with SIGKILL at random moments leaves the store whole.

Each run starts a load in a new process and kills it (SIGKILL: no clean-up runs) at a
random moment while it reads, checks, writes or commits; then the database is opened as a
person would next, and must be whole: the batch all there or not there at all, and the kept
originals exactly the batch table's. HUBMETRICS_CRASH_RUNS sets how many (40 by default);
HUBMETRICS_CRASH_SEED the seed. The figures of a run are written to
test-artifacts/crash-figures.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crash_check import check_whole
from hub_fixture import PARTNERS_CSV, SCHOOLS_CSV, load_text

from hubmetrics import config, store

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("HUBMETRICS_CRASH_RUNS", "40"))
SEED = int(os.environ.get("HUBMETRICS_CRASH_SEED", "20260309"))
ROWS = 20_000

# A load as the app makes it (the bytes) or as the command line does (the path), in a
# process of its own that says when it has the database open.
CHILD = """
import sys
from pathlib import Path
from hubmetrics import store
from hubmetrics.ingest import load_file
database, file, how = sys.argv[1:4]
con = store.connect(database)
print("open", flush=True)
data = Path(file) if how == "path" else Path(file).read_bytes()
result = load_file(con, "activities", data, partner_id="NMPAT", submitted_by="crash test")
print("loaded" if result.accepted else "refused", flush=True)
"""


def activity_return(n: int) -> bytes:
    """20,000 activities with the same keys every time (so each load replaces the last),
    and numbers that differ from one run to the next (so no two files are the same)."""
    rows = "".join(
        f"NMPAT,K{i},Crash test {n},wcet,2025-09-08,900001,ks2,{(i + n) % 30 + 1}\n"
        for i in range(ROWS)
    )
    return (
        "partner_id,activity_id,activity_name,activity_type,start_date,school_urn,age_band,"
        "participants\n" + rows
    ).encode()


def start(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )


def child(database: Path, file: Path, how: str) -> subprocess.Popen[str]:
    if how == "cli":
        return start(
            [
                sys.executable,
                "-m",
                "hubmetrics.cli",
                "--db",
                str(database),
                "load",
                "activities",
                str(file),
                "--partner",
                "NMPAT",
            ]
        )
    return start([sys.executable, "-c", CHILD, str(database), str(file), how])


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "hub.duckdb"
    con = store.connect(path)
    assert load_text(con, "partners", PARTNERS_CSV).accepted
    assert load_text(con, "schools", SCHOOLS_CSV).accepted
    con.close()
    return path


def timed_load(database: Path, file: Path, how: str) -> float:
    """Seconds from the database being open (or, for the command line, from the start) to
    the load's end, for a load left to finish."""
    process = child(database, file, how)
    began = time.monotonic()
    assert process.stdout is not None
    if how != "cli":
        assert process.stdout.readline().strip() == "open"
        began = time.monotonic()
    process.communicate(timeout=120)
    assert process.returncode == 0
    return time.monotonic() - began


def test_loads_killed_at_random_moments_leave_the_store_whole(
    database: Path, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    ways = ("bytes", "path", "cli")
    files = tmp_path / "returns"
    files.mkdir()
    # One load of each way left to finish: how long a load takes, so kills fall within it.
    took = {}
    for n, how in enumerate(ways):
        file = files / f"return-{n}.csv"
        file.write_bytes(activity_return(n))
        took[how] = timed_load(database, file, how)
    before = check_whole(database)
    assert before["batches"] == 2 + len(ways)
    figures = {
        "runs": RUNS,
        "seed": SEED,
        "killed": 0,
        "batch_there": 0,
        "batch_absent": 0,
        "finished_before_the_kill": 0,
        "left_over_files_swept": 0,
        "seconds_per_load": took,
    }
    for n in range(len(ways), len(ways) + RUNS):
        how = ways[n % len(ways)]
        data = activity_return(n)
        file = files / f"return-{n}.csv"
        file.write_bytes(data)
        process = child(database, file, how)
        assert process.stdout is not None
        if how != "cli":
            assert process.stdout.readline().strip() == "open"
        # Anywhere from the start of the load to a little after its usual end.
        time.sleep(rng.uniform(0, took[how] * 1.2))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            figures["killed"] += 1
        else:
            figures["finished_before_the_kill"] += 1
        process.communicate(timeout=60)
        after = check_whole(database)
        figures["left_over_files_swept"] += after["swept"]
        sent = hashlib.sha256(data).hexdigest()
        if sent in after["hashes"]:
            assert after["batches"] == before["batches"] + 1
            figures["batch_there"] += 1
        else:
            assert after["batches"] == before["batches"]
            assert after["hashes"] == before["hashes"]
            figures["batch_absent"] += 1
        before = after
        file.unlink()
    out = ROOT / "test-artifacts" / "crash-figures.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nCrash figures: {figures}")
    assert figures["killed"] >= RUNS // 2
    # The kills fell on both sides of the commit.
    assert figures["batch_there"] and figures["batch_absent"]


def test_a_dead_loads_part_file_is_swept_but_not_a_live_one(database: Path) -> None:
    folder = config.originals_dir(database)
    dead = folder / f"batch-{'a' * 32}.csv.999999999.part"
    old_style = folder / f"batch-{'b' * 32}.csv.part"
    live = folder / f"batch-{'c' * 32}.csv.{os.getpid()}.part"
    for path in (dead, old_style, live):
        path.write_text("partner_id,name\n")
    store.connect(database).close()
    assert not dead.exists() and not old_style.exists()
    assert live.exists()  # a load in another thread of this process may be writing it
    live.unlink()
