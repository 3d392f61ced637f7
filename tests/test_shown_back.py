"""What an upload shows back (hubmetrics/disclosure/shown_back.py): records of children show
no value; headings shaped like a child's details are named by their place. Made-up values."""

from __future__ import annotations

import pytest

from hubmetrics.contract import file_kind
from hubmetrics.contract.headings import match_headings
from hubmetrics.contract.problems import Problem
from hubmetrics.disclosure.shown_back import (
    NOT_SHOWN,
    holds_child_records,
    looks_identifying,
    masked,
    shown_back,
)


@pytest.mark.parametrize(
    ("text", "identifying"),
    [
        ("A123456789012", True),
        ("NMPAT-A123456789012", True),
        ("child@example.org", True),
        ("NN1 1AA", True),
        ("nn171aa", True),
        ("p_0123456789abcdef0123", True),
        ("NN17", False),  # a district
        ("900001", False),  # a URN
        ("AB1234567890123", False),  # too many digits for a UPN
        ("(it has an @)", False),
        ("Year 4 violins", False),
    ],
)
def test_what_looks_like_a_childs_details(text: str, identifying: bool) -> None:
    assert looks_identifying(text) is identifying


def test_masked_replaces_only_the_details() -> None:
    line = "NMPAT,A123456789012,child@example.org,NN1 1AA,Violins"
    assert masked(line) == f"NMPAT,{NOT_SHOWN},{NOT_SHOWN},{NOT_SHOWN},Violins"


@pytest.mark.parametrize(
    ("kind", "headings", "child"),
    [
        ("participants", ["anything"], True),
        ("activities", ["partner_id", "Pseudonym"], True),  # participant_ref's synonym
        ("activities", ["partner_id", "Date of birth"], True),
        ("activities", ["partner_id", "UPN"], True),
        ("schools", ["urn", "E-mail"], True),
        ("activities", ["NMPAT", "A123456789012"], True),  # a record read as the headings
        ("activities", ["partner_id", "activity_name", "Postcode", "Notes"], False),
        ("partners", ["partner_id", "name", "website"], False),
    ],
)
def test_which_files_hold_childrens_records(kind: str, headings: list[str], child: bool) -> None:
    assert holds_child_records(kind, headings) is child


def test_records_of_children_show_no_value_and_no_heading_not_the_contracts() -> None:
    header = ["participant_ref", "Pseudonym", "=HYPERLINK(1)", "Jo Bloggs"]
    shown = shown_back("participants", match_headings(header, file_kind("participants")))
    assert shown.child_records
    assert shown.by_place == {2: "column 3", 3: "column 4"}  # 'Pseudonym' is a synonym
    unknown = Problem(1, "Jo Bloggs", None, "'Jo Bloggs' is not a column of the file.")
    cell = Problem(5, "sex", "child@example.org", "Not allowed. Did you mean 'F'?", rule="No.")
    raw = Problem(6, None, "A123456789012,Jo,NN1 1AA", "A double quote is out of place.")
    assert shown.problems([unknown, cell, raw]) == [
        Problem(
            1, "column 4", None, "The heading of column 4 (not shown) is not a column of the file."
        ),
        Problem(5, "sex", None, "No.", rule="No."),
        Problem(6, None, None, "A double quote is out of place."),
    ]
    assert shown.heading(3, "Jo Bloggs") == "column 4"
    assert not shown.shows_cells(0)


def test_other_files_show_their_cells_but_no_line_of_text_nor_unknown_column() -> None:
    header = ["activity_id", "participants", "Notes", "child@example.org"]
    shown = shown_back("activities", match_headings(header, file_kind("activities")))
    # A heading shaped like a child's details says the first line is a record.
    assert shown.child_records
    header[3] = "Contact"
    shown = shown_back("activities", match_headings(header, file_kind("activities")))
    assert not shown.child_records and shown.by_place == {}
    assert shown.shows_cells(1) and not shown.shows_cells(2) and not shown.shows_cells(3)
    cell = Problem(3, "participants", "lots", "participants must be a number.")
    raw = Problem(4, None, "Z1,lots,ring A123456789012", "This line has more cells.")
    assert shown.problems([cell, raw]) == [
        cell,
        Problem(4, None, None, "This line has more cells."),
    ]
