"""A real `streamlit run dashboard.py` for the browser tests, on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_app(
    database: Path,
    log_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    options: Sequence[str] = (),
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`streamlit run dashboard.py` on a free loopback port with `database`: (the process,
    its address).

    `env` adds environment variables (HUBMETRICS_AUTH, say); `options` adds Streamlit
    options (`--secrets.files PATH`, say). The server stops when the block ends.
    """
    port = free_port()
    environment = {**os.environ, "HUBMETRICS_DB": str(database), **(env or {})}
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
        yield process, url
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def serve(
    database: Path,
    tmp_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    options: Sequence[str] = (),
) -> Iterator[str]:
    """`running_app` with its log in `tmp_path`: the address alone."""
    log_path = tmp_path / f"streamlit-{free_port()}.log"
    with running_app(database, log_path, env=env, options=options) as (_, url):
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
