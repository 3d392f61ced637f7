"""With no sign-in set up the app serves this computer alone, demo or not; the demo ends with
real data; a password guesser holds only their own address."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from access_helpers import (
    PASSWORD,
    PEOPLE,
    ROOT,
    add_people,
    identity,
    open_address,
    serve_on,
    texts,
    trail,
    trust_the_identity_provider,
)
from hub_fixture import ACTIVITIES_HEADER, load_text
from streamlit.runtime import context
from streamlit.testing.v1 import AppTest
from test_sign_in import sign_in

from hubmetrics import store

REFUSED = "Sign-in needs setting up"
OVERVIEW = "How the hub is doing"
GENERIC = "That email address and password do not match an account."
A_RETURN = (
    ACTIVITIES_HEADER + "\nNMPAT,B9,Summer strings,ensemble,,,2025-07-01,,,,ks3,9,,,,,,,,,,,,,\n"
)


def browse_from(
    monkeypatch: pytest.MonkeyPatch, address: str | None, headers: dict[str, str] | None = None
) -> None:
    """Make the browser's connection come from `address` (the TCP peer Streamlit reads
    `st.context.ip_address` from) with these request headers."""
    client = SimpleNamespace(remote_ip=address, headers=list((headers or {}).items()))
    monkeypatch.setattr(context, "_get_client_context", lambda: client)


def mark_as_demo(path: Path) -> None:
    con = store.connect(path)
    with store.write_transaction(con) as cur:
        cur.execute("INSERT INTO hub_setting VALUES ('is_demo', 'true')")
    con.close()


def dashboard(**secrets: object) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for name, value in secrets.items():
        at.secrets[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def shows_nothing(at: AppTest) -> bool:
    return not at.metric and not at.dataframe and not at.selectbox and not at.button


# --- no sign-in: this computer alone --------------------------------------------------------


@pytest.mark.parametrize("address", ["", "0.0.0.0", "127.0.0.1"])
@pytest.mark.parametrize("demo", [True, False])
def test_with_no_sign_in_another_computer_sees_only_how_to_set_it_up(
    app_db: Path, monkeypatch: pytest.MonkeyPatch, address: str, demo: bool
) -> None:
    if demo:
        mark_as_demo(app_db)
    serve_on(monkeypatch, address)
    browse_from(monkeypatch, "192.168.1.20")
    at = dashboard()
    assert [t.value for t in at.title] == [REFUSED]
    assert shows_nothing(at)
    assert "opens only on the computer it runs on" in at.error[0].value
    assert "HUBMETRICS_AUTH=password" in texts(at)
    for page in ("admin", "upload", "data"):  # Admin, Upload, Batches and its backups
        assert [t.value for t in open_address(at, page).title] == [REFUSED]
        assert shows_nothing(at)


@pytest.mark.parametrize(
    "headers", [{"X-Forwarded-For": "203.0.113.9"}, {"Forwarded": "for=203.0.113.9"}]
)
def test_with_no_sign_in_a_request_through_a_proxy_sees_nothing(
    app_db: Path, monkeypatch: pytest.MonkeyPatch, headers: dict[str, str]
) -> None:
    mark_as_demo(app_db)
    browse_from(monkeypatch, "127.0.0.1", headers)  # a proxy on this computer
    at = dashboard()
    assert [t.value for t in at.title] == [REFUSED] and shows_nothing(at)


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_with_no_sign_in_this_computer_opens_the_demo_on_any_bind_address(
    app_db: Path, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    mark_as_demo(app_db)
    serve_on(monkeypatch, "")
    browse_from(monkeypatch, address)  # Streamlit names no address for a loopback peer
    at = dashboard()
    assert at.title[0].value == OVERVIEW
    assert "No sign-in: local use, with an administrator's rights." in texts(at)


def test_real_data_loaded_into_the_demo_needs_sign_in_on_an_open_address(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mark_as_demo(app_db)
    serve_on(monkeypatch, "0.0.0.0")
    assert dashboard().title[0].value == OVERVIEW  # the demo, on this computer
    con = store.connect(app_db)
    assert load_text(con, "activities", A_RETURN).accepted
    assert not store.is_demo(con)
    con.close()
    at = dashboard()
    assert [t.value for t in at.title] == [REFUSED] and shows_nothing(at)
    assert "holds the hub's real data and is open to the network" in at.error[0].value


def test_make_start_serves_this_computer_only() -> None:
    lines = (ROOT / "Makefile").read_text().splitlines()
    recipe = lines[lines.index("start: $(VENV)/.installed") + 1]
    assert "streamlit run dashboard.py" in recipe
    assert "--server.address 127.0.0.1" in recipe


# --- passwords: the same answer for everyone; a guesser holds only their own address --------


def test_a_guesser_is_held_and_told_nothing_while_the_owner_signs_in_elsewhere(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_people(app_db)
    monkeypatch.setenv("HUBMETRICS_AUTH", "password")
    browse_from(monkeypatch, "192.0.2.66")
    guesser = dashboard()
    answers = [
        sign_in(guesser, PEOPLE["viewer"], f"guess {n} of many").error[0].value for n in range(5)
    ]
    answers.append(sign_in(guesser, PEOPLE["viewer"], PASSWORD).error[0].value)  # held: refused
    answers.append(sign_in(guesser, "nobody@hub.example", PASSWORD).error[0].value)
    assert answers == [GENERIC] * 7
    assert [t.value for t in guesser.title] == ["Sign in"] and not guesser.metric
    browse_from(monkeypatch, "198.51.100.7")
    owner = sign_in(dashboard(), PEOPLE["viewer"], PASSWORD)
    assert owner.title[0].value == OVERVIEW
    held = [e for e in trail(app_db) if e[1] == "sign_in_failed"]
    assert [(who, detail.split(";")[0]) for who, _, _, detail in held] == [
        (PEOPLE["viewer"], "5 failed sign-ins in a row from 192.0.2.66 (the last: wrong password)")
    ]


# --- the identity provider: its own issuer, a verified email ----------------------------------


@pytest.fixture
def oidc_app(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    add_people(app_db, password=None)
    trust_the_identity_provider(monkeypatch)
    return app_db


def signed_in(claims: dict[str, object], **secrets: object) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for name, value in secrets.items():
        at.secrets[name] = value
    at.user = claims
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"email_verified": "false"}, "does not say it has verified this address"),
        ({"email_verified": "true"}, "does not say it has verified this address"),
        ({"email_verified": None}, "does not say it has verified this address"),
        ({"iss": "https://accounts.google.com"}, "not from the hub's identity provider"),
    ],
)
def test_an_admins_email_without_a_true_verification_or_from_elsewhere_has_no_access(
    oidc_app: Path, claims: dict[str, object], why: str
) -> None:
    token = {k: v for k, v in identity(PEOPLE["admin"], **claims).items() if v is not None}
    at = signed_in(token)
    assert [t.value for t in at.title] == ["No access"]
    assert why in at.info[0].value
    assert [b.key for b in at.button] == ["sign_out"] and not at.metric
    assert [t.value for t in open_address(at, "admin").title] == ["No access"]
    assert trail(oidc_app)[-1][:3] == (PEOPLE["admin"], "no_access", "refused")
    assert why in trail(oidc_app)[-1][3]


def test_the_issuer_is_read_from_the_providers_metadata_address(
    oidc_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUBMETRICS_OIDC_ISSUER")
    issuer = "https://login.microsoftonline.com/tenant-id/v2.0"
    auth = {"server_metadata_url": f"{issuer}/.well-known/openid-configuration"}
    at = signed_in(identity(PEOPLE["staff"], iss=issuer), auth=auth)
    assert at.title[0].value == OVERVIEW
    other = signed_in(identity(PEOPLE["staff"]), auth=auth)  # the tests' issuer: not this one
    assert [t.value for t in other.title] == ["No access"]


def test_without_an_issuer_to_trust_sign_in_is_misconfigured(
    oidc_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUBMETRICS_OIDC_ISSUER")
    at = signed_in(identity(PEOPLE["admin"]))
    assert [t.value for t in at.title] == ["Sign-in is misconfigured"]
    assert "oidc_issuer" in at.error[0].value and not at.metric
