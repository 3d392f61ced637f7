"""The status rule (expected value on the line, up/down, 10% band) and evaluate_goals."""

from __future__ import annotations

from datetime import date

import pytest
from metrics_fixture import NORTH, build_fixture

from hubmetrics.metrics import Filters, MetricValue
from hubmetrics.metrics.goals import Baseline, Goals, parse_goals
from hubmetrics.metrics.status import evaluate_goals, expected_value, has_data, status_of

LINE = Baseline(100.0, "2023/24")


def test_expected_value_on_the_line():
    # 2023/24 -> 2027/28 is four steps from 100 to 200.
    assert expected_value(200, "2027/28", LINE, "2023/24") == 100
    assert expected_value(200, "2027/28", LINE, "2024/25") == 125
    assert expected_value(200, "2027/28", LINE, "2025/26") == 150
    assert expected_value(200, "2027/28", LINE, "2027/28") == 200
    # Not extended past its ends.
    assert expected_value(200, "2027/28", LINE, "2030/31") == 200
    assert expected_value(200, "2027/28", LINE, "2020/21") == 100
    # Down: 66 -> 30.
    assert expected_value(30, "2027/28", Baseline(66, "2023/24"), "2025/26") == 48


def test_expected_value_without_a_baseline_is_the_target():
    assert expected_value(200, "2027/28", None, "2024/25") == 200
    assert expected_value(0.9, "2027/28", None, "2030/31") == 0.9


def test_status_up():
    assert status_of(150, 150, "up") == "on_track"
    assert status_of(151, 150, "up") == "on_track"
    assert status_of(135, 150, "up") == "at_risk"  # exactly 0.9 × expected
    assert status_of(134.99, 150, "up") == "off_track"
    # 0.9 × 0.01 is 0.009000000000000001 in floating point; 0.009 is still exactly at it.
    assert status_of(0.009, 0.01, "up") == "at_risk"
    assert status_of(0.00899, 0.01, "up") == "off_track"
    assert status_of(None, 150, "up") == "no_data"


def test_status_down():
    assert status_of(48, 48, "down") == "on_track"
    assert status_of(40, 48, "down") == "on_track"
    assert status_of(52.8, 48, "down") == "at_risk"  # exactly 1.1 × expected
    assert status_of(52.81, 48, "down") == "off_track"
    assert status_of(1.243, 1.13, "down") == "at_risk"  # 1.1 × 1.13 = 1.2429999999999999
    assert status_of(None, 48, "down") == "no_data"
    assert status_of(0, 0, "down") == "on_track"
    assert status_of(1, 0, "down") == "off_track"


def test_status_with_and_without_baseline():
    # Without a baseline the target itself is expected every year.
    assert status_of(180, expected_value(200, "2027/28", None, "2025/26"), "up") == "at_risk"
    # With a baseline of 100 in 2023/24, 2025/26 expects 150: 180 is on track.
    assert status_of(180, expected_value(200, "2027/28", LINE, "2025/26"), "up") == "on_track"


def test_bad_direction():
    with pytest.raises(ValueError):
        status_of(1, 1, "sideways")


def test_has_data():
    assert has_data(MetricValue("participations", 0, rows=3))
    assert not has_data(MetricValue("participations", 0, rows=0))
    assert not has_data(MetricValue("fsm_share", None, 0, 0, 0, rows=3))
    assert not has_data(MetricValue("lac_participants", 0, skipped=3, rows=3))
    assert has_data(MetricValue("lac_participants", 0, skipped=2, rows=3))
    assert has_data(MetricValue("state_schools", 6))


GOALS = """
[baselines]
global_majority_share = 0.22

[[goals]]
number = 1
title = "Reach"

[[goals.indicators]]
metric = "participations"
target = 500
target_year = "2027/28"
baseline = { value = 100, year = "2023/24" }
direction = "up"

[[goals.indicators]]
metric = "school_coverage"
target = 0.9
target_year = "2027/28"
direction = "up"

[[goals.indicators]]
metric = "cold_spot_schools"
target = 0
target_year = "2027/28"
baseline = { value = 4, year = "2023/24" }
direction = "down"

[[goals]]
number = 2
title = "Early years and pathways"

[[goals.indicators]]
metric = "early_years_participations"
target = 20
target_year = "2027/28"
direction = "up"
filters = { age_band = "early_years" }

[[goals.indicators]]
metric = "continuation_rate"
target = 0.3
target_year = "2027/28"
direction = "up"

[[goals.indicators]]
metric = "lac_participants"
target = 5
target_year = "2027/28"
direction = "up"
"""


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = build_fixture(tmp_path_factory.mktemp("status") / "t.duckdb")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def goals() -> Goals:
    return parse_goals(GOALS)


def by_metric(results):
    return {i.metric: i for g in results for i in g.indicators}


def test_evaluate_goals_on_the_fixture(con, goals):
    results = evaluate_goals(con, goals, "2025/26", as_of=date(2027, 1, 1))
    assert [(g.number, g.title) for g in results] == [(1, "Reach"), (2, "Early years and pathways")]
    r = by_metric(results)
    # participations 307; expected 100 + 400 × 2/4 = 300 -> on track.
    p = r["participations"]
    assert (p.value, p.expected, p.target, p.status) == (307, 300.0, 500.0, "on_track")
    assert p.comparison is None  # 2025/26 is not in progress on 1 January 2027
    # coverage 5/6 = 0.833 against 0.9 (no baseline): 0.833 >= 0.81 -> at risk.
    c = r["school_coverage"]
    assert (c.value, c.expected, c.status) == (5 / 6, 0.9, "at_risk")
    # cold spots 1 against 4 -> 0 (expected 2) -> on track.
    assert (r["cold_spot_schools"].value, r["cold_spot_schools"].expected) == (1, 2.0)
    assert r["cold_spot_schools"].status == "on_track"
    # early years 18 against 20: 18 = 0.9 × 20 exactly -> at risk.
    e = r["early_years_participations"]
    assert (e.value, e.status, e.filters) == (18, "at_risk", Filters(age_band="early_years"))
    # continuation 33/90 = 0.367 against 0.3 -> on track.
    assert r["continuation_rate"].status == "on_track"
    assert r["lac_participants"].status == "on_track"


def test_no_data_statuses(con, goals):
    r = by_metric(evaluate_goals(con, goals, "2024/25", as_of=date(2027, 1, 1)))
    # 2024/25 continuation has no denominator (no wcet in 2023/24).
    assert (r["continuation_rate"].value, r["continuation_rate"].status) == (None, "no_data")
    r = by_metric(evaluate_goals(con, goals, "2030/31", as_of=date(2027, 1, 1)))
    assert {i.status for i in r.values()} == {"no_data"}
    assert "No activities" in r["participations"].note
    # Adult rows record no lac at all: 0 would be a false figure, so no data.
    r = by_metric(
        evaluate_goals(con, goals, "2025/26", Filters(age_band="adult"), as_of=date(2027, 1, 1))
    )
    assert (r["lac_participants"].value, r["lac_participants"].status) == (None, "no_data")
    assert r["lac_participants"].detail.as_json() == {"value": 0, "skipped": 2}
    # The early-years indicator cannot be narrowed to adults: no data, said so.
    e = r["early_years_participations"]
    assert (e.value, e.status) == (None, "no_data")
    assert "exclude each other" in e.note


def test_filters_reach_every_indicator(con, goals):
    r = by_metric(
        evaluate_goals(
            con, goals, "2025/26", Filters(local_authority=NORTH), as_of=date(2027, 1, 1)
        )
    )
    assert r["participations"].value == 121
    assert "whole hub" in r["participations"].note
    assert r["school_coverage"].value == 2 / 3
    assert r["early_years_participations"].filters == Filters(
        local_authority=NORTH, age_band="early_years"
    )


def test_year_in_progress_has_the_same_date_last_year(con, goals):
    results = evaluate_goals(con, goals, "2025/26", as_of=date(2026, 3, 1))
    p = by_metric(results)["participations"]
    assert p.comparison is not None
    assert p.comparison.academic_year == "2024/25"
    assert p.comparison.until == date(2025, 3, 1)
    # A1 (60) and A3 (20, started 2025-03-01) count; A2 (2025-08-31) does not.
    assert p.comparison.value.value == 80
    assert p.value == 307  # the year in progress itself is not cut
    cont = by_metric(results)["continuation_rate"].comparison
    assert cont.value.value is None  # 2024/25 has no 2023/24 wcet to continue from
    as_json = p.as_json()
    assert as_json["comparison"] == {"academic_year": "2024/25", "until": "2025-03-01", "value": 80}


def test_leap_day_as_of(con, goals):
    results = evaluate_goals(con, goals, "2027/28", as_of=date(2028, 2, 29))
    p = by_metric(results)["participations"]
    assert p.comparison.until == date(2027, 2, 28)
