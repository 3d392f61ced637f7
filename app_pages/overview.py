"""Overview: the hub's nine goals as a scorecard, and what the figures stand on."""

from __future__ import annotations

import streamlit as st

from hubmetrics.app import cached, figures
from hubmetrics.app import format as fmt
from hubmetrics.app.children import children_beside
from hubmetrics.app.goals_view import comparison, headline, label
from hubmetrics.app.view import figures_page

view = figures_page("How the hub is doing")

coverage = cached.coverage(view.year)
last = fmt.long_date(coverage.last_upload) if coverage.last_upload else "never"
st.markdown(
    f"The figures for **{view.year}** stand on **{coverage.returns:,} termly returns** from "
    f"**{coverage.partners_returned} of {coverage.partners_known} partners**; the last upload "
    f"was on **{last}**. Figures are as at {fmt.long_date(cached.as_of())}."
)

values = cached.metrics(view.year, view.filters)
results = cached.goal_results(view.year, view.filters)
columns = st.columns(3)
for index, goal in enumerate(results):
    with columns[index % 3].container(border=True, key=f"goal_card_{goal.number}"):
        st.markdown(f"**Goal {goal.number}.** {goal.title}")
        if not goal.indicators:
            continue
        lead = goal.indicators[0]
        series = [
            v
            for _, value in figures.trend(lead.metric, lead.filters)
            if (v := figures.number(value)) is not None
        ]
        st.metric(
            label(lead),
            fmt.shown(lead.metric, figures.indicator(lead, view.year)),
            chart_data=series if len(series) > 1 else None,
            border=False,
        )
        st.markdown(f"{fmt.status(lead.status)} · {headline(lead)}")
        if (line := comparison(lead, figures.comparison(lead))) is not None:
            st.caption(line)
        if (children := children_beside(values, lead.metric)) is not None:
            st.caption(children)
        others = goal.indicators[1:]
        if others:
            st.caption(
                " · ".join(
                    f"{label(i)}: {fmt.shown(i.metric, figures.indicator(i, view.year))} ({fmt.STATUS_WORDS[i.status][0].lower()})"
                    for i in others
                )
            )
