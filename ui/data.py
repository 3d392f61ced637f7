"""Cached reads for the pages, keyed on the database file and its data version."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from hubmetrics import config, store
from hubmetrics.goals import Goals, load_goals
from hubmetrics.loaded import DataCoverage, data_coverage
from hubmetrics.metrics import Filters, MetricValue, compute_metrics, trend, years_with_data
from hubmetrics.metrics.status import GoalResult, evaluate_goals
from hubmetrics.metrics.years import year_label, year_of
from ui.state import connection, data_version


def cache_key() -> tuple[str, int]:
    """The database file and its data version: pages key their own caches on it."""
    return _key()


def _key() -> tuple[str, int]:
    """Every cached read is keyed on this: a write bumps the version and so refreshes pages."""
    return str(config.db_path()), data_version()


@st.cache_data(show_spinner=False, max_entries=64)
def _years(key: tuple[str, int]) -> list[str]:
    return years_with_data(connection())


def years() -> list[str]:
    """Academic years with activity data, oldest first."""
    return _years(_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _as_of(key: tuple[str, int]) -> date:
    return store.as_of(connection())


def as_of() -> date:
    return _as_of(_key())


def current_year() -> str:
    """The year in progress on the as-at date, or the latest year with data."""
    known = years()
    in_progress = year_label(year_of(as_of()))
    return in_progress if in_progress in known else (known[-1] if known else in_progress)


@st.cache_data(show_spinner=False, max_entries=64)
def _filter_options(key: tuple[str, int]) -> dict[str, list[str]]:
    con = connection()
    las = [
        r[0]
        for r in con.execute("SELECT DISTINCT local_authority FROM schools ORDER BY 1").fetchall()
    ]
    partners = [r[0] for r in con.execute("SELECT partner_id FROM partners ORDER BY 1").fetchall()]
    return {"local_authorities": las, "partners": partners}


def filter_options() -> dict[str, list[str]]:
    return _filter_options(_key())


@st.cache_data(show_spinner=False, max_entries=16)
def _goals(path: str, mtime: float) -> Goals:
    return load_goals(path)


def goals() -> Goals:
    """The hub's goals file, read again whenever it changes."""
    path = Path(config.goals_path())
    return _goals(str(path), path.stat().st_mtime)


@st.cache_data(show_spinner=False, max_entries=256)
def _metrics(key: tuple[str, int], year: str, filters: Filters) -> dict[str, MetricValue]:
    return compute_metrics(connection(), year, filters, baselines=goals().baselines)


def metrics(year: str, filters: Filters) -> dict[str, MetricValue]:
    return _metrics(_key(), year, filters)


@st.cache_data(show_spinner=False, max_entries=256)
def _goal_results(
    key: tuple[str, int], year: str, filters: Filters, as_of: date
) -> list[GoalResult]:
    return evaluate_goals(connection(), goals(), year, filters, as_of=as_of)


def goal_results(year: str, filters: Filters) -> list[GoalResult]:
    return _goal_results(_key(), year, filters, as_of())


@st.cache_data(show_spinner=False, max_entries=512)
def _trend(key: tuple[str, int], metric: str, filters: Filters) -> list[tuple[str, Any]]:
    return [
        (year, value)
        for year, value in trend(connection(), metric, filters, baselines=goals().baselines)
    ]


def metric_trend(metric: str, filters: Filters) -> list[tuple[str, MetricValue]]:
    """A metric in every academic year with data, oldest first."""
    return _trend(_key(), metric, filters)


@st.cache_data(show_spinner=False, max_entries=64)
def _coverage(key: tuple[str, int], year: str) -> DataCoverage:
    return data_coverage(connection(), year)


def coverage(year: str) -> DataCoverage:
    """What a year's figures stand on: returns received and the last upload."""
    return _coverage(_key(), year)


# --- Reach, Schools and Partners pages: breakdowns, the schools map, partner contributions ---

from hubmetrics import reach as _reach  # noqa: E402
from hubmetrics.metrics import breakdown as _breakdown  # noqa: E402


@st.cache_data(show_spinner=False, max_entries=256)
def _metrics_by(
    key: tuple[str, int], year: str, filters: Filters, by: str
) -> dict[str | None, dict[str, MetricValue]]:
    return _breakdown.compute_metrics_by(
        connection(), year, filters, by, baselines=goals().baselines
    )


def metrics_by(year: str, filters: Filters, by: str) -> dict[str | None, dict[str, MetricValue]]:
    """Every metric for each local authority, district, phase, age band or partner."""
    return _metrics_by(_key(), year, filters, by)


@st.cache_data(show_spinner=False, max_entries=64)
def _school_reach(key: tuple[str, int], year: str, filters: Filters) -> list[_reach.SchoolReach]:
    return _reach.school_reach(connection(), year, filters)


def school_reach(year: str, filters: Filters) -> list[_reach.SchoolReach]:
    """Every school of the list with its participations and whether it was reached."""
    return _school_reach(_key(), year, filters)


@st.cache_data(show_spinner=False, max_entries=64)
def _cold_spots(key: tuple[str, int], year: str, filters: Filters) -> list[_reach.SchoolReach]:
    return _reach.cold_spots(connection(), year, filters)


def cold_spots(year: str, filters: Filters) -> list[_reach.SchoolReach]:
    """The state-funded schools with no activity in scope, with their details."""
    return _cold_spots(_key(), year, filters)


@st.cache_data(show_spinner=False, max_entries=64)
def _partner_contributions(
    key: tuple[str, int], year: str, filters: Filters, as_of: date
) -> list[_reach.PartnerContribution]:
    return _reach.partner_contributions(connection(), year, filters, as_of=as_of)


def partner_contributions(year: str, filters: Filters) -> list[_reach.PartnerContribution]:
    """Each partner's contribution and the state of its returns as at the as-at date."""
    return _partner_contributions(_key(), year, filters, as_of())


# --- Progression page: participant records ---------------------------------------------------

from hubmetrics.metrics import demographics as _demographics  # noqa: E402
from hubmetrics.metrics import participants as _participants  # noqa: E402


@st.cache_data(show_spinner=False, max_entries=64)
def _has_records(key: tuple[str, int]) -> bool:
    return _participants.has_records(connection())


def has_records() -> bool:
    """True when any partner has sent pseudonymised participant records."""
    return _has_records(_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _progression(key: tuple[str, int], filters: Filters) -> _participants.Progression:
    return _participants.progression(connection(), filters)


def progression(filters: Filters) -> _participants.Progression:
    """Every cohort first seen in whole-class teaching, in every later year."""
    return _progression(_key(), filters)


@st.cache_data(show_spinner=False, max_entries=64)
def _profile(
    key: tuple[str, int], year: str, filters: Filters, threshold: int | None
) -> _demographics.Profile:
    values = metrics(year, filters)
    area = _demographics.area_shares(
        goals().baselines,
        _share(values["fsm_baseline"].value),
        _share(values["send_baseline"].value),
    )
    return _demographics.children_profile(
        connection(), year, filters, area=area, threshold=threshold
    )


def children_profile(year: str, filters: Filters, threshold: int | None) -> _demographics.Profile:
    """The individual children by ethnicity, sex, FSM and SEND, against the area."""
    return _profile(_key(), year, filters, threshold)


def _share(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
