"""Safe CSV exports: formulas neutralised, small counts suppressed (docs/suppression.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from hubmetrics.disclosure.inert import neutralise_formula
from hubmetrics.disclosure.suppression import DEFAULT_THRESHOLD, suppress_count, suppress_table

BOM = "\ufeff"


def table_csv(
    rows: Sequence[Mapping[str, object]],
    *,
    suppress_columns: Sequence[str] = (),
    threshold: int = DEFAULT_THRESHOLD,
    secondary: bool = True,
) -> str:
    """The rows as CSV text to share: UTF-8 with a byte-order mark, lines ending CRLF.

    The header is the rows' keys in the order they first appear. A text cell (or header)
    that a spreadsheet would run as a formula is neutralised; numbers stay numbers; None is
    an empty cell. The columns in `suppress_columns` hold counts: a count from 1 to
    `threshold` is `[c]`, and with `secondary` those columns are suppressed as one table with
    row and column totals (see docs/suppression.md). Encode the text as UTF-8 to write it.
    """
    header = _header(rows)
    table = _suppressed(rows, header, suppress_columns, threshold, secondary)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_formula(str(h)) for h in header])
    writer.writerows([_cell(value) for value in cells] for cells in table)
    return BOM + out.getvalue()


def suppress_rows(
    rows: Sequence[Mapping[str, object]],
    *,
    suppress_columns: Sequence[str] = (),
    threshold: int = DEFAULT_THRESHOLD,
    secondary: bool = True,
) -> list[dict[str, object]]:
    """The rows with the counts in `suppress_columns` suppressed exactly as `table_csv` does
    (for showing on screen what a download would show); every row gets every column."""
    header = _header(rows)
    table = _suppressed(rows, header, suppress_columns, threshold, secondary)
    return [dict(zip(header, cells, strict=True)) for cells in table]


def _header(rows: Sequence[Mapping[str, object]]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def _suppressed(
    rows: Sequence[Mapping[str, object]],
    header: list[str],
    suppress_columns: Sequence[str],
    threshold: int,
    secondary: bool,
) -> list[list[object]]:
    missing = [c for c in suppress_columns if c not in header]
    if missing and rows:
        raise ValueError(f"No column to suppress is called {', '.join(map(repr, missing))}.")
    table = [[row.get(key) for key in header] for row in rows]
    counted = [header.index(c) for c in suppress_columns if c in header]
    if counted:
        _suppress(table, counted, threshold, secondary)
    return table


def _suppress(
    table: list[list[object]], columns: list[int], threshold: int, secondary: bool
) -> None:
    counts: list[list[int | None]] = []
    for cells in table:
        counts.append([_count(cells[i], i) for i in columns])
    if secondary:
        body = suppress_table(counts, threshold=threshold)
    else:
        body = [[suppress_count(n, threshold) for n in line] for line in counts]
    for cells, suppressed in zip(table, body, strict=True):
        for i, value in zip(columns, suppressed, strict=True):
            cells[i] = value


def _count(value: object, column: int) -> int | None:
    if type(value) is int:  # nearly every cell: the checks below are for the rest
        return value
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(
            f"Column {column + 1} is to be suppressed but holds {value!r}, not a count."
        )
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"Column {column + 1} is to be suppressed but holds {value!r}.")
        return int(value)
    return value


def _cell(value: object) -> object:
    kind = type(value)
    if kind is int or kind is float:  # nearly every number (bool is neither)
        return value
    if kind is str:
        return neutralise_formula(value)  # type: ignore[arg-type]
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return neutralise_formula(str(value))
