"""The board pack's later pages: schools, this year against last, cold spots, returns, methods."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Paragraph,
    Table,
    TableStyle,
)

from hubmetrics.contract import PHASE_LABELS, PHASES
from hubmetrics.disclosure.suppression import SUPPRESSED
from hubmetrics.metrics import METRICS, ColdSpotSchool, Filters, MetricValue
from hubmetrics.metrics.breakdown import compute_metrics_by
from hubmetrics.metrics.years import parse_year
from hubmetrics.reports import charts
from hubmetrics.reports.pack_figures import (
    COLD_SPOTS_ALL,
    COLD_SPOTS_LISTED,
    EXPLAINED,
    RETURN_WORDS,
    Pack,
    show,
)
from hubmetrics.reports.pack_layout import (
    BOLD,
    WIDTH,
    as_float,
    chart_image,
    grid_style,
    inline_markup,
    long_date,
    short_date,
)


def schools_section(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
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
            coverage=as_float(v["school_coverage"].value),
            text=f"{show('school_coverage', v['school_coverage'].value)} "
            f"({show('schools_engaged', v['schools_engaged'].value)} of "
            f"{show('state_schools', v['state_schools'].value)})",
        )
        for la, v in areas
    ]
    out.append(
        chart_image(
            charts.coverage_chart(
                bars, as_float(coverage.value), show("school_coverage", coverage.value)
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
            grid_style(font=True)
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


def comparison_section(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    figures = pack.figures
    if pack.in_progress and pack.until is not None:
        title = "This year against last at the same date"
        previous_label = f"{pack.previous_year} up to {short_date(pack.until)}"
        current_label = f"{pack.year} up to {short_date(pack.as_of)}"
        intro = (
            f"{pack.year} is in progress, so each indicator is set against {pack.previous_year} "
            f"counting only the activities that had started by {long_date(pack.until)}, the same "
            "date a year earlier. A half-finished year is compared with the same part of the "
            "year before, not with a whole year."
        )
    else:
        title = "This year against last"
        previous_label = f"{pack.previous_year} (whole year)"
        current_label = f"{pack.year} (whole year)"
        intro = (
            f"{pack.year} is not the year in progress (the figures are as at "
            f"{long_date(pack.as_of)}), so there is no same-date comparison: the whole of "
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
        chart_image(charts.comparison_chart(panels, previous_label, current_label), WIDTH, 120 * mm)
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
            grid_style(font=True)
            + [
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                ("TOPPADDING", (0, 1), (-1, -1), 1.2),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 1.2),
            ]
        )
    )
    out.append(table)
    return out


def cold_spots_section(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
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
            grid_style(font=True)
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
    table.setStyle(TableStyle(grid_style(font=True) + [("ALIGN", (4, 1), (-1, -1), "RIGHT")]))
    out.append(table)
    if after:
        out.append(Paragraph(after, st["small"]))
    return out


def _pupils_on_roll(schools: Sequence[ColdSpotSchool], la: str | None) -> str:
    """The pupils on roll (schools list) at the engine's cold-spot schools of `la` (None: all)."""
    known = [s.pupils for s in schools if (la is None or s.local_authority == la) and s.pupils]
    return f"{sum(known):,}"


def returns_section(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
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
            f"As at {long_date(pack.as_of)} the current term is <b>{escape(term)}</b>. "
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
                short_date(p.last_return.date()) if p.last_return else "none",
                Paragraph(escape(p.last_term_returned or "none"), st["cell"]),
            ]
        )
    table = Table(rows, colWidths=[56 * mm, 26 * mm, 34 * mm, 26 * mm, 32 * mm], repeatRows=1)
    table.setStyle(TableStyle(grid_style(font=True) + style))
    out.append(table)
    return out


def methods_section(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
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
                Paragraph(inline_markup(m.definition), st["cell"]),
                Paragraph(escape(missing), st["cell"]),
            ]
        )
    table = Table(rows, colWidths=[40 * mm, 92 * mm, 42 * mm], repeatRows=1)
    table.setStyle(TableStyle(grid_style()))
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
