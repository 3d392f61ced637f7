"""The registry's metrics for each group of a dimension (local authority, district, age band…)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal

from hubmetrics import store
from hubmetrics.contract import AGE_BANDS, SCHOOLS
from hubmetrics.metrics.area import with_stored
from hubmetrics.metrics.compute import (
    ACTIVITY_GROUP,
    PARTICIPANT_GROUP,
    GroupKey,
    MetricValue,
    activity_totals_by,
    activity_totals_sql,
    assemble,
    children_from,
    schools_in_scope,
)
from hubmetrics.metrics.filters import Filters, schools_where
from hubmetrics.metrics.participants import participant_totals_by, participant_totals_sql
from hubmetrics.metrics.registry import SCHOOL_PARTS, metric, needs
from hubmetrics.metrics.years import day_after, parse_year, year_bounds

Dimension = Literal["local_authority", "district", "phase", "age_band", "partner_id"]
# The dimensions a figure can be broken down by (the public ones).
DIMENSIONS: tuple[Dimension, ...] = (
    "local_authority",
    "district",
    "phase",
    "age_band",
    "partner_id",
)
DIMENSION_LABELS: dict[str, str] = {
    "local_authority": "Local authority",
    "district": "District",
    "phase": "Phase",
    "age_band": "Age band",
    "partner_id": "Partner",
}

# The same dimensions read off the schools list, for the schools-list metrics
# (state_schools, the baselines). Dimensions of the activity alone leave them whole.
_SCHOOL_GROUP: dict[str, str] = {
    "local_authority": "s.local_authority",
    "district": "s.district",
    "phase": "s.phase",
    "school_urn": "s.urn",
}


def compute_metrics_by(
    con: Any,
    year: str,
    filters: Filters | None,
    by: str,
    *,
    baselines: Mapping[str, float] | None = None,
    keys: Iterable[str] | None = None,
    until: date | None = None,
) -> dict[str | None, dict[str, MetricValue]]:
    """Every metric (or those in `keys`, with the metrics they are made from, which a
    representation needs to be published) of academic year `year` for each group of `by`.

    `by` is one of DIMENSIONS. The result maps each group's value to its metrics, computed
    by the same registry SQL as `compute_metrics`, grouped: for any group g,
    `compute_metrics_by(con, year, f, "local_authority")[g]` equals
    `compute_metrics(con, year, f with local_authority=g)` (likewise `partner_id` and
    `age_band`). For `local_authority`, `district` and `phase` (of the activity's school, in
    the current schools list) the schools-list metrics — state_schools, schools_engaged,
    school_coverage, cold_spot_schools and the baselines — are those of the group's schools;
    for `age_band` and `partner_id` they are the whole selection's, as with a filter.

    Groups: for `age_band` all eight bands; for `partner_id` every partner in the partners
    list and every partner with activities; for the school dimensions every value among the
    state-funded schools in scope and among the activities in scope. The group None holds
    the activities with no known school (and, for `district`, schools with no district
    recorded), so that the groups always add up to the whole.
    """
    if by not in DIMENSIONS:
        raise ValueError(f"{by!r} is not a breakdown: use one of {', '.join(DIMENSIONS)}.")
    grouped = metrics_by_groups(
        con,
        year,
        filters,
        (by,),
        baselines=baselines,
        until=until,
        include_schools=True,
        keys=keys,
    )
    return {key[0]: values for key, values in grouped.items()}


def metrics_by_groups(
    con: Any,
    year: str,
    filters: Filters | None,
    dims: tuple[str, ...],
    *,
    baselines: Mapping[str, float] | None = None,
    until: date | None = None,
    include_schools: bool = False,
    keys: Iterable[str] | None = None,
) -> dict[tuple[GroupKey, ...], dict[str, MetricValue]]:
    """Every metric (or those in `keys`, and those they are made from) for each combination
    of `dims` with activities in scope (in hubmetrics).

    Keys are tuples, one value per dimension. With `include_schools` and a single
    dimension, the groups also include every value the dimension takes (see
    `compute_metrics_by`). At most one dimension may be a school's.
    """
    for dim in dims:
        if dim not in ACTIVITY_GROUP:
            raise ValueError(f"{dim!r} is not a dimension.")
    school_dims = [d for d in dims if d in _SCHOOL_GROUP]
    if len(school_dims) > 1:
        raise ValueError("At most one dimension of the school can be grouped by at once.")
    school_dim = school_dims[0] if school_dims else None
    filters = filters or Filters()
    wanted = needs(keys)
    start = parse_year(year)
    first, hi = year_bounds(start)
    lo = year_bounds(start - 1)[0] if wanted.year_before else first
    if until is not None:
        hi = max(first, min(hi, day_after(until)))
    child_groups = [PARTICIPANT_GROUP[d] for d in dims]
    with store.read_transaction(con) as cur:  # one state of the data for every figure
        totals = activity_totals_by(cur, filters, dims, lo, hi, wanted)
        baselines = with_stored(cur, baselines)  # the DfE's tables first, then the goals file
        # The schools list's own figures, when a metric (or the list of groups) needs them: for
        # each of 20,000 schools they are a query of their own.
        needs_schools = include_schools or any(m.source == "schools" for m in wanted.metrics)
        schools = _grouped_school_totals(cur, filters, school_dim) if needs_schools else {}
        children = participant_totals_by(
            cur, filters, child_groups, hi, wanted.participant_parts, children_from(wanted, start)
        )
        groups = {key for ay, key in totals if ay == start}
        groups |= {key for ay, key in children if ay == start}
        if include_schools and len(dims) == 1:
            groups |= _all_groups(cur, filters, dims[0], schools)
    out: dict[tuple[GroupKey, ...], dict[str, MetricValue]] = {}
    for key in _ordered(dims, groups):
        school_row = schools.get(key[dims.index(school_dim)] if school_dim else None)
        out[key] = assemble(
            totals.get((start, key)),
            totals.get((start - 1, key)),
            school_row or _EMPTY_SCHOOLS,
            baselines,
            children.get((start, key)),
            children.get((start - 1, key)),
            wanted,
        )
    return out


def figures_by_listed_school(
    con: Any,
    year: str,
    filters: Filters | None,
    columns: Iterable[str],
    keys: Iterable[str],
) -> list[tuple[Any, ...]]:
    """Each school of the schools list (of the local authority, when filtered; independent
    schools too), by name then URN: its `columns` of the list, its activity rows in scope,
    then the value of each metric of `keys` for the activities in scope at it.

    The same figures as `metrics_by_groups(con, year, filters, ("school_urn",), keys=keys)`,
    read in one query with the list instead of assembled in Python school by school (20,000
    schools nationally). Only counts can be asked for: a count of activity rows' figures
    (`participations`: 0 at a school with nothing in scope) or of distinct participants
    (`unique_participants`: None where no participant record is in scope, as there).
    """
    filters = filters or Filters()
    columns, chosen = tuple(columns), [metric(k) for k in keys]
    unknown = [c for c in columns if c not in SCHOOLS.column_names]
    if unknown:
        raise ValueError(f"The schools list has no column {', '.join(map(repr, unknown))}.")
    for m in chosen:
        if m.kind not in ("count", "distinct") or m.source == "schools":
            raise ValueError(f"{m.key!r} is not a count of activities or of participants.")
    wanted = needs(m.key for m in chosen)
    start = parse_year(year)
    first, hi = year_bounds(start)
    activity_sql, activity_params = activity_totals_sql(filters, ("school_urn",), first, hi, wanted)
    ctes, params = [f"act AS ({activity_sql})"], [*activity_params]
    if wanted.participant_parts:
        child_sql, child_params = participant_totals_sql(
            filters,
            [PARTICIPANT_GROUP["school_urn"]],
            hi,
            wanted.participant_parts,
            children_from(wanted, start),
        )
        ctes.append(f"kids AS ({child_sql})")
        params += child_params
    figures = []
    for m in chosen:  # the same rule as `assemble`'s for each kind
        name = m.parts[0][0]  # safe: registry names
        if m.kind == "count":
            figures.append(f"coalesce(act.{name}, 0)")
        else:
            figures.append(f"CASE WHEN kids.participant_records > 0 THEN kids.{name} END")
    joins = "LEFT JOIN act ON act.ay = ? AND act.g0 = s.urn"
    params.append(start)
    if wanted.participant_parts:
        joins += " LEFT JOIN kids ON kids.ay = ? AND kids.g0 = s.urn"
        params.append(start)
    where, more = schools_where(filters, "s")
    params += more
    listed = "".join(f"s.{c}, " for c in columns)  # safe: checked against a fixed list
    sql = f"""
        WITH {", ".join(ctes)}
        SELECT {listed}coalesce(act.rows, 0) AS activity_rows{"".join(f", {f}" for f in figures)}
        FROM schools s {joins}
        WHERE {where}
        ORDER BY s.name, s.urn
    """  # noqa: S608 - safe: fixed lists and registry SQL; values are parameters
    with con.cursor() as cur:
        return cur.execute(sql, params).fetchall()


# --- the queries --------------------------------------------------------------------------

_EMPTY_SCHOOLS: dict[str, Any] = {name: 0 for name, _ in SCHOOL_PARTS}


def _grouped_school_totals(
    cur: Any, filters: Filters, dim: str | None
) -> dict[GroupKey, dict[str, Any]]:
    """compute.py's schools-list aggregates for each value of `dim` (or one row, keyed None)."""
    where, params = schools_in_scope(filters)
    columns = ", ".join(
        f"coalesce({expr}, 0) AS {name}"
        for name, expr in SCHOOL_PARTS  # safe: registry
    )
    if dim is None:
        sql = f"SELECT NULL AS g, {columns} FROM schools s WHERE {where}"  # noqa: S608 - safe
    else:
        group = _SCHOOL_GROUP[dim]  # safe: fixed map
        sql = f"SELECT {group} AS g, {columns} FROM schools s WHERE {where} GROUP BY g"  # noqa: S608 - safe: fixed map and registry SQL
    result = cur.execute(sql, params)
    names = [d[0] for d in result.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in result.fetchall()}


def _all_groups(
    cur: Any, filters: Filters, dim: str, schools: dict[GroupKey, dict[str, Any]]
) -> set[tuple[GroupKey, ...]]:
    """Every value `dim` takes in the selection, data or not (see compute_metrics_by)."""
    if dim == "age_band":
        bands = [filters.age_band] if filters.age_band else list(AGE_BANDS)
        return {(b,) for b in bands}
    if dim == "partner_id":
        if filters.partner_id:
            return {(filters.partner_id,)}
        rows = cur.execute("SELECT partner_id FROM partners").fetchall()
        return {(r[0],) for r in rows}
    if dim in _SCHOOL_GROUP:
        return {(g,) for g, row in schools.items() if row.get("state_schools")}
    return set()


def _ordered(
    dims: tuple[str, ...], groups: set[tuple[GroupKey, ...]]
) -> list[tuple[GroupKey, ...]]:
    """Age bands in their own order, everything else alphabetically; None (not known) last."""

    def rank(dim: str, value: GroupKey) -> tuple[int, Any]:
        if value is None:
            return (2, "")
        if dim == "age_band" and value in AGE_BANDS:
            return (0, AGE_BANDS.index(value))
        return (1, value)

    return sorted(groups, key=lambda g: tuple(rank(d, v) for d, v in zip(dims, g, strict=True)))
