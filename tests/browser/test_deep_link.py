"""A deep link as the first request after a restart opens its page through dashboard.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_paths import settle

# A pages/ folder beside dashboard.py would make Streamlit run the page file alone (its old
# multipage mode) until someone opened "/": no banner, no sidebar, and a refusal instead.
ON_ITS_OWN = ("Open the dashboard through its address", "Open the app through dashboard.py")


@pytest.mark.parametrize(
    ("link", "title", "year_chooser"),
    [("reach?year=2024/25", "Reach", True), ("data", "Batches", False)],
)
def test_a_cold_deep_link_runs_the_entry_script(
    page: Page, app_url: str, screenshot_dir: Path, link: str, title: str, year_chooser: bool
) -> None:
    page.goto(f"{app_url}/{link}")  # the server's first session: nobody has opened "/"
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    for text in ON_ITS_OWN:
        expect(page.get_by_text(text)).to_have_count(0)
    expect(page.get_by_role("heading", name=title).first).to_be_visible()
    expect(page.get_by_text("Demo data.")).to_be_visible()  # only dashboard.py draws these
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Overview")).to_be_visible()
    if year_chooser:
        expect(page.get_by_label("Academic year")).to_be_visible()
        expect(page.get_by_text("Showing 2024/25")).to_be_visible()
    name = link.split("?")[0]
    page.screenshot(path=screenshot_dir / f"cold-deep-link-{name}.png", full_page=True)
