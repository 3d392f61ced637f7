"""Partners: each partner's contribution, its latest return, and the returns still missing."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from hubmetrics.app import cached, figures, reach_view
from hubmetrics.app import format as fmt
from hubmetrics.app.filters import AGE_BAND_LABELS, View
from hubmetrics.app.tables import COUNT, show_table
from hubmetrics.app.theme import show
from hubmetrics.app.view import described, figures_page
from hubmetrics.contract import AGE_BANDS
from hubmetrics.metrics import reach_tables as reach
from hubmetrics.metrics.reach import PartnerContribution
from hubmetrics.plots.reach import partner_chart

# --- the sections ---------------------------------------------------------------------


def returns(partners: Sequence[PartnerContribution]) -> None:
    term = partners[0].current_term
    st.subheader(f"Returns for {term}")
    missing = [p for p in partners if p.return_status == "missing"]
    received = [p for p in partners if p.return_status == "received"]
    left, middle, right = st.columns(3)
    left.metric(f"Returns received for {term}", f"{len(received):,}", border=True)
    middle.metric("Returns missing", f"{len(missing):,}", border=True)
    right.metric("Not expected", f"{len(partners) - len(received) - len(missing):,}", border=True)
    if missing:
        lines = [
            f"- :material/warning: **{fmt.uploaded_text(p.name)}** — no return yet for "
            f"{' or '.join(p.outstanding_terms)}; last return sent {_day(p)}."
            for p in missing
        ]
        st.warning("**Missing returns**\n\n" + "\n".join(lines), icon=":material/assignment_late:")
    elif received:
        st.success(
            f"Every partner expected to send a return has sent one for {term}.",
            icon=":material/task_alt:",
        )
    else:
        st.info(
            f"No return is expected for {term}: no partner has had activities in the year of "
            "terms before it."
        )
    st.caption(
        f"As at {fmt.long_date(cached.as_of())}, whatever year and filters are chosen. A return "
        "for a term has arrived when the partner has at least one activity starting in that term. "
        "A partner is expected to send one when it had activities in any of the three terms "
        "before; both the term in progress and the term before it are checked. A partner that "
        "ran nothing in a term shows no return for it."
    )


def contributions(partners: Sequence[PartnerContribution], view: View) -> None:
    st.subheader(f"What each partner contributed in {described(view)}")
    rows = [reach.partner_row(p, figures.in_full(p.partner_id)) for p in partners]
    counts = reach.PARTNER_COUNTS
    # A partner sees its own row in full; the others' small numbers are hidden.
    views = reach_view.partner_views(view.filters)
    shown = {
        r["ID"]: r["Participations"]
        for r in figures.hide_views(
            figures.rows(rows, counts=counts, partner_of=reach.partner_of), views
        )
    }
    everyone = reach.active_partners(partners)
    if not everyone:
        st.info(f"No partner has activities for {described(view)}.")
    else:
        show(partner_chart(everyone, shown), "partner_participations_chart")
    show_table(
        rows,
        key="partners_table",
        file_name=f"partners-{view.year.replace('/', '-')}.csv",
        counts=counts,
        partner_of=reach.partner_of,
        views=views,
        shared=[reach.partner_row(p, with_numbers=False) for p in partners],
        column_config={
            "Participations": COUNT,
            "Individual children": COUNT,
            "Activities": COUNT,
            "State schools reached": COUNT,
            **{AGE_BAND_LABELS[b]: COUNT for b in AGE_BANDS},
            "Last return sent": st.column_config.DateColumn(format="D MMM YYYY"),
        },
        height=min(36 + 35 * len(rows), 740),
    )
    st.caption(
        "Participations, activities and schools reached are for the year and filters chosen; "
        "state schools reached are the state-funded schools where the partner ran at least one "
        "activity. Individual children (and young people) are counted once each, from the "
        "partner's participant records; blank for a partner that sends none."
    )


# --- helpers ----------------------------------------------------------------------------


def _day(p: PartnerContribution) -> str:
    return fmt.long_date(p.last_return) if p.last_return else "never"


view = figures_page("Partners")
partners = cached.partner_contributions(view.year, view.filters)
if not partners:
    st.info("No partners are loaded yet. Load the partners list on the Upload page.")
    st.stop()
returns(partners)
contributions(partners, view)
