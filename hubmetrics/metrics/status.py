"""How each goal's indicators stand against their targets: expected value and status."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from hubmetrics.metrics.compute import MetricValue, compute_metrics
from hubmetrics.metrics.filters import Filters, combine
from hubmetrics.metrics.formatting import format_value
from hubmetrics.metrics.goals import Baseline, Goals, Indicator
from hubmetrics.metrics.registry import METRICS
from hubmetrics.metrics.years import parse_year, same_date_last_year, year_label, year_of

Status = Literal["on_track", "at_risk", "off_track", "no_data"]
STATUSES: tuple[Status, ...] = ("on_track", "at_risk", "off_track", "no_data")
AT_RISK_BAND = 0.1  # at risk within 10% of the expected value
# An indicator on a key here uses the metric it maps to wherever that one has data.
REPLACED_BY = {m.replaces: m.key for m in METRICS.values() if m.replaces}
_REL_TOL = 1e-9  # so that 0.9 × expected, computed in floating point, is still "at" it


@dataclass(frozen=True)
class Comparison:
    """The same metric for the year before, counting only activities up to the same date."""

    academic_year: str
    until: date
    value: MetricValue


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator for one year: its value, where the line says it should be, its status."""

    metric: str
    label: str
    unit: str
    direction: str
    value: Any
    expected: float | None
    target: float
    target_year: str
    baseline: Baseline | None
    status: Status
    filters: Filters
    detail: MetricValue | None
    comparison: Comparison | None = None
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        base = self.baseline
        comparison = self.comparison
        return {
            "metric": self.metric,
            "label": self.label,
            "unit": self.unit,
            "value": self.value,
            "expected": self.expected,
            "target": self.target,
            "target_year": self.target_year,
            "baseline": {"value": base.value, "year": base.year} if base else None,
            "direction": self.direction,
            "status": self.status,
            "filters": {k: v for k, v in self.filters.as_dict().items() if v is not None},
            "detail": self.detail.as_json() if self.detail else None,
            "comparison": {
                "academic_year": comparison.academic_year,
                "until": comparison.until.isoformat(),
                "value": comparison.value.as_json(),
            }
            if comparison
            else None,
            "note": self.note,
        }


@dataclass(frozen=True)
class GoalResult:
    """One goal of the hub with the results of its indicators."""

    number: int
    title: str
    indicators: tuple[IndicatorResult, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "indicators": [i.as_json() for i in self.indicators],
        }


def expected_value(target: float, target_year: str, baseline: Baseline | None, year: str) -> float:
    """The value on the straight line from the baseline to the target, in academic `year`.

    With no baseline it is the target. Before the baseline year it is the baseline value,
    after the target year the target (the line is not extended past its ends).
    """
    if baseline is None:
        return target
    start, end, at = parse_year(baseline.year), parse_year(target_year), parse_year(year)
    if end <= start or at >= end:
        return target
    if at <= start:
        return baseline.value
    return baseline.value + (target - baseline.value) * (at - start) / (end - start)


def status_of(value: float | None, expected: float, direction: str) -> Status:
    """on_track, at_risk (within 10% on the wrong side) or off_track; no_data without a value."""
    if value is None:
        return "no_data"
    if direction == "up":
        if _at_least(value, expected):
            return "on_track"
        if _at_least(value, (1 - AT_RISK_BAND) * expected):
            return "at_risk"
        return "off_track"
    if direction == "down":
        if _at_least(expected, value):
            return "on_track"
        if _at_least((1 + AT_RISK_BAND) * expected, value):
            return "at_risk"
        return "off_track"
    raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")


def has_data(value: MetricValue) -> bool:
    """False when a figure stands on nothing: no value, no activity rows, or none recorded."""
    if value.value is None:
        return False
    if value.rows is not None and value.rows == 0:
        return False
    kind = METRICS[value.key].kind
    return not (
        kind in ("count_skipped", "evenness")
        and value.skipped is not None
        and value.rows is not None
        and value.skipped >= value.rows
    )


def evaluate_goals(
    con: Any,
    goals: Goals,
    year: str,
    filters: Filters | None = None,
    as_of: date | None = None,
) -> list[GoalResult]:
    """Every goal's indicators for academic `year` under `filters`, with their status.

    For the academic year that contains `as_of` (default today) each indicator also carries
    the same metric for the year before, counting only activities that started on or before
    the same date a year earlier.
    """
    filters = filters or Filters()
    as_of = as_of or date.today()
    start = parse_year(year)
    label = year_label(start)
    in_progress = year_of(as_of) == start
    until = same_date_last_year(as_of)
    cache: dict[tuple[Filters, str, date | None], dict[str, MetricValue]] = {}
    # Only the indicators' metrics (and those that replace them) are computed.
    shown = {ind.metric for goal in goals.goals for ind in goal.indicators}
    shown |= {REPLACED_BY[k] for k in shown if k in REPLACED_BY}

    def values(scope: Filters, which: str, cut: date | None) -> dict[str, MetricValue]:
        if (scope, which, cut) not in cache:
            cache[(scope, which, cut)] = compute_metrics(
                con, which, scope, baselines=goals.baselines, until=cut, keys=shown
            )
        return cache[(scope, which, cut)]

    results = []
    for goal in goals.goals:
        indicators = []
        for ind in goal.indicators:
            scope = combine(filters, ind.filters)
            indicators.append(_indicator(ind, label, scope, filters, in_progress, until, values))
        results.append(GoalResult(goal.number, goal.title, tuple(indicators)))
    return results


def _indicator(
    ind: Indicator,
    year: str,
    scope: Filters | None,
    page: Filters,
    in_progress: bool,
    until: date,
    values: Any,
) -> IndicatorResult:
    key = ind.metric
    expected = expected_value(ind.target, ind.target_year, ind.baseline, year)
    notes = [ind.note] if ind.note else []
    detail: MetricValue | None = None
    comparison: Comparison | None = None
    value: Any = None
    if scope is None:
        notes.append("The indicator's own filter and the chosen filter exclude each other.")
    else:
        figures = values(scope, year, None)
        better = REPLACED_BY.get(key)
        if better and has_data(figures[better]):
            notes.append(_replaced_note(figures[key]))
            key = better
        detail = figures[key]
        if has_data(detail):
            value = detail.value
        else:
            notes.append(_why_no_data(detail))
        if in_progress:
            previous = year_label(parse_year(year) - 1)
            comparison = Comparison(previous, until, values(scope, previous, until)[key])
    definition = METRICS[key]
    # A hub's figures are judged against that hub's own goals file, so only the other filters
    # make a count a part of what its target is for.
    if not replace(page, hub=None).is_empty and definition.unit == "count":
        notes.append("The target is for the whole hub; this count is for the filtered part.")
    return IndicatorResult(
        metric=key,
        label=definition.label,
        unit=definition.unit,
        direction=ind.direction,
        value=value,
        expected=expected,
        target=ind.target,
        target_year=ind.target_year,
        baseline=ind.baseline,
        status=status_of(value, expected, ind.direction),
        filters=scope or ind.filters,
        detail=detail,
        comparison=comparison,
        note=" ".join(notes),
    )


def _replaced_note(estimate: MetricValue) -> str:
    """Why an indicator shows the figure from participant records, and the returns' one."""
    shown = format_value(estimate.key, estimate.value if has_data(estimate) else None)
    return f"From participant records, each child once; the returns' estimate: {shown}."


def _why_no_data(value: MetricValue) -> str:
    if value.rows == 0:
        return "No activities in this year for this selection."
    if value.value is None:
        return "Not enough recorded data to work this out (a denominator is 0 or unknown)."
    return "No activity in this year records it."


def _at_least(a: float, b: float) -> bool:
    return a >= b or math.isclose(a, b, rel_tol=_REL_TOL, abs_tol=1e-12)
