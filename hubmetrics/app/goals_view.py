"""How an indicator is put into words on the Overview and Goal detail pages."""

from __future__ import annotations

from typing import Any

from hubmetrics.app import format as fmt
from hubmetrics.metrics import METRICS
from hubmetrics.metrics.status import IndicatorResult


def headline(indicator: IndicatorResult) -> str:
    """`77.0% against 79.2% expected now (target 85.0% by 2027/28)`."""
    key = indicator.metric
    expected = fmt.figure(key, indicator.expected)
    target = fmt.figure(key, indicator.target)
    better = "at most" if indicator.direction == "down" else "at least"
    return f"Expected now: {better} {expected} · target {target} by {indicator.target_year}"


def comparison(indicator: IndicatorResult, shown: Any) -> str | None:
    """For the year in progress: the same figure at the same date a year earlier (`shown`:
    that figure as the person may see it)."""
    c = indicator.comparison
    if c is None:
        return None
    return f"Same date last year ({fmt.long_date(c.until)}): {fmt.shown(indicator.metric, shown)}"


def label(indicator: IndicatorResult) -> str:
    return METRICS[indicator.metric].label
