"""The demo's partners: who they are, the breakdowns each records, the schools among them."""

from __future__ import annotations

from dataclasses import dataclass

from hubmetrics.demo.schools import School

LEAD_PARTNER = "NMPAT"

# The breakdown columns of an activity row, each of which a partner may or may not record.
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


_ALL = BREAKDOWNS


@dataclass(frozen=True)
class Partner:
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


DEMO_PARTNERS: tuple[Partner, ...] = (
    Partner(LEAD_PARTNER, "Northamptonshire Music and Performing Arts Trust", "lead", _ALL),
    Partner(
        "WELLAND-MS",
        "Welland Valley Music Service",
        "music_service",
        _r("new_participants", "continuing_from_wcet", "female", "male", "fsm", "send", "ehcp"),
        uk_dates=True,
    ),
    Partner(
        "NVBT",
        "Nene Valley Brass Tuition",
        "music_service",
        _r("new_participants", "female", "male", "fsm", "send"),
    ),
    # The two school partners are named after their schools, which are made up with the schools.
    Partner("SCH-CORBY", "", "school", tuple(c for c in _ALL if c != "young_carer")),
    Partner("SCH-TOWCESTER", "", "school", tuple(c for c in _ALL if c != "young_carer")),
    Partner(
        "ROCKSCHOOL-NN",
        "Nene Rock School",
        "arts_organisation",
        _r("new_participants", "female", "male", "fsm", "send", "global_majority"),
    ),
    Partner(
        "NN-JAZZ",
        "Northampton Jazz Collective",
        "arts_organisation",
        _r("new_participants", "female", "male"),
    ),
    Partner(
        "SOUNDLAB-NN",
        "SoundLab Northants",
        "arts_organisation",
        _r("new_participants", "female", "male", "fsm", "send", "ehcp", "lac", "global_majority"),
        late_spring=True,
    ),
    Partner(
        "NENE-OPERA",
        "Nene Opera Education",
        "arts_organisation",
        _r("female", "male", "fsm", "send"),
    ),
    Partner(
        "TINY-TUNES",
        "Tiny Tunes Early Years Music",
        "arts_organisation",
        _r("new_participants", "female", "male", "fsm", "send", "eal"),
        blank_rate=0.08,
    ),
    Partner(
        "KETT-CHORAL",
        "Kettering Community Choral Society",
        "community",
        _r("new_participants", "female", "male"),
        uk_dates=True,
    ),
    Partner("CORBY-SOUND", "Corby Sound Youth Music", "community", _ALL),
    Partner(
        "BHANGRA-NN",
        "Northampton Dhol and Bhangra Collective",
        "community",
        _r("female", "male", "fsm", "eal", "global_majority"),
        first_year=1,
    ),
    Partner("FOLK-ROOTS-NN", "Folk Roots Northants", "community", (), late_spring=True),
    Partner(
        "GOSPEL-NN",
        "Wellingborough Gospel Voices",
        "community",
        _r("female", "male", "global_majority"),
        first_year=2,
    ),
    Partner(
        "NENE-COLLEGE", "", "education_other", tuple(c for c in _ALL if c != "continuing_from_wcet")
    ),
    Partner(
        "UNI-NN-OUTREACH",
        "University of the Nene Music Outreach",
        "education_other",
        _r("new_participants", "female", "male", "fsm", "global_majority"),
        late_spring=True,
    ),
    Partner(
        "SEND-SOUNDS",
        "Inclusive Sounds Northants",
        "education_other",
        _r("new_participants", "female", "male", "fsm", "send", "ehcp", "lac"),
    ),
    Partner("LIBRARY-RHYMES", "Library Rhyme Time Friends Network", "other", ()),
    Partner(
        "YOUTH-BEATS",
        "Youth Beats for Care-Experienced Young People",
        "other",
        _r("new_participants", "female", "male", "fsm", "send", "ehcp", "lac", "young_carer"),
    ),
)


def host_schools(schools: list[School]) -> dict[str, School]:
    """The schools that are partners themselves (named after them): the biggest of their kind."""

    def biggest(place: str, phase: str) -> School:
        return max(
            (s for s in schools if s.place.name == place and s.phase == phase and s.state_funded),
            key=lambda s: s.pupils or 0,
        )

    return {
        "SCH-CORBY": biggest("Corby", "secondary"),
        "SCH-TOWCESTER": biggest("Towcester", "secondary"),
        "NENE-COLLEGE": biggest("Northampton", "post16"),
    }
