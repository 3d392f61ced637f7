"""Methods: how every figure is defined, generated from the registry, and the goals file."""

from __future__ import annotations

import streamlit as st

from hubmetrics import config
from hubmetrics.app import cached
from hubmetrics.app.auth import require
from hubmetrics.app.state import connection
from hubmetrics.app.tables import show_table
from hubmetrics.app.view import header
from hubmetrics.metrics import METRICS
from hubmetrics.metrics.area import area_baselines

require("methods")
header("Methods")
st.markdown(
    "Every figure on these pages, in the exports and in the reports is one of the metrics "
    "below, computed the same way everywhere. A blank cell in a return means *not recorded*: "
    "figures that need it skip that row and say how many they skipped. A ratio with nothing "
    "to divide by is shown as *no data*, never as 0."
)
st.subheader("The metrics")
show_table(
    [
        {
            "Metric": d.label,
            "Key": d.key,
            "Unit": d.unit,
            "Definition": d.definition,
            "Computed as": d.sql,
        }
        for d in METRICS.values()
    ],
    key="methods_metrics",
    file_name="metric-definitions.csv",
    column_config={"Definition": st.column_config.TextColumn(width="large")},
)
st.subheader("Area baselines and where each came from")
st.markdown(
    "The area's shares of pupils the figures are set against (the global majority's share "
    "in global_majority_representation; sex, ethnicity and SEND in the children's profile on "
    "the Progression page). Each comes from a DfE table loaded as a *baselines* file (the "
    "Upload page, or `hubmetrics load baselines FILE`): its rows for the local authorities "
    "of the state-funded schools in the schools list, in its latest year, pupils summed over "
    "them and divided by the pupils summed, never an average of percentages. Where no DfE "
    "table gives a share (none is loaded, or a part of it is suppressed in the DfE's file), "
    "the goals file's `[baselines]` value is used. Free school meals and SEND in the Reach "
    "figures come from the schools list."
)
goals = cached.goals()
show_table(
    [
        {
            "Baseline": b.key,
            "Share": "—" if b.value is None else f"{b.value:.1%}",
            "Source": b.cited or "none",
            "Note": b.note,
        }
        for b in area_baselines(connection(), goals.baselines, goals.source)
    ],
    key="methods_baselines",
    file_name="area-baselines.csv",
)
st.subheader("Status of an indicator")
st.markdown(
    "The expected value for a year lies on the straight line from the indicator's baseline "
    "to its target (with no baseline, it is the target). An indicator that should rise is "
    "**on track** at or above the expected value, **at risk** within 10% below it, and "
    "**off track** further below; one that should fall is judged the other way round. With "
    "no value it has **no data**. For the year in progress, the same figure at the same date "
    "a year earlier is shown beside it, so half a year is not read as a failure."
)
st.subheader("The goals file, as the hub wrote it")
path = config.goals_path()
st.caption(f"{path} — edit this file to change goals, indicators, baselines and targets.")
st.code(path.read_text(encoding="utf-8"), language="toml")
