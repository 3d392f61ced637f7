"""The core of the demo generator: its year, ids and dates, and adding one checked activity row."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from hubmetrics.contract import ACTIVITY_TYPES, AGE_BANDS, GENRES, LEVELS
from hubmetrics.demo.dates import (
    CURRENT_SPRING_LAST_START,
    CURRENT_YEAR,
    YEARS,
    next_weekday,
    term_dates,
    term_of,
    weekday_on_or_after,
)
from hubmetrics.demo.draws import binom
from hubmetrics.demo.partners import BREAKDOWNS, LEAD_PARTNER, Partner
from hubmetrics.demo.places import DISTRICTS, PLACE_BY_NAME, random_postcode
from hubmetrics.demo.schools import School

NOT_FOR_ADULTS = ("continuing_from_wcet", "fsm", "send", "ehcp", "lac", "eal", "young_carer")


# How far children on free school meals and with SEND take part, by activity type, relative
# to their share of the school's pupils (whole-class work reaches everyone; paid tuition not).
_TYPE_REACH: dict[str, tuple[float, float]] = {
    "wcet": (1.0, 1.0),
    "tuition_individual": (0.45, 0.4),
    "tuition_small_group": (0.5, 0.45),
    "tuition_large_group": (0.6, 0.55),
    "ensemble": (0.55, 0.5),
    "choir": (0.8, 0.7),
    "singing": (1.0, 1.0),
    "early_years": (1.0, 1.0),
    "creative": (0.95, 0.95),
    "workshop": (0.95, 0.95),
    "performance": (0.85, 0.8),
    "cpd": (1.0, 1.0),
    "other": (0.9, 0.9),
}


@dataclass
class Year:
    index: int
    year: int
    engaged: list[School] = field(default_factory=list)
    engaged_urns: set[int] = field(default_factory=set)
    touched: set[int] = field(default_factory=set)

    @property
    def code(self) -> str:
        return f"{self.year % 100:02d}{(self.year + 1) % 100:02d}"

    @property
    def growth(self) -> float:
        return 1.0 + 0.04 * self.index

    @property
    def current(self) -> bool:
        return self.year == CURRENT_YEAR


Row = dict[str, object]


class Mix(TypedDict, total=False):
    """How a group's children differ from its school's or area's (see `Generator.add`)."""

    female_share: float
    new_share: float
    fsm_factor: float
    send_factor: float
    gm_factor: float
    lac_rate: float


class Generator:
    """The generator's core: the year being made, ids, dates and checked rows, from one random
    stream; the partners' programmes build on it (`hubmetrics.demo.programmes`)."""

    def __init__(self, rng: random.Random, schools: list[School], partners: list[Partner]):
        self.rng = rng
        self.schools = schools
        self.state = [s for s in schools if s.state_funded]
        self.partners = {p.partner_id: p for p in partners}
        self.rows: dict[str, list[Row]] = {p.partner_id: [] for p in partners}
        self.keys: set[tuple[str, str, dt.date]] = set()
        self.counters: dict[tuple[str, str, int], int] = {}
        self.venues: dict[str, tuple[str, str]] = {}
        self.hosts: dict[str, School] = {}
        self.y = Year(0, YEARS[0])

    def venue(self, label: str, place_name: str) -> tuple[str, str]:
        """A stable (postcode, district) for a named community venue."""
        if label not in self.venues:
            place = PLACE_BY_NAME[place_name]
            self.venues[label] = (random_postcode(self.rng, place.outcodes[0]), place.district)
        return self.venues[label]

    def next_id(self, partner_id: str, prefix: str, width: int = 4) -> str:
        key = (partner_id, prefix, self.y.year)
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{prefix}-{self.y.code}-{self.counters[key]:0{width}d}"

    def start(self, term: str, within: int = 14, weekday: int | None = None) -> dt.date:
        first, last = term_dates(self.y.year, term)
        if self.y.current and term == "spring":
            last = CURRENT_SPRING_LAST_START
        day = first + dt.timedelta(days=self.rng.randint(0, within))
        day = next_weekday(day, weekday) if weekday is not None else weekday_on_or_after(day)
        return min(day, last)

    def year_end(self) -> dt.date:
        return term_dates(self.y.year, "summer")[1]

    def term_end(self, term: str) -> dt.date:
        return term_dates(self.y.year, term)[1]

    def year_term(self, autumn: float = 0.78, spring: float = 0.17) -> str:
        draw = self.rng.random()
        return "autumn" if draw < autumn else "spring" if draw < autumn + spring else "summer"

    def sessions(self, start: dt.date, end: dt.date, per_week: float = 1.0) -> int:
        weeks = (end - start).days // 7 + 1
        return max(1, round(weeks * 0.72 * per_week) - self.rng.randint(0, 2))

    def add(
        self,
        partner_id: str,
        activity_id: str,
        name: str,
        activity_type: str,
        genre: str | None,
        level: str | None,
        start: dt.date,
        end: dt.date | None,
        age_band: str,
        participants: int,
        *,
        school: School | None = None,
        place: str | None = None,
        venue: str | None = None,
        sessions: int | None = None,
        hours: float | None = None,
        female_share: float = 0.52,
        new_share: float = 0.3,
        continuing: int | None = None,
        fsm_factor: float = 1.0,
        send_factor: float = 1.0,
        gm_factor: float = 1.0,
        lac_rate: float = 0.006,
    ) -> bool:
        """Add one activity row; False when it would not be in the returns received so far."""
        partner = self.partners[partner_id]
        if self.y.index < partner.first_year:
            return False
        term = term_of(start)
        if self.y.current and (term == "summer" or (term == "spring" and partner.late_spring)):
            return False
        rng = self.rng
        n = max(0, participants)
        if school is not None:
            district = school.district
            fsm_rate = (school.fsm if school.fsm is not None else district.fsm) / 100
            send_rate = (school.send if school.send is not None else 14.0) / 100
            special = school.phase == "special"
            postcode = None
        else:
            assert place is not None and venue is not None
            postcode, district_name = self.venue(venue, place)
            district = DISTRICTS[district_name]
            fsm_rate, send_rate, special = district.fsm / 100, 0.14, False
        type_fsm, type_send = _TYPE_REACH[activity_type]
        advanced = 0.6 if level == "advanced" else 1.0
        fsm_p = fsm_rate * type_fsm * district.under * fsm_factor * advanced
        send_p = send_rate * type_send * district.under * send_factor * advanced
        female = binom(rng, n, female_share)
        unknown_sex = binom(rng, n, 0.01) if n >= 10 else 0
        send = n if special else binom(rng, n, send_p)
        tuition = activity_type.startswith("tuition")
        counts: dict[str, int | None] = {
            "new_participants": binom(rng, n, new_share),
            "continuing_from_wcet": continuing,
            "female": female,
            "male": max(0, n - female - unknown_sex),
            "fsm": binom(rng, n, fsm_p),
            "send": send,
            "ehcp": binom(rng, send, 0.85 if special else 0.18),
            "lac": binom(rng, n, lac_rate),
            "eal": binom(rng, n, district.eal * (0.8 if tuition else 1.0)),
            "global_majority": binom(rng, n, district.global_majority * gm_factor),
            "young_carer": binom(rng, n, 0.012),
        }
        for column in BREAKDOWNS:
            recorded = column in partner.records and counts[column] is not None
            if age_band == "adult" and column in NOT_FOR_ADULTS:
                recorded = False
            if partner_id == LEAD_PARTNER and column == "young_carer":
                recorded = recorded and rng.random() < 0.35
            if partner_id == LEAD_PARTNER and column == "global_majority":
                recorded = recorded and rng.random() < 0.8
            if recorded and column != "continuing_from_wcet" and rng.random() < partner.blank_rate:
                recorded = False
            if not recorded:
                counts[column] = None
        if counts["send"] is None:
            counts["ehcp"] = None
        if genre is not None and rng.random() < 0.02:
            genre = None  # not recorded
        row: Row = {
            "partner_id": partner_id,
            "activity_id": activity_id,
            "activity_name": name,
            "activity_type": activity_type,
            "genre": genre,
            "level": level,
            "start_date": start,
            "end_date": end,
            "school_urn": school.urn if school is not None else None,
            "venue_postcode": postcode,
            "age_band": age_band,
            "participants": n,
            **counts,
            "sessions": sessions,
            "contact_hours": None if sessions is None or hours is None else sessions * hours,
        }
        _check_row(row)
        key = (partner_id, activity_id, start)
        assert key not in self.keys, key
        self.keys.add(key)
        self.rows[partner_id].append(row)
        if school is not None:
            self.y.touched.add(school.urn)
        return True

    def engaged(self, *, phases: Sequence[str] = (), districts: Sequence[str] = ()) -> list[School]:
        return [
            s
            for s in self.y.engaged
            if (not phases or s.phase in phases)
            and (not districts or s.place.district in districts)
        ]

    def choose_engaged(self) -> None:
        forced = {s.urn for s in self.hosts.values()}
        for school in self.state:
            chance = min(0.97, 0.86 * school.reach + 0.01 * self.y.index)
            score = 0.85 * school.latent + 0.15 * self.rng.random()
            if score < chance or school.urn in forced:
                self.y.engaged.append(school)
                self.y.engaged_urns.add(school.urn)

    def habit(self, school: School, what: str, chance: float) -> bool:
        """Whether a school has this kind of work this year: mostly the same as last year."""
        fixed = school.habits.setdefault(what, self.rng.random())
        return 0.85 * fixed + 0.15 * self.rng.random() < chance


def start_of(row: Row) -> dt.date:
    """A row's start date."""
    start = row["start_date"]
    assert isinstance(start, dt.date)
    return start


def _check_row(row: Row) -> None:
    """The contract's rules, so that the demo never carries an error by accident."""
    assert row["activity_type"] in ACTIVITY_TYPES, row
    assert row["genre"] is None or row["genre"] in GENRES, row
    assert row["level"] is None or row["level"] in LEVELS, row
    assert row["age_band"] in AGE_BANDS, row
    n = row["participants"]
    assert isinstance(n, int) and n >= 0
    counts: dict[str, int] = {}
    for column in BREAKDOWNS:
        value = row[column]
        assert value is None or (isinstance(value, int) and 0 <= value <= n), (column, row)
        if isinstance(value, int):
            counts[column] = value
    if "female" in counts and "male" in counts:
        assert counts["female"] + counts["male"] <= n, row
    if "ehcp" in counts:
        assert counts["ehcp"] <= counts.get("send", n), row
    end = row["end_date"]
    assert end is None or (isinstance(end, dt.date) and end >= start_of(row)), row
