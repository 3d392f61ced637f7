"""The sidebar's year and filters, kept in the URL's query string so a link shows the same view."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from hubmetrics.app import cached
from hubmetrics.contract import AGE_BAND_LABELS, AGE_BANDS
from hubmetrics.metrics import Filters

ALL = "All"


@dataclass(frozen=True)
class View:
    """What every page shows: one academic year and the chosen filters."""

    year: str
    filters: Filters

    def describe(self) -> str:
        parts = [self.year]
        f = self.filters
        if f.local_authority:
            parts.append(f.local_authority)
        if f.partner_id:
            parts.append(f"partner {f.partner_id}")
        if f.age_band:
            parts.append(AGE_BAND_LABELS.get(f.age_band, f.age_band))
        return " · ".join(parts)


def _choice(param: str, options: list[str], default: str) -> str:
    """The value for `param`: the widget's, else the URL's, else the default."""
    key = f"filter_{param}"
    if key not in st.session_state:
        wanted = st.query_params.get(param, default)
        st.session_state[key] = wanted if wanted in options else default
    elif st.session_state[key] not in options:
        st.session_state[key] = default
    return key


def sidebar_view() -> View:
    """Draw the year and filters in the sidebar and return the view they describe."""
    years = cached.years()
    if not years:
        return View(year="", filters=Filters())
    options = cached.filter_options()
    st.sidebar.header("View")
    year = st.sidebar.selectbox(
        "Academic year", years[::-1], key=_choice("year", years[::-1], cached.current_year())
    )
    las = [ALL, *options["local_authorities"]]
    la = st.sidebar.selectbox("Local authority", las, key=_choice("la", las, ALL))
    partners = [ALL, *options["partners"]]
    partner = st.sidebar.selectbox("Partner", partners, key=_choice("partner", partners, ALL))
    bands = [ALL, *AGE_BANDS]
    band = st.sidebar.selectbox(
        "Age band",
        bands,
        key=_choice("age_band", bands, ALL),
        format_func=lambda b: AGE_BAND_LABELS.get(b, b),
    )
    wanted = {"year": year, "la": la, "partner": partner, "age_band": band}
    for name, value in wanted.items():
        if value == ALL:
            st.query_params.pop(name, None)
        elif st.query_params.get(name) != value:
            st.query_params[name] = value
    return View(
        year=year,
        filters=Filters(
            partner_id=None if partner == ALL else partner,
            local_authority=None if la == ALL else la,
            age_band=None if band == ALL else band,
        ),
    )
