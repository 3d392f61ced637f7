"""The DfE's open-data tables in the Explore Education Statistics layout, as the hub reads them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Every EES data file at local-authority level has these columns, in this or another order,
# before its filters and indicators (the EES standard layout).
EES_COLUMNS = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)
LA_LEVEL = "Local authority"
# The GSS symbols EES uses in place of a figure (c confidential, x not available,
# z not applicable, low rounds to 0 but is not 0, u low reliability) and the older ones
# (: and ~). Each is read as unknown, never as 0.
EES_SYMBOLS = ("c", "x", "z", "low", "u", ":", "~")
TOTAL = "Total"
# The counts of pupils a table may carry, by the names the DfE's files use.
PUPIL_COUNTS = ("headcount", "number_of_pupils", "pupil_count", "headcount_of_pupils")

Family = Literal["ethnicity", "sex", "sen"]


@dataclass(frozen=True)
class EesTable:
    """A DfE table the hub takes area baselines from, recognised by its columns."""

    name: str  # the DfE's own name of the data file, without `_.csv`
    publication: str
    data_set: str  # the data set's title on EES
    family: Family
    # Every group must be present: one column of each group (the first the file has).
    needs: tuple[tuple[str, ...], ...]


EES_TABLES = (
    EesTable(
        "sen_phase_type",
        "Special educational needs in England",
        "Pupils in all schools, by type of SEN provision",
        "sen",
        (("sen_support",), ("ehc_plan",), ("total_pupils", *PUPIL_COUNTS)),
    ),
    EesTable(
        "spc_pupils_ethnicity_and_language",
        "Schools, pupils and their characteristics",
        "Pupil characteristics - Ethnicity and Language",
        "ethnicity",
        (("ethnicity_minor", "ethnicity", "ethnicity_major"), PUPIL_COUNTS),
    ),
    EesTable(
        "spc_pupils_age_and_sex",
        "Schools, pupils and their characteristics",
        "Pupil characteristics - Age and sex",
        "sex",
        (("sex",), PUPIL_COUNTS),
    ),
)

# The shares each family gives: (baseline key, the groups counted, the groups of the whole).
# The groups are the hub's words: the school census's main ethnic groups, F and M, and
# SEN support and EHC plan among all pupils.
_ETHNIC = ("White", "Mixed", "Asian", "Black", "Chinese", "Other")
SHARES: dict[Family, tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]] = {
    "ethnicity": (
        *((f"ethnicity_{g.lower()}", (g,), _ETHNIC) for g in _ETHNIC),
        ("global_majority_share", tuple(g for g in _ETHNIC if g != "White"), _ETHNIC),
    ),
    "sex": (("female_share", ("Female",), ("Female", "Male")),),
    "sen": (
        ("sen_support_share", ("sen_support",), ("all",)),
        ("ehcp_share", ("ehc_plan",), ("all",)),
        ("send_share", ("sen_support", "ehc_plan"), ("all",)),
    ),
}
BASELINE_KEYS = tuple(key for shares in SHARES.values() for key, _, _ in shares)
NOT_KNOWN = "not known"


def ethnic_group(label: str, major: str | None = None) -> str | None:
    """The hub's main ethnic group of a DfE ethnicity (`label`, the minor group or the only
    one; `major` its major group where the file has both), NOT_KNOWN for pupils whose
    ethnicity is not known, TOTAL for a total, or None when the label is not one the hub
    knows. Chinese is a group of its own, as in the school census's main codes."""
    words = " ".join(label.lower().replace("-", " ").replace("/", " ").split())
    if words == "total":
        return TOTAL
    if any(w in words for w in ("unclassified", "unknown", "refused", "obtained", "not known")):
        return NOT_KNOWN
    if "chinese" in words:
        return "Chinese"
    if major is not None:
        major_group = ethnic_group(major)
        if major_group not in (None, TOTAL):
            return major_group
    for group in ("White", "Mixed", "Asian", "Black"):
        if words.startswith(group.lower()):
            return group
    if words.startswith(("any other ethnic", "other ethnic", "arab")):
        return "Other"
    return None


def sex_group(label: str) -> str | None:
    """F or M of a DfE sex (`Female`, `Girls`, …), NOT_KNOWN, TOTAL, or None if unknown."""
    words = label.strip().lower()
    if words == "total":
        return TOTAL
    if words in ("female", "girls", "girl", "f"):
        return "Female"
    if words in ("male", "boys", "boy", "m"):
        return "Male"
    if words in ("unknown", "not known", "unclassified", "indeterminate", "other"):
        return NOT_KNOWN
    return None


def period_label(time_period: str) -> str:
    """`2024/25` for the academic year 202425; a four-digit period as it is."""
    if len(time_period) == 6 and time_period.isdigit():
        return f"{time_period[:4]}/{time_period[4:]}"
    return time_period
