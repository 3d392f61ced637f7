"""Real data loaded into the demo database ends the demo, in the load's own transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hub_fixture import ACTIVITIES_CSV, ACTIVITIES_HEADER, load_text

from hubmetrics import store


@pytest.fixture
def marked(hub_db: store.Connection) -> store.Connection:
    """The hand-made hub, marked as the demo (as `build_demo` marks it)."""
    with store.write_transaction(hub_db) as cur:
        cur.execute("INSERT INTO hub_setting VALUES ('is_demo', 'true'), ('as_of', '2026-03-02')")
    assert store.is_demo(hub_db)
    return hub_db


def batches(con: store.Connection) -> int:
    row = con.execute("SELECT count(*) FROM batch").fetchone()
    return int(row[0]) if row else 0


def test_the_demo_built_through_the_ingestion_is_still_the_demo(demo: store.Connection) -> None:
    assert store.is_demo(demo)


def test_a_real_file_loaded_into_the_demo_ends_it(marked: store.Connection) -> None:
    assert load_text(marked, "activities", ACTIVITIES_CSV).accepted
    assert not store.is_demo(marked)


def test_a_refused_file_leaves_the_demo_as_it_was(marked: store.Connection) -> None:
    bad = ACTIVITIES_HEADER + "\nNOPE,Z1,Not a partner,wcet,,,2025-09-08,,,,ks2,5,,,,,,,,,,,,,\n"
    result = load_text(marked, "activities", bad)
    assert not result.accepted and result.errors
    assert store.is_demo(marked)


def test_the_demo_ends_only_if_the_load_commits(
    marked: store.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mark goes in the load's own transaction: a load that fails at its commit leaves
    the database the demo, with no new batch."""
    real = store.write_transaction
    before = batches(marked)

    @contextmanager
    def failing_at_commit(*args: object, **kwargs: object) -> Iterator[store.Connection]:
        with real(*args, **kwargs) as cur:  # type: ignore[arg-type]
            yield cur
            raise OSError("the disk is full")

    monkeypatch.setattr(store, "write_transaction", failing_at_commit)
    with pytest.raises(OSError, match="disk is full"):
        load_text(marked, "activities", ACTIVITIES_CSV)
    monkeypatch.undo()
    assert store.is_demo(marked)
    assert batches(marked) == before
