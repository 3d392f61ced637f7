"""What every page starts with: its title and the view chosen in the sidebar."""

from __future__ import annotations

import streamlit as st

from hubmetrics.app.auth import require
from hubmetrics.app.filters import View
from hubmetrics.disclosure.inert import markdown_text

VIEW_KEY = "hubmetrics_view"
NO_RETURNS = "No activity returns are loaded yet. Start with the Upload page."


def current_view() -> View:
    """The year and filters chosen in the sidebar, which dashboard.py draws on every run.

    The sidebar lives in the entry script so that its widgets, and so the choices, carry
    over from page to page.
    """
    view = st.session_state.get(VIEW_KEY)
    if not isinstance(view, View):
        raise RuntimeError("Open the app through dashboard.py, which draws the sidebar.")
    return view


def described(view: View) -> str:
    """The year and filters in words, to place inside markdown: a local authority or partner
    chosen is shown as written, never as a link or a tag."""
    return markdown_text(view.describe())


def header(title: str, view: View | None = None) -> None:
    st.title(title)
    if view is not None and view.year:
        st.caption(f"Showing {described(view)}")


def figures_page(title: str, no_year: str = NO_RETURNS) -> View:
    """The start of a page of figures: only for someone who may see them, its title over the
    view chosen; with no year of activities yet, `no_year` says so and the page ends."""
    require("figures")
    view = current_view()
    header(title, view)
    if not view.year:
        st.info(no_year)
        st.stop()
    return view
