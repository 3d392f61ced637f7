"""Reach by the IMD decile of the activity's school: participations, schools, the area's pupils."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubmetrics.metrics.compute import activity_totals_sql, schools_in_scope
from hubmetrics.metrics.filters import Filters
from hubmetrics.metrics.registry import metric, needs
from hubmetrics.metrics.years import parse_year, year_bounds

# 1 is the most deprived tenth of England's LSOAs, 10 the least; None: no decile known (no
# listed school, or a school whose LSOA has none: in Wales, or not in the schools list's data).
DECILES: tuple[int | None, ...] = (*range(1, 11), None)
# The registry's figures the table is made of, each grouped by decile.
ACTIVITY_FIGURES = ("participations", "schools_engaged")
AREA_FIGURES = ("state_schools", "state_school_pupils")
# The decile of each URN of the schools list (a URN listed twice takes its lowest).
DECILE_BY_URN = "SELECT urn, min(imd_decile) AS imd_decile FROM schools GROUP BY urn"


@dataclass(frozen=True)
class DecileReach:
    """One decile's figures for a year and filters (`decile` None: no decile known)."""

    decile: int | None
    participations: int
    schools_engaged: int
    state_schools: int
    pupils: int


def reach_by_decile(con: Any, year: str, filters: Filters | None = None) -> list[DecileReach]:
    """Every decile 1–10 and then None, with the registry's participations and
    schools_engaged over the activities in scope at schools of that decile, and the
    state_schools and state_school_pupils of the state-funded schools of that decile.

    One query in DuckDB: the activity figures grouped by school (the registry's SQL), then
    summed by the school's decile; a school counts once in schools_engaged, so the sum over
    its schools is the distinct count. The deciles add up to the whole selection's figures.
    """
    filters = filters or Filters()
    start = parse_year(year)
    first, hi = year_bounds(start)
    activity_sql, params = activity_totals_sql(
        filters, ("school_urn",), first, hi, needs(ACTIVITY_FIGURES)
    )
    area = ", ".join(
        f"coalesce({expr}, 0) AS {name}"
        for key in AREA_FIGURES
        for name, expr in metric(key).parts  # safe: registry SQL
    )
    where, school_params = schools_in_scope(filters)
    sql = f"""
        WITH act AS ({activity_sql}),
        decile AS ({DECILE_BY_URN}),
        reached AS (
            SELECT d.imd_decile AS decile, sum(act.participations) AS participations,
                   sum(act.schools_engaged) AS schools_engaged
            FROM act LEFT JOIN decile d ON d.urn = act.g0
            WHERE act.ay = ?
            GROUP BY 1
        ),
        area AS (
            SELECT s.imd_decile AS decile, {area} FROM schools s WHERE {where} GROUP BY 1
        )
        SELECT coalesce(r.decile, a.decile) AS decile,
               coalesce(r.participations, 0), coalesce(r.schools_engaged, 0),
               coalesce(a.state_schools, 0), coalesce(a.state_school_pupils, 0)
        FROM reached r FULL JOIN area a ON r.decile IS NOT DISTINCT FROM a.decile
    """  # noqa: S608 - safe: registry SQL and fixed text; values are parameters
    with con.cursor() as cur:
        found = {
            row[0]: row[1:] for row in cur.execute(sql, [*params, start, *school_params]).fetchall()
        }
    return [DecileReach(d, *(int(n) for n in found.get(d, (0, 0, 0, 0)))) for d in DECILES]
