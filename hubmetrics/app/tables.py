"""Tables on the pages, each with a CSV download that is safe to share."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from hubmetrics.app import cached, figures
from hubmetrics.app.auth import audit_download
from hubmetrics.disclosure.differencing import View
from hubmetrics.disclosure.exports import table_csv
from hubmetrics.disclosure.sharing import shareable_csv, shareable_rows
from hubmetrics.disclosure.suppression import SUPPRESSED

# Streamlit's own download (and copy) of a table gives the rows as they are: no small number
# hidden, no formula made text, nothing in the audit trail. It is off for every table.
NO_BUILT_IN_EXPORT = "client.disableDataExport"

# The number formats of the pages' tables.
COUNT = st.column_config.NumberColumn(format="%,d")
PERCENT = st.column_config.NumberColumn(format="%.1f%%")
RATIO = st.column_config.NumberColumn(format="%.2f")


def show_table(
    rows: Sequence[Mapping[str, Any]] | pd.DataFrame,
    *,
    key: str,
    file_name: str,
    counts: Sequence[str] = (),
    ratios: Mapping[str, Sequence[str]] | None = None,
    partner_of: Callable[[Mapping[str, object]], str | None] | None = None,
    shared: Sequence[Mapping[str, Any]] | None = None,
    at_most: int | None = None,
    views: Callable[[Mapping[str, object]], Mapping[str, View]] | None = None,
    **dataframe_args: Any,
) -> None:
    """Show `rows` as the person may see them, with a download of the table for sharing.

    `views` names, for a row, the cross-table view each of its count columns shows (a
    table by partner, local authority or age band): those cells are hidden too where the
    year's protection hides the view, on the page and in the download.

    `counts` are columns of counts of children; each column of `ratios` names the counts it
    was made from. Staff and admins see true figures on screen; a viewer sees what the
    download holds (small numbers, those that would give one away, and ratios made from
    them, as [c]); a partner sees its own figures in full (`partner_of` says whose a row
    is). The download is always the shareable one, made from `shared` when given (rows
    with text that must not leave the hub, say). With `at_most`, the page shows that many
    rows and says so; the download has them all, made once the person asks for it.
    """
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
    dataframe_args.setdefault("hide_index", True)
    cut = at_most if at_most is not None and len(records) > at_most else None
    # Suppression is decided on the whole table, then cut: the cut must not change it.
    shown = figures.rows(records, counts=counts, ratios=ratios, partner_of=partner_of, at_most=cut)
    if views is not None:
        shown = figures.hide_views(shown, views)
    if any(v == SUPPRESSED for r in shown for v in r.values()):
        _show_hidden(shown, list(records[0]), key=key, **dataframe_args)
    else:  # `shown` is the rows as they are, as plain dicts (kept rows may be read-only)
        whole = isinstance(rows, pd.DataFrame) and cut is None
        draw_table(rows if whole else shown, key=key, **dataframe_args)
    if cut is not None:
        st.caption(f"The first {cut:,} of {len(records):,} rows; the download below has every row.")
    if not records:
        return
    if cut is not None and not st.session_state.get(_wanted(key)):
        # A table too long to show whole (every school nationally) is a file of a megabyte
        # or more: made when asked for, not on every run of the page.
        st.button(
            f"Prepare a download of all {len(records):,} rows (CSV, small numbers hidden)",
            key=f"{key}_prepare",
            icon=":material/download:",
            type="tertiary",
            on_click=_want,
            args=(key,),
        )
        return
    threshold = cached.goals().suppression_threshold
    # the rows as given (kept read-only rows are then found by identity)
    source = shared if shared is not None else records if isinstance(rows, pd.DataFrame) else rows
    if views is None:
        csv = shareable_csv(source, counts=counts, ratios=ratios, threshold=threshold)
    else:  # hidden as for any viewer, then written as it is (its [c] cells are text)
        hidden = shareable_rows(source, counts=counts, ratios=ratios, threshold=threshold)
        csv = table_csv(figures.hide_views(hidden, views, for_anyone=True))
    st.download_button(
        "Download this table (CSV, small numbers hidden)",
        csv,
        file_name=file_name,
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        type="tertiary",
        on_click=audit_download,
        args=(f"table {file_name}",),
    )


def draw_table(data: Any, *, key: str, into: DeltaGenerator | None = None, **args: Any) -> None:
    """Every table the app shows is drawn here (in `into`, else the page): with no download or
    copy of Streamlit's own, only the app's safe ones (`show_table`)."""
    _no_built_in_export()
    (into or st).dataframe(data, key=key, **args)


def edit_table(
    data: pd.DataFrame, *, key: str, into: DeltaGenerator | None = None, **args: Any
) -> pd.DataFrame:
    """Every editable grid is drawn here, as `draw_table`: the rows as the person edited them."""
    _no_built_in_export()
    return (into or st).data_editor(data, key=key, **args)


def _no_built_in_export() -> None:
    """.streamlit/config.toml turns Streamlit's own table download off; a server started with
    it on has it turned off before any table is drawn (each run's start tells the browser)."""
    if st.get_option(NO_BUILT_IN_EXPORT) is not True:
        st.set_option(NO_BUILT_IN_EXPORT, True)
        st.rerun()


def _wanted(key: str) -> str:
    return f"{key}_download_wanted"


def _want(key: str) -> None:
    """The person asked for the long table's download: kept for the session."""
    st.session_state[_wanted(key)] = True


def _show_hidden(
    shown: list[dict[str, object]], columns: list[str], *, key: str, **dataframe_args: Any
) -> None:
    """A table with [c] cells: those columns become text, each number written as its column's
    number format would show it (a number column would show a hidden cell blank)."""
    config = dict(dataframe_args.pop("column_config", None) or {})
    hidden = {c for r in shown for c, v in r.items() if v == SUPPRESSED}
    for column in hidden:
        number_format = _number_format(config.get(column))
        for row in shown:
            row[column] = _as_text(row.get(column), number_format)
        config[column] = st.column_config.TextColumn(column)
    draw_table(
        pd.DataFrame(shown, columns=columns), key=key, column_config=config, **dataframe_args
    )
    st.caption(
        f"{SUPPRESSED}: a small number of children (1 to {figures.threshold()}), or a figure "
        "that would give one away, is hidden."
    )


def _number_format(column: object) -> str | None:
    if isinstance(column, Mapping):
        type_config = column.get("type_config") or {}
        if isinstance(type_config, Mapping) and type_config.get("type") == "number":
            found = type_config.get("format")
            return str(found) if found else None
    return None


def _as_text(value: object, number_format: str | None) -> object:
    """A number as Streamlit's number formats write it (the few the pages use)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return value
    if number_format == "percent":
        return f"{value * 100:,.2f}%"
    if number_format == "%.1f%%":
        return f"{value:,.1f}%"
    if number_format == "%.2f":
        return f"{value:,.2f}"
    if number_format == "%d":
        return f"{value:.0f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{value:,.0f}"
