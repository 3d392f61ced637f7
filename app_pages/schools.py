"""Schools: coverage by phase and local authority, and the cold spots to search and download."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from hubmetrics.app import cached
from hubmetrics.app import format as fmt
from hubmetrics.app.auth import audit_download, require
from hubmetrics.app.filters import View
from hubmetrics.app.tables import show_table
from hubmetrics.app.theme import COLD_SPOT, ENGAGED, show, styled
from hubmetrics.app.view import current_view, header
from hubmetrics.contract import PHASE_LABELS
from hubmetrics.disclosure.exports import table_csv
from hubmetrics.metrics import METRICS, Filters, MetricValue
from hubmetrics.metrics.reach import SchoolReach, search_schools

COUNT = st.column_config.NumberColumn(format="%,d")
PERCENT = st.column_config.NumberColumn(format="%.1f%%")
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


def page() -> None:
    require("figures")
    view = current_view()
    header("Schools", view)
    if not view.year:
        st.info("No activity returns are loaded yet. Start with the Upload page.")
        return
    values = cached.metrics(view.year, view.filters)
    if not values["state_schools"].value:
        st.info("There are no state-funded schools in the schools list for this selection.")
        return
    key_figures(values, view)
    coverage_by(view.year, view.filters, "phase", "Phase")
    coverage_by(view.year, view.filters, "local_authority", "Local authority")
    cold_spot_list(view)


# --- the sections ---------------------------------------------------------------------


def key_figures(values: dict[str, MetricValue], view: View) -> None:
    keys = ("state_schools", "schools_engaged", "school_coverage", "cold_spot_schools")
    for column, key in zip(st.columns(len(keys)), keys, strict=True):
        column.metric(METRICS[key].label, fmt.figure(key, values[key].value))
    if not values["participations"].rows:
        st.info(
            f"No activities for {view.describe()}: every state-funded school counts as a cold spot."
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


COVERAGE_FIGURES = ("state_schools", "schools_engaged", "cold_spot_schools", "school_coverage")


def coverage_by(year: str, filters: Filters, by: str, title: str) -> None:
    st.subheader(f"Coverage by {title.lower()}")
    groups = cached.metrics_by(year, filters, by, COVERAGE_FIGURES)
    if by == "phase":  # the phases in the order children go through them
        order = list(PHASE_LABELS)
        groups = dict(
            sorted(groups.items(), key=lambda g: order.index(g[0]) if g[0] in order else 99)
        )
    rows = []
    for group, values in groups.items():
        schools = values["state_schools"].value
        if group is None or not schools:  # activities with no known school; no state schools
            continue
        coverage = values["school_coverage"].value
        rows.append(
            {
                title: PHASE_LABELS.get(group, group) if by == "phase" else group,
                "State-funded schools": schools,
                "Engaged": values["schools_engaged"].value,
                "Cold spots": values["cold_spot_schools"].value,
                "Coverage": coverage * 100 if isinstance(coverage, float) else None,
            }
        )
    if not rows:
        st.info("No state-funded schools to show.")
        return
    names = [str(r[title]) for r in rows]
    engaged = [r["Engaged"] for r in rows]
    cold = [r["Cold spots"] for r in rows]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=engaged,
        orientation="h",
        name="Engaged",
        marker={"color": ENGAGED},
        hovertemplate="%{y}: %{x:,} engaged<extra></extra>",
    )
    fig.add_bar(
        y=names,
        x=cold,
        orientation="h",
        name="Cold spots (no activity)",
        marker={
            "color": COLD_SPOT,
            "pattern": {"shape": "x", "fgcolor": "white", "fillmode": "overlay"},
        },
        text=[f"{r['Coverage']:.1f}% engaged · {r['Cold spots']:,} cold" for r in rows],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:,} cold spots<extra></extra>",
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickformat=",d")
    fig.update_layout(
        barmode="stack",
        height=max(260, 110 + 42 * len(rows)),
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "x": 0,
            "traceorder": "normal",
        },
        margin={"t": 80, "r": 190},
    )
    show(
        styled(
            fig,
            f"State-funded schools engaged and cold spots, by {title.lower()}",
            "State-funded schools",
            "",
        ),
        f"coverage_{by}_chart",
    )
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
            f"No cold spots: every state-funded school had an activity in {view.describe()}.",
            icon=":material/task_alt:",
        )
        return
    st.markdown(
        f"**{len(every):,} state-funded schools** had no activity in {view.describe()}. "
        "Search by name, district, postcode or URN."
    )
    wanted = st.text_input(
        "Search the cold spots",
        key="cold_spot_search",
        placeholder="e.g. Corby, NN17 or 912345",
    )
    shown = search_schools(every, wanted)
    if wanted.strip():
        st.caption(f"{len(shown):,} of {len(every):,} cold spots match “{wanted.strip()}”.")
    st.dataframe(
        pd.DataFrame([_cold_spot_row(s) for s in shown], columns=list(COLD_SPOT_COLUMNS)),
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
        table_csv([_cold_spot_row(s) for s in shown]),
        file_name=f"cold-spots-{view.year.replace('/', '-')}.csv",
        mime="text/csv",
        key="cold_spot_download",
        icon=":material/download:",
        on_click=audit_download,
        args=(f"cold spots {view.describe()}",),
    )


# --- helpers ----------------------------------------------------------------------------


def _cold_spot_row(s: SchoolReach) -> dict[str, object]:
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


page()
