"""Reach as tables for people: participations by age band, the hard-to-reach groups against
the area, each area's figures, reach by IMD decile, the schools on the map, the schools'
coverage and cold spots, each partner's contribution, and the sentences beside them.

Each table says which of its columns count children and which ratios are made from them,
so that whoever shows or shares it can hide small numbers (hubmetrics.disclosure).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from hubmetrics.contract import AGE_BAND_LABELS, AGE_BANDS, PHASE_LABELS
from hubmetrics.metrics import reach as reach_lib
from hubmetrics.metrics.compute import MetricValue
from hubmetrics.metrics.deprivation import DecileReach
from hubmetrics.metrics.reach import DistrictReach, PartnerContribution, SchoolReach

# The hard-to-reach groups set against the area: (name, share, area baseline, representation).
# The global majority's area share is the goals file's, so it has no baseline metric; looked-after
# children have no area figure at all. (The board pack's sections set out the same groups.)
GROUPS = (
    ("Free school meals", "fsm_share", "fsm_baseline", "fsm_representation"),
    ("SEND", "send_share", "send_baseline", "send_representation"),
    ("Global majority", "global_majority_share", None, "global_majority_representation"),
)
NOT_AT_A_SCHOOL = "Not at a listed school"
AREA_FIGURES = (
    "participations",
    "fsm_share",
    "fsm_baseline",
    "fsm_representation",
    "send_share",
    "send_baseline",
    "send_representation",
    "global_majority_share",
    "lac_participants",
)
HARD_TO_REACH = (
    "Each group's share of participants set against its share of the area: "
    "**1.00 is parity** — the group takes part in proportion to its place in the area. "
    "Free school meals and SEND are counted over school-age participants (KS1–KS5) where "
    "the partner recorded them, against the state-funded schools' pupils; the global "
    "majority over every participant where recorded, against the area share in the goals "
    "file."
)
PARTICIPATIONS_NOTE = (
    "Participations count a child once for every activity they take part in; they are "
    "not a count of different children."
)
NOT_AT_A_SCHOOL_NOTE = (
    f"“{NOT_AT_A_SCHOOL}”: activities with no school, or a URN that is not in the "
    "schools list, so with no area to compare against."
)


class Located(Protocol):
    """A school or a district: where it is, if known."""

    @property
    def longitude(self) -> float | None: ...

    @property
    def latitude(self) -> float | None: ...


L = TypeVar("L", bound=Located)


@dataclass(frozen=True)
class Table:
    """Rows for a table, with the columns that count children (`counts`) and, for each
    column of ratios, the counts it was made from (`ratios`)."""

    rows: Sequence[Mapping[str, object]]
    counts: Sequence[str] = ()
    ratios: Mapping[str, Sequence[str]] = field(default_factory=dict)


def key_figures(values: Mapping[str, MetricValue]) -> list[str]:
    """The metrics at the top of Reach: individual children too where there are records."""
    keys = ["participations", "cyp_participations", "school_age_participations", "partners_active"]
    if values["unique_cyp"].value is not None:
        keys.insert(2, "unique_cyp")
    return keys


def age_bands(values: Mapping[str, MetricValue]) -> Table:
    """Participations in each of the age bands, all of them, in the contract's order."""
    bands = values["participations_by_age_band"].value
    assert isinstance(bands, dict)
    rows = [{"Age band": AGE_BAND_LABELS[b], "Participations": bands[b]} for b in AGE_BANDS]
    return Table(rows, counts=["Participations"])


def hard_to_reach(values: Mapping[str, MetricValue]) -> Table:
    """Each group's share of participants, the area's share and the representation."""
    rows = [_group_row(label, values, *keys) for label, *keys in GROUPS]
    counts = ["Participants in the group", "Participants counted"]
    return Table(rows, counts, {"Share of participants": counts, "Representation": counts})


def by_area(groups: Mapping[str | None, Mapping[str, MetricValue]], title: str) -> Table:
    """A row for each area (`title` its column), and one for the activities at no listed
    school where there are any."""
    rows = [
        _area_row(NOT_AT_A_SCHOOL if group is None else group, values, title)
        for group, values in groups.items()
        if group is not None or values["participations"].rows
    ]
    ratios = {
        name: ["Participations"]
        for name in (
            "FSM share",
            "FSM representation",
            "SEND share",
            "SEND representation",
            "Global majority share",
        )
    }
    return Table(rows, ["Participations", "Looked-after"], ratios)


def school_counts(with_children: bool) -> list[str]:
    """The columns of the schools' table that count children."""
    return ["Participations", "Individual children"] if with_children else ["Participations"]


def placed(items: Sequence[L]) -> list[L]:
    """The schools (or districts) with a location, which a map can draw."""
    return [s for s in items if s.latitude is not None and s.longitude is not None]


def by_district(on_map: Sequence[SchoolReach]) -> bool:
    """Whether the map draws districts: more schools than can be drawn one by one."""
    return len(on_map) > reach_lib.SCHOOL_MAP_LIMIT


def district_participations(districts: Sequence[DistrictReach]) -> Table:
    """Each district's participations (to hide small ones by, as in a table)."""
    rows = [{"District": d.district, "Participations": d.participations} for d in districts]
    return Table(rows, counts=["Participations"])


def school_totals(schools: Sequence[SchoolReach]) -> list[tuple[str, int]]:
    """The counts of schools beside the map (schools, not children: never hidden)."""
    return [
        (
            "Engaged state-funded schools (●)",
            sum(1 for s in schools if s.state_funded and s.engaged),
        ),
        ("Cold spots: no activity (×)", sum(s.cold_spot for s in schools)),
        ("Independent (□, not counted)", sum(not s.state_funded for s in schools)),
    ]


def map_note(schools: Sequence[SchoolReach]) -> str:
    """What the map draws, and how many schools it cannot (no location)."""
    on_map = placed(schools)
    missing = len(schools) - len(on_map)
    return (
        f"{len(on_map):,} schools are too many to draw one by one: each circle is a "
        "district, its area growing with participations and its colour with the share "
        "of its state-funded schools reached. Choose a local authority to see its "
        "schools. "
        if by_district(on_map)
        else "A circle's area grows with the school's participations in the selection. "
        "Point at a school for its name and figures."
    ) + (
        f" {missing:,} of the schools {'has' if missing == 1 else 'have'} no location "
        "and cannot be shown."
        if missing
        else ""
    )


def looked_after_note(lac: MetricValue) -> str:
    """Why looked-after children are a count alone, and the rows that did not record it."""
    skipped = f"{lac.skipped:,} activity rows did not record it." if lac.skipped else ""
    return (
        "There is no area figure for looked-after children in the schools list, so only "
        f"the count is shown. {skipped}"
    )


def percent(value: object) -> float | None:
    """A share (0.13) as a percentage (13.0); no data stays None."""
    return value * 100 if isinstance(value, int | float) else None


def _group_row(
    label: str, values: Mapping[str, MetricValue], share: str, base: str | None, rep: str
) -> dict[str, object]:
    s, r = values[share], values[rep]
    area = values[base].value if base else r.denominator
    return {
        "Group": label,
        "Share of participants": percent(s.value),
        "Area's share": percent(area),
        "Representation": r.value,
        "Participants in the group": s.numerator,
        "Participants counted": s.denominator,
        "Rows not recorded": s.skipped,
    }


def _area_row(name: str, values: Mapping[str, MetricValue], title: str) -> dict[str, object]:
    return {
        title: name,
        "Participations": values["participations"].value,
        "FSM share": percent(values["fsm_share"].value),
        "FSM area": percent(values["fsm_baseline"].value),
        "FSM representation": values["fsm_representation"].value,
        "SEND share": percent(values["send_share"].value),
        "SEND area": percent(values["send_baseline"].value),
        "SEND representation": values["send_representation"].value,
        "Global majority share": percent(values["global_majority_share"].value),
        "Looked-after": values["lac_participants"].value,
    }


# --- Reach by IMD decile of the school ---------------------------------------------------

DECILE = "IMD decile"
NO_DECILE = "No decile"
DECILE_COLUMNS = (
    "Participations",
    "Share of participations",
    "Schools engaged",
    "State-funded schools",
    "Share of the area's pupils",
)
DECILE_INTRO = (
    "Participations and state-funded schools engaged by the IMD decile of the school where "
    "the activity took place (English Indices of Deprivation 2019: **1 is the most deprived "
    "tenth** of England's neighbourhoods, 10 the least), set against each decile's share of "
    "the pupils of the area's state-funded schools. Parity is a decile's share of "
    "participations equal to its share of the pupils."
)
DECILE_NOTE = (
    f"“{NO_DECILE}”: activities at no listed school (a venue's postcode district has no "
    "decile), and schools whose neighbourhood has none (outside England, or not recorded)."
)
DECILE_WHOLE_HUB_ONLY = (
    "Reach by IMD decile is shown for the whole hub only: choose All for the partner, the "
    "local authority and the age band to see it. (Split again by a filter, small numbers "
    "could be worked out from it.)"
)
DECILE_ALL_HIDDEN = (
    "In this year the deciles' participations could be matched to other figures by "
    "subtraction, so they are hidden ([c]); the schools and pupils are shown."
)


def decile_label(decile: int | None) -> str:
    """`1 (most deprived)` … `10 (least deprived)`, or `No decile`."""
    if decile is None:
        return NO_DECILE
    return {1: "1 (most deprived)", 10: "10 (least deprived)"}.get(decile, str(decile))


def by_decile(deciles: Sequence[DecileReach]) -> Table:
    """A row for each decile 1–10 and one for no decile where it has anything: its
    participations and their share of all, its state-funded schools engaged and in all, and
    its share of the state-funded schools' pupils."""
    participations = sum(d.participations for d in deciles)
    pupils = sum(d.pupils for d in deciles)
    rows = [
        {
            DECILE: decile_label(d.decile),
            "Participations": d.participations,
            "Share of participations": percent(_part(d.participations, participations)),
            "Schools engaged": d.schools_engaged,
            "State-funded schools": d.state_schools,
            "Share of the area's pupils": percent(_part(d.pupils, pupils)),
        }
        for d in deciles
        if d.decile is not None or d.participations or d.state_schools
    ]
    return Table(rows, ["Participations"], {"Share of participations": ["Participations"]})


def decile_rows_shown(table: Table, shown: Mapping[int | None, object]) -> list[dict[str, object]]:
    """The decile table with each decile's participations as `shown` has them (a count or
    `[c]`), and the share made from a hidden count hidden with it."""
    by_label = {decile_label(d): d for d in shown}
    out = []
    for row in table.rows:
        row = dict(row)
        value = shown[by_label[str(row[DECILE])]]
        row["Participations"] = value
        if isinstance(value, str):
            row["Share of participations"] = value
        out.append(row)
    return out


def _part(n: int, whole: int) -> float | None:
    return n / whole if whole else None


# --- Schools: coverage and the cold spots -----------------------------------------------

COVERAGE_FIGURES = ("state_schools", "schools_engaged", "cold_spot_schools", "school_coverage")


def coverage(
    groups: Mapping[str | None, Mapping[str, MetricValue]], by: str, title: str
) -> list[dict[str, object]]:
    """A row for each phase (in the order children go through them) or area with
    state-funded schools: how many, how many engaged, the cold spots and the coverage."""
    if by == "phase":
        order = list(PHASE_LABELS)
        groups = dict(
            sorted(groups.items(), key=lambda g: order.index(g[0]) if g[0] in order else 99)
        )
    rows: list[dict[str, object]] = []
    for group, values in groups.items():
        schools = values["state_schools"].value
        if group is None or not schools:  # activities with no known school; no state schools
            continue
        share = values["school_coverage"].value
        rows.append(
            {
                title: PHASE_LABELS.get(group, group) if by == "phase" else group,
                "State-funded schools": schools,
                "Engaged": values["schools_engaged"].value,
                "Cold spots": values["cold_spot_schools"].value,
                "Coverage": share * 100 if isinstance(share, float) else None,
            }
        )
    return rows


COLD_SPOT_COLUMNS = (
    "URN",
    "School",
    "Phase",
    "Local authority",
    "District",
    "Postcode",
    "Pupils",
    "FSM %",
)


def cold_spot_row(s: SchoolReach) -> dict[str, object]:
    return {
        "URN": s.urn,
        "School": s.name,
        "Phase": PHASE_LABELS.get(s.phase, s.phase),
        "Local authority": s.local_authority,
        "District": s.district,
        "Postcode": s.postcode,
        "Pupils": s.pupils,
        "FSM %": s.fsm_percent,
    }


# --- Partners: each partner's line ------------------------------------------------------

RETURN_WORDS = {
    "received": "✓ Received",
    "missing": "⚠ Missing",
    "not_expected": "– Not expected",
}
TYPE_LABELS = {
    "wcet": "WCET",
    "tuition_individual": "Individual tuition",
    "tuition_small_group": "Small-group tuition",
    "tuition_large_group": "Large-group tuition",
    "cpd": "CPD",
}
PARTNER_TYPE_LABELS = {"music_service": "Music service", "arts_organisation": "Arts organisation"}
PARTNER_COUNTS = ("Participations", "Individual children", *(AGE_BAND_LABELS[b] for b in AGE_BANDS))


def partner_row(p: PartnerContribution, with_numbers: bool) -> dict[str, object]:
    """A partner's line. The activity types carry their participations only `with_numbers`
    (for someone who sees the partner's figures in full: beside the total they would give a
    hidden one away)."""
    status = RETURN_WORDS[p.return_status]
    if p.outstanding_terms:
        status += ": " + ", ".join(p.outstanding_terms)
    return {
        "Partner": p.name,
        f"Return for {p.current_term}": status,
        "Last return sent": p.last_return.date() if p.last_return else None,
        "Latest term returned": p.last_term_returned or "none",
        "Type": _partner_type(p.partner_type),
        "Participations": p.participations,
        "Individual children": p.children,
        "Activities": p.activities,
        "State schools reached": p.schools_reached,
        "Activity types": _types(p.by_activity_type, with_numbers),
        **{AGE_BAND_LABELS[b]: p.by_age_band[b] for b in AGE_BANDS},
        "ID": p.partner_id,
    }


def partner_of(row: Mapping[str, object]) -> str | None:
    """Whose a partner's line is."""
    return str(row["ID"])


def active_partners(partners: Sequence[PartnerContribution]) -> list[PartnerContribution]:
    """The partners with activities, the most participations first."""
    return sorted(
        (p for p in partners if p.activities), key=lambda p: p.participations, reverse=True
    )


def _types(counts: dict[str, int], with_numbers: bool = True) -> str:
    """`WCET 1,204 · Choir 310 · …` (or `WCET · Choir · …`), largest first."""
    ranked = sorted(((n, t) for t, n in counts.items() if n), reverse=True)
    return " · ".join(_type(t) + (f" {n:,}" if with_numbers else "") for n, t in ranked) or "—"


def _type(activity_type: str) -> str:
    return TYPE_LABELS.get(activity_type, activity_type.replace("_", " ").capitalize())


def _partner_type(partner_type: str | None) -> str:
    if not partner_type:
        return ""
    return PARTNER_TYPE_LABELS.get(partner_type, partner_type.replace("_", " ").capitalize())
