"""One look for every chart: colour-blind-safe colours, titled axes, British number format."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import plotly.graph_objects as go
import plotly.io as pio

# Okabe and Ito's palette, distinguishable with every common colour-vision deficiency.
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",
]
ENGAGED, COLD_SPOT, PARITY = "#0072B2", "#D55E00", "#000000"

pio.templates["hubmetrics"] = go.layout.Template(
    layout=go.Layout(
        colorway=OKABE_ITO,
        font={"family": "Source Sans Pro, sans-serif", "size": 14, "color": "#1B1F24"},
        separators=".,",  # 1,234.5 — British format
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis={"showgrid": False, "linecolor": "#8A94A6", "ticks": "outside"},
        yaxis={"gridcolor": "#E6E9EF", "zerolinecolor": "#8A94A6", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 20, "t": 50, "b": 60},
        hoverlabel={"font_size": 13},
    )
)
pio.templates.default = "hubmetrics"


def styled(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    """Every chart says what it shows and in what unit."""
    fig.update_layout(title={"text": title, "x": 0}, template="hubmetrics")
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def show(fig: go.Figure, key: str) -> None:
    import streamlit as st

    st.plotly_chart(fig, key=key, theme=None, config={"displaylogo": False})


# Building a plotly figure (every property checked as it is set) was a third of a warm page's
# time; the same data makes the same figure, so each is built once and kept. A kept figure is
# never changed: it is only shown (`st.plotly_chart` draws a copy of it).
_KEPT: OrderedDict[tuple[object, ...], go.Figure] = OrderedDict()
_KEPT_LOCK = threading.Lock()
KEPT_FIGURES = 128


def kept(build: Callable[..., go.Figure], *args: object) -> go.Figure:
    """`build(*args)`, built once for the same arguments (lists compared by content)."""
    key = (build.__code__.co_filename, build.__qualname__, _frozen(args))
    with _KEPT_LOCK:
        if (fig := _KEPT.get(key)) is not None:
            _KEPT.move_to_end(key)
            return fig
    fig = build(*args)
    with _KEPT_LOCK:
        _KEPT[key] = fig
        while len(_KEPT) > KEPT_FIGURES:
            _KEPT.popitem(last=False)
    return fig


def forget_figures() -> None:
    """Forget the kept figures (for timing a cold page)."""
    with _KEPT_LOCK:
        _KEPT.clear()


def _frozen(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value
