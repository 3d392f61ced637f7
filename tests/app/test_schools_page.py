"""The Schools page: coverage as the engine has it, and a searchable cold-spot list to download."""

from __future__ import annotations

from pathlib import Path

import pytest
from page_helpers import Open, open_with, table
from streamlit.testing.v1 import AppTest

from hubmetrics import store
from hubmetrics.app import format as fmt
from hubmetrics.metrics import METRICS, Filters, cold_spot_school_list, compute_metrics
from hubmetrics.metrics.breakdown import compute_metrics_by

NORTH = "North Northamptonshire"


def check_page(at: AppTest, path: Path, year: str, filters: Filters) -> None:
    con = store.connect(path)
    try:
        values = compute_metrics(con, year, filters)
        by_phase = compute_metrics_by(con, year, filters, "phase")
        by_la = compute_metrics_by(con, year, filters, "local_authority")
        cold = cold_spot_school_list(con, year, filters)
    finally:
        con.close()
    shown = {m.label: m.value for m in at.metric}
    for key in ("state_schools", "schools_engaged", "school_coverage", "cold_spot_schools"):
        assert shown[METRICS[key].label] == fmt.figure(key, values[key].value)
    for column, groups in (("Phase", by_phase), ("Local authority", by_la)):
        frame = table(at, column)
        expected = [
            (g, v["state_schools"].value, v["schools_engaged"].value, v["cold_spot_schools"].value)
            for g, v in groups.items()
            if g is not None and v["state_schools"].value
        ]
        rows = list(
            zip(frame["State-funded schools"], frame["Engaged"], frame["Cold spots"], strict=True)
        )
        assert sorted(rows) == sorted(e[1:] for e in expected)
        assert frame["State-funded schools"].sum() == values["state_schools"].value
        assert frame["Cold spots"].sum() == values["cold_spot_schools"].value
        coverage = [
            v["school_coverage"].value
            for g, v in groups.items()
            if g is not None and v["state_schools"].value
        ]
        want = sorted(c * 100 for c in coverage if isinstance(c, float))
        assert sorted(frame["Coverage"]) == pytest.approx(want)
    if cold:
        assert list(table(at, "Postcode")["URN"]) == [s.urn for s in cold]
    else:
        assert any("No cold spots" in m.value for m in at.success)


def test_schools_page_whole_hub(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/schools.py")
    assert at.title[0].value == "Schools"
    check_page(at, app_db, "2025/26", Filters())
    # 2025/26: 900001 and 900002 engaged; Brixworth (900003) is the one cold spot.
    phases = table(at, "Phase").set_index("Phase")
    assert phases.loc["Primary", "State-funded schools"] == 2
    assert phases.loc["Primary", "Coverage"] == pytest.approx(50.0)
    assert phases.loc["Secondary", "Coverage"] == pytest.approx(100.0)
    cold = table(at, "Postcode")
    assert list(cold["School"]) == ["Brixworth Imaginary Primary"]
    assert list(cold["Pupils"]) == [210]
    assert list(cold["FSM %"]) == [6.0]
    assert [b.key for b in at.get("download_button")].count("cold_spot_download") == 1


def test_schools_page_for_one_local_authority(open_page: Open, app_db: Path) -> None:
    at = open_with(open_page, "app_pages/schools.py", la=NORTH)
    check_page(at, app_db, "2025/26", Filters(local_authority=NORTH))
    assert list(table(at, "Local authority")["Local authority"]) == [NORTH]
    assert any("No cold spots" in m.value for m in at.success)  # both LA schools reached
    assert "cold_spot_download" not in [b.key for b in at.get("download_button")]


def test_the_search_box_narrows_the_cold_spots(open_page: Open, app_db: Path) -> None:
    # 2024/25: only 900001 had an activity, so 900002 and 900003 are cold spots.
    at = open_with(open_page, "app_pages/schools.py", year="2024/25")
    check_page(at, app_db, "2024/25", Filters())
    assert list(table(at, "Postcode")["URN"]) == [900003, 900002]
    for text, urns in (
        ("kettering", [900002]),  # district
        ("nn6 9aa", [900003]),  # postcode
        ("NN69AA", [900003]),  # postcode without the space
        ("900002", [900002]),  # URN
        ("imaginary", [900003]),  # name
        ("nowhere", []),
        ("", [900003, 900002]),
    ):
        at.text_input(key="cold_spot_search").input(text).run()
        assert not at.exception
        assert list(table(at, "Postcode")["URN"]) == urns, text
        assert at.get("download_button")
    at.text_input(key="cold_spot_search").input("kettering").run()
    assert any("1 of 2 cold spots" in c.value for c in at.caption)


def test_schools_page_for_a_partner_with_nothing_in_the_year(open_page: Open, app_db: Path) -> None:
    at = open_with(open_page, "app_pages/schools.py", year="2024/25", partner="ROCK-NN")
    assert not at.exception
    assert any("No activities" in i.value for i in at.info)
    check_page(at, app_db, "2024/25", Filters(partner_id="ROCK-NN"))
