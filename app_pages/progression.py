"""Progression: each child counted once, the pathways from whole-class teaching, and who the
children are against the area — from partners' pseudonymised participant records."""

from __future__ import annotations

import streamlit as st

from hubmetrics.app import cached, figures
from hubmetrics.app.children import children_beside
from hubmetrics.app.filters import View
from hubmetrics.app.state import connection
from hubmetrics.app.tables import show_table
from hubmetrics.app.theme import show
from hubmetrics.app.view import figures_page
from hubmetrics.disclosure.visibility import count_at, published_at
from hubmetrics.metrics import METRICS, MetricValue
from hubmetrics.metrics.area import area_baselines, sources_said
from hubmetrics.metrics.demographics import (
    DIMENSIONS,
    ETHNICITY_BASELINES,
    SEND_BASELINES,
    SEX_BASELINE,
    Profile,
)
from hubmetrics.metrics.formatting import format_published
from hubmetrics.metrics.pathways import cohort_sankey, funnel_rows
from hubmetrics.plots.pathways import sankey_chart

# The profile's dimensions set against a share from the DfE's tables or the goals file.
PROFILE_SOURCES = {
    "sex": (SEX_BASELINE,),
    "ethnicity": tuple(ETHNICITY_BASELINES.values()),
    "SEN support, EHCP and no SEND": (*SEND_BASELINES.values(), "send_share"),
}

# --- the sections ---------------------------------------------------------------------


def key_figures(values: dict[str, MetricValue], threshold: int | None) -> None:
    keys = ("participations", "unique_cyp", "unique_continuation_rate", "continuation_rate")
    for column, key in zip(st.columns(len(keys)), keys, strict=True):
        column.metric(
            METRICS[key].label, format_published(key, published_at(values[key], threshold))
        )
    st.caption(children_beside(values) or "No participant records in this selection.")
    rate = values["unique_continuation_rate"]
    if rate.value is not None:
        st.caption(
            f"Children continuing after whole-class teaching: "
            f"{format_published('participations', count_at(rate.numerator, threshold))} of the "
            f"{format_published('participations', count_at(rate.denominator, threshold))} "
            "children in whole-class teaching the year before had a record in another "
            "activity this year. Continuation from the returns is the activity returns' own "
            "estimate, in which a child in two groups counts twice."
        )


def pathways(view: View, threshold: int | None) -> None:
    st.subheader("Pathways from whole-class teaching")
    st.markdown(
        "A **cohort** is the children first seen in whole-class ensemble teaching in a year "
        "(their first record anywhere in this selection). Each later year shows how many "
        "still take part, and how many reached tuition, an ensemble or choir, and an advanced "
        "group; a child in both tuition and an ensemble counts in both."
    )
    progression = cached.progression(view.filters)
    cohorts = sorted({s.cohort for s in progression.steps})
    if not cohorts:
        st.info("No cohort has a later year with records yet in this selection.")
        return
    cohort = st.selectbox(
        "Cohort", cohorts, key="progression_cohort", format_func=lambda c: f"First seen in {c}"
    )
    sankey = cohort_sankey(progression, cohort, threshold)
    show(sankey_chart(sankey), "progression_sankey")
    if sankey.hidden:
        flows = "flow" if sankey.hidden == 1 else "flows"
        st.caption(
            f"{sankey.hidden} {flows} of 1 to {threshold} children not drawn, so that no child "
            "can be singled out."
        )
    rows = [
        {name: _text(name, value) for name, value in row.items()}
        for row in funnel_rows(progression, threshold)
    ]
    show_table(rows, key="funnel_table", file_name="progression-funnel.csv")


def profile(view: View, threshold: int | None) -> None:
    st.subheader(f"Who the children are, {view.year}")
    result = cached.children_profile(view.year, view.filters, threshold)
    st.markdown(
        f"**{format_published('participations', result.children)} individual children** "
        "with a record, set against the area's pupils. Each child counts once, with their "
        "latest recorded details. Shares leave out children whose details are not recorded; "
        "free school meals and SEND are over the "
        f"{format_published('participations', result.school_age)} of school age, as the "
        "schools list's pupils are. **1.00 is parity**."
    )
    columns = st.columns(2)
    for index, (dimension, _, _) in enumerate(DIMENSIONS):
        with columns[index % 2]:
            _profile_table(result, dimension)
    st.caption(
        "Area shares: free school meals, and SEND where no DfE table gives it, from the "
        "schools list (state-funded schools' pupils); "
        + (
            area_sources()
            or "ethnicity and sex from no source yet (the goals file's "
            "[baselines], or a DfE table loaded on the Upload page)"
        )
        + ". Small numbers are shown as [c], with any count or share that would give one away."
    )


def area_sources() -> str:
    """Where the profile's area shares came from: a DfE table, else the goals file."""
    goals = cached.goals()
    found = area_baselines(connection(), goals.baselines, goals.source)
    return sources_said(found, PROFILE_SOURCES)


# --- helpers ----------------------------------------------------------------------------


def _profile_table(result: Profile, dimension: str) -> None:
    st.markdown(f"**{dimension}**")
    rows = [
        {
            "Group": r.group,
            "Children": _text("participations", r.children),
            "Share": _text("unique_continuation_rate", r.share),
            "Area": _text("unique_continuation_rate", r.area_share),
            "Against the area": _text("fsm_representation", r.representation),
        }
        for r in result.dimension(dimension)
    ]
    slug = dimension.lower().replace(" ", "_")
    show_table(rows, key=f"profile_{slug}", file_name=f"children-{slug}.csv")


def _text(key_or_column: str, value: object) -> str:
    """A table cell as text: counts with separators, shares as percentages, `[c]` as it is."""
    if value is None:
        return "—"
    if "%" in key_or_column:
        return format_published("unique_continuation_rate", value)
    if key_or_column in METRICS:
        return format_published(key_or_column, value)
    return format_published("participations", value)


view = figures_page("Progression")
if not cached.has_records():
    st.info(
        "No participant records are loaded yet. Partners with a pupil database can send "
        "pseudonymised records of individual children (see the guide *Pseudonymising "
        "pupil records*); this page then counts each child once and follows the pathways "
        "they take after whole-class teaching."
    )
    st.stop()
# Small numbers are hidden for whoever may not see these figures in full (docs/access.md).
threshold = figures.hidden_at(view.filters.partner_id)
key_figures(cached.metrics(view.year, view.filters), threshold)
pathways(view, threshold)
profile(view, threshold)
