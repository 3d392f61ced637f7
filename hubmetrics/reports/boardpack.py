"""The trustees' board pack: an A4 PDF of goals, reach, schools and returns, small counts hidden."""

from __future__ import annotations

import io
import os
import re
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from hubmetrics import store
from hubmetrics.contract import AGE_BANDS, PHASES
from hubmetrics.goals import Goals
from hubmetrics.metrics import (
    METRICS,
    ColdSpotSchool,
    Filters,
    MetricValue,
    cold_spot_school_list,
    compute_metrics,
    years_with_data,
)
from hubmetrics.metrics.breakdown import compute_metrics_by
from hubmetrics.metrics.formatting import NO_DATA, format_value
from hubmetrics.metrics.status import GoalResult, IndicatorResult, evaluate_goals, has_data
from hubmetrics.metrics.years import parse_year, same_date_last_year, year_label
from hubmetrics.metrics.years import year_of as academic_year_of
from hubmetrics.reach import PartnerContribution, partner_contributions
from hubmetrics.reports import charts
from hubmetrics.suppression import (
    SUPPRESSED,
    suppress_count,
    suppress_ratio,
    suppress_table_with_totals,
)

HUB_NAME = "Northamptonshire Music Education Hub"
TITLE = "Board pack"
STATUS_WORDS = {
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "no_data": "No data",
}
RETURN_WORDS = {
    "received": "Returned",
    "missing": "Not returned",
    "not_expected": "None expected",
}
AGE_BAND_LABELS = {
    "early_years": "Early years (0–4)",
    "ks1": "KS1 (5–7)",
    "ks2": "KS2 (7–11)",
    "ks3": "KS3 (11–14)",
    "ks4": "KS4 (14–16)",
    "ks5": "KS5 (16–18)",
    "adult": "Adults (19+)",
    "mixed": "Mixed ages",
}
PHASE_LABELS = {
    "nursery": "Nursery",
    "primary": "Primary",
    "middle": "Middle",
    "secondary": "Secondary",
    "all_through": "All-through",
    "special": "Special",
    "alternative_provision": "Alternative provision",
    "post16": "Post-16",
}
# The hard-to-reach groups set against the area: (name, share, area baseline, representation).
# The global majority's area share is the goals file's, so it has no baseline metric.
GROUPS = (
    ("Free school meals", "fsm_share", "fsm_baseline", "fsm_representation"),
    ("SEND", "send_share", "send_baseline", "send_representation"),
    ("Global majority", "global_majority_share", None, "global_majority_representation"),
)
# Counts that are not counts of children (schools, partners, genres): never suppressed.
NOT_PEOPLE = frozenset(
    {"partners_active", "state_schools", "schools_engaged", "cold_spot_schools", "genre_count"}
)
# The methods page defines these besides every indicator's metric.
EXPLAINED = (
    "participations_by_age_band",
    "cyp_participations",
    "adult_participations",
    "fsm_share",
    "fsm_baseline",
    "fsm_representation",
    "send_share",
    "send_baseline",
    "send_representation",
    "global_majority_share",
    "global_majority_representation",
    "lac_participants",
    "state_schools",
    "schools_engaged",
    "school_coverage",
    "cold_spot_schools",
)
COLD_SPOTS_LISTED = 10  # a longer cold-spot list is summed up, with the largest schools named
COLD_SPOTS_ALL = 15  # up to this many, every cold-spot school is named

Published = int | float | str | None  # a figure as it may be printed: a number, "[c]" or None


class BoardPackError(Exception):
    """The board pack cannot be made for this year; the message says why in plain words."""


# --- the figures, as they may be published ---------------------------------------------------


@dataclass
class Figures:
    """The engine's figures for the pack, and each one as it may be published.

    Every number comes from the metric engine. `published` hides a small count of children
    (and a ratio made from one) as `[c]`; a figure that a table with totals had to hide
    (secondary suppression) is hidden wherever else the pack prints it.
    """

    con: Any
    goals: Goals
    year: str
    _cache: dict[tuple[str, Filters, date | None], dict[str, MetricValue]] = field(
        default_factory=dict
    )
    _settled: dict[tuple[str, str, date | None], Published] = field(default_factory=dict)

    @property
    def threshold(self) -> int:
        return self.goals.suppression_threshold

    def values(
        self, year: str | None = None, scope: Filters | None = None, until: date | None = None
    ) -> dict[str, MetricValue]:
        """compute_metrics for a year (default the pack's), scope and cut-off date, cached."""
        key = (year or self.year, scope or Filters(), until)
        if key not in self._cache:
            self._cache[key] = compute_metrics(
                self.con, key[0], key[1], baselines=self.goals.baselines, until=until
            )
        return self._cache[key]

    def settle(self, key: str, value: Published) -> None:
        """Fix how the whole hub's `key` for the pack's year is printed (a table decided it)."""
        self._settled[(key, self.year, None)] = value

    def published(
        self,
        value: MetricValue,
        year: str | None = None,
        scope: Filters | None = None,
        until: date | None = None,
    ) -> Published:
        """The figure as the pack may print it: the value, `[c]`, or None for no data."""
        year = year or self.year
        scope = scope or Filters()
        settled = (value.key, year, until)
        if scope.is_empty and settled in self._settled:
            return self._settled[settled]
        if not has_data(value):
            return None
        definition = METRICS[value.key]
        number = value.value
        if isinstance(number, dict):
            raise ValueError(f"{value.key} is a breakdown, not one figure")
        if definition.unit == "count":
            if value.key in NOT_PEOPLE or not isinstance(number, int):
                return number
            return suppress_count(number, self.threshold)
        if definition.kind == "continuation" or (
            definition.kind == "ratio" and definition.source == "activities"
        ):
            return suppress_ratio(number, value.numerator, value.denominator, self.threshold)
        if definition.kind in ("representation", "external"):
            share = self.values(year, scope, until)[definition.uses[0]]
            return suppress_ratio(number, share.numerator, share.denominator, self.threshold)
        return number

    def text(
        self,
        value: MetricValue,
        year: str | None = None,
        scope: Filters | None = None,
        until: date | None = None,
    ) -> str:
        """The published figure in words: formatted as everywhere else, `[c]` or "no data"."""
        return show(value.key, self.published(value, year, scope, until))

    def count_text(self, n: int | None) -> str:
        """A count of children from the engine (a share's numerator, say) as it may be printed."""
        return show("participations", suppress_count(n, self.threshold))


def show(key: str, value: Any) -> str:
    """A published figure (or a figure never hidden) as text: `[c]` stays, None is "no data"."""
    if isinstance(value, str):
        return value
    return format_value(key, value)


# --- the sections' contents -----------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One indicator now and at the point it is compared with."""

    goal: int
    indicator: IndicatorResult
    previous: MetricValue | None
    previous_year: str
    until: date | None


@dataclass
class Pack:
    """Everything the board pack prints, gathered from the engine before any drawing."""

    year: str
    as_of: date
    in_progress: bool
    demo: bool
    figures: Figures
    results: list[GoalResult]
    comparisons: list[Comparison]
    previous_year: str
    until: date | None
    partners: list[PartnerContribution]
    cold_spots: list[ColdSpotSchool]

    @property
    def threshold(self) -> int:
        return self.figures.threshold


def gather(con: Any, year: str, goals: Goals, as_of: date) -> Pack:
    """Every figure of the pack, from the metric engine, for academic `year`."""
    label = year_label(parse_year(year))
    known = years_with_data(con)
    if label not in known:
        have = ", ".join(known) if known else "none (load activity returns first)"
        raise BoardPackError(
            f"There are no activities in {label}, so there is nothing to report. "
            f"Years with activities: {have}."
        )
    figures = Figures(con, goals, label)
    in_progress = academic_year_of(as_of) == parse_year(label)
    results = evaluate_goals(con, goals, label, as_of=as_of)
    previous_year = year_label(parse_year(label) - 1)
    until = same_date_last_year(as_of) if in_progress else None
    if in_progress:
        comparisons = [
            Comparison(
                g.number,
                i,
                i.comparison.value if i.comparison else None,
                previous_year,
                until,
            )
            for g in results
            for i in g.indicators
        ]
    else:
        before = evaluate_goals(con, goals, previous_year, as_of=as_of)
        comparisons = [
            Comparison(g.number, i, p.detail, previous_year, None)
            for g, b in zip(results, before, strict=True)
            for i, p in zip(g.indicators, b.indicators, strict=True)
        ]
    return Pack(
        year=label,
        as_of=as_of,
        in_progress=in_progress,
        demo=store.is_demo(con),
        figures=figures,
        results=results,
        comparisons=comparisons,
        previous_year=previous_year,
        until=until,
        partners=partner_contributions(con, label, as_of=as_of),
        cold_spots=cold_spot_school_list(con, label),
    )


# --- the document --------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
TOP = 24 * mm
BOTTOM = 20 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN
FONT, BOLD, ITALIC, MONO = "HubSans", "HubSans-Bold", "HubSans-Italic", "HubMono"
GRID = colors.Color(0.55, 0.55, 0.55)
SHADE = colors.Color(0.88, 0.88, 0.88)
PALE = colors.Color(0.95, 0.95, 0.95)


# reportlab keeps its fonts and some layout state in globals: one pack is laid out at a time.
_LAYOUT = threading.Lock()


def _register_fonts() -> None:
    """DejaVu (shipped with matplotlib): every character the definitions use, as in the charts.

    Called with _LAYOUT held, so that no pack is laid out with the family half registered.
    """
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in (
        (FONT, "DejaVuSans.ttf"),
        (BOLD, "DejaVuSans-Bold.ttf"),
        (ITALIC, "DejaVuSans-Oblique.ttf"),
        ("HubSans-BoldItalic", "DejaVuSans-BoldOblique.ttf"),
        (MONO, "DejaVuSansMono.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic="HubSans-BoldItalic"
    )


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, spaceAfter=5)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=body, fontName=BOLD, fontSize=8.5, leading=10.5, spaceAfter=0
        ),
        "note": ParagraphStyle(
            "note", parent=body, fontName=ITALIC, fontSize=7.5, leading=9.5, spaceAfter=0
        ),
        "h1": ParagraphStyle(
            "h1", parent=body, fontName=BOLD, fontSize=17, leading=21, spaceAfter=8
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=8,
            spaceAfter=5,
        ),
        "h2_keep": ParagraphStyle(  # a heading kept on the page of the table under it
            "h2_keep",
            parent=body,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=8,
            spaceAfter=5,
            keepWithNext=1,
        ),
        "cover_hub": ParagraphStyle(
            "cover_hub", parent=body, fontName=BOLD, fontSize=20, leading=25, spaceAfter=14
        ),
        "cover_title": ParagraphStyle(
            "cover_title", parent=body, fontName=BOLD, fontSize=38, leading=44, spaceAfter=10
        ),
        "cover_year": ParagraphStyle(
            "cover_year", parent=body, fontSize=20, leading=25, spaceAfter=6
        ),
        "demo": ParagraphStyle(
            "demo",
            parent=body,
            fontName=BOLD,
            fontSize=15,
            leading=20,
            alignment=TA_CENTER,
            spaceAfter=4,
        ),
    }


def _date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _short_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _md(text: str) -> str:
    """Plain text for a Paragraph: escaped, with `code` set in the monospaced font."""
    return re.sub(r"`([^`]*)`", rf'<font name="{MONO}">\1</font>', escape(text))


class _Pages:
    """Draws the header and the footer ("Page 3 of 9") once the number of pages is known."""

    def __init__(self, header: str, footer: str) -> None:
        self.header = header
        self.footer = footer

    def canvasmaker(self) -> Callable[..., pdfcanvas.Canvas]:
        pages = self

        class NumberedCanvas(pdfcanvas.Canvas):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self._held: list[dict[str, Any]] = []

            def showPage(self) -> None:  # noqa: N802 - reportlab's name
                self._held.append(dict(self.__dict__))
                self._startPage()

            def save(self) -> None:
                total = len(self._held)
                for state in self._held:
                    self.__dict__.update(state)
                    pages.draw(self, total)
                    super().showPage()
                super().save()

        return NumberedCanvas

    def draw(self, canvas: pdfcanvas.Canvas, total: int) -> None:
        canvas.saveState()
        canvas.setFont(BOLD, 8.5)
        y = PAGE_HEIGHT - 14 * mm
        canvas.drawString(MARGIN, y, HUB_NAME)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, y, self.header)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, y - 2.5 * mm, PAGE_WIDTH - MARGIN, y - 2.5 * mm)
        y = 11 * mm
        canvas.line(MARGIN, y + 4 * mm, PAGE_WIDTH - MARGIN, y + 4 * mm)
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN, y, self.footer)
        canvas.setFont(BOLD, 8.5)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, y, f"Page {canvas.getPageNumber()} of {total}")
        canvas.restoreState()


def write_board_pack(
    con: Any,
    year: str,
    path: Path,
    *,
    goals: Goals | None = None,
    as_of: date | None = None,
) -> Path:
    """Write the trustees' board pack for academic `year` to `path` (A4 PDF) and return it.

    `goals` defaults to the goals file (`HUBMETRICS_GOALS` or data/goals.toml); `as_of`
    (default: the database's as-at date, today for real data) decides whether the year is in
    progress. Raises YearError for a year not written like 2025/26 and BoardPackError when
    the year has no activities. The file is written whole or not at all.
    """
    if goals is None:
        from hubmetrics.goals import load_goals

        goals = load_goals()
    out = io.BytesIO()
    # Its own cursor (the app shares one connection between threads); the sections ask the
    # engine for their breakdowns while they are laid out.
    with con.cursor() as cur, _LAYOUT:
        pack = gather(cur, year, goals, as_of or store.as_of(cur))
        story = build_story(pack)
        footer = f"Figures as at {_date(pack.as_of)}"
        if pack.demo:
            footer += " · SYNTHETIC DEMO DATA, not the hub's figures"
        pages = _Pages(f"{TITLE} {pack.year}", footer)
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            title=f"{HUB_NAME}: {TITLE} {pack.year}",
            author=HUB_NAME,
            subject=f"Trustees' board pack for {pack.year}",
            creator="hubmetrics",
        )
        doc.build(story, canvasmaker=pages.canvasmaker())
    path = Path(path)
    _write_whole(path, out.getvalue())
    return path


def _write_whole(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a reader never sees half a file."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, scratch = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


def build_story(pack: Pack) -> list[Flowable]:
    """The pack's pages, in order, as reportlab flowables."""
    _register_fonts()
    st = _styles()
    story: list[Flowable] = []
    story += _cover(pack, st)
    story.append(PageBreak())
    story += _scorecard(pack, st)
    story.append(PageBreak())
    story += _reach(pack, st)
    story.append(PageBreak())
    story += _comparison(pack, st)
    story.append(PageBreak())
    story += _schools(pack, st)
    story.append(CondPageBreak(75 * mm))
    story += _cold_spots(pack, st)
    story.append(PageBreak())
    story += _returns(pack, st)
    story.append(PageBreak())
    story += _methods(pack, st)
    return story


# --- the pages -----------------------------------------------------------------------------


def _cover(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = [Spacer(1, 28 * mm)]
    out.append(Paragraph(escape(HUB_NAME), st["cover_hub"]))
    out.append(Paragraph(TITLE, st["cover_title"]))
    out.append(Paragraph(f"Academic year {pack.year}", st["cover_year"]))
    state = (
        "The year is in progress: it ends on 31 August "
        f"{parse_year(pack.year) + 1}, so its figures are not final."
        if pack.in_progress
        else "The year is complete."
    )
    out.append(Paragraph(f"Figures as at {_date(pack.as_of)}. {state}", st["body"]))
    out.append(Spacer(1, 8 * mm))
    if pack.demo:
        box = Table(
            [
                [Paragraph("SYNTHETIC DEMO DATA", st["demo"])],
                [
                    Paragraph(
                        "Every figure in this pack is made up for demonstration. "
                        "It is not the hub's data and must not be quoted.",
                        ParagraphStyle("demo_note", parent=st["body"], alignment=TA_CENTER),
                    )
                ],
            ],
            colWidths=[WIDTH],
        )
        box.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 2.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, -1), PALE),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        out += [box, Spacer(1, 8 * mm)]
    out.append(Paragraph("In this pack", st["h2"]))
    sections = [
        "The goal scorecard: every goal, each indicator against its target, in words",
        "Who takes part: age bands and the hard-to-reach groups against the area",
        "This year against last" + (" at the same date" if pack.in_progress else " (whole years)"),
        "Schools: coverage by local authority, and the cold spots (schools with no activity)",
        "Partners' returns for the current term",
        "Methods and caveats: definitions, what was not recorded, small numbers",
    ]
    for line in sections:
        out.append(Paragraph(f"•&nbsp;&nbsp;{escape(line)}", st["body"]))
    out.append(Spacer(1, 6 * mm))
    out.append(Paragraph("Reading the figures", st["h2"]))
    out.append(
        Paragraph(
            f"<b>{SUPPRESSED}</b> stands for a small number: a count of 1 to "
            f"{pack.threshold} children, or a share worked out from one, is not printed so "
            "that no child can be identified. A second figure may be hidden too where a total "
            "would give the first away. 0 means none. “No data” means nothing was recorded "
            "to work the figure out from.",
            st["body"],
        )
    )
    out.append(
        Paragraph(
            "Statuses compare each figure with where the line from its baseline to its target "
            "says it should be this year: <b>On track</b> (at or past that point), "
            "<b>At risk</b> (within 10% of it), <b>Off track</b> (further behind), "
            "<b>No data</b> (nothing recorded).",
            st["body"],
        )
    )
    out.append(
        Paragraph(
            "Participations count a child once for every activity they take part in: they "
            "are not a count of different children.",
            st["body"],
        )
    )
    return out


def _scorecard(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    figures = pack.figures
    out: list[Flowable] = [Paragraph(f"The goal scorecard, {pack.year}", st["h1"])]
    _age_band_table(pack)  # settles the figures the age-band table had to hide
    tally = {s: 0 for s in STATUS_WORDS}
    for goal in pack.results:
        for ind in goal.indicators:
            tally[ind.status] += 1
    total = sum(tally.values())
    parts = ", ".join(f"{n} {STATUS_WORDS[s].lower()}" for s, n in tally.items() if n)
    out.append(
        Paragraph(
            f"{len(pack.results)} goals, {total} indicators: {parts}. "
            "Expected is the point on the straight line from the indicator's baseline to its "
            f"target reached in {pack.year}.",
            st["body"],
        )
    )
    header = ["Indicator", f"{pack.year}", "Expected", "Target", "Status"]
    widths = [66 * mm, 22 * mm, 21 * mm, 33 * mm, 20 * mm]
    if pack.in_progress and pack.until is not None:
        header.append(f"{pack.previous_year} to {_short_date(pack.until)}")
        widths = [58 * mm, 20 * mm, 19 * mm, 30 * mm, 18 * mm, 29 * mm]
    widths[0] += WIDTH - sum(widths)
    rows: list[list[Any]] = [[Paragraph(f"<b>{escape(h)}</b>", st["cell"]) for h in header]]
    style: list[tuple[Any, ...]] = []
    comparisons = {(c.goal, id(c.indicator)): c for c in pack.comparisons}
    for goal in pack.results:
        style.append(("SPAN", (0, len(rows)), (-1, len(rows))))
        style.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), SHADE))
        rows.append(
            [Paragraph(f"<b>Goal {goal.number}.</b> {escape(goal.title)}", st["cell"])]
            + [""] * (len(header) - 1)
        )
        for ind in goal.indicators:
            label = escape(ind.label)
            if ind.note:
                label += f'<br/><font name="{ITALIC}" size="7.5">{escape(ind.note)}</font>'
            value = figures.text(ind.detail, scope=ind.filters) if ind.detail else NO_DATA
            if ind.value is None:
                value = NO_DATA
            target = f"{format_value(ind.metric, ind.target)} by {ind.target_year}"
            if ind.direction == "down":
                target += " (lower is better)"
            row = [
                Paragraph(label, st["cell"]),
                Paragraph(value, st["cell"]),
                Paragraph(format_value(ind.metric, ind.expected), st["cell"]),
                Paragraph(escape(target), st["cell"]),
                Paragraph(f"<b>{STATUS_WORDS[ind.status]}</b>", st["cell"]),
            ]
            if len(header) == 6:
                comparison = comparisons[(goal.number, id(ind))]
                row.append(Paragraph(_compared(pack, comparison), st["cell"]))
            rows.append(row)
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(_grid() + style))
    out.append(table)
    if len(header) == 6:
        out.append(Spacer(1, 3 * mm))
        out.append(
            Paragraph(
                f"The last column is the same figure for {pack.previous_year} counting only "
                f"activities that started by {_date(pack.until or pack.as_of)}, the same date a "
                "year earlier, so that a year still in progress is compared like with like.",
                st["small"],
            )
        )
    return out


def _compared(pack: Pack, c: Comparison) -> str:
    if c.previous is None:
        return NO_DATA
    return pack.figures.text(c.previous, c.previous_year, c.indicator.filters, c.until)


@dataclass(frozen=True)
class _AgeBands:
    labels: list[str]
    shown: list[Published]
    cyp_total: Published
    adults: Published


def _age_band_table(pack: Pack) -> _AgeBands:
    """Participations by age band, children's bands with their total suppressed together.

    The children's bands add up to cyp_participations (a scorecard figure), so they are one
    table with that total: a hidden band needs a second hidden band (or the total hidden).
    Adults are shown on their own, with no grand total, so they cannot be worked out by
    subtraction. What the table hides, the scorecard hides too.
    """
    figures = pack.figures
    values = figures.values()
    bands = values["participations_by_age_band"].value
    assert isinstance(bands, dict)
    children = [b for b in AGE_BANDS if b != "adult"]
    table = suppress_table_with_totals(
        [[bands[b]] for b in children],
        threshold=pack.threshold,
        row_totals=False,
        column_totals=True,
    )
    cyp = values["cyp_participations"]
    assert table.column_totals is not None
    margin = table.column_totals[0]
    if margin != SUPPRESSED and margin != cyp.value:  # pragma: no cover - engine and bands agree
        raise AssertionError("the children's age bands do not add up to cyp_participations")
    cyp_total = SUPPRESSED if margin == SUPPRESSED else figures.published(cyp)
    shown_by_band: dict[str, Published] = {b: table.body[i][0] for i, b in enumerate(children)}
    figures.settle("cyp_participations", cyp_total)
    figures.settle("early_years_participations", shown_by_band["early_years"])
    adults = figures.published(values["adult_participations"])
    shown_by_band["adult"] = adults
    return _AgeBands(
        labels=[AGE_BAND_LABELS[b] for b in AGE_BANDS],
        shown=[shown_by_band[b] for b in AGE_BANDS],
        cyp_total=cyp_total,
        adults=adults,
    )


def _reach(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    figures = pack.figures
    values = figures.values()
    bands = _age_band_table(pack)
    out: list[Flowable] = [Paragraph(f"Who takes part, {pack.year}", st["h1"])]
    out.append(Paragraph("Participation by age band", st["h2"]))
    texts = [show("participations", v) for v in bands.shown]
    chart = _image(charts.age_band_chart(bands.labels, bands.shown, texts), 100 * mm)
    rows: list[list[Any]] = [["Age band", "Participations"]]
    rows += [
        [label, text]
        for band, label, text in zip(AGE_BANDS, bands.labels, texts, strict=True)
        if band != "adult"
    ]
    rows.append(
        [
            Paragraph("<b>Children and young people</b> (every band above)", st["cell"]),
            show("cyp_participations", bands.cyp_total),
        ]
    )
    rows.append([AGE_BAND_LABELS["adult"], show("adult_participations", bands.adults)])
    total_row = len(rows) - 2
    table = Table(rows, colWidths=[45 * mm, 25 * mm])
    table.setStyle(
        TableStyle(
            _grid(font=True)
            + [
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONTNAME", (1, total_row), (1, total_row), BOLD),
                ("LINEABOVE", (0, total_row), (-1, total_row), 1.2, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 1.2, colors.black),
            ]
        )
    )
    side = Table([[chart, table]], colWidths=[WIDTH - 72 * mm, 72 * mm])
    side.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    out.append(side)
    out.append(
        Paragraph(
            "Participations: a child taking part in two activities counts twice. Adults are "
            f"counted apart from the children's total. A figure shown as {SUPPRESSED} is a "
            "small number (or hidden so that one cannot be worked out) and has no bar.",
            st["small"],
        )
    )
    out.append(CondPageBreak(110 * mm))
    out.append(Paragraph("Hard-to-reach groups against the area", st["h2"]))
    out.append(
        Paragraph(
            "Representation is a group's share of participants divided by its share of the "
            "area: <b>1.00 is parity</b>, the group taking part in proportion to its place in "
            "the area; below 1.00 it is under-represented. Free school meals and SEND are over "
            "school-age participants (KS1–KS5) where recorded, against the pupils of the "
            "area's state-funded schools; the global majority over every participant where "
            "recorded, against the area share in the goals file.",
            st["body"],
        )
    )
    bars = []
    header = (
        "Group",
        "Share taking part",
        "Area's share",
        "Representation (1.00 = parity)",
        "In the group",
        "Participants counted",
        "Rows not recorded",
    )
    table_rows: list[list[Any]] = [[Paragraph(f"<b>{h}</b>", st["cell"]) for h in header]]
    for name, share_key, base_key, rep_key in GROUPS:
        share, rep = values[share_key], values[rep_key]
        baseline = values[base_key].value if base_key else rep.denominator
        base_text = show(share_key, baseline if isinstance(baseline, int | float) else None)
        shown_share = figures.published(share)
        shown_rep = figures.published(rep)
        if isinstance(shown_rep, str):
            words = f"{shown_rep}: a small number, not shown"
        elif shown_rep is None:
            words = NO_DATA
        else:
            words = (
                f"{show(rep_key, shown_rep)}: {show(share_key, shown_share)} taking part, "
                f"{base_text} of the area"
            )
        bars.append(charts.GroupBar(name=name, representation=shown_rep, text=words))
        numerator = share.numerator if isinstance(share.numerator, int) else None
        denominator = share.denominator if isinstance(share.denominator, int) else None
        table_rows.append(
            [
                name,
                show(share_key, shown_share),
                base_text,
                show(rep_key, shown_rep),
                figures.count_text(numerator),
                figures.count_text(denominator),
                f"{share.skipped or 0:,}",
            ]
        )
    out.append(_image(charts.hard_to_reach_chart(bars), WIDTH))
    table = Table(
        table_rows,
        colWidths=[30 * mm, 23 * mm, 20 * mm, 30 * mm, 22 * mm, 25 * mm, 24 * mm],
        repeatRows=1,
    )
    table.setStyle(TableStyle(_grid(font=True) + [("ALIGN", (1, 1), (-1, -1), "RIGHT")]))
    out.append(table)
    lac = values["lac_participants"]
    out.append(Spacer(1, 2 * mm))
    out.append(
        Paragraph(
            f"<b>Looked-after children</b> taking part: {figures.text(lac)}. The schools list "
            "has no area figure for looked-after children, so there is no share to compare "
            f"with; {lac.skipped or 0:,} activity rows did not record it.",
            st["body"],
        )
    )
    return out


def _schools(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    figures = pack.figures
    values = figures.values()
    keys = ("state_schools", "schools_engaged", "school_coverage", "cold_spot_schools")
    by_la = compute_metrics_by(
        figures.con, pack.year, None, "local_authority", baselines=figures.goals.baselines
    )
    areas = [(la, v) for la, v in by_la.items() if la is not None and v["state_schools"].value]
    out: list[Flowable] = [Paragraph(f"Schools, {pack.year}", st["h1"])]
    out.append(Paragraph("School coverage by local authority", st["h2"]))
    out.append(
        Paragraph(
            "The share of state-funded schools in the current schools list with at least one "
            "activity in the year. The dashed line is the whole hub. Independent schools do not "
            "count. These are counts of schools, not children, so none is hidden.",
            st["body"],
        )
    )
    coverage = values["school_coverage"]
    bars = [
        charts.CoverageBar(
            name=str(la),
            coverage=_float(v["school_coverage"].value),
            text=f"{show('school_coverage', v['school_coverage'].value)} "
            f"({show('schools_engaged', v['schools_engaged'].value)} of "
            f"{show('state_schools', v['state_schools'].value)})",
        )
        for la, v in areas
    ]
    out.append(
        _image(
            charts.coverage_chart(
                bars, _float(coverage.value), show("school_coverage", coverage.value)
            ),
            WIDTH * 0.92,
        )
    )
    header = ["Local authority", "State-funded schools", "Engaged", "Coverage", "Cold spots"]
    rows: list[list[Any]] = [[Paragraph(f"<b>{h}</b>", st["cell"]) for h in header]]
    for la, v in areas:
        rows.append([str(la)] + [show(k, v[k].value) for k in keys])
    rows.append(["Whole hub"] + [show(k, values[k].value) for k in keys])
    table = Table(rows, colWidths=[60 * mm, 32 * mm, 25 * mm, 25 * mm, 25 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            _grid(font=True)
            + [
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("FONTNAME", (0, -1), (-1, -1), BOLD),
                ("LINEABOVE", (0, -1), (-1, -1), 1.2, colors.black),
            ]
        )
    )
    out.append(table)
    out.append(
        Paragraph(
            f"{coverage.skipped or 0:,} activity rows could not count toward coverage: they "
            "name no school, or a school that is not in the schools list.",
            st["small"],
        )
    )
    return out


def _comparison(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    figures = pack.figures
    if pack.in_progress and pack.until is not None:
        title = "This year against last at the same date"
        previous_label = f"{pack.previous_year} up to {_short_date(pack.until)}"
        current_label = f"{pack.year} up to {_short_date(pack.as_of)}"
        intro = (
            f"{pack.year} is in progress, so each indicator is set against {pack.previous_year} "
            f"counting only the activities that had started by {_date(pack.until)}, the same "
            "date a year earlier. A half-finished year is compared with the same part of the "
            "year before, not with a whole year."
        )
    else:
        title = "This year against last"
        previous_label = f"{pack.previous_year} (whole year)"
        current_label = f"{pack.year} (whole year)"
        intro = (
            f"{pack.year} is not the year in progress (the figures are as at "
            f"{_date(pack.as_of)}), so there is no same-date comparison: the whole of "
            f"{pack.year} is set against the whole of {pack.previous_year}."
        )
    out: list[Flowable] = [Paragraph(escape(title), st["h1"]), Paragraph(intro, st["body"])]
    panels = []
    rows: list[list[Any]] = [
        [
            Paragraph(f"<b>{escape(h)}</b>", st["cell"])
            for h in ("Goal", "Indicator", previous_label, current_label)
        ]
    ]
    for c in pack.comparisons:
        ind = c.indicator
        before = (
            figures.published(c.previous, c.previous_year, ind.filters, c.until)
            if c.previous is not None
            else None
        )
        now = figures.published(ind.detail, scope=ind.filters) if ind.detail else None
        if ind.value is None:
            now = None
        before_text, now_text = show(ind.metric, before), show(ind.metric, now)
        panels.append(
            charts.ComparisonPanel(
                label=f"{c.goal}. {ind.label}",
                previous=before,
                previous_text=before_text,
                current=now,
                current_text=now_text,
            )
        )
        rows.append([str(c.goal), Paragraph(escape(ind.label), st["cell"]), before_text, now_text])
    out.append(
        _image(charts.comparison_chart(panels, previous_label, current_label), WIDTH, 120 * mm)
    )
    out.append(
        Paragraph(
            "Each small chart has its own scale. A value marked [c] is a small number and has "
            "no bar; “no data” has none either.",
            st["small"],
        )
    )
    table = Table(rows, colWidths=[14 * mm, 86 * mm, 37 * mm, 37 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            _grid(font=True)
            + [
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                ("TOPPADDING", (0, 1), (-1, -1), 1.2),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 1.2),
            ]
        )
    )
    out.append(table)
    return out


def _cold_spots(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    figures = pack.figures
    con, year = figures.con, pack.year
    total = figures.values()["cold_spot_schools"]
    by_la = compute_metrics_by(con, year, None, "local_authority", keys=["cold_spot_schools"])
    las = [la for la, v in by_la.items() if la is not None and v["cold_spot_schools"].value]
    by_phase = compute_metrics_by(con, year, None, "phase", keys=["cold_spot_schools"])
    cells = {
        la: compute_metrics_by(
            con, year, Filters(local_authority=str(la)), "phase", keys=["cold_spot_schools"]
        )
        for la in las
    }
    phases = [p for p in PHASES if p in by_phase and by_phase[p]["cold_spot_schools"].value]
    out: list[Flowable] = [Paragraph("Cold spots: state-funded schools with no activity", st["h2"])]
    out.append(
        Paragraph(
            f"<b>{show('cold_spot_schools', total.value)}</b> state-funded schools had no "
            f"activity in {year}" + (" so far" if pack.in_progress else "") + ". They are "
            "counted by phase and local authority below; the pupils on roll are the schools "
            "list's. Counts of schools are not hidden (they are not counts of children).",
            st["body"],
        )
    )
    if not las:
        out.append(Paragraph("Every state-funded school had at least one activity.", st["body"]))
        return out
    header = ["Phase", *[str(la) for la in las], "All"]
    rows: list[list[Any]] = [[Paragraph(f"<b>{escape(h)}</b>", st["cell"]) for h in header]]

    def count(values: dict[Any, dict[str, MetricValue]], key: str | None) -> str:
        figure = values.get(key) if key is not None else None
        return show("cold_spot_schools", figure["cold_spot_schools"].value if figure else 0)

    for phase in phases:
        rows.append(
            [PHASE_LABELS.get(phase, phase)]
            + [count(cells[la], phase) for la in las]
            + [count(by_phase, phase)]
        )
    rows.append(
        ["All phases"] + [count(by_la, la) for la in las] + [show("cold_spot_schools", total.value)]
    )
    pupils = [_pupils_on_roll(pack.cold_spots, la) for la in las]
    rows.append(["Pupils on roll"] + pupils + [_pupils_on_roll(pack.cold_spots, None)])
    first = 38 * mm
    rest = (WIDTH - first) / (len(header) - 1)
    table = Table(rows, colWidths=[first] + [rest] * (len(header) - 1), repeatRows=1)
    table.setStyle(
        TableStyle(
            _grid(font=True)
            + [
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("FONTNAME", (0, -2), (-1, -2), BOLD),
                ("LINEABOVE", (0, -2), (-1, -2), 1.2, colors.black),
                ("FONTNAME", (-1, 1), (-1, -1), BOLD),
            ]
        )
    )
    out.append(table)
    unknown = sum(1 for s in pack.cold_spots if s.pupils is None)
    if unknown:
        out.append(
            Paragraph(
                f"{unknown:,} of these schools have no pupil number in the schools list.",
                st["small"],
            )
        )
    schools = sorted(pack.cold_spots, key=lambda s: (-(s.pupils or 0), s.name, s.urn))
    if len(schools) > COLD_SPOTS_ALL:
        heading = f"The {COLD_SPOTS_LISTED} cold-spot schools with the most pupils"
        schools = schools[:COLD_SPOTS_LISTED]
        after = "The full list is on the dashboard's Schools page."
    else:
        heading, after = "The cold-spot schools", ""
    out.append(Paragraph(heading, st["h2_keep"]))
    rows = [
        [
            Paragraph(f"<b>{h}</b>", st["cell"])
            for h in ("School", "Phase", "Local authority", "District", "Pupils", "FSM")
        ]
    ]
    for s in schools:
        rows.append(
            [
                Paragraph(escape(s.name), st["cell"]),
                Paragraph(escape(PHASE_LABELS.get(s.phase, s.phase)), st["cell"]),
                Paragraph(escape(s.local_authority), st["cell"]),
                Paragraph(escape(s.district or ""), st["cell"]),
                f"{s.pupils:,}" if s.pupils is not None else "not known",
                f"{s.fsm_percent:.1f}%" if s.fsm_percent is not None else "not known",
            ]
        )
    table = Table(
        rows, colWidths=[50 * mm, 22 * mm, 34 * mm, 38 * mm, 15 * mm, 15 * mm], repeatRows=1
    )
    table.setStyle(TableStyle(_grid(font=True) + [("ALIGN", (4, 1), (-1, -1), "RIGHT")]))
    out.append(table)
    if after:
        out.append(Paragraph(after, st["small"]))
    return out


def _pupils_on_roll(schools: Sequence[ColdSpotSchool], la: str | None) -> str:
    """The pupils on roll (schools list) at the engine's cold-spot schools of `la` (None: all)."""
    known = [s.pupils for s in schools if (la is None or s.local_authority == la) and s.pupils]
    return f"{sum(known):,}"


def _returns(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    partners = pack.partners
    term = partners[0].current_term if partners else ""
    out: list[Flowable] = [Paragraph("Partners' returns", st["h1"])]
    if not partners:
        out.append(Paragraph("No partners are loaded.", st["body"]))
        return out
    missing = [p for p in partners if p.return_status == "missing"]
    received = [p for p in partners if p.return_status == "received"]
    quiet = [p for p in partners if p.return_status == "not_expected"]
    out.append(
        Paragraph(
            f"As at {_date(pack.as_of)} the current term is <b>{escape(term)}</b>. "
            f"<b>{len(received)}</b> of {len(partners)} partners have returned for it; "
            f"<b>{len(missing)}</b> have not returned a term that was expected; "
            f"{len(quiet)} were not expected to. A return for a term has arrived when the "
            "partner has at least one activity starting in it; a partner is expected to send "
            "one when it had activities in any of the three terms before. The current term "
            "and the one before it are checked.",
            st["body"],
        )
    )
    header = ["Partner", f"Return for {term}", "Still owed", "Last return sent", "Latest term"]
    rows: list[list[Any]] = [[Paragraph(f"<b>{escape(h)}</b>", st["cell"]) for h in header]]
    style: list[tuple[Any, ...]] = []
    for p in [*missing, *received, *quiet]:
        if p.return_status == "missing":
            style.append(("FONTNAME", (1, len(rows)), (1, len(rows)), BOLD))
        rows.append(
            [
                Paragraph(escape(p.name), st["cell"]),
                Paragraph(
                    ("<b>%s</b>" if p.return_status == "missing" else "%s")
                    % RETURN_WORDS[p.return_status],
                    st["cell"],
                ),
                Paragraph(escape(" and ".join(p.outstanding_terms) or "—"), st["cell"]),
                _short_date(p.last_return.date()) if p.last_return else "none",
                Paragraph(escape(p.last_term_returned or "none"), st["cell"]),
            ]
        )
    table = Table(rows, colWidths=[56 * mm, 26 * mm, 34 * mm, 26 * mm, 32 * mm], repeatRows=1)
    table.setStyle(TableStyle(_grid(font=True) + style))
    out.append(table)
    return out


def _methods(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    figures = pack.figures
    values = figures.values()
    out: list[Flowable] = [Paragraph("Methods and caveats", st["h1"])]
    out.append(Paragraph("Small numbers", st["h2"]))
    out.append(
        Paragraph(
            f"Counts of children from 1 to {pack.threshold} (the goals file's suppression "
            f"threshold) are printed as <b>{SUPPRESSED}</b>, and so is any share or ratio whose "
            "numerator or denominator is such a count (for a representation, the counts behind "
            "its share). 0 is printed as 0. Where a table shows a total, a second figure is "
            "hidden too whenever the first could otherwise be worked out by subtraction, and a "
            "figure a table hides is hidden everywhere else in the pack. Charts draw no bar for "
            "a hidden figure. Counts of schools, partners and genres, pupils on roll (from the "
            "public schools list) and the numbers of rows not recorded are not counts of "
            "children taking part and are printed in full.",
            st["body"],
        )
    )
    out.append(Paragraph("Scope", st["h2"]))
    out.append(
        Paragraph(
            f"An activity belongs to {pack.year} when it starts between 1 September "
            f"{parse_year(pack.year)} and 31 August {parse_year(pack.year) + 1}. Only current "
            "rows count (a corrected row replaces the earlier one). Every year is measured "
            "against the current schools list. Participations count a child once for each "
            "activity; they are not a count of different children. The same figures, worked "
            "out the same way, are on the dashboard and in the Arts Council return.",
            st["body"],
        )
    )
    out.append(Paragraph("Definitions and what was not recorded", st["h2"]))
    keys = list(EXPLAINED)
    for goal in pack.results:
        for ind in goal.indicators:
            if ind.metric not in keys:
                keys.append(ind.metric)
    rows: list[list[Any]] = [
        [
            Paragraph(f"<b>{h}</b>", st["cell"])
            for h in ("Figure", "Definition", f"Not recorded in {pack.year}")
        ]
    ]
    for key in keys:
        m = METRICS[key]
        skipped = values[key].skipped
        missing = f"{skipped:,} {m.skipped_means}" if skipped is not None else "—"
        rows.append(
            [
                Paragraph(f"<b>{escape(m.label)}</b>", st["cell"]),
                Paragraph(_md(m.definition), st["cell"]),
                Paragraph(escape(missing), st["cell"]),
            ]
        )
    table = Table(rows, colWidths=[40 * mm, 92 * mm, 42 * mm], repeatRows=1)
    table.setStyle(TableStyle(_grid()))
    out.append(table)
    out.append(Paragraph("Goals and status", st["h2"]))
    out.append(
        Paragraph(
            "The goals, targets and baselines are the hub's goals file"
            + (f" ({escape(Path(figures.goals.source).name)})" if figures.goals.source else "")
            + ". Expected value: the straight line from the baseline (value, year) to the "
            "target (value, year), not extended past either end; with no baseline, the target. "
            "Higher is better: on track at or above expected, at risk from 90% of it, else off "
            "track. Lower is better: on track at or below expected, at risk up to 110% of it, "
            "else off track. No data when nothing was recorded to work it out from.",
            st["body"],
        )
    )
    if pack.demo:
        out.append(
            Paragraph(
                "<b>This pack is made from the synthetic demo data.</b> Its figures are "
                "invented and describe no real child, school or partner.",
                st["body"],
            )
        )
    return out


# --- small helpers ---------------------------------------------------------------------------


def _grid(*, font: bool = False) -> list[tuple[Any, ...]]:
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if font:
        style += [("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8.5)]
    return style


def _image(png: bytes, width: float, max_height: float | None = None) -> Image:
    w, h = ImageReader(io.BytesIO(png)).getSize()
    height = width * h / w
    if max_height is not None and height > max_height:
        width, height = max_height * w / h, max_height
    return Image(io.BytesIO(png), width=width, height=height)


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None
