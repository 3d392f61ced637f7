"""Goal detail: each indicator of a goal over the years, against the line to its target."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from hubmetrics.app import cached, figures
from hubmetrics.app import format as fmt
from hubmetrics.app.children import children_beside
from hubmetrics.app.filters import AGE_BAND_LABELS
from hubmetrics.app.goals_view import comparison, headline
from hubmetrics.app.tables import show_table
from hubmetrics.app.theme import show
from hubmetrics.app.view import figures_page
from hubmetrics.metrics import METRICS, Filters, MetricValue
from hubmetrics.metrics.trajectory import trajectory
from hubmetrics.plots.theme import PARITY, styled


def _value(values: dict[str, MetricValue], key: str, scope: Filters) -> object:
    """A breakdown's figure: a count as it is (its table hides it), anything else published."""
    if METRICS[key].unit == "count":
        return values[key].value
    return figures.metric(values[key], values, scope)


view = figures_page("Goal detail", "No activity returns are loaded yet.")

goals = cached.goals().goals
numbers = [g.number for g in goals]
wanted = st.query_params.get("goal")
if "goal_choice" not in st.session_state:
    st.session_state["goal_choice"] = (
        int(wanted) if wanted and wanted.isdigit() and int(wanted) in numbers else numbers[0]
    )
number = st.selectbox(
    "Goal",
    numbers,
    key="goal_choice",
    format_func=lambda n: f"{n}. {next(g.title for g in goals if g.number == n)}",
)
st.query_params["goal"] = str(number)
goal = next(g for g in goals if g.number == number)
result = next(r for r in cached.goal_results(view.year, view.filters) if r.number == number)

for indicator, outcome in zip(goal.indicators, result.indicators, strict=True):
    key = outcome.metric
    definition = METRICS[key]
    st.subheader(definition.label)
    st.markdown(
        f"{fmt.status(outcome.status)} · **{fmt.shown(key, figures.indicator(outcome, view.year))}** in {view.year} · {headline(outcome)}"
    )
    if (line := comparison(outcome, figures.comparison(outcome))) is not None:
        st.caption(line)
    if outcome.note:
        st.caption(outcome.note)
    if (children := children_beside(cached.metrics(view.year, outcome.filters), key)) is not None:
        st.caption(children)

    scope = outcome.filters
    # A count is hidden by the table below (with the cells that would give it away); any
    # other figure is published one by one, from the counts it was made from.
    counted = definition.unit == "count"
    history = (
        [(y, v.value) for y, v in cached.metric_trend(key, scope)]
        if counted
        else figures.trend(key, scope)
    )
    counts = ["Actual"] if counted else []
    shown = figures.rows([{"Actual": v} for _, v in history], counts=counts)
    shown_history = {
        y: figures.number(r["Actual"]) for (y, _), r in zip(history, shown, strict=True)
    }
    expected = trajectory(indicator, [y for y, _ in history])
    scale = 100 if definition.unit == "share" else 1
    fig = go.Figure()
    fig.add_scatter(
        x=[y for y, _ in history],
        y=[None if (v := shown_history[y]) is None else v * scale for y, _ in history],
        mode="lines+markers",
        name="Actual",
        marker={"symbol": "circle", "size": 9},
    )
    fig.add_scatter(
        x=[y for y, _ in expected],
        y=[v * scale for _, v in expected],
        mode="lines",
        name="Trajectory to target",
        line={"dash": "dash", "color": PARITY},
    )
    y_title = f"{definition.label} (%)" if definition.unit == "share" else definition.label
    show(
        styled(fig, f"{definition.label}: actual and trajectory", "Academic year", y_title),
        key=f"trend_{number}_{key}",
    )
    # Numbers, not text, so that a download can hide small counts.
    number_format = st.column_config.NumberColumn(
        format="percent" if definition.unit in ("share", "rate") else "localized"
    )
    show_table(
        [{"Academic year": y, "Actual": v, "Expected": dict(expected).get(y)} for y, v in history],
        key=f"trend_table_{number}_{key}",
        file_name=f"goal-{number}-{key}.csv",
        counts=counts,
        column_config={"Actual": number_format, "Expected": number_format},
    )

    with st.expander("What explains it: by local authority and by age band"):
        by_la = cached.metrics_by(view.year, scope, "local_authority", [key])
        by_band = cached.metrics_by(view.year, scope, "age_band", [key])

        rows = [
            {
                "Breakdown": "Local authority",
                "Group": la or "Not at a listed school",
                "Value": _value(values, key, scope),
            }
            for la, values in by_la.items()
        ] + [
            {
                "Breakdown": "Age band",
                "Group": AGE_BAND_LABELS.get(band or "", band),
                "Value": _value(values, key, scope),
            }
            for band, values in by_band.items()
        ]
        show_table(
            rows,
            key=f"breakdown_{number}_{key}",
            file_name=f"goal-{number}-{key}-breakdown.csv",
            counts=["Value"] if counted else [],
            column_config={"Value": number_format},
        )
