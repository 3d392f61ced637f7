"""Admin: the accounts and their roles, the audit trail, the goals file, and privacy."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from hubmetrics import config
from hubmetrics.app import cached
from hubmetrics.app.auth import audit_download, mode, require
from hubmetrics.app.privacy_view import privacy_tab
from hubmetrics.app.state import connection
from hubmetrics.app.tables import draw_table
from hubmetrics.app.view import header
from hubmetrics.metrics.goals import GoalsFileError
from hubmetrics.people import accounts, audit
from hubmetrics.people.access import ROLE_LABELS, ROLES, Person, may
from hubmetrics.people.actions import replace_goals

SHOWN_EVENTS = 500  # the page shows the latest; the download has them all
ANY = "Any"


def people(person: Person) -> None:
    con = connection()
    if flash := st.session_state.pop("admin_flash", None):
        st.success(flash, icon=":material/task_alt:")
    found = accounts.list_accounts(con)
    password_mode = mode() == "password"
    draw_table(
        [
            {
                "Email": a.email,
                "Role": ROLE_LABELS[a.role],
                "Partner": a.partner_id or "",
                "Password": ("locked" if a.locked() else "set" if a.has_password else "—"),
                "Last sign-in": a.last_sign_in,
                "Added by": a.added_by,
            }
            for a in found
        ],
        hide_index=True,
        key="admin_accounts",
        column_config={"Last sign-in": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")},
    )
    if not found:
        st.info("No accounts yet: add the first one below.")
    partners = cached.filter_options()["partners"]
    left, right = st.columns(2)
    with left.form("admin_add", clear_on_submit=True):
        st.markdown("**Add an account**")
        email = st.text_input("Email address", key="admin_add_email")
        role = st.selectbox(
            "Role", ROLES, key="admin_add_role", format_func=ROLE_LABELS.__getitem__
        )
        partner = st.selectbox(
            "Partner (for a partner account)", ["", *partners], key="admin_add_partner"
        )
        password = (
            st.text_input(
                "Password (at least 12 characters)", type="password", key="admin_add_password"
            )
            if password_mode
            else None
        )
        if st.form_submit_button("Add", type="primary") and role is not None:
            _done(
                lambda: accounts.add(
                    con, email, role, partner or None, by=person, password=password or None
                ),
                f"Added {email.strip().lower()}.",
            )
    emails = [a.email for a in found]
    if not emails:
        return
    with right.form("admin_change"):
        st.markdown("**Change a role**")
        who = st.selectbox("Account", emails, key="admin_change_email")
        role = st.selectbox(
            "New role", ROLES, key="admin_change_role", format_func=ROLE_LABELS.__getitem__
        )
        partner = st.selectbox(
            "Partner (for a partner account)", ["", *partners], key="admin_change_partner"
        )
        if st.form_submit_button("Change") and who is not None and role is not None:
            _done(
                lambda: accounts.set_role(con, who, role, partner or None, by=person),
                f"{who} is now {ROLE_LABELS[role].lower()}.",
            )
    left, right = st.columns(2)
    if password_mode:
        with left.form("admin_password", clear_on_submit=True):
            st.markdown("**Set a password** (also lifts a lockout)")
            who = st.selectbox("Account", emails, key="admin_password_email")
            first = st.text_input("New password", type="password", key="admin_password_1")
            again = st.text_input("The same again", type="password", key="admin_password_2")
            if st.form_submit_button("Set password"):
                if first != again:
                    st.error("The two passwords differ; nothing was changed.")
                else:
                    _done(
                        lambda: accounts.set_password(con, who, first, by=person),
                        f"Password set for {who}.",
                    )
    with right.form("admin_remove"):
        st.markdown("**Remove an account**")
        who = st.selectbox("Account", emails, key="admin_remove_email")
        sure = st.checkbox("Yes, remove this account", key="admin_remove_sure")
        if st.form_submit_button("Remove"):
            if not sure:
                st.error("Tick the box to confirm.")
            elif who == person.email:
                st.error("You cannot remove your own account; ask another administrator.")
            else:
                _done(lambda: accounts.remove(con, who, by=person), f"Removed {who}.")


def trail() -> None:
    con = connection()
    st.caption(
        "Every sign-in and failed sign-in, upload, refusal, rollback, export, change of an "
        "account or the goals file, erasure, subject access listing and purge. Nobody can "
        "change it from the app."
    )
    left, right = st.columns(2)
    action = left.selectbox(
        "Action",
        [ANY, *audit.ACTIONS],
        key="admin_trail_action",
        format_func=lambda a: a if a == ANY else audit.ACTIONS[a],
    )
    who = right.text_input("Who (part of the address)", key="admin_trail_who")
    chosen = None if action == ANY else action
    events = audit.events(con, action=chosen, who_contains=who.strip() or None)
    draw_table(
        [e.row() for e in events[:SHOWN_EVENTS]],
        hide_index=True,
        key="admin_trail",
        column_config={"Detail": st.column_config.TextColumn(width="large")},
    )
    if len(events) > SHOWN_EVENTS:
        st.caption(f"The latest {SHOWN_EVENTS:,} of {len(events):,}; the download has them all.")
    st.download_button(
        f"Download these {len(events):,} events (CSV)",
        audit.events_csv(events),
        file_name="audit-trail.csv",
        mime="text/csv",
        key="admin_trail_download",
        icon=":material/download:",
        on_click=audit_download,
        args=("audit trail",),
    )


def goals_file(person: Person) -> None:
    path = config.goals_path()
    st.caption(f"{path}: the goals, indicators, baselines, targets and suppression threshold.")
    text = path.read_text(encoding="utf-8")
    st.download_button(
        "Download the goals file",
        text,
        file_name=path.name,
        mime="application/toml",
        key="admin_goals_download",
        icon=":material/download:",
    )
    st.code(text, language="toml")
    uploaded = st.file_uploader(
        "Replace it with a new goals file (.toml): it is checked first, and kept only if it "
        "reads correctly",
        type=["toml"],
        key="admin_goals_file",
    )
    if uploaded is not None and st.button("Replace the goals file", key="admin_goals_replace"):
        try:
            new = uploaded.getvalue().decode("utf-8-sig")
            goals = replace_goals(connection(), person, new, path=path)
        except UnicodeDecodeError:
            st.error("The file is not UTF-8 text; nothing was changed.")
        except GoalsFileError as exc:
            st.error(f"Nothing was changed. {exc}", icon=":material/error:")
        else:
            st.session_state["admin_flash"] = f"Goals file replaced: {len(goals.goals)} goals."
            st.rerun()


def _done(change: Callable[[], object], message: str) -> None:
    """Run an account change; say what went wrong, or show `message` after a rerun."""
    try:
        change()
    except accounts.AccountError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    st.session_state["admin_flash"] = message
    st.rerun()


person = require("manage")
header("Admin")
tab_people, tab_trail, tab_goals, tab_privacy = st.tabs(
    ["People", "Audit trail", "Goals file", "Privacy"]
)
with tab_people:
    people(person)
with tab_trail:
    trail()
with tab_goals:
    goals_file(person)
with tab_privacy:
    if may(person, "privacy"):
        privacy_tab(connection(), person)
