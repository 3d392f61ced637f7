"""The programmes of the community partners and of the inclusive and other partners."""

from __future__ import annotations

import datetime as dt

from hubmetrics.demo.activity_kinds import ActivityKinds
from hubmetrics.demo.dates import TERMS, next_weekday
from hubmetrics.demo.generator import Mix
from hubmetrics.demo.places import (
    CORBY,
    DAVENTRY,
    EAST_NORTHAMPTONSHIRE,
    NORTHAMPTON,
    WELLINGBOROUGH,
)


class CommunityProgrammes(ActivityKinds):
    """Choirs, youth music, bhangra, folk and gospel; inclusive music, libraries, care leavers."""

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
        day = next_weekday(dt.date(self.y.year, 12, 6), 5)
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
        reach = Mix(
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
            for school in self.engaged(phases=("alternative_provision",), districts=(CORBY,)):
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
        primaries = self.engaged(phases=("primary",), districts=(NORTHAMPTON, WELLINGBOROUGH))
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
        rural = [
            s
            for s in self.engaged(phases=("primary",), districts=(EAST_NORTHAMPTONSHIRE, DAVENTRY))
            if s.rural
        ]
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
        primaries = self.engaged(phases=("primary",), districts=(WELLINGBOROUGH,))
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
