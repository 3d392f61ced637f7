"""The retention period on the hand-made cohort (tests/participants_fixture.py), worked by hand.

As at 1 March 2026 the current academic year is 2025/26. With participant_records_years = 1
the records of 2024/25 and 2025/26 are kept and those of 2023/24 go: the six records of
W23 (Ava, Bo, Cy, Ed), W23b (Di) and E23 (Fi), lines 2 to 7 of batch 4. 2022/23 has no
records (W22 is in the activity returns only).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from hub_fixture import load_text, snapshot
from participants_fixture import HEADER, RECORDS, build_cohort, ref
from privacy_helpers import original_of

from hubmetrics import store
from hubmetrics.ingest import load_file
from hubmetrics.ingest.batches import rollback
from hubmetrics.metrics import compute_metrics
from hubmetrics.metrics.goals import GoalsFileError, load_goals, parse_goals
from hubmetrics.metrics.registry import METRIC_KEYS, needs
from hubmetrics.metrics.summary import hub_children
from hubmetrics.people import audit
from hubmetrics.people.access import AccessRefused, Person, local_operator
from hubmetrics.people.retention import plan_as, purge_as

ADMIN = local_operator("dpo")
AS_OF = date(2026, 3, 1)
YEARS = ("2022/23", "2023/24", "2024/25", "2025/26")
# Every figure made from the activity returns and the schools list alone.
ACTIVITY_FIGURES = [k for k in METRIC_KEYS if not needs([k]).participant_parts]


@pytest.fixture
def cohort(tmp_path: Path) -> store.Connection:
    con = build_cohort(tmp_path / "c.duckdb")
    yield con
    con.close()


def _records(con: store.Connection) -> list[tuple[str, str, str]]:
    rows = con.execute(
        "SELECT participant_ref, activity_id, strftime(start_date, '%Y-%m-%d') "
        "FROM participant_row ORDER BY ALL"
    ).fetchall()
    return [tuple(r) for r in rows]


def _activity_figures(con: store.Connection) -> dict[str, dict[str, object]]:
    return {
        year: {k: v.value for k, v in compute_metrics(con, year, keys=ACTIVITY_FIGURES).items()}
        for year in YEARS
    }


def test_the_plan_lists_exactly_the_old_years(cohort: store.Connection) -> None:
    before = snapshot(cohort)
    plan = plan_as(cohort, ADMIN, 1, as_of=AS_OF, via="cli")
    assert plan.by_year == {"2023/24": (6, 0)} and plan.records == 6
    assert plan.cutoff == date(2024, 9, 1)
    assert [(h.original.batch_id, sorted(h.where)) for h in plan.originals] == [
        (4, [(None, n) for n in range(2, 8)])
    ]
    assert plan.said()[0] == (
        "participant_records_years = 1, as at 01/03/2026: the records of 2024/25 and later "
        "are kept; those of academic years before 2024/25 go."
    )
    assert snapshot(cohort) == before  # a dry run changes nothing


def test_a_purge_takes_exactly_those_records(cohort: store.Connection) -> None:
    kept = [
        (ref(name), activity, day) for name, _, activity, day, _ in RECORDS if day >= "2024-09-01"
    ]
    original = original_of(cohort, 4).split(b"\n")
    figures = _activity_figures(cohort)
    activities = cohort.execute("SELECT * FROM activity_row ORDER BY ALL").fetchall()
    version = store.data_version(cohort)

    purge_as(cohort, ADMIN, 1, as_of=AS_OF, via="cli")

    assert _records(cohort) == sorted(kept) and len(kept) == 12
    assert original_of(cohort, 4).split(b"\n") == [
        b"" if 2 <= n <= 7 else line for n, line in enumerate(original, start=1)
    ]
    # The activity returns and every figure made from them are exactly as they were.
    assert cohort.execute("SELECT * FROM activity_row ORDER BY ALL").fetchall() == activities
    assert _activity_figures(cohort) == figures
    assert store.data_version(cohort) == version + 1
    summary = hub_children(cohort.cursor())
    assert summary is not None and set(summary) == {2024, 2025}
    # The years kept count as before (tests/test_participant_metrics.py): 5 children each.
    assert compute_metrics(cohort, "2024/25")["unique_participants"].value == 5
    assert compute_metrics(cohort, "2025/26")["unique_participants"].value == 5
    # The first year kept has no year before it to continue from.
    assert compute_metrics(cohort, "2024/25")["unique_continuation_rate"].value is None
    event = audit.events(cohort, limit=1)[0]
    assert (event.action, event.outcome, event.via) == ("retention", "ok", "cli")
    assert event.detail == (
        "participant_records_years = 1 as at 2026-03-01: 6 records of academic years before "
        "2024/25; lines emptied in the kept originals of batches 4; rolled-back originals "
        "emptied: none"
    )


def test_row_history_of_an_old_year_goes_too(cohort: store.Connection) -> None:
    # Batch 5 sends Bo's W23 record again: batch 4's becomes row history.
    again = HEADER + f"{ref('Bo')},P1,W23,2023-09-11,ks2,M,N,K,APKN\n"
    assert load_text(cohort, "participants", again).accepted
    plan = purge_as(cohort, ADMIN, 1, as_of=AS_OF, via="app")
    assert plan.by_year == {"2023/24": (6, 1)}
    assert original_of(cohort, 5).split(b"\n")[1] == b""
    assert all(day >= "2024-09-01" for _, _, day in _records(cohort))


def test_a_line_is_told_by_its_date_when_the_child_has_two(cohort: store.Connection) -> None:
    # Rock band runs every year under one id; one batch holds Gu in its 2023/24 run (old)
    # and its 2025/26 run (kept), the dates written two ways: only the old line goes.
    runs = "partner_id,activity_id,activity_name,activity_type,start_date,age_band,participants\n"
    runs += "P1,RB,Rock band,ensemble,2023-09-12,ks2,1\nP1,RB,Rock band,ensemble,2025-09-16,ks2,1\n"
    assert load_text(cohort, "activities", runs).accepted
    both = HEADER + f"{ref('Gu')},P1,RB,16/09/2025,ks2,U,Y,N,\n"
    both += f"{ref('Gu')},P1,RB,2023-09-12,ks2,U,Y,N,\n"
    assert load_text(cohort, "participants", both).accepted
    purge_as(cohort, ADMIN, 1, as_of=AS_OF, via="app")
    lines = original_of(cohort, 6).split(b"\n")
    assert lines[1].startswith(ref("Gu").encode()) and lines[2] == b""
    assert (ref("Gu"), "RB", "2025-09-16") in _records(cohort)


def test_a_rolled_back_batch_loaded_before_the_period_is_emptied(
    cohort: store.Connection,
) -> None:
    old = HEADER + f"{ref('Cy')},P1,W24,2024-09-09,ks2,F,N,N,WBRI\n"
    result = load_file(
        cohort,
        "participants",
        old.encode(),
        file_name="old.csv",
        submitted_at=datetime(2024, 1, 10, 9, 0),
    )
    assert result.accepted
    rollback(cohort, 5)
    plan = purge_as(cohort, ADMIN, 1, as_of=AS_OF, via="app")
    assert [k.batch_id for k, _ in plan.emptied] == [5]
    assert original_of(cohort, 5).split(b"\n") == [HEADER.strip().encode(), b"", b""]


def test_nothing_older_changes_nothing(cohort: store.Connection) -> None:
    before = snapshot(cohort)
    plan = purge_as(cohort, ADMIN, 3, as_of=AS_OF, via="cli")
    assert plan.empty and plan.said()[-1] == "Nothing is older than that: nothing to purge."
    assert snapshot(cohort) == before
    assert audit.events(cohort, limit=1)[0].detail.endswith("(nothing)")


@pytest.mark.parametrize(
    "person",
    [Person("ann@rock.example", "partner", "P1"), Person("trustee@hub.example", "viewer")],
    ids=["partner", "viewer"],
)
def test_only_an_admin_may_purge(cohort: store.Connection, person: Person) -> None:
    before = snapshot(cohort)
    with pytest.raises(AccessRefused):
        purge_as(cohort, person, 1, as_of=AS_OF, via="cli")
    with pytest.raises(AccessRefused):
        plan_as(cohort, person, 1, as_of=AS_OF, via="cli")
    assert snapshot(cohort) == before


# --- the setting -------------------------------------------------------------------------------

GOAL = '[[goals]]\nnumber = 1\ntitle = "Reach"\n'


def test_the_goals_file_sets_the_period() -> None:
    assert load_goals().retention_years == 6  # data/goals.toml
    assert parse_goals(GOAL).retention_years is None
    assert parse_goals("[retention]\nparticipant_records_years = 2\n" + GOAL).retention_years == 2


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ("participant_records_years = 0", "must be a whole number of years, 1 or more, not 0"),
        ("participant_records_years = 2.5", "must be a whole number of years, 1 or more, not 2.5"),
        ("participant_records_years = true", "not True"),
        ("participant_record_years = 6", "(did you mean participant_records_years?)"),
    ],
)
def test_a_wrong_period_is_explained(table: str, said: str) -> None:
    with pytest.raises(GoalsFileError, match=re.escape(said)):
        parse_goals(f"[retention]\n{table}\n" + GOAL)
