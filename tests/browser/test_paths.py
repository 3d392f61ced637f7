"""The paths a person takes, in real Chromium: every page, filters, uploads, downloads."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect

PAGES = {
    "": "How the hub is doing",  # the Overview is the default page, at the root
    "goals": "Goal detail",
    "reach": "Reach",
    "schools": "Schools",
    "progression": "Progression",
    "partners": "Partners",
    "upload": "Upload a file",
    "data": "Batches",
    "methods": "Methods",
}

GOOD_RETURN = (
    "partner_id,activity_id,activity_name,activity_type,start_date,school_urn,age_band,participants\n"
    "NMPAT,BROWSER-1,Browser test strings,wcet,2026-01-12,,ks2,5000\n"
)
BAD_RETURN = (
    "partner_id,activity_id,activity_name,activity_type,start_date,age_band,participants\n"
    "NMPAT,BAD-1,Broken row,wcte,31/02/2026,ks2,-4\n"
)


def settle(page: Page) -> None:
    """Wait until the app has finished its script run (idle twice, a moment apart)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    idle = "() => !document.querySelector('[data-testid=\"stStatusWidget\"] button')"
    for _ in range(2):
        page.wait_for_timeout(700)
        page.wait_for_function(idle, timeout=60_000)
    expect(page.get_by_text("Page not found")).to_have_count(0)


def metric_value(page: Page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def batches(page: Page, app_url: str) -> int:
    """The number of loaded batches, as the Batches page shows it (the app holds the file)."""
    page.goto(f"{app_url}/data")
    settle(page)
    return int(metric_value(page, "Batches").replace(",", ""))


def test_walk_every_page(page: Page, app_url: str, screenshot_dir: Path) -> None:
    # Streamlit scrolls inside its own container, so a tall window shows a whole page.
    page.set_viewport_size({"width": 1400, "height": 3600})
    for path, title in PAGES.items():
        page.goto(f"{app_url}/{path}")
        settle(page)
        expect(page.get_by_role("heading", name=title).first).to_be_visible()
        expect(page.get_by_text("Demo data.")).to_be_visible()
        assert page.locator('[data-testid="stException"]').count() == 0, path
        page.screenshot(path=screenshot_dir / f"page-{path or 'overview'}.png", full_page=True)


def test_a_deep_link_opens_its_own_view(page: Page, app_url: str, screenshot_dir: Path) -> None:
    page.goto(f"{app_url}/?year=2024/25&la=Rutland")
    settle(page)
    expect(page.get_by_text("Showing 2024/25 · Rutland")).to_be_visible()
    page.screenshot(path=screenshot_dir / "deep-link.png", full_page=True)


def test_changing_year_and_filter_changes_the_figures(
    page: Page, app_url: str, screenshot_dir: Path
) -> None:
    page.goto(f"{app_url}/")
    settle(page)
    before = metric_value(page, "Children and young people")
    page.get_by_label("Academic year").click()  # opens the year list
    page.get_by_role("option", name="2023/24").click()
    settle(page)
    expect(page.get_by_text("Showing 2023/24")).to_be_visible()
    assert re.search(r"year=2023%2F24|year=2023/24", page.url)
    earlier = metric_value(page, "Children and young people")
    assert earlier != before
    page.get_by_label("Local authority").click()
    page.get_by_role("option", name="Rutland").click()
    settle(page)
    assert metric_value(page, "Children and young people") != earlier
    page.screenshot(path=screenshot_dir / "filtered.png", full_page=True)


def test_follow_a_cohort_on_the_progression_page(
    page: Page, app_url: str, screenshot_dir: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.goto(f"{app_url}/progression?year=2025/26")
    settle(page)
    expect(page.get_by_role("heading", name="Pathways from whole-class teaching")).to_be_visible()
    children = int(metric_value(page, "Individual children and young people").replace(",", ""))
    assert children > 5_000
    # The Sankey draws the 2023/24 cohort over three years: whole-class teaching, then more.
    nodes = page.locator(".sankey .sankey-node")
    expect(nodes.first).to_be_visible()
    labels = nodes.evaluate_all("els => els.map(e => e.textContent)")
    assert any("Whole-class teaching · 2023/24" in t for t in labels)
    assert any("Advanced · 2025/26" in t for t in labels)
    page.screenshot(path=screenshot_dir / "progression.png", full_page=True)
    page.get_by_label("Cohort").click()
    page.get_by_role("option", name="First seen in 2024/25").click()
    settle(page)
    labels = page.locator(".sankey .sankey-node").evaluate_all("els => els.map(e => e.textContent)")
    assert any("Whole-class teaching · 2024/25" in t for t in labels)
    assert not any("2023/24" in t for t in labels)
    page.screenshot(path=screenshot_dir / "progression-2024-25.png", full_page=True)


def test_upload_a_valid_file_and_see_the_totals_move(
    page: Page, app_url: str, screenshot_dir: Path, tmp_path: Path
) -> None:
    count = batches(page, app_url)
    page.goto(f"{app_url}/")
    settle(page)
    before = metric_value(page, "Children and young people")
    page.goto(f"{app_url}/upload")
    settle(page)
    return_file = tmp_path / "nmpat-spring.csv"
    return_file.write_text(GOOD_RETURN)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(return_file)
    settle(page)
    expect(page.get_by_text("nmpat-spring.csv is clean")).to_be_visible()
    page.get_by_role("button", name=re.compile("Load 1 row")).click()
    settle(page)
    expect(page.get_by_text(re.compile("Loaded as batch"))).to_be_visible()
    page.screenshot(path=screenshot_dir / "upload-good.png", full_page=True)
    assert batches(page, app_url) == count + 1
    page.goto(f"{app_url}/")
    settle(page)
    after = metric_value(page, "Children and young people")
    assert int(after.replace(",", "")) == int(before.replace(",", "")) + 5000


def test_upload_a_bad_file_lists_problems_and_saves_nothing(
    page: Page, app_url: str, screenshot_dir: Path, tmp_path: Path
) -> None:
    count = batches(page, app_url)
    page.goto(f"{app_url}/upload")
    settle(page)
    bad = tmp_path / "bad-return.csv"
    bad.write_text(BAD_RETURN)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(bad)
    settle(page)
    expect(page.get_by_text("cannot be loaded: 3 problems")).to_be_visible()
    page.screenshot(path=screenshot_dir / "upload-bad.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the problem list (CSV)").click()
    saved = tmp_path / "problems.csv"
    download.value.save_as(saved)
    text = saved.read_text()
    assert "activity_type" in text and "start_date" in text and "participants" in text
    assert page.get_by_role("button", name=re.compile("Load .* row")).count() == 0
    assert batches(page, app_url) == count


def test_download_a_template(
    page: Page, app_url: str, tmp_path: Path, screenshot_dir: Path
) -> None:
    page.goto(f"{app_url}/upload")
    settle(page)
    page.get_by_text("Templates: an Excel workbook for each file").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Activities (CSV)").click()
    saved = tmp_path / "template.csv"
    download.value.save_as(saved)
    assert saved.read_text().startswith("partner_id,activity_id,activity_name")
    with page.expect_download() as download:
        page.get_by_role("button", name="Activities (Excel)").click()
    workbook = tmp_path / "template.xlsx"
    download.value.save_as(workbook)
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["Return", "Lists", "Notes"]
    headings = [c.value for c in book["Return"][1]]
    assert headings[:3] == ["partner_id", "activity_id", "activity_name"]
    lists = [v for v in book["Return"].data_validations.dataValidation if v.type == "list"]
    assert any("D2" in str(v.sqref) for v in lists)  # activity_type has a drop-down
    page.screenshot(path=screenshot_dir / "templates.png", full_page=True)
