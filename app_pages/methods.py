"""Methods: how every figure is defined, generated from the registry, and the goals file."""

from __future__ import annotations

import streamlit as st

from hubmetrics import config
from hubmetrics.app.auth import require
from hubmetrics.app.tables import show_table
from hubmetrics.app.view import header
from hubmetrics.metrics import METRICS

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
