"""The goals file: the default loads, and every kind of mistake is explained in plain words."""

from __future__ import annotations

import pytest

from hubmetrics import config
from hubmetrics.metrics import METRIC_KEYS, Filters
from hubmetrics.metrics.goals import GoalsFileError, load_goals, parse_goals

GOOD = """
[baselines]
global_majority_share = 0.22

[[goals]]
number = 1
title = "Reach everyone"

[[goals.indicators]]
metric = "school_coverage"
target = 0.9
target_year = "2027/28"
baseline = { value = 0.78, year = "2023/24" }
direction = "up"

[[goals.indicators]]
metric = "participations"
target = 1000
target_year = "2027/28"
direction = "up"
filters = { age_band = "early_years" }
"""

INDICATOR = """
[[goals]]
number = 1
title = "A goal"

[[goals.indicators]]
{body}
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(GoalsFileError) as info:
        parse_goals(text)
    return info.value.problems


def indicator(**fields: str) -> str:
    base = {
        "metric": '"participations"',
        "target": "100",
        "target_year": '"2027/28"',
        "direction": '"up"',
    }
    base.update(fields)
    body = "\n".join(f"{k} = {v}" for k, v in base.items() if v is not None and v != "")
    return INDICATOR.format(body=body)


def test_default_file_loads_with_the_nine_goals():
    goals = load_goals(config.DEFAULT_GOALS)
    assert [g.number for g in goals.goals] == list(range(1, 10))
    assert goals.baselines == {
        "global_majority_share": 0.22,
        "female_share": 0.49,
        "ethnicity_white": 0.78,
        "ethnicity_mixed": 0.065,
        "ethnicity_asian": 0.07,
        "ethnicity_black": 0.065,
        "ethnicity_chinese": 0.005,
        "ethnicity_other": 0.015,
    }
    # The ethnic groups' shares add up to the whole, and the global majority's to theirs.
    groups = [v for k, v in goals.baselines.items() if k.startswith("ethnicity_")]
    assert sum(groups) == pytest.approx(1.0)
    assert sum(groups) - goals.baselines["ethnicity_white"] == pytest.approx(0.22)
    assert goals.suppression_threshold == 4
    metrics = {g.number: [i.metric for i in g.indicators] for g in goals.goals}
    assert metrics == {
        1: ["school_coverage", "cpd_participants"],
        2: ["wcet_pupils", "singing_participants", "instrumental_learners"],
        3: ["partners_active"],
        4: ["cyp_participations", "early_years_participations"],
        5: ["advanced_participants", "ensemble_members"],
        6: ["fsm_representation", "send_representation", "lac_participants",
            "cold_spot_schools"],
        7: ["genre_evenness", "global_majority_representation"],
        8: ["continuation_rate"],
        9: ["creative_participants"],
    }  # fmt: skip
    for goal in goals.goals:
        for ind in goal.indicators:
            assert ind.target_year == "2027/28"
            first = "2024/25" if ind.metric == "continuation_rate" else "2023/24"
            assert ind.baseline is not None and ind.baseline.year == first
            expected = "down" if ind.metric == "cold_spot_schools" else "up"
            assert ind.direction == expected
    assert goals.goals[0].title.lower().startswith("provide high quality music education")
    assert "sustainable pathways" in goals.goals[7].title


def test_env_variable_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("HUBMETRICS_GOALS", str(path))
    goals = load_goals()
    assert goals.goals[0].title == "Reach everyone"
    second = goals.goals[0].indicators[1]
    assert second.filters == Filters(age_band="early_years")
    assert second.baseline is None


def test_missing_file(tmp_path):
    with pytest.raises(GoalsFileError, match="there is no file"):
        load_goals(tmp_path / "nope.toml")


def test_not_toml():
    (problem,) = problems_of("[[goals]\nnumber = 1")
    assert "not valid TOML" in problem


def test_unknown_metric_lists_the_valid_keys():
    (problem,) = problems_of(indicator(metric='"school_coverag"'))
    assert "'school_coverag' is not a metric" in problem
    assert "did you mean school_coverage?" in problem
    for key in METRIC_KEYS:
        if key not in ("participations_by_age_band", "progression_funnel"):
            assert key in problem
    assert "progression_funnel" not in problem


@pytest.mark.parametrize("key", ["participations_by_age_band", "progression_funnel"])
def test_breakdown_cannot_be_an_indicator(key):
    (problem,) = problems_of(indicator(metric=f'"{key}"'))
    assert "not one number" in problem


def test_bad_year_formats():
    (problem,) = problems_of(indicator(target_year='"2027-28"'))
    assert "target_year" in problem and "2025/26" in problem
    (problem,) = problems_of(indicator(baseline='{ value = 1, year = "23/24" }'))
    assert "baseline year" in problem
    (problem,) = problems_of(indicator(baseline='{ value = 1, year = "2028/29" }'))
    assert "must be before the target year" in problem


def test_direction_must_be_up_or_down():
    (problem,) = problems_of(indicator(direction='"higher"'))
    assert "direction is 'higher'" in problem and '"up"' in problem and '"down"' in problem
    (problem,) = problems_of(indicator(direction=None))
    assert "has no direction" in problem


def test_missing_target():
    (problem,) = problems_of(indicator(target=None))
    assert (
        problem
        == "goal 1, indicator 1 (participations) has no target: add target = the value hoped for"
    )
    (problem,) = problems_of(indicator(target='"lots"'))
    assert "target must be a number" in problem


def test_share_target_written_as_percent():
    (problem,) = problems_of(indicator(metric='"school_coverage"', target="85"))
    assert "write 0.85 for 85%" in problem


def test_duplicate_goal_numbers():
    text = """
[[goals]]
number = 2
title = "One"

[[goals]]
number = 2
title = "Two"
"""
    (problem,) = problems_of(text)
    assert problem == (
        "goal number 2 is used twice (the 1st and the 2nd goal); give each goal its own number"
    )


def test_every_mistake_is_listed_at_once():
    text = """
[baseline]
global_majority_share = 0.22

[[goals]]
number = 1
title = "A"

[[goals.indicators]]
metric = "nonsense"
target_year = "2027-28"
direction = "sideways"
filters = { age_band = "year7" }

[[goals]]
number = 1
"""
    problems = problems_of(text)
    assert len(problems) == 8, problems
    joined = "\n".join(problems)
    for words in (
        "[baseline] is not a section",
        "did you mean baselines?",
        "'nonsense' is not a metric",
        "has no target",
        "target_year",
        "direction is 'sideways'",
        "'year7' is not an age band",
        "goal number 1 is used twice",
        "has no title",
    ):
        assert words in joined
    with pytest.raises(GoalsFileError) as info:
        parse_goals(text, source="goals.toml")
    assert str(info.value).startswith("The goals file goals.toml has 8 mistakes:")


def test_baselines_and_suppression_are_checked():
    problems = problems_of(
        "[baselines]\nglobal_majority_share = 22\nfsm = 0.3\n[suppression]\nthreshold = 0\n"
        '[[goals]]\nnumber = 1\ntitle = "A"\n'
    )
    joined = "\n".join(problems)
    assert "global_majority_share must be a share between 0 and 1" in joined
    assert "fsm is not a baseline" in joined
    assert "threshold must be a whole number of 1 or more" in joined
