"""The programmes of the lead partner, the other music services and the two school partners."""

from __future__ import annotations

import datetime as dt

from hubmetrics.demo.activity_kinds import LEVEL_BY_AGE, ActivityKinds
from hubmetrics.demo.dates import TERMS, next_weekday
from hubmetrics.demo.draws import pick, poisson
from hubmetrics.demo.partners import LEAD_PARTNER
from hubmetrics.demo.places import (
    CORBY,
    EAST_NORTHAMPTONSHIRE,
    RUTLAND,
    SOUTH_NORTHAMPTONSHIRE,
    WELLINGBOROUGH,
)
from hubmetrics.demo.schools import School

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


class MusicServiceProgrammes(ActivityKinds):
    """The music services' work in schools and centrally, and the school partners'."""

    def home_service(self, school: School) -> None:
        """The music service's work in a school that takes part this year."""
        rng, habit = self.rng, self.habit
        pid = "WELLAND-MS" if school.place.district == RUTLAND else LEAD_PARTNER
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
                for _ in range(poisson(rng, 4.8 * self.y.growth * size / 300)):
                    self.tuition(pid, school, (("ks2", 0.9), ("ks1", 0.1)))
            if habit(school, "singing", 0.7 if school.infant else 0.25):
                self.singing(pid, school, "ks1" if school.infant else rng.choice(("ks1", "ks2")))
            if habit(school, "choir", 0.15):
                self.school_ensemble(pid, school, "ks2", choir=True)
            if habit(school, "ensemble", 0.12):
                self.school_ensemble(pid, school, "ks2", choir=False)
        if phase == "middle":
            for _ in range(poisson(rng, 6.0 * self.y.growth * pupils / 450)):
                self.tuition(pid, school, (("ks2", 0.45), ("ks3", 0.55)))
            if habit(school, "ensemble", 0.4):
                self.school_ensemble(pid, school, "ks3", choir=rng.random() < 0.4)
        if phase in ("secondary", "all_through"):
            size = pupils if phase == "secondary" else pupils * 0.55
            for _ in range(poisson(rng, 18.0 * self.y.growth * size / 1100)):
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
        summer_start = next_weekday(dt.date(self.y.year + 1, 8, 3), 0)
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
        for school in self.engaged(phases=("secondary",), districts=(CORBY,)):
            if self.rng.random() < 0.5:
                for _ in range(self.rng.randint(2, 6)):
                    self.tuition(pid, school, (("ks3", 0.6), ("ks4", 0.3), ("ks5", 0.1)))

    def brass(self) -> None:
        pid, rng = "NVBT", self.rng
        for school in self.engaged(
            phases=("primary", "secondary"), districts=(EAST_NORTHAMPTONSHIRE, WELLINGBOROUGH)
        ):
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
                        pick(rng, LEVEL_BY_AGE[age]),
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
        for pid, district in (("SCH-CORBY", CORBY), ("SCH-TOWCESTER", SOUTH_NORTHAMPTONSHIRE)):
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

    def fill_gaps(self) -> None:
        """Every school that takes part this year has at least one activity."""
        for school in self.y.engaged:
            if school.urn in self.y.touched:
                continue
            pid = "WELLAND-MS" if school.place.district == RUTLAND else LEAD_PARTNER
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
