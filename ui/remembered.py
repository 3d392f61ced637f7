"""Suppressed tables remembered by their content: a table of 20,000 schools takes a second to
suppress, and looking up its rows a few milliseconds."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from hubmetrics.sharing import shareable_csv, shareable_rows

Table = tuple[tuple[tuple[str, Any], ...], ...]
Ratios = tuple[tuple[str, tuple[str, ...]], ...]


def table_key(rows: Sequence[Mapping[str, Any]]) -> Table | None:
    """The rows as a key (compared in full, not by hash alone), or None when a cell cannot
    be one."""
    try:
        table = tuple(tuple(row.items()) for row in rows)
        hash(table)
    except TypeError:
        return None
    return table


def ratios_key(ratios: Mapping[str, Sequence[str]] | None) -> Ratios:
    return tuple((c, tuple(of)) for c, of in (ratios or {}).items())


def csv(
    rows: Sequence[Mapping[str, Any]],
    counts: Sequence[str],
    ratios: Mapping[str, Sequence[str]] | None,
    threshold: int,
) -> str:
    """`shareable_csv` of `rows`, made once for the same rows however often pages run."""
    table = table_key(rows)
    if table is None:
        return shareable_csv(rows, counts=counts, ratios=ratios, threshold=threshold)
    return _csv(table, tuple(counts), ratios_key(ratios), threshold)


def hidden_rows(
    rows: Sequence[Mapping[str, Any]],
    counts: Sequence[str],
    ratios: Mapping[str, Sequence[str]] | None,
    threshold: int,
) -> list[dict[str, object]]:
    """`shareable_rows` of `rows` (fresh dicts each time), made once for the same rows."""
    table = table_key(rows)
    if table is None:
        return shareable_rows(rows, counts=counts, ratios=ratios, threshold=threshold)
    return [dict(row) for row in _rows(table, tuple(counts), ratios_key(ratios), threshold)]


def forget() -> None:
    """Forget every remembered table (for timing cold pages)."""
    _csv.cache_clear()
    _rows.cache_clear()


# What is remembered is the shareable form, the same whoever asks: sessions may share it.
@functools.lru_cache(maxsize=32)
def _csv(table: Table, counts: tuple[str, ...], ratios: Ratios, threshold: int) -> str:
    rows = [dict(row) for row in table]
    return shareable_csv(rows, counts=counts, ratios=dict(ratios), threshold=threshold)


@functools.lru_cache(maxsize=32)
def _rows(
    table: Table, counts: tuple[str, ...], ratios: Ratios, threshold: int
) -> tuple[tuple[tuple[str, object], ...], ...]:
    rows = [dict(row) for row in table]
    hidden = shareable_rows(rows, counts=counts, ratios=dict(ratios), threshold=threshold)
    return tuple(tuple(row.items()) for row in hidden)
