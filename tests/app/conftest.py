"""AppTest fixtures: the real app on a small hand-made database, caches cleared each time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hub_fixture import load_text
from page_helpers import as_the_apps_database, open_app
from streamlit.testing.v1 import AppTest

from hubmetrics import store

# A second year of activities so trends have two points; the fixture's own rows are 2025/26.
EARLIER = """partner_id,activity_id,activity_name,activity_type,start_date,school_urn,age_band,participants,fsm,send
NMPAT,A1,Year 4 violins,wcet,2024-09-09,900001,ks2,26,8,3
KETT-CHORAL,K1,Community choir,choir,2024-10-01,,adult,30,,
"""


@pytest.fixture
def app_db(loaded_db: store.Connection, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The hand-made fixture database (two years), as the app's database.

    It holds "real" (not demo) data, so with no sign-in set up the app shows it only on a
    loopback address: these tests run as the local operator on 127.0.0.1.
    """
    for name in ("HUBMETRICS_AUTH", "HUBMETRICS_IDLE_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    assert load_text(loaded_db, "activities", EARLIER).accepted
    path = store.database_path(loaded_db)
    assert path is not None
    loaded_db.close()
    with as_the_apps_database(path, monkeypatch):
        yield path


@pytest.fixture
def open_page(app_db: Path) -> Callable[..., AppTest]:
    """Run the app, switch to `page` (e.g. "app_pages/reach.py") with optional query params."""
    return open_app
