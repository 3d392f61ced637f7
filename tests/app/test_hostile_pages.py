"""Hostile text in the app: query parameters and filters never change SQL; uploaded names are
shown as written; an upload over the size limit is refused naming the limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_fixture import HOSTILE_LA, HTML_NAMES, NO_SPRING_RETURN, build_hostile
from page_helpers import Open, as_the_apps_database, open_app
from streamlit.testing.v1 import AppTest

from hubmetrics import store
from hubmetrics.app import format as fmt
from hubmetrics.metrics import METRICS, Filters, compute_metrics
from hubmetrics.metrics.breakdown import compute_metrics_by
from hubmetrics.metrics.filters import FilterError
from hubmetrics.metrics.goals import load_goals
from hubmetrics.metrics.reach import cold_spots, partner_contributions, school_reach
from hubmetrics.metrics.status import evaluate_goals

ROOT = Path(__file__).resolve().parents[2]
YEAR = "2025/26"
HOSTILE_PARAMS = {
    "la": "x' OR 1=1 --",
    "partner": "NMPAT' OR '1'='1",
    "age_band": "ks2'); DROP TABLE batch; --",
    "year": "2025/26' UNION SELECT * FROM batch --",
}


def batches(path: Path) -> int:
    con = store.connect(path)
    try:
        row = con.execute("SELECT count(*) FROM batch").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


def reach_cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def engine_cards(path: Path, filters: Filters) -> dict[str, str]:
    con = store.connect(path)
    try:
        values = compute_metrics(con, YEAR, filters, baselines=load_goals().baselines)
    finally:
        con.close()
    return {
        METRICS[k].label: fmt.figure(k, v.value)
        for k, v in values.items()
        if not isinstance(v.value, dict)  # the age-band breakdown is a chart, not a card
    }


@pytest.mark.parametrize("param", sorted(HOSTILE_PARAMS))
def test_a_hostile_query_parameter_falls_back_to_all(
    open_page: Open, app_db: Path, param: str
) -> None:
    before = batches(app_db)
    at = open_page("app_pages/reach.py", **{param: HOSTILE_PARAMS[param]})
    assert not at.exception
    box = at.selectbox(key=f"filter_{param}")
    assert box.value != HOSTILE_PARAMS[param]
    assert box.value in ("All", YEAR)
    shown = reach_cards(at)
    expected = engine_cards(app_db, Filters())
    assert shown and all(expected.get(label, value) == value for label, value in shown.items())
    assert batches(app_db) == before


def test_hostile_filters_are_values_in_every_query(loaded_db: store.Connection) -> None:
    """Every read the pages make, with filters that would change the SQL if they were pasted
    into it: each matches nothing, and nothing fails."""
    goals = load_goals()
    for filters in (
        Filters(local_authority="x' OR 1=1 --"),
        Filters(partner_id="NMPAT' OR '1'='1"),
        Filters(local_authority='"; DROP TABLE batch; --'),
    ):
        values = compute_metrics(loaded_db, YEAR, filters)
        assert values["cyp_participations"].value == 0
        assert values["cyp_participations"].rows == 0
        by_partner = compute_metrics_by(loaded_db, YEAR, filters, "partner_id")
        assert all(v["cyp_participations"].value == 0 for v in by_partner.values())
        if filters.local_authority:
            assert school_reach(loaded_db, YEAR, filters) == []
            assert cold_spots(loaded_db, YEAR, filters) == []
        assert all(p.participations == 0 for p in partner_contributions(loaded_db, YEAR, filters))
        evaluate_goals(loaded_db, goals, YEAR, filters, as_of=store.as_of(loaded_db))
    # An age band is one of a fixed list, checked before any query.
    with pytest.raises(FilterError, match="is not an age band"):
        compute_metrics(loaded_db, YEAR, Filters(age_band="ks2' OR 'a'='a"))
    assert loaded_db.execute("SELECT count(*) FROM batch").fetchone() == (3,)


# --- a database whose uploaded text is hostile ----------------------------------------------


@pytest.fixture
def hostile_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "hostile.duckdb"
    build_hostile(path)
    with as_the_apps_database(path, monkeypatch):
        yield path


def test_a_local_authority_named_like_sql_is_matched_exactly(hostile_db: Path) -> None:
    """The local authority `x' OR 1=1 --` is real here: chosen from the address, it shows
    that authority's figures alone, as the engine makes them with the name as a value."""
    at = open_app("app_pages/reach.py", la=HOSTILE_LA)
    assert at.selectbox(key="filter_la").value == HOSTILE_LA
    shown = reach_cards(at)
    only = engine_cards(hostile_db, Filters(local_authority=HOSTILE_LA))
    everywhere = engine_cards(hostile_db, Filters())
    assert shown and all(only.get(label, value) == value for label, value in shown.items())
    assert any(only[label] != everywhere[label] for label in shown if label in only)


def test_names_like_html_are_shown_as_written(hostile_db: Path) -> None:
    at = open_app("app_pages/partners.py")
    missing = next(w.value for w in at.warning if "Missing returns" in w.value)
    # The partners with no spring return are named like HTML and markdown; they are listed
    # by those names, escaped so that markdown shows them as text (the browser test sees
    # the page).
    for pid in NO_SPRING_RETURN:
        assert f"**{fmt.uploaded_text(HTML_NAMES[pid])}**" in missing
    names = set()
    for frame in at.dataframe:
        if "Partner" in frame.value.columns:
            names |= set(frame.value["Partner"])
    assert set(HTML_NAMES.values()) <= names


def test_an_upload_over_the_limit_is_refused_naming_the_limit(
    open_page: Open, app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUBMETRICS_MAX_UPLOAD_MB", "0.01")
    at = open_page("app_pages/upload.py")
    row = "NMPAT,BIG{n},Big file,wcet,2026-01-12,,ks2,5\n"
    big = "partner_id,activity_id,activity_name,activity_type,start_date,school_urn,age_band,participants\n"
    big += "".join(row.format(n=n) for n in range(400))
    assert len(big) > 0.01 * 1_048_576
    at.file_uploader(key="upload_file").upload("big.csv", big.encode(), "text/csv").run()
    assert not at.exception
    assert "cannot be loaded" in at.error[0].value
    messages = " ".join(str(v) for f in at.dataframe for v in f.value.get("What to do", []))
    assert "over the upload limit of 0.01 MB" in messages
    assert not any(b.key == "upload_confirm" for b in at.button)
    assert batches(app_db) == 4
