"""The board pack's look: A4 pages, fonts, styles, the running header and small helpers."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable
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
    Image,
)

from hubmetrics.reports.pack_figures import HUB_NAME

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
LAYOUT_LOCK = threading.Lock()


def register_fonts() -> None:
    """DejaVu (shipped with matplotlib): every character the definitions use, as in the charts.

    Called with LAYOUT_LOCK held, so that no pack is laid out with the family half registered.
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


def paragraph_styles() -> dict[str, ParagraphStyle]:
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


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def inline_markup(text: str) -> str:
    """Plain text for a Paragraph: escaped, with `code` set in the monospaced font."""
    return re.sub(r"`([^`]*)`", rf'<font name="{MONO}">\1</font>', escape(text))


class PageFrame:
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


# --- small helpers ---------------------------------------------------------------------------


def grid_style(*, font: bool = False) -> list[tuple[Any, ...]]:
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


def chart_image(png: bytes, width: float, max_height: float | None = None) -> Image:
    w, h = ImageReader(io.BytesIO(png)).getSize()
    height = width * h / w
    if max_height is not None and height > max_height:
        width, height = max_height * w / h, max_height
    return Image(io.BytesIO(png), width=width, height=height)


def as_float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None
