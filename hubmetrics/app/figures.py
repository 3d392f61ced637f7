"""Figures as the signed-in person may see them: true values, or small numbers as [c]."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from hubmetrics.app import cached
from hubmetrics.app.auth import current_person
from hubmetrics.app.filters import View
from hubmetrics.app.view import VIEW_KEY
from hubmetrics.disclosure.visibility import figure_for, rows_for, share_behind, threshold_for
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


def metric(value: MetricValue, values: Mapping[str, MetricValue], filters: Filters) -> Any:
    """One metric of `values` (all of one scope) as the person may see it."""
    return figure_for(person(), value, values, threshold(), partner_id=filters.partner_id)


def indicator(ind: IndicatorResult, year: str) -> Any:
    """An indicator's value for the year, as the person may see it."""
    if ind.detail is None or ind.value is None or in_full(ind.filters.partner_id):
        return ind.value
    return metric(ind.detail, cached.metrics(year, ind.filters), ind.filters)


def comparison(ind: IndicatorResult) -> Any:
    """The same figure a year earlier at the same date, as the person may see it."""
    c = ind.comparison
    if c is None or in_full(ind.filters.partner_id):
        return c.value.value if c else None
    values = cached.metrics_until(c.academic_year, ind.filters, c.until)
    return metric(c.value, values, ind.filters)


def trend(key: str, filters: Filters) -> list[tuple[str, Any]]:
    """A metric in every year with data, as the person may see it (oldest first)."""
    series = cached.metric_trend(key, filters)
    if in_full(filters.partner_id):
        return [(year, v.value) for year, v in series]
    behind = share_behind(key)
    every = cached.every_year(filters)
    return [(year, metric(v, every[year] if behind else {}, filters)) for year, v in series]


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
