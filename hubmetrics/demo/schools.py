"""The demo's made-up schools and settings: their names, sizes and figures, and their CSV cells."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from hubmetrics.contract import PHASES
from hubmetrics.demo.draws import clamp, pick
from hubmetrics.demo.places import (
    DISTRICTS,
    INDEPENDENT,
    NAME_WORDS,
    OTHER_SETTINGS,
    PLACE_BY_NAME,
    PLACES,
    RUTLAND,
    SOUTH_NORTHAMPTONSHIRE,
    District,
    Place,
    random_postcode,
)

_PRIMARY_SUFFIX_TOWN = (
    ("Primary School", 35),
    ("Primary Academy", 25),
    ("Church of England Primary School", 10),
    ("Catholic Primary School", 7),
    ("Community Primary School", 7),
    ("Infant School", 8),
    ("Junior School", 8),
)
_PRIMARY_SUFFIX_VILLAGE = (
    ("Church of England Primary School", 45),
    ("Primary School", 35),
    ("Church of England Academy", 10),
    ("Primary Academy", 10),
)
_SECONDARY_SUFFIX = (
    ("Academy", 35),
    ("School", 20),
    ("Community College", 15),
    ("High School", 15),
    ("Church of England Academy", 8),
    ("Catholic Academy", 7),
)
_OTHER_SUFFIX = {
    "nursery": "Nursery School",
    "special": "Special School",
    "alternative_provision": "Learning Centre",
    "post16": "Sixth Form College",
    "middle": "Middle School",
    "all_through": "All-Through Academy",
}
_INDEPENDENT_SUFFIX = {
    "primary": "Preparatory School",
    "secondary": "College",
    "all_through": "House School",
    "special": "Independent Specialist School",
}


@dataclass
class School:
    urn: int
    name: str
    phase: str
    place: Place
    postcode: str
    lat: float | None
    lon: float | None
    pupils: int | None
    fsm: float | None
    send: float | None
    imd: int | None
    rural: bool
    state_funded: bool
    reach: float = 0.0  # chance the school takes part in a year
    latent: float = 0.0  # fixed per school: some schools are reliably involved, some never
    habits: dict[str, float] = field(default_factory=dict)  # the same, for each kind of work

    @property
    def district(self) -> District:
        return DISTRICTS[self.place.district]

    @property
    def infant(self) -> bool:
        return self.name.endswith("Infant School")

    @property
    def junior(self) -> bool:
        return self.name.endswith("Junior School")


_FSM_PHASE = {
    "nursery": 0.85,
    "primary": 1.0,
    "middle": 0.9,
    "secondary": 0.88,
    "all_through": 1.0,
    "special": 1.7,
    "alternative_provision": 2.1,
    "post16": 0.75,
}
_SEND_RANGE = {
    "nursery": (7.0, 14.0),
    "primary": (11.0, 19.5),
    "middle": (11.0, 17.0),
    "secondary": (10.5, 17.0),
    "all_through": (11.0, 17.0),
    "special": (100.0, 100.0),
    "alternative_provision": (45.0, 75.0),
    "post16": (9.0, 14.0),
}
_REACH_PHASE = {
    "nursery": 0.55,
    "primary": 1.0,
    "middle": 1.0,
    "secondary": 1.2,
    "all_through": 1.2,
    "special": 0.95,
    "alternative_provision": 0.75,
    "post16": 0.8,
}


def _pupils(rng: random.Random, phase: str, place: Place) -> int:
    if phase == "primary":
        if place.rural:
            return round(rng.triangular(40, 230, 110))
        forms = rng.choice((1.0, 1.5, 2.0, 2.0, 2.0, 3.0))
        return round(forms * 210 * rng.uniform(0.86, 1.04))
    if phase == "secondary":
        return rng.randint(750, 1350) if place.rural else rng.randint(950, 1750)
    low, high = {
        "nursery": (50, 110),
        "middle": (350, 560),
        "all_through": (1400, 2000),
        "special": (80, 260),
        "alternative_provision": (25, 70),
        "post16": (350, 900),
    }[phase]
    return rng.randint(low, high)


def _make_school(
    rng: random.Random, urn: int, name: str, phase: str, place: Place, state_funded: bool
) -> School:
    district = DISTRICTS[place.district]
    spread = 0.006 if place.rural else 0.012
    lat = round(clamp(rng.gauss(place.lat, spread), 52.0, 52.75), 5)
    lon = round(clamp(rng.gauss(place.lon, spread * 1.6), -1.35, -0.45), 5)
    pupils = _pupils(rng, phase, place)
    if name.endswith("Infant School"):
        pupils = round(pupils * 3 / 7)
    elif name.endswith("Junior School"):
        pupils = round(pupils * 4 / 7)
    fsm = district.fsm * (0.6 if place.rural else 1.0) * _FSM_PHASE[phase]
    fsm = round(clamp(fsm * math.exp(rng.gauss(0, 0.3)), 1.5, 65.0), 1)
    send = round(rng.uniform(*_SEND_RANGE[phase]), 1)
    imd = round(clamp(10.5 - fsm * 0.27 + rng.gauss(0, 1.0), 1, 10))
    reach = district.reach * _REACH_PHASE[phase]
    if place.rural:
        reach *= 0.8 if place.district in (SOUTH_NORTHAMPTONSHIRE, RUTLAND) else 0.9
    return School(
        urn=urn,
        name=name,
        phase=phase,
        place=place,
        postcode=random_postcode(rng, rng.choice(place.outcodes)),
        lat=lat,
        lon=lon,
        pupils=pupils,
        fsm=fsm,
        send=send,
        imd=imd,
        rural=place.rural,
        state_funded=state_funded,
        reach=min(reach, 0.97),
        latent=rng.random(),
    )


def make_schools(rng: random.Random) -> list[School]:
    urns = iter(rng.sample(range(900_000, 990_000), 400))
    pools: dict[str, list[str]] = {}

    def name(place: Place, suffix: str) -> str:
        pool = pools.setdefault(place.name, rng.sample(NAME_WORDS, len(NAME_WORDS)))
        return f"{place.name} {pool.pop()} {suffix}"

    schools: list[School] = []
    for place in PLACES:
        for _ in range(place.primaries):
            weights = _PRIMARY_SUFFIX_VILLAGE if place.rural else _PRIMARY_SUFFIX_TOWN
            title = name(place, pick(rng, weights))
            schools.append(_make_school(rng, next(urns), title, "primary", place, True))
        for _ in range(place.secondaries):
            title = name(place, pick(rng, _SECONDARY_SUFFIX))
            schools.append(_make_school(rng, next(urns), title, "secondary", place, True))
    for place_name, phase in OTHER_SETTINGS:
        place = PLACE_BY_NAME[place_name]
        title = name(place, _OTHER_SUFFIX[phase])
        schools.append(_make_school(rng, next(urns), title, phase, place, True))
    for place_name, phase, low, high in INDEPENDENT:
        place = PLACE_BY_NAME[place_name]
        school = _make_school(
            rng, next(urns), name(place, _INDEPENDENT_SUFFIX[phase]), phase, place, False
        )
        school.pupils = rng.randint(low, high)
        school.fsm = None  # independent schools publish no FSM figure
        school.imd = min(10, (school.imd or 5) + 2)
        school.reach = 0.0
        schools.append(school)
    # A few cells not recorded, as in any real list.
    state = [s for s in schools if s.state_funded]
    independent = [s for s in schools if not s.state_funded]
    for school in rng.sample([s for s in state if s.phase == "primary"], 2):
        school.fsm = None  # a new academy with no census return yet
    next(s for s in state if s.phase == "post16").fsm = None
    for school in rng.sample(state, 3):
        school.imd = None
    rng.choice([s for s in state if s.phase == "primary"]).send = None
    for school in rng.sample(independent, 4):
        school.send = None
    independent[-1].lat = independent[-1].lon = None
    for phase in PHASES:
        assert any(s.phase == phase for s in schools), phase
    schools.sort(key=lambda s: s.urn)
    return schools


def school_cells(school: School) -> list[str]:
    def num(value: float | None, places: int) -> str:
        return "" if value is None else f"{value:.{places}f}"

    return [
        str(school.urn),
        school.name,
        school.phase,
        school.district.la,
        school.place.district,
        school.postcode,
        num(school.lat, 5),
        num(school.lon, 5),
        "" if school.pupils is None else str(school.pupils),
        num(school.fsm, 1),
        num(school.send, 1),
        "" if school.imd is None else str(school.imd),
        "yes" if school.rural else "no",
        "yes" if school.state_funded else "no",
    ]
