"""The app's own settings for running at scale: DuckDB's memory, the run log, garbage collection."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from page_helpers import Open
from streamlit.testing.v1 import AppTest

from hubmetrics.app import state


def _memory_limit() -> str:
    with state.connection() as cur:
        row = cur.execute("SELECT current_setting('memory_limit')").fetchone()
    assert row is not None
    return str(row[0])


def test_duckdb_memory_is_limited_in_the_app(open_page: Open, monkeypatch) -> None:
    open_page("app_pages/overview.py")
    assert _memory_limit() == "488.2 MiB"  # the default, 512MB


def test_the_memory_limit_can_be_set(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBMETRICS_APP_MEMORY", "256MB")
    at = AppTest.from_file(str(Path(__file__).parents[2] / "dashboard.py")).run()
    assert not at.exception
    assert _memory_limit() == "244.1 MiB"


def test_a_memory_limit_duckdb_cannot_read_is_named(
    app_db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Named in the server's log; the person sees a plain message (client.showErrorDetails)."""
    monkeypatch.setenv("HUBMETRICS_APP_MEMORY", "plenty")
    log = logging.getLogger("streamlit.error_util")  # Streamlit's loggers do not propagate
    log.addHandler(caplog.handler)
    try:
        at = AppTest.from_file(str(Path(__file__).parents[2] / "dashboard.py")).run()
    finally:
        log.removeHandler(caplog.handler)
    assert at.exception
    assert at.exception[0].message.startswith("This app has encountered an error.")
    assert "plenty" not in at.exception[0].message and not at.exception[0].stack_trace
    assert "HUBMETRICS_APP_MEMORY='plenty' is not a memory size" in caplog.text


def test_each_script_run_is_timed_in_the_run_log(
    open_page: Open, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "runs.tsv"
    monkeypatch.setenv("HUBMETRICS_RUN_LOG", str(log))
    open_page("app_pages/reach.py")
    lines = [line.split("\t") for line in log.read_text().splitlines()]
    assert [page for _, page, _ in lines] == ["", "reach"]  # the overview first, then reach
    assert all(0 < float(seconds) < 60 for _, _, seconds in lines)


def test_the_server_does_not_collect_all_garbage_after_every_page_run() -> None:
    """Streamlit's default full collection after each run took about 0.1 s of every page view
    at national scale, with the interpreter held (docs/performance.md)."""
    import tomllib

    settings = tomllib.loads((Path(__file__).parents[2] / ".streamlit/config.toml").read_text())
    assert settings["runner"]["postScriptGC"] is False


def test_garbage_is_collected_at_most_every_few_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    collected: list[int] = []
    monkeypatch.setattr(state, "_collect", lambda: collected.append(1) or 0)
    clock = [1000.0]
    monkeypatch.setattr(state, "_now", lambda: clock[0])
    monkeypatch.setattr(state, "_last_collection", [990.0])
    assert state.collect_garbage_now_and_then()  # 10 s since the last
    clock[0] += 3
    assert not state.collect_garbage_now_and_then()
    clock[0] += state.GARBAGE_EVERY_S
    assert state.collect_garbage_now_and_then()
    assert collected == [1, 1]
