"""hubmetrics: the dashboard's entry point, its navigation and the demo banner."""

from __future__ import annotations

import streamlit as st

import ui.theme  # noqa: F401  (registers the plotly template every chart uses)
from hubmetrics import store
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
        st.Page(
            "pages/overview.py",
            title="Overview",
            icon=":material/dashboard:",
            url_path="overview",
            default=True,
        ),
        st.Page(
            "pages/goal_detail.py", title="Goal detail", icon=":material/flag:", url_path="goals"
        ),
        st.Page("pages/reach.py", title="Reach", icon=":material/diversity_3:", url_path="reach"),
        st.Page("pages/schools.py", title="Schools", icon=":material/school:", url_path="schools"),
        st.Page(
            "pages/partners.py", title="Partners", icon=":material/handshake:", url_path="partners"
        ),
    ],
    "Data": [
        st.Page(
            "pages/upload.py", title="Upload", icon=":material/upload_file:", url_path="upload"
        ),
        st.Page("pages/data.py", title="Batches", icon=":material/history:", url_path="data"),
        st.Page(
            "pages/methods.py", title="Methods", icon=":material/menu_book:", url_path="methods"
        ),
    ],
}
st.navigation(pages).run()
