"""Tables as they leave the app for sharing: small counts, and ratios made from them, hidden."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from hubmetrics.disclosure.exports import suppress_rows, table_csv
from hubmetrics.disclosure.suppression import DEFAULT_THRESHOLD, SUPPRESSED, is_small

# A table of every school (20,000 nationally) takes a fraction of a second to suppress, and
# pages show and offer the same tables run after run: each is made once for the same rows,
# kept by its content (compared in full, not by hash alone). What is kept is the shareable
# form, the same whoever asks.
_Table = tuple[tuple[tuple[str, Any], ...], ...]
_Ratios = tuple[tuple[str, tuple[str, ...]], ...]


def shareable_csv(
    rows: Sequence[Mapping[str, object]],
    *,
    counts: Sequence[str] = (),
    ratios: Mapping[str, Sequence[str]] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> str:
    """CSV of `rows` fit to share (docs/suppression.md).

    `counts` are columns of counts of children: small ones are hidden, with the second cells
    that would give them away. Each column of `ratios` names the counts it was made from, and
    is hidden in any row where one of those is small. Formulas are neutralised.
    """
    table = _table_key(rows)
    if table is None:  # a cell that cannot be a key: made every time
        return _csv(rows, counts, ratios or {}, threshold)
    return _kept_csv(table, tuple(counts), _ratios_key(ratios), threshold)


def shareable_rows(
    rows: Sequence[Mapping[str, object]],
    *,
    counts: Sequence[str] = (),
    ratios: Mapping[str, Sequence[str]] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    at_most: int | None = None,
) -> list[dict[str, object]]:
    """The same rows as `shareable_csv` writes, as rows (small numbers as `[c]`); fresh
    dicts each time, the caller's to change. With `at_most`, only the first that many
    (hidden as in the whole table)."""
    table = _table_key(rows)
    if table is None:
        return _rows(rows, counts, ratios or {}, threshold)[:at_most]
    kept = _kept_rows(table, tuple(counts), _ratios_key(ratios), threshold)
    return [dict(row) for row in kept[:at_most]]


def forget_tables() -> None:
    """Forget the tables made so far (for timing a cold page)."""
    _kept_csv.cache_clear()
    _kept_rows.cache_clear()
    with _IDENTITY_LOCK:
        _BY_IDENTITY.clear()


def _csv(
    rows: Sequence[Mapping[str, object]],
    counts: Sequence[str],
    ratios: Mapping[str, Sequence[str]],
    threshold: int,
) -> str:
    return table_csv(
        _ratios_hidden(rows, ratios, threshold), suppress_columns=counts, threshold=threshold
    )


def _rows(
    rows: Sequence[Mapping[str, object]],
    counts: Sequence[str],
    ratios: Mapping[str, Sequence[str]],
    threshold: int,
) -> list[dict[str, object]]:
    return suppress_rows(
        _ratios_hidden(rows, ratios, threshold), suppress_columns=counts, threshold=threshold
    )


class _Kept(tuple):  # type: ignore[type-arg]
    """A table as a key, its hash worked out once (a tuple's is worked out again at every
    lookup: milliseconds for 20,000 rows)."""

    _hash: int

    def __new__(cls, rows: Iterable[tuple[tuple[str, Any], ...]]) -> _Kept:
        table = super().__new__(cls, rows)
        table._hash = tuple.__hash__(table)  # TypeError for a cell that cannot be a key
        return table

    def __hash__(self) -> int:
        return self._hash


# Tables that cannot change (a tuple of read-only rows), by identity: a page showing the same
# kept table run after run finds its key without reading it. Each entry holds its table, so
# its id is not reused while it is here.
_BY_IDENTITY: dict[int, tuple[Sequence[Mapping[str, object]], _Kept]] = {}
_BY_IDENTITY_LIMIT = 16
_IDENTITY_LOCK = threading.Lock()


def _table_key(rows: Sequence[Mapping[str, object]]) -> _Table | None:
    # Only frozen tables are kept by identity, so the same object found there is one: its
    # rows need not be looked through again on every run.
    with _IDENTITY_LOCK:
        known = _BY_IDENTITY.get(id(rows))
    if known is not None and known[0] is rows:
        return known[1]
    frozen = isinstance(rows, tuple) and all(isinstance(r, MappingProxyType) for r in rows)
    try:
        table = _Kept(tuple(row.items()) for row in rows)
    except TypeError:
        return None
    if frozen:
        with _IDENTITY_LOCK:
            if len(_BY_IDENTITY) >= _BY_IDENTITY_LIMIT:
                del _BY_IDENTITY[next(iter(_BY_IDENTITY))]
            _BY_IDENTITY[id(rows)] = (rows, table)
    return table


def _ratios_key(ratios: Mapping[str, Sequence[str]] | None) -> _Ratios:
    return tuple((c, tuple(of)) for c, of in (ratios or {}).items())


@functools.lru_cache(maxsize=32)
def _kept_csv(table: _Table, counts: tuple[str, ...], ratios: _Ratios, threshold: int) -> str:
    return _csv([dict(row) for row in table], counts, dict(ratios), threshold)


@functools.lru_cache(maxsize=32)
def _kept_rows(table: _Table, counts: tuple[str, ...], ratios: _Ratios, threshold: int) -> _Table:
    hidden = _rows([dict(row) for row in table], counts, dict(ratios), threshold)
    return tuple(tuple(row.items()) for row in hidden)


def _ratios_hidden(
    rows: Sequence[Mapping[str, object]],
    ratios: Mapping[str, Sequence[str]],
    threshold: int,
) -> Sequence[Mapping[str, object]]:
    if not ratios:  # nothing to hide: the rows are only read from here on
        return rows
    return [
        {
            column: SUPPRESSED
            if column in ratios
            and any(is_small(_number(row.get(c)), threshold) for c in ratios[column])
            else value
            for column, value in row.items()
        }
        for row in rows
    ]


def _number(value: object) -> int | float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None
