"""Invariants of the metrics on generated data (seeded) and on the demo data."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from metrics_fixture import (
    PARTNER_COLUMNS,
    SCHOOL_COLUMNS,
    insert_activities,
    insert_rows,
)

from hubmetrics import config, store
from hubmetrics.contract import ACTIVITY_TYPES, AGE_BANDS, GENRES, LEVELS
from hubmetrics.metrics import (
    METRICS,
    Filters,
    cold_spot_school_list,
    compute_metrics,
    trend_metrics,
    year_label,
)

LAS = ("North Northamptonshire", "West Northamptonshire")
PARTNERS = ("P1", "P2", "P3", "P4", "P5")
YEARS = ("2023/24", "2024/25", "2025/26")
SCHOOL_AGE = ("ks1", "ks2", "ks3", "ks4", "ks5")
GM = {"global_majority_share": 0.2}

# Sums that split exactly over any partition of the activity rows.
ADDITIVE = (
    "participations",
    "cyp_participations",
    "early_years_participations",
    "school_age_participations",
    "adult_participations",
    "wcet_pupils",
    "instrumental_learners",
    "singing_participants",
    "ensemble_members",
    "advanced_participants",
    "creative_participants",
    "cpd_participants",
)
WITH_SKIPPED = ("new_participants", "lac_participants")
RATIO_PARTS = ("fsm_share", "send_share", "global_majority_share")
SHARES = [k for k, m in METRICS.items() if m.unit in ("share", "index")]


def _maybe(rng: random.Random, value, blank: float = 0.2):
    return None if rng.random() < blank else value


def generate(seed: int, n: int = 400):
    """Schools and activity tuples (as in metrics_fixture.ACTIVITY_COLUMNS), at random."""
    rng = random.Random(seed)
    schools = []
    for i in range(30):
        pupils = _maybe(rng, rng.randint(30, 1500))
        schools.append(
            (1, None, 200000 + i, f"School {i}", "primary", rng.choice(LAS), "D", pupils,
             _maybe(rng, round(rng.uniform(0, 60), 1)), _maybe(rng, round(rng.uniform(0, 30), 1)),
             rng.random() > 0.15)
        )  # fmt: skip
    urns = [s[2] for s in schools] + [999001, None, None]
    activities = []
    start = date(2023, 8, 25)
    for i in range(n):
        day = start + timedelta(days=rng.randint(0, 365 * 3 + 14))
        participants = rng.choice((0, 1, 2, 5, 12, 30, 60))

        def part(p=participants):
            return _maybe(rng, rng.randint(0, p))

        activities.append(
            (f"G{i}", rng.choice(PARTNERS), rng.choice(ACTIVITY_TYPES),
             _maybe(rng, rng.choice(GENRES)), _maybe(rng, rng.choice(LEVELS)), day.isoformat(),
             rng.choice(urns), rng.choice(AGE_BANDS), participants, part(), part(), part(),
             part(), part(), part())
        )  # fmt: skip
    return schools, activities


def build(path, seed: int):
    schools, activities = generate(seed)
    con = store.connect(path)
    insert_rows(con, "school_row", SCHOOL_COLUMNS, schools)
    insert_rows(con, "partner_row", PARTNER_COLUMNS, [(1, None, p, p, "other") for p in PARTNERS])
    insert_activities(con, activities)
    # Replaced versions (must never count): every tenth row again, with other numbers.
    ghosts = [(a[0], *a[1:8], 9999, None, None, None, None, None, None) for a in activities[::10]]
    insert_activities(con, ghosts, replaced_by=2)
    return con, schools, activities


def academic_year(iso: str) -> str:
    d = date.fromisoformat(iso)
    return year_label(d.year if d.month >= 9 else d.year - 1)


def oracle(schools, activities, year: str) -> dict:
    """A few figures worked out in plain Python from the generated rows."""
    rows = [a for a in activities if academic_year(a[5]) == year]
    state = {s[2] for s in schools if s[10]}
    fsm = [(a[11], a[8]) for a in rows if a[7] in SCHOOL_AGE and a[11] is not None]
    genre_n: dict[str, int] = defaultdict(int)
    for a in rows:
        if a[3] is not None and a[3] not in ("other", "mixed"):
            genre_n[a[3]] += a[8]
    counts = [n for n in genre_n.values() if n > 0]
    total = sum(counts)
    h = -sum(n / total * math.log(n / total) for n in counts)
    previous = year_label(int(year[:4]) - 1)
    wcet_before = sum(
        a[8] for a in activities if academic_year(a[5]) == previous and a[2] == "wcet"
    )
    continuing = [a[10] for a in rows if a[10] is not None]
    return {
        "participations": sum(a[8] for a in rows),
        "schools_engaged": len({a[6] for a in rows if a[6] in state}),
        "state_schools": len(state),
        "fsm": (sum(f for f, _ in fsm), sum(p for _, p in fsm)),
        "genre_evenness": 0.0 if len(counts) <= 1 else h / math.log(len(counts)),
        "continuation": (sum(continuing), wcet_before),
        "unknown_school": sum(a[8] for a in rows if a[6] not in {s[2] for s in schools}),
    }


@pytest.fixture(scope="module", params=[1, 2, 3])
def generated(request, tmp_path_factory):
    path = tmp_path_factory.mktemp(f"gen{request.param}") / "g.duckdb"
    con, schools, activities = build(path, request.param)
    yield con, schools, activities
    con.close()


def check_invariants(con, year: str, partners, local_authorities) -> None:
    whole = compute_metrics(con, year, baselines=GM)
    bands = whole["participations_by_age_band"].value
    assert isinstance(bands, dict) and list(bands) == list(AGE_BANDS)
    assert sum(bands.values()) == whole["participations"].value
    for key in SHARES:
        value = whole[key].value
        assert value is None or 0 <= value <= 1, (key, value)
    partitions = {
        "age_band": [Filters(age_band=b) for b in AGE_BANDS],
        "partner": [Filters(partner_id=p) for p in partners],
    }
    for name, parts in partitions.items():
        pieces = [compute_metrics(con, year, f, baselines=GM) for f in parts]
        for key in ADDITIVE:
            assert sum(p[key].value for p in pieces) == whole[key].value, (name, key)
        for key in WITH_SKIPPED:
            assert sum(p[key].value for p in pieces) == whole[key].value, (name, key)
            assert sum(p[key].skipped for p in pieces) == whole[key].skipped, (name, key)
        for key in (*RATIO_PARTS, "continuation_rate"):
            for field in ("numerator", "denominator", "skipped"):
                total = sum(getattr(p[key], field) for p in pieces)
                assert total == getattr(whole[key], field), (name, key, field)
        for p in pieces:
            assert p["state_schools"].value == whole["state_schools"].value
            assert p["schools_engaged"].value <= whole["schools_engaged"].value
            b = p["participations_by_age_band"].value
            assert sum(b.values()) == p["participations"].value
    la_pieces = [
        compute_metrics(con, year, Filters(local_authority=la)) for la in local_authorities
    ]
    assert sum(p["state_schools"].value for p in la_pieces) == whole["state_schools"].value
    assert sum(p["schools_engaged"].value for p in la_pieces) == whole["schools_engaged"].value
    assert sum(p["cold_spot_schools"].value for p in la_pieces) == whole["cold_spot_schools"].value
    assert len(cold_spot_school_list(con, year)) == whole["cold_spot_schools"].value


@pytest.mark.parametrize("year", YEARS)
def test_generated_invariants(generated, year):
    con, _, _ = generated
    check_invariants(con, year, PARTNERS, LAS)


@pytest.mark.parametrize("year", YEARS)
def test_generated_against_plain_python(generated, year):
    con, schools, activities = generated
    v = compute_metrics(con, year, baselines=GM)
    want = oracle(schools, activities, year)
    assert v["participations"].value == want["participations"]
    assert v["schools_engaged"].value == want["schools_engaged"]
    assert v["state_schools"].value == want["state_schools"]
    assert (v["fsm_share"].numerator, v["fsm_share"].denominator) == want["fsm"]
    assert v["genre_evenness"].value == pytest.approx(want["genre_evenness"], rel=1e-9)
    c = v["continuation_rate"]
    assert (c.numerator, c.denominator) == want["continuation"]
    la_total = sum(
        compute_metrics(con, year, Filters(local_authority=la))["participations"].value
        for la in LAS
    )
    assert la_total + want["unknown_school"] == want["participations"]


def test_generated_trend_matches_each_year(generated):
    con, _, _ = generated
    every = trend_metrics(con, Filters(partner_id="P2"), baselines=GM)
    assert set(YEARS) <= set(every)
    for year, values in every.items():
        assert values == compute_metrics(con, year, Filters(partner_id="P2"), baselines=GM)


def test_demo_invariants(demo):
    cur = demo.cursor()
    partners = [r[0] for r in cur.execute("SELECT DISTINCT partner_id FROM activities").fetchall()]
    las = [r[0] for r in cur.execute("SELECT DISTINCT local_authority FROM schools").fetchall()]
    years = list(trend_metrics(demo))
    assert years
    for year in years:
        check_invariants(demo, year, partners, las)


def test_default_goals_baselines_are_the_demo_figures(demo):
    from hubmetrics.metrics.goals import load_goals
    from hubmetrics.metrics.status import evaluate_goals

    goals = load_goals(config.DEFAULT_GOALS)
    for year in ("2023/24", "2024/25"):
        for goal in evaluate_goals(demo, goals, year, as_of=date(2027, 1, 1)):
            for ind in goal.indicators:
                if ind.baseline is None or ind.baseline.year != year:
                    continue
                # The baseline is the demo's figure (shares rounded down to 3 decimals).
                assert ind.value == pytest.approx(ind.baseline.value, abs=0.001), ind.metric
                assert ind.status == "on_track", ind.metric
