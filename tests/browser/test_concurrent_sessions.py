"""Several people at once (Chromium): while one uploads a large return, others keep reading
pages; nobody sees an error, and afterwards everybody sees the new batch."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect
from test_paths import PAGES, metric_value, settle

ROWS = 30_000


def test_pages_keep_working_for_others_during_an_upload(
    browser: Browser, app_url: str, tmp_path: Path, screenshot_dir: Path
) -> None:
    readers = [browser.new_page(viewport={"width": 1400, "height": 1000}) for _ in range(3)]
    uploader = browser.new_page(viewport={"width": 1400, "height": 1000})
    first = readers[0]
    first.goto(f"{app_url}/data")
    settle(first)
    before = int(metric_value(first, "Batches").replace(",", ""))

    big = tmp_path / "big-return.csv"
    big.write_text(
        "partner_id,activity_id,activity_name,activity_type,start_date,school_urn,age_band,"
        "participants\n"
        + "".join(f"NMPAT,BIG-{i},Many sessions,wcet,2026-01-12,,ks2,1\n" for i in range(ROWS))
    )
    uploader.goto(f"{app_url}/upload")
    settle(uploader)
    uploader.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(big)
    expect(uploader.get_by_text("big-return.csv is clean")).to_be_visible(timeout=60_000)
    settle(uploader)
    uploader.get_by_role("button", name=re.compile("Load .* rows as a new batch")).click()

    # While the load runs, the others open page after page (each a different one).
    paths = list(PAGES)
    visits = 0
    loaded = uploader.get_by_text(re.compile("Loaded as batch"))
    while visits < len(readers) or not loaded.is_visible():
        reader = readers[visits % len(readers)]
        path = paths[visits % len(paths)]
        reader.goto(f"{app_url}/{path}")
        settle(reader)
        assert reader.locator('[data-testid="stException"]').count() == 0, path
        visits += 1
        assert visits < 60, "the upload did not finish"
    print(f"\n{visits} page visits by others from pressing Load until the batch was in")
    uploader.screenshot(path=screenshot_dir / "concurrent-upload.png", full_page=True)
    assert uploader.locator('[data-testid="stException"]').count() == 0

    # Every session sees the new batch now.
    for reader in readers:
        reader.goto(f"{app_url}/data")
        settle(reader)
        assert int(metric_value(reader, "Batches").replace(",", "")) == before + 1
