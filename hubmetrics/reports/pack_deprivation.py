"""The board pack's reach by IMD decile: the whole hub's deciles, hidden as for any reader."""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from hubmetrics.disclosure.by_decile import decile_guard, decile_pieces, hide_deciles
from hubmetrics.disclosure.suppression import SUPPRESSED
from hubmetrics.metrics.deprivation import reach_by_decile
from hubmetrics.metrics.formatting import NO_DATA
from hubmetrics.metrics.reach_tables import (
    DECILE,
    DECILE_COLUMNS,
    DECILE_NOTE,
    by_decile,
    decile_rows_shown,
)
from hubmetrics.reports.pack_figures import Pack, show
from hubmetrics.reports.pack_layout import grid_style


def decile_rows(pack: Pack) -> list[dict[str, object]]:
    """The whole hub's table by decile as the pack may print it: small participations, and
    what would give them away by subtraction from the pack's and the pages' figures, `[c]`
    (disclosure/by_decile.py, with the protection of any reader)."""
    figures = pack.figures
    found = reach_by_decile(figures.con, pack.year)
    guard = decile_guard(decile_pieces(figures.con, pack.year), figures.guard())
    counts = {d.decile: d.participations for d in found}
    return decile_rows_shown(by_decile(found), hide_deciles(counts, guard, pack.threshold))


def deprivation_section(pack: Pack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = decile_rows(pack)
    out: list[Flowable] = [Paragraph("Reach by deprivation (IMD decile of the school)", st["h2"])]
    out.append(
        Paragraph(
            "Participations and state-funded schools engaged by the decile of the English "
            "Indices of Deprivation 2019 of the school where the activity took place: "
            "<b>1 is the most deprived tenth</b> of England's neighbourhoods, 10 the least. "
            "Each decile's share of participations is set against its share of the pupils "
            "of the area's state-funded schools; parity is the two shares equal.",
            st["body"],
        )
    )
    header = [DECILE, *DECILE_COLUMNS]
    body: list[list[Any]] = [[Paragraph(f"<b>{h}</b>", st["cell"]) for h in header]]
    for row in rows:
        body.append(
            [
                row[DECILE],
                show("participations", row["Participations"]),
                _percent(row["Share of participations"]),
                f"{row['Schools engaged']:,}",
                f"{row['State-funded schools']:,}",
                _percent(row["Share of the area's pupils"]),
            ]
        )
    table = Table(body, colWidths=[32 * mm, 26 * mm, 28 * mm, 24 * mm, 26 * mm, 30 * mm])
    table.setStyle(TableStyle(grid_style(font=True) + [("ALIGN", (1, 1), (-1, -1), "RIGHT")]))
    out.append(table)
    out.append(
        Paragraph(
            f"{DECILE_NOTE} A figure shown as {SUPPRESSED} is a small number, or hidden so "
            "that one cannot be worked out; schools and pupils are never hidden.",
            st["small"],
        )
    )
    return out


def _percent(value: object) -> str:
    if isinstance(value, str):
        return value
    return f"{value:.1f}%" if isinstance(value, int | float) else NO_DATA
