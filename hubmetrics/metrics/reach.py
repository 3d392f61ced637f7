"""Reach by school (the map, the cold spots) and by partner (contributions, returns due)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, NamedTuple

from hubmetrics import store
from hubmetrics.contract import ACTIVITY_TYPES, AGE_BANDS, SCHOOLS
from hubmetrics.metrics.breakdown import (
    compute_metrics_by,
    figures_by_listed_school,
    metrics_by_groups,
)
from hubmetrics.metrics.compute import MetricValue, cold_spot_school_list
from hubmetrics.metrics.filters import Filters, schools_where
from hubmetrics.metrics.years import year_label, year_of

TERMS = ("autumn", "spring", "summer")
ReturnStatus = Literal["received", "missing", "not_expected"]


class SchoolReach(NamedTuple):
    """One school of the current schools list and what reached it in the selection (a
    named tuple: 20,000 are made for a national page, and a tuple is made fastest).

    `participations` and `activities` are the engine's `participations` and row count for
    the activities in scope at this school. `engaged` says it had at least one activity in
    scope (even one with 0 participants); a state-funded school that is not engaged is a
    cold spot. Independent schools are listed (they appear on the map) but never count
    toward coverage.
    """

    urn: int
    name: str
    phase: str
    local_authority: str
    district: str | None
    postcode: str | None
    latitude: float | None
    longitude: float | None
    pupils: int | None
    fsm_percent: float | None
    state_funded: bool
    participations: int
    activities: int
    engaged: bool
    # Distinct children with a participant record here in scope; None where the hub has no
    # records in the selection (then only participations are known).
    children: int | None = None

    @property
    def cold_spot(self) -> bool:
        """A state-funded school with no activity in scope."""
        return self.state_funded and not self.engaged


@dataclass(frozen=True, order=True)
class Term:
    """One term of an academic year: autumn (Sep–Dec), spring (Jan–Mar), summer (Apr–Aug)."""

    start_year: int
    number: int  # 0 autumn, 1 spring, 2 summer

    @property
    def name(self) -> str:
        return TERMS[self.number]

    @property
    def academic_year(self) -> str:
        return year_label(self.start_year)

    @property
    def label(self) -> str:
        """`spring 2025/26`."""
        return f"{self.name} {self.academic_year}"

    def shift(self, terms: int) -> Term:
        """The term `terms` later (or earlier, when negative)."""
        index = self.start_year * 3 + self.number + terms
        return Term(index // 3, index % 3)


def term_of(day: date) -> Term:
    """The term containing `day`."""
    number = 0 if day.month >= 9 else (1 if day.month <= 3 else 2)
    return Term(year_of(day), number)


@dataclass(frozen=True)
class PartnerContribution:
    """One partner's part in the selection, and whether its returns are in.

    The figures (participations, activities, schools_reached, children, by_activity_type,
    by_age_band) are the engine's — participations, its row count, schools_engaged,
    unique_cyp and participations_by_age_band — for this partner within the year and the
    other filters.
    The return fields do not depend on the year or filters chosen: they are about the
    partner's returns as at the as-at date (see `partner_contributions`).
    """

    partner_id: str
    name: str
    partner_type: str | None
    participations: int
    activities: int
    schools_reached: int
    children: int | None  # individual children in its participant records (None: no records)
    by_activity_type: dict[str, int]
    by_age_band: dict[str, int]
    last_return: datetime | None
    last_term_returned: str | None
    current_term: str
    return_status: ReturnStatus
    outstanding_terms: tuple[str, ...]


# --- schools -----------------------------------------------------------------------------


# The schools list's columns a SchoolReach holds, in the order of its first fields.
_LISTED = tuple(c for c in SCHOOLS.column_names if c not in ("send_percent", "imd_decile", "rural"))


def school_reach(con: Any, year: str, filters: Filters | None = None) -> list[SchoolReach]:
    """Every school of the current list (of the local authority, when filtered), by name.

    Participations and engagement are for the activities in scope: the year and every
    filter. Partner and age-band filters do not change which schools are listed (as they
    do not change state_schools).
    """
    schools = figures_by_listed_school(
        con, year, filters, _LISTED, ("participations", "unique_participants")
    )
    # Each row: the list's columns, then the activity rows, participations and children.
    return [
        _school(row[:-3], activities=row[-3], participations=row[-2], children=row[-1])
        for row in schools
    ]


def _listed_schools(con: Any, filters: Filters) -> list[tuple[Any, ...]]:
    """The schools list's rows (of the local authority, when filtered), by name."""
    where, params = schools_where(filters, "s")
    sql = f"SELECT {', '.join(_LISTED)} FROM schools s WHERE {where} ORDER BY name, urn"  # noqa: S608 - safe: fixed columns and clause; the value is a parameter
    with con.cursor() as cur:
        return cur.execute(sql, params).fetchall()


def _school(
    row: tuple[Any, ...], *, participations: int, activities: int, children: int | None
) -> SchoolReach:
    urn, name, phase, la, district, postcode, lat, lon, pupils, fsm, state = row  # `_LISTED`
    return SchoolReach(
        urn, name, phase, la, district, postcode, lat, lon, pupils, fsm, bool(state),
        participations, activities, activities > 0, children,
    )  # fmt: skip


# A map of more schools than this shows each district instead (a county hub has a few
# hundred schools; all of England about 20,000, which no one can read as points, and which
# make a page slow to build and to send).
SCHOOL_MAP_LIMIT = 2500
# Likewise a chart of participations by partner draws the largest this many partners (a
# county hub has a dozen or two; the country several hundred); the table lists every one.
PARTNER_CHART_LIMIT = 40


@dataclass(frozen=True)
class DistrictReach:
    """The schools of one district (None: no district recorded) and what reached them: for a
    map of more schools than can be drawn one by one. `longitude` and `latitude` are the
    middle of its schools that have a location (None when none has)."""

    district: str | None
    longitude: float | None
    latitude: float | None
    state_schools: int
    engaged: int
    cold_spots: int
    participations: int

    @property
    def coverage(self) -> float | None:
        """Engaged state-funded schools over state-funded schools (None with none)."""
        return self.engaged / self.state_schools if self.state_schools else None


def district_reach(schools: Sequence[SchoolReach]) -> list[DistrictReach]:
    """`schools` (from `school_reach`) added up by district, districts by name, None last."""
    groups: dict[str | None, list[SchoolReach]] = {}
    for s in schools:
        groups.setdefault(s.district, []).append(s)
    out = []
    for district in sorted(groups, key=lambda d: (d is None, d or "")):
        members = groups[district]
        placed = [s for s in members if s.longitude is not None and s.latitude is not None]
        out.append(
            DistrictReach(
                district=district,
                longitude=sum(s.longitude or 0.0 for s in placed) / len(placed) if placed else None,
                latitude=sum(s.latitude or 0.0 for s in placed) / len(placed) if placed else None,
                state_schools=sum(1 for s in members if s.state_funded),
                engaged=sum(1 for s in members if s.state_funded and s.engaged),
                cold_spots=sum(1 for s in members if s.cold_spot),
                participations=sum(s.participations for s in members),
            )
        )
    return out


def cold_spots(con: Any, year: str, filters: Filters | None = None) -> list[SchoolReach]:
    """The engine's cold-spot list (`cold_spot_school_list`) with each school's full details.

    A cold spot had no activity in scope, so no participations and no children: only the
    schools list is read for its details (not every school's figures, seconds nationally).
    """
    urns = {s.urn for s in cold_spot_school_list(con, year, filters)}
    return [
        _school(row, participations=0, activities=0, children=None)
        for row in _listed_schools(con, filters or Filters())
        if row[0] in urns
    ]


def search_schools(schools: Sequence[SchoolReach], text: str) -> list[SchoolReach]:
    """The schools matching every word of `text` in name, district, postcode or URN.

    Case is ignored, and so are spaces inside a postcode (`nn171aa` finds `NN17 1AA`).
    Empty text matches every school.
    """
    words = text.casefold().split()
    if not words:
        return list(schools)
    squashed = "".join(words)

    def matches(s: SchoolReach) -> bool:
        fields = [s.name, s.district or "", s.postcode or "", str(s.urn)]
        haystack = " ".join(fields).casefold()
        postcode = (s.postcode or "").replace(" ", "").casefold()
        if postcode and squashed in postcode:
            return True
        return all(word in haystack for word in words)

    return [s for s in schools if matches(s)]


# --- partners ----------------------------------------------------------------------------


# The engine's metrics a partner's row shows.
PARTNER_FIGURES = ("participations", "participations_by_age_band", "schools_engaged", "unique_cyp")


def partner_contributions(
    con: Any, year: str, filters: Filters | None = None, *, as_of: date | None = None
) -> list[PartnerContribution]:
    """Each partner's contribution to the selection and the state of its returns, by name.

    Every partner in the partners list is listed (only the chosen one under a partner
    filter), with 0 where it has nothing in scope.

    Returns, as at `as_of` (default `store.as_of(con)`), whatever the year and filters:

    - A partner's return for a term has *arrived* when at least one of its current activity
      rows starts in that term (the app cannot tell a nil return from none, so a partner
      that ran nothing in a term shows no return for it).
    - The *current term* is the term containing the as-at date (autumn September–December,
      spring January–March, summer April–August).
    - A partner is *expected* to send a term's return when it had an activity starting in
      one of the three terms before that term (the year of terms before it). A partner that
      has run nothing for a year is not chased; a new partner is expected from its second
      term on.
    - Two returns are checked: the current term's and the last term that has ended (the
      term before it). `outstanding_terms` lists those of the two that were expected and
      have not arrived; `return_status` is *missing* when any has, else *received* when the
      current term's return has arrived, else *not expected*.
    - `last_return` is when the partner's latest loaded activities batch was sent (a batch
      uploaded for the partner, or one holding its current rows); `last_term_returned` is
      the latest term in which it has activity rows.
    """
    filters = filters or Filters()
    today = as_of or store.as_of(con)
    current = term_of(today)
    checked = (current.shift(-1), current)
    by_partner = compute_metrics_by(con, year, filters, "partner_id", keys=PARTNER_FIGURES)
    by_type = metrics_by_groups(
        con, year, filters, ("partner_id", "activity_type"), keys=("participations",)
    )
    with con.cursor() as cur:
        names = {
            r[0]: (r[1], r[2])
            for r in cur.execute("SELECT partner_id, name, partner_type FROM partners").fetchall()
        }
        terms = _terms_with_rows(cur, current)
        last_sent = _last_returns(cur)
    # Each partner's participations by activity type, found once (645 partners nationally:
    # looking through every partner's types for each partner took a third of the page).
    type_counts: dict[str | None, dict[str, int]] = {}
    for (pid, activity_type), figures in by_type.items():
        type_counts.setdefault(pid, {})[str(activity_type)] = _count(figures["participations"])
    out = []
    for partner_id, values in by_partner.items():
        if partner_id is None:  # pragma: no cover - every activity has a partner
            continue
        types = {t: 0 for t in ACTIVITY_TYPES} | type_counts.get(partner_id, {})
        bands = values["participations_by_age_band"].value
        assert isinstance(bands, dict)
        sent = terms.get(partner_id, set())
        outstanding = tuple(t.label for t in checked if t not in sent and _expected(sent, t))
        if outstanding:
            status: ReturnStatus = "missing"
        else:
            status = "received" if current in sent else "not_expected"
        past = [t for t in sent if t <= current]
        name, partner_type = names.get(partner_id, (partner_id, None))
        out.append(
            PartnerContribution(
                partner_id=partner_id,
                name=name,
                partner_type=partner_type,
                participations=_count(values["participations"]),
                activities=int(values["participations"].rows or 0),
                schools_reached=_count(values["schools_engaged"]),
                children=_children(values["unique_cyp"]),
                by_activity_type=types,
                by_age_band={b: int(bands.get(b, 0)) for b in AGE_BANDS},
                last_return=last_sent.get(partner_id),
                last_term_returned=max(past).label if past else None,
                current_term=current.label,
                return_status=status,
                outstanding_terms=outstanding,
            )
        )
    return sorted(out, key=lambda p: (p.name.casefold(), p.partner_id))


def _count(value: MetricValue) -> int:
    """A count metric's value as an int."""
    number = value.value
    assert isinstance(number, int), (value.key, number)
    return number


def _children(value: MetricValue) -> int | None:
    """A count of individual children, or None where there are no participant records."""
    return None if value.value is None else _count(value)


def _expected(sent: set[Term], term: Term) -> bool:
    """Expected to return for `term`: an activity in one of the three terms before it."""
    return any(term.shift(-k) in sent for k in (1, 2, 3))


def _terms_with_rows(cur: Any, current: Term) -> dict[str, set[Term]]:
    """The terms in which each partner has current activity rows, among those the returns
    are judged on: the four terms before `current` and `current` itself, and the latest
    up to `current` (a partner's whole history nationally is thousands of terms to make)."""
    index = current.start_year * 3 + current.number
    number = " ".join(f"WHEN '{name}' THEN {i}" for i, name in enumerate(TERMS))  # constants
    rows = cur.execute(
        f"""
        WITH t AS (
            SELECT DISTINCT partner_id,
                   (year(start_date) - CASE WHEN month(start_date) < 9 THEN 1 ELSE 0 END) * 3
                   + CASE term {number} END AS idx
            FROM activities
        )
        SELECT partner_id, idx FROM t WHERE idx BETWEEN ? - 4 AND ?
        UNION
        SELECT partner_id, max(idx) FROM t WHERE idx <= ? GROUP BY partner_id
        """,  # noqa: S608 - safe: the term names are constants; values are parameters
        [index, index, index],
    ).fetchall()
    out: dict[str, set[Term]] = {}
    for partner_id, idx in rows:
        out.setdefault(partner_id, set()).add(Term(int(idx) // 3, int(idx) % 3))
    return out


def _last_returns(cur: Any) -> dict[str, datetime]:
    """When each partner's latest loaded activities batch was sent."""
    rows = cur.execute(
        """
        WITH sent AS (
            SELECT partner_id, batch_id FROM batches WHERE partner_id IS NOT NULL
            UNION
            SELECT DISTINCT partner_id, batch_id FROM activities
        )
        SELECT s.partner_id, max(b.submitted_at)
        FROM sent s JOIN batches b USING (batch_id)
        WHERE b.kind = 'activities' AND b.status = 'loaded'
        GROUP BY s.partner_id
        """
    ).fetchall()
    return {r[0]: r[1] for r in rows}
