"""Every metric of the hub, defined once: key, label, unit, meaning and SQL."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from hubmetrics.contract import AGE_BANDS, ENSEMBLE_TYPES, INSTRUMENTAL_TYPES

# count: a whole number; share: a part of a whole, 0 to 1; rate: like a share but it can pass 1;
# ratio: 1.0 means "in proportion"; index: 0 to 1 (evenness); breakdown: counts by age band;
# funnel: counts of one cohort of children at each stage of the pathway.
Unit = Literal["count", "share", "rate", "ratio", "index", "breakdown", "funnel"]
Kind = Literal[
    "count",  # a sum or a number of things
    "count_skipped",  # a sum over the rows where the column is recorded, reporting the others
    "breakdown",  # participations for each age band
    "ratio",  # numerator / denominator, both from the same query
    "coverage",  # schools_engaged / state_schools
    "difference",  # state_schools - schools_engaged
    "representation",  # a share / its baseline
    "external",  # a share / the goals file's [baselines] value
    "genre_count",
    "evenness",
    "continuation",  # continuing_from_wcet in Y / wcet_pupils in Y-1
    "distinct",  # a number of distinct children, from participant records
    "unique_continuation",  # distinct children: wcet in Y-1 and beyond it in Y
    "funnel",  # the cohort first seen in wcet in Y-1, and where it is in Y
]
Source = Literal["activities", "schools", "derived", "participants"]

SCHOOL_AGE_BANDS = ("ks1", "ks2", "ks3", "ks4", "ks5")
SINGING_TYPES = ("choir", "singing")
# Genres that are not one genre: left out of genre_count and genre_evenness.
NOT_A_GENRE = ("other", "mixed")


def sql_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"  # safe: constants from this module


@dataclass(frozen=True)
class MetricDef:
    """One metric: what it is called, what it means, and the SQL it is computed by.

    `parts` are (column, SQL aggregate) pairs evaluated over the activities in scope
    (source `activities`), over the current state-funded schools (source `schools`), or over
    the children of the year (source `participants`: one row per child per academic year,
    see hubmetrics/metrics/participants.py); a missing sum is 0. `uses` names the metrics a derived metric is made from.
    `reports` says which of numerator, denominator and skipped it reports beside its value.
    """

    key: str
    label: str
    unit: Unit
    kind: Kind
    source: Source
    definition: str
    parts: tuple[tuple[str, str], ...] = ()
    uses: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()
    sql_note: str = ""
    skipped_means: str = "rows where it is not recorded"
    # A goal indicator on the metric named here uses this one instead wherever this one has
    # data (goal 8: distinct children from participant records, where the hub has them).
    replaces: str = ""

    @property
    def sql(self) -> str:
        """The SQL of this metric as shown on the methods page."""
        lines = [f"{name} = {expr}" for name, expr in self.parts]
        if self.sql_note:
            lines.append(self.sql_note)
        return "\n".join(lines)


def _sum(where: str | None = None) -> str:
    return _when("sum", "participants", where) if where else "sum(participants)"


def _when(fn: str, expr: str, where: str) -> str:
    """An aggregate over the rows where `where` holds (CASE form: faster than FILTER here)."""
    return f"{fn}(CASE WHEN {where} THEN {expr} END)"


def _count_where(where: str) -> str:
    """The number of rows where `where` holds."""
    return f"count(CASE WHEN {where} THEN 1 END)"


_RATIO = ("numerator", "denominator", "skipped")


def _share(name: str, column: str, school_age: bool, label: str, meaning: str) -> MetricDef:
    scope = "school_age AND " if school_age else ""
    return MetricDef(
        key=f"{name}_share",
        label=label,
        unit="share",
        kind="ratio",
        source="activities",
        definition=meaning,
        parts=(
            (f"{name}_num", _when("sum", column, f"{scope}{column} IS NOT NULL")),
            (f"{name}_den", _sum(f"{scope}{column} IS NOT NULL")),
            (f"{name}_skipped", _count_where(f"{scope}{column} IS NULL")),
        ),
        reports=_RATIO,
        skipped_means=f"{'school-age ' if school_age else ''}rows where {column} is not recorded",
    )


def _baseline(name: str, column: str, label: str, meaning: str) -> MetricDef:
    known = f"pupils IS NOT NULL AND {column} IS NOT NULL"
    return MetricDef(
        key=f"{name}_baseline",
        label=label,
        unit="share",
        kind="ratio",
        source="schools",
        definition=meaning,
        parts=(
            # Ordered by URN so that the floating-point sum is the same on every run.
            (
                f"{name}_base_num",
                f"sum(pupils * {column} / 100 ORDER BY urn) FILTER (WHERE {known})",
            ),
            (f"{name}_base_den", f"sum(pupils) FILTER (WHERE {known})"),
            (f"{name}_base_skipped", f"count(*) FILTER (WHERE NOT ({known}))"),
        ),
        reports=_RATIO,
        skipped_means=f"state-funded schools whose pupils or {column} is not known",
    )


def _representation(name: str, label: str, meaning: str) -> MetricDef:
    return MetricDef(
        key=f"{name}_representation",
        label=label,
        unit="ratio",
        kind="representation",
        source="derived",
        definition=meaning,
        uses=(f"{name}_share", f"{name}_baseline"),
        reports=_RATIO,
        sql_note=f"{name}_share.value / {name}_baseline.value",
        skipped_means=f"school-age rows where {name} is not recorded (as in {name}_share)",
    )


def _sum_metric(key: str, label: str, definition: str, where: str | None = None) -> MetricDef:
    return MetricDef(
        key=key,
        label=label,
        unit="count",
        kind="count",
        source="activities",
        definition=definition,
        parts=((key, _sum(where)),),
    )


def _skipping_count(key: str, label: str, column: str, skipped: str) -> MetricDef:
    return MetricDef(
        key=key,
        label=label,
        unit="count",
        kind="count_skipped",
        source="activities",
        definition=f"Σ {column} over the rows where it is recorded; rows where it is blank are "
        "skipped and counted. (If no row records it the sum is 0 and every row is skipped.)",
        parts=((key, f"sum({column})"), (skipped, _count_where(f"{column} IS NULL"))),
        reports=("skipped",),
        skipped_means=f"rows where {column} is not recorded",
    )


_METRICS: tuple[MetricDef, ...] = (
    _sum_metric(
        "participations",
        "Participations",
        "Σ participants over every activity in scope. One child in two activities counts "
        "twice: these are participations, not children.",
    ),
    _sum_metric(
        "cyp_participations",
        "Children and young people's participations",
        "Σ participants where the age band is not `adult` (so `mixed` is included).",
        "age_band <> 'adult'",
    ),
    _sum_metric(
        "early_years_participations",
        "Early years participations",
        "Σ participants where the age band is `early_years`.",
        "age_band = 'early_years'",
    ),
    _sum_metric(
        "school_age_participations",
        "School-age participations",
        "Σ participants where the age band is `ks1` to `ks5`.",
        "school_age",
    ),
    _sum_metric(
        "adult_participations",
        "Adult participations",
        "Σ participants where the age band is `adult`.",
        "age_band = 'adult'",
    ),
    MetricDef(
        key="participations_by_age_band",
        label="Participations by age band",
        unit="breakdown",
        kind="breakdown",
        source="activities",
        definition="Σ participants for each of the eight age bands; 0 where there are none.",
        parts=tuple((f"band_{b}", _sum(f"age_band = '{b}'")) for b in AGE_BANDS),
    ),
    _sum_metric(
        "wcet_pupils",
        "Whole-class ensemble teaching pupils",
        "Σ participants of activities of type `wcet`.",
        "activity_type = 'wcet'",
    ),
    _sum_metric(
        "instrumental_learners",
        "Instrumental and vocal tuition learners",
        "Σ participants of individual, small-group and large-group tuition.",
        f"activity_type IN {sql_list(INSTRUMENTAL_TYPES)}",
    ),
    _sum_metric(
        "singing_participants",
        "Singing participants",
        "Σ participants of activities of type `choir` or `singing`.",
        f"activity_type IN {sql_list(SINGING_TYPES)}",
    ),
    _sum_metric(
        "ensemble_members",
        "Ensemble members",
        "Σ participants of activities of type `ensemble` or `choir`.",
        f"activity_type IN {sql_list(ENSEMBLE_TYPES)}",
    ),
    _sum_metric(
        "advanced_participants",
        "Advanced-level participants",
        "Σ participants of activities at level `advanced`.",
        "level = 'advanced'",
    ),
    _sum_metric(
        "creative_participants",
        "Creative and music technology participants",
        "Σ participants where the type is `creative` or the genre is `music_technology`.",
        "activity_type = 'creative' OR genre = 'music_technology'",
    ),
    _sum_metric(
        "cpd_participants",
        "School staff trained (CPD)",
        "Σ participants of activities of type `cpd`: school staff trained.",
        "activity_type = 'cpd'",
    ),
    _skipping_count(
        "new_participants", "New participants", "new_participants", "new_participants_skipped"
    ),
    MetricDef(
        key="partners_active",
        label="Partners active",
        unit="count",
        kind="count",
        source="activities",
        definition="Number of distinct partners with at least one activity in scope.",
        parts=(("partners_active", "count(DISTINCT partner_id)"),),
    ),
    MetricDef(
        key="state_schools",
        label="State-funded schools",
        unit="count",
        kind="count",
        source="schools",
        definition="Number of state-funded schools in the current schools list (in the local "
        "authority when filtered by one). Partner and age-band filters do not change it.",
        parts=(("state_schools", "count(DISTINCT urn)"),),
    ),
    MetricDef(
        key="state_school_pupils",
        label="Pupils in state-funded schools",
        unit="count",
        kind="count",
        source="schools",
        definition="Σ pupils over the state-funded schools in the current schools list (in the "
        "local authority when filtered by one), where the number of pupils is known. Partner "
        "and age-band filters do not change it. Reach by IMD decile sets each decile's share "
        "of it against the decile's share of participations.",
        parts=(("state_school_pupils", "sum(pupils)"),),
    ),
    MetricDef(
        key="schools_engaged",
        label="State-funded schools engaged",
        unit="count",
        kind="count",
        source="activities",
        definition="Number of distinct state-funded schools in the current schools list with "
        "at least one activity in scope (even one with 0 participants). Independent schools "
        "and URNs not in the list do not count.",
        parts=(("schools_engaged", "count(DISTINCT CASE WHEN state_school THEN school_urn END)"),),
    ),
    MetricDef(
        key="school_coverage",
        label="School coverage",
        unit="share",
        kind="coverage",
        source="derived",
        definition="schools_engaged ÷ state_schools. `skipped` counts the activity rows that "
        "could not count toward it: no school recorded, or a URN not in the schools list.",
        parts=(("coverage_skipped", _count_where("NOT known_school")),),
        uses=("schools_engaged", "state_schools"),
        reports=_RATIO,
        sql_note="schools_engaged / state_schools",
        skipped_means="activity rows with no school, or a school not in the schools list",
    ),
    MetricDef(
        key="cold_spot_schools",
        label="Cold-spot schools",
        unit="count",
        kind="difference",
        source="derived",
        definition="state_schools − schools_engaged: state-funded schools with no activity in "
        "scope (the list of them is on the schools page).",
        uses=("state_schools", "schools_engaged"),
        sql_note="state_schools - schools_engaged",
    ),
    _share(
        "fsm",
        "fsm",
        True,
        "Share on free school meals",
        "Σ fsm ÷ Σ participants, over school-age rows (ks1–ks5) where fsm is recorded; "
        "school-age rows where it is blank are skipped.",
    ),
    _baseline(
        "fsm",
        "fsm_percent",
        "Area share on free school meals",
        "Σ (pupils × fsm_percent ÷ 100) ÷ Σ pupils, over the state-funded schools (of the "
        "local authority when filtered by one) where both are known.",
    ),
    _representation(
        "fsm",
        "Free school meals representation",
        "fsm_share ÷ fsm_baseline: 1.0 means children on free school meals take part in "
        "proportion to their share of the area's pupils.",
    ),
    _share(
        "send",
        "send",
        True,
        "Share with SEND",
        "Σ send ÷ Σ participants, over school-age rows (ks1–ks5) where send is recorded; "
        "school-age rows where it is blank are skipped.",
    ),
    _baseline(
        "send",
        "send_percent",
        "Area share with SEND",
        "Σ (pupils × send_percent ÷ 100) ÷ Σ pupils, over the state-funded schools (of the "
        "local authority when filtered by one) where both are known.",
    ),
    _representation(
        "send",
        "SEND representation",
        "send_share ÷ send_baseline: 1.0 means children with SEND take part in proportion to "
        "their share of the area's pupils.",
    ),
    _skipping_count("lac_participants", "Looked-after children taking part", "lac", "lac_skipped"),
    _share(
        "global_majority",
        "global_majority",
        False,
        "Global majority share",
        "Σ global_majority ÷ Σ participants, over every row (all age bands) where "
        "global_majority is recorded; rows where it is blank are skipped.",
    ),
    MetricDef(
        key="global_majority_representation",
        label="Global majority representation",
        unit="ratio",
        kind="external",
        source="derived",
        definition="global_majority_share ÷ the area's share of global majority pupils: a "
        "DfE table loaded as a baselines file, else the goals file's [baselines] "
        "global_majority_share; no data when neither gives it, or it is 0.",
        uses=("global_majority_share",),
        reports=_RATIO,
        sql_note="global_majority_share.value / the area's global_majority_share (DfE table, "
        "else [baselines])",
        skipped_means="rows where global_majority is not recorded (as in the share)",
    ),
    MetricDef(
        key="genre_count",
        label="Genres offered",
        unit="count",
        kind="genre_count",
        source="activities",
        definition="Number of distinct genres recorded on activities in scope, other than "
        "`other` and `mixed` (an activity with 0 participants still counts its genre).",
        sql_note=f"count(DISTINCT genre) FILTER (WHERE genre NOT IN {sql_list(NOT_A_GENRE)})",
    ),
    MetricDef(
        key="genre_evenness",
        label="Genre evenness",
        unit="index",
        kind="evenness",
        source="activities",
        definition="Shannon evenness of Σ participants across genres: H ÷ ln(k), where p is "
        "each genre's share of participants, H = −Σ p ln p and k is the number of genres with "
        "participants; 0 when k ≤ 1. `other` and `mixed` are left out (as in genre_count); "
        "rows with no genre are skipped and counted.",
        parts=(("genre_skipped", _count_where("genre IS NULL")),),
        reports=("skipped",),
        skipped_means="rows where genre is not recorded",
        sql_note=f"per genre g NOT IN {sql_list(NOT_A_GENRE)} with n_g = sum(participants) > 0: "
        "p_g = n_g / Σ n; H = -Σ p_g ln(p_g); value = H / ln(k)",
    ),
    MetricDef(
        key="continuation_rate",
        label="Continuation from whole-class teaching",
        unit="rate",
        kind="continuation",
        source="activities",
        definition="Σ continuing_from_wcet in the year ÷ wcet_pupils in the year before (same "
        "filters). Rows where continuing_from_wcet is blank are skipped and counted; no data "
        "when the year before had no wcet pupils or no row of the year records it.",
        parts=(
            ("continuing", "sum(continuing_from_wcet)"),
            ("continuing_recorded", "count(continuing_from_wcet)"),
            ("continuing_skipped", _count_where("continuing_from_wcet IS NULL")),
        ),
        uses=("wcet_pupils",),
        reports=_RATIO,
        skipped_means="rows of the year where continuing_from_wcet is not recorded",
        sql_note="continuing (year Y) / wcet_pupils (year Y-1)",
    ),
    MetricDef(
        key="unique_participants",
        label="Individual children and adults",
        unit="count",
        kind="distinct",
        source="participants",
        definition="Number of distinct participant_ref with a record in the year: each person "
        "once, however many activities and partners they took part with. Only partners that "
        "send participant records are counted; no data when there is no record in scope.",
        parts=(
            ("unique_participants", "count(*)"),
            ("participant_records", "sum(records)"),
        ),
    ),
    MetricDef(
        key="unique_cyp",
        label="Individual children and young people",
        unit="count",
        kind="distinct",
        source="participants",
        definition="unique_participants whose record's age band is not `adult` (a child with "
        "any such record in the year counts once). No data when there is no record in scope.",
        parts=(("unique_cyp", _count_where("cyp")),),
    ),
    MetricDef(
        key="unique_continuation_rate",
        label="Children continuing after whole-class teaching",
        unit="share",
        kind="unique_continuation",
        source="participants",
        definition="Of the distinct children with a record in a `wcet` activity in the year "
        "before, the share with a record in a non-`wcet` activity in the year (same filters). "
        "No data when the year before has no `wcet` records, or the year has no records yet.",
        parts=(
            ("unique_wcet", _count_where("wcet")),
            ("unique_continuing", _count_where("wcet_before AND beyond_wcet")),
        ),
        reports=("numerator", "denominator"),
        sql_note="unique_continuing (year Y) / unique_wcet (year Y-1)",
        replaces="continuation_rate",
    ),
    MetricDef(
        key="progression_funnel",
        label="Progression from whole-class teaching",
        unit="funnel",
        kind="funnel",
        source="participants",
        definition="The cohort of children first seen (their first record anywhere in scope) "
        "in a `wcet` activity in the year before, and how many of them in the year are taking "
        "part at all, in tuition (individual, small- or large-group), in an ensemble or choir, "
        "and in an `advanced` activity. The Progression page shows every cohort in every "
        "later year. No data without such a cohort or without records in the year.",
        parts=(
            ("cohort_new", _count_where("cohort = ay")),
            ("cohort_taking_part", _count_where("cohort = ay - 1")),
            ("cohort_tuition", _count_where("cohort = ay - 1 AND tuition")),
            ("cohort_ensemble", _count_where("cohort = ay - 1 AND ensemble")),
            ("cohort_advanced", _count_where("cohort = ay - 1 AND advanced")),
        ),
        sql_note="cohort = cohort_new (year Y-1); each stage = cohort_* (year Y)",
    ),
)

METRICS: dict[str, MetricDef] = {m.key: m for m in _METRICS}
METRIC_KEYS: tuple[str, ...] = tuple(METRICS)

# Every SQL aggregate over the activities in scope, by column name (one query computes all).
ACTIVITY_PARTS: tuple[tuple[str, str], ...] = tuple(
    part for m in _METRICS if m.source in ("activities", "derived") for part in m.parts
)
# Every SQL aggregate over the children of a year (from participant records).
PARTICIPANT_PARTS: tuple[tuple[str, str], ...] = tuple(
    part for m in _METRICS if m.source == "participants" for part in m.parts
)
# Stages of the progression funnel, in the funnel's order, as in progression_funnel's value.
FUNNEL_STAGES = ("cohort", "taking_part", "tuition", "ensemble", "advanced")
SCHOOL_PARTS: tuple[tuple[str, str], ...] = tuple(
    part for m in _METRICS if m.source == "schools" for part in m.parts
)


@dataclass(frozen=True)
class Needs:
    """What computing some of the metrics takes: the metrics themselves and those they use
    (in registry order), and the SQL aggregates of each source."""

    metrics: tuple[MetricDef, ...]
    activity_parts: tuple[tuple[str, str], ...]
    participant_parts: tuple[tuple[str, str], ...]
    genres: bool  # the per-genre shares (genre_count, genre_evenness)
    year_before: bool  # the activities of the year before (continuation_rate)
    # How much of each child's history the participant figures read: the year alone
    # (distinct children), the year and the one before (who continued after wcet), or every
    # year before it (the funnel's cohort: where a child was first seen).
    child_history: Literal["year", "pair", "all"]


def needs(keys: Iterable[str] | None = None) -> Needs:
    """What computing the metrics `keys` (every metric when None) takes.

    A page that shows three figures for each of 20,000 schools asks only for those, so its
    query computes only their aggregates; the figures are the same SQL either way.
    """
    if keys is None:
        wanted = set(METRIC_KEYS)
    else:
        wanted = set()
        todo = [metric(k).key for k in keys]
        while todo:
            key = todo.pop()
            if key in wanted:
                continue
            wanted.add(key)
            todo.extend(u for u in METRICS[key].uses if u in METRICS)
        if any(METRICS[k].source == "participants" for k in wanted):
            wanted.add("unique_participants")  # its record count says whether there is data
    chosen = tuple(m for m in _METRICS if m.key in wanted)
    return Needs(
        metrics=chosen,
        activity_parts=tuple(
            part for m in chosen if m.source in ("activities", "derived") for part in m.parts
        ),
        participant_parts=tuple(
            part for m in chosen if m.source == "participants" for part in m.parts
        ),
        genres=any(m.kind in ("genre_count", "evenness") for m in chosen),
        year_before=any(m.kind == "continuation" for m in chosen),
        child_history="all"
        if any(m.kind == "funnel" for m in chosen)
        else "pair"
        if any(m.kind == "unique_continuation" for m in chosen)
        else "year",
    )


def metric(key: str) -> MetricDef:
    """The definition of the metric called `key`, or a KeyError that lists the keys."""
    try:
        return METRICS[key]
    except KeyError:
        raise KeyError(
            f"{key!r} is not a metric; the metrics are: {', '.join(METRIC_KEYS)}."
        ) from None
