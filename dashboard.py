"""hubmetrics: the dashboard's entry point, its navigation and the demo banner."""

from __future__ import annotations

import streamlit as st

from hubmetrics import store
from ui.state import connection

st.set_page_config(page_title="Music hub dashboard", page_icon="🎵", layout="wide")

con = connection()
if store.is_demo(con):
    st.warning(
        "**Demo data.** Everything shown here is synthetic: invented partners, schools and "
        "children's figures, for trying the dashboard out.",
        icon="🧪",
    )

pages = [
    st.Page("pages/data.py", title="Data", icon="🗂️", url_path="data", default=True),
]
st.navigation(pages).run()
