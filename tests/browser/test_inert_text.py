"""Uploaded text is inert everywhere: names like HTML, script and markdown are shown as text
and never run; names like formulas stay text in every download (Chromium)."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from app_server import running_app
from hostile_fixture import (
    FORMULA_NAMES,
    HOSTILE_LA,
    HTML_NAMES,
    NO_SPRING_RETURN,
    build_hostile,
)
from playwright.sync_api import Page, expect
from test_paths import PAGES, settle

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile_url(tmp_path: Path) -> Iterator[str]:
    database = tmp_path / "hub.duckdb"
    build_hostile(database)
    with running_app(database, tmp_path / "streamlit.log") as (_, url):
        yield url


def nothing_ran(page: Page, dialogs: list[str], where: str) -> None:
    assert page.evaluate("() => window.__xss") is None, where
    assert dialogs == [], where
    assert page.locator('[data-testid="stException"]').count() == 0, where


def check_csv(text: str, where: str) -> set[str]:
    """No cell of a download would run as a formula; return every cell."""
    cells = set()
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")):
        for cell in row:
            cells.add(cell)
            if cell.startswith(FORMULA_START):
                float(cell)  # only a number may start like a formula (e.g. -0.5)
    assert cells, where
    return cells


def test_hostile_names_are_shown_as_text_and_nothing_runs(
    page: Page, hostile_url: str, screenshot_dir: Path, tmp_path: Path
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_viewport_size({"width": 1400, "height": 3000})
    downloaded: set[str] = set()
    visits = [*PAGES, "reports"]
    visits += ["partners?partner=XSS-MD", f"reach?la={quote(HOSTILE_LA)}"]
    for path in visits:
        page.goto(f"{hostile_url}/{path}")
        settle(page)
        nothing_ran(page, dialogs, path)
        name = re.sub(r"\W+", "-", path) or "overview"
        page.screenshot(path=screenshot_dir / f"inert-{name}.png", full_page=True)
        # Every table's download on the page.
        buttons = page.get_by_role("button", name=re.compile("Download this table"))
        for i in range(buttons.count()):
            with page.expect_download() as download:
                buttons.nth(i).click()
            saved = tmp_path / f"{name}-{i}.csv"
            download.value.save_as(saved)
            downloaded |= check_csv(saved.read_text(encoding="utf-8"), f"{path} table {i}")
        nothing_ran(page, dialogs, path)

    # The names were in the downloads, as text a spreadsheet shows as written.
    for formula in FORMULA_NAMES.values():
        assert "'" + formula in downloaded, formula
    for html in HTML_NAMES.values():
        assert html in downloaded, html

    # On the Partners page the partners with no spring return are named in the page's text,
    # as written: not a tag, not a link, not bold.
    page.goto(f"{hostile_url}/partners")
    settle(page)
    warning = page.locator('[data-testid="stAlertContentWarning"]').filter(
        has_text="Missing returns"
    )
    for pid in NO_SPRING_RETURN:
        expect(warning).to_contain_text(HTML_NAMES[pid])
    assert warning.locator("img, a, script, svg, strong strong, .katex").count() == 0
    nothing_ran(page, dialogs, "partners")
    # On the Batches page, the file name (sent named like a tag) is the download's label.
    page.goto(f"{hostile_url}/data")
    settle(page)
    expect(
        page.get_by_role("button", name=f"Download the original file ({HTML_NAMES['XSS-SVG']}.csv)")
    ).to_be_visible()
    nothing_ran(page, dialogs, "data")


def test_every_report_keeps_formula_names_as_text(
    page: Page, hostile_url: str, tmp_path: Path, screenshot_dir: Path
) -> None:
    page.goto(f"{hostile_url}/reports")
    settle(page)
    files = {}
    for noun, suffix in (("workbook", "xlsx"), ("board pack", "pdf")):
        page.get_by_role("button", name=f"Prepare the {noun}").click()
        settle(page)
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name=f"Download the {noun}").click()
        files[suffix] = tmp_path / f"report.{suffix}"
        download.value.save_as(files[suffix])
    page.screenshot(path=screenshot_dir / "inert-reports.png", full_page=True)
    assert page.evaluate("() => window.__xss") is None

    book = openpyxl.load_workbook(files["xlsx"])
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                    assert not cell.value.startswith(FORMULA_START), cell.value
    for formula in FORMULA_NAMES.values():
        assert "'" + formula in texts, formula

    text = subprocess.run(
        ["pdftotext", str(files["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", " ", text)
    for name in ("+cmd|' /C calc'!A0", "@SUM(1+1)", "<script>window.__xss", "<img src=x"):
        assert name in flat, name
