"""The columns of a GIAS extract as GIAS names them, and telling a GIAS header from others."""

from __future__ import annotations

import re
from collections.abc import Sequence

# GIAS's own column names, as GIAS spells them.
URN = "URN"
NAME = "EstablishmentName"
STATUS = "EstablishmentStatus (name)"
PHASE = "PhaseOfEducation (name)"
TYPE = "TypeOfEstablishment (name)"
GROUP = "EstablishmentTypeGroup (name)"
LA = "LA (name)"
DISTRICT = "DistrictAdministrative (name)"
POSTCODE = "Postcode"
PUPILS = "NumberOfPupils"
FSM = "PercentageFSM"
SEN_STAT = "SENStat"
SEN_NO_STAT = "SENNoStat"
URBAN_RURAL = "UrbanRural (name)"
EASTING = "Easting"
NORTHING = "Northing"
LOW_AGE = "StatutoryLowAge"
HIGH_AGE = "StatutoryHighAge"
LSOA = "LSOA (code)"

# The columns that tell a GIAS header from any other.
SIGNATURE = (URN, NAME, STATUS)
# Without these the extract cannot become a schools list.
REQUIRED = (URN, NAME, STATUS, PHASE, TYPE, GROUP, LA)
# Read when present; a missing one leaves its hub column blank.
OPTIONAL = (
    DISTRICT,
    POSTCODE,
    PUPILS,
    FSM,
    SEN_STAT,
    SEN_NO_STAT,
    URBAN_RURAL,
    EASTING,
    NORTHING,
    LOW_AGE,
    HIGH_AGE,
    LSOA,
)

HUB_COLUMNS = (
    "urn",
    "name",
    "phase",
    "local_authority",
    "district",
    "postcode",
    "latitude",
    "longitude",
    "pupils",
    "fsm_percent",
    "send_percent",
    "imd_decile",
    "rural",
    "state_funded",
)


WHITESPACE = " \t\r\n\u00a0"


def column_key(name: str) -> str:
    """A header name as compared: no byte-order mark, trimmed, single-spaced, case-folded."""
    name = name.lstrip("\ufeff").removeprefix("\u00ef\u00bb\u00bf")  # BOM as UTF-8 or as cp1252
    return re.sub(r"[\s_-]+", " ", name.strip(WHITESPACE + "\ufeff")).casefold()


def column_index(header: Sequence[str]) -> dict[str, int]:
    """Map each compared header name to its first column number."""
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        found.setdefault(column_key(str(name)), i)
    return found


def is_gias_header(header: Sequence[str]) -> bool:
    """True when the header has GIAS's own column names (URN, EstablishmentName, status)."""
    names = column_index(header)
    return all(column_key(n) in names for n in SIGNATURE)
