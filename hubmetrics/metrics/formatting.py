"""A metric's value as people read it, the same in the app, the command line and the reports."""

from __future__ import annotations

from typing import Any

from hubmetrics.metrics.registry import METRICS

NO_DATA = "no data"


def format_value(key: str, value: Any) -> str:
    """Counts with thousands separators, shares and rates as percentages, ratios to 2 places."""
    if value is None:
        return NO_DATA
    unit = METRICS[key].unit
    if unit in ("share", "rate"):
        return f"{value * 100:,.1f}%"
    if unit in ("ratio", "index"):
        return f"{value:,.2f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def format_published(key: str, value: Any) -> str:
    """A figure as it may be published: `[c]` (or any text) as it is, else format_value."""
    if isinstance(value, str):
        return value
    return format_value(key, value)
