"""Every metric on the hand-computed fixture hub (tests/metrics_fixture.py), whole and filtered."""

from __future__ import annotations

import math

import pytest
from metrics_fixture import HUB_GENRES, NORTH, WEST, build_fixture, insert_activities

from hubmetrics.metrics import (
    METRIC_KEYS,
    METRICS,
    FilterError,
    Filters,
    YearError,
    cold_spot_school_list,
    compute_metric,
    compute_metrics,
    parse_year,
    trend,
    trend_metrics,
    years_with_data,
)

GM = {"global_majority_share": 0.22}

SPEC_KEYS = (
    "participations cyp_participations early_years_participations school_age_participations "
    "adult_participations participations_by_age_band wcet_pupils instrumental_learners "
    "singing_participants ensemble_members advanced_participants creative_participants "
    "cpd_participants new_participants partners_active state_schools state_school_pupils "
    "schools_engaged school_coverage cold_spot_schools fsm_share fsm_baseline fsm_representation "
    "send_share send_baseline send_representation lac_participants global_majority_share "
    "global_majority_representation genre_count genre_evenness continuation_rate "
    "unique_participants unique_cyp unique_continuation_rate progression_funnel"
).split()


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = build_fixture(tmp_path_factory.mktemp("metrics") / "t.duckdb")
    yield connection
    connection.close()


def values(con, year="2025/26", **filters):
    return compute_metrics(con, year, Filters(**filters), baselines=GM)


def evenness(counts):
    total = sum(counts)
    h = -sum(n / total * math.log(n / total) for n in counts if n > 0)
    k = sum(1 for n in counts if n > 0)
    return 0.0 if k <= 1 else h / math.log(k)


def test_registry_has_every_key_of_the_spec_and_nothing_else():
    assert list(METRIC_KEYS) == SPEC_KEYS
    for m in METRICS.values():
        assert m.label and m.definition and m.sql
        assert m.unit in ("count", "share", "rate", "ratio", "index", "breakdown", "funnel")


def test_whole_hub_2025_26(con):
    v = values(con)
    plain = {k: m.value for k, m in v.items()}
    assert plain["participations"] == 307
    assert plain["cyp_participations"] == 289
    assert plain["early_years_participations"] == 18
    assert plain["school_age_participations"] == 221
    assert plain["adult_participations"] == 18
    assert plain["participations_by_age_band"] == {
        "early_years": 18, "ks1": 0, "ks2": 95, "ks3": 66,
        "ks4": 20, "ks5": 40, "adult": 18, "mixed": 50,
    }  # fmt: skip
    assert plain["wcet_pupils"] == 58
    assert plain["instrumental_learners"] == 33
    assert plain["singing_participants"] == 67
    assert plain["ensemble_members"] == 87
    assert plain["advanced_participants"] == 45
    assert plain["creative_participants"] == 35
    assert plain["cpd_participants"] == 6
    assert (plain["new_participants"], v["new_participants"].skipped) == (153, 3)
    assert plain["partners_active"] == 3
    assert plain["state_schools"] == 6
    assert plain["schools_engaged"] == 5
    assert plain["cold_spot_schools"] == 1
    assert (plain["lac_participants"], v["lac_participants"].skipped) == (5, 4)
    assert plain["genre_count"] == 8
    assert v["participations"].rows == 16


def test_whole_hub_ratios(con):
    v = values(con)

    def parts(key):
        m = v[key]
        return m.numerator, m.denominator, m.skipped

    assert parts("school_coverage") == (5, 6, 4)
    assert v["school_coverage"].value == 5 / 6
    assert parts("fsm_share") == (47, 181, 1)
    assert v["fsm_share"].value == 47 / 181
    assert parts("fsm_baseline") == (470.0, 1900, 2)
    assert v["fsm_baseline"].value == pytest.approx(470 / 1900, rel=1e-12)
    assert v["fsm_representation"].value == pytest.approx(190 / 181, rel=1e-12)
    assert v["fsm_representation"].skipped == 1
    assert parts("send_share") == (25, 181, 1)
    assert parts("send_baseline") == (336.0, 2000, 1)
    assert v["send_baseline"].value == pytest.approx(0.168, rel=1e-12)
    assert v["send_representation"].value == pytest.approx((25 / 181) / 0.168, rel=1e-12)
    assert parts("global_majority_share") == (52, 249, 3)
    assert v["global_majority_representation"].value == pytest.approx((52 / 249) / 0.22, rel=1e-12)
    assert v["global_majority_representation"].denominator == 0.22
    assert v["genre_evenness"].value == pytest.approx(evenness(HUB_GENRES), rel=1e-12)
    assert v["genre_evenness"].value == pytest.approx(0.74454, abs=1e-5)
    assert v["genre_evenness"].skipped == 2
    assert parts("continuation_rate") == (33, 90, 7)
    assert v["continuation_rate"].value == pytest.approx(33 / 90, rel=1e-12)


def test_json_shapes(con):
    v = values(con)
    assert v["participations"].as_json() == 307
    assert v["new_participants"].as_json() == {"value": 153, "skipped": 3}
    assert v["school_coverage"].as_json() == {
        "value": 5 / 6, "numerator": 5, "denominator": 6, "skipped": 4,
    }  # fmt: skip
    assert v["participations_by_age_band"].as_json()["ks1"] == 0


def test_academic_year_boundary_and_previous_year(con):
    v = values(con, "2024/25")
    # A1 (2024-09-10) and A2 (2025-08-31) are 2024/25; R1 (2025-09-01) is not.
    assert v["participations"].value == 110
    assert v["wcet_pupils"].value == 90
    assert v["schools_engaged"].value == 3
    assert v["school_coverage"].value == 0.5
    assert v["cold_spot_schools"].value == 3
    # No wcet in 2023/24: continuation has no denominator -> None, with its counts kept.
    c = v["continuation_rate"]
    assert (c.value, c.numerator, c.denominator, c.skipped) == (None, 4, 0, 2)


def test_replaced_rows_and_schools_do_not_count(con):
    v = values(con)
    # R16 (999 participants) was replaced by R16b (28); school 100007 was replaced.
    assert v["participations"].value == 307
    assert v["state_schools"].value == 6
    assert v["fsm_baseline"].denominator == 1900


def test_partner_filter(con):
    v = values(con, partner_id="P1")
    assert v["participations"].value == 162
    assert v["participations_by_age_band"].value == {
        "early_years": 0, "ks1": 0, "ks2": 95, "ks3": 16,
        "ks4": 5, "ks5": 40, "adult": 6, "mixed": 0,
    }  # fmt: skip
    assert v["wcet_pupils"].value == 58
    assert v["ensemble_members"].value == 65
    assert v["singing_participants"].value == 25
    assert v["creative_participants"].value == 0
    assert (v["new_participants"].value, v["new_participants"].skipped) == (80, 1)
    assert v["partners_active"].value == 1
    # The denominator stays every state school of the hub.
    assert (v["schools_engaged"].value, v["state_schools"].value) == (3, 6)
    assert v["school_coverage"].value == 0.5
    assert v["cold_spot_schools"].value == 3
    f = v["fsm_share"]
    assert (f.numerator, f.denominator, f.skipped) == (34, 116, 1)
    assert v["fsm_baseline"].denominator == 1900
    assert (v["lac_participants"].value, v["lac_participants"].skipped) == (3, 2)
    g = v["global_majority_share"]
    assert (g.numerator, g.denominator, g.skipped) == (20, 116, 2)
    c = v["continuation_rate"]
    assert (c.numerator, c.denominator, c.skipped) == (30, 90, 3)
    assert c.value == pytest.approx(1 / 3, rel=1e-12)
    assert v["genre_count"].value == 3
    assert v["genre_evenness"].value == pytest.approx(evenness((110, 5, 25)), rel=1e-12)
    assert values(con, partner_id="P2")["participations"].value == 61
    assert values(con, partner_id="P3")["participations"].value == 84


def test_local_authority_filter(con):
    north = values(con, local_authority=NORTH)
    # R1, R2, R5, R8 (independent school, still in the LA), R13, R16b.
    assert north["participations"].value == 121
    assert north["state_schools"].value == 3
    assert north["schools_engaged"].value == 2
    assert north["school_coverage"].value == 2 / 3
    assert north["school_coverage"].skipped == 0
    assert north["cold_spot_schools"].value == 1
    f = north["fsm_share"]
    assert (f.numerator, f.denominator, f.skipped) == (29, 115, 0)
    b = north["fsm_baseline"]
    assert (b.numerator, b.denominator, b.skipped, b.value) == (270.0, 900, 0, 0.3)
    assert north["fsm_representation"].value == pytest.approx((29 / 115) / 0.3, rel=1e-12)
    s = north["send_baseline"]
    assert (s.numerator, s.denominator, s.skipped) == (136.0, 900, 0)
    c = north["continuation_rate"]
    assert (c.numerator, c.denominator, c.skipped) == (13, 90, 3)

    west = values(con, local_authority=WEST)
    assert west["participations"].value == 87
    assert (west["schools_engaged"].value, west["state_schools"].value) == (3, 3)
    assert west["cold_spot_schools"].value == 0
    b = west["fsm_baseline"]
    assert (b.numerator, b.denominator, b.skipped, b.value) == (200.0, 1000, 2, 0.2)
    s = west["send_baseline"]
    assert (s.numerator, s.denominator, s.skipped) == (200.0, 1100, 1)
    # West had no wcet in 2024/25: zero denominator -> None.
    c = west["continuation_rate"]
    assert (c.value, c.numerator, c.denominator, c.skipped) == (None, 17, 0, 2)
    # Rows with no known school (R7, R10 at an unknown URN, R11, R12: 99) are in neither LA.
    assert 121 + 87 + 99 == values(con)["participations"].value


def test_age_band_filter(con):
    ks3 = values(con, age_band="ks3")
    assert ks3["participations"].value == 66
    assert ks3["participations_by_age_band"].value["ks3"] == 66
    assert sum(ks3["participations_by_age_band"].value.values()) == 66
    assert ks3["singing_participants"].value == 30
    assert ks3["partners_active"].value == 3
    assert (ks3["schools_engaged"].value, ks3["state_schools"].value) == (2, 6)
    f = ks3["fsm_share"]
    assert (f.numerator, f.denominator, f.skipped) == (12, 66, 0)
    assert ks3["continuation_rate"].value is None  # no ks3 wcet in 2024/25
    ks2 = values(con, age_band="ks2")
    c = ks2["continuation_rate"]
    assert (c.numerator, c.denominator, c.skipped) == (13, 90, 2)


def test_zero_denominators_are_none_not_zero(con):
    adult = values(con, age_band="adult")
    assert adult["participations"].value == 18
    assert adult["fsm_share"].value is None
    assert (adult["fsm_share"].denominator, adult["fsm_share"].skipped) == (0, 0)
    assert adult["fsm_representation"].value is None
    g = adult["global_majority_share"]
    assert (g.value, g.denominator, g.skipped) == (None, 0, 2)
    assert adult["global_majority_representation"].value is None
    assert (adult["lac_participants"].value, adult["lac_participants"].skipped) == (0, 2)
    assert adult["cpd_participants"].value == 6

    nowhere = values(con, local_authority="Rutland")
    assert nowhere["state_schools"].value == 0
    assert nowhere["school_coverage"].value is None
    assert nowhere["fsm_baseline"].value is None
    assert nowhere["participations"].value == 0

    empty = values(con, "2030/31")
    assert empty["participations"].value == 0
    assert empty["participations"].rows == 0
    assert empty["school_coverage"].value == 0.0
    assert empty["cold_spot_schools"].value == 6
    assert empty["genre_evenness"].value == 0.0
    assert empty["continuation_rate"].value is None


def test_global_majority_baseline_missing_or_zero(con):
    for baselines in (None, {}, {"global_majority_share": 0}):
        v = compute_metrics(con, "2025/26", baselines=baselines)
        assert v["global_majority_representation"].value is None
        assert v["global_majority_share"].value == 52 / 249


def test_compute_metric_and_unknown_key(con):
    assert compute_metric(con, "participations", "2025/26").value == 307
    with pytest.raises(KeyError, match="participations"):
        compute_metric(con, "participation", "2025/26")


def test_until_keeps_the_year_up_to_a_date(con):
    from datetime import date

    v = compute_metrics(con, "2024/25", until=date(2025, 3, 1))
    # A1 (2024-09-10) and A3 (2025-03-01, the day itself) count; A2 (2025-08-31) does not.
    assert v["participations"].value == 80
    assert v["wcet_pupils"].value == 60


def test_trend(con):
    assert years_with_data(con) == ["2024/25", "2025/26"]
    t = trend(con, "participations")
    assert [(y, m.value) for y, m in t] == [("2024/25", 110), ("2025/26", 307)]
    p3 = trend(con, "participations", Filters(partner_id="P3"))
    assert [(y, m.value) for y, m in p3] == [("2024/25", 0), ("2025/26", 84)]
    c = trend(con, "continuation_rate")
    assert c[0][1].value is None
    assert c[1][1].value == pytest.approx(33 / 90, rel=1e-12)
    every = trend_metrics(con, Filters(local_authority=NORTH), baselines=GM)
    for year in every:
        single = compute_metrics(con, year, Filters(local_authority=NORTH), baselines=GM)
        assert every[year] == single


def test_cold_spot_list(con):
    whole = cold_spot_school_list(con, "2025/26")
    assert [s.urn for s in whole] == [100008]
    school = whole[0]
    assert (school.name, school.phase, school.local_authority, school.district) == (
        "Grange Primary", "primary", NORTH, "Kettering",
    )  # fmt: skip
    assert (school.pupils, school.fsm_percent) == (300, 30.0)
    p1 = cold_spot_school_list(con, "2025/26", Filters(partner_id="P1"))
    assert [s.urn for s in p1] == [100004, 100005, 100008]  # by name: Dale, Elm, Grange
    assert cold_spot_school_list(con, "2025/26", Filters(local_authority=WEST)) == []
    for f in (Filters(), Filters(partner_id="P2"), Filters(age_band="ks3")):
        listed = cold_spot_school_list(con, "2024/25", f)
        assert len(listed) == compute_metrics(con, "2024/25", f)["cold_spot_schools"].value


def test_bad_years_and_filters():
    assert parse_year("2025/26") == 2025
    assert parse_year("1999/00") == 1999
    for bad in ("2025-26", "25/26", "2025/27", "2025/2026", ""):
        with pytest.raises(YearError):
            parse_year(bad)
    with pytest.raises(FilterError, match="early_years"):
        Filters(age_band="year7")


def test_filters_are_values_not_sql(tmp_path):
    con = build_fixture(tmp_path / "t.duckdb")
    insert_activities(
        con,
        [("X1", "P1' OR '1'='1", "wcet", None, None, "2025-10-01", None, "ks2", 5,
          None, None, None, None, None, None)],
    )  # fmt: skip
    assert values(con, partner_id="P1' OR '1'='1")["participations"].value == 5
    assert values(con, local_authority="x' OR 1=1 --")["participations"].value == 0


def test_threads_share_one_connection(con):
    from concurrent.futures import ThreadPoolExecutor

    cases = [Filters(), Filters(partner_id="P1"), Filters(local_authority=WEST)] * 4
    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(lambda f: values(con, **f.as_dict())["participations"].value, cases))
    assert got == [307, 162, 87] * 4
