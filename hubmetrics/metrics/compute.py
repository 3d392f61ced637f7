"""Computing the registry's metrics for a year, a trend of years, and the cold-spot list."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hubmetrics import store
from hubmetrics.contract import AGE_BANDS
from hubmetrics.metrics.area import with_stored
from hubmetrics.metrics.filters import Filters, schools_where, scope_where
from hubmetrics.metrics.participants import SCHOOL_BY_URN, participant_totals_by
from hubmetrics.metrics.registry import (
    ACTIVITY_PARTS,
    FUNNEL_STAGES,
    METRICS,
    NOT_A_GENRE,
    PARTICIPANT_PARTS,
    SCHOOL_AGE_BANDS,
    SCHOOL_PARTS,
    Needs,
    metric,
    needs,
)
from hubmetrics.metrics.summary import hub_children, settle
from hubmetrics.metrics.years import day_after, parse_year, year_bounds, year_label

Number = int | float
Value = int | float | dict[str, int] | None


@dataclass(frozen=True)
class MetricValue:
    """One metric's figure, with what it was made from.

    `value` is None when there is no data (a ratio whose denominator is 0 or unknown).
    `numerator`, `denominator` and `skipped` (rows skipped as not recorded) are set for the
    metrics that report them. `rows` is the number of activity rows in scope (None for the
    metrics made from the schools list alone; for the participant metrics, the number of
    participant records in scope).
    """

    key: str
    value: Value
    numerator: Number | None = None
    denominator: Number | None = None
    skipped: int | None = None
    rows: int | None = None

    @property
    def unit(self) -> str:
        return METRICS[self.key].unit

    def as_json(self) -> Any:
        """A number (or null, or a dict of age bands), or an object with the counts behind it."""
        reports = METRICS[self.key].reports
        if not reports:
            return self.value
        out: dict[str, Any] = {"value": self.value}
        for name in reports:
            out[name] = getattr(self, name)
        return out


@dataclass(frozen=True)
class ColdSpotSchool:
    """A state-funded school with no activity in scope."""

    urn: int
    name: str
    phase: str
    local_authority: str
    district: str | None
    pupils: int | None
    fsm_percent: float | None


# How each dimension is read off an activity row (`a`) joined to its school (`s`). The
# school's dimensions come from the current schools list; an activity with no school, or a
# URN not in the list, falls in the group None. `activity_type` and `school_urn` are used
# inside hubmetrics (partner contributions, the schools map), not offered as a breakdown.
ACTIVITY_GROUP: dict[str, str] = {
    "local_authority": "s.local_authority",
    "district": "s.district",
    "phase": "s.phase",
    "age_band": "a.age_band",
    "partner_id": "a.partner_id",
    "activity_type": "a.activity_type",
    "school_urn": "s.urn",
    # The finest grain of the cross-table behind suppression (disclosure/cross_table.py).
    "level": "a.level",
    "genre": "a.genre",
}
# The same dimensions for a participant record (`p`): its own age band (the child's).
PARTICIPANT_GROUP: dict[str, str] = {
    **ACTIVITY_GROUP,
    "age_band": "p.age_band",
    "partner_id": "p.partner_id",
}

GroupKey = Any  # str, int or None: one value of each dimension
EVERYTHING = needs()


def compute_metrics(
    con: Any,
    year: str,
    filters: Filters | None = None,
    *,
    baselines: Mapping[str, float] | None = None,
    until: date | None = None,
    keys: Iterable[str] | None = None,
) -> dict[str, MetricValue]:
    """Every metric for academic year `year` (`2025/26`), in registry order; with `keys`,
    those metrics (and the ones they are made from) alone.

    `baselines` is the goals file's `[baselines]` table (global_majority_share), the
    fallback where no DfE table loaded as a `baselines` file gives a share (metrics/area.py).
    `until` keeps only activities of the year that start on or before that date (for
    "the same date last year"); the year before, used by continuation_rate, stays whole.
    """
    filters = filters or Filters()
    wanted = needs(keys)
    start = parse_year(year)
    first, hi = year_bounds(start)
    lo = year_bounds(start - 1)[0] if wanted.year_before else first
    if until is not None:
        hi = max(first, min(hi, day_after(until)))
    whole_hub = filters.is_empty and until is None  # what the kept summary holds
    if whole_hub:
        settle(con)  # a recount of the kept children just after a write
    with store.read_transaction(con) as cur:  # one state of the data for every figure
        totals = _by_year(activity_totals_by(cur, filters, (), lo, hi, wanted))
        schools = _school_totals(cur, filters)
        children = hub_children(cur) if whole_hub else None
        if children is None:
            children = _by_year(
                participant_totals_by(
                    cur, filters, (), hi, wanted.participant_parts, children_from(wanted, start)
                )
            )
        baselines = with_stored(cur, baselines)  # the DfE's tables first, then the goals file
    return _year(start, totals, schools, children, baselines, wanted)


def activity_metrics_on(cur: Any, year: str, keys: Iterable[str]) -> dict[str, MetricValue]:
    """The whole hub's metrics `keys`, made from activities and the schools list alone,
    computed on `cur` as it stands: inside the caller's transaction, so that a check sees the
    rows it has written and not committed (the Upload page's "what loading will change")."""
    wanted = needs(keys)
    if wanted.participant_parts:
        raise ValueError("activity_metrics_on computes no figure of participant records")
    start = parse_year(year)
    first, hi = year_bounds(start)
    lo = year_bounds(start - 1)[0] if wanted.year_before else first
    everything = Filters()
    totals = _by_year(activity_totals_by(cur, everything, (), lo, hi, wanted))
    return _year(start, totals, _school_totals(cur, everything), {}, None, wanted)


def compute_metric(
    con: Any,
    key: str,
    year: str,
    filters: Filters | None = None,
    *,
    baselines: Mapping[str, float] | None = None,
    until: date | None = None,
) -> MetricValue:
    """One metric for one year (computed with the others: it is the same two queries)."""
    metric(key)
    return compute_metrics(con, year, filters, baselines=baselines, until=until)[key]


def years_with_data(con: Any) -> list[str]:
    """Every academic year with at least one activity anywhere in the hub, oldest first."""
    with con.cursor() as cur:
        sql = f"SELECT DISTINCT {_YEAR_SQL} AS ay FROM activities a ORDER BY ay"  # noqa: S608
        rows = cur.execute(sql).fetchall()  # safe: fixed SQL, no values
    return [year_label(int(r[0])) for r in rows]


def trend_metrics(
    con: Any, filters: Filters | None = None, *, baselines: Mapping[str, float] | None = None
) -> dict[str, dict[str, MetricValue]]:
    """Every metric for every academic year with data in the hub (oldest first), in one pass.

    The years are those with activities anywhere in the hub, so a filtered trend has the
    same years as the whole hub's (0 where the filter has none).
    """
    filters = filters or Filters()
    years = years_with_data(con)
    if filters.is_empty:
        settle(con)  # a recount of the kept children just after a write
    with store.read_transaction(con) as cur:  # one state of the data for every figure
        totals = _by_year(activity_totals_by(cur, filters, (), None, None))
        schools = _school_totals(cur, filters)
        children = hub_children(cur) if filters.is_empty else None
        if children is None:
            children = _by_year(participant_totals_by(cur, filters, (), None))
        baselines = with_stored(cur, baselines)  # the DfE's tables first, then the goals file
    return {
        label: _year(parse_year(label), totals, schools, children, baselines) for label in years
    }


def _year(
    start: int,
    totals: dict[int, dict[str, Any]],
    schools: dict[str, Any],
    children: dict[int, dict[str, Any]],
    baselines: Mapping[str, float] | None,
    wanted: Needs = EVERYTHING,
) -> dict[str, MetricValue]:
    """Every metric (or those `wanted`) of the year starting in `start`, from the by-year
    aggregates."""
    return assemble(
        totals.get(start),
        totals.get(start - 1),
        schools,
        baselines,
        children.get(start),
        children.get(start - 1),
        wanted,
    )


def trend(
    con: Any,
    key: str,
    filters: Filters | None = None,
    *,
    baselines: Mapping[str, float] | None = None,
) -> list[tuple[str, MetricValue]]:
    """One metric for every academic year with data in the hub: [(year, value), ...]."""
    metric(key)
    every = trend_metrics(con, filters, baselines=baselines)
    return [(label, values[key]) for label, values in every.items()]


def cold_spot_school_list(
    con: Any, year: str, filters: Filters | None = None
) -> list[ColdSpotSchool]:
    """The state-funded schools (of the LA, when filtered) with no activity in scope, by name."""
    filters = filters or Filters()
    first, hi = year_bounds(parse_year(year))
    where, params = _activity_where(filters, first, hi)
    school_where, school_params = schools_in_scope(filters)
    sql = f"""
        SELECT s.urn, s.name, s.phase, s.local_authority, s.district, s.pupils, s.fsm_percent
        FROM schools s
        WHERE {school_where}
          AND NOT EXISTS (
              SELECT 1 FROM activities a WHERE a.school_urn = s.urn AND {where}
          )
        ORDER BY s.name, s.urn
    """  # noqa: S608 - safe: clauses from fixed lists in this module; values are parameters
    with con.cursor() as cur:
        rows = cur.execute(sql, [*school_params, *params]).fetchall()
    return [ColdSpotSchool(*row) for row in rows]


# --- the queries --------------------------------------------------------------------------

_YEAR_SQL = "year(a.start_date) - CASE WHEN month(a.start_date) < 9 THEN 1 ELSE 0 END"
_SCHOOL_AGE_SQL = "(" + ", ".join(f"'{b}'" for b in SCHOOL_AGE_BANDS) + ")"  # safe: constants
_NOT_A_GENRE_SQL = "(" + ", ".join(f"'{g}'" for g in NOT_A_GENRE) + ")"  # safe: constants


def _activity_where(filters: Filters, lo: date | None, hi: date | None) -> tuple[str, list[Any]]:
    """WHERE clauses over `activities a` for a date range and the filters, with parameters."""
    return scope_where(filters, lo, hi, "a")


def schools_in_scope(filters: Filters) -> tuple[str, list[Any]]:
    where, params = schools_where(filters, "s")
    return f"s.state_funded AND {where}", params


def _by_year(
    grouped: dict[tuple[int, tuple[GroupKey, ...]], dict[str, Any]],
) -> dict[int, dict[str, Any]]:
    """Aggregates grouped by year and no dimension, keyed by the year alone."""
    return {year: record for (year, _), record in grouped.items()}


def children_from(wanted: Needs, start: int) -> date | None:
    """The first day of participant records that the `wanted` figures of the year starting in
    `start` read (None: every earlier year)."""
    if wanted.child_history == "all":
        return None
    return year_bounds(start - 1 if wanted.child_history == "pair" else start)[0]


def activity_totals_by(
    cur: Any,
    filters: Filters,
    dims: tuple[str, ...],
    lo: date | None,
    hi: date | None,
    wanted: Needs = EVERYTHING,
) -> dict[tuple[int, tuple[GroupKey, ...]], dict[str, Any]]:
    """The activity aggregates of the registry (those `wanted`) by academic year and the
    groups of `dims`, in one query; with no dims, by academic year alone (the engine's own
    figures)."""
    sql, params = activity_totals_sql(filters, dims, lo, hi, wanted)
    result = cur.execute(sql, params)
    columns_out = [d[0] for d in result.description]
    names = [f"g{i}" for i in range(len(dims))]
    out: dict[tuple[int, tuple[GroupKey, ...]], dict[str, Any]] = {}
    for row in result.fetchall():
        record = dict(zip(columns_out, row, strict=True))
        key = tuple(record[n] for n in names)
        out[(int(record["ay"]), key)] = record
    return out


def activity_totals_sql(
    filters: Filters,
    dims: tuple[str, ...],
    lo: date | None,
    hi: date | None,
    wanted: Needs = EVERYTHING,
) -> tuple[str, list[Any]]:
    """The query behind `activity_totals_by` and its parameters: one row per academic year
    `ay` and group (`g0`, `g1`…), with `rows` and the registry's activity aggregates."""
    where, params = _activity_where(filters, lo, hi)
    names = [f"g{i}" for i in range(len(dims))]
    select_groups = "".join(
        f"{ACTIVITY_GROUP[d]} AS {n}, "
        for d, n in zip(dims, names, strict=True)  # safe: fixed map
    )
    by = ", ".join(["ay", *names])
    same = " AND ".join(["t.ay = g.ay", *(f"t.{n} IS NOT DISTINCT FROM g.{n}" for n in names)])
    columns = "".join(
        f",\n coalesce({expr}, 0) AS {name}"
        for name, expr in wanted.activity_parts  # safe: registry
    )
    sql = f"""
        WITH school AS ({SCHOOL_BY_URN}),
        scope AS (
            SELECT {_YEAR_SQL} AS ay, {select_groups}
                   a.partner_id, a.activity_type, a.genre, a.level, a.school_urn, a.age_band,
                   a.participants, a.new_participants, a.continuing_from_wcet,
                   a.fsm, a.send, a.lac, a.global_majority,
                   a.age_band IN {_SCHOOL_AGE_SQL} AS school_age,
                   s.urn IS NOT NULL AS known_school,
                   coalesce(s.state_funded, false) AS state_school
            FROM activities a LEFT JOIN school s ON s.urn = a.school_urn
            WHERE {where}
        ),
        totals AS (
            SELECT {by}, count(*) AS rows{columns} FROM scope GROUP BY {by}
        ){_genre_summary(by, same) if wanted.genres else " SELECT * FROM totals"}
    """  # noqa: S608 - safe: identifiers from fixed maps and the registry; values are params
    return sql, params


def _genre_summary(by: str, same: str) -> str:
    """The rest of the activity totals query: each group's genre count and entropy, joined
    to its totals."""
    return f"""
        , genres AS (
            SELECT {by}, genre, sum(participants) AS n,
                   genre NOT IN {_NOT_A_GENRE_SQL} AS counted
            FROM scope WHERE genre IS NOT NULL GROUP BY {by}, genre
        ),
        genre_shares AS (
            SELECT {by}, genre, counted,
                   CASE WHEN counted AND n > 0
                        THEN n / sum(CASE WHEN counted THEN n END) OVER (PARTITION BY {by})
                   END AS p
            FROM genres
        ),
        genre_summary AS (  -- the entropy sum is ordered so that every run gives one number
            SELECT {by}, count(*) FILTER (WHERE counted) AS genre_count,
                   count(p) AS genre_k, -sum(p * ln(p) ORDER BY genre) AS genre_h
            FROM genre_shares GROUP BY {by}
        )
        SELECT t.*, coalesce(g.genre_count, 0) AS genre_count,
               coalesce(g.genre_k, 0) AS genre_k, g.genre_h
        FROM totals t LEFT JOIN genre_summary g ON {same}
    """  # noqa: S608 - safe: fixed SQL over the group names


def _school_totals(cur: Any, filters: Filters) -> dict[str, Any]:
    """Every schools-list aggregate of the registry (state-funded schools of the area)."""
    where, params = schools_in_scope(filters)
    columns = ", ".join(
        f"coalesce({expr}, 0) AS {name}"
        for name, expr in SCHOOL_PARTS  # safe: registry
    )
    sql = f"SELECT {columns} FROM schools s WHERE {where}"  # noqa: S608 - safe: registry SQL
    result = cur.execute(sql, params)
    names = [d[0] for d in result.description]
    row = result.fetchone()
    return dict(zip(names, row, strict=True)) if row else {}


# --- from aggregates to values ------------------------------------------------------------

_EMPTY: dict[str, Any] = {
    **{name: 0 for name, _ in ACTIVITY_PARTS},
    "rows": 0,
    "genre_count": 0,
    "genre_k": 0,
    "genre_h": None,
}
_NO_CHILDREN: dict[str, Any] = {name: 0 for name, _ in PARTICIPANT_PARTS}


def _ratio(numerator: Number | None, denominator: Number | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def _num(value: Any) -> Number:
    """A DuckDB number (int, HUGEINT or double) as a plain int or float."""
    if isinstance(value, float):
        return value
    return int(value)


def assemble(
    year_row: dict[str, Any] | None,
    prev_row: dict[str, Any] | None,
    school_row: dict[str, Any],
    baselines: Mapping[str, float] | None,
    children_row: dict[str, Any] | None = None,
    children_prev: dict[str, Any] | None = None,
    wanted: Needs = EVERYTHING,
) -> dict[str, MetricValue]:
    """The registry's metrics from one year's aggregates, the year before's and the schools'
    (and, where there are participant records, the year's children and the year before's)."""
    row = year_row or _EMPTY
    prev = prev_row or _EMPTY
    rows = int(row["rows"])
    kids, kids_prev = children_row or _NO_CHILDREN, children_prev or _NO_CHILDREN
    records = int(kids["participant_records"])
    out: dict[str, MetricValue] = {}
    for m in wanted.metrics:
        key = m.key
        part = [name for name, _ in m.parts]
        if m.kind == "count":
            source = school_row if m.source == "schools" else row
            value = _num(source[part[0]])
            out[key] = MetricValue(key, value, rows=None if m.source == "schools" else rows)
        elif m.kind == "count_skipped":
            out[key] = MetricValue(key, _num(row[part[0]]), skipped=int(row[part[1]]), rows=rows)
        elif m.kind == "breakdown":
            bands = {band: int(row[f"band_{band}"]) for band in AGE_BANDS}
            out[key] = MetricValue(key, bands, rows=rows)
        elif m.kind == "ratio":
            source = school_row if m.source == "schools" else row
            num, den = _num(source[part[0]]), _num(source[part[1]])
            out[key] = MetricValue(
                key,
                _ratio(num, den),
                num,
                den,
                int(source[part[2]]),
                rows=None if m.source == "schools" else rows,
            )
        elif m.kind == "coverage":
            engaged, total = out[m.uses[0]].value, out[m.uses[1]].value
            assert isinstance(engaged, int) and isinstance(total, int)
            out[key] = MetricValue(
                key, _ratio(engaged, total), engaged, total, int(row[part[0]]), rows=rows
            )
        elif m.kind == "difference":
            total, engaged = out[m.uses[0]].value, out[m.uses[1]].value
            assert isinstance(engaged, int) and isinstance(total, int)
            out[key] = MetricValue(key, total - engaged, rows=rows)
        elif m.kind == "representation":
            share, base = out[m.uses[0]], out[m.uses[1]]
            top, bottom = _float_or_none(share.value), _float_or_none(base.value)
            out[key] = MetricValue(key, _ratio(top, bottom), top, bottom, share.skipped, rows=rows)
        elif m.kind == "external":
            share = out[m.uses[0]]
            top = _float_or_none(share.value)
            bottom = (baselines or {}).get("global_majority_share")
            out[key] = MetricValue(key, _ratio(top, bottom), top, bottom, share.skipped, rows=rows)
        elif m.kind == "genre_count":
            out[key] = MetricValue(key, int(row["genre_count"]), rows=rows)
        elif m.kind == "evenness":
            k = int(row["genre_k"])
            even = 0.0 if k <= 1 else float(row["genre_h"]) / math.log(k)
            out[key] = MetricValue(key, even, skipped=int(row[part[0]]), rows=rows)
        elif m.kind == "continuation":
            num = _num(row[part[0]])
            den = _num(prev[m.uses[0]])
            rate = _ratio(num, den) if int(row[part[1]]) > 0 else None
            out[key] = MetricValue(key, rate, num, den, int(row[part[2]]), rows=rows)
        elif m.kind == "distinct":
            # No record is no data: it says nothing about how many children took part.
            count = int(kids[part[0]]) if records else None
            out[key] = MetricValue(key, count, rows=records)
        elif m.kind == "unique_continuation":
            num, den = int(kids[part[1]]), int(kids_prev[part[0]])
            rate = _ratio(num, den) if records else None
            out[key] = MetricValue(key, rate, num, den, rows=records)
        elif m.kind == "funnel":
            size = int(kids_prev[part[0]])
            counts = [size, *(int(kids[name]) for name in part[1:])]
            funnel = dict(zip(FUNNEL_STAGES, counts, strict=True)) if records and size else None
            out[key] = MetricValue(key, funnel, rows=records)
        else:  # pragma: no cover - the registry's kinds are all handled above
            raise AssertionError(m.kind)
    return out


def _float_or_none(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float) else None
