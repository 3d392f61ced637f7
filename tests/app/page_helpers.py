"""What the app tests share: opening a page with filters chosen, and finding its tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from access_helpers import serve_on
from streamlit.testing.v1 import AppTest

Open = Callable[..., AppTest]
ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def as_the_apps_database(path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Make `path` the app's database, with Streamlit's caches (which outlive a run) cleared
    before and after. Test databases are not the demo, so with no sign-in set up the app
    shows them only on a loopback address: the tests run as the local operator there."""
    serve_on(monkeypatch, "127.0.0.1")
    monkeypatch.setenv("HUBMETRICS_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        yield path
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def open_app(page: str, *, user: dict[str, object] | None = None, **query: str) -> AppTest:
    """Run the app, switch to `page` (e.g. "app_pages/reach.py") with optional query params;
    `user` is who the identity provider says signed in (`at.user`)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if user is not None:
        at.user = user
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def open_with(open_page: Open, page: str, **choices: str) -> AppTest:
    """Open `page` with the URL's filters, then make sure of each in the sidebar."""
    at = open_page(page, **choices)
    for name, value in choices.items():
        box = at.selectbox(key=f"filter_{name}")
        if box.value != value:
            box.select(value).run()
            assert not at.exception, at.exception
    return at


def table(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page with this column (AppTest does not expose table keys)."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column")
