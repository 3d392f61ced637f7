"""Suppressed tables remembered by content: the same answer, made once."""

from __future__ import annotations

import pytest

from hubmetrics.sharing import shareable_csv, shareable_rows
from ui import remembered

ROWS = [
    {"School": "Abbey (fictional)", "Participations": 3, "Children": 2},
    {"School": "Brook (fictional)", "Participations": 40, "Children": 31},
    {"School": "Cedar (fictional)", "Participations": 12, "Children": None},
]


def test_the_same_as_made_afresh_and_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    remembered.forget()
    counts = ["Participations", "Children"]
    expected_csv = shareable_csv(ROWS, counts=counts, threshold=4)
    expected_rows = shareable_rows(ROWS, counts=counts, threshold=4)
    assert "[c]" in expected_csv
    made: list[int] = []
    real = remembered.shareable_csv
    monkeypatch.setattr(
        remembered, "shareable_csv", lambda *a, **k: made.append(1) or real(*a, **k)
    )
    for _ in range(3):
        assert remembered.csv([dict(r) for r in ROWS], counts, None, 4) == expected_csv
        assert remembered.hidden_rows([dict(r) for r in ROWS], counts, None, 4) == expected_rows
    assert made == [1]
    # Other rows, or another threshold, are another table.
    assert remembered.csv(ROWS[:2], counts, None, 4) == shareable_csv(
        ROWS[:2], counts=counts, threshold=4
    )
    remembered.csv(ROWS, counts, None, 2)
    assert made == [1, 1, 1]
    # The rows handed back are the caller's to change.
    first = remembered.hidden_rows(ROWS, counts, None, 4)
    first[0]["School"] = "changed"
    assert remembered.hidden_rows(ROWS, counts, None, 4)[0]["School"] == "Abbey (fictional)"


def test_a_cell_that_cannot_be_a_key_is_made_every_time() -> None:
    rows = [{"School": ["a", "list"], "Participations": 2}]
    assert remembered.table_key(rows) is None
    assert remembered.csv(rows, ["Participations"], None, 4) == shareable_csv(
        rows, counts=["Participations"], threshold=4
    )
