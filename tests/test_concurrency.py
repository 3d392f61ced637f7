"""Concurrent use: uploads while many sessions read; every read sees whole batches only.

Each thread takes its own cursor, as each session of the app does. A reader checks, within
what it read, relations that only hold for whole batches: each activity return below has
ten rows of 2**n participants, so its rows and participants come and go together, and the
schools lists and activities keep "state-funded schools" one more than "schools engaged".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import load_text, snapshot

from hubmetrics import store
from hubmetrics.ingest import load_file
from hubmetrics.ingest.batches import list_batches
from hubmetrics.metrics import Filters, compute, compute_metrics
from hubmetrics.metrics.breakdown import compute_metrics_by
from hubmetrics.metrics.coverage import data_coverage, loaded_counts
from hubmetrics.metrics.goals import load_goals
from hubmetrics.metrics.reach import cold_spots, partner_contributions, school_reach
from hubmetrics.metrics.status import evaluate_goals

YEAR = "2025/26"
HEADER = "partner_id,activity_id,activity_name,activity_type,start_date,school_urn,age_band,participants\n"
BASE_ROWS, BASE_PARTICIPANTS = 4, 80 + 1  # the fixture's three activities and one below
SCHOOLS_HEADER = "urn,name,phase,local_authority,state_funded\n"
FOUR_SCHOOLS = (
    "900001,Corby Fictional Primary,primary,North Northamptonshire,yes\n"
    "900002,Kettering Pretend Academy,secondary,North Northamptonshire,yes\n"
    "900003,Brixworth Imaginary Primary,primary,West Northamptonshire,yes\n"
    "900004,Oakham Invented Prep {n},primary,Rutland,no\n"
)
FIFTH = "900005,Wellingborough Made-up Primary,primary,North Northamptonshire,yes\n"


def activity_return(n: int, partner: str) -> bytes:
    """Ten new activities of 2**n participants each (new keys: they replace nothing)."""
    rows = "".join(
        f"{partner},C{n}-{i},Concurrent {n},wcet,2025-09-{8 + i:02d},,ks2,{2**n}\n"
        for i in range(10)
    )
    return (HEADER + rows).encode()


def schools_list(n: int) -> bytes:
    """Every other list has the fifth school (a list is a snapshot: it replaces the last)."""
    return (SCHOOLS_HEADER + FOUR_SCHOOLS.format(n=n) + (FIFTH if n % 2 == 0 else "")).encode()


def check_whole(values: dict[str, Any]) -> None:
    """What a reader saw is made of whole batches only."""
    rows = values["cyp_participations"].rows - BASE_ROWS
    added = values["cyp_participations"].value - BASE_PARTICIPANTS
    assert added % 10 == 0, values["cyp_participations"]
    assert rows == 10 * bin(added // 10).count("1"), values["cyp_participations"]
    assert values["state_schools"].value - values["schools_engaged"].value == 1, (
        values["state_schools"],
        values["schools_engaged"],
    )


@pytest.fixture
def busy_db(loaded_db: store.Connection) -> store.Connection:
    """The fixture, with the fifth school and an activity there."""
    assert load_file(loaded_db, "schools", schools_list(0)).accepted
    one = HEADER + "NMPAT,FIFTH-1,At the fifth school,wcet,2025-09-15,900005,ks2,1\n"
    assert load_text(loaded_db, "activities", one).accepted
    check_whole(compute_metrics(loaded_db, YEAR))
    return loaded_db


def run_threads(targets: list[Callable[[], None]]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as exc:  # collected: any error must fail the test
                errors.append(exc)

        return run

    threads = [threading.Thread(target=guarded(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
        assert not t.is_alive(), "a thread hung"
    return errors


def test_uploads_while_many_sessions_read(busy_db: store.Connection, tmp_path: Path) -> None:
    con = busy_db
    partners = ["NMPAT", "ROCK-NN", "KETT-CHORAL"]
    loaded: list[int] = []
    writing = threading.Event()
    writers_left = [4]
    lock = threading.Lock()

    def uploader(w: int) -> Callable[[], None]:
        def run() -> None:
            cur = con.cursor()
            try:
                writing.set()
                for k in range(4):
                    n = w * 4 + k  # 0..11, every return its own power of two
                    result = load_file(cur, "activities", activity_return(n, partners[w]))
                    assert result.accepted, result.errors
                    loaded.append(n)
            finally:
                cur.close()
                with lock:
                    writers_left[0] -= 1

        return run

    def schools_uploader() -> None:
        try:
            with con.cursor() as cur:
                for n in range(1, 7):
                    assert load_file(cur, "schools", schools_list(n)).accepted
        finally:
            with lock:
                writers_left[0] -= 1

    reads = [0]

    def reader(kind: int) -> Callable[[], None]:
        def run() -> None:
            cur = con.cursor()
            goals = load_goals()
            try:
                writing.wait()
                while writers_left[0] > 0 or reads[0] < 60:
                    check_whole(compute_metrics(cur, YEAR))
                    # The queries behind every page, as the pages make them.
                    if kind == 0:
                        compute_metrics_by(cur, YEAR, Filters(), "partner_id")
                        school_reach(cur, YEAR, Filters())
                    elif kind == 1:
                        cold_spots(cur, YEAR, Filters())
                        partner_contributions(cur, YEAR, Filters())
                    elif kind == 2:
                        evaluate_goals(cur, goals, YEAR, Filters(), as_of=store.as_of(cur))
                    else:
                        data_coverage(cur, YEAR)
                        loaded_counts(cur)
                        list_batches(cur)
                        store.data_version(cur)
                    with lock:
                        reads[0] += 1
            finally:
                cur.close()

        return run

    errors = run_threads(
        [uploader(0), uploader(1), uploader(2), schools_uploader]
        + [reader(k % 4) for k in range(8)]
    )
    assert not errors, errors
    assert sorted(loaded) == list(range(12))
    assert reads[0] >= 60
    # Everything is there, once, and the kept originals match the batch table.
    final = compute_metrics(con, YEAR)
    assert final["cyp_participations"].value == BASE_PARTICIPANTS + 10 * (2**12 - 1)
    state = snapshot(con)
    assert [b[0] for b in sorted(state["batch"])] == list(range(1, 6 + 12 + 6))
    assert sorted(n for n, _ in state["originals"]) == sorted(r[6] for r in state["batch"])


def test_the_apps_data_version_is_safe_from_many_sessions_at_once(
    busy_db: store.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's sessions share one connection; each read takes its own cursor of it (a
    DuckDB connection refuses a second call while one runs)."""
    import streamlit as st

    from hubmetrics.app import state

    path = store.database_path(busy_db)
    monkeypatch.setenv("HUBMETRICS_DB", str(path))
    st.cache_resource.clear()
    try:
        app = state.database(str(path))
        seen: list[list[int]] = []

        def session() -> None:
            mine: list[int] = []
            seen.append(mine)
            for _ in range(300):
                mine.append(state.data_version())

        def uploads() -> None:
            for n in range(5):
                assert load_file(app.cursor(), "activities", activity_return(n, "NMPAT")).accepted

        errors = run_threads([session] * 6 + [uploads])
        assert not errors, errors
        assert [len(mine) for mine in seen] == [300] * 6
        assert all(mine == sorted(mine) for mine in seen)  # never goes back
    finally:
        st.cache_resource.clear()


def test_two_uploads_of_the_same_file_at_once_load_it_once(busy_db: store.Connection) -> None:
    data = activity_return(3, "ROCK-NN")
    start = threading.Barrier(2)
    results = []

    def upload() -> None:
        with busy_db.cursor() as cur:
            start.wait()
            results.append(load_file(cur, "activities", data, partner_id="ROCK-NN"))

    assert not run_threads([upload, upload])
    accepted = [r for r in results if r.accepted]
    refused = [r for r in results if not r.accepted]
    assert len(accepted) == 1 and len(refused) == 1
    assert f"already loaded as batch {accepted[0].batch_id}" in refused[0].errors[0].message
    rows = busy_db.execute("SELECT count(*) FROM activities WHERE activity_id LIKE 'C3-%'")
    assert rows.fetchone() == (10,)
    state = snapshot(busy_db)
    assert sorted(n for n, _ in state["originals"]) == sorted(r[6] for r in state["batch"])


def test_two_corrections_for_one_partner_at_once_both_load_in_turn(
    busy_db: store.Connection,
) -> None:
    """Two returns correcting the same activity: both load, one after the other, and the one
    loaded last is current, as if they had been sent one after the other."""
    files = {
        p: (HEADER + f"NMPAT,A1,Year 4 violins,wcet,2025-09-08,900001,ks2,{p}\n").encode()
        for p in (31, 32)
    }
    start = threading.Barrier(2)
    results = {}

    def upload(p: int) -> Callable[[], None]:
        def run() -> None:
            with busy_db.cursor() as cur:
                start.wait()
                results[p] = load_file(cur, "activities", files[p], partner_id="NMPAT")

        return run

    assert not run_threads([upload(31), upload(32)])
    assert all(r.accepted and r.rows_replaced == 1 for r in results.values())
    first, last = sorted(results.values(), key=lambda r: r.batch_id or 0)
    assert last.batch_id == (first.batch_id or 0) + 1
    current = busy_db.execute(
        "SELECT participants, batch_id FROM activities WHERE activity_id = 'A1'"
    ).fetchall()
    sent_last = next(p for p, r in results.items() if r is last)
    assert current == [(sent_last, last.batch_id)]
    replaced = busy_db.execute(
        "SELECT replaced_by FROM activity_row WHERE activity_id = 'A1' AND batch_id = ?",
        [first.batch_id],
    ).fetchone()
    assert replaced == (last.batch_id,)


def test_figures_are_read_from_one_state_even_when_a_write_lands_between_queries(
    busy_db: store.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """compute_metrics reads activities, then the schools list: a schools list loaded between
    the two must not give figures from both sides of it."""
    real = compute._school_totals
    landed = []

    def school_totals(cur: Any, filters: Filters) -> dict[str, Any]:
        if not landed:
            with busy_db.cursor() as writer:
                assert load_file(writer, "schools", schools_list(1)).accepted  # no fifth school
            landed.append(True)
        return real(cur, filters)

    monkeypatch.setattr(compute, "_school_totals", school_totals)
    before = compute_metrics(busy_db, YEAR)
    assert landed
    check_whole(before)
    assert before["state_schools"].value == 4  # the state before the list landed, whole
    monkeypatch.setattr(compute, "_school_totals", real)
    after = compute_metrics(busy_db, YEAR)
    check_whole(after)
    assert after["state_schools"].value == 3
