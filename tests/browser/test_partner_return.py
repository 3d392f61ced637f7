"""A partner's messy Excel return, in real Chromium: a title above its own headings, school
years for age bands, "n/a" for a blank; mapped, fixed, its last two cells corrected in the
grid, previewed and loaded, and the hub's totals moved by exactly its participants.

The workbook is synthetic (a fictional choir); the database is the demo's.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import openpyxl
from app_server import Apps
from playwright.sync_api import Locator, Page, expect
from test_paths import metric_value, settle

from hubmetrics import store
from hubmetrics.metrics.compute import compute_metrics

YEAR = "2025/26"
HEADINGS = [
    "Partner code",
    "Activity code",
    "Activity",
    "Type",
    "Date",
    "School URN",
    "Year group",
    "Kids",  # no synonym: the person maps it to participants
    "Sessions",
]
# The last two rows' "Kids" cannot be fixed: they are corrected by hand, to 12 and 9.
# 14 + 11 + 20 + 16 + 12 + 9 = 82 participants, all children.
PARTICIPANTS = 82


def messy_return(urn: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Spring return"
    sheet.append(["Kettering Community Choir (fictional): spring term return"])
    sheet.append(["Synthetic rows made up for hubmetrics' browser test"])
    sheet.append(HEADINGS)
    rows = [
        ["KCC-1", "Junior choir", "choir", date(2026, 1, 12), urn, "Year 3", 14, 10],
        ["KCC-2", "Junior choir (Tuesdays)", "choir", date(2026, 1, 13), urn, "Year 4", 11, "n/a"],
        ["KCC-3", "Reception singing", "singing", date(2026, 1, 14), urn, "Reception", 20, 6],
        ["KCC-4", "Year 6 choir", "choir", date(2026, 1, 15), urn, "Year 6", 16, 8],
        ["KCC-5", "Year 5 choir", "choir", date(2026, 1, 16), None, "Year 5", "twelve", 8],
        ["KCC-6", "Year 3 singing", "singing", date(2026, 1, 19), None, "Year 3", "lots", 8],
    ]
    for cells in rows:
        sheet.append(["NMPAT", *cells])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def hub_figures(database: Path) -> tuple[int, int, int]:
    """(children and young people's participations, schools engaged, a state-funded school
    with no activity this year), read before the app holds the file."""
    con = store.connect(database)
    try:
        figures = compute_metrics(con, YEAR)
        row = con.execute(
            "SELECT min(urn) FROM schools WHERE state_funded AND urn NOT IN (SELECT school_urn "
            "FROM activities WHERE academic_year = ? AND school_urn IS NOT NULL)",
            [YEAR],
        ).fetchone()
    finally:
        con.close()
    assert row is not None and row[0] is not None
    cyp, schools = figures["cyp_participations"].value, figures["schools_engaged"].value
    assert isinstance(cyp, int) and isinstance(schools, int)
    return cyp, schools, int(row[0])


def grid_cell(page: Page, grid: Locator, column: int, value: str) -> None:
    """Type `value` into the first row of the grid, `column` cells right of its first."""
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 20, box["y"] + 35 + 17)  # the first row's Line cell
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # opens the cell's editor on what it holds
    editor = page.locator('[data-testid="stDataFrameCellOverlay"] textarea, #portal textarea')
    editor.first.wait_for(timeout=10_000)
    editor.first.fill(value)
    page.keyboard.press("Enter")
    settle(page)


def test_a_messy_workbook_mapped_fixed_corrected_previewed_and_loaded(
    page: Page, app_database: Path, apps: Apps, screenshot_dir: Path, tmp_path: Path
) -> None:
    cyp_before, schools_before, urn = hub_figures(app_database)
    sent = tmp_path / "kettering-choir-spring.xlsx"
    sent.write_bytes(messy_return(urn))
    url = apps.start(app_database)
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.goto(f"{url}/upload")
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(sent)
    settle(page)
    expect(page.get_by_text("Read sheet 'Spring return'; headings on row 3.")).to_be_visible()

    # Map the heading no synonym knows.
    page.get_by_label("'Kids' (unknown)").click()
    page.keyboard.type("participants")  # the list is long: typing narrows it
    page.get_by_role("option", name="participants", exact=True).click()
    settle(page)
    page.screenshot(path=screenshot_dir / "partner-return-1-mapped.png", full_page=True)

    # The fixes offered: school years to age bands, and "n/a" for a blank.
    expect(page.get_by_text(re.compile(r"2 fixes offered"))).to_be_visible()
    page.screenshot(path=screenshot_dir / "partner-return-2-fixes.png", full_page=True)
    page.get_by_role("button", name="Accept all 2 fixes").click()
    settle(page)
    expect(page.get_by_text(re.compile("cannot be loaded: 2 problems"))).to_be_visible()

    # The last two rows' counts, by hand in the grid.
    expect(page.get_by_text(re.compile("Correct the 2 rows still in trouble"))).to_be_visible()
    page.screenshot(path=screenshot_dir / "partner-return-3-grid.png", full_page=True)
    kids_column = 2 + HEADINGS.index("Kids")  # after Line and What is wrong
    grid_cell(page, grid(page), kids_column, "12")
    expect(page.get_by_text(re.compile("cannot be loaded: 1 problem"))).to_be_visible()
    grid_cell(page, grid(page), kids_column, "9")

    # Clean: what loading will change, then load.
    expect(page.get_by_text(re.compile("kettering-choir-spring.xlsx is clean"))).to_be_visible()
    expect(page.get_by_text("What loading it will change")).to_be_visible()
    assert metric_value(page, "New rows") == "6"
    page.screenshot(path=screenshot_dir / "partner-return-4-preview.png", full_page=True)
    page.get_by_role("button", name=re.compile("Load 6 rows")).click()
    settle(page)
    expect(page.get_by_text(re.compile(r"Loaded as batch \d+: 6 rows"))).to_be_visible()
    page.screenshot(path=screenshot_dir / "partner-return-5-loaded.png", full_page=True)

    page.goto(f"{url}/")
    settle(page)
    cyp_after = int(metric_value(page, "Children and young people").replace(",", ""))
    assert cyp_after == cyp_before + PARTICIPANTS
    apps.stop()
    con = store.connect(app_database)
    try:
        stored = con.execute(
            "SELECT activity_id, age_band, participants, sessions FROM activities "
            "WHERE activity_id LIKE 'KCC-%' ORDER BY 1"
        ).fetchall()
        engaged = compute_metrics(con, YEAR)["schools_engaged"].value
        (batch_id,) = con.execute("SELECT max(batch_id) FROM batch").fetchone() or (None,)
        corrected = con.execute(
            "SELECT line, column_name, before, after, how FROM batch_correction "
            "WHERE batch_id = ? ORDER BY seq",
            [batch_id],
        ).fetchall()
    finally:
        con.close()
    assert stored == [
        ("KCC-1", "ks2", 14, 10),
        ("KCC-2", "ks2", 11, None),
        ("KCC-3", "early_years", 20, 6),
        ("KCC-4", "ks2", 16, 8),
        ("KCC-5", "ks2", 12, 8),
        ("KCC-6", "ks2", 9, 8),
    ]
    assert engaged == schools_before + 1
    by_hand = [c for c in corrected if c[4] == "Corrected by hand"]
    assert by_hand == [
        (8, "participants", "twelve", "12", "Corrected by hand"),
        (9, "participants", "lots", "9", "Corrected by hand"),
    ]
    assert len(corrected) == 6 + 1 + 2  # six age bands, one "n/a", two by hand


def grid(page: Page) -> Locator:
    """The editable grid of the rows in trouble."""
    return page.locator('.st-key-upload_grid [data-testid="stDataFrame"]')
