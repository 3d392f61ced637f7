"""Reports: the Arts Council return workbook and the trustees' board pack, for a year."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from hubmetrics.reports.ace import write_ace_workbook
from hubmetrics.reports.boardpack import write_board_pack
from ui import data
from ui.page import current_view, header
from ui.state import connection


@st.cache_data(show_spinner=False, max_entries=8)
def _report(kind: str, year: str, key: tuple[str, int]) -> bytes:
    """The report's bytes, made once per year and data version."""
    write = write_ace_workbook if kind == "ace" else write_board_pack
    with tempfile.TemporaryDirectory(prefix="hubmetrics-report-") as tmp:
        path = Path(tmp) / f"report.{'xlsx' if kind == 'ace' else 'pdf'}"
        write(connection(), year, path, goals=data.goals())
        return path.read_bytes()


view = current_view()
header("Reports", view)
if not view.year:
    st.info("No activity returns are loaded yet.")
    st.stop()
st.caption("The reports cover the whole hub for the chosen year; the other filters do not apply.")
slug = view.year.replace("/", "-")
key = data.cache_key()

left, right = st.columns(2)
with left.container(border=True):
    st.subheader("Arts Council England return")
    st.markdown(
        "The annual return as an Excel workbook: schools, tuition by key stage, whole-class "
        "teaching and continuation, ensembles and singing, inclusion, partners, and notes on "
        "every figure. **True values**: this is a return to the funder, not a publication."
    )
    if st.button("Prepare the workbook", key="prepare_ace"):
        with st.spinner("Preparing the workbook…"):
            st.session_state["ace_bytes"] = (view.year, _report("ace", view.year, key))
    ready = st.session_state.get("ace_bytes")
    if ready and ready[0] == view.year:
        st.download_button(
            "Download the workbook (.xlsx)",
            ready[1],
            file_name=f"ace-return-{slug}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="download_ace",
            icon=":material/download:",
        )
with right.container(border=True):
    st.subheader("Trustees' board pack")
    st.markdown(
        "A4 PDF for the board: the goal scorecard, charts, cold spots and returns, and a "
        "methods page. **Small numbers are hidden** (shown as [c]), so it can be shared."
    )
    if st.button("Prepare the board pack", key="prepare_pack"):
        with st.spinner("Preparing the board pack…"):
            st.session_state["pack_bytes"] = (view.year, _report("pack", view.year, key))
    ready = st.session_state.get("pack_bytes")
    if ready and ready[0] == view.year:
        st.download_button(
            "Download the board pack (PDF)",
            ready[1],
            file_name=f"board-pack-{slug}.pdf",
            mime="application/pdf",
            key="download_pack",
            icon=":material/download:",
        )
