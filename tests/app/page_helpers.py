"""What the app tests share: opening a page with filters chosen, and finding its tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

Open = Callable[..., AppTest]
ROOT = Path(__file__).resolve().parents[2]


def as_app_database(path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Make `path` the app's database while a fixture lasts, with the caches cleared."""
    monkeypatch.setenv("HUBMETRICS_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def page_opener() -> Open:
    """Run the app, switch to `page` (e.g. "app_pages/reach.py") with optional query params."""

    def run(page: str, **query: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        for name, value in query.items():
            at.query_params[name] = value
        at.run()
        at.switch_page(page)
        at.run()
        assert not at.exception, at.exception
        return at

    return run


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
