"""Each rule of the data contract, on small hand-made files."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from hub_fixture import ACTIVITIES_CSV, ACTIVITIES_HEADER, FIXTURES, load_text, snapshot

from hubmetrics import store
from hubmetrics.contract.problems import Problem
from hubmetrics.ingest import check_file, load_file

MINIMAL = "activity_id,activity_name,activity_type,start_date,age_band,participants\n"


def where(problems: list[Problem]) -> set[tuple[int | None, str | None]]:
    return {(p.line, p.column) for p in problems}


def one(con: store.Connection, sql: str, params: list[object] | None = None) -> object:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return row[0]


# --- headers -------------------------------------------------------------------------------


def test_headers_match_loosely(hub_db: store.Connection) -> None:
    text = (
        " Activity ID ,activity-name,ACTIVITY_TYPE,Start Date,age band,Participants\n"
        "X1,Strings,wcet,2025-09-08,ks2,30\n"
    )
    result = load_text(hub_db, "activities", text, partner_id="NMPAT")
    assert result.accepted, result.errors
    assert hub_db.execute("SELECT activity_id, participants FROM activities").fetchall() == [
        ("X1", 30)
    ]


def test_unknown_column_is_a_warning_naming_the_likely_column(hub_db: store.Connection) -> None:
    text = MINIMAL.replace("\n", ",partcipants_female,Colour\n") + (
        "X1,Strings,wcet,2025-09-08,ks2,30,12,blue\n"
    )
    result = load_text(hub_db, "activities", text, partner_id="NMPAT")
    assert result.accepted
    messages = {p.column: p.message for p in result.warnings}
    assert "not loaded" in messages["Colour"]
    assert "Did you mean 'participants'" in messages["partcipants_female"]
    assert all(p.line == 1 for p in result.warnings)


def test_missing_required_column_is_named(hub_db: store.Connection) -> None:
    text = "activity_id,activity_name,start_date,age_band,participants\nX1,S,2025-09-08,ks2,3\n"
    result = load_text(hub_db, "activities", text, partner_id="NMPAT")
    assert not result.accepted
    assert (1, "activity_type") in where(result.errors)


# --- encodings and line endings ---------------------------------------------------------------


def test_utf8_bom_and_crlf(hub_db: store.Connection) -> None:
    text = MINIMAL + "X1,Café strings,wcet,2025-09-08,ks2,30\n"
    data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    result = load_file(hub_db, "activities", data, partner_id="NMPAT")
    assert result.accepted, result.errors
    assert result.encoding == "utf-8-sig"
    assert one(hub_db, "SELECT activity_name FROM activities") == "Café strings"


def test_windows_1252_is_detected_and_kept_byte_for_byte(hub_db: store.Connection) -> None:
    text = MINIMAL + "X1,Children’s café choir,choir,2025-09-08,ks2,30\n"
    data = text.encode("cp1252")
    result = load_file(hub_db, "activities", data, file_name="activities.csv", partner_id="NMPAT")
    assert result.accepted, result.errors
    assert result.encoding == "windows-1252"
    assert one(hub_db, "SELECT activity_name FROM activities") == "Children’s café choir"
    name, stored = one(hub_db, "SELECT file_name FROM batch WHERE batch_id = ?", [3]), None
    assert name == "activities.csv"
    from hubmetrics.ingest.batches import original_file

    _, stored = original_file(hub_db, 3)
    assert stored.read_bytes() == data
    assert stored.name != "activities.csv"


def test_neither_utf8_nor_1252_is_refused(hub_db: store.Connection) -> None:
    data = (MINIMAL + "X1,Bad \x81 byte,wcet,2025-09-08,ks2,30\n").encode("latin-1")
    result = load_file(hub_db, "activities", data, partner_id="NMPAT")
    assert not result.accepted
    assert result.errors[0].line == 2
    assert "not UTF-8 or Windows-1252" in result.errors[0].message


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2025-09-08", date(2025, 9, 8)),
        ("08/09/2025", date(2025, 9, 8)),
        ("8/9/2025", date(2025, 9, 8)),
    ],
)
def test_iso_and_uk_dates(hub_db: store.Connection, written: str, stored: date) -> None:
    result = load_text(
        hub_db, "activities", MINIMAL + f"X1,S,wcet,{written},ks2,3\n", partner_id="NMPAT"
    )
    assert result.accepted, result.errors
    assert one(hub_db, "SELECT start_date FROM activities") == stored


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("31/02/2025", "not a real day"),
        ("2025-02-30", "not a real day"),
        ("12/25/2025", "month-first"),
        ("08/09/25", "year in full"),
        ("next Tuesday", "not a date"),
    ],
)
def test_bad_dates_are_errors(hub_db: store.Connection, written: str, says: str) -> None:
    result = load_text(
        hub_db, "activities", MINIMAL + f"X1,S,wcet,{written},ks2,3\n", partner_id="NMPAT"
    )
    assert not result.accepted
    [problem] = result.errors
    assert (problem.line, problem.column, problem.value) == (2, "start_date", written)
    assert says in problem.message


def test_academic_year_and_term_from_start_date(hub_db: store.Connection) -> None:
    text = MINIMAL + "".join(
        f"X{i},S,wcet,{d},ks2,3\n"
        for i, d in enumerate(
            ["2025-08-31", "2025-09-01", "2026-01-05", "2026-04-01", "2026-08-31"]
        )
    )
    assert load_text(hub_db, "activities", text, partner_id="NMPAT").accepted
    rows = hub_db.execute(
        "SELECT activity_id, academic_year, term FROM activities ORDER BY activity_id"
    ).fetchall()
    assert rows == [
        ("X0", "2024/25", "summer"),
        ("X1", "2025/26", "autumn"),
        ("X2", "2025/26", "spring"),
        ("X3", "2025/26", "summer"),
        ("X4", "2025/26", "summer"),
    ]


# --- numbers, blanks, yes/no, enumerations ------------------------------------------------------


def test_thousands_separators_and_blank_is_not_recorded(hub_db: store.Connection) -> None:
    text = MINIMAL.replace("\n", ",fsm,send\n") + 'X1,S,ensemble,2025-09-08,ks3,"1,204",,0\n'
    assert load_text(hub_db, "activities", text, partner_id="NMPAT").accepted
    assert hub_db.execute("SELECT participants, fsm, send FROM activities").fetchall() == [
        (1204, None, 0)
    ]


@pytest.mark.parametrize("value", ["12.5", "twelve", "1e3", "0x1F"])
def test_counts_must_be_whole_numbers(hub_db: store.Connection, value: str) -> None:
    result = load_text(
        hub_db, "activities", MINIMAL + f"X1,S,wcet,2025-09-08,ks2,{value}\n", partner_id="NMPAT"
    )
    assert not result.accepted
    assert where(result.errors) == {(2, "participants")}


def test_negative_numbers_are_errors(hub_db: store.Connection) -> None:
    text = MINIMAL.replace("\n", ",sessions\n") + "X1,S,wcet,2025-09-08,ks2,-3,-1\n"
    result = load_text(hub_db, "activities", text, partner_id="NMPAT")
    assert where(result.errors) == {(2, "participants"), (2, "sessions")}
    assert all("negative" in p.message for p in result.errors)


@pytest.mark.parametrize(
    ("written", "stored"), [("Y", True), ("no", False), ("TRUE", True), ("0", False)]
)
def test_yes_no_cells(empty_db: store.Connection, written: str, stored: bool) -> None:
    text = f"urn,name,phase,local_authority,rural\n900001,S,primary,Rutland,{written}\n"
    assert load_text(empty_db, "schools", text).accepted
    assert one(empty_db, "SELECT rural FROM schools") is stored


def test_enumerations_ignore_case_and_spaces(hub_db: store.Connection) -> None:
    text = MINIMAL + "X1,S,WCET ,2025-09-08,KS2,3\nX2,S,Tuition Individual,2025-09-08, ks3,1\n"
    assert load_text(hub_db, "activities", text, partner_id="NMPAT").accepted
    assert hub_db.execute(
        "SELECT activity_type, age_band FROM activities ORDER BY activity_id"
    ).fetchall() == [("wcet", "ks2"), ("tuition_individual", "ks3")]


def test_unknown_enumeration_lists_allowed_and_suggests(hub_db: store.Connection) -> None:
    result = load_text(
        hub_db, "activities", MINIMAL + "X1,S,wcte,2025-09-08,ks2,3\n", partner_id="NMPAT"
    )
    [problem] = result.errors
    assert (problem.line, problem.column, problem.value) == (2, "activity_type", "wcte")
    assert "Did you mean 'wcet'?" in problem.message
    assert "tuition_small_group" in problem.message


def test_entirely_empty_rows_are_ignored(hub_db: store.Connection) -> None:
    text = MINIMAL + "X1,S,wcet,2025-09-08,ks2,3\n,,,,,\n , ,,, ,\n"
    result = load_text(hub_db, "activities", text, partner_id="NMPAT")
    assert result.accepted
    assert (result.rows, result.rows_ignored) == (1, 2)


# --- cross-column rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra_header", "extra_cells", "column"),
    [
        ("new_participants", "31", "new_participants"),
        ("continuing_from_wcet", "31", "continuing_from_wcet"),
        ("female", "31", "female"),
        ("fsm", "31", "fsm"),
        ("send", "31", "send"),
        ("lac", "31", "lac"),
        ("eal", "31", "eal"),
        ("global_majority", "31", "global_majority"),
        ("young_carer", "31", "young_carer"),
        ("female,male", "20,20", "male"),
        ("send,ehcp", "5,6", "ehcp"),
        ("ehcp", "31", "ehcp"),
        ("end_date", "2025-09-07", "end_date"),
    ],
)
def test_cross_column_rules(
    hub_db: store.Connection, extra_header: str, extra_cells: str, column: str
) -> None:
    text = (
        MINIMAL.replace("\n", f",{extra_header}\n") + f"X1,S,wcet,2025-09-08,ks2,30,{extra_cells}\n"
    )
    result = load_text(hub_db, "activities", text, partner_id="NMPAT")
    assert not result.accepted
    assert (2, column) in where(result.errors)


def test_counts_equal_to_participants_are_fine(hub_db: store.Connection) -> None:
    text = (
        MINIMAL.replace("\n", ",female,male,send,ehcp\n")
        + "X1,S,wcet,2025-09-08,ks2,30,15,15,30,30\n"
    )
    assert load_text(hub_db, "activities", text, partner_id="NMPAT").accepted


def test_every_problem_at_once(hub_db: store.Connection) -> None:
    text = (
        MINIMAL
        + "X1,S,wcte,2025-09-08,ks2,3\nX2,S,wcet,31/02/2025,ks2,3\nX3,,wcet,2025-09-08,ks9,-1\n"
    )
    result = load_text(hub_db, "activities", text, partner_id="NMPAT")
    assert where(result.errors) == {
        (2, "activity_type"),
        (3, "start_date"),
        (4, "activity_name"),
        (4, "age_band"),
        (4, "participants"),
    }


# --- partners and schools in activity returns -----------------------------------------------------


def test_partner_named_by_the_upload_fills_a_missing_column(hub_db: store.Connection) -> None:
    assert load_text(
        hub_db, "activities", MINIMAL + "X1,S,wcet,2025-09-08,ks2,3\n", partner_id="ROCK-NN"
    ).accepted
    assert one(hub_db, "SELECT partner_id FROM activities") == "ROCK-NN"
    assert one(hub_db, "SELECT partner_id FROM batches WHERE kind = 'activities'") == "ROCK-NN"


def test_partner_column_must_match_the_named_partner(hub_db: store.Connection) -> None:
    text = (
        "partner_id,"
        + MINIMAL
        + "NMPAT,X1,S,wcet,2025-09-08,ks2,3\nROCK-NN,X2,S,wcet,2025-09-08,ks2,3\n"
    )
    result = load_text(hub_db, "activities", text, partner_id="NMPAT")
    assert where(result.errors) == {(3, "partner_id")}


def test_no_partner_at_all_is_an_error(hub_db: store.Connection) -> None:
    result = load_text(hub_db, "activities", MINIMAL + "X1,S,wcet,2025-09-08,ks2,3\n")
    assert where(result.errors) == {(1, "partner_id")}


def test_unknown_partner_suggests_the_nearest(hub_db: store.Connection) -> None:
    text = "partner_id," + MINIMAL + "NMPTA,X1,S,wcet,2025-09-08,ks2,3\n"
    [problem] = load_text(hub_db, "activities", text).errors
    assert (problem.line, problem.column) == (2, "partner_id")
    assert "Did you mean 'NMPAT'?" in problem.message


def test_unknown_urn_is_a_warning_and_the_row_is_kept(hub_db: store.Connection) -> None:
    text = MINIMAL.replace("\n", ",school_urn\n") + "X1,S,wcet,2025-09-08,ks2,3,999999\n"
    result = load_text(hub_db, "activities", text, partner_id="NMPAT")
    assert result.accepted
    assert where(result.warnings) == {(2, "school_urn")}
    assert one(hub_db, "SELECT count(*) FROM batch_warning") == 1
    assert one(hub_db, "SELECT school_urn FROM activities") == 999999


# --- keys, replacement, same bytes -----------------------------------------------------------


def test_key_repeated_inside_one_file_names_both_lines(hub_db: store.Connection) -> None:
    text = (
        MINIMAL
        + "X1,S,wcet,2025-09-08,ks2,3\nX2,S,wcet,2025-09-08,ks2,3\nX1,T,wcet,08/09/2025,ks2,4\n"
    )
    result = load_text(hub_db, "activities", text, partner_id="NMPAT")
    assert where(result.errors) == {(2, "activity_id"), (4, "activity_id")}
    assert "lines 2, 4" in result.errors[0].message


def test_same_bytes_are_refused_naming_the_batch(loaded_db: store.Connection) -> None:
    before = snapshot(loaded_db)
    result = load_text(loaded_db, "activities", ACTIVITIES_CSV)
    assert not result.accepted
    assert "already loaded as batch 3" in result.errors[0].message
    assert snapshot(loaded_db) == before


def test_a_correction_replaces_the_row_and_keeps_history(loaded_db: store.Connection) -> None:
    text = (
        ACTIVITIES_HEADER
        + "\nNMPAT,A1,Year 4 violins,wcet,classical,beginner,2025-09-08,,900001,,ks2,29,,,,,,,,,,,,,\n"
    )
    result = load_text(loaded_db, "activities", text)
    assert result.accepted and result.rows_replaced == 1
    assert one(loaded_db, "SELECT participants FROM activities WHERE activity_id = 'A1'") == 29
    assert one(loaded_db, "SELECT count(*) FROM activities") == 3
    history = loaded_db.execute(
        "SELECT batch_id, replaced_by, participants FROM activity_row WHERE activity_id = 'A1' ORDER BY batch_id"
    ).fetchall()
    assert history == [(3, 4, 28), (4, None, 29)]


def test_original_file_is_kept_with_its_hash(loaded_db: store.Connection) -> None:
    from hubmetrics.ingest.batches import original_file

    sha = one(loaded_db, "SELECT sha256 FROM batches WHERE batch_id = 3")
    assert sha == hashlib.sha256(ACTIVITIES_CSV.encode()).hexdigest()
    name, path = original_file(loaded_db, 3)
    assert name == "activities.csv" and path.read_bytes() == ACTIVITIES_CSV.encode()
    assert path.parent.name == "hub.originals"


def test_check_file_writes_nothing(loaded_db: store.Connection) -> None:
    before = snapshot(loaded_db)
    good = check_file(
        loaded_db,
        "activities",
        (MINIMAL + "X9,S,wcet,2025-09-08,ks2,3\n").encode(),
        partner_id="NMPAT",
        preview_rows=5,
    )
    assert good.accepted and good.preview[0]["activity_id"] == "X9"
    assert snapshot(loaded_db) == before


# --- schools and partners --------------------------------------------------------------------------


def test_schools_upload_replaces_the_list(hub_db: store.Connection) -> None:
    text = "urn,name,phase,local_authority\n900001,Corby Fictional Primary,primary,North Northamptonshire\n"
    result = load_text(hub_db, "schools", text)
    assert result.accepted and result.rows_replaced == 4
    assert hub_db.execute("SELECT urn, state_funded FROM schools").fetchall() == [(900001, True)]
    assert one(hub_db, "SELECT count(*) FROM school_row") == 5  # the old list stays in history


def test_school_values_are_checked(empty_db: store.Connection) -> None:
    text = (
        "urn,name,phase,local_authority,fsm_percent,imd_decile\n"
        "900001,A,primary,Rutland,120,3\n900001,B,infant,Rutland,10,11\n"
    )
    result = load_text(empty_db, "schools", text)
    assert where(result.errors) == {
        (2, "fsm_percent"),
        (2, "urn"),
        (3, "urn"),
        (3, "phase"),
        (3, "imd_decile"),
    }


def test_gias_extract_loads_unedited(empty_db: store.Connection) -> None:
    data = (FIXTURES / "gias_extract.csv").read_bytes()
    result = load_file(empty_db, "schools", data, file_name="edubasealldata.csv")
    assert result.accepted, result.errors
    assert (result.shape, result.encoding, result.rows) == ("gias", "windows-1252", 18)
    independent = empty_db.execute("SELECT count(*) FROM schools WHERE NOT state_funded").fetchone()
    assert independent == (2,)
    lat, lon = empty_db.execute(
        "SELECT latitude, longitude FROM schools WHERE urn = 990001"
    ).fetchone()  # type: ignore[misc]
    assert 52.0 < lat < 52.8 and -1.4 < lon < -0.4


def test_partners_upsert_by_id(hub_db: store.Connection) -> None:
    text = "partner_id,name,partner_type\nNMPAT,NMPAT renamed,lead\nNEW-1,New partner,community\n"
    result = load_text(hub_db, "partners", text)
    assert result.accepted and result.rows_replaced == 1
    assert hub_db.execute(
        "SELECT partner_id, name FROM partners ORDER BY partner_id"
    ).fetchall() == [
        ("KETT-CHORAL", "Kettering Choral Society (fictional)"),
        ("NEW-1", "New partner"),
        ("NMPAT", "NMPAT renamed"),
        ("ROCK-NN", "Rock School NN (fictional)"),
    ]


def test_partner_ids_are_checked(empty_db: store.Connection) -> None:
    text = "partner_id,name\nhas space,A\n" + "X" * 33 + ",B\nOK_1,C\nOK_1,D\n"
    result = load_text(empty_db, "partners", text)
    assert where(result.errors) == {
        (2, "partner_id"),
        (3, "partner_id"),
        (4, "partner_id"),
        (5, "partner_id"),
    }
