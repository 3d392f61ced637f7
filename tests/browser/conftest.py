"""Browser tests: a real `streamlit run` on a free port with a temporary database, in Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

from hubmetrics import store
from hubmetrics.demo_db import build_demo

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    originals = store.config.originals_dir(demo_database)
    if originals.exists():
        shutil.copytree(originals, store.config.originals_dir(database))
    return database


@contextmanager
def serve(
    database: Path,
    tmp_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    options: Sequence[str] = (),
) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free loopback port with `database`; its address.

    `env` adds environment variables (HUBMETRICS_AUTH, say); `options` adds Streamlit
    options (`--secrets.files PATH`, say). The server stops when the block ends.
    """
    port = _free_port()
    environment = {**os.environ, "HUBMETRICS_DB": str(database), **(env or {})}
    log_path = tmp_path / f"streamlit-{port}.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            *options,
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"streamlit did not start: {log_path.read_text()}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def app_url(app_database: Path, tmp_path: Path) -> Iterator[str]:
    """A fresh `streamlit run dashboard.py` on its own database (the demo, no sign-in)."""
    with serve(app_database, tmp_path) as url:
        yield url


class Apps:
    """Apps a test starts with its own database, environment and Streamlit options (see
    `serve`); `stop` ends them (DuckDB lets no other process open the file until then)."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.running = ExitStack()

    def start(self, database: Path, **kwargs: Any) -> str:
        return self.running.enter_context(serve(database, self.tmp_path, **kwargs))

    def stop(self) -> None:
        self.running.close()


@pytest.fixture
def apps(tmp_path: Path) -> Iterator[Apps]:
    """Start apps during a test; every one still running is stopped after it."""
    started = Apps(tmp_path)
    try:
        yield started
    finally:
        started.stop()
