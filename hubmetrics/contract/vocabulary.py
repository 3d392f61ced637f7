"""The hub's words: activity types, genres, age bands, phases and the other fixed lists."""

from __future__ import annotations

ACTIVITY_TYPES = (
    "wcet",
    "tuition_individual",
    "tuition_small_group",
    "tuition_large_group",
    "ensemble",
    "choir",
    "singing",
    "early_years",
    "creative",
    "workshop",
    "performance",
    "cpd",
    "other",
)
GENRES = (
    "classical",
    "jazz",
    "rock_pop",
    "folk",
    "world",
    "music_technology",
    "musical_theatre",
    "choral",
    "mixed",
    "other",
)
# Activity types that make up instrumental tuition and ensemble playing: the hub's words,
# used by the metrics, the Arts Council return and the demo alike.
INSTRUMENTAL_TYPES = ("tuition_individual", "tuition_small_group", "tuition_large_group")
ENSEMBLE_TYPES = ("ensemble", "choir")
LEVELS = ("beginner", "intermediate", "advanced")
AGE_BANDS = ("early_years", "ks1", "ks2", "ks3", "ks4", "ks5", "adult", "mixed")
PHASES = (
    "nursery",
    "primary",
    "middle",
    "secondary",
    "all_through",
    "special",
    "alternative_provision",
    "post16",
)
# How the enumerations read to a person, on pages and in reports.
AGE_BAND_LABELS = {
    "early_years": "Early years (0–4)",
    "ks1": "KS1 (5–7)",
    "ks2": "KS2 (7–11)",
    "ks3": "KS3 (11–14)",
    "ks4": "KS4 (14–16)",
    "ks5": "KS5 (16–18)",
    "adult": "Adults (19+)",
    "mixed": "Mixed ages",
}
PHASE_LABELS = {
    "nursery": "Nursery",
    "primary": "Primary",
    "middle": "Middle",
    "secondary": "Secondary",
    "all_through": "All-through",
    "special": "Special",
    "alternative_provision": "Alternative provision",
    "post16": "Post-16",
}
PARTNER_TYPES = (
    "lead",
    "music_service",
    "school",
    "arts_organisation",
    "community",
    "education_other",
    "other",
)

SEXES = ("F", "M", "U")
# The DfE school census's main ethnicity codes, grouped into the census's main groups.
ETHNICITY_GROUPS: dict[str, tuple[str, ...]] = {
    "White": ("WBRI", "WIRI", "WIRT", "WOTH", "WROM"),
    "Mixed": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "Asian": ("AIND", "APKN", "ABAN", "AOTH"),
    "Black": ("BCRB", "BAFR", "BOTH"),
    "Chinese": ("CHNE",),
    "Other": ("OOTH",),
    "Not known": ("REFU", "NOBT"),
}
ETHNICITY_CODES = tuple(code for codes in ETHNICITY_GROUPS.values() for code in codes)

KINDS = ("partners", "schools", "activities", "participants")
