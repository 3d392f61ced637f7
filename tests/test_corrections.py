"""A return corrected before loading (fixes, cells by hand), and what loading it will change.

Every file here is synthetic. The right answers were worked out by hand from hub_fixture:
the loaded activities (batch 3) are A1 (28 participants, school 900001), A2 (40, no school)
and R1 (12, school 900002), all in 2025/26.
"""

from __future__ import annotations

from datetime import date

import pytest
from hub_fixture import ACTIVITIES_HEADER, snapshot
from test_workbook import HEADER, row, xlsx

from hubmetrics import store
from hubmetrics.contract import file_kind
from hubmetrics.ingest import LoadResult, check_file, load_file
from hubmetrics.ingest.batches import batch_corrections, original_file, rollback
from hubmetrics.ingest.corrections import BY_HAND, Edit, begin, rows_in_trouble
from hubmetrics.ingest.fixes import offered_fixes

NEW_AND_REPLACING = (
    ACTIVITIES_HEADER
    + "\n"
    + "NMPAT,A3,Brass group,ensemble,classical,beginner,2025-09-10,,900003,,ks2,10,,,,,,,,,,,,6,6\n"
    + "ROCK-NN,R1,Rock band,ensemble,rock_pop,intermediate,2025-10-01,,900002,,ks3,20,,,,,,,,,,,,8,16\n"
)


def figures(result: LoadResult) -> dict[tuple[str, str], tuple[object, object]]:
    fc = result.forecast
    assert fc is not None
    return {(f.year, f.key): (f.before, f.after) for f in fc.figures}


def test_a_check_says_what_loading_will_change_and_writes_nothing(
    loaded_db: store.Connection,
) -> None:
    before = snapshot(loaded_db)
    result = check_file(loaded_db, "activities", NEW_AND_REPLACING.encode(), forecast=True)
    assert result.accepted, result.errors
    assert result.forecast is not None
    assert (result.forecast.new_rows, result.forecast.replaced_rows) == (1, 1)
    # 28 + 40 + 12 = 80 before; R1 becomes 20 and A3 adds 10: 28 + 40 + 20 + 10 = 98.
    # Schools engaged: 900001 and 900002 before; 900003 is state-funded too, so 3 after.
    assert figures(result) == {
        ("2025/26", "participations"): (80, 98),
        ("2025/26", "schools_engaged"): (2, 3),
    }
    assert snapshot(loaded_db) == before
    loaded = load_file(loaded_db, "activities", NEW_AND_REPLACING.encode())
    assert (loaded.rows, loaded.rows_replaced) == (2, 1)


def test_no_forecast_for_a_refused_file_or_when_not_asked(loaded_db: store.Connection) -> None:
    refused = check_file(
        loaded_db, "activities", NEW_AND_REPLACING.replace(",10,", ",ten,").encode(), forecast=True
    )
    assert not refused.accepted and refused.forecast is None
    assert check_file(loaded_db, "activities", NEW_AND_REPLACING.encode()).forecast is None


CURRENT = "SELECT * FROM activities ORDER BY partner_id, activity_id"
MESSY = (
    ACTIVITIES_HEADER
    + "\n"
    + "NMPAT,B1,Year 4 violins,wcet,classical,beginner,2025-09-08,,900001,,Year 4,30,,,,,,,,,,,,12,12\n"
    + "NMPAT,B2,Choir,choir,choral,beginner,2025-09-09,,900003,,ks2,lots,,,,,,,,,,,,10,10\n"
    + "NMPAT,B3,Band,ensemble,rock_pop,beginner,2025-09-10,,900002,,ks3,8,,,,,,,,,,,,4,4\n"
)


def test_fixes_then_cells_by_hand_then_a_load_that_records_every_change(
    loaded_db: store.Connection,
) -> None:
    work = begin(MESSY.encode(), "messy.csv", "activities")
    assert work is not None
    fixes = offered_fixes(file_kind("activities"), work.text)
    assert [(f.column, f.cells) for f in fixes] == [("age_band", 1)]
    work = work.with_fixes(fixes)
    checked = check_file(loaded_db, "activities", work.content)
    assert [(p.line, p.column) for p in checked.errors] == [(3, "participants")]
    trouble, total = rows_in_trouble(work, checked.errors)
    assert total == 1 and trouble[0].line == 3
    assert trouble[0].cells[HEADER.index("participants")] == "lots"
    work = work.with_edits([Edit(3, HEADER.index("participants"), "16")])
    before = snapshot(loaded_db)
    current_before = loaded_db.execute(CURRENT).fetchall()
    loaded = load_file(
        loaded_db,
        "activities",
        work.content,
        file_name="messy.csv",
        original=MESSY.encode(),
        corrections=work.corrections,
        submitted_by="secretary@example.org",
    )
    assert loaded.accepted, loaded.errors
    assert batch_corrections(loaded_db, loaded.batch_id or 0) == [
        (2, "age_band", "Year 4", "ks2", fixes[0].name, "secretary@example.org"),
        (3, "participants", "lots", "16", BY_HAND, "secretary@example.org"),
    ]
    stored = loaded_db.execute(
        "SELECT activity_id, age_band, participants FROM activities WHERE batch_id = ? ORDER BY 1",
        [loaded.batch_id],
    ).fetchall()
    assert stored == [("B1", "ks2", 30), ("B2", "ks2", 16), ("B3", "ks3", 8)]
    _, kept = original_file(loaded_db, loaded.batch_id or 0)
    assert kept.read_bytes() == MESSY.encode()  # the file as sent, not as corrected
    rollback(loaded_db, loaded.batch_id or 0)
    after = snapshot(loaded_db)
    for table in ("partner_row", "school_row", "participant_row"):
        assert after[table] == before[table]
    assert loaded_db.execute(CURRENT).fetchall() == current_before  # exactly as it was


def test_an_edit_typed_as_it_was_is_no_change_and_a_line_break_becomes_a_space() -> None:
    work = begin(MESSY.encode(), "messy.csv", "activities")
    assert work is not None
    name = HEADER.index("activity_name")
    same = work.with_edits([Edit(2, name, "Year 4 violins")])
    assert same.corrections == () and same.text == work.text
    broken = work.with_edits([Edit(2, name, "Year 4\nstrings")])
    assert broken.corrections[0].after == "Year 4 strings"
    assert broken.text.count("\n") == work.text.count("\n")
    with pytest.raises(ValueError, match="no cell at line 9"):
        work.with_edits([Edit(9, name, "x")])


def test_a_workbook_is_corrected_as_its_sheet_and_its_rows_keep_their_numbers(
    loaded_db: store.Connection,
) -> None:
    sheet = [
        ["Spring term return (fictional)"],
        [],
        HEADER,
        row(1, start=date(2026, 1, 12)),
        row(2, start=date(2026, 1, 13), participants="about twenty"),
    ]
    sent = xlsx({"Return": sheet})
    work = begin(sent, "spring.xlsx", "activities")
    assert work is not None and work.origin is not None
    assert (work.origin.heading_row, work.origin.record_rows) == (3, (4, 5))
    checked = check_file(
        loaded_db, "activities", work.content, file_name="spring.xlsx", origin=work.origin
    )
    assert [(p.line, p.column) for p in checked.errors] == [(5, "participants")]
    assert checked.sheet_note == "Read sheet 'Return'; headings on row 3."
    work = work.with_edits([Edit(5, HEADER.index("participants"), "28")])
    assert work.corrections[0].line == 5
    loaded = load_file(
        loaded_db,
        "activities",
        work.content,
        file_name="spring.xlsx",
        original=sent,
        origin=work.origin,
        corrections=work.corrections,
    )
    assert loaded.accepted, loaded.errors
    name, kept = original_file(loaded_db, loaded.batch_id or 0)
    assert (name, kept.suffix, kept.read_bytes() == sent) == ("spring.xlsx", ".xlsx", True)
    assert loaded_db.execute(
        "SELECT encoding FROM batch WHERE batch_id = ?", [loaded.batch_id]
    ).fetchone() == ("xlsx",)
    assert batch_corrections(loaded_db, loaded.batch_id or 0)[0][:4] == (
        5,
        "participants",
        "about twenty",
        "28",
    )


def test_a_workbook_that_is_refused_gives_no_return_to_correct() -> None:
    assert begin(b"PK\x03\x04 not really a zip", "bad.xlsx", "activities") is None
    assert begin(b"\x81\x8d\x90" * 10, "bad.csv", "activities") is None  # neither UTF-8 nor 1252
