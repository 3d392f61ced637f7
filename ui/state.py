"""The app's database handle and the data version that keys every cached query."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from hubmetrics import config, store
from hubmetrics.demo_db import open_default

_PINNED = "hubmetrics_data_version"


@st.cache_resource(show_spinner="Opening the hub's database…")
def database(path: str) -> store.Connection:
    """One connection per database file for the whole server; pages use cursors of it.

    Never run a query on it directly: a DuckDB connection refuses a second call while one is
    running, so sessions (threads) each take their own cursor.
    """
    return open_default(path)


def connection() -> store.Connection:
    """A cursor on the app's database for this script run (each thread its own cursor)."""
    return database(str(config.db_path())).cursor()


def current_data_version() -> int:
    """The data version now: bumped by every write."""
    with connection() as cur:
        return store.data_version(cur)


def data_version() -> int:
    """The data version this script run shows: read once, at the run's first call, so that
    every figure on a page is keyed on (and checked against) the same state of the data."""
    run = _this_run()
    pinned = st.session_state.get(_PINNED)
    if run is not None and isinstance(pinned, tuple) and pinned[0] is run:
        return int(pinned[1])
    version = current_data_version()
    if run is not None:
        st.session_state[_PINNED] = (run, version)
    return version


def _this_run() -> object | None:
    """An object that is new for every script run of this session (Streamlit gives each run a
    fresh table of cursors), or None outside a script run."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return getattr(ctx, "cursors", None) if ctx is not None else None
