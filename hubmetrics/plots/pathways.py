"""The pathways chart: where one cohort of children went, year by year, as a Sankey diagram."""

from __future__ import annotations

import plotly.graph_objects as go

from hubmetrics.metrics.pathways import Sankey
from hubmetrics.plots.theme import OKABE_ITO

STAGE_COLOURS = {
    "wcet": OKABE_ITO[4],
    "tuition": OKABE_ITO[0],
    "ensemble": OKABE_ITO[2],
    "advanced": OKABE_ITO[3],
    "other": OKABE_ITO[1],
    "none": "#B8BFCC",
}


def sankey_chart(sankey: Sankey) -> go.Figure:
    """The cohort's stages as nodes and the children moving between them as links, each
    link in a faded colour of the stage it leads to."""
    link_colours = [_faded(STAGE_COLOURS[sankey.node_stages[target]]) for target in sankey.targets]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": sankey.labels,
                "color": [STAGE_COLOURS[s] for s in sankey.node_stages],
                "pad": 18,
                "hovertemplate": "%{label}: %{value:,} children<extra></extra>",
            },
            link={
                "source": sankey.sources,
                "target": sankey.targets,
                "value": sankey.values,
                "color": link_colours,
                "hovertemplate": "%{source.label} → %{target.label}: %{value:,} children"
                "<extra></extra>",
            },
        )
    )
    fig.update_layout(
        title={"text": f"Where the {sankey.cohort} cohort went, year by year", "x": 0},
        height=460,
        margin={"l": 20, "r": 20, "t": 50, "b": 20},
    )
    return fig


def _faded(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, 0.35)"
