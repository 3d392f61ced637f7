"""Problems grouped by column and rule: one explanation, how many cells, the first few lines."""

from __future__ import annotations

from hub_fixture import ACTIVITIES_HEADER

from hubmetrics import store
from hubmetrics.contract.problems import Problem, ProblemGroup, grouped
from hubmetrics.ingest import check_file, load_file

NOT_A_BAND = "This is not one of the values allowed for age_band."


def test_the_same_rule_in_one_column_is_one_group_with_its_first_lines() -> None:
    problems = [
        Problem(line, "age_band", "Year 4", "not a band", rule=NOT_A_BAND)
        for line in (9, 2, 30, 4, 5, 7, 8)
    ]
    problems.append(Problem(3, "participants", "-1", "participants cannot be negative."))
    groups = grouped(problems)
    assert [(g.column, g.cells, g.lines, g.more) for g in groups] == [
        ("age_band", 7, (2, 4, 5, 7, 8), 2),
        ("participants", 1, (3,), 0),
    ]
    assert groups[0].explanation == NOT_A_BAND
    assert groups[0].where() == "lines 2, 4, 5, 7, 8 and 2 more"
    assert groups[1].describe() == "line 3, column participants: participants cannot be negative."


def test_a_cell_alone_keeps_its_own_message_and_a_group_the_rule() -> None:
    one = grouped([Problem(2, "genre", "jaz", "Not allowed. Did you mean 'jazz'?", rule="Not.")])
    assert one[0].explanation == "Not allowed. Did you mean 'jazz'?"
    two = grouped(
        [
            Problem(2, "genre", "jaz", "Not allowed. Did you mean 'jazz'?", rule="Not allowed."),
            Problem(5, "genre", "fok", "Not allowed. Did you mean 'folk'?", rule="Not allowed."),
        ]
    )
    assert [(g.explanation, g.where(), g.cells) for g in two] == [
        ("Not allowed.", "lines 2 and 5", 2)
    ]


def test_errors_come_before_warnings_and_the_file_before_its_lines() -> None:
    groups = grouped(
        [
            Problem(2, "school_urn", "1", "Not in the schools list.", "warning"),
            Problem(7, "start_date", "x", "Not a date."),
            Problem(None, None, None, "The file has a header but no rows."),
        ]
    )
    assert [(g.severity, g.where()) for g in groups] == [
        ("error", "the file"),
        ("error", "line 7"),
        ("warning", "line 2"),
    ]


def test_different_rules_in_one_column_are_different_groups() -> None:
    groups = grouped(
        [
            Problem(2, "start_date", "31/02/2026", "Not a real day."),
            Problem(3, "start_date", "soon", "Not a date."),
            Problem(4, "start_date", "later", "Not a date."),
        ]
    )
    assert [(g.explanation, g.cells) for g in groups] == [
        ("Not a real day.", 1),
        ("Not a date.", 2),
    ]


def test_a_group_repeats_no_cell_value() -> None:
    group = grouped([Problem(n, "participant_ref", "Jo Bloggs", "A name.") for n in (2, 3)])[0]
    assert "Jo Bloggs" not in group.describe()
    assert not hasattr(ProblemGroup, "value")


def test_a_checked_file_groups_by_the_rules_own_words(tmp_path) -> None:
    """Each cell's suggestion differs ("Did you mean 'ks2'?", none for "Year 4"), but the rule
    is one: 3 cells, one group; the misspelt partner is its own group."""
    con = store.connect(tmp_path / "hub.duckdb")
    assert load_file(con, "partners", b"partner_id,name\nNMPAT,Lead\n").accepted
    rows = [
        "NMPAT,A1,Violin,wcet,classical,,2025-10-01,,,NN1 1AA,Year 4,20,,,,,,,,,,,,,",
        "NMPAT,A2,Violin,wcet,classical,,2025-10-01,,,NN1 1AA,KS-2x,20,,,,,,,,,,,,,",
        "NMPATT,A3,Violin,wcet,classical,,2025-10-01,,,NN1 1AA,kss3,20,,,,,,,,,,,,,",
    ]
    data = (ACTIVITIES_HEADER + "\n" + "\n".join(rows) + "\n").encode()
    result = check_file(con, "activities", data)
    con.close()
    groups = {g.column: g for g in grouped(result.errors)}
    assert set(groups) == {"age_band", "partner_id"}
    assert (groups["age_band"].cells, groups["age_band"].lines) == (3, (2, 3, 4))
    assert groups["age_band"].explanation.startswith(NOT_A_BAND)
    assert "Did you mean" not in groups["age_band"].explanation
    assert "Did you mean 'NMPAT'?" in groups["partner_id"].explanation  # one cell: its own words
