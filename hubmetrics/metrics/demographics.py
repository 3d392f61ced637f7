"""Who the individual children are: ethnicity, sex, free school meals and SEND, against the area."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hubmetrics.contract import ETHNICITY_GROUPS
from hubmetrics.disclosure.suppression import (
    SUPPRESSED,
    suppress_count,
    suppress_ratio,
    suppress_table_with_totals,
)
from hubmetrics.metrics.area import with_stored
from hubmetrics.metrics.filters import Filters, scope_where
from hubmetrics.metrics.participants import RECORDS_OF_ACTIVITIES
from hubmetrics.metrics.registry import SCHOOL_AGE_BANDS, sql_list
from hubmetrics.metrics.years import parse_year, year_bounds

# The area's shares the profile uses (each a share of the area's pupils, 0 to 1): a DfE table
# loaded as a `baselines` file, else the goals file's [baselines] (metrics/area.py); fsm and
# send come from the schools list, and SEN support and EHCP from the DfE's SEN table alone.
ETHNICITY_BASELINES = {
    group: f"ethnicity_{group.lower()}" for group in ETHNICITY_GROUPS if group != "Not known"
}
SEX_BASELINE = "female_share"
SEND_BASELINES = {"SEN support": "sen_support_share", "EHCP": "ehcp_share"}
PROFILE_BASELINES = (SEX_BASELINE, *ETHNICITY_BASELINES.values())
NOT_RECORDED = "Not recorded"
NOT_KNOWN = "Not known (refused or not obtained)"
# (dimension, its groups in order; the last ones are not counted in the shares).
DIMENSIONS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "Ethnicity",
        tuple(g for g in ETHNICITY_GROUPS if g != "Not known"),
        (NOT_KNOWN, NOT_RECORDED),
    ),
    ("Sex", ("Girls", "Boys"), ("Other or not known", NOT_RECORDED)),
    ("Free school meals", ("Eligible", "Not eligible"), (NOT_RECORDED,)),
    ("SEND", ("SEN support", "EHCP", "SEND, level not given", "No SEND"), (NOT_RECORDED,)),
)
Shown = int | float | str | None  # a figure, `[c]`, or None for no data


@dataclass(frozen=True)
class ProfileRow:
    """One group of a dimension: how many individual children, their share of the children
    for whom the dimension is recorded, the area's share, and the one over the other."""

    dimension: str
    group: str
    children: Shown
    share: Shown
    area_share: float | None
    representation: Shown


@dataclass(frozen=True)
class Profile:
    """The children of a year (in scope) by each dimension, small numbers hidden or not."""

    year: str
    children: Shown  # every distinct child in scope: the total of ethnicity and sex
    school_age: Shown  # those with a school-age record: the total of FSM and SEND
    rows: list[ProfileRow]

    def dimension(self, name: str) -> list[ProfileRow]:
        return [r for r in self.rows if r.dimension == name]


def children_profile(
    con: Any,
    year: str,
    filters: Filters | None = None,
    *,
    area: Mapping[str, float | None],
    threshold: int | None,
) -> Profile:
    """The profile of the distinct children with a record in `year` (within `filters`).

    Each child counts once in each dimension, with the value of their latest record in the
    year that gives one. Ethnicity and sex are over every child; free school meals and SEND
    over school-age children (a record in KS1–KS5), as the schools list's pupils are. Shares
    leave out children for whom the dimension is not recorded or not known.

    `area` holds the area's shares: fsm and send (from the schools list) and the goals
    file's baselines; every share a DfE table loaded as a `baselines` file gives is used in
    their place (with send_share, the SEN table's, for No SEND). With `threshold` (the
    small-number rule) counts are suppressed with their totals (suppression.py) and a share is hidden with its count; every share of a
    dimension is hidden when a not-recorded count is, as the shares would give it away.
    With `threshold` None every figure is the true one.
    """
    filters = filters or Filters()
    first, hi = year_bounds(parse_year(year))
    counts, children, school_age = _counts(con, filters, first, hi)
    with con.cursor() as cur:
        area = {**area, **with_stored(cur, {})}
    rows: list[ProfileRow] = []
    for dimension, groups, unknown in DIMENSIONS:
        cells = [counts.get((dimension, g), 0) for g in (*groups, *unknown)]
        recorded = sum(cells[: len(groups)])
        shown: list[Shown] = list(cells)
        if threshold is not None:
            # One column with its total (the children in scope, shown beside the tables).
            table = suppress_table_with_totals(
                [[n] for n in cells], threshold=threshold, row_totals=False
            )
            shown = [row[0] for row in table.body]
        hide_shares = any(s == SUPPRESSED for s in shown[len(groups) :])
        for i, group in enumerate((*groups, *unknown)):
            counted = i < len(groups)
            true_share = cells[i] / recorded if counted and recorded else None
            base = _area_share(dimension, group, area) if counted else None
            share: Shown = true_share
            rep: Shown = true_share / base if true_share is not None and base else None
            if threshold is not None and counted:
                if shown[i] == SUPPRESSED or (hide_shares and cells[i]):
                    share = SUPPRESSED if share is not None else None
                    rep = SUPPRESSED if rep is not None else None
                else:
                    share = suppress_ratio(true_share, cells[i], recorded, threshold)
                    rep = suppress_ratio(
                        rep if isinstance(rep, float) else None, cells[i], recorded, threshold
                    )
            rows.append(ProfileRow(dimension, group, shown[i], share, base, rep))
    if threshold is not None:
        # A total is hidden only when it is itself small (it is the sum of its column).
        return Profile(
            year, suppress_count(children, threshold), suppress_count(school_age, threshold), rows
        )
    return Profile(year, children, school_age, rows)


def area_shares(
    baselines: Mapping[str, float], fsm_baseline: float | None, send_baseline: float | None
) -> dict[str, float | None]:
    """The area's shares the profile is set against, from the goals file and the schools."""
    return {**baselines, "fsm": fsm_baseline, "send": send_baseline}


def _area_share(dimension: str, group: str, area: Mapping[str, float | None]) -> float | None:
    if dimension == "Ethnicity":
        return area.get(ETHNICITY_BASELINES[group])
    if dimension == "Sex":
        female = area.get(SEX_BASELINE)
        if female is None:
            return None
        return female if group == "Girls" else 1 - female
    if dimension == "Free school meals":
        fsm = area.get("fsm")
        return None if fsm is None else fsm if group == "Eligible" else 1 - fsm
    if dimension == "SEND" and group == "No SEND":
        send = area.get("send_share", area.get("send"))
        return None if send is None else 1 - send
    if dimension == "SEND" and group in SEND_BASELINES:
        return area.get(SEND_BASELINES[group])  # the DfE's SEN table gives SEND by level
    return None  # the schools list gives SEND as one share, not by level


def _ethnicity_case() -> str:
    whens = " ".join(
        f"WHEN ethnicity IN {sql_list(codes)} THEN '{NOT_KNOWN if group == 'Not known' else group}'"
        for group, codes in ETHNICITY_GROUPS.items()
    )
    return f"CASE {whens} ELSE '{NOT_RECORDED}' END"


def _counts(
    con: Any, filters: Filters, lo: date, hi: date
) -> tuple[dict[tuple[str, str], int], int, int]:
    where, params = scope_where(filters, lo, hi, "p")
    school_age = f"p.age_band IN {sql_list(SCHOOL_AGE_BANDS)}"
    sql = f"""
        WITH child AS (
            SELECT p.participant_ref,
                   bool_or({school_age}) AS school_age,
                   arg_max(p.sex, p.start_date) FILTER (WHERE p.sex IS NOT NULL) AS sex,
                   arg_max(p.fsm, p.start_date) FILTER (WHERE p.fsm IS NOT NULL) AS fsm,
                   arg_max(p.send, p.start_date) FILTER (WHERE p.send IS NOT NULL) AS send,
                   arg_max(p.ethnicity, p.start_date)
                       FILTER (WHERE p.ethnicity IS NOT NULL) AS ethnicity
            {RECORDS_OF_ACTIVITIES}
            WHERE {where}
            GROUP BY p.participant_ref
        )
        SELECT 'Ethnicity', {_ethnicity_case()}, count(*) FROM child GROUP BY 2
        UNION ALL
        SELECT 'Sex', CASE sex WHEN 'F' THEN 'Girls' WHEN 'M' THEN 'Boys'
                      WHEN 'U' THEN 'Other or not known' ELSE '{NOT_RECORDED}' END,
               count(*) FROM child GROUP BY 2
        UNION ALL
        SELECT 'Free school meals', CASE WHEN fsm THEN 'Eligible' WHEN NOT fsm
                      THEN 'Not eligible' ELSE '{NOT_RECORDED}' END,
               count(*) FROM child WHERE school_age GROUP BY 2
        UNION ALL
        SELECT 'SEND', CASE send WHEN 'K' THEN 'SEN support' WHEN 'E' THEN 'EHCP'
                      WHEN 'Y' THEN 'SEND, level not given' WHEN 'N' THEN 'No SEND'
                      ELSE '{NOT_RECORDED}' END,
               count(*) FROM child WHERE school_age GROUP BY 2
        UNION ALL
        SELECT 'all', 'children', count(*) FROM child
        UNION ALL
        SELECT 'all', 'school_age', count(*) FROM child WHERE school_age
    """  # noqa: S608 - safe: fixed SQL and the contract's constants; values are parameters
    with con.cursor() as cur:
        rows = cur.execute(sql, params).fetchall()
    counts = {(d, g): int(n) for d, g, n in rows}
    return counts, counts.get(("all", "children"), 0), counts.get(("all", "school_age"), 0)
