"""The Partners page: each partner's contribution as the engine has it, and its returns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from page_helpers import Open, open_with, table
from streamlit.testing.v1 import AppTest

from hubmetrics import store
from hubmetrics.app import format as fmt
from hubmetrics.app.filters import AGE_BAND_LABELS
from hubmetrics.contract import AGE_BANDS
from hubmetrics.metrics import Filters, compute_metrics
from hubmetrics.metrics import reach as reach_lib
from hubmetrics.metrics.reach import PartnerContribution, partner_contributions

NORTH = "North Northamptonshire"
WORDS = {"received": "✓ Received", "missing": "⚠ Missing", "not_expected": "– Not expected"}


def expected(path: Path, year: str, filters: Filters) -> list[PartnerContribution]:
    con = store.connect(path)
    try:
        return partner_contributions(con, year, filters, as_of=store.as_of(con))
    finally:
        con.close()


def check_page(at: AppTest, path: Path, year: str, filters: Filters) -> list[PartnerContribution]:
    partners = expected(path, year, filters)
    frame = table(at, "Partner")
    assert list(frame["ID"]) == [p.partner_id for p in partners]
    assert list(frame["Participations"]) == [p.participations for p in partners]
    assert list(frame["Activities"]) == [p.activities for p in partners]
    assert list(frame["State schools reached"]) == [p.schools_reached for p in partners]
    for band in AGE_BANDS:
        assert list(frame[AGE_BAND_LABELS[band]]) == [p.by_age_band[band] for p in partners]
    term = partners[0].current_term
    status = list(frame[f"Return for {term}"])
    for shown, p in zip(status, partners, strict=True):
        assert shown.startswith(WORDS[p.return_status])  # words and a symbol, not colour
        for owed in p.outstanding_terms:
            assert owed in shown
    metrics = {m.label: m.value for m in at.metric}
    received = sum(p.return_status == "received" for p in partners)
    missing = [p for p in partners if p.return_status == "missing"]
    assert metrics[f"Returns received for {term}"] == f"{received:,}"
    assert metrics["Returns missing"] == f"{len(missing):,}"
    if missing:
        text = at.warning[0].value
        assert all(fmt.uploaded_text(p.name) in text for p in missing)  # escaped markdown
    # The partners' participations are the engine's, and add up to it.
    con = store.connect(path)
    try:
        whole = compute_metrics(con, year, filters)["participations"].value
    finally:
        con.close()
    assert frame["Participations"].sum() == whole
    assert at.get("download_button")
    return partners


def test_partners_page_whole_hub(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/partners.py")
    assert at.title[0].value == "Partners"
    partners = check_page(at, app_db, "2025/26", Filters())
    by_id = {p.partner_id: p for p in partners}
    frame = table(at, "Partner").set_index("ID")
    # By hand (tests/hub_fixture.py): NMPAT 28 (wcet, ks2) + 40 (choir, ks4); ROCK-NN 12.
    assert frame.loc["NMPAT", "Participations"] == 68
    assert frame.loc["NMPAT", "Activity types"] == "Choir 40 · WCET 28"
    assert frame.loc["ROCK-NN", "State schools reached"] == 1
    assert frame.loc["KETT-CHORAL", "Participations"] == 0  # its choir was in 2024/25
    assert frame.loc["KETT-CHORAL", "Latest term returned"] == "autumn 2024/25"
    assert by_id["KETT-CHORAL"].last_return is not None


def test_partners_page_for_one_local_authority(open_page: Open, app_db: Path) -> None:
    at = open_with(open_page, "app_pages/partners.py", la=NORTH)
    check_page(at, app_db, "2025/26", Filters(local_authority=NORTH))
    frame = table(at, "Partner").set_index("ID")
    assert frame.loc["NMPAT", "Participations"] == 28  # the choir had no school
    # Returns do not depend on the filters.
    whole = {p.partner_id: p.return_status for p in expected(app_db, "2025/26", Filters())}
    north = {p.partner_id: p.return_status for p in expected(app_db, "2025/26", Filters(local_authority=NORTH))}  # fmt: skip
    assert whole == north


def test_partners_page_for_one_partner(open_page: Open, app_db: Path) -> None:
    at = open_with(open_page, "app_pages/partners.py", partner="ROCK-NN", year="2024/25")
    check_page(at, app_db, "2024/25", Filters(partner_id="ROCK-NN"))
    assert list(table(at, "Partner")["ID"]) == ["ROCK-NN"]
    assert any("No partner has activities" in i.value for i in at.info)


def set_as_of(path: Path, day: str) -> None:
    con = store.connect(path)
    con.execute("DELETE FROM hub_setting WHERE key = 'as_of'")
    con.execute("INSERT INTO hub_setting VALUES ('as_of', ?)", [day])
    con.execute("UPDATE data_version SET version = version + 1")  # as a write would
    con.close()


def test_partners_page_missing_returns_in_words(open_page: Open, app_db: Path) -> None:
    # Rows: NMPAT autumn 2024/25 and autumn 2025/26; ROCK-NN autumn 2025/26; KETT-CHORAL
    # autumn 2024/25. As at 20 November 2025 (autumn 2025/26, the term before summer
    # 2024/25), NMPAT and the choir had autumn 2024/25 rows, so both owe summer 2024/25; the
    # choir owes autumn 2025/26 too. ROCK-NN is new: nothing before, its autumn rows are in.
    set_as_of(app_db, "2025-11-20")
    at = open_page("app_pages/partners.py")
    partners = check_page(at, app_db, "2025/26", Filters())
    assert {p.partner_id: (p.return_status, p.outstanding_terms) for p in partners} == {
        "KETT-CHORAL": ("missing", ("summer 2024/25", "autumn 2025/26")),
        "NMPAT": ("missing", ("summer 2024/25",)),
        "ROCK-NN": ("received", ()),
    }
    frame = table(at, "Partner").set_index("ID")
    assert frame.loc["KETT-CHORAL", "Return for autumn 2025/26"] == (
        "⚠ Missing: summer 2024/25, autumn 2025/26"
    )
    assert frame.loc["ROCK-NN", "Return for autumn 2025/26"] == "✓ Received"
    warning = at.warning[0].value
    assert "no return yet for summer 2024/25 or autumn 2025/26" in warning
    assert "Rock School" not in warning
    # A year and more with nothing: no one is chased.
    set_as_of(app_db, "2027-06-01")
    at = open_page("app_pages/partners.py")
    partners = check_page(at, app_db, "2025/26", Filters())
    assert {p.return_status for p in partners} == {"not_expected"}
    assert any("No return is expected for summer 2026/27" in i.value for i in at.info)
    assert set(table(at, "Partner")["Return for summer 2026/27"]) == {"– Not expected"}


def test_the_chart_draws_only_the_largest_partners(
    open_page: Open, app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hundreds of partners (a region, the country): the chart draws the largest, the table
    lists every one."""
    monkeypatch.setattr(reach_lib, "PARTNER_CHART_LIMIT", 1)
    at = open_page("app_pages/partners.py")
    assert not at.exception
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    bars = chart["data"][0]
    assert list(bars["x"]) == [68]  # NMPAT, the largest (by hand: 28 + 40)
    assert "the 1 largest of" in chart["layout"]["title"]["text"]
    frame = table(at, "Partner")
    assert len(frame) == len(expected(app_db, "2025/26", Filters()))
