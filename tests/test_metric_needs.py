"""Asking the engine for some metrics computes only what they need, and gives the same figures."""

from __future__ import annotations

import pytest

from hubmetrics import store
from hubmetrics.metrics.breakdown import compute_metrics_by, metrics_by_groups
from hubmetrics.metrics.compute import compute_metrics, years_with_data
from hubmetrics.metrics.filters import Filters
from hubmetrics.metrics.registry import METRIC_KEYS, needs
from hubmetrics.metrics.years import parse_year

SCOPES = (Filters(), Filters(age_band="ks2"), Filters(partner_id="NMPAT"))


def test_needs_follow_what_a_metric_is_made_from() -> None:
    coverage = needs(["school_coverage"])
    assert [m.key for m in coverage.metrics] == [
        "state_schools",
        "schools_engaged",
        "school_coverage",
    ]
    assert not coverage.genres and not coverage.year_before and not coverage.participant_parts
    assert needs(["genre_evenness"]).genres
    assert needs(["continuation_rate"]).year_before
    assert {m.key for m in needs(["continuation_rate"]).metrics} == {
        "wcet_pupils",
        "continuation_rate",
    }
    assert needs(["fsm_representation"]).metrics[-1].key == "fsm_representation"
    assert {"fsm_share", "fsm_baseline"} <= {m.key for m in needs(["fsm_representation"]).metrics}
    # A participant figure brings the record count that says whether there is data.
    assert {m.key for m in needs(["unique_cyp"]).metrics} == {"unique_participants", "unique_cyp"}
    assert needs(["unique_cyp"]).child_history == "year"
    assert needs(["unique_continuation_rate"]).child_history == "pair"
    assert needs(["progression_funnel"]).child_history == "all"
    assert needs().child_history == "all" and len(needs().metrics) == len(METRIC_KEYS)
    with pytest.raises(KeyError, match="not a metric"):
        needs(["no_such_metric"])


@pytest.mark.parametrize("scope", SCOPES, ids=["hub", "ks2", "partner"])
def test_each_metric_alone_equals_it_among_all(demo: store.Connection, scope: Filters) -> None:
    years = years_with_data(demo)
    assert len(years) >= 3  # the funnel and continuation need years before the year
    for year in years[-3:]:
        every = compute_metrics(demo, year, scope)
        for key in METRIC_KEYS:
            alone = compute_metrics(demo, year, scope, keys=[key])
            assert alone[key] == every[key], (year, key)


def test_the_figures_for_the_same_date_last_year_alone(demo: store.Connection) -> None:
    year = years_with_data(demo)[-2]
    until = parse_year(year)
    cut = __import__("datetime").date(until + 1, 2, 1)
    every = compute_metrics(demo, year, until=cut)
    for key in ("participations", "unique_continuation_rate", "continuation_rate"):
        assert compute_metrics(demo, year, until=cut, keys=[key])[key] == every[key]


def test_school_and_area_breakdowns_of_a_few_metrics(demo: store.Connection) -> None:
    year = years_with_data(demo)[-1]
    keys = ("participations", "unique_participants")
    few = metrics_by_groups(demo, year, None, ("school_urn",), keys=keys)
    every = metrics_by_groups(demo, year, None, ("school_urn",))
    assert few.keys() == every.keys() and len(few) > 10
    assert sum(1 for v in few.values() if v["unique_participants"].value) > 5
    for school, values in few.items():
        assert set(values) == set(keys)
        for key in keys:
            assert values[key] == every[school][key]
    by_la = compute_metrics_by(demo, year, None, "local_authority", keys=["fsm_representation"])
    full = compute_metrics_by(demo, year, None, "local_authority")
    assert by_la.keys() == full.keys()
    for la, values in by_la.items():
        # The share comes too: a representation cannot be published without it.
        assert values["fsm_representation"] == full[la]["fsm_representation"]
        assert values["fsm_share"] == full[la]["fsm_share"]
        assert "participations_by_age_band" not in values
