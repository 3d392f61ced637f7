"""The whole hub's figures from participant records, by year, kept fresh after each write."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb

from hubmetrics import store
from hubmetrics.metrics.filters import Filters
from hubmetrics.metrics.participants import ProgressionRow, participant_totals_by, progression_rows
from hubmetrics.metrics.registry import PARTICIPANT_PARTS

# Counting each child once needs every record of every year: at national scale (five million
# records) that is seconds of work, too slow for each page. The whole hub's counts by year
# are kept here instead; a filtered or grouped figure is still counted when asked for.
_FRESH = "__fresh__"  # a row that says the summary was made at its version (even with no data)
_PARTS = tuple(name for name, _ in PARTICIPANT_PARTS)


class _Refreshes:
    """How many recounts of each database are running in this process, to wait on."""

    def __init__(self) -> None:
        self.running: dict[str, int] = {}
        self.changed = threading.Condition()

    @contextmanager
    def counting(self, con: store.Connection) -> Iterator[None]:
        name = _name(con)
        with self.changed:
            self.running[name] = self.running.get(name, 0) + 1
        try:
            yield
        finally:
            with self.changed:
                self.running[name] -= 1
                self.changed.notify_all()

    def wait(self, con: store.Connection, timeout: float) -> bool:
        name = _name(con)
        with self.changed:
            return self.changed.wait_for(lambda: not self.running.get(name), timeout)


_REFRESHES = _Refreshes()


def _name(con: store.Connection) -> str:
    return str(store.database_path(con) or id(con))


def settle(con: store.Connection, timeout: float = 20.0) -> bool:
    """Wait (up to `timeout` seconds) for a recount that a write in this process started.

    Just after a load, the kept summary is stale until it is recounted (seconds at national
    scale). A page that waits for it reads the new summary; one that did not would count
    five million records itself, and twenty viewers doing that at once would queue for the
    cores far longer than the recount takes. False when it is still running.
    """
    return _REFRESHES.wait(con, timeout)


def refresh(con: store.Connection) -> bool:
    """Recount the hub's children by year from the current records; False when a write
    overtook the count (the summary then stays stale, and pages count for themselves)."""
    with _REFRESHES.counting(con):
        return _refresh(con)


def _refresh(con: store.Connection) -> bool:
    with store.read_transaction(con) as cur:
        version = store.data_version(cur)
        totals = participant_totals_by(cur, Filters(), (), None)
        steps, last = progression_rows(cur, Filters())
    rows: list[tuple[int, int | None, str, int]] = [(version, None, _FRESH, 0)]
    for (ay, _), record in totals.items():
        rows.extend((version, ay, name, int(record[name])) for name in _PARTS)
    with store.write_transaction(con, bump=False) as cur:
        if store.data_version(cur) != version:
            return False
        cur.execute("DELETE FROM children_by_year")
        cur.executemany("INSERT INTO children_by_year VALUES (?, ?, ?, ?)", rows)
        cur.execute("DELETE FROM progression_kept")
        cur.executemany(
            "INSERT INTO progression_kept VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(version, _FRESH, None, last, None, None, 0, 0, 0, 0)]
            + [(version, *row) for row in steps],
        )
    return True


def hub_children(cur: Any) -> dict[int, dict[str, Any]] | None:
    """The whole hub's participant aggregates by year (as `participant_totals_by` with no
    filter, group or date), or None when the kept summary is not of the current data."""
    rows = cur.execute(
        "SELECT ay, part, value FROM children_by_year "
        "WHERE data_version = (SELECT version FROM data_version)"
    ).fetchall()
    if not any(part == _FRESH for _, part, _ in rows):
        return None
    out: dict[int, dict[str, Any]] = {}
    for ay, part, value in rows:
        if part != _FRESH:
            out.setdefault(int(ay), {"ay": int(ay)})[part] = int(value)
    if any(set(_PARTS) - set(record) for record in out.values()):
        return None  # made by a version of hubmetrics with other parts
    return out


def refresh_quietly(con: store.Connection) -> None:
    """Refresh after a write that has committed: a failure leaves the summary stale, which
    only makes pages count for themselves; it must not make the write look failed."""
    try:
        refresh(con)
    except duckdb.Error:
        pass


def kept_progression(cur: Any) -> tuple[list[ProgressionRow], int | None] | None:
    """The whole hub's `progression_rows`, or None when the kept ones are not of the current
    data."""
    rows = cur.execute(
        "SELECT what, cohort, ay, stage, next_stage, n, tuition, ensemble, advanced "
        "FROM progression_kept WHERE data_version = (SELECT version FROM data_version) "
        "ORDER BY what, cohort, ay, stage, next_stage"
    ).fetchall()
    fresh = [r for r in rows if r[0] == _FRESH]
    if not fresh:
        return None
    return [r for r in rows if r[0] != _FRESH], fresh[0][2]
