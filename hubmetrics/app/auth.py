"""Who is using the app: the sign-in mode, the person of this session, sign-in and sign-out."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import streamlit as st
from streamlit import config as streamlit_config

from hubmetrics import store
from hubmetrics.app.state import connection
from hubmetrics.people import accounts, audit
from hubmetrics.people.access import (
    ACTIONS,
    ROLE_LABELS,
    Person,
    auth_mode,
    idle_minutes,
    is_local_request,
    local_operator,
    may,
    open_without_sign_in,
)
from hubmetrics.people.actions import record_export, refuse
from hubmetrics.people.identity import check_token, expected_issuer

PERSON_KEY = "hubmetrics_person"  # the person of this session, set by dashboard.py every run
SIGNED_IN_KEY = "hubmetrics_signed_in"  # password mode: the email that signed in
LAST_SEEN_KEY = "hubmetrics_last_seen"  # when this session last ran (for the idle time)
FLASH_KEY = "hubmetrics_auth_flash"  # a message for the sign-in page (signed out, idle)
RECORDED_KEY = "hubmetrics_recorded"  # what this session has put in the trail already


@dataclass(frozen=True)
class Gate:
    """What a script run may show: a person's pages, or only `page` (sign-in, no access…)."""

    person: Person | None
    page: Callable[[], None] | None = None


# --- settings ----------------------------------------------------------------------------


def settings() -> Mapping[str, Any]:
    """The `[hubmetrics]` table of `.streamlit/secrets.toml` (empty without one)."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        table = st.secrets.get("hubmetrics", {})
    except (
        Exception
    ):  # a secrets file Streamlit cannot read: sign-in settings then come from the env
        return {}
    return dict(table) if isinstance(table, Mapping) else {}


def mode() -> str:
    """oidc, password or none (HUBMETRICS_AUTH wins over the secrets file)."""
    return auth_mode(os.environ.get("HUBMETRICS_AUTH"), settings())


def idle_seconds() -> float:
    return 60 * idle_minutes(os.environ.get("HUBMETRICS_IDLE_MINUTES"), settings())


def oidc_issuer() -> str:
    """The issuer whose tokens sign people in (HUBMETRICS_OIDC_ISSUER, `[hubmetrics]
    oidc_issuer`, else the configured provider's `server_metadata_url`); ValueError if none."""
    hub = settings()
    explicit = os.environ.get("HUBMETRICS_OIDC_ISSUER") or hub.get("oidc_issuer")
    try:
        section = st.secrets.get("auth") if st.secrets.load_if_toml_exists() else None
    except Exception:  # a secrets file Streamlit cannot read has no [auth] either
        section = None
    auth = section if isinstance(section, Mapping) else None
    return expected_issuer(explicit, auth, hub.get("oidc_provider") or None)


def client_address() -> str | None:
    """The address this session's browser connects from; None when it is this computer
    (Streamlit gives none for a loopback connection) or unknown (a test without a server)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None


def local_request() -> bool:
    """True when this session comes from this computer, and not through a proxy."""
    return is_local_request(client_address(), st.context.headers.keys())


# --- the gate: who this run is for -------------------------------------------------------


def gate() -> Gate:
    """Decide who this script run is for; dashboard.py shows `page` alone when nobody is."""
    try:
        chosen = mode()
        idle_seconds()
    except ValueError as exc:
        message = str(exc)
        return Gate(None, lambda: _misconfigured(message))
    if chosen == "none":
        con = connection()
        # Read through the config module, so a test can say which address the app serves.
        address = streamlit_config.get_option("server.address")
        local = local_request()
        if open_without_sign_in(store.is_demo(con), address, local_request=local):
            return _enter(local_operator())
        return Gate(None, lambda: _setup_needed(from_elsewhere=not local))
    if chosen == "password":
        return _password_gate()
    try:
        issuer = oidc_issuer()
    except ValueError as exc:
        message = str(exc)
        return Gate(None, lambda: _misconfigured(message))
    return _oidc_gate(issuer)


def current_person() -> Person | None:
    """The person dashboard.py found for this run (None on a page run on its own)."""
    person = st.session_state.get(PERSON_KEY)
    return person if isinstance(person, Person) else None


def require(*actions: str) -> Person:
    """The person of this run, if they may do any of `actions`; otherwise a refusal, and the
    page stops. Every page starts with this, so a page run without dashboard.py shows nothing."""
    person = current_person()
    if person is None:
        refusal("Open the dashboard through its address: this page cannot be shown on its own.")
    if not any(may(person, a) for a in actions):
        what = " or ".join(ACTIONS[a].lower() for a in actions)
        note_refusal(person, f"page: {what}")
        refusal(
            f"You are signed in as {person.describe()}. {ROLE_LABELS[person.role]} accounts "
            f"cannot use this page ({what}). Ask the hub's administrator if you need it."
        )
    return person


def refusal(message: str) -> NoReturn:
    st.title("Not available")
    st.error(message, icon=":material/block:")
    st.stop()


def note_refusal(person: Person, what: str) -> None:
    """Record a refusal once per session (a page reruns on every click)."""
    seen = st.session_state.setdefault(RECORDED_KEY, set())
    if what not in seen:
        seen.add(what)
        refuse(connection(), person, what)


def audit_download(what: str) -> None:
    """on_click of every download button: record what left the hub, and for whom."""
    person = current_person()
    if person is not None:
        record_export(connection(), person, what)


def sidebar(person: Person) -> None:
    """Who is signed in, and the way out."""
    chosen = mode()
    if chosen == "none":
        st.sidebar.caption("No sign-in: local use, with an administrator's rights.")
        return
    st.sidebar.caption(f"Signed in as **{person.email}** · {ROLE_LABELS[person.role]}")
    if person.partner_id:
        st.sidebar.caption(f"Partner: {person.partner_id}")
    st.sidebar.button("Sign out", key="sign_out", icon=":material/logout:", on_click=_sign_out)


# --- password mode -------------------------------------------------------------------------


def _password_gate() -> Gate:
    email = st.session_state.get(SIGNED_IN_KEY)
    if not email:
        return Gate(None, _password_form)
    if _idle():
        _end_session(email, "signed out after being idle")
        return Gate(None, _password_form)
    account = accounts.find(connection(), email)
    if account is None:  # removed while signed in
        _end_session(email, "account removed")
        return Gate(None, _password_form)
    return _enter(account.person)


def _password_form() -> None:
    st.title("Sign in")
    if flash := st.session_state.pop(FLASH_KEY, None):
        st.info(flash, icon=":material/info:")
    if not accounts.has_accounts(connection()):
        st.warning(
            "No accounts yet. Stop the dashboard and add the first administrator on the command "
            "line: `hubmetrics users add EMAIL --role admin` (it reads the password from "
            "standard input).",
            icon=":material/person_add:",
        )
    # clear_on_submit: the password is not kept in the session once the form is sent.
    with st.form("sign_in_form", clear_on_submit=True, border=True, width=420):
        email = st.text_input("Email address", key="sign_in_email", autocomplete="username")
        password = st.text_input(
            "Password", type="password", key="sign_in_password", autocomplete="current-password"
        )
        sent = st.form_submit_button("Sign in", type="primary")
    if not sent:
        return
    result = accounts.sign_in(connection(), email, password, client=client_address())
    if result.person is None:
        st.error(result.message(), icon=":material/lock:")
        return
    st.session_state[SIGNED_IN_KEY] = result.person.email
    st.session_state[LAST_SEEN_KEY] = time.monotonic()
    st.rerun()


# --- OIDC mode ----------------------------------------------------------------------------


def _oidc_gate(issuer: str) -> Gate:
    if not st.user.is_logged_in:
        return Gate(None, _oidc_sign_in)
    token = check_token(st.user, issuer)
    shown = str(st.user.get("email") or "no email address")
    seen = st.session_state.setdefault(RECORDED_KEY, set())
    if token.email is None:
        key = f"token_refused:{shown.lower()}"
        if key not in seen:
            seen.add(key)
            audit.record(
                connection(),
                _trail_name(shown),
                "no_access",
                outcome="refused",
                detail=f"identity provider: {token.refusal}",
            )
        return Gate(None, lambda: _no_access(shown, token.refusal))
    email = token.email
    if _idle():
        _forget(email, "signed out after being idle")
        st.logout()
        st.stop()
    key = f"sign_in:{email.lower()}"
    if key not in seen:
        person = accounts.mark_signed_in(connection(), email, how="identity provider")
        seen.add(key)
    else:
        account = accounts.find(connection(), email)
        person = account.person if account else None
    if person is None:
        return Gate(None, lambda: _no_access(email))
    return _enter(person)


def _trail_name(email: str) -> str:
    try:
        return accounts.normalise_email(email)
    except accounts.AccountError:
        return "(no email)"


def _oidc_sign_in() -> None:
    st.title("Sign in")
    if flash := st.session_state.pop(FLASH_KEY, None):
        st.info(flash, icon=":material/info:")
    st.markdown("The hub's dashboard holds figures about children. Sign in to see them.")
    provider = settings().get("oidc_provider")
    if st.button(
        "Sign in with your organisation account",
        type="primary",
        key="oidc_sign_in",
        icon=":material/login:",
    ):
        if provider:
            st.login(str(provider))
        else:
            st.login()


def _no_access(email: str, refusal: str = "") -> None:
    st.title("No access")
    if refusal:
        text = (
            f"You are signed in as **{email}**, but the hub's dashboard cannot accept this "
            f"sign-in: {refusal}. Ask the hub's data lead if you should have access."
        )
    else:
        text = (
            f"You are signed in as **{email}**, but that address has no account on the hub's "
            "dashboard, so there is nothing to show you. If you should have access, ask the "
            "hub's data lead to add you."
        )
    st.info(text, icon=":material/person_off:")
    st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=st.logout)


# --- shared ---------------------------------------------------------------------------------


def _enter(person: Person) -> Gate:
    st.session_state[PERSON_KEY] = person
    st.session_state[LAST_SEEN_KEY] = time.monotonic()
    return Gate(person)


def _idle() -> bool:
    seen = st.session_state.get(LAST_SEEN_KEY)
    return isinstance(seen, float) and time.monotonic() - seen > idle_seconds()


def _sign_out() -> None:
    person = current_person()
    if person is None:
        return
    if mode() == "oidc":
        _forget(person.email, "signed out")
        st.logout()
        return
    _end_session(person.email, "signed out")


SIGNED_OUT_MESSAGES = {
    "signed out": "You are signed out.",
    "account removed": "Your account is no longer on the dashboard.",
}


def _end_session(email: str, why: str) -> None:
    _forget(email, why)
    st.session_state.pop(SIGNED_IN_KEY, None)
    idle = f"You were signed out after {idle_seconds() / 60:g} minutes without activity."
    st.session_state[FLASH_KEY] = SIGNED_OUT_MESSAGES.get(why, idle)


def _forget(email: str, why: str) -> None:
    st.session_state.pop(PERSON_KEY, None)
    st.session_state.pop(LAST_SEEN_KEY, None)
    audit.record(connection(), email, "sign_out", detail=why)


def _setup_needed(*, from_elsewhere: bool) -> None:
    st.title("Sign-in needs setting up")
    if from_elsewhere:
        why = (
            "No sign-in is set up, so this dashboard opens only on the computer it runs on, "
            "and you are opening it from another one (or through a proxy). It shows nothing "
            "here until sign-in is configured."
        )
    else:
        why = (
            "This dashboard holds the hub's real data and is open to the network, but no "
            "sign-in is set up, so it shows nothing."
        )
    st.error(why, icon=":material/lock:")
    st.markdown(
        """
To open it to colleagues, choose a sign-in mode (see `docs/access.md`):

1. Stop the dashboard and add the first administrator:
   `hubmetrics users add you@hub.example --role admin < password.txt`
2. Set the mode in `.streamlit/secrets.toml`:

   ```toml
   [hubmetrics]
   auth = "password"   # or "oidc", with an [auth] section for the identity provider
   ```

   or start the dashboard with `HUBMETRICS_AUTH=password`.
3. Start the dashboard again.

For use on this computer alone, start it on the loopback address instead:
`streamlit run dashboard.py --server.address 127.0.0.1`.
"""
    )


def _misconfigured(message: str) -> None:
    st.title("Sign-in is misconfigured")
    st.error(f"{message} See docs/access.md.", icon=":material/error:")
