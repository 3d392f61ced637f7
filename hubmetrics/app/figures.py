"""Figures as the signed-in person may see them: true values, or small numbers as [c]."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from hubmetrics.app import cached
from hubmetrics.app.auth import current_person
from hubmetrics.app.filters import View
from hubmetrics.app.view import VIEW_KEY
from hubmetrics.disclosure.differencing import View as CrossView
from hubmetrics.disclosure.suppression import SUPPRESSED
from hubmetrics.disclosure.visibility import (
    figure_in_view,
    known_partner,
    rows_for,
    share_behind,
    threshold_for,
)
from hubmetrics.metrics import Filters, MetricValue
from hubmetrics.metrics.status import IndicatorResult
from hubmetrics.people.access import Person, sees_in_full
from hubmetrics.plots.theme import number as number  # a figure for a chart ([c] left out)

# Nobody known (a page run on its own): treated as the most restricted role.
NOBODY = Person("(nobody)", "viewer")


def person() -> Person:
    return current_person() or NOBODY


def threshold() -> int:
    return cached.goals().suppression_threshold


def view_partner() -> str | None:
    """The partner the chosen view is about (None: the whole hub)."""
    view = st.session_state.get(VIEW_KEY)
    return view.filters.partner_id if isinstance(view, View) else None


def in_full(partner_id: str | None = None) -> bool:
    return sees_in_full(person(), partner_id)


def hidden_at(partner_id: str | None = None) -> int | None:
    """The threshold small numbers are hidden at for the person, or None: they see the
    figures about `partner_id` (None: the whole hub) in full. For the library's figures that
    take such a threshold (the participant records' funnel, Sankey and profile)."""
    return threshold_for(person(), threshold(), partner_id=partner_id)


def view_year() -> str | None:
    """The academic year of the chosen view."""
    view = st.session_state.get(VIEW_KEY)
    return view.year if isinstance(view, View) else None


def metric(
    value: MetricValue,
    values: Mapping[str, MetricValue],
    filters: Filters,
    year: str | None = None,
) -> Any:
    """One metric of `values` (all of one scope: `filters` in `year`, the chosen view's year
    unless given) as the person may see it: hidden where the year's cross-table protection
    hides it, so that no hidden count can be had by subtracting views."""
    who = person()
    if in_full(filters.partner_id):
        return value.value
    year = year or view_year()
    guard = cached.protection(year, known_partner(who)) if year else None
    return figure_in_view(who, value, values, filters, guard, threshold())


def hide_views(
    shown: list[dict[str, object]],
    views: Callable[[Mapping[str, object]], Mapping[str, CrossView]],
    year: str | None = None,
    *,
    for_anyone: bool = False,
) -> list[dict[str, object]]:
    """Rows already as the person may see them (`rows`), with each cell `views` names (a
    column to the cross-table view it shows) hidden where the year's protection hides it.
    `for_anyone`: as hidden from any viewer (a download to share), whoever asks."""
    year = year or view_year()
    if year is None or (not for_anyone and in_full(view_partner())):
        return shown
    guard = cached.protection(year, None if for_anyone else known_partner(person()))
    out = []
    for row in shown:
        row = dict(row)
        for column, v in views(row).items():
            if (for_anyone or not in_full(v[1])) and guard.is_hidden(v):
                row[column] = SUPPRESSED
        out.append(row)
    return out


def indicator(ind: IndicatorResult, year: str) -> Any:
    """An indicator's value for the year, as the person may see it."""
    if ind.detail is None or ind.value is None or in_full(ind.filters.partner_id):
        return ind.value
    return metric(ind.detail, cached.metrics(year, ind.filters), ind.filters, year)


def comparison(ind: IndicatorResult) -> Any:
    """The same figure a year earlier at the same date, as the person may see it."""
    c = ind.comparison
    if c is None or in_full(ind.filters.partner_id):
        return c.value.value if c else None
    values = cached.metrics_until(c.academic_year, ind.filters, c.until)
    # Hidden where the whole year's view is: a part of a year subtracts like the whole.
    return metric(c.value, values, ind.filters, c.academic_year)


def trend(key: str, filters: Filters) -> list[tuple[str, Any]]:
    """A metric in every year with data, as the person may see it (oldest first)."""
    series = cached.metric_trend(key, filters)
    if in_full(filters.partner_id):
        return [(year, v.value) for year, v in series]
    behind = share_behind(key)
    every = cached.every_year(filters)
    return [(year, metric(v, every[year] if behind else {}, filters, year)) for year, v in series]


def rows(
    records: Sequence[Mapping[str, object]],
    *,
    counts: Sequence[str] = (),
    ratios: Mapping[str, Sequence[str]] | None = None,
    partner_of: Callable[[Mapping[str, object]], str | None] | None = None,
    at_most: int | None = None,
) -> list[dict[str, object]]:
    """A table as the person may see it (what a shared download would show, for a viewer);
    with `at_most`, its first that many rows."""
    return rows_for(
        person(),
        records,
        counts=counts,
        ratios=ratios,
        threshold=threshold(),
        partner_id=view_partner(),
        partner_of=partner_of,
        at_most=at_most,
    )
