"""The hub's metrics: one definition each (registry), computed in DuckDB for a year or a trend."""

from __future__ import annotations

from hubmetrics.metrics.compute import (
    ColdSpotSchool,
    MetricValue,
    cold_spot_school_list,
    compute_metric,
    compute_metrics,
    trend,
    trend_metrics,
    years_with_data,
)
from hubmetrics.metrics.filters import FilterError, Filters
from hubmetrics.metrics.registry import METRIC_KEYS, METRICS, MetricDef, metric
from hubmetrics.metrics.years import YearError, parse_year, year_label, year_of

__all__ = [
    "METRICS",
    "METRIC_KEYS",
    "ColdSpotSchool",
    "FilterError",
    "Filters",
    "MetricDef",
    "MetricValue",
    "YearError",
    "cold_spot_school_list",
    "compute_metric",
    "compute_metrics",
    "metric",
    "parse_year",
    "trend",
    "trend_metrics",
    "year_label",
    "year_of",
    "years_with_data",
]
