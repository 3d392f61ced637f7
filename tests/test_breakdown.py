"""Metrics by group equal the filtered engine; school reach, partner contributions and returns."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hub_fixture import ACTIVITIES_HEADER, load_text
from metrics_fixture import (
    NORTH,
    PARTNER_COLUMNS,
    SCHOOL_COLUMNS,
    build_fixture,
    insert_activities,
    insert_rows,
)

from hubmetrics import store
from hubmetrics.contract import ACTIVITY_TYPES, AGE_BANDS, GENRES, LEVELS
from hubmetrics.ingest.batches import rollback
from hubmetrics.metrics import METRICS, Filters, cold_spot_school_list, compute_metrics
from hubmetrics.metrics.breakdown import (
    DIMENSIONS,
    compute_metrics_by,
    figures_by_listed_school,
    metrics_by_groups,
)
from hubmetrics.metrics.reach import (
    Term,
    cold_spots,
    partner_contributions,
    school_reach,
    search_schools,
    term_of,
)

GM = {"global_majority_share": 0.22}
ADDITIVE = [
    k
    for k, m in METRICS.items()
    if m.kind == "count" and m.source == "activities" and k not in ("partners_active",)
    and k != "schools_engaged"
]  # fmt: skip
SCHOOL_LIST = ("state_schools", "fsm_baseline", "send_baseline")


def check_equal_to_filtered_engine(con, year: str, base: Filters, by: str) -> int:
    """Every group of `by` equals compute_metrics with that group as a filter; returns #groups."""
    groups = compute_metrics_by(con, year, base, by, baselines=GM)
    checked = 0
    for group, values in groups.items():
        if group is None:
            continue
        filters = Filters(**{**base.as_dict(), by: group})
        assert values == compute_metrics(con, year, filters, baselines=GM), (year, base, by, group)
        checked += 1
    return checked


def check_partition(con, year: str, base: Filters, by: str) -> None:
    """The groups (with the None group) add up to the whole selection."""
    whole = compute_metrics(con, year, base, baselines=GM)
    groups: dict[Any, Any] = compute_metrics_by(con, year, base, by, baselines=GM)
    for key in ADDITIVE:
        assert sum(v[key].value for v in groups.values()) == whole[key].value, (by, key)
    for key in ("new_participants", "lac_participants"):
        assert sum(v[key].skipped for v in groups.values()) == whole[key].skipped, (by, key)
    for key in ("fsm_share", "send_share", "global_majority_share"):
        for part in ("numerator", "denominator", "skipped"):
            total = sum(getattr(v[key], part) for v in groups.values())
            assert total == getattr(whole[key], part), (by, key, part)
    assert sum(v["participations"].rows for v in groups.values()) == whole["participations"].rows
    bands = {
        b: sum(v["participations_by_age_band"].value[b] for v in groups.values()) for b in AGE_BANDS
    }
    assert bands == whole["participations_by_age_band"].value
    if by in ("local_authority", "district", "phase"):
        for key in ("state_schools", "schools_engaged", "cold_spot_schools"):
            assert sum(v[key].value for v in groups.values()) == whole[key].value, (by, key)
    else:
        for values in groups.values():
            for key in SCHOOL_LIST:
                assert values[key] == whole[key], (by, key)


# --- the hand-computed metrics fixture -----------------------------------------------------


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    con = build_fixture(tmp_path_factory.mktemp("breakdown") / "t.duckdb")
    yield con
    con.close()


@pytest.mark.parametrize("year", ["2024/25", "2025/26"])
@pytest.mark.parametrize(
    "base",
    [Filters(), Filters(partner_id="P1"), Filters(local_authority=NORTH), Filters(age_band="ks2")],
)
@pytest.mark.parametrize("by", ["local_authority", "age_band", "partner_id"])
def test_each_group_equals_the_filtered_engine(hub, year, base, by):
    assert check_equal_to_filtered_engine(hub, year, base, by) >= 1


@pytest.mark.parametrize("by", DIMENSIONS)
@pytest.mark.parametrize(
    "base", [Filters(), Filters(partner_id="P2"), Filters(local_authority=NORTH)]
)
def test_groups_partition_the_whole(hub, by, base):
    check_partition(hub, "2025/26", base, by)


def test_groups_listed(hub):
    by_band = compute_metrics_by(hub, "2025/26", None, "age_band")
    assert list(by_band) == list(AGE_BANDS)  # every band, in its own order, data or not
    assert by_band["ks1"]["participations"].value == 0
    assert list(compute_metrics_by(hub, "2025/26", Filters(age_band="ks3"), "age_band")) == ["ks3"]
    assert list(compute_metrics_by(hub, "2025/26", None, "partner_id")) == ["P1", "P2", "P3"]
    las = compute_metrics_by(hub, "2025/26", None, "local_authority")
    assert list(las) == [NORTH, "West Northamptonshire", None]  # None: no known school, last
    only_north = compute_metrics_by(hub, "2025/26", Filters(local_authority=NORTH), "district")
    assert list(only_north) == ["Corby", "Kettering", "Wellingborough"]


def test_district_and_phase_worked_by_hand(hub):
    # 2025/26 by school: 100001 R1 30 + R2 12 = 42; 100002 R5 25 + R13 6 + R16b 28 = 59;
    # 100003 R3 5 + R4 40 + R14 16 + R15 0 = 61; 100004 R9 18; 100005 R6 8;
    # 100006 (independent, Wellingborough, secondary) R8 20; no known school R7 15, R10 22,
    # R11 50, R12 12 = 99.
    d = compute_metrics_by(hub, "2025/26", None, "district")
    got = {
        g: (
            v["participations"].value,
            v["state_schools"].value,
            v["schools_engaged"].value,
            v["cold_spot_schools"].value,
        )
        for g, v in d.items()
    }
    assert got == {
        "Corby": (59, 1, 1, 0),
        "Daventry": (18, 1, 1, 0),
        "Kettering": (42, 2, 1, 1),  # 100008 has nothing: the hub's one cold spot
        "Northampton": (69, 2, 2, 0),
        "Wellingborough": (20, 0, 0, 0),  # only an independent school: never counted
        None: (99, 0, 0, 0),
    }
    assert d["Wellingborough"]["school_coverage"].value is None
    assert d["Kettering"]["school_coverage"].value == 0.5
    # Baselines per district: Kettering (400 × 25% + 300 × 30%) / 700; Northampton 100005
    # has no fsm_percent (skipped), so 200 / 1000.
    assert d["Kettering"]["fsm_baseline"].value == pytest.approx(190 / 700)
    assert (d["Northampton"]["fsm_baseline"].value, d["Northampton"]["fsm_baseline"].skipped) == (
        pytest.approx(0.2),
        1,
    )
    assert d[None]["fsm_baseline"].value is None
    p = compute_metrics_by(hub, "2025/26", None, "phase")
    got = {
        g: (v["participations"].value, v["state_schools"].value, v["schools_engaged"].value)
        for g, v in p.items()
    }
    assert got == {
        "primary": (42 + 59 + 18, 4, 3),
        "secondary": (61 + 20, 1, 1),
        "special": (8, 1, 1),
        None: (99, 0, 0),
    }


def test_a_subset_of_metrics_and_bad_arguments(hub):
    some = compute_metrics_by(hub, "2025/26", None, "partner_id", keys=["participations"])
    assert all(list(v) == ["participations"] for v in some.values())
    assert some["P3"]["participations"].value == 22 + 50 + 12
    with pytest.raises(ValueError, match="not a breakdown"):
        compute_metrics_by(hub, "2025/26", None, "genre")
    with pytest.raises(KeyError, match="not a metric"):
        compute_metrics_by(hub, "2025/26", None, "age_band", keys=["participation"])


def test_until_matches_the_engine(hub):
    until = date(2025, 12, 31)
    groups = compute_metrics_by(hub, "2025/26", None, "partner_id", baselines=GM, until=until)
    for partner, values in groups.items():
        want = compute_metrics(
            hub, "2025/26", Filters(partner_id=partner), baselines=GM, until=until
        )
        assert values == want


# --- a few hundred generated rows ----------------------------------------------------------

LAS = ("North Northamptonshire", "West Northamptonshire", "Rutland")
DISTRICTS = {"North Northamptonshire": ("Corby", "Kettering"), "West Northamptonshire": ("Daventry", None), "Rutland": ("Rutland",)}  # fmt: skip
PHASES = ("primary", "secondary", "special", "nursery")
PARTNERS = ("P1", "P2", "P3", "P4")


def _maybe(rng: random.Random, value, blank: float = 0.2):
    return None if rng.random() < blank else value


@pytest.fixture(scope="module", params=[11, 12])
def generated(request, tmp_path_factory):
    rng = random.Random(request.param)
    con = store.connect(tmp_path_factory.mktemp(f"gen{request.param}") / "g.duckdb")
    schools = []
    for i in range(40):
        la = rng.choice(LAS)
        schools.append(
            (1, None, 300000 + i, f"School {i}", rng.choice(PHASES), la,
             rng.choice(DISTRICTS[la]), _maybe(rng, rng.randint(30, 1500)),
             _maybe(rng, round(rng.uniform(0, 60), 1)), _maybe(rng, round(rng.uniform(0, 30), 1)),
             rng.random() > 0.15)
        )  # fmt: skip
    insert_rows(con, "school_row", SCHOOL_COLUMNS, schools)
    insert_rows(con, "partner_row", PARTNER_COLUMNS, [(1, None, p, p, "other") for p in PARTNERS])
    urns = [s[2] for s in schools] + [999001, None, None]
    rows = []
    for i in range(400):
        day = date(2023, 8, 25) + timedelta(days=rng.randint(0, 365 * 3 + 14))
        n = rng.choice((0, 1, 2, 5, 12, 30, 60))
        rows.append(
            (f"G{i}", rng.choice(PARTNERS), rng.choice(ACTIVITY_TYPES),
             _maybe(rng, rng.choice(GENRES)), _maybe(rng, rng.choice(LEVELS)), day.isoformat(),
             rng.choice(urns), rng.choice(AGE_BANDS), n,
             *(_maybe(rng, rng.randint(0, n)) for _ in range(6)))
        )  # fmt: skip
    insert_activities(con, rows)
    yield con
    con.close()


@pytest.mark.parametrize("year", ["2023/24", "2024/25", "2025/26"])
def test_generated_groups_equal_the_engine_and_partition(generated, year):
    for base in (Filters(), Filters(partner_id="P2"), Filters(local_authority="Rutland")):
        for by in ("local_authority", "age_band", "partner_id"):
            check_equal_to_filtered_engine(generated, year, base, by)
        for by in DIMENSIONS:
            check_partition(generated, year, base, by)


def test_generated_school_reach_agrees_with_the_engine(generated):
    for filters in (Filters(), Filters(partner_id="P1"), Filters(local_authority=NORTH)):
        whole = compute_metrics(generated, "2024/25", filters)
        reach = school_reach(generated, "2024/25", filters)
        assert sum(s.state_funded and s.engaged for s in reach) == whole["schools_engaged"].value
        assert sum(s.state_funded for s in reach) == whole["state_schools"].value
        cold = [s.urn for s in cold_spots(generated, "2024/25", filters)]
        assert cold == [s.urn for s in cold_spot_school_list(generated, "2024/25", filters)]
        # Each with the same details as in the whole list (made without every school's figures).
        assert cold_spots(generated, "2024/25", filters) == [s for s in reach if s.urn in cold]
        known = compute_metrics_by(generated, "2024/25", filters, "local_authority")
        at_schools = sum(v["participations"].value for g, v in known.items() if g is not None)
        assert sum(s.participations for s in reach) == at_schools


def check_school_reach_is_the_engine_school_by_school(con, year: str, filters: Filters) -> int:
    """Each listed school's figures equal the engine's for that school's group; returns how
    many schools have their children counted."""
    engine = {
        key[0]: (v["participations"].value, v["participations"].rows or 0,
                 v["unique_participants"].value)
        for key, v in metrics_by_groups(
            con, year, filters, ("school_urn",), keys=("participations", "unique_participants")
        ).items()
        if key[0] is not None
    }  # fmt: skip
    reach = school_reach(con, year, filters)
    assert set(engine) <= {s.urn for s in reach}
    for s in reach:
        assert (s.participations, s.activities, s.children) == engine.get(s.urn, (0, 0, None))
        assert s.engaged == (s.activities > 0)
    return sum(s.children is not None for s in reach)


def test_generated_school_reach_is_the_engine_school_by_school(generated):
    for year in ("2023/24", "2024/25", "2025/26"):
        for filters in (
            Filters(),
            Filters(partner_id="P1"),
            Filters(local_authority=NORTH),
            Filters(age_band="ks2"),
        ):
            assert check_school_reach_is_the_engine_school_by_school(generated, year, filters) == 0


def test_figures_by_listed_school_takes_only_counts_and_list_columns(generated):
    with pytest.raises(ValueError, match="not a count"):
        figures_by_listed_school(generated, "2024/25", None, ("urn",), ("fsm_share",))
    with pytest.raises(ValueError, match="not a count"):
        figures_by_listed_school(generated, "2024/25", None, ("urn",), ("state_schools",))
    with pytest.raises(ValueError, match="no column 'urn; DROP'"):
        figures_by_listed_school(generated, "2024/25", None, ("urn; DROP",), ("participations",))
    rows = figures_by_listed_school(generated, "2024/25", None, ("urn",), ("participations",))
    assert [r[0] for r in rows] == [s.urn for s in school_reach(generated, "2024/25")]


# --- the demo --------------------------------------------------------------------------------


def test_demo_groups_equal_the_engine_and_partition(demo):
    for year in ("2024/25", "2025/26"):
        for by in ("local_authority", "age_band", "partner_id"):
            assert check_equal_to_filtered_engine(demo, year, Filters(), by) >= 3
        check_equal_to_filtered_engine(demo, year, Filters(local_authority=NORTH), "partner_id")
        check_equal_to_filtered_engine(demo, year, Filters(partner_id="NMPAT"), "age_band")
        for by in DIMENSIONS:
            check_partition(demo, year, Filters(), by)


def test_demo_school_reach_is_the_engine_school_by_school(demo):
    # The demo's partners send participant records: schools' children are counted.
    for filters in (Filters(), Filters(partner_id="NMPAT"), Filters(local_authority=NORTH)):
        assert check_school_reach_is_the_engine_school_by_school(demo, "2025/26", filters) > 0
    assert check_school_reach_is_the_engine_school_by_school(demo, "2024/25", Filters()) >= 0


def test_demo_returns_missing_are_the_three_the_demo_says(demo):
    # data/demo/README.md: SOUNDLAB-NN, FOLK-ROOTS-NN and UNI-NN-OUTREACH have not sent their
    # spring return yet; the demo's today is its last return (6 March 2026).
    partners = partner_contributions(demo, "2025/26")
    missing = {p.partner_id for p in partners if p.return_status == "missing"}
    assert missing == {"SOUNDLAB-NN", "FOLK-ROOTS-NN", "UNI-NN-OUTREACH"}
    assert all(
        p.outstanding_terms == ("spring 2025/26",) for p in partners if p.partner_id in missing
    )
    assert all(p.current_term == "spring 2025/26" for p in partners)
    whole = compute_metrics(demo, "2025/26")
    assert sum(p.participations for p in partners) == whole["participations"].value


# --- school reach on the hand-made hub (tests/hub_fixture.py) ------------------------------
#
# 2025/26: A1 NMPAT wcet at 900001 (28, ks2); A2 NMPAT choir, no school (40, ks4);
# R1 ROCK-NN ensemble at 900002 (12, ks3). 900003 has nothing; 900004 is independent.


def test_school_reach_on_the_hand_made_hub(loaded_db):
    reach = school_reach(loaded_db, "2025/26")
    got = [(s.urn, s.participations, s.activities, s.engaged, s.cold_spot) for s in reach]
    assert got == [  # by name
        (900003, 0, 0, False, True),  # Brixworth Imaginary Primary
        (900001, 28, 1, True, False),  # Corby Fictional Primary
        (900002, 12, 1, True, False),  # Kettering Pretend Academy
        (900004, 0, 0, False, False),  # Oakham Invented Prep: independent, not a cold spot
    ]
    corby = reach[1]
    assert (corby.name, corby.phase, corby.local_authority, corby.district) == (
        "Corby Fictional Primary",
        "primary",
        "North Northamptonshire",
        "Corby",
    )
    assert (corby.postcode, corby.latitude, corby.longitude) == ("NN17 1AA", 52.49, -0.70)
    assert (corby.pupils, corby.fsm_percent, corby.state_funded) == (420, 30.0, True)
    assert reach[3].state_funded is False

    north = school_reach(loaded_db, "2025/26", Filters(local_authority="North Northamptonshire"))
    assert [s.urn for s in north] == [900001, 900002]
    rock = school_reach(loaded_db, "2025/26", Filters(partner_id="ROCK-NN"))
    assert [(s.urn, s.participations, s.engaged) for s in rock] == [
        (900003, 0, False),
        (900001, 0, False),
        (900002, 12, True),
        (900004, 0, False),
    ]
    assert [s.urn for s in cold_spots(loaded_db, "2025/26", Filters(partner_id="ROCK-NN"))] == [
        900003,
        900001,
    ]
    assert [s.urn for s in cold_spots(loaded_db, "2024/25")] == [900003, 900001, 900002]


def test_search_schools():
    schools = [
        _school(900001, "Corby Fictional Primary", "Corby", "NN17 1AA"),
        _school(900002, "Kettering Pretend Academy", "Kettering", "NN16 0AA"),
        _school(912345, "St Mary's", None, None),
    ]
    assert search_schools(schools, "") == schools
    assert search_schools(schools, "   ") == schools
    assert [s.urn for s in search_schools(schools, "corby")] == [900001]
    assert [s.urn for s in search_schools(schools, "nn170aa")] == []
    assert [s.urn for s in search_schools(schools, "nn171aa")] == [900001]
    assert [s.urn for s in search_schools(schools, "NN16 0AA")] == [900002]
    assert [s.urn for s in search_schools(schools, "912345")] == [912345]
    assert [s.urn for s in search_schools(schools, "pretend kettering")] == [900002]
    assert [s.urn for s in search_schools(schools, "pretend corby")] == []
    assert [s.urn for s in search_schools(schools, "MARY'S")] == [912345]


# --- partner contributions and the returns rule ----------------------------------------------


def test_partner_contributions_on_the_hand_made_hub(loaded_db):
    partners = partner_contributions(loaded_db, "2025/26", as_of=date(2025, 11, 15))
    assert [p.partner_id for p in partners] == ["KETT-CHORAL", "NMPAT", "ROCK-NN"]  # by name
    choral, nmpat, rock = partners
    sent = loaded_db.execute("SELECT submitted_at FROM batches WHERE batch_id = 3").fetchone()[0]

    assert (nmpat.name, nmpat.partner_type) == (
        "Northamptonshire Music and Performing Arts Trust (fictional row)",
        "lead",
    )
    assert (nmpat.participations, nmpat.activities, nmpat.schools_reached) == (68, 2, 1)
    assert {t: n for t, n in nmpat.by_activity_type.items() if n} == {"wcet": 28, "choir": 40}
    assert list(nmpat.by_activity_type) == list(ACTIVITY_TYPES)
    assert nmpat.by_age_band == {**dict.fromkeys(AGE_BANDS, 0), "ks2": 28, "ks4": 40}
    assert nmpat.last_return == sent  # the batch holds its rows, though it named no partner
    assert nmpat.last_term_returned == "autumn 2025/26"
    assert (nmpat.current_term, nmpat.return_status, nmpat.outstanding_terms) == (
        "autumn 2025/26",
        "received",
        (),
    )

    assert (rock.participations, rock.activities, rock.schools_reached) == (12, 1, 1)
    assert {t: n for t, n in rock.by_activity_type.items() if n} == {"ensemble": 12}
    assert rock.by_age_band["ks3"] == 12
    assert (rock.last_return, rock.return_status) == (sent, "received")

    assert (choral.participations, choral.activities, choral.schools_reached) == (0, 0, 0)
    assert (choral.last_return, choral.last_term_returned) == (None, None)
    assert (choral.return_status, choral.outstanding_terms) == ("not_expected", ())

    # Filters narrow the figures, not the returns.
    north = partner_contributions(
        loaded_db,
        "2025/26",
        Filters(local_authority="North Northamptonshire"),
        as_of=date(2025, 11, 15),
    )
    nmpat_north = next(p for p in north if p.partner_id == "NMPAT")
    assert (nmpat_north.participations, nmpat_north.return_status) == (28, "received")
    only = partner_contributions(
        loaded_db, "2025/26", Filters(partner_id="ROCK-NN"), as_of=date(2025, 11, 15)
    )
    assert [p.partner_id for p in only] == ["ROCK-NN"]
    assert (
        sum(p.participations for p in partners)
        == compute_metrics(loaded_db, "2025/26")["participations"].value
    )


CHORAL = (
    ACTIVITIES_HEADER
    + "\n"
    + "KETT-CHORAL,K1,Community choir,choir,choral,,2024-10-01,,,NN15 1AA,adult,30,,,,,,,,,,,,,\n"
    + "KETT-CHORAL,K2,Spring choir,choir,choral,,01/02/2025,,,NN15 1AA,adult,25,,,,,,,,,,,,,\n"
)


def test_the_missing_return_rule(loaded_db):
    assert load_text(
        loaded_db,
        "activities",
        CHORAL,
        partner_id="KETT-CHORAL",
        submitted_at=datetime(2025, 5, 2, 9),
    ).accepted

    def status(as_of: date) -> dict[str, tuple[str, tuple[str, ...]]]:
        return {
            p.partner_id: (p.return_status, p.outstanding_terms)
            for p in partner_contributions(loaded_db, "2025/26", as_of=as_of)
        }

    # Autumn 2025/26. The choir ran in autumn and spring 2024/25, so it is expected for the
    # term before (summer 2024/25) and this one, and sent neither. NMPAT and ROCK-NN sent
    # autumn rows; nothing before, so summer 2024/25 was not expected of them.
    assert status(date(2025, 11, 15)) == {
        "KETT-CHORAL": ("missing", ("summer 2024/25", "autumn 2025/26")),
        "NMPAT": ("received", ()),
        "ROCK-NN": ("received", ()),
    }
    # On the last day of summer 2024/25 (current term summer, the term before spring): the
    # choir's spring return is in; summer is not.
    assert status(date(2025, 8, 31))["KETT-CHORAL"] == ("missing", ("summer 2024/25",))
    # Spring 2024/25: its spring rows are there; autumn 2024/25 too.
    assert status(date(2025, 3, 31))["KETT-CHORAL"] == ("received", ())
    # The first autumn day of 2026/27: NMPAT (autumn 2025/26 only) owes summer 2025/26 and
    # autumn 2026/27; the choir has done nothing for over a year and is not chased.
    assert status(date(2026, 9, 1)) == {
        "KETT-CHORAL": ("not_expected", ()),
        "NMPAT": ("missing", ("summer 2025/26", "autumn 2026/27")),
        "ROCK-NN": ("missing", ("summer 2025/26", "autumn 2026/27")),
    }
    # Spring 2026/27: autumn 2025/26 is now four terms back, so only autumn 2026/27 is owed;
    # by summer 2026/27 nothing is.
    assert status(date(2027, 1, 15))["NMPAT"] == ("missing", ("autumn 2026/27",))
    assert status(date(2027, 5, 1))["NMPAT"] == ("not_expected", ())

    # The latest loaded batch holding the partner's rows or sent in its name; a rolled-back
    # one does not count.
    def last(partner: str) -> datetime | None:
        found = partner_contributions(
            loaded_db, "2025/26", Filters(partner_id=partner), as_of=date(2025, 11, 15)
        )
        return found[0].last_return

    assert last("KETT-CHORAL") == datetime(2025, 5, 2, 9)
    late = (
        ACTIVITIES_HEADER
        + "\nKETT-CHORAL,K3,Autumn choir,choir,choral,,2025-10-06,,,NN15 1AA,adult,20,,,,,,,,,,,,,\n"
    )
    result = load_text(
        loaded_db,
        "activities",
        late,
        partner_id="KETT-CHORAL",
        submitted_at=datetime(2026, 1, 9, 9),
    )
    assert result.accepted
    assert last("KETT-CHORAL") == datetime(2026, 1, 9, 9)
    assert status(date(2025, 11, 15))["KETT-CHORAL"] == ("missing", ("summer 2024/25",))
    rollback(loaded_db, result.batch_id)
    assert last("KETT-CHORAL") == datetime(2025, 5, 2, 9)


def test_terms():
    assert term_of(date(2025, 9, 1)) == Term(2025, 0)
    assert term_of(date(2025, 12, 31)).label == "autumn 2025/26"
    assert term_of(date(2026, 1, 1)).label == "spring 2025/26"
    assert term_of(date(2026, 3, 31)).label == "spring 2025/26"
    assert term_of(date(2026, 4, 1)).label == "summer 2025/26"
    assert term_of(date(2026, 8, 31)).label == "summer 2025/26"
    assert Term(2025, 0).shift(-1).label == "summer 2024/25"
    assert Term(2025, 2).shift(1).label == "autumn 2026/27"
    assert Term(2025, 0).shift(-3) == Term(2024, 0)
    assert Term(2024, 2) < Term(2025, 0)


def _school(urn: int, name: str, district: str | None, postcode: str | None):
    from hubmetrics.metrics.reach import SchoolReach

    return SchoolReach(
        urn=urn,
        name=name,
        phase="primary",
        local_authority="North Northamptonshire",
        district=district,
        postcode=postcode,
        latitude=None,
        longitude=None,
        pupils=None,
        fsm_percent=None,
        state_funded=True,
        participations=0,
        activities=0,
        engaged=False,
    )


@pytest.mark.parametrize(
    "as_of", [date(2024, 1, 10), date(2025, 5, 1), date(2025, 12, 1), date(2031, 9, 20)]
)
def test_returns_judged_from_recent_terms_agree_with_every_term(demo, as_of):
    """The returns read only the terms they are judged on; judged from every term a partner
    ever ran in (by the rules in partner_contributions' docstring), they are the same."""
    from hubmetrics.metrics.reach import TERMS, Term, term_of

    every: dict[str, set[Term]] = {}
    for pid, start, term in demo.execute(
        "SELECT partner_id, start_date, term FROM activities"
    ).fetchall():
        every.setdefault(pid, set()).add(Term(start.year - (start.month < 9), TERMS.index(term)))
    current = term_of(as_of)
    for p in partner_contributions(demo, "2025/26", as_of=as_of):
        sent = every.get(p.partner_id, set())
        expected = [
            t.label
            for t in (current.shift(-1), current)
            if t not in sent and any(t.shift(-k) in sent for k in (1, 2, 3))
        ]
        past = [t for t in sent if t <= current]
        assert p.outstanding_terms == tuple(expected), p.partner_id
        assert p.last_term_returned == (max(past).label if past else None), p.partner_id
        status = "missing" if expected else ("received" if current in sent else "not_expected")
        assert p.return_status == status, p.partner_id
