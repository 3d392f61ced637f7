"""The data contract as data: every file kind, its columns and its cross-column rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from hubmetrics.contract.vocabulary import (
    ACTIVITY_TYPES,
    AGE_BANDS,
    ETHNICITY_CODES,
    GENRES,
    KINDS,
    LEVELS,
    PARTNER_TYPES,
    PHASES,
    SEXES,
)

# `send`: yes/no, or the school census's N (none), K (SEN support) or E (EHCP); stored as
# one letter: N, K, E, or Y (has SEND, level not said).
ColumnType = Literal["text", "code", "integer", "number", "date", "enum", "yesno", "send"]


@dataclass(frozen=True)
class Column:
    """One column of an uploaded file, as the contract defines it."""

    name: str
    type: ColumnType
    required: bool = False
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 200
    pattern: str | None = None  # for `code` columns: a regular expression the value must match
    pattern_hint: str = ""
    help: str = ""


@dataclass(frozen=True)
class Rule:
    """A rule across columns, as SQL over the typed columns; true means the row breaks it."""

    column: str
    broken_when: str
    message: str


@dataclass(frozen=True)
class FileKind:
    """A kind of file the hub accepts."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rules: tuple[Rule, ...] = field(default_factory=tuple)
    description: str = ""
    # The upload may name the partner instead of carrying a partner_id column.
    partner_named: bool = False
    # An unknown column refuses the file instead of being a warning: the original file is
    # kept, so it must hold nothing beyond the contract's columns.
    strict_columns: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _count(name: str, help: str = "") -> Column:
    return Column(name, "integer", minimum=0, help=help)


PARTNERS = FileKind(
    name="partners",
    description="The partner organisations of the hub.",
    key=("partner_id",),
    columns=(
        Column(
            "partner_id",
            "code",
            required=True,
            max_length=32,
            pattern=r"^[A-Za-z0-9_-]{1,32}$",
            pattern_hint="letters, digits, '-' or '_' only, at most 32 characters",
        ),
        Column("name", "text", required=True),
        Column("partner_type", "enum", allowed=PARTNER_TYPES),
        Column("website", "text", max_length=300),
    ),
)

SCHOOLS = FileKind(
    name="schools",
    description="Every school and setting in the hub area, with pupil numbers (a snapshot).",
    key=("urn",),
    columns=(
        Column("urn", "integer", required=True, minimum=1, maximum=9_999_999),
        Column("name", "text", required=True),
        Column("phase", "enum", required=True, allowed=PHASES),
        Column("local_authority", "text", required=True),
        Column("district", "text"),
        Column("postcode", "text", max_length=10),
        Column("latitude", "number", minimum=49.0, maximum=61.0),
        Column("longitude", "number", minimum=-9.0, maximum=2.5),
        Column("pupils", "integer", minimum=0),
        Column("fsm_percent", "number", minimum=0, maximum=100),
        Column("send_percent", "number", minimum=0, maximum=100),
        Column("imd_decile", "integer", minimum=1, maximum=10),
        Column("rural", "yesno"),
        Column("state_funded", "yesno"),
    ),
)

_COUNT_HELP = "a whole number no larger than participants"

ACTIVITIES = FileKind(
    name="activities",
    description="A partner's activity return: one row per activity group.",
    key=("partner_id", "activity_id", "start_date"),
    partner_named=True,
    columns=(
        Column("partner_id", "code", required=True, max_length=32),
        Column("activity_id", "text", required=True, max_length=100),
        Column("activity_name", "text", required=True),
        Column("activity_type", "enum", required=True, allowed=ACTIVITY_TYPES),
        Column("genre", "enum", allowed=GENRES),
        Column("level", "enum", allowed=LEVELS),
        Column("start_date", "date", required=True),
        Column("end_date", "date"),
        Column("school_urn", "integer", minimum=1, maximum=9_999_999),
        Column("venue_postcode", "text", max_length=10),
        Column("age_band", "enum", required=True, allowed=AGE_BANDS),
        Column("participants", "integer", required=True, minimum=0),
        _count("new_participants", _COUNT_HELP),
        _count("continuing_from_wcet", _COUNT_HELP),
        _count("female", _COUNT_HELP),
        _count("male", _COUNT_HELP),
        _count("fsm", _COUNT_HELP),
        _count("send", _COUNT_HELP),
        _count("ehcp", "a whole number no larger than send (or participants)"),
        _count("lac", _COUNT_HELP),
        _count("eal", _COUNT_HELP),
        _count("global_majority", _COUNT_HELP),
        _count("young_carer", _COUNT_HELP),
        _count("sessions"),
        Column("contact_hours", "number", minimum=0),
    ),
    rules=(
        Rule(
            "end_date",
            "end_date < start_date",
            "The end date is before the start date. Check both dates (day first: DD/MM/YYYY).",
        ),
        *(
            Rule(
                name,
                f"{name} > participants AND participants >= 0",
                f"{name} is larger than participants for this activity; "
                f"it counts some of the participants, so it cannot be more than them.",
            )
            for name in (
                "new_participants",
                "continuing_from_wcet",
                "female",
                "male",
                "fsm",
                "send",
                "lac",
                "eal",
                "global_majority",
                "young_carer",
            )
        ),
        Rule(
            "male",
            "female + male > participants AND participants >= 0 AND female <= participants "
            "AND male <= participants",
            "female + male is larger than participants. Each child is counted at most once.",
        ),
        Rule(
            "ehcp",
            "ehcp > coalesce(send, participants) AND coalesce(send, participants) >= 0",
            "ehcp is larger than send (children with an EHCP are part of the SEND count), "
            "or larger than participants when send is blank.",
        ),
    ),
)


def _flag(name: str, help: str) -> Column:
    return Column(name, "yesno", help=help)


PARTICIPANTS = FileKind(
    name="participants",
    description="Pseudonymised records of individual children: one row per child per activity.",
    key=("partner_id", "activity_id", "start_date", "participant_ref"),
    partner_named=True,
    strict_columns=True,
    columns=(
        Column("participant_ref", "code", required=True, max_length=64),
        Column("partner_id", "code", required=True, max_length=32),
        Column("activity_id", "text", required=True, max_length=100),
        Column("start_date", "date", required=True),
        Column("age_band", "enum", required=True, allowed=AGE_BANDS),
        Column("sex", "enum", allowed=SEXES),
        _flag("fsm", "eligible for free school meals or pupil premium"),
        Column("send", "send", help="yes/no, or the census's N, K or E"),
        _flag("ehcp", "has an education, health and care plan"),
        _flag("lac", "looked-after or care-experienced"),
        _flag("eal", "English as an additional language"),
        _flag("young_carer", "a young carer"),
        Column("ethnicity", "enum", allowed=ETHNICITY_CODES),
        Column("postcode_district", "code", max_length=10),
        Column("school_urn", "integer", minimum=1, maximum=9_999_999),
    ),
    rules=(
        Rule(
            "ehcp",
            "ehcp AND send = 'N'",
            "ehcp says yes but send says no (or N). A child with an EHCP has SEND: "
            "correct one of them.",
        ),
        Rule(
            "ehcp",
            "NOT ehcp AND send = 'E'",
            "send is E (EHCP) but ehcp says no. Correct one of them.",
        ),
    ),
)

# The area's shares of pupils from one of the DfE's open-data tables (Explore Education
# Statistics): the file is the DfE's CSV as published, recognised by its columns
# (contract/ees.py) and summed over the hub's local authorities (ingest/baselines.py); these
# columns are what is stored, one row per share, and a newer file of the same table replaces
# its shares.
BASELINES = FileKind(
    name="baselines",
    description="The area's shares of pupils from a DfE table (Explore Education Statistics).",
    key=("source_table", "measure"),
    columns=(
        Column("source_table", "text", help="the DfE's name of the table"),
        Column("publication", "text", help="the EES publication it is from"),
        Column("period", "text", help="its latest year, 2024/25"),
        Column("local_authorities", "text", help="the hub's local authorities it covers"),
        Column("measure", "text", help="the baseline: female_share, ethnicity_white, …"),
        Column("pupils", "number", help="pupils in the groups counted"),
        Column("of_pupils", "number", help="pupils in the whole"),
        Column("share", "number", minimum=0, maximum=1, help="pupils ÷ of_pupils"),
        Column("unknown_cells", "integer", help="cells of its parts the DfE did not give"),
        Column("note", "text", help="why a share is unknown"),
    ),
)

FILE_KINDS: dict[str, FileKind] = {
    k.name: k for k in (PARTNERS, SCHOOLS, ACTIVITIES, PARTICIPANTS, BASELINES)
}
# Every kind `hubmetrics load` and the Upload page take: the hub's returns (vocabulary.KINDS,
# each with a template) and the DfE's tables.
LOAD_KINDS = (*KINDS, BASELINES.name)

# The hub's own pseudonym format (see hubmetrics/disclosure/pseudonymise.py): never refused.
PSEUDONYM_PREFIX = "p_"
PSEUDONYM_HEX = 20
PSEUDONYM_RE = r"p_[0-9a-f]{20}"
# What a participant_ref must not look like, checked in this order; the first that matches
# is the one reported. Each regular expression is searched for anywhere in the value (RE2
# and Python's `re` read them alike). A value in the hub's own format matches none of them.
PSEUDONYM_REFUSALS: tuple[tuple[str, str, str], ...] = (
    (
        "email",
        r"@",
        "This looks like an email address (it has an @).",
    ),
    (
        "upn",
        r"(^|[^A-Za-z0-9])[A-Za-z][0-9]{12}([^A-Za-z0-9]|$)",
        "This looks like a unique pupil number (a letter and 12 digits).",
    ),
    (
        "number",
        r"^[0-9]+$",
        "This is a number on its own, which looks like a pupil or admission number.",
    ),
    (
        "name",
        r"^[^0-9_]+$|[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}",
        "This looks like a name (it has no digit or underscore, or it has two words).",
    ),
    (
        "shape",
        r"^.{0,7}$|[^A-Za-z0-9_-]",
        "A pseudonym is at least 8 letters, digits, '-' or '_', with no spaces or other "
        "characters.",
    ),
)

YES_VALUES = ("y", "yes", "true", "1")
NO_VALUES = ("n", "no", "false", "0")


def file_kind(name: str) -> FileKind:
    """The file kind called `name`, or a ValueError that lists the kinds."""
    try:
        return FILE_KINDS[name]
    except KeyError:
        raise ValueError(
            f"Unknown file kind {name!r}: choose one of {', '.join(FILE_KINDS)}."
        ) from None
