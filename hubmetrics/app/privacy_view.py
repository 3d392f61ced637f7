"""The Admin page's privacy tab: erase a child's records, list them, purge old ones."""

from __future__ import annotations

import streamlit as st

from hubmetrics import store
from hubmetrics.app import cached
from hubmetrics.app.auth import audit_download
from hubmetrics.app.tables import draw_table
from hubmetrics.people.access import AccessRefused, Person
from hubmetrics.people.privacy import (
    PrivacyRefused,
    backups_said,
    erase_as,
    subject_access_as,
    unread_said,
)
from hubmetrics.people.retention import plan_as, purge_as

_LISTING = "privacy_listing"
_PLAN = "privacy_plan"
_DONE = "privacy_done"
PSEUDONYM = "The child's pseudonym (participant_ref, as in the partner's file)"
CASE = "The request's own reference, for the audit trail (optional; never the pseudonym)"


def privacy_tab(con: store.Connection, person: Person) -> None:
    """The three operations, each recorded in the audit trail without the pseudonym."""
    st.caption(
        "What the hub owes a child under UK GDPR: erasure, a listing of every record held, and "
        "a retention period. Backups, copies already downloaded and the partners' own records "
        "are not reached from here (docs/privacy.md)."
    )
    if done := st.session_state.pop(_DONE, None):
        st.success(done[0], icon=":material/task_alt:")
        for line in done[1:]:
            st.warning(line, icon=":material/backup:")
    _erase(con, person)
    _subject_access(con, person)
    _retention(con, person)


def _erase(con: store.Connection, person: Person) -> None:
    with st.form("privacy_erase", clear_on_submit=True):
        st.markdown("**Erase a child's records**")
        st.caption(
            "Removes the child's current rows, their row history and their lines in the kept "
            "original files, and recounts the figures. It cannot be undone."
        )
        ref = st.text_input(PSEUDONYM, key="privacy_erase_ref")
        case = st.text_input(CASE, key="privacy_erase_case")
        sure = st.checkbox("Yes, erase every record of this child", key="privacy_erase_sure")
        if not st.form_submit_button("Erase", type="primary"):
            return
    if not sure:
        st.error("Tick the box to confirm; nothing was erased.", icon=":material/error:")
        return
    try:
        with st.spinner("Erasing, then recounting the figures…"), cached.publishing():
            done = erase_as(con, person, ref, case=case)
    except (PrivacyRefused, AccessRefused) as exc:
        st.error(str(exc), icon=":material/error:")
        return
    held = done.held
    said = (
        f"Erased one child's records: {held.current} current rows, {held.history} in row "
        f"history, and their lines in the kept originals of "
        f"{len(held.originals)} batches. The figures were recounted."
    )
    st.session_state[_DONE] = [said, *unread_said(held), *backups_said(done.backups, erased=True)]
    st.rerun()


def _subject_access(con: store.Connection, person: Person) -> None:
    with st.form("privacy_access", clear_on_submit=True):
        st.markdown("**List every record held about a child** (a subject access request)")
        ref = st.text_input(PSEUDONYM, key="privacy_access_ref")
        case = st.text_input(CASE, key="privacy_access_case")
        if st.form_submit_button("List"):
            try:
                listing = subject_access_as(con, person, ref, case=case)
            except (PrivacyRefused, AccessRefused) as exc:
                st.error(str(exc), icon=":material/error:")
            else:  # what is shown, not the files read to make it
                st.session_state[_LISTING] = (listing.summary(), listing.rows(), listing.csv())
    shown: tuple[list[str], list[dict[str, object]], str] | None = st.session_state.get(_LISTING)
    if shown is None:
        return
    summary, rows, csv = shown
    for line in summary:
        st.markdown(line)
    if not rows:
        return
    draw_table(rows, hide_index=True, key="privacy_access_rows")
    left, right = st.columns(2)
    left.download_button(
        "Download the listing (CSV)",
        csv,
        file_name="subject-access.csv",
        mime="text/csv",
        key="privacy_access_download",
        icon=":material/download:",
        on_click=audit_download,
        args=("subject access listing",),
    )
    if right.button("Done: clear the listing", key="privacy_access_clear"):
        st.session_state.pop(_LISTING, None)
        st.rerun()


def _retention(con: store.Connection, person: Person) -> None:
    st.markdown("**Retention period**")
    years = cached.goals().retention_years
    if years is None:
        st.info(
            "The goals file sets no retention period: add `[retention]` with "
            "`participant_records_years = N` (the years kept before the current one)."
        )
        return
    st.caption(
        f"Participant records are kept for the current academic year and the {years} before "
        "it (the goals file's `[retention]`); older ones, and their lines in the kept "
        "originals, can be purged here. The activity figures stay as they are."
    )
    if st.button("Show what would go", key="privacy_plan_go"):
        plan = plan_as(con, person, years, via="app")
        st.session_state[_PLAN] = (plan.said(), plan.empty, years)
    shown: tuple[list[str], bool, int] | None = st.session_state.get(_PLAN)
    if shown is None:
        return
    said, empty, planned_years = shown
    st.code("\n".join(said), language=None)
    if empty or planned_years != years:
        return
    sure = st.checkbox("Yes, purge these records", key="privacy_purge_sure")
    if st.button("Purge", key="privacy_purge_go", disabled=not sure, type="primary"):
        with st.spinner("Purging, then recounting the figures…"), cached.publishing():
            done = purge_as(con, person, years, via="app")
        st.session_state.pop(_PLAN, None)
        st.session_state[_DONE] = [f"Purged {done.records:,} records older than the period."]
        st.rerun()
