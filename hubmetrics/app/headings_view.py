"""The Upload page's headings: how each was read, changed with a select box, and remembered
for the partner so that next term's file maps itself."""

from __future__ import annotations

import streamlit as st

from hubmetrics.app.state import connection
from hubmetrics.contract import file_kind
from hubmetrics.contract.headings import Headings, column_for
from hubmetrics.disclosure.shown_back import ShownBack
from hubmetrics.ingest.mappings import saved_headings
from hubmetrics.people.access import AccessRefused, Person
from hubmetrics.people.actions import remember_headings_as

NOT_LOADED = "(not loaded)"
_FOR = "upload_headings_for"  # the file and kind the select boxes belong to
_READ = "upload_headings_read"  # [(heading, the column it was read as without a choice)]
_KEY = "upload_heading_{}"


def chosen(file_key: tuple[str, str], partner_id: str | None) -> dict[str, str]:
    """The mapping to check the file with: the partner's remembered one, then whatever the
    person changed in the select boxes for this file."""
    if st.session_state.get(_FOR) != file_key:
        for key in [k for k in st.session_state if str(k).startswith("upload_heading_")]:
            del st.session_state[key]
        st.session_state[_FOR] = file_key
    kind = file_key[1]
    mapping = saved_headings(connection(), partner_id, kind) if partner_id else {}
    for i, (heading, automatic) in enumerate(st.session_state.get(_READ, [])):
        picked = st.session_state.get(_KEY.format(i))
        if picked is not None and picked != automatic:
            mapping[heading] = "" if picked == NOT_LOADED else picked
    return mapping


def show(
    headings: Headings,
    kind: str,
    mapping: dict[str, str],
    person: Person,
    partner_id: str | None,
    *,
    open_it: bool,
    shown: ShownBack,
) -> None:
    """Every heading with the column it was read as, to change; and, for a named partner,
    a button that remembers the mapping for its next files. A heading `shown` hides (of
    records of children, or shaped like a child's details) is named by its place."""
    columns = [NOT_LOADED, *file_kind(kind).column_names]
    named = [m for m in headings.matches if m.heading.strip()]
    if not named or (not headings.renamed() and not mapping):
        return  # every heading is a column's own name: nothing to say
    read = []
    with st.expander("How the file's headings were read", expanded=open_it):
        st.caption(
            "Each heading of the file, and the column of the contract it was read as (by its "
            "name, or by a synonym such as 'No. of children' for participants). Change one "
            "if it was read wrongly; the file is checked again at once."
        )
        for match in named:
            automatic = column_for(match.heading, file_kind(kind)) or NOT_LOADED
            current = match.column or NOT_LOADED
            label = shown.by_place.get(match.position)
            st.selectbox(
                f"{label.capitalize()}, heading not shown ({match.how})"
                if label
                else f"'{match.heading}' ({match.how})",
                columns,
                index=columns.index(current),
                key=_KEY.format(match.position),
            )
            read.append((match.position, match.heading, automatic))
        if partner_id is not None and st.button(
            f"Remember these headings for {partner_id}'s next files", key="upload_remember"
        ):
            remember(person, partner_id, kind, headings, shown)
    st.session_state[_READ] = _by_position(read)


def remember(
    person: Person, partner_id: str, kind: str, headings: Headings, shown: ShownBack
) -> None:
    """Save every heading not read by its own name, as it was read this time (an unknown
    heading is not saved: next time it is reported again; nor is one not shown, which may
    be a child's details)."""
    mapping = {
        m.heading: m.column or ""
        for m in headings.renamed()
        if m.how != "unknown" and m.position not in shown.by_place
    }
    try:
        saved = remember_headings_as(connection(), person, partner_id, kind, mapping)
    except (AccessRefused, ValueError) as exc:
        st.error(str(exc))
        return
    st.success(f"Remembered {saved} headings: {partner_id}'s next files map themselves.")


def _by_position(read: list[tuple[int, str, str]]) -> list[tuple[str, str]]:
    """(heading, automatic column) by the heading's position in the file."""
    out: list[tuple[str, str]] = []
    for position, heading, automatic in sorted(read):
        out.extend([("", NOT_LOADED)] * (position - len(out)))
        out.append((heading, automatic))
    return out
