"""The charts of reach: participations by age band, representation against parity, the map
of schools (or of districts, where there are too many schools to draw one by one), the
schools engaged and cold spots by phase or area, and each partner's participations.

Every value given is as the person may see it: a hidden one ([c]) is drawn as nothing (or at
the smallest size) and written as it is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from hubmetrics.metrics import reach as reach_lib
from hubmetrics.metrics.formatting import NO_DATA
from hubmetrics.metrics.reach import DistrictReach, PartnerContribution, SchoolReach
from hubmetrics.plots.theme import (
    COLD_SPOT,
    ENGAGED,
    INDEPENDENT,
    PARITY,
    count_text,
    number,
    styled,
    words,
)

SCHOOLS_TITLE = "Schools: engaged (circles, sized by participations) and cold spots (×)"
DISTRICTS_TITLE = "Districts: share of state-funded schools reached (colour), participations (size)"


def age_band_chart(labels: Sequence[str], shown: Sequence[object]) -> go.Figure:
    """A bar for each age band, its participations written above it."""
    fig = go.Figure(
        go.Bar(
            x=list(labels),
            y=[number(n) for n in shown],
            text=[count_text(n) for n in shown],
            textposition="outside",
            marker_color=ENGAGED,
            hovertemplate="%{x}: %{y:,} participations<extra></extra>",
        )
    )
    fig.update_yaxes(tickformat=",d")
    return styled(fig, "Participations by age band", "Age band", "Participations")


def parity_chart(
    names: list[str],
    series: list[list[object]],
    series_names: list[str],
    texts: list[list[str]],
    title: str,
) -> go.Figure:
    """Horizontal bars of representation with the parity line (1.0) drawn and labelled; each
    of `names` (an area's, a group's, with line breaks) is shown as written."""
    names = [words(n) for n in names]
    fig = go.Figure()
    patterns = ("", "/")
    for index, (values, name, text) in enumerate(zip(series, series_names, texts, strict=True)):
        fig.add_bar(
            y=names,
            x=[number(v) for v in values],
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


def school_map(placed: Sequence[SchoolReach], shown: Mapping[object, object]) -> go.Figure:
    """Each school a point: engaged ones sized by participations (`shown`, by URN, as the
    person may see them: a hidden one is drawn at the smallest size), cold spots and
    independents."""
    engaged = [s for s in placed if s.state_funded and s.engaged]
    cold = [s for s in placed if s.cold_spot]
    independent = [s for s in placed if not s.state_funded]
    biggest = max((number(shown[s.urn]) or 0 for s in engaged), default=0) or 1
    fig = go.Figure()
    for group, name, colour, symbol, sizes in (
        (engaged, "Engaged (state-funded)", ENGAGED, "circle", None),
        (cold, "Cold spot: no activity", COLD_SPOT, "x", 11),
        (independent, "Independent (not counted)", INDEPENDENT, "square-open", 8),
    ):
        if not group:
            continue
        marker = {
            "color": colour,
            "symbol": symbol,
            "size": sizes
            or [7 + 23 * math.sqrt((number(shown[s.urn]) or 0) / biggest) for s in group],
            "opacity": 0.75,
            "line": {"width": 1, "color": "white" if symbol == "circle" else colour},
        }
        hover = [_hover(s, shown[s.urn]) for s in group]
        _points(fig, group, f"{name}: {len(group):,}", marker, hover)
    _district_labels(fig, placed)
    _map_axes(fig, placed)
    return _map_styled(fig, SCHOOLS_TITLE)


def district_map(placed: Sequence[DistrictReach], shown: Sequence[object]) -> go.Figure:
    """Each district (with a location) a circle at the middle of its schools: area by
    participations (`shown`, as the person may see them), colour by the share of its
    state-funded schools reached."""
    biggest = max((number(v) or 0 for v in shown), default=0) or 1
    marker = {
        "size": [6 + 24 * math.sqrt((number(v) or 0) / biggest) for v in shown],
        "color": [(d.coverage or 0) * 100 for d in placed],
        "colorscale": [[0, COLD_SPOT], [1, ENGAGED]],
        "cmin": 0,
        "cmax": 100,
        "colorbar": {"title": {"text": "Reached %"}},
        "opacity": 0.8,
        "line": {"width": 1, "color": "white"},
    }
    hover = [
        f"<b>{words(d.district or 'No district')}</b><br>"
        f"{d.engaged:,} of {d.state_schools:,} state-funded schools reached<br>"
        f"{d.cold_spots:,} cold spots · participations {count_text(v)}"
        for d, v in zip(placed, shown, strict=True)
    ]
    fig = go.Figure()
    _points(fig, placed, f"Districts: {len(placed):,}", marker, hover)
    _map_axes(fig, placed)
    return _map_styled(fig, DISTRICTS_TITLE)


def group_label(row: Mapping[str, object]) -> str:
    """`Free school meals` over `13.0% of participants · 19.2% of the area` (a tick label)."""
    share, area = row["Share of participants"], row["Area's share"]
    if not isinstance(area, float) or not isinstance(share, float | str):
        return f"{row['Group']}\n{NO_DATA}"
    of = share if isinstance(share, str) else f"{share:.1f}%"
    return f"{row['Group']}\n{of} of participants · {area:.1f}% of the area"


def ratio_text(value: object) -> str:
    """A representation beside its bar: `0.68`, `[c]` as it is, or no data."""
    if isinstance(value, str):  # a hidden figure: [c]
        return value
    return NO_DATA if not isinstance(value, float) else f"{value:.2f}"


def coverage_chart(rows: Sequence[Mapping[str, object]], title: str) -> go.Figure:
    """The state-funded schools of each phase or area (`title` the rows' column of names):
    engaged and cold spots, stacked, with the coverage written beside them."""
    names = [words(r[title]) for r in rows]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[r["Engaged"] for r in rows],
        orientation="h",
        name="Engaged",
        marker={"color": ENGAGED},
        hovertemplate="%{y}: %{x:,} engaged<extra></extra>",
    )
    fig.add_bar(
        y=names,
        x=[r["Cold spots"] for r in rows],
        orientation="h",
        name="Cold spots (no activity)",
        marker={
            "color": COLD_SPOT,
            "pattern": {"shape": "x", "fgcolor": "white", "fillmode": "overlay"},
        },
        text=[f"{r['Coverage']:.1f}% engaged · {r['Cold spots']:,} cold" for r in rows],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:,} cold spots<extra></extra>",
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickformat=",d")
    fig.update_layout(
        barmode="stack",
        height=max(260, 110 + 42 * len(rows)),
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "x": 0,
            "traceorder": "normal",
        },
        margin={"t": 80, "r": 190},
    )
    return styled(
        fig,
        f"State-funded schools engaged and cold spots, by {title.lower()}",
        "State-funded schools",
        "",
    )


def partner_chart(
    everyone: Sequence[PartnerContribution], shown: Mapping[object, object]
) -> go.Figure:
    """A bar for each of the largest partners (`everyone` with activities, largest first;
    `shown`, each one's participations by partner id as the person may see them). A bar for
    each of hundreds of partners (a region, the country) is a chart no one can read and a
    page slow to draw: the largest are drawn, the table lists every one."""
    active = everyone[: reach_lib.PARTNER_CHART_LIMIT]
    fig = go.Figure(
        go.Bar(
            y=[words(p.name) for p in active],
            x=[number(shown[p.partner_id]) for p in active],
            orientation="h",
            marker_color=ENGAGED,
            text=[count_text(shown[p.partner_id]) for p in active],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:,} participations<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickformat=",d")
    fig.update_layout(height=max(260, 90 + 28 * len(active)), margin={"r": 80})
    return styled(
        fig,
        "Participations by partner"
        + (
            f" (the {len(active)} largest of {len(everyone):,}; the table lists all)"
            if len(active) < len(everyone)
            else ""
        ),
        "Participations",
        "",
    )


# --- the maps' pieces -------------------------------------------------------------------


def _points(
    fig: go.Figure,
    placed: Sequence[SchoolReach] | Sequence[DistrictReach],
    name: str,
    marker: Mapping[str, object],
    hover: list[str],
) -> None:
    """Points at the places' longitudes and latitudes, each with its words on hover."""
    fig.add_scatter(
        x=[p.longitude for p in placed],
        y=[p.latitude for p in placed],
        mode="markers",
        name=name,
        marker=marker,
        customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
    )


def _map_styled(fig: go.Figure, title: str) -> go.Figure:
    return styled(fig, title, "Longitude (°)", "Latitude (°)")


def _district_labels(fig: go.Figure, placed: Sequence[SchoolReach]) -> None:
    """Each district's name at the middle of its schools: a map with no tiles needs bearings."""
    spots: dict[str, list[tuple[float, float]]] = {}
    for s in placed:
        if s.district and s.latitude is not None and s.longitude is not None:
            spots.setdefault(s.district, []).append((s.longitude, s.latitude))
    fig.add_scatter(
        x=[sum(x for x, _ in p) / len(p) for p in spots.values()],
        y=[sum(y for _, y in p) / len(p) for p in spots.values()],
        text=[words(d) for d in spots],
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


def _map_axes(fig: go.Figure, placed: Sequence[SchoolReach] | Sequence[DistrictReach]) -> None:
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


def _hover(s: SchoolReach, participations: object) -> str:
    pupils = f"{s.pupils:,}" if s.pupils is not None else "not known"
    fsm = f"{s.fsm_percent:.1f}%" if s.fsm_percent is not None else "not known"
    state = "" if s.state_funded else " (independent)"
    return (
        f"<b>{words(s.name)}</b>{state}<br>{s.phase.replace('_', ' ')} · "
        f"{words(s.district or s.local_authority)}"
        f"<br>Participations: {count_text(participations)} in {s.activities:,} activities"
        f"<br>Pupils: {pupils} · FSM: {fsm}"
    )
