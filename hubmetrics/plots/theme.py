"""One look for every chart: colour-blind-safe colours, titled axes, British number format."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from hubmetrics.disclosure.inert import chart_text

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
INDEPENDENT = "#8A94A6"

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


def number(value: object) -> float | None:
    """A figure for a chart: hidden ([c]) and missing values are left out."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def words(text: object) -> str:
    """Text from data (a name) for a chart's labels, ticks and hover, shown as written:
    plotly reads a few HTML tags in them, a link among them. A line break stays one."""
    return "<br>".join(chart_text(line) for line in str(text).split("\n"))


def count_text(value: object) -> str:
    """A count as a bar's or a point's words: `1,234`, or `[c]` (any text) as it is."""
    return value if isinstance(value, str) else f"{value:,}"
