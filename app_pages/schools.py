"""Schools: coverage by phase and local authority, and the cold spots to search and download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from hubmetrics.app import cached
from hubmetrics.app import format as fmt
from hubmetrics.app.auth import audit_download
from hubmetrics.app.filters import View
from hubmetrics.app.tables import COUNT, PERCENT, draw_table, show_table
from hubmetrics.app.theme import show
from hubmetrics.app.view import described, figures_page
from hubmetrics.disclosure.exports import table_csv
from hubmetrics.metrics import METRICS, Filters, MetricValue
from hubmetrics.metrics import reach_tables as reach
from hubmetrics.metrics.reach import search_schools
from hubmetrics.plots.reach import coverage_chart

# --- the sections ---------------------------------------------------------------------


def key_figures(values: dict[str, MetricValue], view: View) -> None:
    keys = ("state_schools", "schools_engaged", "school_coverage", "cold_spot_schools")
    for column, key in zip(st.columns(len(keys)), keys, strict=True):
        column.metric(METRICS[key].label, fmt.figure(key, values[key].value))
    if not values["participations"].rows:
        st.info(
            f"No activities for {described(view)}: every state-funded school counts as a cold spot."
        )
    notes = [
        "A school is engaged when at least one activity in the selection took place there (one "
        "is enough); independent schools are not counted."
    ]
    if view.filters.partner_id or view.filters.age_band:
        notes.append(
            "With a partner or age band chosen, coverage is that partner's (or age band's) "
            "reach against every state-funded school of the area."
        )
    st.caption(" ".join(notes))


def coverage_by(year: str, filters: Filters, by: str, title: str) -> None:
    st.subheader(f"Coverage by {title.lower()}")
    groups = cached.metrics_by(year, filters, by, reach.COVERAGE_FIGURES)
    rows = reach.coverage(groups, by, title)
    if not rows:
        st.info("No state-funded schools to show.")
        return
    show(coverage_chart(rows, title), f"coverage_{by}_chart")
    show_table(
        rows,
        file_name=f"coverage-by-{by.replace('_', '-')}.csv",
        column_config={
            "State-funded schools": COUNT,
            "Engaged": COUNT,
            "Cold spots": COUNT,
            "Coverage": PERCENT,
        },
        key=f"coverage_{by}_table",
    )


def cold_spot_list(view: View) -> None:
    st.subheader("Cold spots")
    every = cached.cold_spots(view.year, view.filters)
    if not every:
        st.success(
            f"No cold spots: every state-funded school had an activity in {described(view)}.",
            icon=":material/task_alt:",
        )
        return
    st.markdown(
        f"**{len(every):,} state-funded schools** had no activity in {described(view)}. "
        "Search by name, district, postcode or URN."
    )
    wanted = st.text_input(
        "Search the cold spots",
        key="cold_spot_search",
        placeholder="e.g. Corby, NN17 or 912345",
    )
    shown = search_schools(every, wanted)
    if wanted.strip():
        st.caption(
            f"{len(shown):,} of {len(every):,} cold spots match “{fmt.uploaded_text(wanted)}”."
        )
    draw_table(
        pd.DataFrame(
            [reach.cold_spot_row(s) for s in shown], columns=list(reach.COLD_SPOT_COLUMNS)
        ),
        hide_index=True,
        column_config={
            "URN": st.column_config.NumberColumn(format="%d"),
            "Pupils": COUNT,
            "FSM %": PERCENT,
        },
        key="cold_spot_table",
    )
    st.download_button(
        f"Download these {len(shown):,} schools (CSV)",
        table_csv([reach.cold_spot_row(s) for s in shown]),
        file_name=f"cold-spots-{view.year.replace('/', '-')}.csv",
        mime="text/csv",
        key="cold_spot_download",
        icon=":material/download:",
        on_click=audit_download,
        args=(f"cold spots {view.describe()}",),
    )


view = figures_page("Schools")
values = cached.metrics(view.year, view.filters)
if not values["state_schools"].value:
    st.info("There are no state-funded schools in the schools list for this selection.")
    st.stop()
key_figures(values, view)
coverage_by(view.year, view.filters, "phase", "Phase")
coverage_by(view.year, view.filters, "local_authority", "Local authority")
cold_spot_list(view)
