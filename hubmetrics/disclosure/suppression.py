"""Small-number suppression: counts of 1 to 4 children shown as [c], with secondary suppression."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

SUPPRESSED = "[c]"
DEFAULT_THRESHOLD = 4

Cell = int | str | None


class SuppressedTable(NamedTuple):
    """A table of counts after suppression: body, totals and grand total, each maybe `[c]`.

    `row_totals` is None when the table has no row totals (likewise `column_totals`);
    `grand_total` is None when it has neither.
    """

    body: list[list[Cell]]
    row_totals: list[Cell] | None
    column_totals: list[Cell] | None
    grand_total: Cell


def is_small(n: int | float | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True for a count from 1 to `threshold` (more than 0 and at most it); 0 and None are not."""
    _check_threshold(threshold)
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return False
    return 0 < n <= threshold


def suppress_count(n: int | None, threshold: int = DEFAULT_THRESHOLD) -> int | str | None:
    """`[c]` for a small count; the count itself otherwise (0 stays 0, None stays None)."""
    return SUPPRESSED if is_small(n, threshold) else n


def suppress_ratio(
    value: float | None,
    numerator: float | None,
    denominator: float | None,
    threshold: int = DEFAULT_THRESHOLD,
) -> float | str | None:
    """`[c]` for a ratio made from a small count (numerator or denominator); else the value.

    Pass the counts the ratio was made from (for a representation, the counts behind its
    share, not the two shares). A ratio with no data (None) stays None: it shows nothing.
    """
    if value is None:
        _check_threshold(threshold)
        return None
    if is_small(numerator, threshold) or is_small(denominator, threshold):
        return SUPPRESSED
    return value


def suppress_table(
    cells: Sequence[Sequence[int | None]],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    row_totals: bool = True,
    column_totals: bool = True,
) -> list[list[Cell]]:
    """The body of a table of counts with primary and secondary suppression.

    The totals (of each row when `row_totals`, of each column when `column_totals`) are
    taken to be shown elsewhere. The body is the one `suppress_table_with_totals` returns;
    where that hides a total, the totals shown elsewhere must be hidden too, so a caller
    that shows totals should use `suppress_table_with_totals` and show its totals.
    """
    return suppress_table_with_totals(
        cells, threshold=threshold, row_totals=row_totals, column_totals=column_totals
    ).body


def suppress_table_with_totals(
    cells: Sequence[Sequence[int | None]],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    row_totals: bool = True,
    column_totals: bool = True,
) -> SuppressedTable:
    """A table of counts and its totals (sums of the body), suppressed together.

    - Primary: every count from 1 to `threshold`, in the body or a total, is `[c]`; 0
      stays 0; None (not recorded) stays None and counts as nothing.
    - Secondary: a line is a row with its total (when `row_totals`), a column with its
      total (when `column_totals`), the row totals with the grand total, the column totals
      with the grand total. Wherever a line has exactly one hidden cell, one more is hidden:
      the smallest non-zero visible cell among its parts (ties: the first), else its total.
      This repeats until no line has exactly one hidden cell.
    - Then a hidden cell that could still be worked out by adding and subtracting whole
      lines (two rows less a column, say) gets one more cell hidden beside it, the smallest
      non-zero visible one in its lines (else anywhere), and the secondary step runs again.
    """
    _check_threshold(threshold)
    grid = _plan(cells, row_totals, column_totals)
    hidden = {k for k, v in enumerate(grid.values) if v is not None and 0 < v <= threshold}
    _protect(grid, hidden)
    shown: list[Cell] = [SUPPRESSED if k in hidden else v for k, v in enumerate(grid.values)]
    n_rows, n_cols = grid.shape
    body = [shown[r * n_cols : (r + 1) * n_cols] for r in range(n_rows)]
    rows = [shown[k] for k in grid.row_total] if row_totals else None
    columns = [shown[k] for k in grid.column_total] if column_totals else None
    grand = shown[grid.grand] if grid.grand is not None else None
    return SuppressedTable(body, rows, columns, grand)


# --- the plan of a table: its cells in one list and the lines that add up -------------------


class _Line(NamedTuple):
    total: int  # index of the total cell
    parts: tuple[int, ...]  # indices of the cells that add up to it


class _Grid(NamedTuple):
    values: list[int | None]
    shape: tuple[int, int]
    row_total: list[int]
    column_total: list[int]
    grand: int | None
    lines: list[_Line]


def _plan(cells: Sequence[Sequence[int | None]], rows_on: bool, columns_on: bool) -> _Grid:
    body = [list(row) for row in cells]
    n_rows = len(body)
    n_cols = len(body[0]) if body else 0
    if any(len(row) != n_cols for row in body):
        raise ValueError("Every row of the table must have the same number of cells.")
    values: list[int | None] = [v for row in body for v in row]
    for value in values:
        if value is not None and (type(value) is not int or value < 0):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"A table to suppress holds whole counts, not {value!r}.")
            if value < 0:
                raise ValueError(f"A count cannot be negative ({value}).")
    lines: list[_Line] = []
    row_total: list[int] = []
    column_total: list[int] = []
    if rows_on:
        for r in range(n_rows):
            parts = tuple(range(r * n_cols, (r + 1) * n_cols))
            row_total.append(len(values))
            values.append(_total(values, parts))
            lines.append(_Line(row_total[-1], parts))
    if columns_on:
        for c in range(n_cols):
            parts = tuple(range(c, n_rows * n_cols, n_cols))
            column_total.append(len(values))
            values.append(_total(values, parts))
            lines.append(_Line(column_total[-1], parts))
    grand = None
    if rows_on or columns_on:
        grand = len(values)
        values.append(_total(values, tuple(range(n_rows * n_cols))))
        if rows_on:
            lines.append(_Line(grand, tuple(row_total)))
        if columns_on:
            lines.append(_Line(grand, tuple(column_total)))
    return _Grid(values, (n_rows, n_cols), row_total, column_total, grand, lines)


def _total(values: list[int | None], parts: tuple[int, ...]) -> int | None:
    known = [v for k in parts if (v := values[k]) is not None]
    return sum(known) if known else None  # the table's own margin, not a figure of the hub


# --- secondary suppression -------------------------------------------------------------------


def _protect(grid: _Grid, hidden: set[int]) -> None:
    """Hide more cells until no hidden cell can be worked out from the visible ones."""
    while True:
        _singletons(grid, hidden)
        exposed = _determined(grid, hidden)
        if not exposed:
            return
        cell = exposed[0]
        near = [line for line in grid.lines if cell == line.total or cell in line.parts]
        pick = None
        for line in near:
            candidate = _complement(grid, hidden, line)
            if candidate is not None and (
                pick is None or _weight(grid, candidate) < _weight(grid, pick)
            ):
                pick = candidate
        if pick is None:
            pick = _smallest(grid, hidden, range(len(grid.values)))
        if pick is None:  # pragma: no cover - a worked-out cell always has a visible non-zero
            return
        hidden.add(pick)


def _singletons(grid: _Grid, hidden: set[int]) -> None:
    """Wherever a line has exactly one hidden cell, hide one more, until none has."""
    changed = True
    while changed:
        changed = False
        for line in grid.lines:
            members = (line.total, *line.parts)
            if sum(1 for k in members if k in hidden) != 1:
                continue
            pick = _complement(grid, hidden, line)
            if pick is not None:
                hidden.add(pick)
                changed = True


def _complement(grid: _Grid, hidden: set[int], line: _Line) -> int | None:
    """The smallest non-zero visible part of the line (the first of equals), else its total."""
    pick = _smallest(grid, hidden, line.parts)
    if pick is None and line.total not in hidden and grid.values[line.total]:
        pick = line.total
    return pick


def _smallest(grid: _Grid, hidden: set[int], cells: Sequence[int] | range) -> int | None:
    best = None
    for k in cells:
        value = grid.values[k]
        if k in hidden or not value:
            continue
        if best is None or value < (grid.values[best] or 0):
            best = k
    return best


def _weight(grid: _Grid, k: int) -> tuple[int, int]:
    """Body cells before totals, then by value."""
    is_total = 1 if k >= grid.shape[0] * grid.shape[1] else 0
    return (is_total, grid.values[k] or 0)


def _determined(grid: _Grid, hidden: set[int]) -> list[int]:
    """The hidden cells whose value follows from the visible cells by the lines' sums.

    Each line says total - Σ parts = 0. Over the hidden cells this is a linear system whose
    right-hand side is known; a hidden cell is determined when every solution of the
    homogeneous system is 0 there, i.e. its pivot row in reduced row-echelon form has no
    entry in a free column.
    """
    variables = sorted(hidden)
    if not variables:
        return []
    column = {k: i for i, k in enumerate(variables)}
    matrix: list[dict[int, Fraction | int]] = []
    for line in grid.lines:
        row: dict[int, Fraction | int] = {}
        if line.total in column:
            row[column[line.total]] = 1
        for k in line.parts:
            if k in column:
                row[column[k]] = -1
        if row:
            matrix.append(row)
    # In reduced row-echelon form a pivot row holds, besides its pivot, only free columns.
    return sorted(variables[c] for r, c in _rref(matrix, len(variables)) if len(matrix[r]) == 1)


def _rref(matrix: list[dict[int, Fraction | int]], width: int) -> list[tuple[int, int]]:
    """Reduce `matrix` (sparse rows: column -> non-zero entry) in place to reduced
    row-echelon form; return the (row, column) of each pivot.

    Rows stay sparse: a table of 20,000 schools has thousands of hidden cells, but each row
    line touches only a few of them, and a dense elimination took seconds. Entries are whole
    numbers while every pivot is ±1 (always, for the lines of a table with its totals: such a
    system is totally unimodular, and pivoting keeps it so), and exact fractions otherwise.
    """
    holding: dict[int, set[int]] = {}  # column -> the rows with an entry there
    for i, row in enumerate(matrix):
        for c in row:
            holding.setdefault(c, set()).add(i)
    pivots: list[tuple[int, int]] = []
    used: set[int] = set()
    for c in range(width):
        free_rows = [i for i in holding.get(c, ()) if i not in used]
        if not free_rows:
            continue
        r = min(free_rows)
        lead = matrix[r][c]
        if lead == -1:
            matrix[r] = {k: -v for k, v in matrix[r].items()}
        elif lead != 1:
            matrix[r] = {k: Fraction(v) / lead for k, v in matrix[r].items()}
        pivot_row = matrix[r]
        for i in list(holding[c]):
            if i == r:
                continue
            target, factor = matrix[i], matrix[i][c]
            for k, v in pivot_row.items():
                value = target.get(k, 0) - factor * v
                if value:
                    if k not in target:
                        holding.setdefault(k, set()).add(i)
                    target[k] = value
                elif k in target:
                    del target[k]
                    holding[k].discard(i)
        used.add(r)
        pivots.append((r, c))
    return pivots


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
        raise ValueError(
            f"The suppression threshold must be a whole number ≥ 0, not {threshold!r}."
        )
