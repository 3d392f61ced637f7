"""The Reach page renders and shows the engine's figures, whole and filtered."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from page_helpers import Open, open_with, table
from streamlit.testing.v1 import AppTest

from hubmetrics import store
from hubmetrics.app import format as fmt
from hubmetrics.app.filters import AGE_BAND_LABELS
from hubmetrics.contract import AGE_BANDS
from hubmetrics.metrics import METRICS, Filters, MetricValue, compute_metrics
from hubmetrics.metrics import reach as reach_lib
from hubmetrics.metrics.breakdown import compute_metrics_by
from hubmetrics.metrics.goals import load_goals
from hubmetrics.metrics.reach import SchoolReach, school_reach

NORTH = "North Northamptonshire"


def engine(path: Path, year: str, filters: Filters) -> dict[str, MetricValue]:
    con = store.connect(path)
    try:
        return compute_metrics(con, year, filters, baselines=load_goals().baselines)
    finally:
        con.close()


def percent(value: object) -> float | None:
    return value * 100 if isinstance(value, int | float) else None


def same(shown: object, expected: object) -> bool:
    if expected is None:
        return shown is None or bool(pd.isna(shown))
    return shown == pytest.approx(expected)


def check_page(at: AppTest, path: Path, year: str, filters: Filters) -> None:
    values = engine(path, year, filters)
    metrics = {m.label: m.value for m in at.metric}
    for key in ("participations", "cyp_participations", "school_age_participations"):
        assert metrics[METRICS[key].label] == fmt.figure(key, values[key].value)
    lac = values["lac_participants"].value
    assert metrics[METRICS["lac_participants"].label] == fmt.figure("lac_participants", lac)

    bands = table(at, "Age band")
    expected = values["participations_by_age_band"].value
    assert isinstance(expected, dict)
    assert list(bands["Age band"]) == [AGE_BAND_LABELS[b] for b in AGE_BANDS]  # all eight
    assert list(bands["Participations"]) == [expected[b] for b in AGE_BANDS]

    groups = table(at, "Representation").set_index("Group")
    for label, share, base, rep in (
        ("Free school meals", "fsm_share", "fsm_baseline", "fsm_representation"),
        ("SEND", "send_share", "send_baseline", "send_representation"),
        ("Global majority", "global_majority_share", None, "global_majority_representation"),
    ):
        row = groups.loc[label]
        assert same(row["Share of participants"], percent(values[share].value))
        area = values[base].value if base else values[rep].denominator
        assert same(row["Area's share"], percent(area))
        assert same(row["Representation"], values[rep].value)
        assert row["Participants counted"] == values[share].denominator

    con = store.connect(path)
    try:
        baselines = load_goals().baselines
        for by, column in (("local_authority", "Local authority"), ("district", "District")):
            shown = table(at, column).set_index(column)
            groups_by = compute_metrics_by(con, year, filters, by, baselines=baselines)
            for group, figures in groups_by.items():
                if group is None:
                    continue
                row = shown.loc[group]
                assert row["Participations"] == figures["participations"].value
                assert same(row["FSM share"], percent(figures["fsm_share"].value))
                assert same(row["FSM area"], percent(figures["fsm_baseline"].value))
                assert same(row["SEND representation"], figures["send_representation"].value)
                assert row["Looked-after"] == figures["lac_participants"].value
            if by == "local_authority" and filters.local_authority is None:
                total = shown["Participations"].sum()
                assert total == values["participations"].value  # incl. "Not at a listed school"
        reach = school_reach(con, year, filters)
    finally:
        con.close()
    on_map = table(at, "Reached")
    assert list(on_map["URN"]) == [s.urn for s in reach]
    assert list(on_map["Participations"]) == [s.participations for s in reach]
    engaged = on_map[(on_map["Reached"] == "Yes") & (on_map["State-funded"] == "Yes")]
    assert len(engaged) == values["schools_engaged"].value
    assert metrics["Engaged state-funded schools (●)"] == f"{len(engaged):,}"
    assert metrics["Cold spots: no activity (×)"] == fmt.figure(
        "cold_spot_schools", values["cold_spot_schools"].value
    )


def test_reach_page_whole_hub(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/reach.py")
    assert at.title[0].value == "Reach"
    check_page(at, app_db, "2025/26", Filters())
    assert "Not at a listed school" in set(table(at, "Local authority")["Local authority"])
    assert any("no area figure for looked-after" in c.value for c in at.caption)


def test_reach_page_for_one_local_authority(open_page: Open, app_db: Path) -> None:
    at = open_with(open_page, "app_pages/reach.py", la=NORTH)
    assert at.selectbox(key="filter_la").value == NORTH
    check_page(at, app_db, "2025/26", Filters(local_authority=NORTH))
    assert list(table(at, "Local authority")["Local authority"]) == [NORTH]
    assert list(table(at, "District")["District"]) == ["Corby", "Kettering"]
    assert len(table(at, "Reached")) == 2  # the LA's two schools on the map


def test_reach_page_for_a_partner_and_an_earlier_year(open_page: Open, app_db: Path) -> None:
    at = open_with(open_page, "app_pages/reach.py", year="2024/25", partner="NMPAT")
    check_page(at, app_db, "2024/25", Filters(partner_id="NMPAT"))


def test_reach_page_with_no_data_says_so(open_page: Open) -> None:
    at = open_with(open_page, "app_pages/reach.py", year="2024/25", partner="ROCK-NN")
    assert not at.exception
    assert any("No activities" in i.value for i in at.info)
    assert not at.dataframe


def test_more_schools_than_a_map_can_show_are_drawn_by_district(
    open_page: Open, app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past SCHOOL_MAP_LIMIT (20,000 schools nationally) the map draws districts, and the page
    lists that many schools (the download has every one)."""
    monkeypatch.setattr(reach_lib, "SCHOOL_MAP_LIMIT", 1)
    at = open_page("app_pages/reach.py")
    assert not at.exception
    assert any("too many to draw one by one" in c.value for c in at.caption)
    con = store.connect(app_db)
    try:
        year = next(b.value for b in at.selectbox if b.label == "Academic year")
        reach = school_reach(con, year, Filters())
    finally:
        con.close()
    # The page shows as many rows as the limit, and says the download has them all.
    assert list(table(at, "Reached")["URN"]) == [reach[0].urn]
    assert any(f"The first 1 of {len(reach):,} rows" in c.value for c in at.caption)
    # Its file is made when asked for (a megabyte nationally), then offered for the session.
    downloads = lambda: [b.key for b in at.get("download_button")]  # noqa: E731
    assert "schools_map_table_csv" not in downloads()
    assert "age_band_table_csv" in downloads()  # a short table's file is there at once
    prepare = at.button(key="schools_map_table_prepare")
    assert (
        prepare.label
        == f"Prepare a download of all {len(reach):,} rows (CSV, small numbers hidden)"
    )
    prepare.click().run()
    assert not at.exception
    assert "schools_map_table_csv" in downloads()
    assert not [b for b in at.button if b.key == "schools_map_table_prepare"]
    at.run()  # and stays offered
    assert "schools_map_table_csv" in downloads()


def test_district_reach_adds_up_its_schools() -> None:
    def school(
        urn: int, district: str | None, state: bool, engaged: bool, n: int, lon: float | None
    ):
        return SchoolReach(
            urn,
            f"S{urn}",
            "primary",
            "LA",
            district,
            None,
            None if lon is None else 52.0,
            lon,
            None,
            None,
            state,
            n,
            1 if engaged else 0,
            engaged,
        )

    districts = reach_lib.district_reach(
        [
            school(1, "Corby", True, True, 30, -0.7),
            school(2, "Corby", True, False, 0, -0.5),
            school(3, "Corby", False, True, 5, None),  # independent, no location
            school(4, None, True, True, 2, -1.0),
            school(5, "Brackley", True, False, 0, None),
        ]
    )
    assert [d.district for d in districts] == ["Brackley", "Corby", None]
    brackley, corby, unknown = districts
    assert (corby.state_schools, corby.engaged, corby.cold_spots, corby.participations) == (
        2,
        1,
        1,
        35,
    )
    assert corby.longitude == pytest.approx(-0.6) and corby.latitude == pytest.approx(52.0)
    assert corby.coverage == 0.5
    assert brackley.longitude is None and brackley.coverage == 0.0
    assert (unknown.state_schools, unknown.engaged, unknown.participations) == (1, 1, 2)
