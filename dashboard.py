"""hubmetrics: the dashboard's entry point, its navigation and the demo banner."""

from __future__ import annotations

import streamlit as st

import ui.theme  # noqa: F401  (registers the plotly template every chart uses)
from hubmetrics import store
from ui.filters import sidebar_view
from ui.page import VIEW_KEY
from ui.state import connection

st.set_page_config(
    page_title="Music hub dashboard", page_icon=":material/music_note:", layout="wide"
)

if store.is_demo(connection()):
    st.warning(
        "**Demo data.** Everything shown here is synthetic: invented partners, schools and "
        "children's figures, for trying the dashboard out.",
        icon=":material/science:",
    )

pages = {
    "Progress": [
        # The default page is served at the root address, "/".
        st.Page(
            "app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True
        ),
        st.Page(
            "app_pages/goal_detail.py",
            title="Goal detail",
            icon=":material/flag:",
            url_path="goals",
        ),
        st.Page(
            "app_pages/reach.py", title="Reach", icon=":material/diversity_3:", url_path="reach"
        ),
        st.Page(
            "app_pages/schools.py", title="Schools", icon=":material/school:", url_path="schools"
        ),
        st.Page(
            "app_pages/progression.py",
            title="Progression",
            icon=":material/trending_up:",
            url_path="progression",
        ),
        st.Page(
            "app_pages/partners.py",
            title="Partners",
            icon=":material/handshake:",
            url_path="partners",
        ),
        st.Page(
            "app_pages/reports.py",
            title="Reports",
            icon=":material/summarize:",
            url_path="reports",
        ),
    ],
    "Data": [
        st.Page(
            "app_pages/upload.py", title="Upload", icon=":material/upload_file:", url_path="upload"
        ),
        st.Page("app_pages/data.py", title="Batches", icon=":material/history:", url_path="data"),
        st.Page(
            "app_pages/methods.py", title="Methods", icon=":material/menu_book:", url_path="methods"
        ),
    ],
}
page = st.navigation(pages)
# The year and filters sit in the entry script, so that they carry over from page to page;
# only the pages that show figures draw them.
if page.url_path in {p.url_path for p in pages["Progress"]}:
    st.session_state[VIEW_KEY] = sidebar_view()
page.run()
