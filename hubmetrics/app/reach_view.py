"""The Reach page's pieces: its figures, charts and tables as the signed-in person may see them.

The rows and sentences are the library's (hubmetrics.metrics.reach_tables), the charts too
(hubmetrics.plots.reach); here they meet the person (small numbers hidden for whoever may
not see them) and the widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from hubmetrics.app import cached, figures
from hubmetrics.app import format as fmt
from hubmetrics.app.children import children_beside
from hubmetrics.app.state import connection
from hubmetrics.app.tables import COUNT, PERCENT, RATIO, show_table
from hubmetrics.app.theme import kept
from hubmetrics.contract import AGE_BAND_LABELS, AGE_BANDS
from hubmetrics.disclosure.by_decile import Piece, decile_guard, decile_pieces, hide_deciles
from hubmetrics.disclosure.differencing import View
from hubmetrics.disclosure.suppression import SUPPRESSED
from hubmetrics.disclosure.visibility import known_partner
from hubmetrics.metrics import METRICS, Filters, MetricValue
from hubmetrics.metrics import reach as reach_lib
from hubmetrics.metrics import reach_tables as reach
from hubmetrics.metrics.deprivation import DecileReach, reach_by_decile
from hubmetrics.metrics.reach import SchoolReach
from hubmetrics.metrics.reach_tables import Table
from hubmetrics.plots import reach as plots

# The number formats of the columns of the Reach page's tables of figures.
# A row of a table to the cross-table view each of its cells shows (figures.hide_views).
RowViews = Callable[[Mapping[str, object]], Mapping[str, View]]

FORMATS = {
    "Participations": COUNT,
    "Share of participants": PERCENT,
    "Area's share": PERCENT,
    "Representation": RATIO,
    "Participants in the group": COUNT,
    "Participants counted": COUNT,
    "Rows not recorded": COUNT,
    "FSM share": PERCENT,
    "FSM area": PERCENT,
    "FSM representation": RATIO,
    "SEND share": PERCENT,
    "SEND area": PERCENT,
    "SEND representation": RATIO,
    "Global majority share": PERCENT,
    "Looked-after": COUNT,
    "Share of participations": PERCENT,
    "Schools engaged": COUNT,
    "State-funded schools": COUNT,
    "Share of the area's pupils": PERCENT,
}


def key_figures(values: dict[str, MetricValue], filters: Filters) -> None:
    keys = reach.key_figures(values)
    for column, key in zip(st.columns(len(keys)), keys, strict=True):
        column.metric(METRICS[key].label, shown_metric(key, values, filters))
    st.caption(children_beside(values) or reach.PARTICIPATIONS_NOTE)


def band_views(filters: Filters) -> RowViews:
    """For the table by age band: the cross-table view of each row's participations."""
    by_label = {AGE_BAND_LABELS[b]: b for b in AGE_BANDS}

    def views(row: Mapping[str, object]) -> dict[str, View]:
        band = by_label[str(row["Age band"])]
        if filters.age_band not in (None, band):
            return {}
        return {
            "Participations": ("participations", filters.partner_id, filters.local_authority, band)
        }

    return views


def partner_views(filters: Filters) -> RowViews:
    """For the table of partners: the cross-table view of each partner's participations, in
    all and by age band."""

    def views(row: Mapping[str, object]) -> dict[str, View]:
        where = (str(row["ID"]), filters.local_authority)
        out: dict[str, View] = {"Participations": ("participations", *where, filters.age_band)}
        for band in AGE_BANDS:
            if filters.age_band in (None, band):
                out[AGE_BAND_LABELS[band]] = ("participations", *where, band)
        return out

    return views


def area_views(filters: Filters, title: str) -> RowViews | None:
    """For the table by local authority: each row's participations and looked-after
    children as cross-table views, and the ratios made from its participations with them.
    None for an area the filters do not offer (a district)."""
    if title != "Local authority":
        return None
    made_from = (
        "FSM share",
        "FSM representation",
        "SEND share",
        "SEND representation",
        "Global majority share",
    )

    def views(row: Mapping[str, object]) -> dict[str, View]:
        la = str(row[title])
        if filters.local_authority not in (None, la):
            return {}
        where = (filters.partner_id, la, filters.age_band)
        out: dict[str, View] = {
            c: ("participations", *where) for c in ("Participations", *made_from)
        }
        out["Looked-after"] = ("lac_participants", *where)
        return out

    return views


def table(
    rows: Table,
    *,
    key: str,
    file_name: str,
    views: RowViews | None = None,
    **dataframe_args: Any,
) -> None:
    """One of the page's tables, with its columns' number formats and its download."""
    columns = {c for r in rows.rows[:1] for c in r}
    show_table(
        rows.rows,
        key=key,
        file_name=file_name,
        counts=rows.counts,
        ratios=rows.ratios,
        views=views,
        column_config={c: f for c, f in FORMATS.items() if c in columns},
        **dataframe_args,
    )


def age_band_chart(bands: Table, filters: Filters) -> go.Figure:
    shown = [r["Participations"] for r in _shown(bands, band_views(filters))]
    return plots.age_band_chart([str(r["Age band"]) for r in bands.rows], shown)


def hard_to_reach_chart(groups: Table) -> go.Figure:
    shown = _shown(groups)
    return kept(
        plots.parity_chart,
        [plots.group_label(r) for r in shown],
        [[r["Representation"] for r in shown]],
        [""],
        [[plots.ratio_text(r["Representation"]) for r in shown]],
        "Hard-to-reach groups against the area",
    )


def looked_after(values: dict[str, MetricValue], filters: Filters) -> None:
    """Looked-after children: a count alone, beside the chart of the groups."""
    st.metric(
        METRICS["lac_participants"].label,
        shown_metric("lac_participants", values, filters),
        border=True,
    )
    st.caption(reach.looked_after_note(values["lac_participants"]))


def area_chart(areas: Table, title: str, filters: Filters) -> go.Figure:
    shown = _shown(areas, area_views(filters, title))
    charted = [r for r in shown if r[title] != reach.NOT_AT_A_SCHOOL]
    fsm = [r["FSM representation"] for r in charted]
    send = [r["SEND representation"] for r in charted]
    return kept(
        plots.parity_chart,
        [str(r[title]) for r in charted],
        [fsm, send],
        ["Free school meals", "SEND"],
        [[plots.ratio_text(v) for v in fsm], [plots.ratio_text(v) for v in send]],
        f"Free school meals and SEND representation by {title.lower()}",
    )


def schools_map(year: str, filters: Filters, schools: Sequence[SchoolReach]) -> go.Figure:
    """The schools with a location, or their districts where there are too many to draw."""
    on_map = reach.placed(schools)
    if reach.by_district(on_map):
        districts = reach.placed(cached.district_reach(year, filters))
        shown = [r["Participations"] for r in _shown(reach.district_participations(districts))]
        return plots.district_map(districts, shown)
    # Each school's participations as the person may see them (the table below hides them
    # the same way): a hidden one is drawn at the smallest size and read as [c].
    with_children, rows = cached.school_rows(year, filters)
    counts = reach.school_counts(with_children)
    return plots.school_map(
        on_map, {r["URN"]: r["Participations"] for r in figures.rows(rows, counts=counts)}
    )


def school_totals(schools: Sequence[SchoolReach]) -> None:
    """The counts of schools beside the map, and what the map draws."""
    for label, n in reach.school_totals(schools):
        st.metric(label, f"{n:,}", border=True)
    st.caption(reach.map_note(schools))


def schools_table(year: str, filters: Filters) -> None:
    with_children, rows = cached.school_rows(year, filters)
    show_table(
        rows,
        hide_index=True,
        column_config={
            "URN": st.column_config.NumberColumn(format="%d"),
            "Participations": COUNT,
            "Individual children": COUNT,
            "Pupils": COUNT,
            "FSM %": PERCENT,
        },
        key="schools_map_table",
        file_name="schools-reached.csv",
        counts=reach.school_counts(with_children),
        at_most=reach_lib.SCHOOL_MAP_LIMIT,
    )


def deciles(year: str, filters: Filters) -> None:
    """Reach by IMD decile: for whoever sees the figures in full under any filters; for
    anyone else for the whole hub only, with what the deciles would give away hidden
    (disclosure/by_decile.py). The download holds what any viewer may see."""
    found = cached.read_one_state(_by_decile, year, filters)
    table = reach.by_decile(found)
    counts = {d.decile: d.participations for d in found}
    whole_hub = filters.is_empty
    if figures.in_full(filters.partner_id):
        shown = [dict(r) for r in table.rows]
    elif whole_hub:
        shown = _deciles_hidden(table, counts, year, known_partner(figures.person()))
    else:
        st.caption(reach.DECILE_WHOLE_HUB_ONLY)
        return
    every_hidden = {d: SUPPRESSED if n else 0 for d, n in counts.items()}
    shared = (
        _deciles_hidden(table, counts, year, None)
        if whole_hub
        else reach.decile_rows_shown(table, every_hidden)
    )
    show_table(
        shown,
        key="imd_decile_table",
        file_name="reach-by-imd-decile.csv",
        shared=shared,
        column_config={c: f for c, f in FORMATS.items() if c in reach.DECILE_COLUMNS},
    )
    if all(r["Participations"] in (0, SUPPRESSED) for r in shown) and any(
        r["Participations"] == SUPPRESSED for r in shown
    ):
        st.caption(reach.DECILE_ALL_HIDDEN)
    st.caption(reach.DECILE_NOTE)


@st.cache_data(show_spinner=False, max_entries=64)
@cached.one_state
def _by_decile(key: tuple[str, int], year: str, filters: Filters) -> list[DecileReach]:
    return reach_by_decile(connection(), year, filters)


@st.cache_data(show_spinner=False, max_entries=16)
@cached.one_state
def _decile_pieces(key: tuple[str, int], year: str) -> list[Piece]:
    with connection().cursor() as cur:
        return decile_pieces(cur, year)


def _deciles_hidden(
    table: Table, counts: dict[int | None, int], year: str, partner: str | None
) -> list[dict[str, object]]:
    """The whole hub's decile table as a reader who knows `partner`'s figures may see it."""
    guard = decile_guard(
        cached.read_one_state(_decile_pieces, year), cached.protection(year, partner)
    )
    return reach.decile_rows_shown(table, hide_deciles(counts, guard, figures.threshold()))


def shown_metric(key: str, values: dict[str, MetricValue], filters: Filters) -> str:
    """A metric as the person may see it, as text."""
    return fmt.shown(key, figures.metric(values[key], values, filters))


def _shown(rows: Table, views: RowViews | None = None) -> list[dict[str, object]]:
    shown = figures.rows(rows.rows, counts=rows.counts, ratios=rows.ratios)
    return shown if views is None else figures.hide_views(shown, views)
