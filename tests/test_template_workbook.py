"""Excel templates made from the contract: headings, drop-downs, dates as dates, the notes."""

from __future__ import annotations

import io

import openpyxl
import pytest

from hubmetrics.contract import ACTIVITIES, FILE_KINDS, PARTICIPANTS
from hubmetrics.contract.template_workbook import template_workbook

SCHOOLS = [(900001, "Abington Primary"), (900002, "Kingsthorpe Academy")]


def opened(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def drop_downs(book: openpyxl.Workbook) -> dict[str, list[object]]:
    """Each Return column with a list: the column's heading -> the list's values."""
    sheet, lists = book["Return"], book["Lists"]
    found = {}
    for validation in sheet.data_validations.dataValidation:
        if validation.type != "list":
            continue
        letter = str(validation.sqref).split(":")[0].rstrip("0123456789")
        heading = sheet[f"{letter}1"].value
        cells = validation.formula1.split("!")[1].replace("$", "")
        found[heading] = [c.value for row in lists[cells] for c in row]
    return found


@pytest.mark.parametrize("kind", list(FILE_KINDS))
def test_row_one_is_the_contracts_headings_each_with_its_help(kind: str) -> None:
    book = opened(template_workbook(FILE_KINDS[kind]))
    sheet = book["Return"]
    assert [c.value for c in sheet[1]] == list(FILE_KINDS[kind].column_names)
    assert all(c.comment is not None and c.comment.text for c in sheet[1])
    assert book["Lists"].sheet_state == "hidden"
    assert sheet.max_row == 1 or all(
        c.value is None for row in sheet.iter_rows(min_row=2) for c in row
    )


def test_every_fixed_list_is_a_drop_down_and_the_partner_and_schools_too() -> None:
    book = opened(template_workbook(ACTIVITIES, partner_id="ROCK-NN", schools=SCHOOLS))
    lists = drop_downs(book)
    assert lists["activity_type"] == list(ACTIVITIES.column("activity_type").allowed)
    assert lists["genre"] == list(ACTIVITIES.column("genre").allowed)
    assert lists["age_band"] == list(ACTIVITIES.column("age_band").allowed)
    assert lists["partner_id"] == ["ROCK-NN"]  # a partner's own template: its id alone
    assert lists["school_urn"] == ["900001", "900002"]
    notes = [c.value for row in book["Notes"].iter_rows() for c in row if c.value]
    assert "Abington Primary" in notes and "Kingsthorpe Academy" in notes


def test_a_hubs_template_lists_every_partner() -> None:
    lists = drop_downs(opened(template_workbook(ACTIVITIES, partners=["KETT-CHORAL", "NMPAT"])))
    assert lists["partner_id"] == ["KETT-CHORAL", "NMPAT"]
    assert "school_urn" not in lists  # no schools given: typed, not chosen


def test_dates_are_formatted_as_dates_and_counts_checked_as_whole_numbers() -> None:
    sheet = opened(template_workbook(ACTIVITIES))["Return"]
    headings = [c.value for c in sheet[1]]
    start = headings.index("start_date") + 1
    assert sheet.cell(row=2, column=start).number_format == "DD/MM/YYYY"
    kinds = {
        sheet[str(v.sqref).split(":")[0].rstrip("0123456789") + "1"].value: v.type
        for v in sheet.data_validations.dataValidation
    }
    assert kinds["start_date"] == "date" and kinds["participants"] == "whole"


def test_the_notes_say_every_column_and_the_rules_across_columns() -> None:
    notes = opened(template_workbook(PARTICIPANTS))["Notes"]
    said = {row[0].value: row[1].value for row in notes.iter_rows() if row[0].value}
    assert said["participant_ref"].startswith("Required.")
    assert all(name in said for name in PARTICIPANTS.column_names)


def test_a_filled_template_loads_unedited(tmp_path) -> None:
    """Filled in Excel's way (a date cell, numbers as numbers, a choice from each list) and
    uploaded as it is: every row loads, read from the Return sheet."""
    from datetime import date

    from hubmetrics import store
    from hubmetrics.ingest import load_file

    con = store.connect(tmp_path / "hub.duckdb")
    assert load_file(con, "partners", b"partner_id,name\nNMPAT,Lead\n").accepted
    book = opened(template_workbook(ACTIVITIES, partner_id="NMPAT"))
    sheet = book["Return"]
    headings = [c.value for c in sheet[1]]
    filled = {
        "partner_id": "NMPAT",
        "activity_id": "T1",
        "activity_name": "Year 4 violins",
        "activity_type": "wcet",
        "genre": "classical",
        "start_date": date(2025, 9, 8),
        "age_band": "ks2",
        "participants": 28,
        "send": 3,
    }
    for name, value in filled.items():
        sheet.cell(row=2, column=headings.index(name) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    result = load_file(con, "activities", out.getvalue(), file_name="autumn.xlsx")
    assert result.accepted, [p.describe() for p in result.errors]
    assert (result.rows, result.sheet, result.heading_row) == (1, "Return", 1)
    row = con.execute("SELECT start_date, participants, send FROM activities").fetchone()
    con.close()
    assert row == (date(2025, 9, 8), 28, 3)
