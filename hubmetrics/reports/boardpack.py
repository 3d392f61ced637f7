"""The trustees' board pack: an A4 PDF of goals, reach, schools and returns, small counts hidden.

The public interface; the figures (pack_figures), the look (pack_layout) and the pages
(pack_goals, pack_deprivation, pack_schools) are the machinery behind it.
"""

from __future__ import annotations

import io
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    SimpleDocTemplate,
)

from hubmetrics import store
from hubmetrics.metrics.goals import Goals, load_goals
from hubmetrics.reports.pack_deprivation import deprivation_section
from hubmetrics.reports.pack_figures import (
    HUB_NAME,
    STATUS_WORDS,
    TITLE,
    BoardPackError,
    Pack,
    gather,
)
from hubmetrics.reports.pack_goals import cover_section, reach_section, scorecard_section
from hubmetrics.reports.pack_layout import (
    BOTTOM,
    LAYOUT_LOCK,
    MARGIN,
    TOP,
    PageFrame,
    long_date,
    paragraph_styles,
    register_fonts,
)
from hubmetrics.reports.pack_schools import (
    cold_spots_section,
    comparison_section,
    methods_section,
    returns_section,
    schools_section,
)

__all__ = ["HUB_NAME", "STATUS_WORDS", "BoardPackError", "build_story", "write_board_pack"]


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
        goals = load_goals()
    out = io.BytesIO()
    # Its own cursor (the app shares one connection between threads); the sections ask the
    # engine for their breakdowns while they are laid out.
    with con.cursor() as cur, LAYOUT_LOCK:
        pack = gather(cur, year, goals, as_of or store.as_of(cur))
        story = build_story(pack)
        footer = f"Figures as at {long_date(pack.as_of)}"
        if pack.demo:
            footer += " · SYNTHETIC DEMO DATA, not the hub's figures"
        pages = PageFrame(f"{TITLE} {pack.year}", footer)
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
    register_fonts()
    st = paragraph_styles()
    story: list[Flowable] = []
    story += cover_section(pack, st)
    story.append(PageBreak())
    story += scorecard_section(pack, st)
    story.append(PageBreak())
    story += reach_section(pack, st)
    story.append(CondPageBreak(95 * mm))
    story += deprivation_section(pack, st)
    story.append(PageBreak())
    story += comparison_section(pack, st)
    story.append(PageBreak())
    story += schools_section(pack, st)
    story.append(CondPageBreak(75 * mm))
    story += cold_spots_section(pack, st)
    story.append(PageBreak())
    story += returns_section(pack, st)
    story.append(PageBreak())
    story += methods_section(pack, st)
    return story
