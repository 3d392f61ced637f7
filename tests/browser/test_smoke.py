"""The app opens in Chromium and shows what is loaded."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect


def test_app_opens_on_the_demo(page: Page, app_url: str, screenshot_dir: Path) -> None:
    page.goto(app_url)
    expect(page.get_by_text("Demo data.")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Batches", exact=True)).to_be_visible()
    page.screenshot(path=screenshot_dir / "data.png", full_page=True)
