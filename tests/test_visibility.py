"""What each role sees of a figure or a table: in full, or with small numbers as [c]."""

from __future__ import annotations

import pytest

from hubmetrics.disclosure.visibility import (
    count_at,
    figure_for,
    published_at,
    published_metric,
    rows_for,
    share_behind,
    threshold_for,
)
from hubmetrics.metrics import MetricValue
from hubmetrics.people.access import Person

VIEWER = Person("trustee@hub.example", "viewer")
PARTNER = Person("ann@rock.example", "partner", "ROCK-NN")
STAFF = Person("kim@hub.example", "staff")
ADMIN = Person("root@hub.example", "admin")

# Hand-made figures for one scope: 3 looked-after children, 2 of 40 on free school meals.
VALUES = {
    "participations": MetricValue("participations", 40, rows=3),
    "lac_participants": MetricValue("lac_participants", 3, skipped=0, rows=3),
    "state_schools": MetricValue("state_schools", 2),
    "fsm_share": MetricValue("fsm_share", 0.05, numerator=2, denominator=40, rows=3),
    "fsm_representation": MetricValue(
        "fsm_representation", 0.25, numerator=0.05, denominator=0.2, rows=3
    ),
    "send_share": MetricValue("send_share", 0.25, numerator=10, denominator=40, rows=3),
    "send_representation": MetricValue(
        "send_representation", 2.5, numerator=0.25, denominator=0.1, rows=3
    ),
    "school_coverage": MetricValue("school_coverage", 0.5, numerator=1, denominator=2),
}


@pytest.mark.parametrize(
    ("key", "published"),
    [
        ("participations", 40),
        ("lac_participants", "[c]"),  # three children
        ("state_schools", 2),  # schools, not children
        ("fsm_share", "[c]"),  # made from 2 children
        ("fsm_representation", "[c]"),  # its share is made from 2 children
        ("send_share", 0.25),
        ("send_representation", 2.5),
        ("school_coverage", 0.5),  # schools
    ],
)
def test_a_figure_as_it_may_be_published(key: str, published: object) -> None:
    behind = share_behind(key)
    assert published_metric(VALUES[key], share=VALUES[behind] if behind else None) == published


def test_no_data_stays_no_data_and_a_representation_needs_its_share() -> None:
    assert published_metric(MetricValue("participations", 0, rows=0)) is None
    with pytest.raises(ValueError, match="fsm_share"):
        published_metric(VALUES["fsm_representation"])
    assert published_metric(VALUES["lac_participants"], threshold=2) == 3


@pytest.mark.parametrize(
    ("person", "partner_id", "lac", "fsm_rep"),
    [
        (STAFF, None, 3, 0.25),
        (ADMIN, "NMPAT", 3, 0.25),
        (VIEWER, None, "[c]", "[c]"),
        (VIEWER, "ROCK-NN", "[c]", "[c]"),
        (PARTNER, "ROCK-NN", 3, 0.25),  # its own figures in full
        (PARTNER, "NMPAT", "[c]", "[c]"),
        (PARTNER, None, "[c]", "[c]"),  # the whole hub holds the other partners
    ],
)
def test_each_role_sees_a_figure(
    person: Person, partner_id: str | None, lac: object, fsm_rep: object
) -> None:
    assert figure_for(person, VALUES["lac_participants"], VALUES, partner_id=partner_id) == lac
    assert (
        figure_for(person, VALUES["fsm_representation"], VALUES, partner_id=partner_id) == fsm_rep
    )
    assert figure_for(person, VALUES["participations"], VALUES, partner_id=partner_id) == 40


# A table of partners: counts of children with a ratio made from them.
TABLE = [
    {"Partner": "NMPAT", "Participations": 120, "FSM": 30, "FSM share": 0.25},
    {"Partner": "ROCK-NN", "Participations": 3, "FSM": 1, "FSM share": 0.33},
    {"Partner": "KETT-CHORAL", "Participations": 50, "FSM": 2, "FSM share": 0.04},
    {"Partner": "NN-JAZZ", "Participations": 60, "FSM": 12, "FSM share": 0.2},
]
COUNTS = ["Participations", "FSM"]
RATIOS = {"FSM share": ["FSM", "Participations"]}


def shown(person: Person, **kwargs: object) -> list[list[object]]:
    rows = rows_for(person, TABLE, counts=COUNTS, ratios=RATIOS, **kwargs)  # type: ignore[arg-type]
    return [list(r.values()) for r in rows]


def test_staff_see_the_table_as_it_is() -> None:
    assert shown(STAFF) == [list(r.values()) for r in TABLE]
    assert shown(ADMIN, partner_of=lambda r: r["Partner"]) == [list(r.values()) for r in TABLE]


def test_a_viewer_sees_small_numbers_hidden_with_the_cells_that_give_them_away() -> None:
    # Worked by hand: 3, 1 and 2 are small. ROCK-NN's row (3 + 1) and KETT-CHORAL's FSM leave
    # each column and row with two hidden cells or more, except KETT-CHORAL's row (50 visible,
    # 2 hidden: one hidden cell), so its smallest visible non-zero part, 50, goes too. The
    # Participations column then has 3 and 50 hidden, FSM has 1 and 2: no line with one alone.
    assert shown(VIEWER) == [
        ["NMPAT", 120, 30, 0.25],
        ["ROCK-NN", "[c]", "[c]", "[c]"],
        ["KETT-CHORAL", "[c]", "[c]", "[c]"],
        ["NN-JAZZ", 60, 12, 0.2],
    ]


def test_a_partner_sees_its_own_row_in_full_and_the_others_suppressed() -> None:
    # Without ROCK-NN's row, the others are suppressed as a table of their own: KETT-CHORAL's
    # 2 is small and its row's 50 goes with it; the FSM column (30, 2, 12) then has one hidden
    # cell, so its smallest visible, 12, goes, and the Participations column (120, 50, 60) its
    # 60. The ratios are hidden only where a count they are made from is small.
    assert shown(PARTNER, partner_of=lambda r: r["Partner"]) == [
        ["NMPAT", 120, 30, 0.25],
        ["ROCK-NN", 3, 1, 0.33],
        ["KETT-CHORAL", "[c]", "[c]", "[c]"],
        ["NN-JAZZ", "[c]", "[c]", 0.2],
    ]


def test_a_partner_sees_a_table_about_itself_in_full() -> None:
    assert shown(PARTNER, partner_id="ROCK-NN") == [list(r.values()) for r in TABLE]
    assert shown(PARTNER, partner_id="NMPAT") == shown(VIEWER)


def test_the_first_rows_are_hidden_as_in_the_whole_table() -> None:
    # KETT-CHORAL's 50 is hidden because of its own small FSM, NN-JAZZ's 60 because of the
    # partner's view of the others: cut to the first rows, each row is as in the whole table.
    for person, kwargs in (
        (STAFF, {}),
        (VIEWER, {}),
        (PARTNER, {"partner_of": lambda r: r["Partner"]}),
    ):
        whole = shown(person, **kwargs)
        for n in (0, 1, 3, 4, 9):
            assert shown(person, at_most=n, **kwargs) == whole[:n]
        assert shown(person, at_most=None, **kwargs) == whole
    assert shown(VIEWER, at_most=3)[2] == ["KETT-CHORAL", "[c]", "[c]", "[c]"]
    # Fresh dicts: the caller may change them without changing the table or what is kept.
    first = rows_for(STAFF, TABLE, at_most=1)[0]
    first["Participations"] = 0
    assert TABLE[0]["Participations"] == 120
    hidden = rows_for(VIEWER, TABLE, counts=COUNTS, ratios=RATIOS, at_most=2)
    hidden[1]["Partner"] = "changed"
    assert shown(VIEWER)[1][0] == "ROCK-NN"


# --- the Progression page's figures: a threshold chosen for the person, then applied --------


@pytest.mark.parametrize(
    ("person", "partner_id", "threshold"),
    [
        (STAFF, None, None),
        (ADMIN, "NMPAT", None),
        (VIEWER, None, 4),
        (VIEWER, "ROCK-NN", 4),
        (PARTNER, "ROCK-NN", None),  # its own figures in full
        (PARTNER, "NMPAT", 4),
        (PARTNER, None, 4),  # the whole hub holds the other partners
    ],
)
def test_the_threshold_is_none_for_whoever_sees_in_full(
    person: Person, partner_id: str | None, threshold: int | None
) -> None:
    assert threshold_for(person, 4, partner_id=partner_id) == threshold


# Hand-made: 5 children, 3 of the 5 in whole-class teaching last year continued (60%); the
# returns' estimate is 8 of 10 (80%).
CHILDREN = MetricValue("unique_cyp", 5, rows=12)
FEW = MetricValue("unique_cyp", 3, rows=12)
CONTINUING = MetricValue("unique_continuation_rate", 0.6, numerator=3, denominator=5, rows=12)
RETURNS = MetricValue("continuation_rate", 0.8, numerator=8, denominator=10, skipped=0, rows=4)


@pytest.mark.parametrize(
    ("value", "threshold", "published"),
    [
        (CHILDREN, 4, 5),
        (FEW, 4, "[c]"),  # 3 children, at most 4
        (FEW, 2, 3),
        (FEW, None, 3),  # in full
        (CONTINUING, 4, "[c]"),  # made from 3 children
        (CONTINUING, 2, 0.6),
        (CONTINUING, None, 0.6),
        (RETURNS, 4, 0.8),  # 8 of 10: neither small
        (RETURNS, 9, "[c]"),  # 8 is small at 9
        (MetricValue("unique_cyp", None, rows=0), 4, None),  # no records: no data
        # No activity rows: the count as it is, where published_metric says no data.
        (MetricValue("participations", 0, rows=0), 4, 0),
    ],
)
def test_a_figure_at_the_persons_threshold(
    value: MetricValue, threshold: int | None, published: object
) -> None:
    assert published_at(value, threshold) == published


def test_a_breakdown_is_not_one_figure_and_counts_of_children_are_hidden_alike() -> None:
    with pytest.raises(ValueError, match="breakdown"):
        published_at(MetricValue("participations_by_age_band", {"ks2": 3}, rows=1), None)
    assert [count_at(n, 4) for n in (0, 1, 4, 5, None)] == [0, "[c]", "[c]", 5, None]
    assert count_at(3.0, None) == 3 and isinstance(count_at(3.0, None), int)
