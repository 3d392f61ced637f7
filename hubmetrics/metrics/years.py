"""Academic years: reading `2025/26`, their date bounds, and the year a date falls in."""

from __future__ import annotations

import re
from datetime import date, timedelta

_YEAR = re.compile(r"(\d{4})/(\d{2})")


class YearError(ValueError):
    """A text that is not an academic year like `2025/26`; the message says how to write it."""


def parse_year(text: str) -> int:
    """The calendar year an academic year starts in: `2025/26` -> 2025."""
    cleaned = str(text).strip()
    match = _YEAR.fullmatch(cleaned)
    if not match:
        raise YearError(
            f"{text!r} is not an academic year. Write it like 2025/26: the year it starts, "
            "a slash, then the last two digits of the year it ends."
        )
    start, end = int(match[1]), int(match[2])
    if (start + 1) % 100 != end:
        raise YearError(
            f"{text!r} is not an academic year: the second part must be the year after the "
            f"first, as in {year_label(start)}."
        )
    return start


def year_label(start: int) -> str:
    """The academic year starting in September of `start`, written `2025/26`."""
    return f"{start}/{(start + 1) % 100:02d}"


def year_bounds(start: int) -> tuple[date, date]:
    """First day of the year and first day of the next: 1 September to 1 September."""
    return date(start, 9, 1), date(start + 1, 9, 1)


def year_of(day: date) -> int:
    """The start year of the academic year that contains `day` (it starts on 1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def same_date_last_year(day: date) -> date:
    """The same calendar date a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def day_after(day: date) -> date:
    """The next day (an exclusive upper bound for an inclusive `until`)."""
    return day + timedelta(days=1)
