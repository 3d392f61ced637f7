"""Charts built once for the same data: the same figure back, another for other data."""

from __future__ import annotations

import plotly.graph_objects as go

from hubmetrics.app import theme


def test_a_figure_is_built_once_for_the_same_data_and_again_for_other_data() -> None:
    theme.forget_figures()
    built: list[list[object]] = []

    def bars(names: list[str], values: list[object], title: str) -> go.Figure:
        built.append(values)
        return go.Figure(go.Bar(x=names, y=values), layout={"title": {"text": title}})

    first = theme.kept(bars, ["A", "B"], [1, "[c]"], "Reach")
    again = theme.kept(bars, ["A", "B"], [1, "[c]"], "Reach")  # equal lists, new objects
    assert again is first and built == [[1, "[c]"]]
    other = theme.kept(bars, ["A", "B"], [1, 2], "Reach")
    assert other is not first and list(other.data[0].y) == [1, 2]
    assert list(first.data[0].y) == [1, "[c]"]  # the kept one is as it was built
    theme.forget_figures()
    assert theme.kept(bars, ["A", "B"], [1, "[c]"], "Reach") is not first
    assert len(built) == 3
