"""What the app tests share: opening a page with filters chosen, and finding its tables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

Open = Callable[..., AppTest]
ROOT = Path(__file__).resolve().parents[2]


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
