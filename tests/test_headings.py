"""A partner's own headings matched to the contract: by name, by synonym, or as mapped."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubmetrics import store
from hubmetrics.cli import main
from hubmetrics.contract import ACTIVITIES, PARTICIPANTS, SCHOOLS
from hubmetrics.contract.headings import (
    column_for,
    heading_words,
    match_headings,
    synonym_clashes,
)
from hubmetrics.ingest import check_file, load_file

OWN_HEADINGS = (
    "Partner ID,Activity ref,Name of activity,Type,Genre,Start date,DfE URN,Venue postcode,"
    "Key stage,No. of children,Notes\n"
)
ROW = "NMPAT,A1,Violin,wcet,classical,2025-09-08,,NN1 1AA,ks2,28,bring rosin\n"


@pytest.fixture
def con(tmp_path: Path) -> store.Connection:
    con = store.connect(tmp_path / "hub.duckdb")
    assert load_file(con, "partners", b"partner_id,name\nNMPAT,Lead\n").accepted
    return con


@pytest.mark.parametrize(
    ("heading", "kind", "column"),
    [
        ("No. of children", ACTIVITIES, "participants"),
        ("number of children", ACTIVITIES, "participants"),
        ("  PUPILS ", ACTIVITIES, "participants"),
        ("DfE URN", ACTIVITIES, "school_urn"),
        ("DfE URN", SCHOOLS, "urn"),  # the same words mean another column in another file
        ("Key stage", ACTIVITIES, "age_band"),
        ("Start-Date", ACTIVITIES, "start_date"),
        ("FSM %", SCHOOLS, "fsm_percent"),
        ("Type", ACTIVITIES, "activity_type"),
        ("Notes", ACTIVITIES, None),
        ("Pupils", PARTICIPANTS, None),  # a count has no place in a child's record
    ],
)
def test_a_heading_means_the_column_its_words_name(heading, kind, column) -> None:
    assert column_for(heading, kind) == column


def test_heading_words_drop_case_punctuation_and_counting_words() -> None:
    assert heading_words("No. of Children") == heading_words("children") == "children"
    assert heading_words("% FSM") == "percent_fsm"


def test_no_synonym_means_two_columns_or_hides_a_columns_name() -> None:
    assert synonym_clashes() == []


def test_match_says_how_each_heading_was_read() -> None:
    headings = match_headings(OWN_HEADINGS.strip().split(","), ACTIVITIES, {"Notes": ""})
    assert headings.describe() == [
        "'Activity ref' → activity_id (synonym)",
        "'Name of activity' → activity_name (synonym)",
        "'Type' → activity_type (synonym)",
        "'DfE URN' → school_urn (synonym)",
        "'Key stage' → age_band (synonym)",
        "'No. of children' → participants (synonym)",
        "'Notes' left out",
    ]


def test_a_file_with_its_own_headings_loads_its_values_into_the_right_columns(con) -> None:
    result = load_file(con, "activities", (OWN_HEADINGS + ROW).encode())
    assert result.accepted, [p.describe() for p in result.errors]
    assert [w.column for w in result.warnings] == ["Notes"]  # not a column: said, not loaded
    row = con.execute(
        "SELECT activity_id, activity_name, activity_type, age_band, participants FROM activities"
    ).fetchone()
    assert row == ("A1", "Violin", "wcet", "ks2", 28)


def test_two_headings_that_mean_one_column_are_refused(con) -> None:
    data = b"partner_id,activity_id,activity_name,activity_type,start_date,age_band,Pupils,"
    data += b"No. of children\nNMPAT,A1,V,wcet,2025-09-08,ks2,28,28\n"
    result = check_file(con, "activities", data)
    assert [p.message for p in result.errors] == [
        "Two columns both mean participants: 'Pupils' (column 7) and 'No. of children' "
        "(column 8). Remove one, or say which of them is which."
    ]


def test_the_persons_mapping_comes_first(con) -> None:
    data = OWN_HEADINGS.replace("No. of children", "Kids") + ROW
    refused = check_file(con, "activities", data.encode())
    assert "The file has no 'participants' column" in refused.errors[0].message
    mapped = check_file(
        con, "activities", data.encode(), headings={"Kids": "participants", "Notes": ""}
    )
    assert mapped.accepted and mapped.warnings == []
    wrong = check_file(con, "activities", data.encode(), headings={"Kids": "children"})
    assert not wrong.accepted
    assert wrong.errors[0].message.startswith("'Kids' is mapped to 'children', which is not")


def test_leaving_out_a_column_of_a_participants_file_is_still_refused(con) -> None:
    """The original is kept whole, so a participants file holds only the contract's columns:
    a person's mapping cannot wave another column through."""
    data = b"participant_ref,activity_id,start_date,age_band,Name\np_1,A1,2025-09-08,ks2,Jo\n"
    result = check_file(con, "participants", data, partner_id="NMPAT", headings={"Name": ""})
    assert any(
        "'Name' is not a column of the participants file" in p.message for p in result.errors
    )


def test_the_command_takes_a_mapping_file_and_prints_the_mapping_it_used(
    con, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store.database_path(con)
    con.close()
    path = tmp_path / "rockschool.csv"
    path.write_text(OWN_HEADINGS.replace("No. of children", "Kids") + ROW)
    mapping = tmp_path / "rockschool.toml"
    mapping.write_text('[headings]\n"Kids" = "participants"\n"Notes" = ""\n')
    code = main(["--db", str(db), "load", "activities", str(path), "--mapping", str(mapping)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "  heading: 'Kids' → participants (chosen)" in out
    assert "  heading: 'Key stage' → age_band (synonym)" in out
    assert "  heading: 'Notes' left out" in out
    mapping.write_text("[headings]\nKids = 3\n")
    assert main(["--db", str(db), "load", "activities", str(path), "--mapping", str(mapping)]) == 2
    assert "needs a [headings] table of text" in capsys.readouterr().err


def test_a_remembered_mapping_is_the_partners_and_a_wrong_one_changes_nothing(con) -> None:
    from hubmetrics.ingest.mappings import saved_headings
    from hubmetrics.people.access import AccessRefused, Person, local_operator
    from hubmetrics.people.actions import remember_headings_as

    operator = local_operator()
    assert remember_headings_as(con, operator, "NMPAT", "activities", {"Kids": "participants"}) == 1
    with pytest.raises(ValueError, match="'Notes' is mapped to 'notes'"):
        remember_headings_as(con, operator, "NMPAT", "activities", {"Notes": "notes"})
    assert saved_headings(con, "NMPAT", "activities") == {"Kids": "participants"}
    assert saved_headings(con, "NMPAT", "participants") == {}
    rock = Person(email="rock@example.org", role="partner", partner_id="ROCK-NN")
    with pytest.raises(AccessRefused):
        remember_headings_as(con, rock, "NMPAT", "activities", {"Kids": ""})
    assert saved_headings(con, "NMPAT", "activities") == {"Kids": "participants"}
