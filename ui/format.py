"""Numbers as a person reads them: 1,234 · 77.0% · 0.68 · — for no data."""

from __future__ import annotations

from typing import Any

from hubmetrics.metrics import METRICS

NO_DATA = "no data"

STATUS_WORDS = {
    "on_track": ("On track", ":material/check_circle:"),
    "at_risk": ("At risk", ":material/warning:"),
    "off_track": ("Off track", ":material/cancel:"),
    "no_data": ("No data", ":material/help:"),
}


def figure(key: str, value: Any) -> str:
    """A metric's value in its unit."""
    if value is None:
        return NO_DATA
    unit = METRICS[key].unit
    if unit == "share":
        return f"{value * 100:,.1f}%"
    if unit in ("ratio", "index"):
        return f"{value:,.2f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def status(code: str) -> str:
    word, icon = STATUS_WORDS[code]
    return f"{icon} {word}"
