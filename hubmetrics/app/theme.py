"""The app's side of the charts: showing them, and each figure built once for the same data.

The look itself (colours, titled axes, the plotly template) is the library's:
hubmetrics.plots.theme.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import plotly.graph_objects as go


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
