"""The app server killed (SIGKILL) while it loads an upload leaves the store whole.

A person uploads a large return in Chromium and presses Load; the server is killed at a
moment of the load: the load is seen to start when its `.part` copy of the original
appears, and the kill comes early in it, late in it, just after its commit, then at
random moments. The database must then open cleanly with the batch all there
or not at all, and the kept originals exactly the batch table's (tests/crash_check.py).
HUBMETRICS_APP_CRASH_RUNS sets how many kills (3 by default).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

from app_server import running_app
from crash_check import check_whole
from hub_fixture import PARTNERS_CSV, SCHOOLS_CSV, load_text
from playwright.sync_api import Page, expect
from test_paths import settle

from hubmetrics import config, store

RUNS = int(os.environ.get("HUBMETRICS_APP_CRASH_RUNS", "3"))
SEED = int(os.environ.get("HUBMETRICS_CRASH_SEED", "20260309"))
ROWS = 60_000


def activity_return(n: int) -> bytes:
    rows = "".join(
        f"NMPAT,K{i},App crash test {n},wcet,2025-09-08,900001,ks2,{(i + n) % 30 + 1}\n"
        for i in range(ROWS)
    )
    return (
        "partner_id,activity_id,activity_name,activity_type,start_date,school_urn,age_band,"
        "participants\n" + rows
    ).encode()


def upload_and_press_load(page: Page, url: str, file: Path, database: Path) -> float:
    """Upload `file` on the Upload page, wait until it is checked clean, press Load; return
    the moment the load started (its `.part` file appeared)."""
    page.goto(f"{url}/upload")
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(file)
    expect(page.get_by_text(f"{file.name} is clean")).to_be_visible(timeout=60_000)
    settle(page)
    button = page.get_by_role("button", name=re.compile("Load .* rows as a new batch"))
    button.click()
    return when(lambda: any(config.originals_dir(database).glob("*.part")))


def when(happened: Callable[[], bool], timeout: float = 60) -> float:
    """The moment `happened()` first holds (checked every 2 ms)."""
    deadline = time.monotonic() + timeout
    while not happened():
        assert time.monotonic() < deadline, "it did not happen"
        time.sleep(0.002)
    return time.monotonic()


def test_the_app_killed_during_an_upload_leaves_the_store_whole(
    page: Page, tmp_path: Path, screenshot_dir: Path
) -> None:
    database = tmp_path / "hub.duckdb"
    con = store.connect(database)
    assert load_text(con, "partners", PARTNERS_CSV).accepted
    assert load_text(con, "schools", SCHOOLS_CSV).accepted
    con.close()
    rng = random.Random(SEED)
    # One upload left to finish: how long the app takes to load it after the press.
    first = tmp_path / "return-0.csv"
    first.write_bytes(activity_return(0))
    with running_app(database, tmp_path / "streamlit-0.log") as (_, url):
        started = upload_and_press_load(page, url, first, database)
        parts = config.originals_dir(database)
        took = when(lambda: not any(parts.glob("*.part"))) - started  # renamed, to commit
        expect(page.get_by_text(re.compile("Loaded as batch 3"))).to_be_visible(timeout=60_000)
    before = check_whole(database)
    outcomes = {"there": 0, "absent": 0}
    for n in range(1, RUNS + 1):
        data = activity_return(n)
        file = tmp_path / f"return-{n}.csv"
        file.write_bytes(data)
        with running_app(database, tmp_path / f"streamlit-{n}.log") as (server, url):
            started = upload_and_press_load(page, url, file, database)
            if n == 3:  # just after the commit, as the page says so
                expect(page.get_by_text(re.compile("Loaded as batch"))).to_be_visible()
            else:  # early in the load, late in it, then at random moments
                share = (0.2, 0.8)[n - 1] if n <= 2 else rng.uniform(0, 1.5)
                time.sleep(max(0.0, started + share * took - time.monotonic()))
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
        page.screenshot(path=screenshot_dir / f"app-killed-{n}.png")
        after = check_whole(database)
        if hashlib.sha256(data).hexdigest() in after["hashes"]:
            assert after["batches"] == before["batches"] + 1
            outcomes["there"] += 1
        else:
            assert after["hashes"] == before["hashes"]
            outcomes["absent"] += 1
        before = after
    print(f"\nApp kills: {RUNS} (a load keeps its .part for {took:.2f}s): {outcomes}")
    if RUNS >= 3:
        assert outcomes["there"]
    # The app opens on what the kills left, and shows it.
    with running_app(database, tmp_path / "streamlit-last.log") as (_, url):
        page.goto(f"{url}/data")
        settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        expect(page.get_by_role("heading", name="Batches").first).to_be_visible()
