"""Every GIAS type of establishment: whether the hub counts it as a state-funded school."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# How the hub classes an establishment, from its type alone:
# - "state-funded": kept in the schools list and counted among the state-funded schools;
# - "not state-funded": kept (a partner may work there) but never counted among them;
# - "not a school": left out of the schools list, with a count in the load's warnings.
Funding = Literal["state-funded", "not state-funded", "not a school"]
FUNDINGS: tuple[Funding, ...] = ("state-funded", "not state-funded", "not a school")


@dataclass(frozen=True)
class EstablishmentType:
    """One of GIAS's `TypeOfEstablishment` values and how the hub classes it."""

    code: int  # `TypeOfEstablishment (code)`
    name: str  # `TypeOfEstablishment (name)`, as GIAS spells it
    group: str  # the `EstablishmentTypeGroup (name)` GIAS puts the type in
    funding: Funding
    # The hub's phase of every establishment of this type; None: from its phase of
    # education, else its age range.
    phase: str | None = None


_LA = "Local authority maintained schools"
_IND = "Independent schools"
_SPECIAL = "Special schools"
_COLLEGES = "Colleges"
_OTHER = "Other types"
_ACADEMIES = "Academies"
_FREE = "Free Schools"
_SF: Funding = "state-funded"
_NSF: Funding = "not state-funded"
_NOT: Funding = "not a school"

# The Department for Education's own definition: local-authority maintained schools
# (community, voluntary, foundation, their special schools, pupil referral units and nursery
# schools), academies and free schools of every kind (with studio schools and university
# technical colleges) and city technology colleges are state-funded; independent schools,
# independent special schools, non-maintained special schools and special post-16
# institutions are not, whatever group GIAS puts them in. Further education colleges and
# sixth form centres are publicly funded post-16 providers, counted as the DfE's 16-18
# measures count "state-funded schools and colleges". The list is GIAS's, in its code order.
ESTABLISHMENT_TYPES: tuple[EstablishmentType, ...] = (
    EstablishmentType(1, "Community school", _LA, _SF),
    EstablishmentType(2, "Voluntary aided school", _LA, _SF),
    EstablishmentType(3, "Voluntary controlled school", _LA, _SF),
    EstablishmentType(5, "Foundation school", _LA, _SF),
    EstablishmentType(6, "City technology college", _IND, _SF),
    EstablishmentType(7, "Community special school", _SPECIAL, _SF, "special"),
    EstablishmentType(8, "Non-maintained special school", _SPECIAL, _NSF, "special"),
    EstablishmentType(10, "Other independent special school", _SPECIAL, _NSF, "special"),
    EstablishmentType(11, "Other independent school", _IND, _NSF),
    EstablishmentType(12, "Foundation special school", _SPECIAL, _SF, "special"),
    EstablishmentType(14, "Pupil referral unit", _LA, _SF, "alternative_provision"),
    EstablishmentType(15, "Local authority nursery school", _LA, _SF, "nursery"),
    EstablishmentType(18, "Further education", _COLLEGES, _SF, "post16"),
    EstablishmentType(24, "Secure units", _OTHER, _NOT),
    EstablishmentType(25, "Offshore schools", _OTHER, _NOT),
    EstablishmentType(26, "Service children's education", _OTHER, _NOT),
    EstablishmentType(27, "Miscellaneous", _OTHER, _NOT),
    EstablishmentType(28, "Academy sponsor led", _ACADEMIES, _SF),
    EstablishmentType(29, "Higher education institutions", "Universities", _NOT),
    EstablishmentType(30, "Welsh establishment", "Welsh schools", _NOT),
    EstablishmentType(31, "Sixth form centres", _COLLEGES, _SF, "post16"),
    EstablishmentType(32, "Special post 16 institution", _OTHER, _NSF, "special"),
    EstablishmentType(33, "Academy special sponsor led", _ACADEMIES, _SF, "special"),
    EstablishmentType(34, "Academy converter", _ACADEMIES, _SF),
    EstablishmentType(35, "Free schools", _FREE, _SF),
    EstablishmentType(36, "Free schools special", _FREE, _SF, "special"),
    EstablishmentType(37, "British schools overseas", _OTHER, _NOT),
    EstablishmentType(
        38, "Free schools alternative provision", _FREE, _SF, "alternative_provision"
    ),
    EstablishmentType(39, "Free schools 16 to 19", _FREE, _SF, "post16"),
    EstablishmentType(40, "University technical college", _FREE, _SF),
    EstablishmentType(41, "Studio schools", _FREE, _SF),
    EstablishmentType(
        42, "Academy alternative provision converter", _ACADEMIES, _SF, "alternative_provision"
    ),
    EstablishmentType(
        43, "Academy alternative provision sponsor led", _ACADEMIES, _SF, "alternative_provision"
    ),
    EstablishmentType(44, "Academy special converter", _ACADEMIES, _SF, "special"),
    EstablishmentType(45, "Academy 16-19 converter", _ACADEMIES, _SF, "post16"),
    EstablishmentType(46, "Academy 16 to 19 sponsor led", _ACADEMIES, _SF, "post16"),
    EstablishmentType(47, "Children's centre", "Children's centres", _NOT),
    EstablishmentType(48, "Children's centre linked site", "Children's centres", _NOT),
    EstablishmentType(49, "Online provider", "Online provider", _NOT),
    EstablishmentType(56, "Institution funded by other government department", _OTHER, _NOT),
    # A secure school: its pupils are of secondary age as well, so its phase is its own.
    EstablishmentType(57, "Academy secure 16 to 19", _ACADEMIES, _SF),
)


def type_key(name: str) -> str:
    """A type's name as compared: trimmed, lower case, single spaces, straight apostrophes
    (GIAS's own spelling and a spreadsheet's curly apostrophe are one type)."""
    straight = name.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", straight.strip().lower())


def establishment_type(name: str) -> EstablishmentType | None:
    """The type of that name (compared as `type_key` does), or None when GIAS's list as the
    hub knows it does not have it."""
    return _BY_KEY.get(type_key(name))


_BY_KEY = {type_key(t.name): t for t in ESTABLISHMENT_TYPES}
