"""Participant metrics on a hand-made cohort (tests/participants_fixture.py), answers by hand."""

from __future__ import annotations

from datetime import date

import pytest
from participants_fixture import NORTH, WEST, build_cohort, ref

from hubmetrics.ingest.batches import rollback
from hubmetrics.metrics import Filters, compute_metrics, trend_metrics
from hubmetrics.metrics.breakdown import compute_metrics_by
from hubmetrics.metrics.goals import parse_goals
from hubmetrics.metrics.participants import Flow, FunnelStep, has_records
from hubmetrics.metrics.pathways import progression
from hubmetrics.metrics.status import evaluate_goals

GOAL_8 = """
[[goals]]
number = 8
title = "Build sustainable pathways to nurture musical talent"

[[goals.indicators]]
metric = "continuation_rate"
target = 0.5
target_year = "2026/27"
direction = "up"
"""


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    con = build_cohort(tmp_path_factory.mktemp("cohort") / "c.duckdb")
    yield con
    con.close()


def figures(con, year: str, **filters) -> dict:
    return compute_metrics(con, year, Filters(**filters))


def test_unique_children_each_year(cohort) -> None:
    expected = {
        "2023/24": (6, 6, 6, 6),
        "2024/25": (6, 5, 5, 6),
        "2025/26": (6, 5, 4, 6),
    }
    for year, (records, unique, cyp, participations) in expected.items():
        v = figures(cohort, year)
        assert v["unique_participants"].rows == records, year
        assert v["unique_participants"].value == unique, year
        assert v["unique_cyp"].value == cyp, year
        assert v["participations"].value == participations, year


def test_a_child_with_two_partners_counts_once(cohort) -> None:
    """Ava is in P1's tuition and P2's ensemble in 2024/25: one child for the hub, one for each
    partner."""
    assert figures(cohort, "2024/25")["unique_participants"].value == 5
    assert figures(cohort, "2024/25", partner_id="P1")["unique_participants"].value == 4
    assert figures(cohort, "2024/25", partner_id="P2")["unique_participants"].value == 2


def test_unique_continuation_rate(cohort) -> None:
    v = figures(cohort, "2024/25")["unique_continuation_rate"]
    assert (v.value, v.numerator, v.denominator) == (0.6, 3, 5)
    # The activity returns count Ava twice (tuition and ensemble): 4 / 5.
    assert figures(cohort, "2024/25")["continuation_rate"].value == pytest.approx(0.8)
    # Bo skipped 2024/25 and came back in 2025/26: not continuing from 2024/25's wcet.
    v = figures(cohort, "2025/26")["unique_continuation_rate"]
    assert (v.value, v.numerator, v.denominator) == (0.5, 1, 2)
    # No wcet records in 2022/23 (W22 is in the returns only): no data, never 0.
    v = figures(cohort, "2023/24")["unique_continuation_rate"]
    assert (v.value, v.numerator, v.denominator) == (None, 0, 0)


def test_filters(cohort) -> None:
    p1 = figures(cohort, "2024/25", partner_id="P1")["unique_continuation_rate"]
    assert (p1.value, p1.numerator, p1.denominator) == (0.4, 2, 5)  # Ava and Ed in T24
    p2 = figures(cohort, "2024/25", partner_id="P2")
    assert p2["unique_continuation_rate"].value is None  # P2 has no wcet
    assert p2["progression_funnel"].value is None  # ... so no cohort of its own
    north = figures(cohort, "2024/25", local_authority=NORTH)
    assert north["unique_participants"].value == 4  # T24 and W24 are at a North school
    c = north["unique_continuation_rate"]
    assert (c.numerator, c.denominator) == (2, 4)  # W23's four; Ava and Ed in T24
    assert figures(cohort, "2024/25", local_authority=WEST)["unique_participants"].value is None
    assert figures(cohort, "2025/26", age_band="ks3")["unique_participants"].value == 1  # Fi
    assert figures(cohort, "2025/26", age_band="adult")["unique_cyp"].value == 0  # Jo


def test_the_funnel_slice_of_each_year(cohort) -> None:
    assert figures(cohort, "2023/24")["progression_funnel"].value is None
    assert figures(cohort, "2024/25")["progression_funnel"].value == {
        "cohort": 5,
        "taking_part": 3,
        "tuition": 2,
        "ensemble": 2,
        "advanced": 0,
    }
    assert figures(cohort, "2025/26")["progression_funnel"].value == {
        "cohort": 2,
        "taking_part": 1,
        "tuition": 1,
        "ensemble": 0,
        "advanced": 0,
    }


def test_progression_cohort_by_cohort(cohort) -> None:
    p = progression(cohort)
    assert p.cohorts == {"2023/24": 5, "2024/25": 2}
    assert p.last_year == "2025/26"
    assert p.steps == [
        FunnelStep("2023/24", "2024/25", 5, 3, 2, 2, 0),
        FunnelStep("2023/24", "2025/26", 5, 2, 2, 1, 1),  # Bo back after a year away
        FunnelStep("2024/25", "2025/26", 2, 1, 1, 0, 0),
    ]
    flows = {(f.cohort, f.from_year, f.from_stage, f.to_stage): f.children for f in p.flows}
    assert flows == {
        ("2023/24", "2023/24", "wcet", "ensemble"): 2,  # Ava, Di
        ("2023/24", "2023/24", "wcet", "tuition"): 1,  # Ed
        ("2023/24", "2023/24", "wcet", "none"): 2,  # Bo, Cy
        ("2023/24", "2024/25", "ensemble", "advanced"): 1,  # Ava
        ("2023/24", "2024/25", "ensemble", "none"): 1,  # Di
        ("2023/24", "2024/25", "tuition", "none"): 1,  # Ed
        ("2023/24", "2024/25", "none", "tuition"): 1,  # Bo comes back
        ("2023/24", "2024/25", "none", "none"): 1,  # Cy
        ("2024/25", "2024/25", "wcet", "tuition"): 1,  # Gu
        ("2024/25", "2024/25", "wcet", "none"): 1,  # Hal
    }
    assert all(isinstance(f, Flow) and f.to_year > f.from_year for f in p.flows)
    # The funnel's first later year is the engine's slice of that year.
    for step in p.steps:
        if int(step.year[:4]) == int(step.cohort[:4]) + 1:
            assert figures(cohort, step.year)["progression_funnel"].value == {
                "cohort": step.cohort_size,
                "taking_part": step.taking_part,
                "tuition": step.tuition,
                "ensemble": step.ensemble,
                "advanced": step.advanced,
            }


def test_progression_under_a_filter(cohort) -> None:
    north = progression(cohort, Filters(local_authority=NORTH))
    assert north.cohorts == {"2023/24": 4, "2024/25": 2}  # Di was at the West school
    assert north.steps[0] == FunnelStep("2023/24", "2024/25", 4, 2, 2, 0, 0)  # T24: Ava, Ed


def test_until_cuts_the_year_but_not_the_one_before(cohort) -> None:
    v = compute_metrics(cohort, "2025/26", Filters(), until=date(2025, 9, 30))
    assert v["unique_participants"].value == 3  # T25 only: Ava, Bo, Gu
    c = v["unique_continuation_rate"]
    assert (c.numerator, c.denominator) == (1, 2)


def test_groups_equal_the_filtered_engine(cohort) -> None:
    for year in ("2024/25", "2025/26"):
        for by in ("partner_id", "age_band", "local_authority"):
            groups = compute_metrics_by(cohort, year, Filters(), by)
            for group, values in groups.items():
                if group is not None:
                    assert values == compute_metrics(cohort, year, Filters(**{by: group})), (
                        year,
                        by,
                        group,
                    )


def test_the_trend_matches_each_year(cohort) -> None:
    every = trend_metrics(cohort)
    assert list(every) == ["2022/23", "2023/24", "2024/25", "2025/26"]
    for year, values in every.items():
        assert values == compute_metrics(cohort, year), year
    assert every["2022/23"]["unique_participants"].value is None  # returns, but no records


def test_goal_8_uses_records_where_they_exist(cohort) -> None:
    goals = parse_goals(GOAL_8)
    (ind,) = evaluate_goals(cohort, goals, "2024/25", as_of=date(2027, 1, 1))[0].indicators
    assert (ind.metric, ind.value, ind.status) == ("unique_continuation_rate", 0.6, "on_track")
    assert "From participant records" in ind.note and "80.0%" in ind.note
    # 2023/24 has no wcet records the year before: the activity returns' figure stands.
    (ind,) = evaluate_goals(cohort, goals, "2023/24", as_of=date(2027, 1, 1))[0].indicators
    assert (ind.metric, ind.value) == ("continuation_rate", 0.05)
    # Under a filter where the records give no figure, the returns' figure stands too.
    (ind,) = evaluate_goals(
        cohort, goals, "2024/25", Filters(partner_id="P2"), as_of=date(2027, 1, 1)
    )[0].indicators
    assert ind.metric == "continuation_rate"


def test_without_records_the_participant_figures_are_no_data(loaded_db) -> None:
    assert not has_records(loaded_db)
    v = compute_metrics(loaded_db, "2025/26")
    for key in ("unique_participants", "unique_cyp", "unique_continuation_rate"):
        assert v[key].value is None and v[key].rows == 0, key
    assert v["progression_funnel"].value is None
    assert progression(loaded_db).steps == []


def test_rolling_back_the_records_takes_the_figures_away(tmp_path) -> None:
    con = build_cohort(tmp_path / "c.duckdb")
    try:
        assert figures(con, "2024/25")["unique_participants"].value == 5
        rollback(con, 4)
        assert figures(con, "2024/25")["unique_participants"].value is None
    finally:
        con.close()


def test_refs_are_pseudonyms(cohort) -> None:
    refs = {r[0] for r in cohort.execute("SELECT participant_ref FROM participants").fetchall()}
    assert ref("Ava") in refs and len(refs) == 9
    assert not any("A1000" in r for r in refs)
