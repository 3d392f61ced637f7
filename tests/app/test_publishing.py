"""A write from the app is shown when its figures are ready: until then, pages show the data
as it was (from their caches), and a page needing a figure not yet made waits for it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import load_text
from streamlit.testing.v1 import AppTest
from test_consistent_pages import LATE_RETURN, headlines

from hubmetrics.app import cached, state

ROOT = Path(__file__).resolve().parents[2]


def overview() -> list[tuple[str, str]]:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return sorted((m.label, m.value) for m in at.metric)


def test_pages_show_the_data_before_a_write_until_its_figures_are_made(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = overview()
    assert before == headlines(app_db)
    with cached.publishing():
        result = load_text(state.connection(), "activities", LATE_RETURN)
        assert result.accepted, result.errors
        after = headlines(app_db)
        assert after != before
        # Committed, not yet published: a viewer's page is the data before, from the cache.
        assert overview() == before

    # Published: the Overview's figures were made for the new data before pages moved to it,
    # so the page after the write computes none of them itself.
    made: list[int] = []
    real = cached.evaluate_goals

    def counted(*args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(cached, "evaluate_goals", counted)
    assert overview() == after
    assert made == []
    assert not state.held()


def test_a_page_needing_a_figure_not_yet_made_waits_for_the_write(app_db: Path) -> None:
    before = overview()
    state.hold()
    released = threading.Timer(1.0, state.release)
    try:
        result = load_text(state.connection(), "activities", LATE_RETURN)
        assert result.accepted, result.errors
        cached.forget_figures()  # nothing cached: every figure must be made from the new data
        released.start()
        shown = overview()  # waits for the release, then runs on the new data
    finally:
        released.join()
    assert shown == headlines(app_db) != before
    assert not state.held()


def test_a_refused_file_releases_the_pages(app_db: Path) -> None:
    before = overview()
    version = state.current_data_version()
    with cached.publishing():
        result = load_text(state.connection(), "activities", "partner_id,nonsense\nNMPAT,1\n")
        assert not result.accepted
    assert not state.held()
    assert state.current_data_version() == version
    assert overview() == before


def test_holds_nest_and_keep_the_version_before_the_first(app_db: Path) -> None:
    version = state.current_data_version()
    state.hold()
    try:
        assert load_text(state.connection(), "activities", LATE_RETURN).accepted
        state.hold()  # a second write meanwhile: still the version before the first
        assert state.data_version() == version
        state.release()
        assert state.held() and state.data_version() == version
    finally:
        state.release()
    assert not state.held()
    assert state.data_version() == state.current_data_version() > version
