"""Participations by IMD decile as a reader may see them, without undoing the cross-table's
protection: deciles are a split of the activity rows that the cross-table does not cover.

Why this is enough (docs/suppression.md, "Reach by IMD decile"): a reader who sees the whole
hub's participations by decile and every visible cross-table view learns nothing more about
the cross-table from the deciles than the totals of the *groups* of deciles that no piece of
the cross-table joins (`DecileGuard.groups`). So the table is shown only when each group's
total is already a sum of visible views (of whole local authorities, or the hub less them),
and within each group a hidden decile has a second one hidden beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hubmetrics.disclosure.cross_table import NO_SCHOOL
from hubmetrics.disclosure.differencing import Protection
from hubmetrics.disclosure.suppression import (
    DEFAULT_THRESHOLD,
    SUPPRESSED,
    is_small,
    suppress_table_with_totals,
)
from hubmetrics.metrics.compute import activity_totals_sql
from hubmetrics.metrics.deprivation import DECILE_BY_URN
from hubmetrics.metrics.filters import Filters
from hubmetrics.metrics.registry import needs
from hubmetrics.metrics.years import parse_year, year_bounds

Decile = int | None
# The finest grain the cross-table splits activity rows by (cross_table._GRAIN, which merges
# rows more): a piece finer than the cross-table's cells links fewer deciles, so the groups
# found here are never larger than the reader's, which only errs towards hiding.
_UNIT = ("partner_id", "local_authority", "age_band", "activity_type", "level", "genre")


@dataclass(frozen=True)
class Piece:
    """A year's participations of one unit of the cross-table at schools of one decile."""

    partner_id: str
    local_authority: str  # NO_SCHOOL for the rows at no listed school
    unit: tuple[Any, ...]
    decile: Decile
    participations: int


@dataclass(frozen=True)
class DecileGuard:
    """Which deciles a reader can only see together (`groups`, of deciles with a piece the
    reader does not know), and whether every group's total is already visible (`safe`)."""

    groups: tuple[frozenset[Decile], ...]
    safe: bool


def decile_pieces(cur: Any, year: str) -> list[Piece]:
    """The year's participations (every activity, no filter) by cross-table unit and the
    decile of the activity's school: one query in DuckDB, pieces of 0 left out."""
    lo, hi = year_bounds(parse_year(year))
    dims = (*_UNIT, "school_urn")
    sql, params = activity_totals_sql(Filters(), dims, lo, hi, needs(["participations"]))
    rows = cur.execute(
        f"""
        WITH act AS ({sql}), decile AS ({DECILE_BY_URN})
        SELECT act.g0, act.g1, act.g2, act.g3, act.g4, act.g5, d.imd_decile,
               sum(act.participations) AS n
        FROM act LEFT JOIN decile d ON d.urn = act.g6
        GROUP BY ALL HAVING sum(act.participations) > 0
        ORDER BY ALL
        """,  # noqa: S608 - safe: the registry's query and fixed text; values are parameters
        params,
    ).fetchall()
    return [
        Piece(r[0], NO_SCHOOL if r[1] is None else r[1], tuple(r[:6]), r[6], int(r[7]))
        for r in rows
    ]


def decile_guard(pieces: list[Piece], protection: Protection) -> DecileGuard:
    """The groups of deciles for the reader `protection` is for (a partner knows its own
    pieces, which then join nothing), and whether each group's total is visible."""
    unknown = [p for p in pieces if p.partner_id != protection.known_partner]
    parent: dict[Decile, Decile] = {p.decile: p.decile for p in unknown}

    def root(d: Decile) -> Decile:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    first_of_unit: dict[tuple[Any, ...], Decile] = {}
    for p in unknown:  # a unit with rows at schools of two deciles joins them
        other = first_of_unit.setdefault(p.unit, p.decile)
        parent[root(p.decile)] = root(other)
    members: dict[Decile, set[Decile]] = {}
    for d in parent:
        members.setdefault(root(d), set()).add(d)
    groups = tuple(sorted((frozenset(g) for g in members.values()), key=_order))
    in_la: dict[str, set[Decile]] = {}
    for p in unknown:
        in_la.setdefault(p.local_authority, set()).add(p.decile)
    safe = all(_total_visible(g, in_la, protection) for g in groups)
    return DecileGuard(groups, safe)


def hide_deciles(
    participations: Mapping[Decile, int],
    guard: DecileGuard,
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[Decile, int | str | None]:
    """Each decile's participations as the reader may see them: every count from 1 to the
    threshold `[c]`, and in each group a second decile hidden beside a hidden one (the
    smallest), or every non-zero decile `[c]` when a group's total is not visible."""
    out: dict[Decile, int | str | None] = {}
    grouped = {d for g in guard.groups for d in g}
    for d, n in participations.items():
        if d not in grouped:  # no piece the reader does not know: its own figure, or 0
            out[d] = SUPPRESSED if is_small(n, threshold) else n
    for group in guard.groups:
        members = sorted(group, key=_rank)
        counts = [participations.get(d, 0) for d in members]
        table = suppress_table_with_totals(
            [[n] for n in counts], threshold=threshold, row_totals=False, column_totals=True
        )
        assert table.column_totals is not None
        whole = guard.safe and table.column_totals[0] != SUPPRESSED
        for d, n, cells in zip(members, counts, table.body, strict=True):
            out[d] = cells[0] if whole else (SUPPRESSED if n else 0)
    return out


def _total_visible(
    group: frozenset[Decile], in_la: Mapping[str, set[Decile]], protection: Protection
) -> bool:
    """True when the group's participations are a sum of visible views: the group is made
    of whole local authorities (every piece of each is in it), and either each of those
    authorities is visible, or the whole hub and every other authority is."""
    touching = {la for la, deciles in in_la.items() if deciles & group}
    if any(not in_la[la] <= group for la in touching):
        return False

    def visible(la: str | None) -> bool:
        return not protection.is_hidden(("participations", None, la, None))

    rest = set(in_la) - touching
    return all(visible(la) for la in touching) or (
        visible(None) and all(visible(la) for la in rest)
    )


def _rank(d: Decile) -> int:
    return 11 if d is None else d


def _order(group: frozenset[Decile]) -> int:
    return min(_rank(d) for d in group)
