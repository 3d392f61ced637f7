"""What leaves a page in Chromium: no table by Streamlit's own download, no name from the data
as a working link, no traceback to a person (issue 18, items 2, 7 and 8)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from app_server import running_app
from names_fixture import EVIL, LINK_LA, LINK_PARTNERS, MARKDOWN_LA, build_names
from playwright.sync_api import Page, expect
from test_paths import settle

from hubmetrics.disclosure.inert import WORD_JOINER

# Every link to the evil address, in the page's HTML or in a chart's SVG (xlink:href).
LINKS = f"""() => [...document.querySelectorAll("a")].filter(a => (
    (a.getAttribute("href") || "") + (a.getAttribute("xlink:href") || "")
    + (a.getAttributeNS("http://www.w3.org/1999/xlink", "href") || "")
).includes("{EVIL}")).length"""


@pytest.fixture
def names_url(tmp_path: Path) -> Iterator[str]:
    database = tmp_path / "hub.duckdb"
    build_names(database)
    with running_app(database, tmp_path / "streamlit.log") as (_, url):
        yield url


def unseen_apart(text: str) -> str:
    """The text as a person reads it: the word joiner kept inside an address is not seen."""
    return text.replace(WORD_JOINER, "")


def no_built_in_download(page: Page, where: str) -> int:
    """Hover each table in sight (not in a closed expander): its toolbar is there (search,
    full screen), with no download in it. Returns how many tables were hovered."""
    frames = page.locator('[data-testid="stDataFrame"]')
    hovered = 0
    for i in range(frames.count()):
        frame = frames.nth(i)
        if not frame.is_visible():
            continue
        frame.scroll_into_view_if_needed()
        frame.hover()
        toolbar = frame.locator('[data-testid="stElementToolbar"]')
        expect(toolbar.get_by_role("button", name="Search")).to_be_visible()
        assert toolbar.get_by_role("button", name="Download as CSV").count() == 0, where
        hovered += 1
    return hovered


def test_names_like_links_are_text_and_tables_have_no_download_of_their_own(
    page: Page, names_url: str, screenshot_dir: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 3000})
    visits = ["partners", f"reach?la={quote(LINK_LA)}", f"reach?la={quote(MARKDOWN_LA)}"]
    visits += ["reach", "schools", "data"]
    tables = 0
    for path in visits:
        page.goto(f"{names_url}/{path}")
        settle(page)
        assert page.evaluate(LINKS) == 0, path
        assert page.locator('[data-testid="stException"]').count() == 0, path
        tables += no_built_in_download(page, path)
    assert tables >= 6

    # The names are on the pages, as written.
    page.goto(f"{names_url}/reach?la={quote(LINK_LA)}")
    settle(page)
    caption = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="Showing")
    assert unseen_apart(caption.first.inner_text()) == f"Showing 2025/26 · {LINK_LA}"
    page.goto(f"{names_url}/partners")
    settle(page)
    missing = page.locator('[data-testid="stAlertContentWarning"]').filter(
        has_text="Missing returns"
    )
    shown = unseen_apart(missing.inner_text())
    assert all(name in shown for name in LINK_PARTNERS.values())
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator(".ytick text").filter(has_text="partner A")).to_have_count(1)
    assert page.evaluate(LINKS) == 0
    page.screenshot(path=screenshot_dir / "names-as-text-partners.png", full_page=True)


def test_a_server_started_with_streamlits_table_download_on_shows_none(
    page: Page, app_database: Path, tmp_path: Path
) -> None:
    options = ["--client.disableDataExport", "false"]  # the app turns it off again
    with running_app(app_database, tmp_path / "streamlit.log", options=options) as (_, url):
        page.set_viewport_size({"width": 1400, "height": 3000})
        for path in ("reach", "data"):
            page.goto(f"{url}/{path}")
            settle(page)
            # The first run draws nothing once it has turned the setting off: it runs again.
            page.locator('[data-testid="stDataFrame"]').locator("visible=true").first.wait_for()
            settle(page)
            assert no_built_in_download(page, path) > 0, path


def test_an_error_shows_a_plain_message_and_the_details_go_to_the_log(
    page: Page, app_database: Path, tmp_path: Path
) -> None:
    """A memory size DuckDB cannot read fails the app's first run: a cheap error to cause."""
    log = tmp_path / "streamlit.log"
    env = {"HUBMETRICS_APP_MEMORY": "plenty"}
    with running_app(app_database, log, env=env) as (_, url):
        page.goto(url)
        box = page.locator('[data-testid="stException"]')
        expect(box).to_be_visible(timeout=60_000)
        text = box.inner_text()
        assert "This app has encountered an error" in text
        for detail in ("plenty", "Traceback", "StoreError", 'File "', "hubmetrics"):
            assert detail not in text, detail
        assert page.get_by_text("Traceback").count() == 0
    assert "HUBMETRICS_APP_MEMORY='plenty' is not a memory size" in log.read_text()
