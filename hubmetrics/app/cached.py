"""Cached reads for the pages, keyed on the database file and its data version."""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import streamlit as st

from hubmetrics import config, store
from hubmetrics.app import theme
from hubmetrics.app.state import (
    connection,
    current_data_version,
    data_version,
    hold,
    preparing,
    release,
    wait_for_release,
)
from hubmetrics.disclosure import cross_table
from hubmetrics.disclosure.differencing import Protection
from hubmetrics.metrics import Filters, MetricValue, compute_metrics, trend_metrics, years_with_data
from hubmetrics.metrics import breakdown as _breakdown
from hubmetrics.metrics import demographics as _demographics
from hubmetrics.metrics import participants as _participants
from hubmetrics.metrics import pathways as _pathways
from hubmetrics.metrics import reach as _reach
from hubmetrics.metrics.coverage import DataCoverage, data_coverage
from hubmetrics.metrics.goals import Goals, load_goals
from hubmetrics.metrics.status import GoalResult, evaluate_goals
from hubmetrics.metrics.years import year_label, year_of

T = TypeVar("T")


def cache_key() -> tuple[str, int]:
    """The database file and its data version: pages key their own caches on it."""
    return _key()


def _key() -> tuple[str, int]:
    """Every cached read is keyed on this: a write bumps the version and so refreshes pages."""
    return str(config.db_path()), data_version()


class _Stale(Exception):
    """A write was committed while a read ran, so its result may mix two states of the data."""


def _whole(read: Callable[..., T]) -> Callable[..., T]:
    """For a cached read keyed on `_key()`: refuse (so never cache nor show) a result unless
    the data version is still the key's when the read ends. The library's reads run several
    queries; a write committed between two of them would give figures from half an upload."""

    @functools.wraps(read)
    def checked(key: tuple[str, int], *args: Any) -> T:
        if current_data_version() != key[1]:  # a held write committed: its figures are not
            raise _Stale  # those of the version this run shows
        result = read(key, *args)
        if current_data_version() != key[1]:
            raise _Stale
        return result

    return checked


def _read(cached: Callable[..., T], *args: Any) -> T:
    """A cached read for this script run's data version. Should a write land meanwhile, the
    page runs again on the new version: every figure on a page comes from one state."""
    _remember(cached, args)
    try:
        return cached(_key(), *args)
    except _Stale:
        wait_for_release()  # a write being made ready: its figures come with it
        st.rerun()


# The reads pages made lately, most recent last: after a write they are made again for the
# new data before pages move to it (`publishing`), so viewers never wait for a cold page.
_RECENT: OrderedDict[tuple[str, Callable[..., Any], tuple[Any, ...]], None] = OrderedDict()
_RECENT_LOCK = threading.Lock()
RECENT_READS = 64


def _remember(cached: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        hash(args)
    except TypeError:
        return
    read = (str(config.db_path()), cached, args)
    with _RECENT_LOCK:
        _RECENT[read] = None
        _RECENT.move_to_end(read)
        while len(_RECENT) > RECENT_READS:
            _RECENT.popitem(last=False)


@contextmanager
def publishing(budget_s: float = 30.0) -> Iterator[None]:
    """Around a write from this app (an upload, a rollback): pages go on showing the data as
    it was, from their caches, until the reads they made lately are made again from the new
    data (for at most `budget_s` seconds); then every page moves to it at once. Without
    this, every viewer's next page after an upload is cold, and all of them at once."""
    before = hold()
    try:
        yield
        if current_data_version() != before:
            prepare(budget_s)
    finally:
        release()


def prepare(budget_s: float) -> int:
    """Make the recent reads for the newest data version: how many were made in time."""
    version = current_data_version()
    key = (str(config.db_path()), version)
    with _RECENT_LOCK:
        reads = [(c, a) for path, c, a in reversed(_RECENT) if path == key[0]]  # newest first
    deadline = time.monotonic() + budget_s
    made = 0
    with preparing(version):  # reads made inside these (a profile's metrics) use it too
        for cached, args in reads:
            if time.monotonic() > deadline:
                break
            try:
                cached(key, *args)
            except _Stale:  # another write overtook this one: its own publishing follows
                break
            except Exception:  # noqa: BLE001 - a read that fails here fails again, on its page
                continue
            made += 1
    return made


@st.cache_data(show_spinner=False, max_entries=64)
@_whole
def _years(key: tuple[str, int]) -> list[str]:
    return years_with_data(connection())


def years() -> list[str]:
    """Academic years with activity data, oldest first."""
    return _read(_years)


@st.cache_data(show_spinner=False, max_entries=64)
@_whole
def _as_of(key: tuple[str, int]) -> date:
    return store.as_of(connection())


def as_of() -> date:
    return _read(_as_of)


def current_year() -> str:
    """The year in progress on the as-at date, or the latest year with data."""
    known = years()
    in_progress = year_label(year_of(as_of()))
    return in_progress if in_progress in known else (known[-1] if known else in_progress)


@st.cache_data(show_spinner=False, max_entries=64)
@_whole
def _filter_options(key: tuple[str, int]) -> dict[str, list[str]]:
    con = connection()
    las = [
        r[0]
        for r in con.execute("SELECT DISTINCT local_authority FROM schools ORDER BY 1").fetchall()
    ]
    partners = [r[0] for r in con.execute("SELECT partner_id FROM partners ORDER BY 1").fetchall()]
    return {"local_authorities": las, "partners": partners}


def filter_options() -> dict[str, list[str]]:
    return _read(_filter_options)


@st.cache_data(show_spinner=False, max_entries=16)
def _goals(path: str, mtime: float) -> Goals:
    return load_goals(path)


def goals() -> Goals:
    """The hub's goals file, read again whenever it changes."""
    path = Path(config.goals_path())
    return _goals(str(path), path.stat().st_mtime)


@st.cache_data(show_spinner=False, max_entries=256)
@_whole
def _metrics(key: tuple[str, int], year: str, filters: Filters) -> dict[str, MetricValue]:
    return compute_metrics(connection(), year, filters, baselines=goals().baselines)


def metrics(year: str, filters: Filters) -> dict[str, MetricValue]:
    return _read(_metrics, year, filters)


@st.cache_data(show_spinner=False, max_entries=64)
@_whole
def _protection(
    key: tuple[str, int], year: str, known_partner: str | None, threshold: int
) -> Protection:
    return cross_table.protection(
        connection(), year, threshold=threshold, known_partner=known_partner
    )


def protection(year: str, known_partner: str | None) -> Protection:
    """The views of `year` hidden from a viewer (or from the partner `known_partner`), so
    that no hidden count can be had by subtracting views (docs/suppression.md)."""
    return _read(_protection, year, known_partner, goals().suppression_threshold)


@st.cache_data(show_spinner=False, max_entries=64)
@_whole
def _metrics_until(
    key: tuple[str, int], year: str, filters: Filters, until: date
) -> dict[str, MetricValue]:
    return compute_metrics(connection(), year, filters, baselines=goals().baselines, until=until)


def metrics_until(year: str, filters: Filters, until: date) -> dict[str, MetricValue]:
    """Every metric for a year counting only activities up to `until` (a year-ago comparison)."""
    return _read(_metrics_until, year, filters, until)


@st.cache_data(show_spinner=False, max_entries=256)
@_whole
def _goal_results(
    key: tuple[str, int], year: str, filters: Filters, as_of: date
) -> list[GoalResult]:
    return evaluate_goals(connection(), goals(), year, filters, as_of=as_of)


def goal_results(year: str, filters: Filters) -> list[GoalResult]:
    return _read(_goal_results, year, filters, as_of())


@st.cache_data(show_spinner=False, max_entries=64)
@_whole
def _every_year(key: tuple[str, int], filters: Filters) -> dict[str, dict[str, MetricValue]]:
    return trend_metrics(connection(), filters, baselines=goals().baselines)


def every_year(filters: Filters) -> dict[str, dict[str, MetricValue]]:
    """Every metric in every academic year with data, oldest first: one query for all the
    trends of a page, however many it draws."""
    return _read(_every_year, filters)


def metric_trend(metric: str, filters: Filters) -> list[tuple[str, MetricValue]]:
    """A metric in every academic year with data, oldest first."""
    return [(year, values[metric]) for year, values in every_year(filters).items()]


@st.cache_data(show_spinner=False, max_entries=64)
@_whole
def _coverage(key: tuple[str, int], year: str) -> DataCoverage:
    return data_coverage(connection(), year)


def coverage(year: str) -> DataCoverage:
    """What a year's figures stand on: returns received and the last upload."""
    return _read(_coverage, year)


# --- Reach, Schools and Partners pages: breakdowns, the schools map, partner contributions ---


@st.cache_data(show_spinner=False, max_entries=256)
@_whole
def _metrics_by(
    key: tuple[str, int], year: str, filters: Filters, by: str, keys: tuple[str, ...]
) -> dict[str | None, dict[str, MetricValue]]:
    return _breakdown.compute_metrics_by(
        connection(), year, filters, by, baselines=goals().baselines, keys=keys
    )


def metrics_by(
    year: str, filters: Filters, by: str, keys: Sequence[str]
) -> dict[str | None, dict[str, MetricValue]]:
    """The metrics `keys` for each local authority, district, phase, age band or partner
    (only those are computed: at national scale a breakdown of every metric takes seconds)."""
    return _read(_metrics_by, year, filters, by, tuple(sorted(keys)))


# Lists of schools (20,000 nationally) are kept as they are, not copied for each run as
# st.cache_data copies: a tuple of frozen records cannot be changed by the page that reads it.
@st.cache_resource(show_spinner=False, max_entries=16)
@_whole
def _school_reach(
    key: tuple[str, int], year: str, filters: Filters
) -> tuple[_reach.SchoolReach, ...]:
    return tuple(_reach.school_reach(connection(), year, filters))


def school_reach(year: str, filters: Filters) -> tuple[_reach.SchoolReach, ...]:
    """Every school of the list with its participations and whether it was reached."""
    return _read(_school_reach, year, filters)


# The Reach page's table of every school, made once per data version and view and kept
# read-only: remade on every run it took a fifth of the page's time (20,000 schools).
@st.cache_resource(show_spinner=False, max_entries=16)
@_whole
def _school_rows(
    key: tuple[str, int], year: str, filters: Filters
) -> tuple[bool, tuple[MappingProxyType[str, object], ...]]:
    schools = school_reach(year, filters)
    # Where partners send participant records, each school's distinct children stand beside
    # its participations (blank where no record covers the school).
    with_children = any(s.children is not None for s in schools)
    return with_children, tuple(
        MappingProxyType(
            {
                "URN": s.urn,
                "School": s.name,
                "District": s.district,
                "Reached": "Yes" if s.engaged else "No",
                "State-funded": "Yes" if s.state_funded else "No",
                "Participations": s.participations,
                **({"Individual children": s.children} if with_children else {}),
                "Pupils": s.pupils,
                "FSM %": s.fsm_percent,
            }
        )
        for s in schools
    )


def school_rows(
    year: str, filters: Filters
) -> tuple[bool, tuple[MappingProxyType[str, object], ...]]:
    """(whether any school has its children counted, a table row for each school)."""
    return _read(_school_rows, year, filters)


@st.cache_resource(show_spinner=False, max_entries=16)
@_whole
def _district_reach(
    key: tuple[str, int], year: str, filters: Filters
) -> tuple[_reach.DistrictReach, ...]:
    return tuple(_reach.district_reach(school_reach(year, filters)))


def district_reach(year: str, filters: Filters) -> tuple[_reach.DistrictReach, ...]:
    """The schools of `school_reach` added up by district."""
    return _read(_district_reach, year, filters)


@st.cache_resource(show_spinner=False, max_entries=16)
@_whole
def _cold_spots(
    key: tuple[str, int], year: str, filters: Filters
) -> tuple[_reach.SchoolReach, ...]:
    return tuple(_reach.cold_spots(connection(), year, filters))


def cold_spots(year: str, filters: Filters) -> tuple[_reach.SchoolReach, ...]:
    """The state-funded schools with no activity in scope, with their details."""
    return _read(_cold_spots, year, filters)


@st.cache_data(show_spinner=False, max_entries=64)
@_whole
def _partner_contributions(
    key: tuple[str, int], year: str, filters: Filters, as_of: date
) -> list[_reach.PartnerContribution]:
    return _reach.partner_contributions(connection(), year, filters, as_of=as_of)


def partner_contributions(year: str, filters: Filters) -> list[_reach.PartnerContribution]:
    """Each partner's contribution and the state of its returns as at the as-at date."""
    return _read(_partner_contributions, year, filters, as_of())


# --- Progression page: participant records ---------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=64)
@_whole
def _has_records(key: tuple[str, int]) -> bool:
    return _participants.has_records(connection())


def has_records() -> bool:
    """True when any partner has sent pseudonymised participant records."""
    return _read(_has_records)


@st.cache_data(show_spinner=False, max_entries=64)
@_whole
def _progression(key: tuple[str, int], filters: Filters) -> _participants.Progression:
    return _pathways.progression(connection(), filters)


def progression(filters: Filters) -> _participants.Progression:
    """Every cohort first seen in whole-class teaching, in every later year."""
    return _read(_progression, filters)


@st.cache_data(show_spinner=False, max_entries=64)
@_whole
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
    return _read(_profile, year, filters, threshold)


def _share(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


# --- for pages with caches of their own (the Reports page's prepared files) ----------------


def one_state(read: Callable[..., T]) -> Callable[..., T]:
    """Make a page's own cached read (keyed on `cache_key()`, given first) from one state of
    the data: one that a write overtook is neither cached nor shown."""
    return _whole(read)


def read_one_state(cached: Callable[..., T], *args: Any) -> T:
    """Call a page's own `one_state` read for this run's data version (the page runs again
    should a write land meanwhile)."""
    return _read(cached, *args)


def forget_figures() -> None:
    """Empty every cache of figures, not the database handle (for timing cold pages)."""
    st.cache_data.clear()
    theme.forget_figures()
    _school_reach.clear()
    _school_rows.clear()
    _district_reach.clear()
    _cold_spots.clear()
