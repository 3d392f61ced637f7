"""Small-number suppression: primary, secondary, totals that would give a cell away, a property."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubmetrics.disclosure.suppression import (
    DEFAULT_THRESHOLD,
    SUPPRESSED,
    is_small,
    suppress_count,
    suppress_ratio,
    suppress_table,
    suppress_table_with_totals,
)

C = SUPPRESSED


def test_constants() -> None:
    assert SUPPRESSED == "[c]"
    assert DEFAULT_THRESHOLD == 4


@pytest.mark.parametrize(
    ("n", "small"),
    [(None, False), (0, False), (1, True), (4, True), (5, False), (0.5, True), (4.0, True),
     (4.5, False), (float("nan"), False), (1000, False)],
)  # fmt: skip
def test_is_small(n: float | None, small: bool) -> None:
    assert is_small(n) is small


def test_threshold_is_configurable() -> None:
    assert is_small(5, threshold=5)
    assert not is_small(5, threshold=4)
    assert not is_small(1, threshold=0)
    assert suppress_count(7, threshold=9) == C
    assert suppress_count(7) == 7
    assert suppress_table([[6, 20]], threshold=6, column_totals=False) == [[C, C]]
    for bad in (-1, 2.5, True, "4"):
        with pytest.raises(ValueError, match="threshold"):
            is_small(3, threshold=bad)  # type: ignore[arg-type]


def test_suppress_count() -> None:
    assert suppress_count(None) is None
    assert suppress_count(0) == 0
    assert suppress_count(3) == C
    assert suppress_count(4) == C
    assert suppress_count(5) == 5


def test_suppress_ratio() -> None:
    assert suppress_ratio(0.5, 10, 20) == 0.5
    assert suppress_ratio(0.75, 3, 4) == C
    assert suppress_ratio(0.1, 3, 30) == C  # a small numerator
    assert suppress_ratio(2.5, 10, 4) == C  # a small denominator
    assert suppress_ratio(0.0, 0, 30) == 0.0  # zero is not small
    assert suppress_ratio(None, 3, 0) is None  # no data shows nothing
    assert suppress_ratio(0.3, 3, 10, threshold=2) == 0.3


# --- tables --------------------------------------------------------------------------------


def test_primary_only_without_totals() -> None:
    body = suppress_table([[3, 10, 0], [0, 1, 25]], row_totals=False, column_totals=False)
    assert body == [[C, 10, 0], [0, C, 25]]


def test_zero_stays_zero() -> None:
    table = suppress_table_with_totals([[0, 0], [0, 50]])
    assert table.body == [[0, 0], [0, 50]]
    assert table.row_totals == [0, 50]
    assert table.column_totals == [0, 50]
    assert table.grand_total == 50


def test_secondary_in_a_row() -> None:
    # The 3 is hidden; the row's total would give it away, so the smallest other cell (10)
    # goes too. Only row totals: columns are not lines.
    body = suppress_table([[3, 10, 20], [40, 50, 60]], column_totals=False)
    assert body == [[C, C, 20], [40, 50, 60]]


def test_secondary_in_a_row_ties_take_the_first() -> None:
    body = suppress_table([[12, 3, 12]], column_totals=False)
    assert body == [[C, C, 12]]


def test_secondary_in_a_column() -> None:
    body = suppress_table([[3, 10], [9, 50], [7, 60]], row_totals=False)
    assert body == [[C, 10], [9, 50], [C, 60]]


def test_the_cascade() -> None:
    # The 2 is hidden; its row's complement is 9 (in column 1); column 1 then has one
    # hidden cell, so its smallest other cell (11, in row 1) goes; row 1 then has one, so
    # its smallest other (12) goes; column 0 now has the 2 and the 12: done.
    table = suppress_table_with_totals([[2, 9, 30], [12, 11, 40], [20, 25, 50]])
    assert table.body == [[C, C, 30], [C, C, 40], [20, 25, 50]]
    assert table.row_totals == [41, 63, 95]
    assert table.column_totals == [34, 45, 120]
    assert table.grand_total == 199
    assert_safe([[2, 9, 30], [12, 11, 40], [20, 25, 50]], table)


def test_all_zeros_but_one_hides_the_total() -> None:
    # Row 1 has one non-zero cell, 6, which column 0 hides as the complement of the 3;
    # its row total (6) would then give it away, so the total is hidden.
    cells = [[3, 3, 20], [6, 0, 0], [50, 50, 50]]
    table = suppress_table_with_totals(cells)
    assert table.body[0] == [C, C, 20]
    assert table.body[1] == [C, 0, 0]
    assert table.row_totals is not None and table.row_totals[1] == C
    assert_safe(cells, table)
    # The body alone is the same: a caller that shows totals must use the totals returned.
    assert suppress_table(cells) == table.body


def test_a_small_total_is_hidden() -> None:
    # Row 0's cells are all small: so is its total (a count of 1 to 4 children), which is
    # hidden; the column of row totals then needs a second hidden cell.
    cells = [[1, 2], [30, 40], [50, 60]]
    table = suppress_table_with_totals(cells)
    assert table.body[0] == [C, C]
    assert table.row_totals is not None
    assert table.row_totals[0] == C
    assert table.row_totals.count(C) == 2
    assert_safe(cells, table)


def test_a_total_that_would_give_a_cell_away_is_hidden() -> None:
    # Only column totals. Column 0: [3, 0]; its complement would be a 0, which is never
    # hidden, so the column's total (3, small anyway) goes; the row of column totals then
    # needs a second hidden cell, so the smallest other total (10) goes too, and column 1 then
    # has one hidden cell (its total), so its smallest part goes.
    cells = [[3, 4], [0, 6]]
    table = suppress_table_with_totals(cells, row_totals=False)
    assert table.row_totals is None
    assert table.column_totals == [C, C]
    assert table.body == [[C, C], [0, C]] or table.body == [[C, C], [0, 6]]
    assert_safe(cells, table, row_totals=False)


def test_a_cell_worked_out_from_several_lines_gets_a_companion() -> None:
    # Two blocks of 1s with a bridge (the 2) between them: every row and column has 0 or at
    # least 2 hidden cells, yet rows 0 and 1 less columns 0 and 1 give the bridge's value.
    cells = [
        [1, 1, 2, 0, 100],
        [1, 1, 0, 0, 100],
        [0, 0, 1, 1, 100],
        [0, 0, 1, 1, 100],
        [100, 100, 100, 100, 100],
    ]
    table = suppress_table_with_totals(cells)
    assert_safe(cells, table)
    assert not exactly_determined(cells, table)
    hidden = sum(row.count(C) for row in table.body)
    assert hidden > 9  # the nine small cells and at least one more


def test_empty_and_ragged_tables() -> None:
    assert suppress_table([]) == []
    assert suppress_table([[]]) == [[]]
    with pytest.raises(ValueError, match="same number"):
        suppress_table([[1, 2], [3]])
    with pytest.raises(ValueError, match="negative"):
        suppress_table([[-1]])
    with pytest.raises(ValueError, match="whole counts"):
        suppress_table([[1.5]])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="whole counts"):
        suppress_table([[3, True]])  # type: ignore[list-item]


def test_not_recorded_cells_stay_none() -> None:
    table = suppress_table_with_totals([[None, 10, 20], [None, 30, 40]])
    assert table.body == [[None, 10, 20], [None, 30, 40]]
    assert table.column_totals == [None, 40, 60]
    assert table.grand_total == 100


# --- checking a suppressed table the way a reader would attack it --------------------------


def lines(cells: list[list[int | None]], row_totals: bool, column_totals: bool):
    """Every line of the table as (total cell, part cells); a cell is ("b", r, c), ("r", r) …"""
    n_rows, n_cols = len(cells), len(cells[0])
    out = []
    if row_totals:
        for r in range(n_rows):
            out.append((("r", r), [("b", r, c) for c in range(n_cols)]))
        out.append((("g",), [("r", r) for r in range(n_rows)]))
    if column_totals:
        for c in range(n_cols):
            out.append((("c", c), [("b", r, c) for r in range(n_rows)]))
        out.append((("g",), [("c", c) for c in range(n_cols)]))
    return out


def shown(table, cell):
    kind = cell[0]
    if kind == "b":
        return table.body[cell[1]][cell[2]]
    if kind == "r":
        return table.row_totals[cell[1]]
    if kind == "c":
        return table.column_totals[cell[1]]
    return table.grand_total


def true_value(cells, cell):
    kind = cell[0]
    if kind == "b":
        return cells[cell[1]][cell[2]]
    if kind == "r":
        values = [v for v in cells[cell[1]] if v is not None]
    elif kind == "c":
        values = [row[cell[1]] for row in cells if row[cell[1]] is not None]
    else:
        values = [v for row in cells for v in row if v is not None]
    return sum(values) if values else None


def recoverable_by_subtraction(cells, table, row_totals=True, column_totals=True) -> set:
    """The hidden cells a reader can work out by subtracting visible cells from a visible
    total (or a total from its visible parts), repeating with what was learned."""
    known: dict = {}
    every = lines(cells, row_totals, column_totals)
    for total, parts in every:
        for cell in (total, *parts):
            value = shown(table, cell)
            if value != C:
                known[cell] = 0 if value is None else value
    learned: set = set()
    progress = True
    while progress:
        progress = False
        for total, parts in every:
            unknown = [x for x in (total, *parts) if x not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            if cell == total:
                known[cell] = sum(known[p] for p in parts)
            else:
                known[cell] = known[total] - sum(known[p] for p in parts if p != cell)
            assert known[cell] == true_value(cells, cell)
            learned.add(cell)
            progress = True
    return learned


def exactly_determined(cells, table, row_totals=True, column_totals=True) -> list:
    """Hidden cells fixed by any combination of the lines' sums (a rank test with numpy)."""
    every = lines(cells, row_totals, column_totals)
    hidden = sorted(
        {x for total, parts in every for x in (total, *parts) if shown(table, x) == C}, key=repr
    )
    if not hidden:
        return []
    index = {x: i for i, x in enumerate(hidden)}
    rows = []
    for total, parts in every:
        row = [0.0] * len(hidden)
        if total in index:
            row[index[total]] = 1.0
        for p in parts:
            if p in index:
                row[index[p]] = -1.0
        rows.append(row)
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    out = []
    for i, cell in enumerate(hidden):
        if np.linalg.matrix_rank(np.delete(matrix, i, axis=1)) == rank - 1:
            out.append(cell)
    return out


def assert_safe(cells, table, row_totals=True, column_totals=True, threshold=4) -> None:
    every = lines(cells, row_totals, column_totals)
    for total, parts in every:
        members = (total, *parts)
        hidden = [x for x in members if shown(table, x) == C]
        assert len(hidden) != 1, (total, parts, table)
        for cell in members:
            value = shown(table, cell)
            truth = true_value(cells, cell)
            if cell[0] == "b" and cells[cell[1]][cell[2]] is None:
                assert value is None
                continue
            if truth is None:
                assert value is None, cell
            elif 1 <= truth <= threshold:
                assert value == C, cell  # primary
            elif value != C:
                assert value == truth, cell
            if truth == 0:
                assert value == 0, cell  # zero stays 0
    assert not recoverable_by_subtraction(cells, table, row_totals, column_totals)


counts = st.sampled_from([0, 0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40, 120])


@st.composite
def tables(draw):
    n_rows = draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 5))
    cell = st.one_of(counts, st.none()) if draw(st.booleans()) else counts
    return [[draw(cell) for _ in range(n_cols)] for _ in range(n_rows)]


@settings(max_examples=400, deadline=None)
@given(tables(), st.booleans(), st.booleans(), st.integers(1, 6))
def test_no_hidden_cell_can_be_worked_out(cells, row_totals, column_totals, threshold) -> None:
    table = suppress_table_with_totals(
        cells, threshold=threshold, row_totals=row_totals, column_totals=column_totals
    )
    assert_safe(cells, table, row_totals, column_totals, threshold)
    assert not exactly_determined(cells, table, row_totals, column_totals)
    if not row_totals:
        assert table.row_totals is None
    if not column_totals:
        assert table.column_totals is None
    assert (
        suppress_table(
            cells, threshold=threshold, row_totals=row_totals, column_totals=column_totals
        )
        == table.body
    )
