"""Browser tests: a real `streamlit run` on a free port with a temporary database, in Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_server import Apps, serve

from hubmetrics import config, store
from hubmetrics.demo.build import build_demo

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """Debian's Chromium, never a downloaded browser; flags for a closed network."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, object]) -> dict[str, object]:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "locale": "en-GB"}


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nBrowser-test screenshots: {SCREENSHOTS}")
    return SCREENSHOTS


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data, built once per test session and copied for each app."""
    path = tmp_path_factory.mktemp("demo") / "hub.duckdb"
    con = store.connect(path)
    build_demo(con)
    con.close()
    return path


@pytest.fixture
def app_database(demo_database: Path, tmp_path: Path) -> Path:
    """A copy of the demo database (with its kept originals) for one test's app."""
    database = tmp_path / "hub.duckdb"
    shutil.copy(demo_database, database)
    originals = config.originals_dir(demo_database)
    if originals.exists():
        shutil.copytree(originals, config.originals_dir(database))
    return database


@pytest.fixture
def app_url(app_database: Path, tmp_path: Path) -> Iterator[str]:
    """A fresh `streamlit run dashboard.py` on its own database (the demo, no sign-in)."""
    with serve(app_database, tmp_path) as url:
        yield url


@pytest.fixture
def apps(tmp_path: Path) -> Iterator[Apps]:
    """Start apps during a test; every one still running is stopped after it."""
    started = Apps(tmp_path)
    try:
        yield started
    finally:
        started.stop()
