"""The kinds of activity the demo's partners run: whole-class teaching, tuition, ensembles..."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from hubmetrics.demo.dates import TERMS
from hubmetrics.demo.draws import binom, clamp, pick
from hubmetrics.demo.generator import Generator, Mix
from hubmetrics.demo.partners import LEAD_PARTNER
from hubmetrics.demo.schools import School

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
LEVEL_BY_AGE = {
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


class ActivityKinds(Generator):
    """Each kind of activity, as the partners' programmes call on it."""

    def wcet(self, pid: str, school: School) -> None:
        rng = self.rng
        pupils = school.pupils or 200
        if school.phase == "all_through":
            pupils = round(pupils * 0.45)
        year_group = pupils / (4 if school.junior else 7)
        classes = min(3, max(1, round(year_group / 30)))
        mixed = year_group < 16
        instrument = pick(rng, [(w[0], w[1]) for w in _WCET_INSTRUMENTS])
        genre = next(g for i, _, g in _WCET_INSTRUMENTS if i == instrument)
        term = self.year_term(0.68, 0.22)
        start = self.start(term, 18)
        one_term = term == "autumn" and rng.random() < 0.15
        end = self.term_end("autumn") if one_term else self.year_end()
        hours = rng.choice((0.75, 1.0))
        for k in range(classes):
            if mixed:
                size = round(clamp(year_group * 2 * rng.uniform(0.85, 1.0), 6, 30))
                title = f"Years 3 and 4 whole-class {instrument}"
            else:
                size = round(clamp(year_group / classes * rng.uniform(0.88, 1.04), 12, 32))
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
                continuing=binom(rng, size, 0.9),
            )

    def tuition(
        self, pid: str, school: School, ages: Sequence[tuple[str, float]], prefix: str = "TUI"
    ) -> None:
        rng = self.rng
        age = pick(rng, ages)
        kind = pick(rng, _TUITION_TYPES[age])
        instrument, _, genres, girls = rng.choices(
            _INSTRUMENTS, weights=[i[1] for i in _INSTRUMENTS]
        )[0]
        genre = pick(rng, genres)
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
                continuing = binom(rng, size, 0.35 + 0.03 * self.y.index)
            elif age == "ks3" and rng.random() < 0.45:
                continuing = binom(rng, size, 0.22)
        hours = {"tuition_individual": rng.choice((1 / 3, 0.5)), "tuition_small_group": 0.5}
        self.add(
            pid,
            self.next_id(pid, prefix, 5),
            f"{instrument} {_TUITION_LABEL[kind]}",
            kind,
            genre,
            pick(rng, LEVEL_BY_AGE[age]),
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

    def school_ensemble(self, pid: str, school: School, age: str, *, choir: bool) -> None:
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

    def singing(self, pid: str, school: School, age: str) -> None:
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
        school: School,
        age: str,
        title: str,
        genre: str,
        *,
        size: tuple[int, int] = (15, 45),
        prefix: str = "WS",
        term: str | None = None,
        **factors: Unpack[Mix],
    ) -> None:
        mix = Mix(new_share=0.6)
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

    def early_years(self, pid: str, school: School) -> None:
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

    def sensory(self, pid: str, school: School, prefix: str = "SEN") -> None:
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

    def beats_project(self, pid: str, school: School, prefix: str = "BEAT") -> None:
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
        school: School | None = None,
        place: str | None = None,
        venue: str | None = None,
        hours: float = 1.5,
        weekday: int | None = None,
        **extra: Unpack[Mix],
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
        school: School | None = None,
        place: str | None = None,
        venue: str | None = None,
        hours: float = 4.0,
        within: int = 70,
        **extra: Unpack[Mix],
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
