"""The app's database handle and the data version that keys every cached query."""

from __future__ import annotations

import streamlit as st

from hubmetrics import config, store
from hubmetrics.demo_db import open_default


@st.cache_resource(show_spinner="Opening the hub's database…")
def database(path: str) -> store.Connection:
    """One connection per database file for the whole server; pages use cursors of it."""
    return open_default(path)


def connection() -> store.Connection:
    """A cursor on the app's database for this script run (each thread its own cursor)."""
    return database(str(config.db_path())).cursor()


def data_version() -> int:
    """Bumped by every write; part of every cache key, so figures update after an upload."""
    return store.data_version(database(str(config.db_path())))
