"""The programmes of the arts organisations and of the college and university partners."""

from __future__ import annotations

import datetime as dt

from hubmetrics.demo.activity_kinds import ActivityKinds
from hubmetrics.demo.dates import TERMS, next_weekday


class ArtsAndEducationProgrammes(ActivityKinds):
    """Rock school, jazz, SoundLab, opera, Tiny Tunes; the college and the university."""

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
        day = next_weekday(dt.date(self.y.year + 1, 8, 10), 0)
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
