"""The board pack's first pages: the cover, the goal scorecard and reach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from hubmetrics.contract import AGE_BAND_LABELS, AGE_BANDS
from hubmetrics.disclosure.suppression import SUPPRESSED, suppress_table_with_totals
from hubmetrics.metrics.formatting import NO_DATA, format_value
from hubmetrics.metrics.reach_tables import GROUPS
from hubmetrics.metrics.years import parse_year
from hubmetrics.reports import charts
from hubmetrics.reports.pack_figures import (
    HUB_NAME,
    STATUS_WORDS,
    TITLE,
    Comparison,
    Pack,
    Published,
    show,
)
from hubmetrics.reports.pack_layout import (
    BOLD,
    ITALIC,
    PALE,
    SHADE,
    WIDTH,
    chart_image,
    grid_style,
    long_date,
    short_date,
)

# --- the pages -----------------------------------------------------------------------------


def cover_section(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
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
    out.append(Paragraph(f"Figures as at {long_date(pack.as_of)}. {state}", st["body"]))
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


def scorecard_section(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
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
        header.append(f"{pack.previous_year} to {short_date(pack.until)}")
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
    table.setStyle(TableStyle(grid_style() + style))
    out.append(table)
    if len(header) == 6:
        out.append(Spacer(1, 3 * mm))
        out.append(
            Paragraph(
                f"The last column is the same figure for {pack.previous_year} counting only "
                f"activities that started by {long_date(pack.until or pack.as_of)}, the same date a "
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
    guard = figures.guard()
    shown_by_band: dict[str, Published] = {
        b: SUPPRESSED if guard.is_hidden(("participations", None, None, b)) else table.body[i][0]
        for i, b in enumerate(children)
    }
    if guard.is_hidden(("cyp_participations", None, None, None)):
        cyp_total = SUPPRESSED
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


def reach_section(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    figures = pack.figures
    values = figures.values()
    bands = _age_band_table(pack)
    out: list[Flowable] = [Paragraph(f"Who takes part, {pack.year}", st["h1"])]
    out.append(Paragraph("Participation by age band", st["h2"]))
    texts = [show("participations", v) for v in bands.shown]
    chart = chart_image(charts.age_band_chart(bands.labels, bands.shown, texts), 100 * mm)
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
            grid_style(font=True)
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
    out.append(chart_image(charts.hard_to_reach_chart(bars), WIDTH))
    table = Table(
        table_rows,
        colWidths=[30 * mm, 23 * mm, 20 * mm, 30 * mm, 22 * mm, 25 * mm, 24 * mm],
        repeatRows=1,
    )
    table.setStyle(TableStyle(grid_style(font=True) + [("ALIGN", (1, 1), (-1, -1), "RIGHT")]))
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
