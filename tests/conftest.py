"""Shared pytest fixtures: empty, seeded and loaded hub databases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_fixture import ACTIVITIES_CSV, PARTNERS_CSV, SCHOOLS_CSV, load_text

from hubmetrics import store


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[store.Connection]:
    con = store.connect(tmp_path / "hub.duckdb")
    yield con
    con.close()


@pytest.fixture
def hub_db(empty_db: store.Connection) -> store.Connection:
    """Three partners and four schools (one independent), loaded through the ingestion."""
    assert load_text(empty_db, "partners", PARTNERS_CSV).accepted
    assert load_text(empty_db, "schools", SCHOOLS_CSV).accepted
    return empty_db


@pytest.fixture
def loaded_db(hub_db: store.Connection) -> store.Connection:
    """hub_db plus three activities (batch 3)."""
    result = load_text(hub_db, "activities", ACTIVITIES_CSV)
    assert result.accepted, result.errors
    return hub_db


@pytest.fixture(autouse=True)
def _no_env_leaks(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HUBMETRICS_DB", "HUBMETRICS_GOALS", "HUBMETRICS_MAX_UPLOAD_MB"):
        if name in os.environ:
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, built once for the whole test run (about 25 seconds)."""
    from hubmetrics.demo.build import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = store.connect(path)
    build_demo(con)
    con.close()
    return path


@pytest.fixture(scope="module")
def demo(demo_path: Path) -> Iterator[store.Connection]:
    """A connection to the demo database, for one test module."""
    con = store.connect(demo_path)
    yield con
    con.close()
