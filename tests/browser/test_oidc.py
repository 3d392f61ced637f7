"""The real OIDC flow in Chromium: Streamlit's st.login against an identity provider that the
test starts on loopback (oidc-provider-mock), with the app's [auth] settings pointing at it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_server import Apps
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import Page, expect
from test_paths import settle

from hubmetrics import store
from hubmetrics.people import accounts, audit
from hubmetrics.people.access import local_operator

STAFF = "kim@hub.example"
STRANGER = "stranger@elsewhere.example"
UNVERIFIED = "pat@hub.example"  # has an account, but the provider does not say it verified it


@pytest.fixture
def identity_provider() -> Iterator[str]:
    """An OpenID provider on a free loopback port; any client id and secret are accepted, and
    whoever "signs in" there gets the email they type as their subject. It vouches for the
    staff member's and the stranger's emails (`email_verified: true`), for nobody else's."""
    verified = [User(sub=e, claims={"email": e, "email_verified": True}) for e in (STAFF, STRANGER)]
    with run_server_in_thread(user_claims=verified) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc_app(app_database: Path, apps: Apps, identity_provider: str, tmp_path: Path) -> str:
    """The demo data with one staff account, served in `oidc` mode. The secrets file lives in
    the test's own folder (never in the project) and Streamlit is pointed at it."""
    con = store.connect(app_database)
    try:
        accounts.add(con, STAFF, "staff", by=local_operator("setup"))
        accounts.add(con, UNVERIFIED, "admin", by=local_operator("setup"))
    finally:
        con.close()
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(
        f"""
[hubmetrics]
auth = "oidc"

[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "hubmetrics-test"
client_secret = "{secrets.token_hex(16)}"
server_metadata_url = "{identity_provider}/.well-known/openid-configuration"
""",
        encoding="utf-8",
    )
    return apps.start(app_database, options=["--secrets.files", str(secrets_file)])


def sign_in_at_the_provider(page: Page, app: str, email: str) -> None:
    page.goto(app)
    settle(page)
    page.get_by_role("button", name="Sign in with your organisation account").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app}/**", timeout=30_000)
    settle(page)


def events(database: Path) -> list[tuple[str, str, str]]:
    con = store.connect(database)
    try:
        return [(e.who, e.action, e.outcome) for e in reversed(audit.events(con))]
    finally:
        con.close()


def test_oidc_sign_in_and_sign_out(
    page: Page, oidc_app: str, apps: Apps, app_database: Path, screenshot_dir: Path
) -> None:
    page.goto(oidc_app)
    settle(page)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Demo data.")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "oidc-sign-in.png", full_page=True)
    sign_in_at_the_provider(page, oidc_app, STAFF)
    expect(page.get_by_role("heading", name="How the hub is doing")).to_be_visible()
    expect(page.get_by_text(f"Signed in as {STAFF}")).to_be_visible()
    page.screenshot(path=screenshot_dir / "oidc-signed-in.png", full_page=True)
    # The identity cookie lasts: another address opens signed in.
    page.goto(f"{oidc_app}/upload")
    settle(page)
    expect(page.get_by_role("heading", name="Upload a file")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    # The provider asks to end its session too, then sends the browser back.
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{oidc_app}/**", timeout=30_000)
    settle(page)
    expect(
        page.get_by_role("button", name="Sign in with your organisation account")
    ).to_be_visible()
    page.goto(f"{oidc_app}/upload")
    settle(page)
    expect(page.get_by_role("heading", name="Upload a file")).to_have_count(0)
    apps.stop()  # the database is the app's until it stops
    happened = events(app_database)
    assert (STAFF, "sign_in", "ok") in happened and (STAFF, "sign_out", "ok") in happened


def test_someone_without_an_account_sees_only_the_no_access_page(
    page: Page, oidc_app: str, apps: Apps, app_database: Path, screenshot_dir: Path
) -> None:
    sign_in_at_the_provider(page, oidc_app, STRANGER)
    expect(page.get_by_role("heading", name="No access")).to_be_visible()
    expect(page.get_by_text(STRANGER)).to_be_visible()
    expect(page.get_by_text("Demo data.")).to_have_count(0)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    page.screenshot(path=screenshot_dir / "oidc-no-access.png", full_page=True)
    page.goto(f"{oidc_app}/data")
    settle(page)
    expect(page.get_by_role("heading", name="No access")).to_be_visible()
    apps.stop()
    assert (STRANGER, "no_access", "refused") in events(app_database)


def test_an_email_the_provider_does_not_say_it_verified_has_no_access(
    page: Page, oidc_app: str, apps: Apps, app_database: Path
) -> None:
    sign_in_at_the_provider(page, oidc_app, UNVERIFIED)
    expect(page.get_by_role("heading", name="No access")).to_be_visible()
    expect(page.get_by_text("does not say it has verified this address")).to_be_visible()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    apps.stop()
    assert (UNVERIFIED, "no_access", "refused") in events(app_database)
    assert (UNVERIFIED, "sign_in", "ok") not in events(app_database)
