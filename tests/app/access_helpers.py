"""What the access app tests share: accounts of each role, and the app run as one of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from hubmetrics import store
from hubmetrics.people import accounts, audit
from hubmetrics.people.access import local_operator

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
PEOPLE = {
    "viewer": "trustee@hub.example",
    "partner": "ann@rock.example",
    "staff": "kim@hub.example",
    "admin": "root@hub.example",
}
ISSUER = "https://login.hub.example/tenant/v2.0"  # the identity provider the tests trust
TITLES = {  # each page's address and the title it shows
    "": "How the hub is doing",
    "goals": "Goal detail",
    "reach": "Reach",
    "schools": "Schools",
    "progression": "Progression",
    "partners": "Partners",
    "reports": "Reports",
    "upload": "Upload a file",
    "data": "Batches",
    "methods": "Methods",
    "admin": "Admin",
}


def add_people(path: Path, password: str | None = PASSWORD) -> None:
    """One account of each role (the partner is ROCK-NN), each with `password`."""
    con = store.connect(path)
    try:
        for role, email in PEOPLE.items():
            partner = "ROCK-NN" if role == "partner" else None
            accounts.add(con, email, role, partner, by=local_operator("setup"), password=password)
    finally:
        con.close()


def identity(email: str, **claims: object) -> dict[str, object]:
    """What the identity provider says of someone signed in (`at.user`): a verified email,
    from the hub's issuer; `claims` changes or adds to that."""
    return {"is_logged_in": True, "iss": ISSUER, "email": email, "email_verified": True, **claims}


def trust_the_identity_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign in through the identity provider, trusting the tests' issuer."""
    monkeypatch.setenv("HUBMETRICS_AUTH", "oidc")
    monkeypatch.setenv("HUBMETRICS_OIDC_ISSUER", ISSUER)


def signed_in_as(
    role: str | None, monkeypatch: pytest.MonkeyPatch, *, email: str | None = None
) -> AppTest:
    """The app signed in through the identity provider (`at.user`) as `role`'s account, run
    once on the Overview. `email` overrides the address (one with no account, say)."""
    trust_the_identity_provider(monkeypatch)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    address = email or (PEOPLE[role] if role else None)
    at.user = identity(address) if address else {"is_logged_in": False}
    at.run()
    assert not at.exception, at.exception
    return at


def open_address(at: AppTest, url_path: str) -> AppTest:
    """Open a page by its address, as typing it in the browser would: AppTest's switch_page
    finds pages by their file, and a refused page has none."""
    pages = at._registered_pages  # noqa: SLF001 - AppTest has no public way to open an address
    at._page_hash = next(  # noqa: SLF001
        h for h, info in pages.items() if info.get("url_pathname") == url_path
    )
    at.run()
    assert not at.exception, at.exception
    return at


def trail(path: Path) -> list[tuple[str, str, str, str]]:
    """(who, action, outcome, detail) of every audit event, oldest first."""
    con = store.connect(path)
    try:
        return [(e.who, e.action, e.outcome, e.detail) for e in reversed(audit.events(con))]
    finally:
        con.close()


def texts(at: AppTest) -> str:
    parts = [t.value for t in at.title]
    parts += [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [e.value for e in at.error] + [i.value for i in at.info] + [w.value for w in at.warning]
    )
    return "\n".join(str(p) for p in parts)


def serve_on(monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    """Make the app believe its server listens on `address` (AppTest has no server)."""
    real = streamlit_config.get_option

    def get_option(name: str) -> Any:
        return address if name == "server.address" else real(name)

    monkeypatch.setattr(streamlit_config, "get_option", get_option)
