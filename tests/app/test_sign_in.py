"""Sign-in modes in the app: password sign-in, lockout, sign-out and idle time; `none` only
where it is safe; the admin page."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from access_helpers import (
    PASSWORD,
    PEOPLE,
    ROOT,
    add_people,
    open_address,
    serve_on,
    signed_in_as,
    texts,
    trail,
)
from page_helpers import table
from streamlit.testing.v1 import AppTest

from hubmetrics import config, store
from hubmetrics.app.auth import LAST_SEEN_KEY
from hubmetrics.people import accounts


@pytest.fixture
def password_app(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    add_people(app_db)
    monkeypatch.setenv("HUBMETRICS_AUTH", "password")
    return app_db


def dashboard() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()  # the form's only button
    assert not at.exception, at.exception
    return at


def test_password_sign_in_and_sign_out(password_app: Path) -> None:
    at = dashboard()
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.metric and not at.dataframe
    sign_in(at, "Kim@Hub.example", PASSWORD)
    assert at.title[0].value == "How the hub is doing"
    assert "Signed in as **kim@hub.example** · Hub staff" in texts(at)
    # The password is not kept in the session once the form is sent.
    assert PASSWORD not in repr(at.session_state.to_dict())
    at.button(key="sign_out").click().run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert "You are signed out." in texts(at)
    assert [e[1] for e in trail(password_app)[-2:]] == ["sign_in", "sign_out"]


def test_a_deep_link_opens_after_signing_in(password_app: Path) -> None:
    at = dashboard()
    open_address(at, "reach")
    assert [t.value for t in at.title] == ["Sign in"]
    sign_in(at, PEOPLE["staff"], PASSWORD)
    assert at.title[0].value == "Reach"


def test_a_wrong_password_says_so_without_saying_which(password_app: Path) -> None:
    at = sign_in(dashboard(), PEOPLE["staff"], "not the password")
    wrong = at.error[0].value
    assert [t.value for t in at.title] == ["Sign in"] and not at.metric
    at = sign_in(at, "nobody@hub.example", PASSWORD)
    assert at.error[0].value == wrong == "That email address and password do not match an account."


def test_five_wrong_passwords_hold_this_address_and_say_nothing_more(password_app: Path) -> None:
    at = dashboard()
    for _ in range(5):
        sign_in(at, PEOPLE["viewer"], "a wrong password")
    assert at.error[0].value == "That email address and password do not match an account."
    sign_in(at, PEOPLE["viewer"], PASSWORD)  # the right one, while this address is held
    assert at.error[0].value == "That email address and password do not match an account."
    assert not at.metric
    con = store.connect(password_app)
    account = accounts.find(con, PEOPLE["viewer"])
    con.close()
    assert account is not None and not account.locked()  # the account itself is never locked


def test_an_idle_session_ends(password_app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBMETRICS_IDLE_MINUTES", "5")
    at = sign_in(dashboard(), PEOPLE["staff"], PASSWORD)
    assert at.title[0].value == "How the hub is doing"
    at.session_state[LAST_SEEN_KEY] = time.monotonic() - 4 * 60  # four minutes ago: still in
    at.run()
    assert at.title[0].value == "How the hub is doing"
    at.session_state[LAST_SEEN_KEY] = time.monotonic() - 6 * 60
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert "signed out after 5 minutes without activity" in texts(at)
    assert trail(password_app)[-1][:4] == (
        PEOPLE["staff"],
        "sign_out",
        "ok",
        "signed out after being idle",
    )


def test_a_removed_account_is_signed_out_at_the_next_click(password_app: Path) -> None:
    at = sign_in(dashboard(), PEOPLE["staff"], PASSWORD)
    con = store.connect(password_app)
    accounts.remove(con, PEOPLE["staff"], by="test")
    con.close()
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert "no longer on the dashboard" in texts(at)


def test_with_no_accounts_the_sign_in_page_says_how_to_add_one(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUBMETRICS_AUTH", "password")
    at = dashboard()
    assert "hubmetrics users add EMAIL --role admin" in texts(at)


# --- none mode: only for the demo data or a loopback address --------------------------------


@pytest.mark.parametrize("address", ["", "0.0.0.0", "192.168.1.20"])
def test_real_data_on_an_open_address_shows_nothing(
    app_db: Path, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    serve_on(monkeypatch, address)
    at = dashboard()
    assert [t.value for t in at.title] == ["Sign-in needs setting up"]
    assert not at.metric and not at.dataframe and not at.selectbox
    assert "HUBMETRICS_AUTH=password" in texts(at)
    assert [t.value for t in open_address(at, "upload").title] == ["Sign-in needs setting up"]


def test_the_demo_data_opens_without_sign_in_anywhere(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = store.connect(app_db)
    with store.write_transaction(con) as cur:
        cur.execute("INSERT INTO hub_setting VALUES ('is_demo', 'true')")
    con.close()
    serve_on(monkeypatch, "")
    at = dashboard()
    assert at.title[0].value == "How the hub is doing"
    assert "No sign-in: local use, with an administrator's rights." in texts(at)


def test_a_misconfigured_mode_says_so(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBMETRICS_AUTH", "ldap")
    at = dashboard()
    assert [t.value for t in at.title] == ["Sign-in is misconfigured"]
    assert "oidc, password, none" in at.error[0].value
    assert not at.metric


def test_the_secrets_file_sets_the_mode(app_db: Path) -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets["hubmetrics"] = {"auth": "password"}
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]


# --- the admin page --------------------------------------------------------------------------


@pytest.fixture
def goals_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the goals file, so replacing it leaves the project's alone."""
    path = tmp_path / "goals.toml"
    shutil.copy(config.DEFAULT_GOALS, path)
    monkeypatch.setenv("HUBMETRICS_GOALS", str(path))
    return path


def test_an_admin_adds_changes_and_removes_accounts(password_app: Path, goals_copy: Path) -> None:
    at = open_address(sign_in(dashboard(), PEOPLE["admin"], PASSWORD), "admin")
    assert at.title[0].value == "Admin"
    assert set(table(at, "Email")["Email"]) == set(PEOPLE.values())
    at.text_input(key="admin_add_email").input("New@Hub.example")
    at.selectbox(key="admin_add_role").select("partner")
    at.selectbox(key="admin_add_partner").select("NMPAT")
    at.text_input(key="admin_add_password").input("a long enough password")
    next(b for b in at.button if b.label == "Add").click().run()
    assert "Added new@hub.example." in at.success[0].value
    at.selectbox(key="admin_change_email").select("new@hub.example")
    at.selectbox(key="admin_change_role").select("staff")
    next(b for b in at.button if b.label == "Change").click().run()
    assert "new@hub.example is now hub staff." in at.success[0].value
    at.selectbox(key="admin_remove_email").select("new@hub.example")
    at.checkbox(key="admin_remove_sure").check()
    next(b for b in at.button if b.label == "Remove").click().run()
    assert "Removed new@hub.example." in at.success[0].value
    assert [e[1] for e in trail(password_app)[-3:]] == [
        "user_added",
        "user_changed",
        "user_removed",
    ]
    assert all(e[0] == PEOPLE["admin"] for e in trail(password_app)[-3:])


def test_the_admin_page_refuses_what_would_lock_the_hub_out(
    password_app: Path, goals_copy: Path
) -> None:
    at = open_address(sign_in(dashboard(), PEOPLE["admin"], PASSWORD), "admin")
    at.selectbox(key="admin_remove_email").select(PEOPLE["admin"])
    at.checkbox(key="admin_remove_sure").check()
    next(b for b in at.button if b.label == "Remove").click().run()
    assert "cannot remove your own account" in at.error[0].value
    at.selectbox(key="admin_change_email").select(PEOPLE["admin"])
    at.selectbox(key="admin_change_role").select("viewer")
    next(b for b in at.button if b.label == "Change").click().run()
    assert "only administrator" in at.error[0].value
    at.text_input(key="admin_add_email").input("x@hub.example")
    at.selectbox(key="admin_add_role").select("partner")
    next(b for b in at.button if b.label == "Add").click().run()
    assert "needs its partner" in at.error[0].value


def test_an_admin_sets_a_password(password_app: Path, goals_copy: Path) -> None:
    at = open_address(sign_in(dashboard(), PEOPLE["admin"], PASSWORD), "admin")
    at.selectbox(key="admin_password_email").select(PEOPLE["viewer"])
    at.text_input(key="admin_password_1").input("the viewer's new passphrase")
    at.text_input(key="admin_password_2").input("the viewer's new passphrase")
    next(b for b in at.button if b.label == "Set password").click().run()
    assert f"Password set for {PEOPLE['viewer']}." in at.success[0].value
    con = store.connect(password_app)
    assert accounts.sign_in(con, PEOPLE["viewer"], "the viewer's new passphrase").outcome == "ok"
    con.close()


def test_the_audit_trail_reads_and_downloads(password_app: Path, goals_copy: Path) -> None:
    at = open_address(sign_in(dashboard(), PEOPLE["admin"], PASSWORD), "admin")
    events = table(at, "Action")
    assert list(events["Action"][:1]) == ["Signed in"]
    assert set(events["Action"]) >= {"Account added", "Signed in"}
    at.selectbox(key="admin_trail_action").select("user_added").run()
    assert set(table(at, "Action")["Action"]) == {"Account added"}
    download = next(b for b in at.get("download_button") if b.key == "admin_trail_download")
    assert download.label == "Download these 4 events (CSV)"
    download.click().run()
    assert trail(password_app)[-1] == (PEOPLE["admin"], "export", "ok", "audit trail")
    # Nothing on the page edits or deletes an event.
    assert not [b for b in at.button if "delete" in b.label.lower() or "edit" in b.label.lower()]


def test_an_admin_replaces_the_goals_file_only_with_a_good_one(
    password_app: Path, goals_copy: Path
) -> None:
    at = open_address(sign_in(dashboard(), PEOPLE["admin"], PASSWORD), "admin")
    good = goals_copy.read_text(encoding="utf-8")
    at.file_uploader(key="admin_goals_file").upload(
        "bad.toml", b"[[goals]]\nnumber = 'x'\n", "application/toml"
    ).run()
    at.button(key="admin_goals_replace").click().run()
    assert "Nothing was changed." in at.error[0].value
    assert goals_copy.read_text(encoding="utf-8") == good
    changed = (
        good.replace("threshold = 4", "threshold = 5") if "threshold = 4" in good else good + "\n"
    )
    at.file_uploader(key="admin_goals_file").upload(
        "goals.toml", changed.encode(), "application/toml"
    ).run()
    at.button(key="admin_goals_replace").click().run()
    assert not at.exception, at.exception
    assert "Goals file replaced" in at.success[0].value
    assert goals_copy.read_text(encoding="utf-8") == changed
    outcomes = [(e[1], e[2]) for e in trail(password_app)[-2:]]
    assert outcomes == [("goals_changed", "refused"), ("goals_changed", "ok")]


def test_a_viewer_signed_in_by_password_is_refused_the_admin_page(password_app: Path) -> None:
    at = open_address(sign_in(dashboard(), PEOPLE["viewer"], PASSWORD), "admin")
    assert [t.value for t in at.title] == ["Not available"]


def test_oidc_sign_out_button(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_people(app_db, password=None)
    at = signed_in_as("staff", monkeypatch)
    at.button(key="sign_out").click().run()
    assert not at.exception, at.exception
    assert at.user == {"is_logged_in": False}
    assert trail(app_db)[-1][:4] == (PEOPLE["staff"], "sign_out", "ok", "signed out")
