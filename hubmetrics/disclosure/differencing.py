"""Suppression against the whole cross-table: no hidden count can be worked out from visible ones."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from hubmetrics.disclosure.suppression import DEFAULT_THRESHOLD, is_small

# One figure a person can reach: a metric for (partner, local authority, age band), where
# None means "all" (the filter left at All). The filters the app offers, in that order.
View = tuple[str, str | None, str | None, str | None]


@dataclass(frozen=True)
class Cell:
    """One group of a year's activity rows at the finest grain any view splits them by.

    `local_authority` None holds the rows with no known school: no filter picks them out,
    but every "all local authorities" figure counts them. `values` holds each count metric's
    total over the group's rows.
    """

    partner_id: str
    local_authority: str | None
    age_band: str | None
    values: Mapping[str, int]


# Which metrics count the same thing (a cell's participants): the age-band and activity-kind
# counts are participations narrowed, so one may be subtracted from another. Others (the
# looked-after children, the new participants) are counts of their own.
Measures = Mapping[str, str]


@dataclass(frozen=True)
class Protection:
    """Which views are hidden for one person-kind in one year (`known_partner`: a partner
    who sees its own figures in full, so the attack assumes it knows them)."""

    hidden: frozenset[View]
    primary: frozenset[View]
    known_partner: str | None = None

    def is_hidden(self, view: View) -> bool:
        return view in self.hidden


def views_of(
    metrics: Sequence[str],
    partners: Iterable[str],
    local_authorities: Iterable[str],
    age_bands: Iterable[str],
) -> list[View]:
    """Every view of `metrics` a person can reach with the filters (None: All)."""
    return [
        (m, p, la, b)
        for m, p, la, b in itertools.product(
            metrics,
            [None, *sorted(partners)],
            [None, *sorted(local_authorities)],
            [None, *sorted(age_bands)],
        )
    ]


def covers(view: View, cell: Cell) -> bool:
    """True when `cell`'s rows are among those `view` counts."""
    _, partner, la, band = view
    return (
        (partner is None or partner == cell.partner_id)
        and (la is None or la == cell.local_authority)
        and (band is None or band == cell.age_band)
    )


def view_value(view: View, cells: Iterable[Cell]) -> int:
    """The true value of a view: its metric summed over the cells it covers."""
    return sum(c.values.get(view[0], 0) for c in cells if covers(view, c))


def protect(
    cells: Sequence[Cell],
    metrics: Sequence[str],
    local_authorities: Iterable[str],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    known_partner: str | None = None,
    measures: Measures | None = None,
) -> Protection:
    """The views to hide so that no hidden view is a linear combination of visible ones.

    Primary: every view from 1 to `threshold` (but a `known_partner`'s own views, which it
    sees in full). Then, while a hidden view lies in the span of the visible ones (a rank
    test on the views as 0/1 vectors over the cells' unknowns), one more view is hidden
    beside it: the smallest visible view that shares a cell with it. Hiding only adds, so
    this ends. See docs/suppression.md.
    """
    partners = sorted({c.partner_id for c in cells})
    bands = sorted({c.age_band for c in cells if c.age_band is not None})
    views = views_of(metrics, partners, local_authorities, bands)
    vectors, unknown_part, values = _vectors(cells, metrics, views, known_partner, measures or {})
    # Views over the same unknowns are one figure to a reader (participations and
    # cyp_participations of ks4, say): they are hidden together, as one row.
    rows: dict[bytes, int] = {}
    row_of = [rows.setdefault(vectors[i].tobytes(), len(rows)) for i in range(len(views))]
    unique = np.zeros((len(rows), vectors.shape[1]))
    amount = np.zeros(len(rows), dtype=np.int64)
    headline = np.zeros(len(rows), dtype=bool)  # a whole-hub figure: the last to hide
    for i, r in enumerate(row_of):
        unique[r] = vectors[i]
        amount[r] = unknown_part[i]
        headline[r] |= views[i][1:] == (None, None, None)
    primary = {
        row_of[i]
        for i, view in enumerate(views)
        if (known_partner is None or view[1] != known_partner)
        if is_small(int(values[i]), threshold) and unique[row_of[i]].any()
    }
    # A small view with no unknown in it is the person's own figure (or 0): nothing about
    # anyone else to protect. It is still hidden as small.
    small_own = {
        i
        for i, view in enumerate(views)
        if (known_partner is None or view[1] != known_partner)
        if is_small(int(values[i]), threshold) and not unique[row_of[i]].any()
    }
    hidden = set(primary)
    while exposure := _exposure(unique, hidden, primary):
        for complements in exposure:
            # Of the visible rows that the combination giving the primary away uses, the
            # smallest in children (ties: the first), a whole-hub figure only when there is
            # no other: the headline figures stay shown.
            # Hiding it breaks that combination; the loop checks again.
            free = [r for r in complements if r not in hidden]
            if free:
                hidden.add(min(free, key=lambda r: (bool(headline[r]), int(amount[r]), r)))
    return Protection(
        hidden=frozenset(v for i, v in enumerate(views) if row_of[i] in hidden or i in small_own),
        primary=frozenset(v for i, v in enumerate(views) if row_of[i] in primary or i in small_own),
        known_partner=known_partner,
    )


def _vectors(
    cells: Sequence[Cell],
    metrics: Sequence[str],
    views: Sequence[View],
    known: str | None,
    measures: Measures,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each view as a 0/1 vector over the unknowns, the part of its value they make, and
    its whole value."""
    unknowns = _unknowns(cells, metrics, known, measures)
    index = {u: i for i, u in enumerate(unknowns)}
    partner = np.array([c.partner_id for c in cells], dtype=object)
    la = np.array([c.local_authority for c in cells], dtype=object)
    band = np.array([c.age_band for c in cells], dtype=object)
    # For each metric, the unknown each cell's value is (-1: 0, or known), and the value.
    column = {
        m: np.array(
            [
                index.get((measures.get(m, m), i), -1) if c.values.get(m, 0) else -1
                for i, c in enumerate(cells)
            ],
            dtype=np.int64,
        )
        for m in metrics
    }
    value = {m: np.array([c.values.get(m, 0) for c in cells], dtype=np.int64) for m in metrics}
    vectors = np.zeros((len(views), len(unknowns)))
    part = np.zeros(len(views), dtype=np.int64)
    whole = np.zeros(len(views), dtype=np.int64)
    everywhere = np.ones(len(cells), dtype=bool)
    for row, (m, p, a, b) in enumerate(views):
        mask = everywhere.copy()
        if p is not None:
            mask &= partner == p
        if a is not None:
            mask &= la == a
        if b is not None:
            mask &= band == b
        whole[row] = int(value[m][mask].sum())
        mask &= column[m] >= 0
        vectors[row, column[m][mask]] = 1.0
        part[row] = int(value[m][mask].sum())
    return vectors, part, whole


def _unknowns(
    cells: Sequence[Cell], metrics: Sequence[str], known_partner: str | None, measures: Measures
) -> list[tuple[str, int]]:
    """The (family, cell) pairs a reader does not know: every non-zero value of a cell
    (zeros are taken as known, which only makes the test stricter), less a known partner's."""
    out: set[tuple[str, int]] = set()
    for i, cell in enumerate(cells):
        if known_partner is not None and cell.partner_id == known_partner:
            continue
        for m in metrics:
            if cell.values.get(m, 0):
                out.add((measures.get(m, m), i))
    return sorted(out)


def _exposure(vectors: np.ndarray, hidden: set[int], primary: set[int]) -> list[list[int]]:
    """For each primary row (with an unknown in it) that is a linear combination of the
    visible rows, the visible rows that combination uses. A secondary row may be worked
    out: being a combination of visible rows, it tells a reader nothing more."""
    visible = [r for r in range(len(vectors)) if r not in hidden and vectors[r].any()]
    targets = sorted(h for h in primary if vectors[h].any())
    if not visible or not targets:
        return []
    u, s, wt = np.linalg.svd(vectors[visible], full_matrices=False)
    rank = int((s > max(vectors.shape) * np.finfo(float).eps * s[0]).sum())
    u, s, wt = u[:, :rank], s[:rank], wt[:rank]
    out = []
    for h in targets:
        target = vectors[h]
        projection = wt @ target
        residual = target - projection @ wt
        if np.linalg.norm(residual) > 1e-6 * max(1.0, float(np.linalg.norm(target))):
            continue
        # The least-norm weights of the visible rows that make the primary row.
        weights = u @ (projection / s)
        out.append([visible[i] for i in np.flatnonzero(np.abs(weights) > 1e-9)])
    return out
