"""Numbers as a person reads them: 1,234 · 77.0% · 0.68 · — for no data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hubmetrics.disclosure.inert import markdown_text
from hubmetrics.metrics.formatting import NO_DATA, format_value

__all__ = ["NO_DATA", "STATUS_WORDS", "figure", "long_date", "shown", "status", "uploaded_text"]

STATUS_WORDS = {
    "on_track": ("On track", ":material/check_circle:"),
    "at_risk": ("At risk", ":material/warning:"),
    "off_track": ("Off track", ":material/cancel:"),
    "no_data": ("No data", ":material/help:"),
}


def figure(key: str, value: Any) -> str:
    """A metric's value in its unit (one formatting for the app, the CLI and the reports)."""
    return format_value(key, value)


def shown(key: str, value: Any) -> str:
    """A figure as the person may see it: `[c]` (a hidden small number) stays as it is."""
    return value if isinstance(value, str) else format_value(key, value)


def long_date(day: date | datetime) -> str:
    """6 March 2026: the day without a leading zero, as British prose writes it."""
    return f"{day.day} {day:%B %Y}"


def status(code: str) -> str:
    word, icon = STATUS_WORDS[code]
    return f"{icon} {word}"


# Text from an upload (a partner's name, a file name), to place inside markdown.
uploaded_text = markdown_text
