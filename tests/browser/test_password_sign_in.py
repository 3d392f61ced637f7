"""Signing in with a password in real Chromium: sign-in, lockout, sign-out, and what each role
is refused or shown (the demo data, with accounts added)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_server import Apps
from playwright.sync_api import Page, expect
from test_paths import metric_value, settle

from hubmetrics import store
from hubmetrics.people import accounts
from hubmetrics.people.access import local_operator

PASSWORD = "correct horse battery staple"
PEOPLE = {
    "viewer": ("trustee@hub.example", None),
    "partner": ("returns@rockschool.example", "ROCKSCHOOL-NN"),
    "staff": ("kim@hub.example", None),
    "admin": ("root@hub.example", None),
}
LAC = "Looked-after children taking part"
# SCH-CORBY's 2025/26 activities include two looked-after children (synthetic demo data).
SMALL_COUNT = "/reach?partner=SCH-CORBY"
NMPAT_RETURN = (
    "partner_id,activity_id,activity_name,activity_type,start_date,school_urn,age_band,participants\n"
    "NMPAT,BROWSER-9,Someone else's strings,wcet,2026-01-12,,ks2,30\n"
)


@pytest.fixture
def password_app(app_database: Path, apps: Apps) -> str:
    """The demo data with one account of each role, served with `HUBMETRICS_AUTH=password`."""
    con = store.connect(app_database)
    try:
        for role, (email, partner) in PEOPLE.items():
            accounts.add(con, email, role, partner, by=local_operator("setup"), password=PASSWORD)
    finally:
        con.close()
    return apps.start(app_database, env={"HUBMETRICS_AUTH": "password"})


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    settle(page)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    settle(page)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_password_sign_in_and_sign_out(page: Page, password_app: str, screenshot_dir: Path) -> None:
    page.goto(password_app)
    settle(page)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Demo data.")).to_have_count(0)  # nothing before signing in
    page.screenshot(path=screenshot_dir / "sign-in.png", full_page=True)
    sign_in(page, "Kim@Hub.example")
    expect(page.get_by_role("heading", name="How the hub is doing")).to_be_visible()
    expect(page.get_by_text("Signed in as kim@hub.example")).to_be_visible()
    page.screenshot(path=screenshot_dir / "signed-in-staff.png", full_page=True)
    sign_out(page)
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    expect(page.get_by_text("How the hub is doing")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "signed-out.png", full_page=True)


def test_five_wrong_passwords_hold_this_address_saying_nothing_more(
    page: Page, password_app: str, screenshot_dir: Path
) -> None:
    page.goto(password_app)
    settle(page)
    refused = page.get_by_text("That email address and password do not match an account.")
    for attempt in range(1, 6):
        sign_in(page, "kim@hub.example", f"wrong password {attempt}")
        expect(refused).to_be_visible()
    sign_in(page, "kim@hub.example")  # the right password, from the held address
    expect(refused).to_be_visible()
    expect(page.get_by_text(re.compile("locked|Too many"))).to_have_count(0)
    expect(page.get_by_role("heading", name="How the hub is doing")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "locked-out.png", full_page=True)


def test_a_partner_is_refused_another_partners_file_and_a_forbidden_address(
    page: Page, password_app: str, screenshot_dir: Path, tmp_path: Path
) -> None:
    # The admin page's address: sign in there, and the refusal is what opens.
    page.goto(f"{password_app}/admin")
    settle(page)
    sign_in(page, "returns@rockschool.example")
    expect(page.get_by_role("heading", name="Not available")).to_be_visible()
    expect(page.get_by_text("cannot use this page")).to_be_visible()
    page.screenshot(path=screenshot_dir / "partner-refused-admin.png", full_page=True)
    # The menu offers only the partner's pages.
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav.get_by_text("Upload", exact=True)).to_be_visible()
    for hidden in ("Admin", "Reports"):
        expect(nav.get_by_text(hidden, exact=True)).to_have_count(0)
    nav.get_by_text("Upload", exact=True).click()
    settle(page)
    expect(page.get_by_role("heading", name="Upload a file")).to_be_visible()
    other = tmp_path / "nmpat-return.csv"
    other.write_text(NMPAT_RETURN)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(other)
    settle(page)
    expect(page.get_by_text("nmpat-return.csv cannot be loaded: 1 problem")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Load .* row"))).to_have_count(0)
    page.screenshot(path=screenshot_dir / "partner-refused-other-file.png", full_page=True)


def test_a_viewer_sees_a_small_count_as_c(
    page: Page, password_app: str, screenshot_dir: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.goto(password_app + SMALL_COUNT)
    settle(page)
    sign_in(page, "trustee@hub.example")
    expect(page.get_by_role("heading", name="Reach", exact=True)).to_be_visible()
    assert metric_value(page, LAC) == "[c]"
    page.screenshot(path=screenshot_dir / "viewer-suppressed.png", full_page=True)
    sign_out(page)
    sign_in(page, "kim@hub.example")
    expect(page.get_by_role("heading", name="Reach", exact=True)).to_be_visible()
    assert metric_value(page, LAC) == "2"
