"""Figures from pseudonymised participant records: each child once, and the pathways taken."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from hubmetrics.contract import ENSEMBLE_TYPES, INSTRUMENTAL_TYPES
from hubmetrics.metrics.filters import Filters, scope_where
from hubmetrics.metrics.registry import PARTICIPANT_PARTS, sql_list

# The current schools list, one row per URN (a URN listed twice is read once).
SCHOOL_BY_URN = """
    SELECT urn, bool_or(state_funded) AS state_funded, min(local_authority) AS local_authority,
           min(district) AS district, min(phase) AS phase
    FROM schools GROUP BY urn
"""
# Where a child is on the pathway in a year: the furthest stage they reached that year.
STAGES = ("advanced", "ensemble", "tuition", "other", "wcet", "none")
STAGE_LABELS = {
    "wcet": "Whole-class teaching",
    "tuition": "Tuition",
    "ensemble": "Ensemble or choir",
    "advanced": "Advanced",
    "other": "Other music activity",
    "none": "No record",
}
_YEAR = "year(p.start_date) - CASE WHEN month(p.start_date) < 9 THEN 1 ELSE 0 END"
# Each current record `p` with its current activity `a`.
RECORDS_OF_ACTIVITIES = """
    FROM participants p
    JOIN activities a ON a.partner_id = p.partner_id AND a.activity_id = p.activity_id
         AND a.start_date = p.start_date
"""


def _children_sql(
    filters: Filters, hi: date | None, groups: Sequence[str], lo: date | None = None
) -> tuple[str, list[Any]]:
    """CTEs ending in `marked`: one row per child per academic year `ay` (and group g0..),
    with what the child did that year, whether they were in wcet the year before
    (`wcet_before`) and the year they were first seen in wcet (`cohort`, else NULL).

    "First seen" is the child's first year with any record in scope: a child whose first
    record is not wcet belongs to no cohort. With `lo`, records before it are not read: the
    cohorts are then not known, and `wcet_before` only from the year after `lo`.
    """
    # The age band is the record's own (the child's); the local authority is that of the
    # activity's school, as for the activity metrics.
    where, params = scope_where(filters, lo, hi, "p")
    names = [f"g{i}" for i in range(len(groups))]
    select_groups = "".join(f"{g} AS {n}, " for g, n in zip(groups, names, strict=True))
    by = "".join(f", {n}" for n in names)
    sql = f"""
        school AS ({SCHOOL_BY_URN}),
        rec AS (
            SELECT {select_groups}p.participant_ref AS ref, {_YEAR} AS ay, p.age_band,
                   a.activity_type, a.level
            {RECORDS_OF_ACTIVITIES}
            LEFT JOIN school s ON s.urn = a.school_urn
            WHERE {where}
        ),
        child_year AS (
            SELECT ref, ay{by}, count(*) AS records,
                   bool_or(activity_type = 'wcet') AS wcet,
                   bool_or(activity_type <> 'wcet') AS beyond_wcet,
                   bool_or(activity_type IN {sql_list(INSTRUMENTAL_TYPES)}) AS tuition,
                   bool_or(activity_type IN {sql_list(ENSEMBLE_TYPES)}) AS ensemble,
                   coalesce(bool_or(level = 'advanced'), false) AS advanced,
                   bool_or(age_band <> 'adult') AS cyp
            FROM rec GROUP BY ref, ay{by}
        ),
        marked AS (
            SELECT *,
                   coalesce(lag(ay) OVER w = ay - 1 AND lag(wcet) OVER w, false) AS wcet_before,
                   CASE WHEN first_value(wcet) OVER w THEN first_value(ay) OVER w END AS cohort
            FROM child_year WINDOW w AS (PARTITION BY ref{by} ORDER BY ay)
        )
    """  # noqa: S608 - safe: fixed SQL, group expressions from the engine's fixed map
    return sql, params


def participant_totals_by(
    cur: Any,
    filters: Filters,
    groups: Sequence[str],
    hi: date | None,
    parts: Sequence[tuple[str, str]] = PARTICIPANT_PARTS,
    lo: date | None = None,
) -> dict[tuple[int, tuple[Any, ...]], dict[str, Any]]:
    """Every participant aggregate of the registry by academic year and group, in one query.

    `groups` are SQL expressions over the record `p`, its activity `a` and its school `s`.
    Records starting on or after `hi` are left out (earlier years are always whole, so a
    child's cohort is known) unless `lo` is given: then records before it are not read, and
    only figures that need no earlier year are right (see `Needs.child_history`). Only the
    aggregates in `parts` are computed; with none, no query runs.
    """
    if not parts:
        return {}
    sql, params = participant_totals_sql(filters, groups, hi, parts, lo)
    result = cur.execute(sql, params)
    out_names = [d[0] for d in result.description]
    names = [f"g{i}" for i in range(len(groups))]
    out: dict[tuple[int, tuple[Any, ...]], dict[str, Any]] = {}
    for row in result.fetchall():
        record = dict(zip(out_names, row, strict=True))
        out[(int(record["ay"]), tuple(record[n] for n in names))] = record
    return out


def participant_totals_sql(
    filters: Filters,
    groups: Sequence[str],
    hi: date | None,
    parts: Sequence[tuple[str, str]] = PARTICIPANT_PARTS,
    lo: date | None = None,
) -> tuple[str, list[Any]]:
    """The query behind `participant_totals_by` and its parameters: one row per academic
    year `ay` and group (`g0`, `g1`…), with the aggregates in `parts` (at least one)."""
    children, params = _children_sql(filters, hi, groups, lo)
    names = [f"g{i}" for i in range(len(groups))]
    by = ", ".join(["ay", *names])
    columns = ", ".join(f"coalesce({expr}, 0) AS {name}" for name, expr in parts)
    sql = f"WITH {children} SELECT {by}, {columns} FROM marked GROUP BY {by}"  # noqa: S608 - safe: registry SQL
    return sql, params


def has_records(con: Any) -> bool:
    """True when the hub holds any participant record."""
    with con.cursor() as cur:
        row = cur.execute("SELECT EXISTS (SELECT 1 FROM participants)").fetchone()
    return bool(row and row[0])


@dataclass(frozen=True)
class FunnelStep:
    """One cohort (first seen in wcet in `cohort`) in one later `year`: how many children
    take part at all, and how many in tuition, an ensemble and an advanced activity."""

    cohort: str
    year: str
    cohort_size: int
    taking_part: int
    tuition: int
    ensemble: int
    advanced: int


@dataclass(frozen=True)
class Flow:
    """Children of one cohort who were at `from_stage` in `from_year` and at `to_stage` the
    year after (`none`: no record that year)."""

    cohort: str
    from_year: str
    from_stage: str
    to_year: str
    to_stage: str
    children: int


@dataclass(frozen=True)
class Progression:
    """Every cohort first seen in wcet, in every later year with records."""

    cohorts: dict[str, int]
    steps: list[FunnelStep]
    flows: list[Flow]
    last_year: str | None


ProgressionRow = tuple[Any, ...]  # what, cohort, ay, stage, next_stage, n, tuition, ...


def progression_rows(cur: Any, filters: Filters) -> tuple[list[ProgressionRow], int | None]:
    """The query behind `progression`: its rows, and the last year with records in scope."""
    children, params = _children_sql(filters, None, ())
    stage = (
        "CASE WHEN m.advanced THEN 'advanced' WHEN m.ensemble THEN 'ensemble' "
        "WHEN m.tuition THEN 'tuition' WHEN m.beyond_wcet THEN 'other' "
        "WHEN m.wcet THEN 'wcet' ELSE 'none' END"
    )
    sql = f"""
        WITH {children},
        years AS (SELECT DISTINCT ay FROM marked),
        members AS (SELECT DISTINCT ref, cohort FROM marked WHERE cohort IS NOT NULL),
        path AS (
            SELECT c.ref, c.cohort, y.ay, {stage} AS stage, m.ref IS NOT NULL AS taking_part,
                   coalesce(m.tuition, false) AS tuition,
                   coalesce(m.ensemble, false) AS ensemble,
                   coalesce(m.advanced, false) AS advanced
            FROM members c JOIN years y ON y.ay >= c.cohort
            LEFT JOIN marked m ON m.ref = c.ref AND m.ay = y.ay
        )
        SELECT 'step' AS what, cohort, ay, NULL AS stage, NULL AS next_stage,
               count(*) FILTER (WHERE taking_part) AS n,
               count(*) FILTER (WHERE tuition) AS tuition,
               count(*) FILTER (WHERE ensemble) AS ensemble,
               count(*) FILTER (WHERE advanced) AS advanced
        FROM path GROUP BY cohort, ay
        UNION ALL
        SELECT 'flow', cohort, ay, stage, next_stage, count(*), 0, 0, 0
        FROM (SELECT *, lead(stage) OVER (PARTITION BY ref ORDER BY ay) AS next_stage,
                     lead(ay) OVER (PARTITION BY ref ORDER BY ay) AS next_ay FROM path)
        WHERE next_ay = ay + 1
        GROUP BY cohort, ay, stage, next_stage
        ORDER BY 1, 2, 3, 4, 5
    """  # noqa: S608 - safe: fixed SQL; values are parameters
    rows = cur.execute(sql, params).fetchall()
    # The last year with records needs no window: the records alone.
    last = cur.execute(
        f"WITH {children} SELECT max(ay) FROM rec",  # noqa: S608 - safe: fixed SQL
        params,
    ).fetchone()
    return rows, int(last[0]) if last and last[0] is not None else None
