"""hubmetrics: the dashboard's entry point: sign-in, the navigation a role gets, the demo banner."""

from __future__ import annotations

import time

import streamlit as st

import hubmetrics.plots.theme  # noqa: F401  (registers the plotly template every chart uses)
from hubmetrics import store
from hubmetrics.app import auth
from hubmetrics.app.filters import sidebar_view
from hubmetrics.app.navigation import FIGURES, navigation, only
from hubmetrics.app.state import collect_garbage_now_and_then, connection, record_run
from hubmetrics.app.view import VIEW_KEY

started = time.perf_counter()
st.set_page_config(
    page_title="Music hub dashboard", page_icon=":material/music_note:", layout="wide"
)

gate = auth.gate()
if gate.person is None:
    # Nobody is signed in (or sign-in is not set up): every address shows only this.
    assert gate.page is not None
    st.navigation(only(gate.page), position="hidden").run()
    st.stop()

if store.is_demo(connection()):
    st.warning(
        "**Demo data.** Everything shown here is synthetic: invented partners, schools and "
        "children's figures, for trying the dashboard out.",
        icon=":material/science:",
    )

pages = navigation(gate.person)
page = st.navigation(pages)
auth.sidebar(gate.person)
# The year and filters sit in the entry script, so that they carry over from page to page;
# only the pages that show figures draw them.
if page.url_path in {p.url_path for p in pages[FIGURES] if p.visibility == "visible"}:
    st.session_state[VIEW_KEY] = sidebar_view()
try:
    page.run()
finally:  # a rerun or stop ends the run early: it is timed all the same
    collect_garbage_now_and_then()
    record_run(page.url_path, time.perf_counter() - started)
