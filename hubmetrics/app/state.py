"""The app's database handle and the data version that keys every cached query."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from hubmetrics import config, store
from hubmetrics.demo.build import open_default

_PINNED = "hubmetrics_data_version"
_RUN_LOG_LOCK = threading.Lock()


@st.cache_resource(show_spinner="Opening the hub's database…")
def database(path: str) -> store.Connection:
    """One connection per database file for the whole server; pages use cursors of it.

    Never run a query on it directly: a DuckDB connection refuses a second call while one is
    running, so sessions (threads) each take their own cursor.
    """
    con = open_default(path)
    try:
        con.execute("SET memory_limit = ?", [config.app_memory_limit()])
    except duckdb.Error as exc:  # a value DuckDB cannot read: say which setting, and what it said
        con.close()
        raise store.StoreError(
            f"HUBMETRICS_APP_MEMORY={config.app_memory_limit()!r} is not a memory size DuckDB "
            f"reads (say 1GB or 512MB): {exc}"
        ) from None
    return con


def connection() -> store.Connection:
    """A cursor on the app's database for this script run (each thread its own cursor)."""
    return database(str(config.db_path())).cursor()


def current_data_version() -> int:
    """The data version now: bumped by every write."""
    with connection() as cur:
        return store.data_version(cur)


def data_version() -> int:
    """The data version this script run shows: read once, at the run's first call, so that
    every figure on a page is keyed on (and checked against) the same state of the data.
    While a write from this app is held back (`hold`), that is the version before it."""
    preparing = getattr(_PREPARING, "version", None)
    if preparing is not None:  # this thread is making a held write's figures
        return int(preparing)
    run = _this_run()
    pinned = st.session_state.get(_PINNED)
    if run is not None and isinstance(pinned, tuple) and pinned[0] is run:
        return int(pinned[1])
    with _HOLD:
        version = _held[0][0] if _held else current_data_version()
    if run is not None:
        st.session_state[_PINNED] = (run, version)
    return version


# A write from this app and the figures made ready for it are shown together: while a write
# is held, pages show the version before it (from their caches), and a page that needs a
# figure not yet made waits for the release. (version shown, writes holding it)
_HOLD = threading.Condition()
_held: list[tuple[int, int]] = []  # (the version shown, the holding thread)
_PREPARING = threading.local()


def hold() -> int:
    """Keep pages on the data version they show now, until `release` (one per `hold`): that
    version."""
    with _HOLD:
        version = _held[0][0] if _held else current_data_version()
        _held.append((version, threading.get_ident()))
        return version


def release() -> None:
    """End this thread's `hold`; when none is left, pages move to the newest data version."""
    with _HOLD:
        mine = [h for h in _held if h[1] == threading.get_ident()]
        _held.remove(mine[-1] if mine else _held[-1])
        _HOLD.notify_all()


def held() -> bool:
    with _HOLD:
        return bool(_held)


def wait_for_release(timeout: float = 60.0) -> bool:
    """Wait (up to `timeout` seconds) until no write is held; False if one still is. The
    thread holding one does not wait for itself."""
    me = threading.get_ident()
    with _HOLD:
        return _HOLD.wait_for(lambda: all(h[1] == me for h in _held), timeout)


@contextmanager
def preparing(version: int) -> Iterator[None]:
    """In this thread, reads are keyed on `version` (a held write's, being made ready)."""
    _PREPARING.version = version
    try:
        yield
    finally:
        _PREPARING.version = None


def _this_run() -> object | None:
    """An object that is new for every script run of this session (Streamlit gives each run a
    fresh table of cursors), or None outside a script run."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return getattr(ctx, "cursors", None) if ctx is not None else None


def record_run(page: str, seconds: float) -> None:
    """Append one script run's time to the run log, when one is set (config.run_log_path)."""
    log = config.run_log_path()
    if log is None:
        return
    with _RUN_LOG_LOCK, log.open("a", encoding="utf-8") as out:
        out.write(f"{time.time():.3f}\t{page}\t{seconds:.4f}\n")


# Streamlit's collection of every generation after each script run (turned off in
# .streamlit/config.toml) took 0.1 s of every page view at national scale; with none, garbage
# in cycles waited for Python's own rare full collections and the app grew. So: one full
# collection at most every GARBAGE_EVERY_S seconds, whichever session's run ends then.
GARBAGE_EVERY_S = 10.0
_GARBAGE_LOCK = threading.Lock()
_last_collection = [time.monotonic()]
_now, _collect = time.monotonic, gc.collect  # (tests put their own here)


def collect_garbage_now_and_then() -> bool:
    """Collect garbage when the last collection was long enough ago: whether it did."""
    now = _now()
    with _GARBAGE_LOCK:
        if now - _last_collection[0] < GARBAGE_EVERY_S:
            return False
        _last_collection[0] = now
    _collect()
    return True
