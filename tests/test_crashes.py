"""Crashes: a load killed with SIGKILL at random moments leaves the store whole.

Each run starts a load in a new process, of activities or of participant records by turns,
and kills it (SIGKILL: no clean-up runs) at a random moment while it reads, checks, writes,
commits or recounts the kept summary of children; then the database is opened as a person
would next, and must be whole: the batch all there or not there at all, the current rows all
of one batch, the kept summary true where it says it is current, and the kept originals
exactly the batch table's. HUBMETRICS_CRASH_RUNS sets how many (40 by default, shared by the
two kinds); HUBMETRICS_CRASH_SEED the seed. The figures of a run are written to
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
from hubmetrics.disclosure.pseudonymise import pseudonym

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("HUBMETRICS_CRASH_RUNS", "40"))
SEED = int(os.environ.get("HUBMETRICS_CRASH_SEED", "20260309"))
ROWS = 20_000
KINDS = ("activities", "participants")
WAYS = ("bytes", "path", "cli")
KEY = bytes.fromhex("c7a5" * 16)  # the synthetic children's pseudonyms

# A load as the app makes it (the bytes) or as the command line does (the path), in a
# process of its own that says when it has the database open.
CHILD = """
import sys
from pathlib import Path
from hubmetrics import store
from hubmetrics.ingest import load_file
database, kind, file, how = sys.argv[1:5]
con = store.connect(database)
print("open", flush=True)
data = Path(file) if how == "path" else Path(file).read_bytes()
result = load_file(con, kind, data, partner_id="NMPAT", submitted_by="crash test")
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


REFS = [pseudonym(f"C{i:012d}", KEY) for i in range(ROWS)]


def participants_return(n: int) -> bytes:
    """20,000 synthetic children, one in each activity of `activity_return`, with the same
    keys every time (each load replaces the last), in an order that differs from run to run
    (so no two files are the same), as do their details."""
    sexes = ("F", "M", "U")
    order = [(i + n) % ROWS for i in range(ROWS)]
    rows = "".join(
        f"{REFS[i]},NMPAT,K{i},2025-09-08,ks2,{sexes[(i + n) % 3]},{'YN'[(i + n) % 2]}\n"
        for i in order
    )
    return ("participant_ref,partner_id,activity_id,start_date,age_band,sex,fsm\n" + rows).encode()


RETURNS = {"activities": activity_return, "participants": participants_return}
TABLES = {"activities": "activity_row", "participants": "participant_row"}


def start(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )


def child(database: Path, kind: str, file: Path, how: str) -> subprocess.Popen[str]:
    if how == "cli":
        return start(
            [
                sys.executable,
                "-m",
                "hubmetrics.cli",
                "--db",
                str(database),
                "load",
                kind,
                str(file),
                "--partner",
                "NMPAT",
            ]
        )
    return start([sys.executable, "-c", CHILD, str(database), kind, str(file), how])


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "hub.duckdb"
    con = store.connect(path)
    assert load_text(con, "partners", PARTNERS_CSV).accepted
    assert load_text(con, "schools", SCHOOLS_CSV).accepted
    con.close()
    return path


def timed_load(database: Path, kind: str, file: Path, how: str) -> float:
    """Seconds from the database being open (or, for the command line, from the start) to
    the load's end, for a load left to finish."""
    process = child(database, kind, file, how)
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
    ways = [(kind, how) for kind in KINDS for how in WAYS]
    files = tmp_path / "returns"
    files.mkdir()
    # One load of each way left to finish: how long a load takes, so kills fall within it.
    # The activities come first: a participant record names its activity.
    took = {}
    for n, (kind, how) in enumerate(ways):
        file = files / f"return-{n}.csv"
        file.write_bytes(RETURNS[kind](n))
        took[kind, how] = timed_load(database, kind, file, how)
    before = check_whole(database)
    assert before["batches"] == 2 + len(ways)
    assert before["current"]["participant_row"] == (1, ROWS)
    figures: dict[str, object] = {"runs": RUNS, "seed": SEED}
    counts = {
        kind: dict.fromkeys(
            ("killed", "batch_there", "batch_absent", "finished_before_the_kill"), 0
        )
        for kind in KINDS
    }
    swept = 0
    for n in range(len(ways), len(ways) + RUNS):
        kind, how = ways[n % len(ways)]
        data = RETURNS[kind](n)
        file = files / f"return-{n}.csv"
        file.write_bytes(data)
        process = child(database, kind, file, how)
        assert process.stdout is not None
        if how != "cli":
            assert process.stdout.readline().strip() == "open"
        # Anywhere from the start of the load to a little after its usual end.
        time.sleep(rng.uniform(0, took[kind, how] * 1.2))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            counts[kind]["killed"] += 1
        else:
            counts[kind]["finished_before_the_kill"] += 1
        process.communicate(timeout=60)
        after = check_whole(database)
        swept += int(str(after["swept"]))
        sent = hashlib.sha256(data).hexdigest()
        assert isinstance(after["hashes"], set) and isinstance(before["hashes"], set)
        if sent in after["hashes"]:
            assert after["batches"] == int(str(before["batches"])) + 1
            counts[kind]["batch_there"] += 1
        else:
            assert after["batches"] == before["batches"]
            assert after["hashes"] == before["hashes"]
            counts[kind]["batch_absent"] += 1
        # Every key of the return is current, all from one batch: the new one or the last.
        assert after["current"][TABLES[kind]] == (1, ROWS)  # type: ignore[index]
        before = after
        file.unlink()
    figures.update(
        {
            "killed": sum(c["killed"] for c in counts.values()),
            "batch_there": sum(c["batch_there"] for c in counts.values()),
            "batch_absent": sum(c["batch_absent"] for c in counts.values()),
            "finished_before_the_kill": sum(c["finished_before_the_kill"] for c in counts.values()),
            "left_over_files_swept": swept,
            "by_kind": counts,
            "seconds_per_load": {f"{kind} {how}": t for (kind, how), t in took.items()},
        }
    )
    out = ROOT / "test-artifacts" / "crash-figures.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nCrash figures: {figures}")
    assert int(str(figures["killed"])) >= RUNS // 2
    # The kills fell on both sides of the commit, for each kind of return.
    for kind in KINDS:
        assert counts[kind]["killed"], kind
        assert counts[kind]["batch_there"] and counts[kind]["batch_absent"], (kind, counts)


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
