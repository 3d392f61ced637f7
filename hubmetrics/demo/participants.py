"""Synthetic pseudonymised records of the lead partner's own pupils, for the demo.

The children are invented. Each has a made-up UPN, turned into the hub's pseudonym exactly
as a partner would (`hubmetrics.pseudonymise.pseudonym`, with the demo's own key), so no
identifier is ever written. Their pathways are believable: whole-class teaching in Year 4;
about one in five carries on the year after (in the continuation groups and tuition of their
school); most of those keep going; a few reach ensembles and advanced groups.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from hubmetrics.contract import ENSEMBLE_TYPES, ETHNICITY_GROUPS, INSTRUMENTAL_TYPES, PARTICIPANTS
from hubmetrics.disclosure.pseudonymise import pseudonym

# The demo's key (not secret: the demo data is invented). A real hub makes its own key with
# `hubmetrics pseudonymise --new-key`.
DEMO_KEY = bytes.fromhex("de3000" * 10 + "de30")
# The lead partner's pupil database covers its whole-class teaching, tuition, ensembles and
# choirs; its singing days, workshops and performances keep no register of names.
RECORDED_TYPES = ("wcet", *INSTRUMENTAL_TYPES, *ENSEMBLE_TYPES)
# A place in an activity that is not a child continuing from whole-class teaching is, with
# these chances: a child who took part the year before (same age band), a child already in
# another group this year, or a child new to the records.
RETURNING, ALSO_ELSEWHERE = 0.6, 0.18
# An advanced group keeps one place, with this chance, for a child of a whole-class cohort
# who was in tuition and an ensemble the year before.
HIGH_FLYER = 0.15
_BAND_OF_YEAR_GROUP = {
    **{y: "ks1" for y in (1, 2)},
    **{y: "ks2" for y in (3, 4, 5, 6)},
    **{y: "ks3" for y in (7, 8, 9)},
    **{y: "ks4" for y in (10, 11)},
    **{y: "ks5" for y in (12, 13)},
}
_YEAR_GROUPS = {
    "ks1": (1, 2),
    "ks2": (3, 4, 5, 6),
    "ks3": (7, 8, 9),
    "ks4": (10, 11),
    "ks5": (12, 13),
}
_WHITE = (("WBRI", 0.86), ("WOTH", 0.09), ("WIRI", 0.03), ("WIRT", 0.01), ("WROM", 0.01))
_GLOBAL_MAJORITY = tuple(
    (code, weight)
    for code, weight in (
        ("AIND", 0.13), ("APKN", 0.08), ("ABAN", 0.05), ("AOTH", 0.06), ("BAFR", 0.2),
        ("BCRB", 0.06), ("BOTH", 0.03), ("MWBC", 0.1), ("MWBA", 0.06), ("MWAS", 0.07),
        ("MOTH", 0.08), ("CHNE", 0.03), ("OOTH", 0.05),
    )
)  # fmt: skip
assert {c for c, _ in _WHITE} <= set(ETHNICITY_GROUPS["White"])
NOT_KNOWN_ETHNICITY = 0.03

Row = Mapping[str, object]


@dataclass(eq=False)  # each child is itself: compared by identity
class Child:
    """An invented child: who they are to the records, and where they are in school."""

    ref: str
    year_group: int  # in the academic year first seen
    first_year: int
    sex: str
    fsm: bool | None
    send: str | None
    lac: bool | None
    eal: bool | None
    young_carer: bool | None
    ethnicity: str | None
    district: str | None
    school_urn: int | None
    cohort: int | None = None  # the year of their whole-class teaching, if seen there first
    history: dict[int, set[str]] = field(default_factory=dict)  # year -> what they did

    def band(self, year: int) -> str:
        return _BAND_OF_YEAR_GROUP.get(self.year_group + year - self.first_year, "adult")


@dataclass
class School:
    """What the records need of a school: its postcode district and its global-majority rate."""

    district: str
    global_majority: float


@dataclass
class Record:
    child: Child
    row: Row


def make_records(rows: Iterable[Row], schools: Mapping[int, School], seed: int) -> list[Record]:
    """One record per child per recorded activity: as many as each activity's participants."""
    rng = random.Random(seed)
    maker = _Maker(rng, schools)
    by_year: dict[int, list[Row]] = {}
    for row in rows:
        if row["activity_type"] in RECORDED_TYPES:
            by_year.setdefault(_year_of(_start(row)), []).append(row)
    records: list[Record] = []
    for year in sorted(by_year):
        maker.new_year(year)
        # Whole-class teaching first: its children are new; then the groups they go on to.
        ordered = sorted(
            by_year[year],
            key=lambda r: (r["activity_type"] != "wcet", _start(r), str(r["activity_id"])),
        )
        for row in ordered:
            records += [Record(child, row) for child in maker.fill(row)]
    return records


def record_cells(record: Record) -> list[str]:
    """The participants file's cells for one record, in the contract's order."""
    c, row = record.child, record.row
    start = _start(row)
    values: dict[str, object] = {
        "participant_ref": c.ref,
        "partner_id": row["partner_id"],
        "activity_id": row["activity_id"],
        "start_date": start.isoformat(),
        "age_band": c.band(_year_of(start)),
        "sex": c.sex,
        "fsm": c.fsm,
        "send": c.send,
        "ehcp": None if c.send is None else c.send == "E",
        "lac": c.lac,
        "eal": c.eal,
        "young_carer": c.young_carer,
        "ethnicity": c.ethnicity,
        "postcode_district": c.district,
        "school_urn": c.school_urn,
    }
    return [_cell(values[name]) for name in PARTICIPANTS.column_names]


class _Maker:
    def __init__(self, rng: random.Random, schools: Mapping[int, School]) -> None:
        self.rng, self.schools = rng, schools
        self.count = 0
        self.year = 0
        self.wcet_last: dict[int | None, list[Child]] = {}  # by school
        self.returning: dict[str, list[Child]] = {}  # by this year's band
        self.this_year: dict[str, list[Child]] = {}  # already in a group this year, by band
        self.seen_this_year: set[int] = set()
        self.high_flyers: list[Child] = []
        self.everyone: list[Child] = []

    def new_year(self, year: int) -> None:
        rng, self.year = self.rng, year
        last = year - 1
        self.wcet_last = {}
        self.returning = {}
        self.high_flyers = []
        for child in self.everyone:
            did = child.history.get(last, set())
            if "wcet" in did:
                self.wcet_last.setdefault(child.school_urn, []).append(child)
            if did - {"wcet"}:
                self.returning.setdefault(child.band(year), []).append(child)
            if child.cohort is not None and {"tuition", "ensemble"} <= did:
                self.high_flyers.append(child)
        for group in (*self.wcet_last.values(), *self.returning.values(), self.high_flyers):
            rng.shuffle(group)
        self.this_year = {}
        self.seen_this_year = set()

    def fill(self, row: Row) -> list[Child]:
        n = int(str(row["participants"]))
        kind = str(row["activity_type"])
        urn = row["school_urn"] if isinstance(row["school_urn"], int) else None
        if kind == "wcet":
            return self.new_children(row, n, cohort=True)
        band = str(row["age_band"])
        chosen: list[Child] = []
        if row["level"] == "advanced" and self.high_flyers and self.rng.random() < HIGH_FLYER:
            chosen.append(self.high_flyers.pop())
        continuing = row["continuing_from_wcet"]
        # Last year's Year 4 are in Year 5: only a KS2 group takes them on.
        from_wcet = continuing if isinstance(continuing, int) and band == "ks2" else 0
        for _ in range(from_wcet):
            child = self.from_wcet(urn)
            if child is not None and child not in chosen:
                chosen.append(child)
        while len(chosen) < n:
            draw = self.rng.random()
            child = None
            if draw < RETURNING:
                child = _pop_unused(self.returning.get(band, []), chosen)
            elif draw < RETURNING + ALSO_ELSEWHERE:
                child = _pick_unused(self.rng, self.this_year.get(band, []), chosen)
            if child is None:
                child = self.new_children(row, 1, cohort=False)[0]
            chosen.append(child)
        for child in chosen[:n]:
            self.note(child, kind, row)
        return chosen[:n]

    def from_wcet(self, urn: int | None) -> Child | None:
        """A child from last year's whole-class teaching: at the same school if possible."""
        here = self.wcet_last.get(urn)
        if here:
            return here.pop()
        others = [group for group in self.wcet_last.values() if group]
        return self.rng.choice(others).pop() if others else None

    def note(self, child: Child, kind: str, row: Row) -> None:
        did = child.history.setdefault(self.year, set())
        did.add(_stage(kind))
        if row["level"] == "advanced":
            did.add("advanced")
        if kind == "wcet":
            return  # the year of whole-class teaching is the start of the pathway
        if id(child) not in self.seen_this_year:
            self.seen_this_year.add(id(child))
            self.this_year.setdefault(child.band(self.year), []).append(child)

    def new_children(self, row: Row, n: int, *, cohort: bool) -> list[Child]:
        """Children new to the records, their details matching the activity's counts where it
        records them (a whole-class group is all new children)."""
        rng = self.rng
        urn = row["school_urn"] if isinstance(row["school_urn"], int) else None
        school = self.schools.get(urn) if urn is not None else None
        venue = row.get("venue_postcode")
        district = (
            school.district if school else _outcode(venue) if isinstance(venue, str) else None
        )
        gm_rate = school.global_majority if school else 0.15
        band = str(row["age_band"])
        if band not in _YEAR_GROUPS:
            band = rng.choice(("ks2", "ks3"))

        # The group's counts describe all its children; a few new ones among them are a
        # random few of those, so each detail is dealt from the whole group and cut to n.
        size = max(n, int(str(row["participants"])))

        def share(column: str) -> list[bool | None]:
            counted = row.get(column)
            if not isinstance(counted, int):
                return [None] * n
            flags: list[bool | None] = [i < counted for i in range(size)]
            rng.shuffle(flags)
            return flags[:n]

        female = row.get("female")
        male = row.get("male")
        if isinstance(female, int) and isinstance(male, int):
            sexes = ["F" if i < female else "M" if i < female + male else "U" for i in range(size)]
        else:
            sexes = [rng.choice("FM") for _ in range(size)]
        rng.shuffle(sexes)
        sexes = sexes[:n]
        fsm, lac, eal, carer = share("fsm"), share("lac"), share("eal"), share("young_carer")
        gm = share("global_majority")
        send = self.send_codes(row, size)[:n]
        children = []
        for i in range(n):
            self.count += 1
            upn = f"{'ABCDEFGHJKLMNPQRTUVWXYZ'[self.count % 23]}{830000000000 + self.count:012d}"
            is_gm = gm[i] if gm[i] is not None else rng.random() < gm_rate
            child = Child(
                ref=pseudonym(upn, DEMO_KEY),
                year_group=4 if cohort else rng.choice(_YEAR_GROUPS[band]),
                first_year=self.year,
                sex=sexes[i],
                fsm=fsm[i],
                send=send[i],
                lac=lac[i],
                eal=eal[i],
                young_carer=carer[i],
                ethnicity=self.ethnicity(bool(is_gm)),
                district=district,
                school_urn=urn,
                cohort=self.year if cohort else None,
            )
            self.everyone.append(child)
            if cohort:
                self.note(child, "wcet", row)
            children.append(child)
        return children

    def send_codes(self, row: Row, n: int) -> list[str | None]:
        send, ehcp = row.get("send"), row.get("ehcp")
        if not isinstance(send, int):
            return [None] * n
        e = ehcp if isinstance(ehcp, int) else 0
        codes: list[str | None] = ["E" if i < e else "K" if i < send else "N" for i in range(n)]
        self.rng.shuffle(codes)
        return codes

    def ethnicity(self, global_majority: bool) -> str:
        rng = self.rng
        if rng.random() < NOT_KNOWN_ETHNICITY:
            return rng.choice(ETHNICITY_GROUPS["Not known"])
        pool = _GLOBAL_MAJORITY if global_majority else _WHITE
        return rng.choices([c for c, _ in pool], weights=[w for _, w in pool])[0]


def _stage(kind: str) -> str:
    if kind.startswith("tuition"):
        return "tuition"
    if kind in ("ensemble", "choir"):
        return "ensemble"
    return kind


def _pop_unused(group: list[Child], chosen: Sequence[Child]) -> Child | None:
    while group:
        child = group.pop()
        if child not in chosen:
            return child
    return None


def _pick_unused(
    rng: random.Random, group: Sequence[Child], chosen: Sequence[Child]
) -> Child | None:
    if not group:
        return None
    child = rng.choice(group)
    return None if child in chosen else child


def _outcode(postcode: str) -> str:
    return postcode.split()[0].upper()


def _start(row: Row) -> dt.date:
    start = row["start_date"]
    assert isinstance(start, dt.date)
    return start


def _year_of(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    return str(value)
