"""Reports: the Arts Council return workbook and the trustees' board pack, for a year."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from hubmetrics.app import cached
from hubmetrics.app.auth import audit_download, require
from hubmetrics.app.state import connection
from hubmetrics.app.view import current_view, header
from hubmetrics.people.access import may
from hubmetrics.reports.ace import write_ace_workbook
from hubmetrics.reports.boardpack import write_board_pack


@dataclass(frozen=True)
class Report:
    """One document on the page: who may make it, what it holds, how it is written."""

    action: str
    title: str
    about: str
    noun: str
    file: str  # the file name, with {slug} for the year
    mime: str
    write: Callable[..., Path]


REPORTS = {
    "ace": Report(
        action="ace_workbook",
        title="Arts Council England return",
        about="The annual return as an Excel workbook: schools, tuition by key stage, "
        "whole-class teaching and continuation, ensembles and singing, inclusion, partners, and "
        "notes on every figure. **True values**: this is a return to the funder, not a "
        "publication.",
        noun="workbook",
        file="ace-return-{slug}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        write=write_ace_workbook,
    ),
    "pack": Report(
        action="board_pack",
        title="Trustees' board pack",
        about="A4 PDF for the board: the goal scorecard, charts, cold spots and returns, and "
        "a methods page. **Small numbers are hidden** (shown as [c]), so it can be shared.",
        noun="board pack",
        file="board-pack-{slug}.pdf",
        mime="application/pdf",
        write=write_board_pack,
    ),
}


@st.cache_data(show_spinner=False, max_entries=8)
@cached.one_state
def _report(key: tuple[str, int], kind: str, year: str) -> bytes:
    """The report's bytes, made once per year and data version, from one state of the data
    (a report that an upload overtook is made again)."""
    spec = REPORTS[kind]
    with tempfile.TemporaryDirectory(prefix="hubmetrics-report-") as tmp:
        path = Path(tmp) / spec.file.format(slug="report")
        spec.write(connection(), year, path, goals=cached.goals())
        return path.read_bytes()


def report_card(kind: str, year: str) -> None:
    """One report: what it holds, a button to prepare it, and its download once ready."""
    spec = REPORTS[kind]
    st.subheader(spec.title)
    st.markdown(spec.about)
    if st.button(f"Prepare the {spec.noun}", key=f"prepare_{kind}"):
        with st.spinner(f"Preparing the {spec.noun}…"):
            st.session_state[f"{kind}_bytes"] = (year, cached.read_one_state(_report, kind, year))
    ready = st.session_state.get(f"{kind}_bytes")
    if ready and ready[0] == year:
        st.download_button(
            f"Download the {spec.noun}",
            ready[1],
            file_name=spec.file.format(slug=year.replace("/", "-")),
            mime=spec.mime,
            key=f"download_{kind}",
            icon=":material/download:",
            on_click=audit_download,
            args=(f"{spec.title} {year}",),
        )


person = require("ace_workbook", "board_pack")
view = current_view()
header("Reports", view)
if not view.year:
    st.info("No activity returns are loaded yet.")
    st.stop()
st.caption("The reports cover the whole hub for the chosen year; the other filters do not apply.")
allowed = [kind for kind, spec in REPORTS.items() if may(person, spec.action)]
for column, kind in zip(st.columns(2), allowed, strict=False):
    with column.container(border=True):
        report_card(kind, view.year)
