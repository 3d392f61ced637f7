"""Per-hub figures add up to the lead organisation's (generated data: the demo, two hubs)."""

from __future__ import annotations

import pytest

from hubmetrics import store
from hubmetrics.hubs import HubScope, parse_hubs
from hubmetrics.metrics.compute import compute_metrics
from hubmetrics.metrics.filters import Filters
from hubmetrics.metrics.registry import METRICS

NORTHAMPTONSHIRE_DISTRICTS = [f"NN{n}" for n in range(1, 19)] + ["NN29"]
HUBS = parse_hubs(
    f"""
[lead]
name = "NMPAT (demo)"

[[hub]]
key = "northamptonshire"
name = "Northamptonshire Music Education Hub"
local_authorities = ["North Northamptonshire", "West Northamptonshire"]
postcode_districts = {NORTHAMPTONSHIRE_DISTRICTS!r}
home_partners = ["NMPAT"]

[[hub]]
key = "rutland"
name = "Rutland Music"
local_authorities = ["Rutland"]
postcode_districts = ["LE15"]
"""
)
# Counts of distinct things: a partner, a genre or a child can be in both hubs, so these are
# at most the sum of the hubs' and at least the largest of them, but not the sum.
DISTINCT = ("partners_active", "genre_count", "unique_participants", "unique_cyp")
SCOPES = (*HUBS.keys, None)  # None: the activities placed in no hub
YEARS = ("2023/24", "2024/25", "2025/26")


@pytest.mark.parametrize("year", YEARS)
def test_every_count_adds_up_across_the_hubs_and_the_unplaced(
    demo: store.Connection, year: str
) -> None:
    lead = compute_metrics(demo, year, Filters())
    parts = {k: compute_metrics(demo, year, Filters(hub=HubScope(HUBS, k))) for k in SCOPES}
    counts = [k for k, m in METRICS.items() if m.unit == "count"]
    assert "participations" in counts and "state_schools" in counts
    checked = 0
    for key in counts:
        total = lead[key].value
        values = [parts[s][key].value for s in SCOPES]
        if isinstance(total, dict):
            for band, figure in total.items():
                assert sum((v or {}).get(band, 0) for v in values) == figure, (key, band)
            checked += 1
            continue
        numbers = [v or 0 for v in values]
        assert all(isinstance(v, int) for v in numbers), (key, values)
        if key in DISTINCT:
            assert max(numbers) <= (total or 0) <= sum(numbers), (key, total, values)
        else:
            assert sum(numbers) == (total or 0), (key, total, values)
        checked += 1
    assert checked == len(counts)
    # Both hubs have figures of their own, so the test is not passing on an empty hub.
    for hub in HUBS.keys:
        assert (parts[hub]["participations"].value or 0) > 0
        assert (parts[hub]["state_schools"].value or 0) > 0


def test_a_hubs_schools_are_its_local_authorities(demo: store.Connection) -> None:
    figures = compute_metrics(demo, "2025/26", Filters(hub=HubScope(HUBS, "rutland")))
    row = demo.execute(
        "SELECT count(*) FROM schools WHERE state_funded AND local_authority = 'Rutland'"
    ).fetchone()
    assert row is not None and figures["state_schools"].value == row[0] > 0


def test_a_hub_and_a_local_authority_filter_combine(demo: store.Connection) -> None:
    # Rutland's hub and a Northamptonshire local authority exclude each other: no school.
    both = Filters(local_authority="West Northamptonshire", hub=HubScope(HUBS, "rutland"))
    figures = compute_metrics(demo, "2025/26", both)
    assert figures["state_schools"].value == 0
    assert figures["participations"].value == 0
