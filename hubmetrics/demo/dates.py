"""The demo's academic years and terms, its "today", and the weekdays its activities start on."""

from __future__ import annotations

import datetime as dt

YEARS = (2023, 2024, 2025)  # first calendar year of each academic year in the demo
TERMS = ("autumn", "spring", "summer")
# The demo's "today": the current year has its autumn and (mostly) spring returns.
CURRENT_YEAR = 2025
CURRENT_SPRING_LAST_START = dt.date(2026, 2, 20)
CURRENT_SPRING_RECEIVED = (dt.date(2026, 2, 23), dt.date(2026, 3, 6))


def weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def term_of(day: dt.date) -> str:
    return "autumn" if day.month >= 9 else "spring" if day.month <= 3 else "summer"


def year_of(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def term_dates(year: int, term: str) -> tuple[dt.date, dt.date]:
    """The first and last teaching day of a term of the academic year starting in `year`."""
    if term == "autumn":
        return (
            weekday_on_or_after(dt.date(year, 9, 3)),
            weekday_on_or_before(dt.date(year, 12, 19)),
        )
    if term == "spring":
        return (
            weekday_on_or_after(dt.date(year + 1, 1, 5)),
            weekday_on_or_before(dt.date(year + 1, 3, 27)),
        )
    return (
        weekday_on_or_after(dt.date(year + 1, 4, 15)),
        weekday_on_or_before(dt.date(year + 1, 7, 21)),
    )
