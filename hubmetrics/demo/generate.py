"""A realistic, synthetic demo dataset for the hub, written as ordinary CSV files."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypedDict, Unpack

from hubmetrics.config import DEMO_DIR, TEMPLATES_DIR
from hubmetrics.contract import (
    ACTIVITIES,
    ACTIVITY_TYPES,
    AGE_BANDS,
    GENRES,
    KINDS,
    LEVELS,
    PARTICIPANTS,
    PARTNER_TYPES,
    PARTNERS,
    PHASES,
    SCHOOLS,
)
from hubmetrics.demo import participants as demo_participants

SYNTHETIC_NOTE = "Synthetic demo data — no real children, schools' figures invented"
MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("file_name", "kind", "partner_id", "submitted_by", "received_on", "note")
HUB_STAFF = "data@nmpat.example"
LEAD_PARTNER = "NMPAT"

YEARS = (2023, 2024, 2025)  # first calendar year of each academic year in the demo
TERMS = ("autumn", "spring", "summer")
# The demo's "today": the current year has its autumn and (mostly) spring returns.
CURRENT_YEAR = 2025
CURRENT_SPRING_LAST_START = dt.date(2026, 2, 20)
CURRENT_SPRING_RECEIVED = (dt.date(2026, 2, 23), dt.date(2026, 3, 6))

BREAKDOWNS = (
    "new_participants",
    "continuing_from_wcet",
    "female",
    "male",
    "fsm",
    "send",
    "ehcp",
    "lac",
    "eal",
    "global_majority",
    "young_carer",
)
NOT_FOR_ADULTS = ("continuing_from_wcet", "fsm", "send", "ehcp", "lac", "eal", "young_carer")


@dataclass(frozen=True)
class DemoFile:
    """One demo file and how it would have arrived at the hub."""

    file_name: str
    kind: str
    partner_id: str | None
    submitted_by: str
    received_on: dt.date


# --------------------------------------------------------------------------------------------
# Places


@dataclass(frozen=True)
class _District:
    la: str
    fsm: float  # a typical town school's FSM percentage
    eal: float
    global_majority: float
    reach: float  # chance that a town school takes part in a year
    under: float  # how well FSM/SEND children are reached (1 = in proportion)


_NORTH = "North Northamptonshire"
_WEST = "West Northamptonshire"
_RUTLAND = "Rutland"

_DISTRICTS: dict[str, _District] = {
    "Corby": _District(_NORTH, 27.0, 0.16, 0.10, 0.88, 0.5),
    "East Northamptonshire": _District(_NORTH, 15.0, 0.06, 0.06, 0.84, 0.9),
    "Kettering": _District(_NORTH, 19.0, 0.12, 0.12, 0.86, 0.85),
    "Wellingborough": _District(_NORTH, 27.0, 0.15, 0.22, 0.86, 0.5),
    "Daventry": _District(_WEST, 12.0, 0.06, 0.07, 0.82, 0.9),
    "Northampton": _District(_WEST, 24.0, 0.22, 0.30, 0.88, 0.85),
    "South Northamptonshire": _District(_WEST, 8.0, 0.04, 0.06, 0.72, 1.0),
    "Rutland": _District(_RUTLAND, 10.0, 0.04, 0.05, 0.70, 1.0),
}


@dataclass(frozen=True)
class _Place:
    name: str
    district: str
    lat: float
    lon: float
    outcodes: tuple[str, ...]
    rural: bool
    primaries: int
    secondaries: int = 0


def _p(
    name: str,
    district: str,
    lat: float,
    lon: float,
    outcodes: str,
    rural: bool,
    primaries: int,
    secondaries: int = 0,
) -> _Place:
    return _Place(name, district, lat, lon, tuple(outcodes.split()), rural, primaries, secondaries)


_C, _EN, _K, _W = "Corby", "East Northamptonshire", "Kettering", "Wellingborough"
_D, _N, _SN, _R = "Daventry", "Northampton", "South Northamptonshire", "Rutland"

_PLACES: tuple[_Place, ...] = (
    _p("Corby", _C, 52.488, -0.701, "NN17 NN18", False, 16, 4),
    _p("Weldon", _C, 52.506, -0.637, "NN17", True, 1),
    _p("Gretton", _C, 52.541, -0.676, "NN17", True, 1),
    _p("Cottingham", _C, 52.503, -0.757, "LE16", True, 1),
    _p("Stanion", _C, 52.467, -0.646, "NN14", True, 1),
    _p("Kettering", _K, 52.398, -0.727, "NN15 NN16", False, 17, 3),
    _p("Desborough", _K, 52.441, -0.822, "NN14", False, 3, 1),
    _p("Rothwell", _K, 52.422, -0.802, "NN14", False, 3, 1),
    _p("Burton Latimer", _K, 52.364, -0.679, "NN15", False, 3),
    _p("Barton Seagrave", _K, 52.381, -0.699, "NN15", False, 2),
    _p("Broughton", _K, 52.373, -0.771, "NN14", True, 1),
    _p("Geddington", _K, 52.437, -0.684, "NN14", True, 1),
    _p("Mawsley", _K, 52.377, -0.808, "NN14", True, 1),
    _p("Rushton", _K, 52.442, -0.768, "NN14", True, 1),
    _p("Wellingborough", _W, 52.302, -0.694, "NN8", False, 16, 3),
    _p("Earls Barton", _W, 52.264, -0.752, "NN6", True, 2),
    _p("Finedon", _W, 52.339, -0.654, "NN9", True, 2),
    _p("Irchester", _W, 52.281, -0.648, "NN29", True, 1),
    _p("Wollaston", _W, 52.259, -0.672, "NN29", True, 1, 1),
    _p("Bozeat", _W, 52.222, -0.672, "NN29", True, 1),
    _p("Great Doddington", _W, 52.270, -0.713, "NN29", True, 1),
    _p("Rushden", _EN, 52.290, -0.600, "NN10", False, 8, 2),
    _p("Higham Ferrers", _EN, 52.306, -0.590, "NN10", False, 2),
    _p("Irthlingborough", _EN, 52.326, -0.612, "NN9", False, 3),
    _p("Raunds", _EN, 52.344, -0.539, "NN9", True, 3, 1),
    _p("Thrapston", _EN, 52.397, -0.537, "NN14", True, 2),
    _p("Oundle", _EN, 52.481, -0.469, "PE8", True, 2, 1),
    _p("King's Cliffe", _EN, 52.561, -0.516, "PE8", True, 1),
    _p("Brigstock", _EN, 52.457, -0.610, "NN14", True, 1),
    _p("Ringstead", _EN, 52.366, -0.553, "NN14", True, 1),
    _p("Woodford", _EN, 52.383, -0.580, "NN14", True, 1),
    _p("Nassington", _EN, 52.553, -0.455, "PE8", True, 1),
    _p("Stanwick", _EN, 52.330, -0.566, "NN9", True, 1),
    _p("Northampton", _N, 52.237, -0.895, "NN1", False, 5, 1),
    _p("Abington", _N, 52.243, -0.862, "NN1", False, 8, 1),
    _p("Kingsthorpe", _N, 52.268, -0.899, "NN2", False, 9, 2),
    _p("Weston Favell", _N, 52.253, -0.830, "NN3", False, 9, 2),
    _p("Far Cotton", _N, 52.221, -0.897, "NN4", False, 5),
    _p("Hunsbury", _N, 52.206, -0.925, "NN4", False, 6, 1),
    _p("Wootton", _N, 52.199, -0.879, "NN4", False, 4, 1),
    _p("Duston", _N, 52.243, -0.945, "NN5", False, 8, 1),
    _p("St James", _N, 52.236, -0.917, "NN5", False, 5),
    _p("Daventry", _D, 52.257, -1.162, "NN11", False, 7, 2),
    _p("Long Buckby", _D, 52.304, -1.080, "NN6", True, 1),
    _p("Moulton", _D, 52.290, -0.855, "NN3", True, 2, 1),
    _p("Brixworth", _D, 52.331, -0.904, "NN6", True, 1),
    _p("Woodford Halse", _D, 52.163, -1.210, "NN11", True, 1),
    _p("Crick", _D, 52.347, -1.136, "NN6", True, 1),
    _p("Weedon Bec", _D, 52.231, -1.083, "NN7", True, 1),
    _p("Guilsborough", _D, 52.359, -0.993, "NN6", True, 1, 1),
    _p("Spratton", _D, 52.321, -0.948, "NN6", True, 1),
    _p("Boughton", _D, 52.286, -0.882, "NN2", True, 1),
    _p("Byfield", _D, 52.178, -1.243, "NN11", True, 1),
    _p("West Haddon", _D, 52.342, -1.077, "NN6", True, 1),
    _p("Towcester", _SN, 52.134, -0.989, "NN12", False, 3, 1),
    _p("Brackley", _SN, 52.032, -1.147, "NN13", False, 4, 1),
    _p("Roade", _SN, 52.161, -0.897, "NN7", True, 1, 1),
    _p("Deanshanger", _SN, 52.047, -0.885, "MK19", True, 1),
    _p("Silverstone", _SN, 52.088, -1.028, "NN12", True, 1),
    _p("Bugbrooke", _SN, 52.209, -1.013, "NN7", True, 1, 1),
    _p("Hackleton", _SN, 52.181, -0.828, "NN7", True, 1),
    _p("Blisworth", _SN, 52.174, -0.941, "NN7", True, 1),
    _p("Potterspury", _SN, 52.080, -0.893, "NN12", True, 1),
    _p("Old Stratford", _SN, 52.061, -0.862, "MK19", True, 1),
    _p("Paulerspury", _SN, 52.098, -0.940, "NN12", True, 1),
    _p("Greens Norton", _SN, 52.146, -1.025, "NN12", True, 1),
    _p("Kislingbury", _SN, 52.231, -0.979, "NN7", True, 1),
    _p("Yardley Hastings", _SN, 52.205, -0.737, "NN7", True, 1),
    _p("Syresham", _SN, 52.069, -1.089, "NN13", True, 1),
    _p("Helmdon", _SN, 52.091, -1.142, "NN13", True, 1),
    _p("Oakham", _R, 52.670, -0.728, "LE15", True, 3, 1),
    _p("Uppingham", _R, 52.588, -0.722, "LE15", True, 1, 1),
    _p("Cottesmore", _R, 52.713, -0.665, "LE15", True, 1),
    _p("Ketton", _R, 52.628, -0.552, "PE9", True, 1),
    _p("Empingham", _R, 52.666, -0.596, "LE15", True, 1),
    _p("Ryhall", _R, 52.687, -0.468, "PE9", True, 1),
    _p("Langham", _R, 52.693, -0.752, "LE15", True, 1),
    _p("Edith Weston", _R, 52.638, -0.635, "LE15", True, 1),
    _p("Great Casterton", _R, 52.670, -0.519, "PE9", True, 1),
    _p("Whissendine", _R, 52.719, -0.773, "LE15", True, 1),
    _p("Market Overton", _R, 52.736, -0.683, "LE15", True, 1),
)
_PLACE = {p.name: p for p in _PLACES}

# Settings other than primary and secondary schools: (place, phase), state-funded.
_OTHER_SETTINGS: tuple[tuple[str, str], ...] = (
    *(
        (p, "nursery")
        for p in (
            "Corby",
            "Corby",
            "Abington",
            "Kingsthorpe",
            "Far Cotton",
            "St James",
            "Kettering",
            "Wellingborough",
            "Rushden",
            "Daventry",
        )
    ),
    *(
        (p, "special")
        for p in (
            "Kingsthorpe",
            "Duston",
            "Weston Favell",
            "Abington",
            "Corby",
            "Kettering",
            "Kettering",
            "Wellingborough",
            "Rushden",
            "Daventry",
        )
    ),
    *((p, "alternative_provision") for p in ("Northampton", "St James", "Corby", "Kettering")),
    *((p, "post16") for p in ("Northampton", "Kettering", "Wellingborough")),
    *((p, "middle") for p in ("Oundle", "King's Cliffe", "Thrapston")),
    *((p, "all_through") for p in ("Hunsbury", "Corby")),
)

# Independent schools: (place, phase, fewest pupils, most pupils).
_INDEPENDENT: tuple[tuple[str, str, int, int], ...] = (
    ("Northampton", "secondary", 700, 900),
    ("Abington", "all_through", 500, 800),
    ("Duston", "primary", 150, 250),
    ("Kingsthorpe", "special", 40, 80),
    ("Oundle", "secondary", 1000, 1150),
    ("Uppingham", "secondary", 750, 850),
    ("Oakham", "all_through", 1000, 1100),
    ("Wellingborough", "all_through", 700, 900),
    ("Kettering", "primary", 200, 300),
    ("Brackley", "primary", 120, 200),
    ("Towcester", "secondary", 300, 450),
    ("Guilsborough", "primary", 100, 180),
)

_WORDS = (
    "Brookfield Meadowside Willowbrook Oakfield Castlefields Parkside Hillcrest Orchard "
    "Beechwood Hazelwood Riverside Spinney Kingfisher Heronsgate Larkrise Rowan Chestnut "
    "Elmhurst Foxglove Bluebell Ridgeway Millbrook Greenacres Windmill Cedar Holly Juniper "
    "Limetree Poplar Primrose Sycamore Thistle Woodland Fernhill Stonebridge Mayfield Fairfield "
    "Highfield Longmead Northfield Southfield Westfield Eastfield Brookside Lakeside Hillside "
    "Glebe Kestrel Skylark Nightingale Swallow Otterbrook Badger Copperfield Wrenfield "
    "Lavender Hawthorn Acorn Silverdale Meadowbank"
).split()

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
class _School:
    urn: int
    name: str
    phase: str
    place: _Place
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
    def district(self) -> _District:
        return _DISTRICTS[self.place.district]

    @property
    def infant(self) -> bool:
        return self.name.endswith("Infant School")

    @property
    def junior(self) -> bool:
        return self.name.endswith("Junior School")


# --------------------------------------------------------------------------------------------
# Partners


_ALL = BREAKDOWNS


@dataclass(frozen=True)
class _Partner:
    partner_id: str
    name: str
    partner_type: str
    records: tuple[str, ...]  # breakdown columns the partner records
    uk_dates: bool = False
    first_year: int = 0  # index into YEARS of its first return
    late_spring: bool = False  # has not yet sent its spring 2025/26 return
    blank_rate: float = 0.03  # chance that a recorded breakdown is left blank on a row


def _r(*names: str) -> tuple[str, ...]:
    return names


_PARTNERS: tuple[_Partner, ...] = (
    _Partner(LEAD_PARTNER, "Northamptonshire Music and Performing Arts Trust", "lead", _ALL),
    _Partner(
        "WELLAND-MS",
        "Welland Valley Music Service",
        "music_service",
        _r("new_participants", "continuing_from_wcet", "female", "male", "fsm", "send", "ehcp"),
        uk_dates=True,
    ),
    _Partner(
        "NVBT",
        "Nene Valley Brass Tuition",
        "music_service",
        _r("new_participants", "female", "male", "fsm", "send"),
    ),
    # The two school partners are named after their schools, which are made up with the schools.
    _Partner("SCH-CORBY", "", "school", tuple(c for c in _ALL if c != "young_carer")),
    _Partner("SCH-TOWCESTER", "", "school", tuple(c for c in _ALL if c != "young_carer")),
    _Partner(
        "ROCKSCHOOL-NN",
        "Nene Rock School",
        "arts_organisation",
        _r("new_participants", "female", "male", "fsm", "send", "global_majority"),
    ),
    _Partner(
        "NN-JAZZ",
        "Northampton Jazz Collective",
        "arts_organisation",
        _r("new_participants", "female", "male"),
    ),
    _Partner(
        "SOUNDLAB-NN",
        "SoundLab Northants",
        "arts_organisation",
        _r("new_participants", "female", "male", "fsm", "send", "ehcp", "lac", "global_majority"),
        late_spring=True,
    ),
    _Partner(
        "NENE-OPERA",
        "Nene Opera Education",
        "arts_organisation",
        _r("female", "male", "fsm", "send"),
    ),
    _Partner(
        "TINY-TUNES",
        "Tiny Tunes Early Years Music",
        "arts_organisation",
        _r("new_participants", "female", "male", "fsm", "send", "eal"),
        blank_rate=0.08,
    ),
    _Partner(
        "KETT-CHORAL",
        "Kettering Community Choral Society",
        "community",
        _r("new_participants", "female", "male"),
        uk_dates=True,
    ),
    _Partner("CORBY-SOUND", "Corby Sound Youth Music", "community", _ALL),
    _Partner(
        "BHANGRA-NN",
        "Northampton Dhol and Bhangra Collective",
        "community",
        _r("female", "male", "fsm", "eal", "global_majority"),
        first_year=1,
    ),
    _Partner("FOLK-ROOTS-NN", "Folk Roots Northants", "community", (), late_spring=True),
    _Partner(
        "GOSPEL-NN",
        "Wellingborough Gospel Voices",
        "community",
        _r("female", "male", "global_majority"),
        first_year=2,
    ),
    _Partner(
        "NENE-COLLEGE", "", "education_other", tuple(c for c in _ALL if c != "continuing_from_wcet")
    ),
    _Partner(
        "UNI-NN-OUTREACH",
        "University of the Nene Music Outreach",
        "education_other",
        _r("new_participants", "female", "male", "fsm", "global_majority"),
        late_spring=True,
    ),
    _Partner(
        "SEND-SOUNDS",
        "Inclusive Sounds Northants",
        "education_other",
        _r("new_participants", "female", "male", "fsm", "send", "ehcp", "lac"),
    ),
    _Partner("LIBRARY-RHYMES", "Library Rhyme Time Friends Network", "other", ()),
    _Partner(
        "YOUTH-BEATS",
        "Youth Beats for Care-Experienced Young People",
        "other",
        _r("new_participants", "female", "male", "fsm", "send", "ehcp", "lac", "young_carer"),
    ),
)


# --------------------------------------------------------------------------------------------
# Small helpers


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _binom(rng: random.Random, n: int, p: float) -> int:
    """A binomial draw (random.binomialvariate arrives only in Python 3.12)."""
    p = min(max(p, 0.0), 1.0)
    if n <= 60:
        return sum(1 for _ in range(n) if rng.random() < p)
    value = round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))
    return min(n, max(0, value))


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _term_of(day: dt.date) -> str:
    return "autumn" if day.month >= 9 else "spring" if day.month <= 3 else "summer"


def _year_of(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def term_dates(year: int, term: str) -> tuple[dt.date, dt.date]:
    """The first and last teaching day of a term of the academic year starting in `year`."""
    if term == "autumn":
        return (
            _weekday_on_or_after(dt.date(year, 9, 3)),
            _weekday_on_or_before(dt.date(year, 12, 19)),
        )
    if term == "spring":
        return (
            _weekday_on_or_after(dt.date(year + 1, 1, 5)),
            _weekday_on_or_before(dt.date(year + 1, 3, 27)),
        )
    return (
        _weekday_on_or_after(dt.date(year + 1, 4, 15)),
        _weekday_on_or_before(dt.date(year + 1, 7, 21)),
    )


def _postcode(rng: random.Random, outcode: str) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{outcode} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


# --------------------------------------------------------------------------------------------
# Schools

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


def _pupils(rng: random.Random, phase: str, place: _Place) -> int:
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
    rng: random.Random, urn: int, name: str, phase: str, place: _Place, state_funded: bool
) -> _School:
    district = _DISTRICTS[place.district]
    spread = 0.006 if place.rural else 0.012
    lat = round(_clamp(rng.gauss(place.lat, spread), 52.0, 52.75), 5)
    lon = round(_clamp(rng.gauss(place.lon, spread * 1.6), -1.35, -0.45), 5)
    pupils = _pupils(rng, phase, place)
    if name.endswith("Infant School"):
        pupils = round(pupils * 3 / 7)
    elif name.endswith("Junior School"):
        pupils = round(pupils * 4 / 7)
    fsm = district.fsm * (0.6 if place.rural else 1.0) * _FSM_PHASE[phase]
    fsm = round(_clamp(fsm * math.exp(rng.gauss(0, 0.3)), 1.5, 65.0), 1)
    send = round(rng.uniform(*_SEND_RANGE[phase]), 1)
    imd = round(_clamp(10.5 - fsm * 0.27 + rng.gauss(0, 1.0), 1, 10))
    reach = district.reach * _REACH_PHASE[phase]
    if place.rural:
        reach *= 0.8 if place.district in (_SN, _R) else 0.9
    return _School(
        urn=urn,
        name=name,
        phase=phase,
        place=place,
        postcode=_postcode(rng, rng.choice(place.outcodes)),
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


def _make_schools(rng: random.Random) -> list[_School]:
    urns = iter(rng.sample(range(900_000, 990_000), 400))
    pools: dict[str, list[str]] = {}

    def name(place: _Place, suffix: str) -> str:
        pool = pools.setdefault(place.name, rng.sample(_WORDS, len(_WORDS)))
        return f"{place.name} {pool.pop()} {suffix}"

    schools: list[_School] = []
    for place in _PLACES:
        for _ in range(place.primaries):
            weights = _PRIMARY_SUFFIX_VILLAGE if place.rural else _PRIMARY_SUFFIX_TOWN
            title = name(place, _pick(rng, weights))
            schools.append(_make_school(rng, next(urns), title, "primary", place, True))
        for _ in range(place.secondaries):
            title = name(place, _pick(rng, _SECONDARY_SUFFIX))
            schools.append(_make_school(rng, next(urns), title, "secondary", place, True))
    for place_name, phase in _OTHER_SETTINGS:
        place = _PLACE[place_name]
        title = name(place, _OTHER_SUFFIX[phase])
        schools.append(_make_school(rng, next(urns), title, phase, place, True))
    for place_name, phase, low, high in _INDEPENDENT:
        place = _PLACE[place_name]
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


def _school_cells(school: _School) -> list[str]:
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


# --------------------------------------------------------------------------------------------
# Activities

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

# (instrument, weight, genres with weights, share of girls)
_INSTRUMENTS: tuple[tuple[str, int, tuple[tuple[str, float], ...], float], ...] = (
    ("Piano", 14, (("classical", 1),), 0.6),
    ("Violin", 12, (("classical", 1),), 0.66),
    ("Cello", 4, (("classical", 1),), 0.6),
    ("Viola", 2, (("classical", 1),), 0.6),
    ("Flute", 7, (("classical", 1),), 0.8),
    ("Clarinet", 7, (("classical", 1),), 0.6),
    ("Saxophone", 6, (("classical", 0.6), ("jazz", 0.4)), 0.45),
    ("Trumpet", 7, (("classical", 0.8), ("jazz", 0.2)), 0.35),
    ("Trombone", 3, (("classical", 0.8), ("jazz", 0.2)), 0.3),
    ("French horn", 1, (("classical", 1),), 0.5),
    ("Guitar", 11, (("classical", 0.35), ("rock_pop", 0.45), ("folk", 0.2)), 0.4),
    ("Electric guitar", 4, (("rock_pop", 1),), 0.25),
    ("Bass guitar", 2, (("rock_pop", 1),), 0.25),
    ("Drum kit", 6, (("rock_pop", 0.8), ("jazz", 0.2)), 0.25),
    ("Voice", 7, (("classical", 0.5), ("musical_theatre", 0.5)), 0.75),
    ("Keyboard", 4, (("rock_pop", 0.4), ("classical", 0.4), ("music_technology", 0.2)), 0.45),
    ("Percussion", 2, (("classical", 1),), 0.45),
    ("Ukulele", 2, (("folk", 0.5), ("rock_pop", 0.5)), 0.55),
)
_WCET_INSTRUMENTS: tuple[tuple[str, int, str], ...] = (
    ("brass (cornet and trumpet)", 25, "classical"),
    ("violin", 18, "classical"),
    ("recorder", 12, "classical"),
    ("clarinet", 8, "classical"),
    ("ukulele", 13, "rock_pop"),
    ("samba percussion", 10, "world"),
    ("djembe drumming", 6, "world"),
    ("keyboard and music technology", 5, "music_technology"),
    ("ocarina", 3, "folk"),
)
_TUITION_TYPES = {
    "ks1": (("tuition_small_group", 0.5), ("tuition_large_group", 0.5)),
    "ks2": (
        ("tuition_individual", 0.2),
        ("tuition_small_group", 0.5),
        ("tuition_large_group", 0.3),
    ),
    "ks3": (
        ("tuition_individual", 0.35),
        ("tuition_small_group", 0.5),
        ("tuition_large_group", 0.15),
    ),
    "ks4": (
        ("tuition_individual", 0.55),
        ("tuition_small_group", 0.4),
        ("tuition_large_group", 0.05),
    ),
    "ks5": (("tuition_individual", 0.7), ("tuition_small_group", 0.3)),
}
_LEVEL_BY_AGE = {
    "ks1": (("beginner", 1.0),),
    "ks2": (("beginner", 0.7), ("intermediate", 0.3)),
    "ks3": (("beginner", 0.4), ("intermediate", 0.55), ("advanced", 0.05)),
    "ks4": (("beginner", 0.05), ("intermediate", 0.6), ("advanced", 0.35)),
    "ks5": (("intermediate", 0.4), ("advanced", 0.6)),
}
_TUITION_LABEL = {
    "tuition_individual": "individual lessons",
    "tuition_small_group": "small-group lessons",
    "tuition_large_group": "group lessons",
}
# Saturday music centres of the lead partner: (code, place).
_CENTRES = (
    ("NTH", "Northampton"),
    ("KET", "Kettering"),
    ("COR", "Corby"),
    ("WEL", "Wellingborough"),
    ("DAV", "Daventry"),
    ("TOW", "Towcester"),
    ("RUS", "Rushden"),
)
# (code, name, type, genre, level, age band, fewest, most, share of girls)
_CENTRE_ENSEMBLES: tuple[tuple[str, str, str, str, str, str, int, int, float], ...] = (
    ("JSTR", "Junior Strings", "ensemble", "classical", "beginner", "ks2", 12, 30, 0.65),
    ("JWB", "Junior Wind Band", "ensemble", "classical", "beginner", "ks2", 15, 35, 0.55),
    ("JCH", "Junior Choir", "choir", "choral", "beginner", "ks2", 15, 40, 0.75),
    (
        "IORCH",
        "Intermediate Orchestra",
        "ensemble",
        "classical",
        "intermediate",
        "ks3",
        20,
        45,
        0.6,
    ),
    ("CB", "Concert Band", "ensemble", "classical", "intermediate", "ks3", 20, 40, 0.5),
    ("JAZZ", "Jazz Band", "ensemble", "jazz", "intermediate", "ks3", 10, 20, 0.35),
    ("GUIT", "Guitar Ensemble", "ensemble", "rock_pop", "intermediate", "ks3", 8, 18, 0.3),
    ("SWO", "Senior Wind Orchestra", "ensemble", "classical", "advanced", "ks4", 20, 40, 0.5),
    ("YCH", "Youth Choir", "choir", "choral", "intermediate", "ks4", 12, 30, 0.75),
    ("ROCK", "Rock and Pop Collective", "ensemble", "rock_pop", "intermediate", "ks4", 10, 20, 0.3),
)
_COUNTY_ENSEMBLES: tuple[tuple[str, str, str, str, str, str, int, int, float], ...] = (
    (
        "NCYO",
        "Northamptonshire County Youth Orchestra",
        "ensemble",
        "classical",
        "advanced",
        "ks5",
        60,
        85,
        0.58,
    ),
    (
        "NCYWO",
        "County Youth Wind Orchestra",
        "ensemble",
        "classical",
        "advanced",
        "ks4",
        45,
        65,
        0.52,
    ),
    ("NCYJO", "County Youth Jazz Orchestra", "ensemble", "jazz", "advanced", "ks5", 18, 24, 0.3),
    ("NCYC", "County Youth Chamber Choir", "choir", "choral", "advanced", "ks4", 24, 40, 0.7),
    ("NCYBB", "County Youth Brass Band", "ensemble", "classical", "advanced", "ks4", 25, 35, 0.4),
    (
        "NCSSO",
        "County Senior String Orchestra",
        "ensemble",
        "classical",
        "advanced",
        "ks5",
        25,
        40,
        0.65,
    ),
    (
        "NCJO",
        "County Junior Orchestra",
        "ensemble",
        "classical",
        "intermediate",
        "ks3",
        50,
        75,
        0.6,
    ),
    (
        "NCYMT",
        "County Youth Music Theatre",
        "ensemble",
        "musical_theatre",
        "intermediate",
        "ks4",
        25,
        45,
        0.72,
    ),
)
_CPD_TITLES = (
    "Primary music subject leaders' network",
    "The Model Music Curriculum in practice",
    "Singing in the early years (EYFS practitioners)",
    "Music technology for Key Stage 3 teachers",
    "Inclusive music-making for pupils with SEND",
    "Assessment and progression in primary music",
    "Leading a school choir",
    "Whole-class ensemble teaching: teacher partnership day",
    "Composing in the classroom",
    "Secondary music teachers' network",
)


@dataclass
class _Year:
    index: int
    year: int
    engaged: list[_School] = field(default_factory=list)
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


class _Mix(TypedDict, total=False):
    """How a group's children differ from its school's or area's (see `_Generator.add`)."""

    female_share: float
    new_share: float
    fsm_factor: float
    send_factor: float
    gm_factor: float
    lac_rate: float


class _Generator:
    """Makes the activity rows of every partner, year by year, with one random stream."""

    def __init__(self, rng: random.Random, schools: list[_School], partners: list[_Partner]):
        self.rng = rng
        self.schools = schools
        self.state = [s for s in schools if s.state_funded]
        self.partners = {p.partner_id: p for p in partners}
        self.rows: dict[str, list[Row]] = {p.partner_id: [] for p in partners}
        self.keys: set[tuple[str, str, dt.date]] = set()
        self.counters: dict[tuple[str, str, int], int] = {}
        self.venues: dict[str, tuple[str, str]] = {}
        self.hosts: dict[str, _School] = {}
        self.y = _Year(0, YEARS[0])

    # -- building blocks ---------------------------------------------------------------------

    def venue(self, label: str, place_name: str) -> tuple[str, str]:
        """A stable (postcode, district) for a named community venue."""
        if label not in self.venues:
            place = _PLACE[place_name]
            self.venues[label] = (_postcode(self.rng, place.outcodes[0]), place.district)
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
        day = _next_weekday(day, weekday) if weekday is not None else _weekday_on_or_after(day)
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
        school: _School | None = None,
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
        term = _term_of(start)
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
            district = _DISTRICTS[district_name]
            fsm_rate, send_rate, special = district.fsm / 100, 0.14, False
        type_fsm, type_send = _TYPE_REACH[activity_type]
        advanced = 0.6 if level == "advanced" else 1.0
        fsm_p = fsm_rate * type_fsm * district.under * fsm_factor * advanced
        send_p = send_rate * type_send * district.under * send_factor * advanced
        female = _binom(rng, n, female_share)
        unknown_sex = _binom(rng, n, 0.01) if n >= 10 else 0
        send = n if special else _binom(rng, n, send_p)
        tuition = activity_type.startswith("tuition")
        counts: dict[str, int | None] = {
            "new_participants": _binom(rng, n, new_share),
            "continuing_from_wcet": continuing,
            "female": female,
            "male": max(0, n - female - unknown_sex),
            "fsm": _binom(rng, n, fsm_p),
            "send": send,
            "ehcp": _binom(rng, send, 0.85 if special else 0.18),
            "lac": _binom(rng, n, lac_rate),
            "eal": _binom(rng, n, district.eal * (0.8 if tuition else 1.0)),
            "global_majority": _binom(rng, n, district.global_majority * gm_factor),
            "young_carer": _binom(rng, n, 0.012),
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

    def engaged(
        self, *, phases: Sequence[str] = (), districts: Sequence[str] = ()
    ) -> list[_School]:
        return [
            s
            for s in self.y.engaged
            if (not phases or s.phase in phases)
            and (not districts or s.place.district in districts)
        ]

    # -- the year ----------------------------------------------------------------------------

    def run(self) -> None:
        for index, year in enumerate(YEARS):
            self.y = _Year(index, year)
            self.choose_engaged()
            for school in self.y.engaged:
                self.home_service(school)
            self.lead_centrally()
            self.welland_centre()
            self.brass()
            self.school_partners()
            self.rock_school()
            self.jazz()
            self.soundlab()
            self.opera()
            self.tiny_tunes()
            self.choral()
            self.corby_sound()
            self.bhangra()
            self.folk()
            self.gospel()
            self.college()
            self.university()
            self.send_sounds()
            self.libraries()
            self.youth_beats()
            self.fill_gaps()
        self.unknown_urns()

    def choose_engaged(self) -> None:
        forced = {s.urn for s in self.hosts.values()}
        for school in self.state:
            chance = min(0.97, 0.86 * school.reach + 0.01 * self.y.index)
            score = 0.85 * school.latent + 0.15 * self.rng.random()
            if score < chance or school.urn in forced:
                self.y.engaged.append(school)
                self.y.engaged_urns.add(school.urn)

    def habit(self, school: _School, what: str, chance: float) -> bool:
        """Whether a school has this kind of work this year: mostly the same as last year."""
        fixed = school.habits.setdefault(what, self.rng.random())
        return 0.85 * fixed + 0.15 * self.rng.random() < chance

    def home_service(self, school: _School) -> None:
        """The music service's work in a school that takes part this year."""
        rng, habit = self.rng, self.habit
        pid = "WELLAND-MS" if school.place.district == _R else LEAD_PARTNER
        pupils = school.pupils or 200
        phase = school.phase
        if phase == "nursery":
            if habit(school, "early_years", 0.5):
                self.early_years(pid, school)
            return
        if phase in ("primary", "all_through"):
            if not school.infant and habit(
                school, "wcet", (0.62 if school.rural else 0.72) + 0.03 * self.y.index
            ):
                self.wcet(pid, school)
            size = pupils if phase == "primary" else pupils * 0.45
            if habit(school, "tuition", 0.55 if school.rural else 0.75):
                for _ in range(_poisson(rng, 4.8 * self.y.growth * size / 300)):
                    self.tuition(pid, school, (("ks2", 0.9), ("ks1", 0.1)))
            if habit(school, "singing", 0.7 if school.infant else 0.25):
                self.singing(pid, school, "ks1" if school.infant else rng.choice(("ks1", "ks2")))
            if habit(school, "choir", 0.15):
                self.school_ensemble(pid, school, "ks2", choir=True)
            if habit(school, "ensemble", 0.12):
                self.school_ensemble(pid, school, "ks2", choir=False)
        if phase == "middle":
            for _ in range(_poisson(rng, 6.0 * self.y.growth * pupils / 450)):
                self.tuition(pid, school, (("ks2", 0.45), ("ks3", 0.55)))
            if habit(school, "ensemble", 0.4):
                self.school_ensemble(pid, school, "ks3", choir=rng.random() < 0.4)
        if phase in ("secondary", "all_through"):
            size = pupils if phase == "secondary" else pupils * 0.55
            for _ in range(_poisson(rng, 18.0 * self.y.growth * size / 1100)):
                self.tuition(pid, school, (("ks3", 0.58), ("ks4", 0.3), ("ks5", 0.12)))
            if habit(school, "ensemble", 0.3):
                self.school_ensemble(pid, school, rng.choice(("ks3", "ks4")), choir=False)
            if habit(school, "workshop", 0.35):
                self.workshop(pid, school, "ks4", "GCSE composition workshop", "classical")
        if phase == "special" and habit(school, "sensory", 0.6):
            self.sensory(pid, school)
        if phase == "alternative_provision" and habit(school, "beats", 0.5):
            self.beats_project(pid, school)
        if phase == "post16" and habit(school, "tuition", 0.6):
            for _ in range(rng.randint(2, 5)):
                self.tuition(pid, school, (("ks5", 1.0),))

    # -- kinds of activity -------------------------------------------------------------------

    def wcet(self, pid: str, school: _School) -> None:
        rng = self.rng
        pupils = school.pupils or 200
        if school.phase == "all_through":
            pupils = round(pupils * 0.45)
        year_group = pupils / (4 if school.junior else 7)
        classes = min(3, max(1, round(year_group / 30)))
        mixed = year_group < 16
        instrument = _pick(rng, [(w[0], w[1]) for w in _WCET_INSTRUMENTS])
        genre = next(g for i, _, g in _WCET_INSTRUMENTS if i == instrument)
        term = self.year_term(0.68, 0.22)
        start = self.start(term, 18)
        one_term = term == "autumn" and rng.random() < 0.15
        end = self.term_end("autumn") if one_term else self.year_end()
        hours = rng.choice((0.75, 1.0))
        for k in range(classes):
            if mixed:
                size = round(_clamp(year_group * 2 * rng.uniform(0.85, 1.0), 6, 30))
                title = f"Years 3 and 4 whole-class {instrument}"
            else:
                size = round(_clamp(year_group / classes * rng.uniform(0.88, 1.04), 12, 32))
                title = f"Year 4 whole-class {instrument}"
                if classes > 1:
                    title += f" (class 4{'ABC'[k]})"
            self.add(
                pid,
                self.next_id(pid, "WCET"),
                title,
                "wcet",
                genre,
                "beginner",
                start,
                end,
                "ks2",
                size,
                school=school,
                sessions=self.sessions(start, end),
                hours=hours,
                new_share=0.93,
            )
        if rng.random() < 0.18 and not mixed:
            size = round(year_group * rng.uniform(0.3, 0.55))
            cont_start = self.start("autumn", 20)
            self.add(
                pid,
                self.next_id(pid, "CONT"),
                f"Year 5 {instrument} continuation group",
                "tuition_large_group",
                genre,
                "intermediate",
                cont_start,
                self.year_end(),
                "ks2",
                size,
                school=school,
                sessions=self.sessions(cont_start, self.year_end()),
                hours=0.75,
                new_share=0.05,
                continuing=_binom(rng, size, 0.9),
            )

    def tuition(
        self, pid: str, school: _School, ages: Sequence[tuple[str, float]], prefix: str = "TUI"
    ) -> None:
        rng = self.rng
        age = _pick(rng, ages)
        kind = _pick(rng, _TUITION_TYPES[age])
        instrument, _, genres, girls = rng.choices(
            _INSTRUMENTS, weights=[i[1] for i in _INSTRUMENTS]
        )[0]
        genre = _pick(rng, genres)
        size = {
            "tuition_individual": 1,
            "tuition_small_group": rng.randint(2, 4),
            "tuition_large_group": rng.randint(5, 10),
        }[kind]
        term = self.year_term()
        start = self.start(term, 25)
        end = self.year_end() if rng.random() < 0.85 else self.term_end(term)
        continuing = None
        if pid in (LEAD_PARTNER, "WELLAND-MS"):
            if age == "ks2" and rng.random() < 0.65:
                continuing = _binom(rng, size, 0.35 + 0.03 * self.y.index)
            elif age == "ks3" and rng.random() < 0.45:
                continuing = _binom(rng, size, 0.22)
        hours = {"tuition_individual": rng.choice((1 / 3, 0.5)), "tuition_small_group": 0.5}
        self.add(
            pid,
            self.next_id(pid, prefix, 5),
            f"{instrument} {_TUITION_LABEL[kind]}",
            kind,
            genre,
            _pick(rng, _LEVEL_BY_AGE[age]),
            start,
            end,
            age,
            size,
            school=school,
            sessions=self.sessions(start, end),
            hours=hours.get(kind, 0.75),
            female_share=girls,
            new_share={"ks1": 0.8, "ks2": 0.45, "ks3": 0.2}.get(age, 0.08),
            continuing=continuing,
        )

    def school_ensemble(self, pid: str, school: _School, age: str, *, choir: bool) -> None:
        rng = self.rng
        if choir:
            name, atype, genre, girls = rng.choice(
                (
                    ("School choir", "choir", "choral", 0.72),
                    ("Chamber choir", "choir", "choral", 0.7),
                )
            )
        else:
            name, genre, girls = rng.choice(
                (
                    ("Recorder ensemble", "classical", 0.65),
                    ("School band", "classical", 0.5),
                    ("String group", "classical", 0.65),
                    ("Samba band", "world", 0.5),
                    ("Guitar club", "rock_pop", 0.35),
                    ("School orchestra", "classical", 0.6),
                    ("Rock band project", "rock_pop", 0.3),
                )
            )
            atype = "ensemble"
        start = self.start(self.year_term(0.85, 0.15), 21)
        end = self.year_end()
        self.add(
            pid,
            self.next_id(pid, "ENS"),
            name,
            atype,
            genre,
            "intermediate" if age in ("ks4", "ks5") else "beginner",
            start,
            end,
            age,
            rng.randint(10, 35),
            school=school,
            sessions=self.sessions(start, end),
            hours=1.0,
            female_share=girls,
            new_share=0.25,
        )

    def singing(self, pid: str, school: _School, age: str) -> None:
        rng = self.rng
        pupils = school.pupils or 200
        term = rng.choice(TERMS)
        start = self.start(term, 30)
        end = self.term_end(term)
        self.add(
            pid,
            self.next_id(pid, "SING"),
            "Sing Northants: whole-school singing",
            "singing",
            "choral",
            None,
            start,
            end,
            age,
            round(pupils * (3 / 7 if age == "ks1" else 4 / 7) * rng.uniform(0.7, 1.0)),
            school=school,
            sessions=self.sessions(start, end),
            hours=0.5,
            new_share=0.5,
        )

    def workshop(
        self,
        pid: str,
        school: _School,
        age: str,
        title: str,
        genre: str,
        *,
        size: tuple[int, int] = (15, 45),
        prefix: str = "WS",
        term: str | None = None,
        **factors: Unpack[_Mix],
    ) -> None:
        mix = _Mix(new_share=0.6)
        mix.update(factors)
        day = self.start(term or self.rng.choice(TERMS), 60)
        self.add(
            pid,
            self.next_id(pid, prefix),
            title,
            "workshop",
            genre,
            None,
            day,
            day,
            age,
            self.rng.randint(*size),
            school=school,
            sessions=1,
            hours=self.rng.choice((2.0, 3.0, 5.0)),
            **mix,
        )

    def early_years(self, pid: str, school: _School) -> None:
        term = self.rng.choice(TERMS)
        start = self.start(term, 14)
        end = self.term_end(term)
        self.add(
            pid,
            self.next_id(pid, "EY"),
            "Early years music makers",
            "early_years",
            "mixed",
            None,
            start,
            end,
            "early_years",
            self.rng.randint(12, 40),
            school=school,
            sessions=self.sessions(start, end),
            hours=0.5,
            new_share=0.8,
        )

    def sensory(self, pid: str, school: _School, prefix: str = "SEN") -> None:
        term = self.rng.choice(TERMS)
        start = self.start(term, 14)
        end = self.term_end(term)
        self.add(
            pid,
            self.next_id(pid, prefix),
            self.rng.choice(
                ("Sensory music sessions", "Interactive music and movement", "Soundbeam sessions")
            ),
            self.rng.choice(("creative", "other")),
            "mixed",
            None,
            start,
            end,
            self.rng.choice(("ks2", "ks3", "mixed")),
            self.rng.randint(6, 24),
            school=school,
            sessions=self.sessions(start, end),
            hours=1.0,
            new_share=0.4,
        )

    def beats_project(self, pid: str, school: _School, prefix: str = "BEAT") -> None:
        term = self.rng.choice(TERMS)
        start = self.start(term, 20)
        end = self.term_end(term)
        self.add(
            pid,
            self.next_id(pid, prefix),
            "Beat-making and production project",
            "creative",
            "music_technology",
            None,
            start,
            end,
            self.rng.choice(("ks3", "ks4")),
            self.rng.randint(4, 14),
            school=school,
            sessions=self.sessions(start, end),
            hours=1.5,
            female_share=0.3,
            new_share=0.85,
            lac_rate=0.06,
        )

    def term_block(
        self,
        pid: str,
        prefix: str,
        term: str,
        name: str,
        activity_type: str,
        genre: str | None,
        level: str | None,
        age: str,
        size: tuple[int, int],
        *,
        school: _School | None = None,
        place: str | None = None,
        venue: str | None = None,
        hours: float = 1.5,
        weekday: int | None = None,
        **extra: Unpack[_Mix],
    ) -> None:
        """A term-long programme with a new cohort each term."""
        start = self.start(term, 18, weekday)
        end = self.term_end(term)
        self.add(
            pid,
            self.next_id(pid, prefix),
            name,
            activity_type,
            genre,
            level,
            start,
            end,
            age,
            self.rng.randint(*size),
            school=school,
            place=place,
            venue=venue,
            sessions=self.sessions(start, end, 1.0 if weekday != 5 else 0.9),
            hours=hours,
            **extra,
        )

    def one_day(
        self,
        pid: str,
        prefix: str,
        term: str,
        name: str,
        activity_type: str,
        genre: str | None,
        age: str,
        size: tuple[int, int],
        *,
        school: _School | None = None,
        place: str | None = None,
        venue: str | None = None,
        hours: float = 4.0,
        within: int = 70,
        **extra: Unpack[_Mix],
    ) -> None:
        day = self.start(term, within)
        self.add(
            pid,
            self.next_id(pid, prefix),
            name,
            activity_type,
            genre,
            None,
            day,
            day,
            age,
            self.rng.randint(*size),
            school=school,
            place=place,
            venue=venue,
            sessions=1,
            hours=hours,
            **extra,
        )

    def stable_ensemble(
        self,
        pid: str,
        activity_id: str,
        spec: tuple[str, str, str, str, str, str, int, int, float],
        place: str,
        venue: str,
        *,
        prefix_name: str = "",
        weekday: int = 5,
        hours: float = 2.0,
    ) -> None:
        """An ensemble that meets every year under the same reference."""
        _, name, atype, genre, level, age, low, high, girls = spec
        start = self.start("autumn", 12, weekday)
        end = self.year_end()
        self.add(
            pid,
            activity_id,
            f"{prefix_name}{name}",
            atype,
            genre,
            level,
            start,
            end,
            age,
            round(self.rng.randint(low, high) * self.y.growth**0.5),
            place=place,
            venue=venue,
            sessions=self.sessions(start, end, 0.9),
            hours=hours,
            female_share=girls,
            new_share=0.2,
        )

    # -- partners ----------------------------------------------------------------------------

    def lead_centrally(self) -> None:
        """The lead partner's music centres, county ensembles, events and CPD."""
        rng, pid = self.rng, LEAD_PARTNER
        for code, place in _CENTRES:
            venue = f"centre-{code}"
            big = place in ("Northampton", "Kettering")
            for spec in _CENTRE_ENSEMBLES:
                if big or rng.random() < 0.6:
                    self.stable_ensemble(
                        pid,
                        f"MC-{code}-{spec[0]}",
                        spec,
                        place,
                        venue,
                        prefix_name=f"{place} Music Centre ",
                    )
            if rng.random() < 0.5:
                self.term_block(
                    pid,
                    f"MC-{code}-NEW",
                    "spring",
                    f"{place} Music Centre beginners' strings",
                    "ensemble",
                    "classical",
                    "beginner",
                    "ks2",
                    (8, 20),
                    place=place,
                    venue=venue,
                    weekday=5,
                    hours=1.0,
                    new_share=0.9,
                    female_share=0.62,
                )
        for spec in _COUNTY_ENSEMBLES:
            self.stable_ensemble(pid, spec[0], spec, "Northampton", "county-centre", weekday=6)
        summer_start = _next_weekday(dt.date(self.y.year + 1, 8, 3), 0)
        for activity_id, name, age, level, size, hours in (
            (
                "NCYO-SUMMER",
                "County Youth Orchestra summer course",
                "ks5",
                "advanced",
                (60, 80),
                30,
            ),
            ("JSMS", "Junior summer music school", "ks2", "beginner", (60, 90), 20),
        ):
            self.add(
                pid,
                activity_id,
                name,
                "ensemble",
                "classical",
                level,
                summer_start,
                summer_start + dt.timedelta(days=4),
                age,
                round(rng.randint(*size) * self.y.growth),
                place="Northampton",
                venue="county-centre",
                sessions=5,
                hours=hours / 5,
                new_share=0.15,
            )
        events = (
            ("spring", "Schools' Singing Festival", "performance", "choral", "ks2", (350, 600)),
            ("spring", "Big Sing Corby", "performance", "choral", "ks2", (150, 250)),
            ("summer", "Primary Strings Day", "workshop", "classical", "ks2", (80, 150)),
            (
                "summer",
                "Secondary Schools' Summer Concert",
                "performance",
                "mixed",
                "ks3",
                (120, 200),
            ),
            ("autumn", "Christmas Carol Concert", "performance", "choral", "mixed", (200, 320)),
        )
        for term, name, atype, genre, age, size in events:
            place = "Corby" if "Corby" in name else "Northampton"
            self.one_day(
                pid,
                "EVT",
                term,
                name,
                atype,
                genre,
                age,
                size,
                place=place,
                venue=f"event-{place}",
                hours=3.0,
                within=55,
                female_share=0.6,
                new_share=0.3,
            )
        for k in range(round(12 * self.y.growth) + 2 * self.y.index):
            title = _CPD_TITLES[k % len(_CPD_TITLES)]
            term = TERMS[k % 3]
            hosts = self.engaged(phases=("primary", "secondary"))
            host = rng.choice(hosts) if rng.random() < 0.4 else None
            day = self.start(term, 60)
            sessions = rng.randint(1, 3)
            self.add(
                pid,
                self.next_id(pid, "CPD", 3),
                title,
                "cpd",
                None,
                None,
                day,
                day + dt.timedelta(weeks=4 * (sessions - 1)),
                "adult",
                rng.randint(6, 35),
                school=host,
                place=None if host else "Northampton",
                venue=None if host else "hub-office",
                sessions=sessions,
                hours=rng.choice((2.5, 3.0, 6.0)),
                female_share=0.78,
                new_share=0.35,
            )

    def welland_centre(self) -> None:
        pid = "WELLAND-MS"
        for spec in _CENTRE_ENSEMBLES[:6]:
            if self.rng.random() < 0.8:
                self.stable_ensemble(
                    pid,
                    f"RSMC-{spec[0]}",
                    spec,
                    "Oakham",
                    "rutland-centre",
                    prefix_name="Rutland Saturday Music Centre ",
                )
        for school in self.engaged(phases=("secondary",), districts=(_C,)):
            if self.rng.random() < 0.5:
                for _ in range(self.rng.randint(2, 6)):
                    self.tuition(pid, school, (("ks3", 0.6), ("ks4", 0.3), ("ks5", 0.1)))

    def brass(self) -> None:
        pid, rng = "NVBT", self.rng
        for school in self.engaged(phases=("primary", "secondary"), districts=(_EN, _W)):
            if rng.random() < 0.3:
                for _ in range(rng.randint(1, 3)):
                    age = "ks2" if school.phase == "primary" else rng.choice(("ks3", "ks3", "ks4"))
                    kind = rng.choice(("tuition_small_group", "tuition_large_group"))
                    start = self.start(self.year_term(0.8, 0.2), 20)
                    size = rng.randint(2, 4) if kind == "tuition_small_group" else rng.randint(5, 9)
                    instrument = rng.choice(
                        ("Cornet", "Tenor horn", "Baritone", "Euphonium", "Trombone")
                    )
                    self.add(
                        pid,
                        self.next_id(pid, "NVB", 3),
                        f"{instrument} group",
                        kind,
                        "classical",
                        _pick(rng, _LEVEL_BY_AGE[age]),
                        start,
                        self.year_end(),
                        age,
                        size,
                        school=school,
                        sessions=self.sessions(start, self.year_end()),
                        hours=0.5,
                        female_share=0.45,
                        new_share=0.4,
                    )
        for activity_id, name, age, level, low, high in (
            ("NVYBB", "Nene Valley Youth Brass Band", "ks3", "intermediate", 18, 30),
            ("NVTB", "Nene Valley Training Band", "ks2", "beginner", 10, 22),
        ):
            spec = ("", name, "ensemble", "classical", level, age, low, high, 0.45)
            self.stable_ensemble(pid, activity_id, spec, "Raunds", "nvbt-bandroom", weekday=1)

    def school_partners(self) -> None:
        rng = self.rng
        for pid, district in (("SCH-CORBY", _C), ("SCH-TOWCESTER", _SN)):
            host = self.hosts[pid]
            for name, atype, genre, level, age, size, girls in (
                ("School orchestra", "ensemble", "classical", "intermediate", "ks3", (25, 45), 0.6),
                ("Senior jazz band", "ensemble", "jazz", "advanced", "ks4", (12, 20), 0.35),
                ("Chamber choir", "choir", "choral", "advanced", "ks4", (16, 30), 0.75),
                ("Rock band project", "ensemble", "rock_pop", "intermediate", "ks4", (8, 16), 0.3),
                ("Sixth form ensemble", "ensemble", "classical", "advanced", "ks5", (8, 15), 0.55),
                (
                    "Year 7 music technology club",
                    "creative",
                    "music_technology",
                    "beginner",
                    "ks3",
                    (10, 24),
                    0.3,
                ),
            ):
                if rng.random() < 0.85:
                    start = self.start("autumn", 21)
                    self.add(
                        pid,
                        self.next_id(pid, "ENS", 2),
                        name,
                        atype,
                        genre,
                        level,
                        start,
                        self.year_end(),
                        age,
                        rng.randint(*size),
                        school=host,
                        sessions=self.sessions(start, self.year_end()),
                        hours=1.0,
                        female_share=girls,
                        new_share=0.3,
                    )
            feeders = [s for s in self.engaged(phases=("primary",), districts=(district,))]
            for feeder in rng.sample(feeders, min(3, len(feeders))):
                self.term_block(
                    pid,
                    "PRIM",
                    rng.choice(("autumn", "spring")),
                    "Primary partnership strings",
                    "tuition_large_group",
                    "classical",
                    "beginner",
                    "ks2",
                    (8, 16),
                    school=feeder,
                    hours=1.0,
                    new_share=0.7,
                )

    def rock_school(self) -> None:
        pid, rng = "ROCKSCHOOL-NN", self.rng
        secondaries = self.engaged(phases=("secondary", "all_through"))
        for term in TERMS:
            for school in rng.sample(secondaries, min(len(secondaries), round(6 * self.y.growth))):
                for _ in range(rng.randint(1, 3)):
                    self.term_block(
                        pid,
                        "RS",
                        term,
                        "Band coaching",
                        "ensemble",
                        "rock_pop",
                        "intermediate",
                        rng.choice(("ks3", "ks3", "ks4", "ks5")),
                        (4, 8),
                        school=school,
                        hours=1.0,
                        female_share=0.32,
                        new_share=0.5,
                    )
            for instrument in ("Drums", "Electric guitar", "Bass", "Vocals", "Keys"):
                self.term_block(
                    pid,
                    "RS",
                    term,
                    f"Saturday rock school: {instrument.lower()}",
                    "tuition_small_group",
                    "rock_pop",
                    rng.choice(("beginner", "intermediate")),
                    rng.choice(("ks3", "ks4")),
                    (3, 6),
                    place="Northampton",
                    venue="rock-school",
                    weekday=5,
                    hours=1.0,
                    female_share=0.35 if instrument != "Vocals" else 0.7,
                    new_share=0.4,
                )
        day = _next_weekday(dt.date(self.y.year + 1, 8, 10), 0)
        self.add(
            pid,
            self.next_id(pid, "RS"),
            "Summer rock camp",
            "ensemble",
            "rock_pop",
            "beginner",
            day,
            day + dt.timedelta(days=4),
            "ks3",
            rng.randint(30, 50),
            place="Northampton",
            venue="rock-school",
            sessions=5,
            hours=5.0,
            female_share=0.35,
            new_share=0.6,
        )

    def jazz(self) -> None:
        pid, rng = "NN-JAZZ", self.rng
        spec = (
            "",
            "Northampton Youth Jazz Ensemble",
            "ensemble",
            "jazz",
            "advanced",
            "ks5",
            14,
            20,
            0.3,
        )
        self.stable_ensemble(pid, "NYJE", spec, "Northampton", "jazz-club", weekday=6)
        spec = ("", "Junior Jazz Workshop", "ensemble", "jazz", "intermediate", "ks3", 10, 18, 0.35)
        self.stable_ensemble(pid, "JJW", spec, "Northampton", "jazz-club", weekday=6)
        secondaries = self.engaged(phases=("secondary",))
        for school in rng.sample(secondaries, min(len(secondaries), rng.randint(5, 9))):
            self.workshop(
                pid,
                school,
                rng.choice(("ks4", "ks5")),
                "Jazz improvisation workshop",
                "jazz",
                size=(12, 30),
                prefix="JZ",
                female_share=0.35,
            )

    def soundlab(self) -> None:
        pid, rng = "SOUNDLAB-NN", self.rng
        settings = self.engaged(phases=("secondary", "alternative_provision"))
        for term in TERMS:
            for school in rng.sample(settings, min(len(settings), round(7 * self.y.growth))):
                self.term_block(
                    pid,
                    "SL",
                    term,
                    "Beat-making and production",
                    "creative",
                    "music_technology",
                    None,
                    rng.choice(("ks3", "ks4", "ks4", "ks5")),
                    (6, 16),
                    school=school,
                    female_share=0.3,
                    new_share=0.7,
                )
            for place in ("Weston Favell", "St James", "Wellingborough"):
                self.term_block(
                    pid,
                    "SL",
                    term,
                    f"Youth club producers ({place})",
                    "creative",
                    "music_technology",
                    None,
                    "ks4",
                    (5, 12),
                    place=place,
                    venue=f"youth-{place}",
                    weekday=2,
                    hours=2.0,
                    female_share=0.25,
                    new_share=0.5,
                    fsm_factor=1.6,
                )

    def opera(self) -> None:
        pid, rng = "NENE-OPERA", self.rng
        primaries = self.engaged(phases=("primary",))
        for term in TERMS:
            for school in rng.sample(primaries, min(len(primaries), round(9 * self.y.growth))):
                title, genre = rng.choice(
                    (
                        ("Opera in a day", "classical"),
                        ("Musical theatre in a day", "musical_theatre"),
                    )
                )
                self.workshop(
                    pid,
                    school,
                    "ks2",
                    title,
                    genre,
                    size=(25, 90),
                    prefix="NO",
                    term=term,
                    female_share=0.55,
                )
        spec = (
            "",
            "Nene Youth Opera Company",
            "ensemble",
            "musical_theatre",
            "intermediate",
            "ks4",
            18,
            32,
            0.7,
        )
        self.stable_ensemble(pid, "NYOC", spec, "Northampton", "opera-studio", weekday=6)
        self.one_day(
            pid,
            "NO",
            "summer",
            "Family opera afternoon",
            "performance",
            "classical",
            "mixed",
            (60, 140),
            place="Northampton",
            venue="opera-studio",
        )

    def tiny_tunes(self) -> None:
        pid, rng = "TINY-TUNES", self.rng
        nurseries = self.engaged(phases=("nursery",))
        for term in TERMS:
            for school in nurseries:
                if rng.random() < 0.55:
                    self.term_block(
                        pid,
                        "TT",
                        term,
                        "Tiny Tunes nursery music",
                        "early_years",
                        "mixed",
                        None,
                        "early_years",
                        (12, 36),
                        school=school,
                        hours=0.5,
                        new_share=0.6,
                    )
            for place in (
                "Corby",
                "Kingsthorpe",
                "Wellingborough",
                "Far Cotton",
                "Kettering",
                "Daventry",
            ):
                self.term_block(
                    pid,
                    "TT",
                    term,
                    f"Baby and toddler music ({place})",
                    "early_years",
                    "mixed",
                    None,
                    "early_years",
                    (8, 20),
                    place=place,
                    venue=f"childrens-centre-{place}",
                    hours=0.75,
                    new_share=0.5,
                )
            if rng.random() < 0.6:
                self.term_block(
                    pid,
                    "TT",
                    term,
                    "Family music mornings",
                    "early_years",
                    "mixed",
                    None,
                    "mixed",
                    (15, 40),
                    place="Northampton",
                    venue="tt-family",
                    weekday=5,
                    hours=1.0,
                    new_share=0.5,
                )

    def choral(self) -> None:
        pid, rng = "KETT-CHORAL", self.rng
        spec = (
            "",
            "Kettering Community Choir",
            "choir",
            "choral",
            "intermediate",
            "adult",
            40,
            70,
            0.72,
        )
        self.stable_ensemble(pid, "KCC", spec, "Kettering", "choral-hall", weekday=1)
        spec = ("", "Kettering Youth Choir", "choir", "choral", "intermediate", "ks3", 15, 30, 0.75)
        self.stable_ensemble(pid, "KYC", spec, "Kettering", "choral-hall", weekday=3)
        for term in TERMS:
            self.term_block(
                pid,
                "KFS",
                term,
                "Family singing Saturdays",
                "singing",
                "choral",
                None,
                "mixed",
                (20, 40),
                place="Kettering",
                venue="choral-hall",
                weekday=5,
                hours=1.0,
                female_share=0.6,
            )
        day = _next_weekday(dt.date(self.y.year, 12, 6), 5)
        self.add(
            pid,
            self.next_id(pid, "KCS"),
            "Come and sing: Messiah",
            "performance",
            "choral",
            None,
            day,
            day,
            "adult",
            rng.randint(90, 160),
            place="Kettering",
            venue="choral-hall",
            sessions=1,
            hours=5.0,
            female_share=0.68,
            new_share=0.4,
        )

    def corby_sound(self) -> None:
        pid, rng = "CORBY-SOUND", self.rng
        # Targeted at young people in challenging circumstances: far above the area's rates.
        reach = _Mix(
            female_share=0.38, new_share=0.45, fsm_factor=4.0, send_factor=2.5, lac_rate=0.05
        )
        for term in TERMS:
            for name, atype, genre, age in (
                ("Friday night music", "ensemble", "rock_pop", "ks3"),
                ("Friday night music (seniors)", "ensemble", "rock_pop", "ks4"),
                ("DJ and production", "creative", "music_technology", "ks4"),
                ("Young songwriters", "creative", "rock_pop", "ks3"),
            ):
                self.term_block(
                    pid,
                    "CS",
                    term,
                    name,
                    atype,
                    genre,
                    None,
                    age,
                    (6, 18),
                    place="Corby",
                    venue=f"corby-youth-{name[:3]}",
                    weekday=4,
                    hours=2.0,
                    **reach,
                )
            for school in self.engaged(phases=("alternative_provision",), districts=(_C,)):
                self.term_block(
                    pid,
                    "CS",
                    term,
                    "Music mentoring",
                    "creative",
                    "rock_pop",
                    None,
                    "ks4",
                    (3, 8),
                    school=school,
                    hours=1.5,
                    female_share=0.3,
                    new_share=0.6,
                    lac_rate=0.08,
                )
            if rng.random() < 0.5:
                self.one_day(
                    pid,
                    "CS",
                    term,
                    "Corby youth gig night",
                    "performance",
                    "rock_pop",
                    "ks4",
                    (40, 90),
                    place="Corby",
                    venue="corby-gig",
                    **reach,
                )

    def bhangra(self) -> None:
        pid, rng = "BHANGRA-NN", self.rng
        primaries = self.engaged(phases=("primary",), districts=(_N, _W))
        for term in TERMS:
            for school in rng.sample(primaries, min(len(primaries), round(5 * self.y.growth))):
                self.workshop(
                    pid,
                    school,
                    "ks2",
                    "Dhol drumming workshop",
                    "world",
                    size=(25, 60),
                    prefix="DHOL",
                    term=term,
                    gm_factor=2.2,
                )
            self.term_block(
                pid,
                "BY",
                term,
                "Bhangra youth group",
                "ensemble",
                "world",
                None,
                "ks3",
                (10, 24),
                place="Abington",
                venue="bhangra-centre",
                weekday=6,
                gm_factor=3.0,
            )
            self.term_block(
                pid,
                "BC",
                term,
                "Community dhol group",
                "ensemble",
                "world",
                None,
                "mixed",
                (12, 30),
                place="Abington",
                venue="bhangra-centre",
                weekday=6,
                gm_factor=3.0,
            )

    def folk(self) -> None:
        pid, rng = "FOLK-ROOTS-NN", self.rng
        rural = [s for s in self.engaged(phases=("primary",), districts=(_EN, _D)) if s.rural]
        for term in TERMS:
            self.term_block(
                pid,
                "FR",
                term,
                "Folk session for young players",
                "ensemble",
                "folk",
                "intermediate",
                "ks3",
                (6, 16),
                place="Thrapston",
                venue="folk-club",
                weekday=6,
                hours=2.0,
            )
            self.term_block(
                pid,
                "FR",
                term,
                "Ceilidh band",
                "ensemble",
                "folk",
                None,
                "mixed",
                (10, 22),
                place="Oundle",
                venue="folk-hall",
                weekday=3,
                hours=2.0,
            )
            for school in rng.sample(rural, min(len(rural), 2)):
                self.workshop(
                    pid,
                    school,
                    "ks2",
                    "Folk songs and dances workshop",
                    "folk",
                    size=(20, 60),
                    prefix="FR",
                    term=term,
                )

    def gospel(self) -> None:
        pid, rng = "GOSPEL-NN", self.rng
        spec = ("", "Youth Gospel Choir", "choir", "choral", "beginner", "ks3", 14, 26, 0.7)
        self.stable_ensemble(pid, "YGC", spec, "Wellingborough", "gospel-church", weekday=6)
        spec = (
            "",
            "Community Gospel Choir",
            "choir",
            "choral",
            "intermediate",
            "adult",
            25,
            45,
            0.7,
        )
        self.stable_ensemble(pid, "CGC", spec, "Wellingborough", "gospel-church", weekday=3)
        primaries = self.engaged(phases=("primary",), districts=(_W,))
        for term in ("autumn", "spring"):
            for school in rng.sample(primaries, min(len(primaries), 2)):
                self.workshop(
                    pid,
                    school,
                    "ks2",
                    "Gospel singing workshop",
                    "choral",
                    size=(30, 90),
                    prefix="GS",
                    term=term,
                    gm_factor=1.5,
                )

    def college(self) -> None:
        pid, rng = "NENE-COLLEGE", self.rng
        host = self.hosts[pid]
        for name, atype, genre, level, age, size in (
            (
                "Music technology enrichment",
                "creative",
                "music_technology",
                "intermediate",
                "ks5",
                (12, 30),
            ),
            ("College jazz ensemble", "ensemble", "jazz", "advanced", "ks5", (8, 16)),
            (
                "Contemporary performance ensemble",
                "ensemble",
                "rock_pop",
                "advanced",
                "ks5",
                (10, 24),
            ),
        ):
            start = self.start("autumn", 14)
            self.add(
                pid,
                self.next_id(pid, "NC", 3),
                name,
                atype,
                genre,
                level,
                start,
                self.year_end(),
                age,
                rng.randint(*size),
                school=host,
                sessions=self.sessions(start, self.year_end()),
                hours=1.5,
                female_share=0.35,
                new_share=0.6,
            )
        for term in ("spring", "summer"):
            self.one_day(
                pid,
                "NC",
                term,
                "Year 10 music taster day",
                "workshop",
                "music_technology",
                "ks4",
                (30, 70),
                school=host,
                hours=5.0,
                female_share=0.4,
                new_share=0.9,
            )

    def university(self) -> None:
        pid, rng = "UNI-NN-OUTREACH", self.rng
        secondaries = self.engaged(phases=("secondary", "post16"))
        for term in TERMS:
            for school in rng.sample(secondaries, min(len(secondaries), 4)):
                title, genre, age = rng.choice(
                    (
                        ("Music at university taster", "classical", "ks4"),
                        ("Composition masterclass", "classical", "ks5"),
                        ("Studio production masterclass", "music_technology", "ks5"),
                    )
                )
                self.workshop(pid, school, age, title, genre, size=(12, 40), prefix="UO", term=term)

    def send_sounds(self) -> None:
        pid, rng = "SEND-SOUNDS", self.rng
        settings = self.engaged(phases=("special", "alternative_provision"))
        for term in TERMS:
            for school in settings:
                if rng.random() < 0.55:
                    self.sensory(pid, school, prefix="IS")
                if rng.random() < 0.25:
                    self.term_block(
                        pid,
                        "IS",
                        term,
                        "Adaptive instrument group",
                        "tuition_small_group",
                        "music_technology",
                        "beginner",
                        "ks3",
                        (2, 5),
                        school=school,
                        hours=0.75,
                    )
            self.term_block(
                pid,
                "IS",
                term,
                "Inclusive ensemble",
                "ensemble",
                "mixed",
                None,
                "ks4",
                (8, 16),
                place="Duston",
                venue="inclusive-hub",
                weekday=5,
                hours=1.5,
                send_factor=5.0,
            )

    def libraries(self) -> None:
        pid, rng = "LIBRARY-RHYMES", self.rng
        for term in TERMS:
            for place in (
                "Northampton",
                "Kettering",
                "Corby",
                "Wellingborough",
                "Rushden",
                "Daventry",
                "Towcester",
                "Brackley",
                "Oundle",
                "Desborough",
                "Oakham",
                "Duston",
            ):
                if rng.random() < 0.85:
                    self.term_block(
                        pid,
                        "RT",
                        term,
                        f"Rhyme time at {place} library",
                        "singing",
                        None,
                        None,
                        "early_years",
                        (8, 30),
                        place=place,
                        venue=f"library-{place}",
                        hours=0.5,
                        new_share=0.4,
                    )

    def youth_beats(self) -> None:
        pid = "YOUTH-BEATS"
        for term in TERMS:
            for place in ("Northampton", "Wellingborough", "Corby"):
                self.term_block(
                    pid,
                    "YB",
                    term,
                    f"Care-experienced young people's music ({place})",
                    "creative",
                    "rock_pop",
                    None,
                    self.rng.choice(("ks3", "ks4")),
                    (4, 10),
                    place=place,
                    venue=f"yb-{place}",
                    weekday=2,
                    hours=2.0,
                    lac_rate=0.6,
                    fsm_factor=3.0,
                    send_factor=2.0,
                    new_share=0.5,
                )

    def fill_gaps(self) -> None:
        """Every school that takes part this year has at least one activity."""
        for school in self.y.engaged:
            if school.urn in self.y.touched:
                continue
            pid = "WELLAND-MS" if school.place.district == _R else LEAD_PARTNER
            age = {
                "nursery": "early_years",
                "secondary": "ks3",
                "post16": "ks5",
                "special": "mixed",
                "alternative_provision": "ks4",
            }.get(school.phase, "ks2")
            term = self.rng.choice(TERMS)
            if school.phase == "nursery":
                self.early_years(pid, school)
            else:
                self.workshop(
                    pid,
                    school,
                    age,
                    "Instrument taster workshop",
                    "mixed",
                    size=(20, 60),
                    term=term,
                )

    def unknown_urns(self) -> None:
        """Two rows with a URN not in the schools list: a typo and a school opened since."""
        urns = {s.urn for s in self.schools}
        typo_rows = [
            r for r in self.rows["NVBT"] if r["school_urn"] and _year_of(_start_of(r)) == 2024
        ]
        for row in typo_rows:
            text = str(row["school_urn"])
            swapped = int(text[:-2] + text[-1] + text[-2])
            if swapped not in urns:
                row["school_urn"] = swapped
                break
        new_rows = [
            r
            for r in self.rows["SOUNDLAB-NN"]
            if r["school_urn"] and _year_of(_start_of(r)) == CURRENT_YEAR
        ]
        new_urn = next(u for u in range(990_001, 999_999) if u not in urns)
        new_rows[0]["school_urn"] = new_urn


def _start_of(row: Row) -> dt.date:
    start = row["start_date"]
    assert isinstance(start, dt.date)
    return start


def _participants(row: Row) -> int:
    n = row["participants"]
    assert isinstance(n, int)
    return n


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
    assert end is None or (isinstance(end, dt.date) and end >= _start_of(row)), row


# --------------------------------------------------------------------------------------------
# Writing the files


def _cell(value: object, uk_dates: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}" if uk_dates else value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], *, excel: bool = False
) -> None:
    """Write a CSV file; `excel` writes it as Excel's 'CSV UTF-8' does (BOM, CRLF)."""
    with path.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n" if excel else "\n")
        writer.writerow(header)
        writer.writerows(rows)


def _received(rng: random.Random, year: int, term: str) -> dt.date:
    """When a term's return would have reached the hub: a few weeks after the term ended."""
    if year == CURRENT_YEAR and term == "spring":
        first, last = CURRENT_SPRING_RECEIVED
        day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
        return _weekday_on_or_before(day)
    first = {
        "autumn": dt.date(year + 1, 1, 8),
        "spring": dt.date(year + 1, 4, 14),
        "summer": dt.date(year + 1, 9, 8),
    }[term]
    return _weekday_on_or_after(first + dt.timedelta(days=rng.randint(0, 30)))


def _hosts(schools: list[_School]) -> dict[str, _School]:
    def biggest(place: str, phase: str) -> _School:
        return max(
            (s for s in schools if s.place.name == place and s.phase == phase and s.state_funded),
            key=lambda s: s.pupils or 0,
        )

    return {
        "SCH-CORBY": biggest("Corby", "secondary"),
        "SCH-TOWCESTER": biggest("Towcester", "secondary"),
        "NENE-COLLEGE": biggest("Northampton", "post16"),
    }


def _summary(schools: list[_School], gen: _Generator) -> list[str]:
    state = [s for s in schools if s.state_funded]
    pupils = sum(s.pupils or 0 for s in state)
    known = [(s.pupils, s.fsm) for s in state if s.pupils and s.fsm is not None]
    fsm = sum(p * f for p, f in known) / sum(p for p, _ in known)
    rows = [r for partner_rows in gen.rows.values() for r in partner_rows]
    urns = {s.urn for s in state}
    lines = [
        f"- {len(gen.partners)} partners of every type; {len(schools)} schools and settings "
        f"({len(state)} state-funded) in {len({s.district.la for s in schools})} local "
        "authorities",
        f"- {pupils:,} pupils in state-funded schools; pupil-weighted FSM rate {fsm:.1f}%",
    ]
    for year in YEARS:
        in_year = [r for r in rows if _year_of(_start_of(r)) == year]
        reached = {r["school_urn"] for r in in_year} & urns
        terms = sorted({_term_of(_start_of(r)) for r in in_year}, key=TERMS.index)
        lines.append(
            f"- {year}/{(year + 1) % 100:02d} ({', '.join(terms)}): {len(in_year):,} activity "
            f"rows, {sum(_participants(r) for r in in_year):,} participations, "
            f"{len(urns - reached)} of {len(urns)} state schools with no activity "
            f"({(len(urns) - len(reached)) / len(urns):.0%})"
        )
    return lines


def _write_participants(
    folder: Path, gen: _Generator, schools: list[_School], seed: int, returns: list[DemoFile]
) -> list[DemoFile]:
    """The lead partner's pseudonymised records, one file per term, each sent with (just
    after, in the manifest's order) that term's activity return. A separate random stream,
    so that the activity files do not change."""
    places = {
        s.urn: demo_participants.School(s.postcode.split()[0], s.district.global_majority)
        for s in schools
    }
    records = demo_participants.make_records(gen.rows[LEAD_PARTNER], places, seed + 1)
    by_file: dict[tuple[int, str], list[demo_participants.Record]] = {}
    for record in records:
        start = _start_of(dict(record.row))
        by_file.setdefault((_year_of(start), _term_of(start)), []).append(record)
    sent = {e.file_name: e for e in returns}
    out = []
    for (year, term), chunk in sorted(by_file.items()):
        chunk.sort(key=lambda r: (_start_of(dict(r.row)), str(r.row["activity_id"]), r.child.ref))
        name = f"participants_{LEAD_PARTNER}_{_year_label(year)}_{term}.csv"
        _write_csv(
            folder / name,
            PARTICIPANTS.column_names,
            [demo_participants.record_cells(r) for r in chunk],
        )
        activities = sent[f"activities_{LEAD_PARTNER}_{_year_label(year)}_{term}.csv"]
        out.append(
            DemoFile(
                name, "participants", LEAD_PARTNER, activities.submitted_by, activities.received_on
            )
        )
    return out


def write_demo_files(folder: Path, seed: int = 2026) -> list[DemoFile]:
    """Write the demo CSV files, manifest.csv and README.md into `folder`; return the manifest."""
    rng = random.Random(seed)
    schools = _make_schools(rng)
    hosts = _hosts(schools)
    partners = [p if p.name else replace(p, name=hosts[p.partner_id].name) for p in _PARTNERS]
    id_pattern = re.compile(PARTNERS.column("partner_id").pattern or "")
    assert all(id_pattern.match(p.partner_id) for p in partners)
    assert {p.partner_type for p in partners} == set(PARTNER_TYPES)
    gen = _Generator(rng, schools, partners)
    gen.hosts = hosts
    gen.run()

    folder.mkdir(parents=True, exist_ok=True)
    for stale in (*folder.glob("activities_*.csv"), *folder.glob("participants_*.csv")):
        stale.unlink()
    _write_csv(
        folder / "partners.csv",
        PARTNERS.column_names,
        [
            [p.partner_id, p.name, p.partner_type, f"https://example.org/{p.partner_id.lower()}"]
            for p in partners
        ],
    )
    _write_csv(folder / "schools.csv", SCHOOLS.column_names, [_school_cells(s) for s in schools])
    entries = [
        DemoFile("partners.csv", "partners", None, HUB_STAFF, dt.date(2025, 9, 8)),
        DemoFile("schools.csv", "schools", None, HUB_STAFF, dt.date(2025, 10, 6)),
    ]
    returns: list[DemoFile] = []
    for partner in partners:
        by_file: dict[tuple[int, str], list[Row]] = {}
        for row in gen.rows[partner.partner_id]:
            start = _start_of(row)
            by_file.setdefault((_year_of(start), _term_of(start)), []).append(row)
        for (year, term), rows in sorted(
            by_file.items(), key=lambda item: (item[0][0], TERMS.index(item[0][1]))
        ):
            name = f"activities_{partner.partner_id}_{_year_label(year)}_{term}.csv"
            rows.sort(key=lambda r: (_start_of(r), str(r["activity_id"])))
            _write_csv(
                folder / name,
                ACTIVITIES.column_names,
                [[_cell(r[c], partner.uk_dates) for c in ACTIVITIES.column_names] for r in rows],
                excel=partner.uk_dates,
            )
            submitted_by = f"returns@{partner.partner_id.lower()}.example"
            received = _received(rng, year, term)
            assert all(_start_of(r) <= received for r in rows)
            returns.append(DemoFile(name, "activities", partner.partner_id, submitted_by, received))
    returns += _write_participants(folder, gen, schools, seed, returns)
    entries += sorted(returns, key=lambda e: (e.received_on, e.file_name))
    assert all(e.kind in KINDS for e in entries)
    _write_csv(
        folder / MANIFEST_NAME,
        MANIFEST_COLUMNS,
        [
            [
                e.file_name,
                e.kind,
                e.partner_id or "",
                e.submitted_by,
                e.received_on.isoformat(),
                SYNTHETIC_NOTE,
            ]
            for e in entries
        ],
    )
    (folder / "README.md").write_text(
        _README.format(
            note=SYNTHETIC_NOTE,
            summary="\n".join(_summary(schools, gen)),
            late=", ".join(f"`{p.partner_id}`" for p in partners if p.late_spring),
            excel=", ".join(f"`{p.partner_id}`" for p in partners if p.uk_dates),
        ),
        encoding="utf-8",
    )
    return entries


_README = """# Demo data

**{note}.**

Every partner (other than the lead partner, named for realism), every school, URN, postcode
and figure here is made up by `hubmetrics/demo.py`; the town and village names are real so
that the maps look right.

Regenerate with `python -m hubmetrics.demo --out data/demo` (deterministic: the same seed
always writes the same bytes). `manifest.csv` lists the files in load order with who sent each
and when it would have arrived; the files load through the normal ingestion.

## What is in it

{summary}

## What it is meant to show

- whole-class ensemble teaching (`wcet`) in Year 4 across many primaries; tuition and
  ensembles thinning with age; `advanced` ensembles mostly at KS4/KS5;
- children on free school meals and with SEND clearly under-represented in Corby and
  Wellingborough; rural schools (especially in Rutland and South Northamptonshire) more often
  cold spots;
- `continuing_from_wcet` on some KS2/KS3 tuition groups, so a continuation rate can be worked
  out year on year;
- pseudonymised records (`participants_NMPAT_*.csv`) of the lead partner's own pupils in its
  whole-class teaching, tuition, ensembles and choirs, one file per term sent with that term's
  return: invented children with made-up pupil numbers, turned into the hub's pseudonyms with
  the demo's own key (`hubmetrics/demo_participants.py`). Most stop after whole-class teaching;
  about one in five goes on to tuition the year after; a few reach ensembles and advanced
  groups. The other partners send no records, as most partners would not;
- breakdowns left blank (not recorded) by some partners and on some rows;
- 2025/26 part-way through (the demo's today is early March 2026): autumn and spring only,
  and {late} have not sent their spring return yet;
- {excel} save from Excel: UK dates (DD/MM/YYYY), a byte-order mark and CRLF
  line endings;
- exactly two rows with a URN that is not in `schools.csv` (a typo and a school opened since
  the list was taken): a warning, not an error. Nothing else is invalid.
"""


_TEMPLATE_ROWS: dict[str, tuple[tuple[str, ...], ...]] = {
    "partners": (
        ("EXAMPLE-TRUST", "Example Music Trust", "arts_organisation", "https://example.org/trust"),
        ("EXAMPLE-CHOIR", "Example Community Choir", "community", "https://example.org/choir"),
    ),
    "schools": (
        (
            "999991",
            "Example Primary School",
            "primary",
            "West Northamptonshire",
            "Northampton",
            "ZZ99 9ZZ",
            "52.24000",
            "-0.90000",
            "210",
            "18.5",
            "14.2",
            "5",
            "no",
            "yes",
        ),
        (
            "999992",
            "Example Village Academy",
            "secondary",
            "North Northamptonshire",
            "East Northamptonshire",
            "ZZ99 9ZY",
            "52.40000",
            "-0.55000",
            "850",
            "9.0",
            "12.0",
            "8",
            "yes",
            "yes",
        ),
    ),
    "activities": (
        (
            "EXAMPLE-TRUST",
            "EX-001",
            "Example Year 4 whole-class violin",
            "wcet",
            "classical",
            "beginner",
            "2025-09-08",
            "2026-07-17",
            "999991",
            "",
            "ks2",
            "28",
            "28",
            "",
            "14",
            "14",
            "5",
            "4",
            "1",
            "0",
            "3",
            "6",
            "0",
            "30",
            "30",
        ),
        (
            "EXAMPLE-CHOIR",
            "EX-002",
            "Example community youth choir",
            "choir",
            "choral",
            "intermediate",
            "13/09/2025",
            "13/12/2025",
            "",
            "ZZ99 9ZZ",
            "ks3",
            "18",
            "6",
            "",
            "12",
            "6",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "12",
            "18",
        ),
    ),
    # Example pseudonyms in the hub's format (`p_` and 20 hexadecimal characters).
    "participants": (
        (
            "p_4f1c0a9e6b2d83a57c10",
            "EXAMPLE-TRUST",
            "EX-001",
            "2025-09-08",
            "ks2",
            "F",
            "Y",
            "K",
            "N",
            "N",
            "N",
            "N",
            "WBRI",
            "ZZ99",
            "999991",
        ),
        (
            "p_9a07d2e15c3b48f6e021",
            "EXAMPLE-TRUST",
            "EX-001",
            "2025-09-08",
            "ks2",
            "M",
            "",
            "N",
            "N",
            "",
            "Y",
            "",
            "APKN",
            "ZZ99",
            "999991",
        ),
    ),
}


def write_templates(folder: Path) -> list[Path]:
    """Write an upload template for each file kind: the contract header and two example rows."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in (PARTNERS, SCHOOLS, ACTIVITIES, PARTICIPANTS):
        rows = _TEMPLATE_ROWS[kind.name]
        assert all(len(row) == len(kind.column_names) for row in rows)
        path = folder / f"{kind.name}.csv"
        _write_csv(path, kind.column_names, rows)
        written.append(path)
    return written


def read_manifest(folder: Path) -> list[DemoFile]:
    """The demo files listed in `folder`'s manifest.csv, in load order."""
    with (folder / MANIFEST_NAME).open(encoding="utf-8", newline="") as handle:
        return [
            DemoFile(
                file_name=row["file_name"],
                kind=row["kind"],
                partner_id=row["partner_id"] or None,
                submitted_by=row["submitted_by"],
                received_on=dt.date.fromisoformat(row["received_on"]),
            )
            for row in csv.DictReader(handle)
        ]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: regenerate the demo files."""
    parser = argparse.ArgumentParser(
        prog="python -m hubmetrics.demo", description="Write the synthetic demo CSV files."
    )
    parser.add_argument("--out", type=Path, default=DEMO_DIR, help="folder (default data/demo)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument(
        "--templates",
        type=Path,
        nargs="?",
        const=TEMPLATES_DIR,
        help="also write the upload templates (to data/templates unless a folder is given)",
    )
    args = parser.parse_args(argv)
    if args.templates:
        write_templates(args.templates)
    entries = write_demo_files(args.out, args.seed)
    print(f"Wrote {len(entries)} files and {MANIFEST_NAME} to {args.out}")
    readme = (args.out / "README.md").read_text(encoding="utf-8")
    print(readme.split("## What is in it")[1].split("##")[0].strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
