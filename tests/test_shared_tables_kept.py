"""Shareable tables kept by content: the same answer, made once."""

from __future__ import annotations

import pytest

from hubmetrics.disclosure import sharing
from hubmetrics.disclosure.sharing import forget_tables, shareable_csv, shareable_rows

ROWS = [
    {"School": "Abbey (fictional)", "Participations": 3, "Children": 2},
    {"School": "Brook (fictional)", "Participations": 40, "Children": 31},
    {"School": "Cedar (fictional)", "Participations": 12, "Children": None},
]


def test_the_same_as_made_afresh_and_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    forget_tables()
    counts = ["Participations", "Children"]
    expected_csv = sharing._csv(ROWS, counts, {}, 4)
    expected_rows = sharing._rows(ROWS, counts, {}, 4)
    expected_two = sharing._csv(ROWS[:2], counts, {}, 4)
    assert "[c]" in expected_csv
    made: list[int] = []
    real = sharing._csv
    monkeypatch.setattr(sharing, "_csv", lambda *a, **k: made.append(1) or real(*a, **k))
    for _ in range(3):
        assert shareable_csv([dict(r) for r in ROWS], counts=counts, threshold=4) == expected_csv
        assert shareable_rows([dict(r) for r in ROWS], counts=counts, threshold=4) == expected_rows
    assert made == [1]
    # Other rows, or another threshold, are another table.
    assert shareable_csv(ROWS[:2], counts=counts, threshold=4) == expected_two
    shareable_csv(ROWS, counts=counts, threshold=2)
    assert made == [1, 1, 1]
    # The rows handed back are the caller's to change.
    first = shareable_rows(ROWS, counts=counts, threshold=4)
    first[0]["School"] = "changed"
    assert shareable_rows(ROWS, counts=counts, threshold=4)[0]["School"] == "Abbey (fictional)"


def test_a_cell_that_cannot_be_a_key_is_made_every_time() -> None:
    rows = [{"School": ["a", "list"], "Participations": 2}]
    assert sharing._table_key(rows) is None
    assert shareable_csv(rows, counts=["Participations"], threshold=4) == sharing._csv(
        rows, ["Participations"], {}, 4
    )


def test_a_read_only_table_is_found_by_identity_and_a_list_by_content() -> None:
    from types import MappingProxyType

    forget_tables()
    counts = ["Participations", "Children"]
    kept = tuple(MappingProxyType(dict(r)) for r in ROWS)
    expected = sharing._csv(ROWS, counts, {}, 4)
    assert shareable_csv(kept, counts=counts, threshold=4) == expected
    # Asked again with the same kept table: the key made the first time, not made again.
    first_key = sharing._table_key(kept)
    assert sharing._table_key(kept) is first_key
    assert shareable_csv(kept, counts=counts, threshold=4) == expected
    # A list can change between calls: it is read each time, and a change is a new table.
    rows = [dict(r) for r in ROWS]
    assert sharing._table_key(rows) is not sharing._table_key(rows)
    rows[0]["School"] = "Alder (fictional)"
    assert shareable_csv(rows, counts=counts, threshold=4) != expected
