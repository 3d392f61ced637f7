"""Reach: who takes part — age bands, the hard-to-reach groups, by area, and a map of schools."""

from __future__ import annotations

import streamlit as st

from hubmetrics.app import cached, reach_view
from hubmetrics.app.theme import show
from hubmetrics.app.view import described, figures_page
from hubmetrics.metrics import reach_tables as reach

view = figures_page("Reach")
values = cached.metrics(view.year, view.filters)
if not values["participations"].rows:
    st.info(f"No activities for {described(view)}. Choose another year or fewer filters.")
    st.stop()

reach_view.key_figures(values, view.filters)

st.subheader("Participation by age band")
bands = reach.age_bands(values)
show(reach_view.age_band_chart(bands, view.filters), "age_band_chart")
with st.expander("The figures behind the chart"):
    reach_view.table(
        bands,
        key="age_band_table",
        file_name="participation-by-age-band.csv",
        views=reach_view.band_views(view.filters),
    )

st.subheader("Hard-to-reach groups")
st.markdown(reach.HARD_TO_REACH)
groups = reach.hard_to_reach(values)
left, right = st.columns([3, 1])
with left:
    show(reach_view.hard_to_reach_chart(groups), "hard_to_reach_chart")
with right:
    reach_view.looked_after(values, view.filters)
reach_view.table(groups, key="hard_to_reach_table", file_name="hard-to-reach-groups.csv")

for by, title in (("local_authority", "Local authority"), ("district", "District")):
    st.subheader(f"By {title.lower()}")
    areas = reach.by_area(cached.metrics_by(view.year, view.filters, by, reach.AREA_FIGURES), title)
    show(reach_view.area_chart(areas, title, view.filters), f"{by}_reach_chart")
    slug = by.replace("_", "-")
    reach_view.table(
        areas,
        key=f"{by}_reach_table",
        file_name=f"reach-by-{slug}.csv",
        views=reach_view.area_views(view.filters, title),
    )
    if any(r[title] == reach.NOT_AT_A_SCHOOL for r in areas.rows):
        st.caption(reach.NOT_AT_A_SCHOOL_NOTE)

st.subheader("By deprivation (IMD decile of the school)")
st.markdown(reach.DECILE_INTRO)
reach_view.deciles(view.year, view.filters)

st.subheader("Schools reached")
schools = cached.school_reach(view.year, view.filters)
left, right = st.columns([3, 1])
with left:
    show(reach_view.schools_map(view.year, view.filters, schools), "schools_map")
with right:
    reach_view.school_totals(schools)
with st.expander("The schools on the map"):
    reach_view.schools_table(view.year, view.filters)
