"""The children's profile and the funnel's table and Sankey, on the hand-made cohort."""

from __future__ import annotations

import pytest
from participants_fixture import NORTH, build_cohort

from hubmetrics.metrics import Filters
from hubmetrics.metrics.demographics import area_shares, children_profile
from hubmetrics.metrics.pathways import cohort_sankey, funnel_rows, progression

AREA = area_shares(
    {"female_share": 0.49, "ethnicity_white": 0.8, "ethnicity_black": 0.05}, 0.25, 0.16
)
C = "[c]"


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    con = build_cohort(tmp_path_factory.mktemp("progression") / "c.duckdb")
    yield con
    con.close()


def table(profile, dimension):
    return {r.group: (r.children, r.share, r.area_share, r.representation)
            for r in profile.dimension(dimension)}  # fmt: skip


def test_the_profile_with_true_values(cohort) -> None:
    p = children_profile(cohort, "2024/25", area=AREA, threshold=None)
    assert (p.children, p.school_age) == (5, 5)
    ethnicity = table(p, "Ethnicity")
    assert ethnicity["White"] == (2, pytest.approx(2 / 3), 0.8, pytest.approx(2 / 3 / 0.8))
    assert ethnicity["Black"] == (1, pytest.approx(1 / 3), 0.05, pytest.approx(1 / 3 / 0.05))
    assert ethnicity["Asian"] == (0, 0.0, None, None)  # no area figure in AREA
    assert ethnicity["Not known (refused or not obtained)"] == (1, None, None, None)
    assert ethnicity["Not recorded"] == (1, None, None, None)
    sex = table(p, "Sex")
    assert sex["Girls"] == (2, 0.5, 0.49, pytest.approx(0.5 / 0.49))
    assert sex["Boys"] == (2, 0.5, pytest.approx(0.51), pytest.approx(0.5 / 0.51))
    assert sex["Other or not known"][0] == 1
    fsm = table(p, "Free school meals")
    assert fsm["Eligible"] == (3, 0.75, 0.25, 3.0)
    assert fsm["Not eligible"][:3] == (1, 0.25, 0.75)
    assert fsm["Not recorded"][0] == 1
    send = table(p, "SEND")
    assert send["EHCP"] == (1, 0.25, None, None)  # the schools list gives SEND as one share
    assert send["No SEND"] == (3, 0.75, pytest.approx(0.84), pytest.approx(0.75 / 0.84))
    assert send["SEN support"][0] == 0


def test_the_profile_with_small_numbers_hidden(cohort) -> None:
    p = children_profile(cohort, "2024/25", area=AREA, threshold=1)
    ethnicity = table(p, "Ethnicity")
    assert [ethnicity[g][0] for g in ("White", "Black", "Not recorded")] == [2, C, C]
    # A not-recorded count is hidden, so every share would give it away: all hidden but 0.
    assert ethnicity["White"][1] == C and ethnicity["White"][3] == C
    assert ethnicity["Asian"][:2] == (0, 0.0)
    sex = table(p, "Sex")
    # "Other or not known" (1) is hidden, and so is the smallest cell beside it (Girls, 2).
    assert (sex["Girls"][0], sex["Boys"][0], sex["Other or not known"][0]) == (C, 2, C)
    assert sex["Boys"][1] == C
    p4 = children_profile(cohort, "2024/25", area=AREA, threshold=4)
    assert (p4.children, p4.school_age) == (5, 5)
    assert all(r.children in (0, C) for r in p4.rows)


def test_the_profile_follows_the_filters(cohort) -> None:
    north = children_profile(cohort, "2024/25", Filters(local_authority=NORTH), area=AREA,
                             threshold=None)  # fmt: skip
    assert north.children == 4  # T24 and W24 are at the North school; E24 has none
    assert children_profile(cohort, "2025/26", Filters(age_band="adult"), area=AREA,
                            threshold=None).school_age == 0  # fmt: skip


def test_the_funnel_table(cohort) -> None:
    rows = funnel_rows(progression(cohort), None)
    assert rows[0] == {
        "Cohort (first in whole-class teaching)": "2023/24",
        "Year": "2024/25",
        "Children in the cohort": 5,
        "Taking part": 3,
        "Tuition": 2,
        "Ensemble or choir": 2,
        "Advanced": 0,
        "Taking part (% of cohort)": 0.6,
        "Tuition (% of cohort)": 0.4,
        "Ensemble or choir (% of cohort)": 0.4,
        "Advanced (% of cohort)": 0.0,
    }
    hidden = funnel_rows(progression(cohort), 2)
    assert [hidden[0][k] for k in ("Children in the cohort", "Taking part", "Tuition")] == [5, 3, C]
    assert hidden[0]["Tuition (% of cohort)"] == C and hidden[0]["Advanced"] == 0


def test_the_sankey_of_a_cohort(cohort) -> None:
    p = progression(cohort)
    s = cohort_sankey(p, "2023/24", None)
    links = {
        (s.labels[a], s.labels[b]): n
        for a, b, n in zip(s.sources, s.targets, s.values, strict=True)
    }
    assert links == {
        ("Whole-class teaching · 2023/24", "Ensemble or choir · 2024/25"): 2,
        ("Whole-class teaching · 2023/24", "Tuition · 2024/25"): 1,
        ("Whole-class teaching · 2023/24", "No record · 2024/25"): 2,
        ("Ensemble or choir · 2024/25", "Advanced · 2025/26"): 1,
        ("Ensemble or choir · 2024/25", "No record · 2025/26"): 1,
        ("Tuition · 2024/25", "No record · 2025/26"): 1,
        ("No record · 2024/25", "Tuition · 2025/26"): 1,
        ("No record · 2024/25", "No record · 2025/26"): 1,
    }
    assert s.hidden == 0
    # Flows of 1 or 2 children are left out under a threshold of 2: here every one.
    small = cohort_sankey(p, "2023/24", 2)
    assert (small.values, small.labels, small.hidden) == ([], [], 8)
