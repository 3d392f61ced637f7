"""The line an indicator is expected to follow, year by year, from its baseline to its target."""

from __future__ import annotations

from hubmetrics.metrics.goals import Indicator
from hubmetrics.metrics.status import expected_value
from hubmetrics.metrics.years import parse_year, year_label


def trajectory(indicator: Indicator, years: list[str]) -> list[tuple[str, float]]:
    """(year, expected value) for `years` and every year from the baseline to the target."""
    end = parse_year(indicator.target_year)
    start = parse_year(indicator.baseline.year) if indicator.baseline else end
    known = {parse_year(y) for y in years}
    span = set(range(min([start, *known]), end + 1)) | known
    return [
        (
            year_label(y),
            expected_value(
                indicator.target, indicator.target_year, indicator.baseline, year_label(y)
            ),
        )
        for y in sorted(span)
    ]
