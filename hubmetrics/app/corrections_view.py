"""The Upload page's corrections: fixes offered (each named, with the cells it changes, applied
only when accepted), the rows still in trouble in a grid to correct by hand, and what loading
the clean file will change. From records of children no value is ever shown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from hubmetrics.app.tables import draw_table, edit_table
from hubmetrics.contract import file_kind
from hubmetrics.contract.problems import Problem
from hubmetrics.disclosure.shown_back import ShownBack
from hubmetrics.disclosure.visibility import count_at
from hubmetrics.ingest.corrections import (
    Edit,
    TroubleRow,
    WorkingReturn,
    begin,
    fixes_made,
    rows_in_trouble,
)
from hubmetrics.ingest.fixes import Fix, offered_fixes
from hubmetrics.ingest.forecast import Forecast

_WORK = "upload_work"  # (the upload's digest, sheet, kind; the return as corrected so far)
_LINE, _WRONG = "Line", "What is wrong"


def current(
    digest: str, data: bytes, file_name: str, kind: str, sheet: str | None
) -> WorkingReturn | None:
    """The upload as the person has corrected it so far (read once per file, sheet and kind;
    None when it cannot be read as a return, and then the check says why)."""
    at = (digest, sheet, kind)
    state = st.session_state.get(_WORK)
    if state is None or state[0] != at:
        state = (at, begin(data, file_name, kind, sheet))
        st.session_state[_WORK] = state
    work: WorkingReturn | None = state[1]
    return work


def forget() -> None:
    """After a load: the next upload starts from its own file."""
    st.session_state.pop(_WORK, None)


def offer_fixes(work: WorkingReturn | None, mapping: Mapping[str, str], hidden: bool) -> None:
    """The fixes for the return as corrected so far, each with a button; a fix accepted is
    applied to every cell it names at once, and the page checks the file again. `hidden`:
    records of children, whose values are not shown."""
    if work is None:
        return
    fixed = fixes_made(work.corrections)
    if fixed:
        st.info(
            "Fixes applied to this upload: " + "; ".join(fixed) + ". The original file is "
            "kept as sent; every corrected cell is recorded with the batch.",
            icon=":material/auto_fix_high:",
        )
    fixes = offered_fixes(file_kind(work.kind), work.text, mapping)
    if not fixes:
        return
    with st.container(border=True):
        st.markdown(
            f"**{len(fixes)} fix{'es' if len(fixes) != 1 else ''} offered.** Each changes only "
            "cells that cannot be loaded as they are, and nothing is changed until you accept."
        )
        for i, fix in enumerate(fixes):
            left, right = st.columns([4, 1])
            left.markdown(f"**{fix.name}** — {fix.column}, {fix.cells:,} cell(s)")
            left.caption(_said(work, fix, hidden))
            if right.button("Accept", key=f"upload_fix_{i}"):
                _keep(work.with_fixes([fix]))
        if len(fixes) > 1 and st.button(
            f"Accept all {len(fixes)} fixes", key="upload_fix_all", type="primary"
        ):
            _keep(work.with_fixes(fixes))


def correct_by_hand(
    work: WorkingReturn | None,
    problems: Sequence[Problem],
    mapping: Mapping[str, str],
    shown_back: ShownBack,
) -> None:
    """The rows still in trouble, in a grid: a cell typed is checked again at once. A column
    the contract does not know is shown blank and cannot be typed in; for records of
    children every cell is blank."""
    if work is None:
        return
    rows, total = rows_in_trouble(work, [p for p in problems if p.severity == "error"])
    if not rows:
        return
    hidden = shown_back.child_records
    labels = _labels([shown_back.heading(i, h) for i, h in enumerate(work.header)])
    blank = [i for i in range(len(labels)) if not shown_back.shows_cells(i)]
    shown = _grid(rows, labels, blank)
    where = "row" if work.origin else "line"
    st.markdown(
        f"**Correct the {total:,} {where}{'s' if total != 1 else ''} still in trouble here,** "
        "or in your file and upload it again. Type over a cell and press Enter: it is checked "
        "again at once."
        + (f" The first {len(rows):,} are shown; the rest follow." if total > len(rows) else "")
    )
    if hidden:
        st.caption(
            "Values from participant records are never shown: type the corrected value in the "
            "cell that needs it; a cell left blank is not changed."
        )
    edited = edit_table(
        shown,
        into=st.container(key="upload_grid"),
        hide_index=True,
        # A column the contract does not know is not loaded: nothing to type in it.
        disabled=[
            _LINE,
            _WRONG,
            *(labels[i] for i in sorted(shown_back.not_loaded) if i < len(labels)),
        ],
        key=f"upload_grid_{len(work.corrections)}",  # a fresh grid for each change made
        column_config={
            _LINE: st.column_config.NumberColumn(
                "Row" if work.origin else "Line", help=f"The {where} in your file", format="%d"
            ),
            _WRONG: st.column_config.TextColumn(_WRONG, width="large"),
        },
    )
    edits = _edits(shown, edited, labels, hidden)
    if edits:
        try:
            _keep(work.with_edits(edits, mapping))
        except ValueError as exc:
            st.error(str(exc), icon=":material/error:")


def show_corrections(work: WorkingReturn | None, hidden: bool) -> None:
    """Every cell corrected so far, a step away (the batch records them all); for records of
    children (`hidden`), without what a cell held or now holds."""
    if work is None or not work.corrections:
        return
    made = work.corrections
    with st.expander(f"Cells corrected before loading ({len(made):,})"):
        draw_table(
            [
                {
                    "Row" if work.origin else "Line": c.line,
                    "Column": c.column,
                    "Before": "" if hidden else c.before,
                    "After": "" if hidden else c.after,
                    "How": c.how,
                }
                for c in made
            ],
            hide_index=True,
            key="upload_corrections",
        )


def show_forecast(forecast: Forecast | None, threshold: int | None) -> None:
    """What confirming the load will change: rows, and the headline figures of each year."""
    if forecast is None:
        return
    st.markdown("**What loading it will change**")
    left, right = st.columns(2)
    left.metric("New rows", f"{forecast.new_rows:,}")
    right.metric("Rows replaced (corrections of rows loaded before)", f"{forecast.replaced_rows:,}")
    if forecast.figures:
        draw_table(
            [
                {
                    "Year": f.year,
                    "Figure": f.label,
                    "Before": _shown(count_at(f.before, threshold)),
                    "After": _shown(count_at(f.after, threshold)),
                    "Change": _change(count_at(f.before, threshold), count_at(f.after, threshold)),
                }
                for f in forecast.figures
            ],
            hide_index=True,
            key="upload_forecast",
        )


def _keep(work: WorkingReturn) -> None:
    state = st.session_state[_WORK]
    st.session_state[_WORK] = (state[0], work)
    st.rerun()


def _said(work: WorkingReturn, fix: Fix, hidden: bool) -> str:
    """What a fix does; for records of children, without any value from them."""
    if not hidden:
        return fix.explanation
    lines = ", ".join(str(work.shown_line(c.line)) for c in fix.changes[:5])
    return f"Lines {lines}" + (f" and {fix.cells - 5:,} more." if fix.cells > 5 else ".")


def _labels(header: list[str]) -> list[str]:
    """A column label for each heading, unique and apart from the grid's own two columns."""
    labels: list[str] = []
    for heading in header:
        label = heading.strip() or "(no heading)"
        while label in labels or label in (_LINE, _WRONG):
            label += " ′"
        labels.append(label)
    return labels


def _grid(rows: list[TroubleRow], labels: list[str], blank: list[int]) -> pd.DataFrame:
    # What is wrong comes first after the line, so it is in view however wide the file.
    data: dict[str, list[object]] = {
        _LINE: [r.line for r in rows],
        _WRONG: [" ".join(r.problems) for r in rows],
    }
    for i, label in enumerate(labels):
        data[label] = ["" if i in blank or i >= len(r.cells) else r.cells[i] for r in rows]
    frame = pd.DataFrame(data)
    return frame.astype({label: "string" for label in labels})


def _edits(
    shown: pd.DataFrame, edited: pd.DataFrame, labels: list[str], hidden: bool
) -> list[Edit]:
    """Each cell the person changed in the grid (for participant records, each they typed)."""
    edits = []
    for index in range(min(len(shown), len(edited))):
        line = int(shown.iloc[index][_LINE])
        for position, label in enumerate(labels):
            before, after = shown.iloc[index][label], edited.iloc[index][label]
            after_text = "" if pd.isna(after) else str(after)
            before_text = "" if pd.isna(before) else str(before)
            if after_text == before_text or (hidden and not after_text):
                continue
            edits.append(Edit(line, position, after_text))
    return edits


def _shown(value: int | str | None) -> str:
    return "—" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def _change(before: int | str | None, after: int | str | None) -> str:
    if isinstance(before, int) and isinstance(after, int):
        return f"{after - before:+,}"
    return "—" if before is None or after is None else "[c]"
