"""Partners: each partner's contribution, its latest return, and the returns still missing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import plotly.graph_objects as go
import streamlit as st

from hubmetrics.app import cached, figures
from hubmetrics.app import format as fmt
from hubmetrics.app.auth import require
from hubmetrics.app.filters import AGE_BAND_LABELS, View
from hubmetrics.app.tables import show_table
from hubmetrics.app.theme import ENGAGED, show, styled
from hubmetrics.app.view import current_view, header
from hubmetrics.contract import AGE_BANDS
from hubmetrics.metrics import reach as reach_lib
from hubmetrics.metrics.reach import PartnerContribution

RETURN_WORDS = {
    "received": "✓ Received",
    "missing": "⚠ Missing",
    "not_expected": "– Not expected",
}
TYPE_LABELS = {
    "wcet": "WCET",
    "tuition_individual": "Individual tuition",
    "tuition_small_group": "Small-group tuition",
    "tuition_large_group": "Large-group tuition",
    "cpd": "CPD",
}
PARTNER_TYPE_LABELS = {"music_service": "Music service", "arts_organisation": "Arts organisation"}
COUNT = st.column_config.NumberColumn(format="%,d")


def page() -> None:
    require("figures")
    view = current_view()
    header("Partners", view)
    if not view.year:
        st.info("No activity returns are loaded yet. Start with the Upload page.")
        return
    partners = cached.partner_contributions(view.year, view.filters)
    if not partners:
        st.info("No partners are loaded yet. Load the partners list on the Upload page.")
        return
    returns(partners)
    contributions(partners, view)


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
        f"As at {_date(cached.as_of())}, whatever year and filters are chosen. A return for a "
        "term has arrived when the partner has at least one activity starting in that term. "
        "A partner is expected to send one when it had activities in any of the three terms "
        "before; both the term in progress and the term before it are checked. A partner that "
        "ran nothing in a term shows no return for it."
    )


def contributions(partners: Sequence[PartnerContribution], view: View) -> None:
    st.subheader(f"What each partner contributed in {view.describe()}")
    rows = [_row(p, figures.in_full(p.partner_id)) for p in partners]
    counts = ["Participations", "Individual children", *(AGE_BAND_LABELS[b] for b in AGE_BANDS)]
    # A partner sees its own row in full; the others' small numbers are hidden.
    shown = {
        r["ID"]: r["Participations"]
        for r in figures.rows(rows, counts=counts, partner_of=_partner_of)
    }
    everyone = sorted(
        (p for p in partners if p.activities), key=lambda p: p.participations, reverse=True
    )
    # A bar for each of hundreds of partners (a region, the country) is a chart no one can
    # read and a page slow to draw: the largest are drawn, the table lists every one.
    active = everyone[: reach_lib.PARTNER_CHART_LIMIT]
    if not active:
        st.info(f"No partner has activities for {view.describe()}.")
    else:
        fig = go.Figure(
            go.Bar(
                y=[p.name for p in active],
                x=[figures.number(shown[p.partner_id]) for p in active],
                orientation="h",
                marker_color=ENGAGED,
                text=[_count_text(shown[p.partner_id]) for p in active],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{x:,} participations<extra></extra>",
            )
        )
        fig.update_yaxes(autorange="reversed", automargin=True)
        fig.update_xaxes(tickformat=",d")
        fig.update_layout(height=max(260, 90 + 28 * len(active)), margin={"r": 80})
        show(
            styled(
                fig,
                "Participations by partner"
                + (
                    f" (the {len(active)} largest of {len(everyone):,}; the table lists all)"
                    if len(active) < len(everyone)
                    else ""
                ),
                "Participations",
                "",
            ),
            "partner_participations_chart",
        )
    show_table(
        rows,
        key="partners_table",
        file_name=f"partners-{view.year.replace('/', '-')}.csv",
        counts=counts,
        partner_of=_partner_of,
        shared=[_row(p, with_numbers=False) for p in partners],
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


def _row(p: PartnerContribution, with_numbers: bool) -> dict[str, object]:
    """A partner's line. The activity types carry their participations only for someone who
    sees the partner's figures in full: beside the total they would give a hidden one away."""
    status = RETURN_WORDS[p.return_status]
    if p.outstanding_terms:
        status += ": " + ", ".join(p.outstanding_terms)
    return {
        "Partner": p.name,
        f"Return for {p.current_term}": status,
        "Last return sent": p.last_return.date() if p.last_return else None,
        "Latest term returned": p.last_term_returned or "none",
        "Type": _partner_type(p.partner_type),
        "Participations": p.participations,
        "Individual children": p.children,
        "Activities": p.activities,
        "State schools reached": p.schools_reached,
        "Activity types": _types(p.by_activity_type, with_numbers),
        **{AGE_BAND_LABELS[b]: p.by_age_band[b] for b in AGE_BANDS},
        "ID": p.partner_id,
    }


def _partner_of(row: Mapping[str, object]) -> str | None:
    return str(row["ID"])


def _count_text(value: object) -> str:
    return value if isinstance(value, str) else f"{value:,}"


def _types(counts: dict[str, int], with_numbers: bool = True) -> str:
    """`WCET 1,204 · Choir 310 · …` (or `WCET · Choir · …`), largest first."""
    ranked = sorted(((n, t) for t, n in counts.items() if n), reverse=True)
    return " · ".join(_type(t) + (f" {n:,}" if with_numbers else "") for n, t in ranked) or "—"


def _type(activity_type: str) -> str:
    return TYPE_LABELS.get(activity_type, activity_type.replace("_", " ").capitalize())


def _partner_type(partner_type: str | None) -> str:
    if not partner_type:
        return ""
    return PARTNER_TYPE_LABELS.get(partner_type, partner_type.replace("_", " ").capitalize())


def _day(p: PartnerContribution) -> str:
    return _date(p.last_return) if p.last_return else "never"


def _date(day: date) -> str:
    """`9 February 2026`."""
    return f"{day.day} {day:%B %Y}"


page()
