"""The board pack's charts: greyscale-safe matplotlib (Agg) figures, rendered to PNG bytes."""

from __future__ import annotations

import functools
import io
import textwrap
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec

import matplotlib

matplotlib.use("Agg")  # never a window: the charts are only ever written to files

from matplotlib import ticker  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from PIL import Image as PILImage  # noqa: E402

# A value a chart may draw: a number, a hidden small number (the text to show, e.g. "[c]"),
# or None for no data. The charts are given published values only, so a suppressed figure
# never reaches them as a number and cannot be read off a bar's length.
Drawable = int | float | str | None

DPI = 200
FONT = "DejaVu Sans"
INK = "black"
LIGHT = "#d9d9d9"  # light grey fill
DARK = "#595959"  # dark grey fill: reads as a different shade from LIGHT in black and white
HATCH_SHARE = "///"
HATCH_PREVIOUS = "..."
PLATE = {"facecolor": "white", "edgecolor": "none", "pad": 1.0}  # a label above a line
STYLE: dict[str, Any] = {
    "font.family": FONT,
    "hatch.linewidth": 0.6,
    "hatch.color": INK,
    # A name from the data with two $ in it ($x^2$) is text, not maths to typeset (or fail on).
    "text.parse_math": False,
}

P = ParamSpec("P")
_LOCK = threading.Lock()  # matplotlib's settings are global: one chart is drawn at a time


def _styled(draw: Callable[P, bytes]) -> Callable[P, bytes]:
    """Draw with the board pack's style without changing matplotlib's settings for others."""

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> bytes:
        with _LOCK, matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
            return draw(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class GroupBar:
    """One hard-to-reach group: its representation (share ÷ area share) and the words for it.

    `representation` is what the bar's length shows (1.0 is parity); `text` is printed
    beside it (the representation with the two shares it was made from).
    """

    name: str
    representation: Drawable
    text: str


@dataclass(frozen=True)
class CoverageBar:
    """One local authority's school coverage (a share) with its words beside the bar."""

    name: str
    coverage: float | None
    text: str


@dataclass(frozen=True)
class ComparisonPanel:
    """One indicator: its value earlier and now, with the words printed beside each bar."""

    label: str
    previous: Drawable
    previous_text: str
    current: Drawable
    current_text: str


@_styled
def age_band_chart(
    labels: Sequence[str], values: Sequence[Drawable], texts: Sequence[str]
) -> bytes:
    """Horizontal bars of participations by age band; a hidden value has no bar, only its text."""
    fig, ax = _figure(4.4, 0.36 * len(labels) + 0.9)
    numbers = [_number(v) for v in values]
    top = max([n for n in numbers if n is not None] + [1.0])
    y = list(range(len(labels)))
    ax.barh(
        y,
        [n or 0 for n in numbers],
        color=LIGHT,
        edgecolor=INK,
        hatch=HATCH_SHARE,
        linewidth=0.8,
        height=0.6,
    )
    for row, (number, text) in enumerate(zip(numbers, texts, strict=True)):
        ax.text((number or 0) + top * 0.01, row, text, va="center", ha="left", fontsize=9)
    ax.set_yticks(y, labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.3)
    ax.set_xlabel("Participations", fontsize=9)
    ax.xaxis.set_major_locator(ticker.MaxNLocator(4))
    _thousands(ax)
    _tidy(ax)
    return _png(fig)


@_styled
def hard_to_reach_chart(groups: Sequence[GroupBar]) -> bytes:
    """Each group's representation as a hatched bar, with parity (1.00) as a solid line."""
    fig, ax = _figure(7.4, 0.5 * len(groups) + 1.0)
    values = [_number(g.representation) for g in groups]
    top = max([v for v in values if v is not None] + [1.0])
    y = list(range(len(groups)))
    ax.barh(
        y,
        [v or 0 for v in values],
        color=LIGHT,
        edgecolor=INK,
        hatch=HATCH_SHARE,
        linewidth=0.8,
        height=0.55,
    )
    ax.axvline(1.0, color=INK, linewidth=2.0)
    ax.text(
        1.0 + top * 0.02, -0.62, "parity 1.00", ha="left", va="bottom", fontsize=8, weight="bold"
    )
    for row, (value, group) in enumerate(zip(values, groups, strict=True)):
        ax.text(max(value or 0, 1.0) + top * 0.02, row, group.text, va="center", fontsize=8)
    ax.set_yticks(y, [_wrap(g.name, 16) for g in groups], fontsize=9)
    ax.set_ylim(len(groups) - 0.45, -0.95)
    ax.set_xlim(0, top * 2.25)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0] + ([1.25, 1.5] if top > 1.1 else []))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _: f"{x:.2f}"))
    ax.set_xlabel(
        "Representation: share of participants ÷ share of the area (1.00 = parity)", fontsize=8.5
    )
    _tidy(ax)
    return _png(fig)


@_styled
def coverage_chart(bars: Sequence[CoverageBar], hub: float | None, hub_text: str) -> bytes:
    """School coverage by local authority, with the whole hub's coverage as a dashed line."""
    fig, ax = _figure(6.6, 0.55 * len(bars) + 1.2)
    y = list(range(len(bars)))
    ax.barh(
        y,
        [b.coverage or 0 for b in bars],
        color=LIGHT,
        edgecolor=INK,
        hatch=HATCH_SHARE,
        linewidth=0.8,
        height=0.55,
    )
    for row, bar in enumerate(bars):
        ax.text(
            (bar.coverage or 0) + 0.012,
            row,
            bar.text,
            va="center",
            ha="left",
            fontsize=8.5,
            bbox=PLATE,
            zorder=4,
        )
    if hub is not None:
        ax.axvline(hub, color=INK, linestyle="--", linewidth=1.2, zorder=3)
        ax.text(
            hub + 0.012,
            -0.62,
            f"whole hub {hub_text}",
            ha="left",
            va="bottom",
            fontsize=8,
            fontweight="bold",
            bbox=PLATE,
            zorder=4,
        )
    ax.set_yticks(y, [_wrap(b.name, 18) for b in bars], fontsize=9)
    ax.invert_yaxis()
    ax.set_ylim(len(bars) - 0.4, -0.95)
    ax.set_xlim(0, 1.35)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_xlabel("State-funded schools with at least one activity", fontsize=9)
    _percent(ax)
    _tidy(ax)
    return _png(fig)


@_styled
def comparison_chart(
    panels: Sequence[ComparisonPanel], previous_label: str, current_label: str
) -> bytes:
    """Small multiples, one per indicator: earlier (dotted) and now (dark), each labelled."""
    columns = 3
    rows = max(1, -(-len(panels) // columns))
    height = 0.66 * rows + 0.4  # inches: drawn at the size it is printed (full text width)
    fig = Figure(figsize=(6.85, height), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    axes = fig.subplots(rows, columns, squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index >= len(panels):
            ax.set_visible(False)
            continue
        panel = panels[index]
        values = [_number(panel.previous), _number(panel.current)]
        top = max([v for v in values if v is not None] + [1e-9])
        ax.barh(
            [0, 1],
            [v or 0 for v in values],
            color=["white", DARK],
            edgecolor=INK,
            hatch=[HATCH_PREVIOUS, ""],
            linewidth=0.7,
            height=0.72,
        )
        for row, text in enumerate((panel.previous_text, panel.current_text)):
            ax.text((values[row] or 0) + top * 0.03, row, text, va="center", fontsize=7.5)
        ax.set_xlim(0, top * 1.75)
        ax.set_ylim(1.5, -0.5)
        ax.set_yticks([])
        ax.set_xticks([])
        ax.set_title(_wrap(panel.label, 40), fontsize=7.5, loc="left", pad=2.5)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
    fig.legend(
        handles=[
            Patch(facecolor="white", edgecolor=INK, hatch=HATCH_PREVIOUS, label=previous_label),
            Patch(facecolor=DARK, edgecolor=INK, label=current_label),
        ],
        loc="lower center",
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    fig.subplots_adjust(
        left=0.01, right=0.99, top=1 - 0.25 / height, bottom=0.4 / height, hspace=1.1, wspace=0.08
    )
    return _png(fig, tight=False)


# --- helpers ------------------------------------------------------------------------------


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    return fig, fig.add_subplot()


def _number(value: Drawable) -> float | None:
    """The length of a bar: a number, or None for a hidden value or no data (no bar)."""
    if value is None or isinstance(value, str):
        return None
    return float(value)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _thousands(ax: Axes) -> None:
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))


def _percent(ax: Axes) -> None:
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _: f"{x * 100:.0f}%"))


def _tidy(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#bfbfbf", linewidth=0.5)
    ax.set_axisbelow(True)


def _png(fig: Figure, *, tight: bool = True) -> bytes:
    """The figure as an opaque PNG (no alpha channel, so the PDF shows pure white behind it)."""
    raw = io.BytesIO()
    fig.savefig(
        raw, format="png", dpi=DPI, facecolor="white", bbox_inches="tight" if tight else None
    )
    raw.seek(0)
    out = io.BytesIO()
    with PILImage.open(raw) as image:
        image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()
