"""The cross-table behind every filtered view, and which views a person must not see."""

from __future__ import annotations

import re
from typing import Any

from hubmetrics.disclosure.differencing import Cell, Protection, View, protect
from hubmetrics.disclosure.suppression import DEFAULT_THRESHOLD
from hubmetrics.metrics import METRICS, Filters
from hubmetrics.metrics.compute import activity_totals_by
from hubmetrics.metrics.registry import needs
from hubmetrics.metrics.years import parse_year, year_bounds

# The rows at no listed school, as a view: no filter picks them, but a table by area shows
# them as a row of their own (reach_tables.NOT_AT_A_SCHOOL).
NO_SCHOOL = "Not at a listed school"
# Counts of children made from activity rows: what a filter can split and a reader subtract.
NOT_CHILDREN = frozenset(
    {"partners_active", "state_schools", "schools_engaged", "cold_spot_schools", "genre_count"}
)
PROTECTED = tuple(
    key
    for key, m in METRICS.items()
    if m.source == "activities" and m.unit == "count" and key not in NOT_CHILDREN
)
# What each counts: a cell's participants (narrowed by age band or kind), or its own measure.
MEASURES = {
    key: "participants" if re.search(r"sum\(participants\)|THEN participants END", m.sql) else key
    for key, m in METRICS.items()
    if key in PROTECTED
}
# The finest grain: the three filters, and what decides which counts a row adds to.
_GRAIN = ("partner_id", "local_authority", "age_band", "activity_type", "level", "genre")


def cross_table(cur: Any, year: str) -> list[Cell]:
    """The year's activity counts by partner, local authority (of the school; None: no known
    school) and age band, one query in DuckDB. Rows that differ only in what they add to
    (kind, level, genre) stay apart only where a count tells them apart."""
    lo, hi = year_bounds(parse_year(year))
    grouped = activity_totals_by(cur, Filters(), _GRAIN, lo, hi, needs(PROTECTED))
    merged: dict[tuple[Any, ...], dict[str, int]] = {}
    for (_, key), record in grouped.items():
        partner, la, band = key[:3]
        la = NO_SCHOOL if la is None else la
        values = {m: int(record[m] or 0) for m in PROTECTED}
        # Rows that add to the same counts are one unknown to a reader: merge them.
        signature = (partner, la, band, tuple(bool(values[m]) for m in PROTECTED))
        into = merged.setdefault(signature, dict.fromkeys(PROTECTED, 0))
        for m in PROTECTED:
            into[m] += values[m]
    return [
        Cell(partner_id=sig[0], local_authority=sig[1], age_band=sig[2], values=values)
        for sig, values in merged.items()
    ]


def local_authorities(cur: Any) -> list[str]:
    """The local authorities a person can filter by (those of the current schools list),
    and the rows at no listed school, which a table by area shows."""
    rows = cur.execute(
        "SELECT DISTINCT local_authority FROM schools WHERE local_authority IS NOT NULL ORDER BY 1"
    ).fetchall()
    return [*(r[0] for r in rows), NO_SCHOOL]


def protection(
    cur: Any, year: str, *, threshold: int = DEFAULT_THRESHOLD, known_partner: str | None = None
) -> Protection:
    """Which views of `year` are hidden: for a viewer (no `known_partner`), or for a partner
    who sees its own figures in full."""
    return protect(
        cross_table(cur, year),
        PROTECTED,
        local_authorities(cur),
        threshold=threshold,
        known_partner=known_partner,
        measures=MEASURES,
    )


def view_of(key: str, filters: Filters) -> View:
    """The view a metric shows under the sidebar's filters."""
    return (key, filters.partner_id, filters.local_authority, filters.age_band)
