"""Reach: who takes part — age bands, the hard-to-reach groups, by area, and a map of schools."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import plotly.graph_objects as go
import streamlit as st

from hubmetrics.app import cached, figures
from hubmetrics.app import format as fmt
from hubmetrics.app.auth import require
from hubmetrics.app.children import CHILDREN, children_beside
from hubmetrics.app.filters import AGE_BAND_LABELS
from hubmetrics.app.tables import show_table
from hubmetrics.app.theme import COLD_SPOT, ENGAGED, PARITY, kept, show, styled
from hubmetrics.app.view import current_view, header
from hubmetrics.contract import AGE_BANDS
from hubmetrics.metrics import METRICS, Filters, MetricValue
from hubmetrics.metrics import reach as reach_lib
from hubmetrics.metrics.reach import SchoolReach

# The groups whose share of participants is set against the area's (looked-after: no baseline).
GROUPS = (
    ("fsm", "Free school meals", "fsm_share", "fsm_baseline", "fsm_representation"),
    ("send", "SEND", "send_share", "send_baseline", "send_representation"),
    (
        "global_majority",
        "Global majority",
        "global_majority_share",
        None,
        "global_majority_representation",
    ),
)
NOT_AT_A_SCHOOL = "Not at a listed school"
INDEPENDENT = "#8A94A6"
COUNT = st.column_config.NumberColumn(format="%,d")
PERCENT = st.column_config.NumberColumn(format="%.1f%%")
RATIO = st.column_config.NumberColumn(format="%.2f")


def page() -> None:
    require("figures")
    view = current_view()
    header("Reach", view)
    if not view.year:
        st.info("No activity returns are loaded yet. Start with the Upload page.")
        return
    values = cached.metrics(view.year, view.filters)
    if not values["participations"].rows:
        st.info(f"No activities for {view.describe()}. Choose another year or fewer filters.")
        return
    key_figures(values, view.filters)
    age_bands(values)
    hard_to_reach(values, view.filters)
    by_area(view.year, view.filters, "local_authority", "Local authority")
    by_area(view.year, view.filters, "district", "District")
    schools_map(view.year, view.filters)


# --- the sections ---------------------------------------------------------------------


def key_figures(values: dict[str, MetricValue], filters: Filters) -> None:
    keys = ["participations", "cyp_participations", "school_age_participations", "partners_active"]
    if values[CHILDREN].value is not None:
        keys.insert(2, CHILDREN)
    for column, key in zip(st.columns(len(keys)), keys, strict=True):
        column.metric(
            METRICS[key].label, fmt.shown(key, figures.metric(values[key], values, filters))
        )
    st.caption(
        children_beside(values)
        or "Participations count a child once for every activity they take part in; they are "
        "not a count of different children."
    )


def age_bands(values: dict[str, MetricValue]) -> None:
    st.subheader("Participation by age band")
    bands = values["participations_by_age_band"].value
    assert isinstance(bands, dict)
    labels = [AGE_BAND_LABELS[b] for b in AGE_BANDS]
    rows = [
        {"Age band": label, "Participations": bands[b]}
        for label, b in zip(labels, AGE_BANDS, strict=True)
    ]
    shown = [r["Participations"] for r in figures.rows(rows, counts=["Participations"])]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=[figures.number(n) for n in shown],
            text=[_count_text(n) for n in shown],
            textposition="outside",
            marker_color=ENGAGED,
            hovertemplate="%{x}: %{y:,} participations<extra></extra>",
        )
    )
    fig.update_yaxes(tickformat=",d")
    show(styled(fig, "Participations by age band", "Age band", "Participations"), "age_band_chart")
    with st.expander("The figures behind the chart"):
        show_table(
            rows,
            column_config={"Participations": COUNT},
            key="age_band_table",
            file_name="participation-by-age-band.csv",
            counts=["Participations"],
        )


def hard_to_reach(values: dict[str, MetricValue], filters: Filters) -> None:
    st.subheader("Hard-to-reach groups")
    st.markdown(
        "Each group's share of participants set against its share of the area: "
        "**1.00 is parity** — the group takes part in proportion to its place in the area. "
        "Free school meals and SEND are counted over school-age participants (KS1–KS5) where "
        "the partner recorded them, against the state-funded schools' pupils; the global "
        "majority over every participant where recorded, against the area share in the goals "
        "file."
    )
    rows = [_group_row(label, values, share, base, rep) for _, label, share, base, rep in GROUPS]
    counts = ["Participants in the group", "Participants counted"]
    ratios = {"Share of participants": counts, "Representation": counts}
    shown = figures.rows(rows, counts=counts, ratios=ratios)
    lac = values["lac_participants"]
    fig = kept(
        _parity_chart,
        [_group_name(r) for r in shown],
        [[r["Representation"] for r in shown]],
        [""],
        [[_ratio_text(r["Representation"]) for r in shown]],
        "Hard-to-reach groups against the area",
    )
    left, right = st.columns([3, 1])
    with left:
        show(fig, "hard_to_reach_chart")
    with right:
        st.metric(
            METRICS["lac_participants"].label,
            fmt.shown("lac_participants", figures.metric(lac, values, filters)),
            border=True,
        )
        st.caption(
            "There is no area figure for looked-after children in the schools list, so only "
            f"the count is shown. {_skipped(lac.skipped)}"
        )
    show_table(
        rows,
        file_name="hard-to-reach-groups.csv",
        counts=counts,
        ratios=ratios,
        column_config={
            "Share of participants": PERCENT,
            "Area's share": PERCENT,
            "Representation": RATIO,
            "Participants in the group": COUNT,
            "Participants counted": COUNT,
            "Rows not recorded": COUNT,
        },
        key="hard_to_reach_table",
    )


AREA_FIGURES = (
    "participations",
    "fsm_share",
    "fsm_baseline",
    "fsm_representation",
    "send_share",
    "send_baseline",
    "send_representation",
    "global_majority_share",
    "lac_participants",
)


def by_area(year: str, filters: Filters, by: str, title: str) -> None:
    st.subheader(f"By {title.lower()}")
    groups = cached.metrics_by(year, filters, by, AREA_FIGURES)
    rows = []
    for group, values in groups.items():
        if group is None and not values["participations"].rows:
            continue
        fsm, send = values["fsm_representation"], values["send_representation"]
        rows.append(
            {
                title: NOT_AT_A_SCHOOL if group is None else group,
                "Participations": values["participations"].value,
                "FSM share": _percent(values["fsm_share"].value),
                "FSM area": _percent(values["fsm_baseline"].value),
                "FSM representation": fsm.value,
                "SEND share": _percent(values["send_share"].value),
                "SEND area": _percent(values["send_baseline"].value),
                "SEND representation": send.value,
                "Global majority share": _percent(values["global_majority_share"].value),
                "Looked-after": values["lac_participants"].value,
            }
        )
    counts = ["Participations", "Looked-after"]
    ratios: dict[str, Sequence[str]] = {
        name: ["Participations"]
        for name in (
            "FSM share",
            "FSM representation",
            "SEND share",
            "SEND representation",
            "Global majority share",
        )
    }
    charted = [
        r for r in figures.rows(rows, counts=counts, ratios=ratios) if r[title] != NOT_AT_A_SCHOOL
    ]
    names = [str(r[title]) for r in charted]
    fig = kept(
        _parity_chart,
        names,
        [[r["FSM representation"] for r in charted], [r["SEND representation"] for r in charted]],
        ["Free school meals", "SEND"],
        [
            [_ratio_text(r["FSM representation"]) for r in charted],
            [_ratio_text(r["SEND representation"]) for r in charted],
        ],
        f"Free school meals and SEND representation by {title.lower()}",
    )
    show(fig, f"{by}_reach_chart")
    show_table(
        rows,
        file_name=f"reach-by-{by.replace('_', '-')}.csv",
        counts=counts,
        ratios=ratios,
        column_config={
            "Participations": COUNT,
            "FSM share": PERCENT,
            "FSM area": PERCENT,
            "FSM representation": RATIO,
            "SEND share": PERCENT,
            "SEND area": PERCENT,
            "SEND representation": RATIO,
            "Global majority share": PERCENT,
            "Looked-after": COUNT,
        },
        key=f"{by}_reach_table",
    )
    if any(r[title] == NOT_AT_A_SCHOOL for r in rows):
        st.caption(
            f"“{NOT_AT_A_SCHOOL}”: activities with no school, or a URN that is not in the "
            "schools list, so with no area to compare against."
        )


def schools_map(year: str, filters: Filters) -> None:
    st.subheader("Schools reached")
    schools = cached.school_reach(year, filters)
    with_children, rows = cached.school_rows(year, filters)
    counts = ["Participations", "Individual children"] if with_children else ["Participations"]
    placed = [s for s in schools if s.latitude is not None and s.longitude is not None]
    by_district = len(placed) > reach_lib.SCHOOL_MAP_LIMIT
    if by_district:
        fig, title = _district_figure(cached.district_reach(year, filters))
    else:
        # Each school's participations as the person may see them (the table below hides
        # them the same way): a hidden one is drawn at the smallest size and read as [c].
        shown = {r["URN"]: r["Participations"] for r in figures.rows(rows, counts=counts)}
        fig, title = (
            _school_figure(placed, shown),
            "Schools: engaged (circles, sized by participations) and cold spots (×)",
        )
    left, right = st.columns([3, 1])
    with left:
        show(
            styled(
                fig,
                title,
                "Longitude (°)",
                "Latitude (°)",
            ),
            "schools_map",
        )
    with right:
        engaged_all = sum(1 for s in schools if s.state_funded and s.engaged)
        st.metric("Engaged state-funded schools (●)", f"{engaged_all:,}", border=True)
        st.metric(
            "Cold spots: no activity (×)", f"{sum(s.cold_spot for s in schools):,}", border=True
        )
        st.metric(
            "Independent (□, not counted)",
            f"{sum(not s.state_funded for s in schools):,}",
            border=True,
        )
        missing = len(schools) - len(placed)
        st.caption(
            (
                f"{len(placed):,} schools are too many to draw one by one: each circle is a "
                "district, its area growing with participations and its colour with the share "
                "of its state-funded schools reached. Choose a local authority to see its "
                "schools. "
                if by_district
                else "A circle's area grows with the school's participations in the selection. "
                "Point at a school for its name and figures."
            )
            + (
                f" {missing:,} of the schools {'has' if missing == 1 else 'have'} no location "
                "and cannot be shown."
                if missing
                else ""
            )
        )
    with st.expander("The schools on the map"):
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
            counts=counts,
            at_most=reach_lib.SCHOOL_MAP_LIMIT,
        )


def _school_figure(placed: Sequence[SchoolReach], shown: dict[object, object]) -> go.Figure:
    """Each school a point: engaged ones sized by participations, cold spots and independents."""
    engaged = [s for s in placed if s.state_funded and s.engaged]
    cold = [s for s in placed if s.cold_spot]
    independent = [s for s in placed if not s.state_funded]
    biggest = max((figures.number(shown[s.urn]) or 0 for s in engaged), default=0) or 1
    fig = go.Figure()
    for group, name, colour, symbol, sizes in (
        (engaged, "Engaged (state-funded)", ENGAGED, "circle", None),
        (cold, "Cold spot: no activity", COLD_SPOT, "x", 11),
        (independent, "Independent (not counted)", INDEPENDENT, "square-open", 8),
    ):
        if not group:
            continue
        fig.add_scatter(
            x=[s.longitude for s in group],
            y=[s.latitude for s in group],
            mode="markers",
            name=f"{name}: {len(group):,}",
            marker={
                "color": colour,
                "symbol": symbol,
                "size": sizes
                or [
                    7 + 23 * math.sqrt((figures.number(shown[s.urn]) or 0) / biggest) for s in group
                ],
                "opacity": 0.75,
                "line": {"width": 1, "color": "white" if symbol == "circle" else colour},
            },
            customdata=[_hover(s, shown[s.urn]) for s in group],
            hovertemplate="%{customdata}<extra></extra>",
        )
    _district_labels(fig, placed)
    _map_axes(fig, placed)
    return fig


def _district_figure(districts: Sequence[reach_lib.DistrictReach]) -> tuple[go.Figure, str]:
    """Each district a circle at the middle of its schools: area by participations (as the
    person may see them), colour by the share of its state-funded schools reached."""
    placed = [d for d in districts if d.longitude is not None and d.latitude is not None]
    rows = [{"District": d.district, "Participations": d.participations} for d in placed]
    shown = [r["Participations"] for r in figures.rows(rows, counts=["Participations"])]
    biggest = max((figures.number(v) or 0 for v in shown), default=0) or 1
    fig = go.Figure()
    fig.add_scatter(
        x=[d.longitude for d in placed],
        y=[d.latitude for d in placed],
        mode="markers",
        name=f"Districts: {len(placed):,}",
        marker={
            "size": [6 + 24 * math.sqrt((figures.number(v) or 0) / biggest) for v in shown],
            "color": [(d.coverage or 0) * 100 for d in placed],
            "colorscale": [[0, COLD_SPOT], [1, ENGAGED]],
            "cmin": 0,
            "cmax": 100,
            "colorbar": {"title": {"text": "Reached %"}},
            "opacity": 0.8,
            "line": {"width": 1, "color": "white"},
        },
        customdata=[
            f"<b>{html.escape(d.district or 'No district')}</b><br>"
            f"{d.engaged:,} of {d.state_schools:,} state-funded schools reached<br>"
            f"{d.cold_spots:,} cold spots · participations {_count_text(v)}"
            for d, v in zip(placed, shown, strict=True)
        ],
        hovertemplate="%{customdata}<extra></extra>",
    )
    _map_axes(fig, placed)
    return fig, "Districts: share of state-funded schools reached (colour), participations (size)"


# --- helpers ----------------------------------------------------------------------------


def _district_labels(fig: go.Figure, placed: Sequence[SchoolReach]) -> None:
    """Each district's name at the middle of its schools: a map with no tiles needs bearings."""
    spots: dict[str, list[tuple[float, float]]] = {}
    for s in placed:
        if s.district and s.latitude is not None and s.longitude is not None:
            spots.setdefault(s.district, []).append((s.longitude, s.latitude))
    fig.add_scatter(
        x=[sum(x for x, _ in p) / len(p) for p in spots.values()],
        y=[sum(y for _, y in p) / len(p) for p in spots.values()],
        text=list(spots),
        mode="text",
        textfont={
            "color": "#1B1F24",
            "size": 14,
            "weight": "bold",
            "shadow": "0 0 3px white, 0 0 3px white, 0 0 3px white",
        },
        hoverinfo="skip",
        showlegend=False,
    )


def _map_axes(
    fig: go.Figure, placed: Sequence[SchoolReach] | Sequence[reach_lib.DistrictReach]
) -> None:
    """Longitude and latitude on one scale (a degree of longitude is shorter up here)."""
    lons = [s.longitude for s in placed if s.longitude is not None]
    lats = [s.latitude for s in placed if s.latitude is not None]
    if not lons or not lats:
        return
    middle = (min(lats) + max(lats)) / 2
    pad_x, pad_y = 0.05 + (max(lons) - min(lons)) * 0.05, 0.03 + (max(lats) - min(lats)) * 0.05
    fig.update_xaxes(
        range=[min(lons) - pad_x, max(lons) + pad_x],
        showgrid=False,
        zeroline=False,
        constrain="domain",
    )
    fig.update_yaxes(
        range=[min(lats) - pad_y, max(lats) + pad_y],
        rangemode="normal",
        showgrid=False,
        zeroline=False,
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(middle)),
        constrain="domain",
    )
    fig.update_layout(
        height=820,
        legend={"orientation": "h", "yanchor": "top", "y": -0.1, "x": 0},
        margin={"b": 110},
    )


def _group_row(
    label: str, values: dict[str, MetricValue], share: str, base: str | None, rep: str
) -> dict[str, object]:
    s, r = values[share], values[rep]
    area = values[base].value if base else r.denominator
    return {
        "Group": label,
        "Share of participants": _percent(s.value),
        "Area's share": _percent(area),
        "Representation": r.value,
        "Participants in the group": s.numerator,
        "Participants counted": s.denominator,
        "Rows not recorded": s.skipped,
    }


def _parity_chart(
    names: list[str],
    series: list[list[object]],
    series_names: list[str],
    texts: list[list[str]],
    title: str,
) -> go.Figure:
    """Horizontal bars of representation with the parity line (1.0) drawn and labelled."""
    fig = go.Figure()
    patterns = ("", "/")
    for index, (values, name, text) in enumerate(zip(series, series_names, texts, strict=True)):
        fig.add_bar(
            y=names,
            x=[figures.number(v) for v in values],
            orientation="h",
            name=name or "Representation",
            text=text,
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": (ENGAGED, "#E69F00")[index % 2],
                "pattern": {
                    "shape": patterns[index % 2],
                    "fgcolor": "#1B1F24",
                    "fillmode": "overlay",
                },
            },
            hovertemplate="%{y}: %{x:.2f}<extra>" + (name or "") + "</extra>",
            showlegend=bool(name),
        )
    fig.add_vline(x=1, line={"color": PARITY, "dash": "dash", "width": 2})
    fig.add_annotation(
        x=1,
        y=1,
        yref="paper",
        yanchor="bottom",
        text="Parity (1.00): in proportion",
        showarrow=False,
        font={"color": PARITY},
    )
    largest = max([v for s in series for v in s if isinstance(v, int | float)] + [1.0])
    fig.update_xaxes(range=[0, max(largest * 1.2, 1.5)], tickformat=".1f")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(
        barmode="group",
        height=max(280, 110 + 45 * len(names) * len(series)),
        bargap=0.25,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        margin={"t": 80},
    )
    return styled(fig, title, "Representation (share of participants ÷ area share)", "")


def _group_name(row: dict[str, object]) -> str:
    """`Free school meals` over `13.0% of participants · 19.2% of the area` (a tick label)."""
    share, area = row["Share of participants"], row["Area's share"]
    if not isinstance(area, float) or not isinstance(share, float | str):
        return f"{row['Group']}<br>{fmt.NO_DATA}"
    of = share if isinstance(share, str) else f"{share:.1f}%"
    return f"{row['Group']}<br>{of} of participants · {area:.1f}% of the area"


def _ratio_text(value: object) -> str:
    if isinstance(value, str):  # a hidden figure: [c]
        return value
    return fmt.NO_DATA if not isinstance(value, float) else f"{value:.2f}"


def _count_text(value: object) -> str:
    return value if isinstance(value, str) else f"{value:,}"


def _percent(value: object) -> float | None:
    return value * 100 if isinstance(value, int | float) else None


def _skipped(skipped: int | None) -> str:
    if not skipped:
        return ""
    return f"{skipped:,} activity rows did not record it."


def _hover(s: SchoolReach, participations: object) -> str:
    pupils = f"{s.pupils:,}" if s.pupils is not None else "not known"
    fsm = f"{s.fsm_percent:.1f}%" if s.fsm_percent is not None else "not known"
    state = "" if s.state_funded else " (independent)"
    return (
        f"<b>{html.escape(s.name)}</b>{state}<br>{s.phase.replace('_', ' ')} · "
        f"{html.escape(s.district or s.local_authority)}"
        f"<br>Participations: {_count_text(participations)} in {s.activities:,} activities"
        f"<br>Pupils: {pupils} · FSM: {fsm}"
    )


page()
