"""What every page starts with: its title and the view chosen in the sidebar."""

from __future__ import annotations

import streamlit as st

from ui.filters import View, sidebar_view


def current_view() -> View:
    """Draw the sidebar's year and filters (same keys on every page, so they carry over)."""
    return sidebar_view()


def header(title: str, view: View | None = None) -> None:
    st.title(title)
    if view is not None and view.year:
        st.caption(f"Showing {view.describe()}")
