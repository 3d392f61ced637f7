"""Each rule of the `participants` file kind (pseudonymised records), on small hand-made files."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hub_fixture import load_text, snapshot

from hubmetrics import store
from hubmetrics.contract.problems import Problem
from hubmetrics.disclosure.pseudonymise import pseudonym
from hubmetrics.ingest import check_file
from hubmetrics.ingest.batches import RollbackRefused, rollback

HEADER = (
    "participant_ref,partner_id,activity_id,start_date,age_band,sex,fsm,send,ehcp,lac,eal,"
    "young_carer,ethnicity,postcode_district,school_urn\n"
)
KEY = bytes(range(32))
ANNA = pseudonym("A100000000001", KEY)
BEN = pseudonym("A100000000002", KEY)
CARA = pseudonym("A100000000003", KEY)

# loaded_db holds activities NMPAT A1 (wcet, 2025-09-08), NMPAT A2 (choir, 08/09/2025) and
# ROCK-NN R1 (ensemble, 2025-10-01), as batch 3.
GOOD = (
    HEADER
    + f"{ANNA},NMPAT,A1,2025-09-08,ks2,f,Y,k,N,n,no,0,wbri,nn17,900001\n"
    + f"{BEN},NMPAT,A1,08/09/2025,ks2,M,,E,yes,,,,,,\n"
    + f"{ANNA},ROCK-NN,R1,2025-10-01,ks2,F,yes,N,no,no,no,no,WBRI,NN17,900002\n"
)


def row(ref: str, rest: str = "NMPAT,A1,2025-09-08,ks2,,,,,,,,,,") -> str:
    return f"{ref},{rest}\n"


def errors_at(problems: list[Problem]) -> set[tuple[int | None, str | None]]:
    return {(p.line, p.column) for p in problems if p.severity == "error"}


def test_a_clean_file_loads_with_typed_values(loaded_db: store.Connection) -> None:
    result = load_text(loaded_db, "participants", GOOD)
    assert result.accepted, result.errors
    assert (result.batch_id, result.rows, result.rows_replaced) == (4, 3, 0)
    stored = loaded_db.execute(
        "SELECT participant_ref, partner_id, activity_id, start_date, academic_year, sex, fsm, "
        "send, ehcp, lac, eal, young_carer, ethnicity, postcode_district, school_urn "
        "FROM participants ORDER BY partner_id, participant_ref"
    ).fetchall()
    a, b = sorted([ANNA, BEN])
    expected = {
        ANNA: (
            ANNA, "NMPAT", "A1", date(2025, 9, 8), "2025/26", "F", True, "K", False, False,
            False, False, "WBRI", "NN17", 900001,
        ),
        BEN: (
            BEN, "NMPAT", "A1", date(2025, 9, 8), "2025/26", "M", None, "E", True, None,
            None, None, None, None, None,
        ),
    }  # fmt: skip
    assert stored[:2] == [expected[a], expected[b]]
    assert stored[2][:2] == (ANNA, "ROCK-NN")
    # The batch is the partner's when the file has one partner only; here it has two.
    assert loaded_db.execute(
        "SELECT kind, partner_id FROM batch WHERE batch_id = 4"
    ).fetchone() == (
        "participants",
        None,
    )


def test_send_takes_yes_no_and_the_census_codes(loaded_db: store.Connection) -> None:
    refs = [pseudonym(f"B10000000000{i}", KEY) for i in range(7)]
    cells = ["N", "k", " E ", "yes", "no", "1", ""]
    text = HEADER + "".join(
        row(ref, f"NMPAT,A1,2025-09-08,ks2,,,{send},,,,,,,")
        for ref, send in zip(refs, cells, strict=True)
    )
    result = load_text(loaded_db, "participants", text)
    assert result.accepted, result.errors
    stored = dict(loaded_db.execute("SELECT participant_ref, send FROM participants").fetchall())
    assert [stored[r] for r in refs] == ["N", "K", "E", "Y", "N", "Y", None]


def test_the_named_partner_may_stand_in_for_the_column(loaded_db: store.Connection) -> None:
    text = "participant_ref,activity_id,start_date,age_band\n" + f"{ANNA},A1,2025-09-08,ks2\n"
    result = load_text(loaded_db, "participants", text, partner_id="NMPAT")
    assert result.accepted, result.errors
    assert loaded_db.execute("SELECT partner_id FROM batch WHERE batch_id = 4").fetchone() == (
        "NMPAT",
    )
    other = HEADER + row(BEN, "ROCK-NN,R1,2025-10-01,ks3,,,,,,,,,,")
    refused = load_text(loaded_db, "participants", other, partner_id="NMPAT")
    assert errors_at(refused.errors) == {(2, "partner_id")}


# --- the activity must exist ----------------------------------------------------------------


@pytest.mark.parametrize(
    "rest",
    [
        "NMPAT,A9,2025-09-08,ks2,,,,,,,,,,",  # no such activity
        "NMPAT,A1,2025-09-09,ks2,,,,,,,,,,",  # A1 starts a day earlier
        "ROCK-NN,A1,2025-09-08,ks2,,,,,,,,,,",  # A1 is NMPAT's, not ROCK-NN's
    ],
)
def test_a_record_of_an_activity_not_loaded_is_refused(
    loaded_db: store.Connection, rest: str
) -> None:
    before = snapshot(loaded_db)
    result = load_text(loaded_db, "participants", HEADER + row(ANNA) + row(BEN, rest))
    assert not result.accepted
    assert errors_at(result.errors) == {(3, "activity_id")}
    assert "load the partner's activity return first" in result.errors[0].message
    assert snapshot(loaded_db) == before


def test_an_unknown_partner_is_one_error_not_two(loaded_db: store.Connection) -> None:
    result = load_text(loaded_db, "participants", HEADER + row(ANNA, "NMPTA,A1,2025-09-08,ks2"))
    assert errors_at(result.errors) == {(2, "partner_id")}
    assert "Did you mean 'NMPAT'?" in result.errors[0].message


def test_records_can_follow_an_activity_correction(loaded_db: store.Connection) -> None:
    """An activity replaced by a correction keeps its key, so its records still belong."""
    assert load_text(loaded_db, "participants", GOOD).accepted
    correction = (
        "activity_id,activity_name,activity_type,start_date,age_band,participants\n"
        "A1,Year 4 violins (corrected),wcet,2025-09-08,ks2,29\n"
    )
    fixed = load_text(loaded_db, "activities", correction, partner_id="NMPAT")
    assert fixed.accepted and fixed.rows_replaced == 1
    more = load_text(loaded_db, "participants", HEADER + row(CARA))
    assert more.accepted, more.errors


# --- pseudonyms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "says"),
    [
        ("jane.smith@school.example", "email address"),
        ("@js2015", "email address"),
        ("A123456789012", "unique pupil number"),
        ("a123456789012", "unique pupil number"),
        ("NMPAT-A123456789012", "unique pupil number"),
        ("A123456789012_x", "unique pupil number"),
        ("12345678", "number on its own"),
        ("0042", "number on its own"),
        ("Jane Smith", "looks like a name"),
        ("Smith, Jane", "looks like a name"),
        ("O'Brien", "looks like a name"),
        ("jane-smith", "looks like a name"),
        ("Zoë", "looks like a name"),
        ("Jane Smith 4B", "looks like a name"),
        ("Smith Jane4", "looks like a name"),
        ("ab12cd", "at least 8"),
        ("ab12 cd34ef", "no spaces"),
        ("ab12/cd34ef", "no spaces"),
    ],
)
def test_a_pseudonym_that_identifies_is_refused_and_not_shown(
    loaded_db: store.Connection, ref: str, says: str
) -> None:
    result = load_text(loaded_db, "participants", HEADER + row(ANNA) + row(f'"{ref}"'))
    assert not result.accepted
    assert errors_at(result.errors) == {(3, "participant_ref")}
    problem = result.errors[0]
    assert says in problem.message
    assert problem.value is None, "a refused pseudonym is never repeated back"
    assert "may identify a child" in problem.message


@pytest.mark.parametrize(
    "ref",
    [
        "p_0123456789abcdef0123",
        "NMPAT-000123456",  # a partner's own opaque code: digits and letters, 8+ characters
        "x7f3a9_20240911",
        "A12345678901",  # a letter and 11 digits is not a UPN
        "A1234567890123",  # nor a letter and 13
    ],
)
def test_opaque_pseudonyms_are_accepted(loaded_db: store.Connection, ref: str) -> None:
    result = load_text(loaded_db, "participants", HEADER + row(ref))
    assert result.accepted, result.errors


def test_the_hubs_own_format_is_never_refused(loaded_db: store.Connection) -> None:
    """Two thousand pseudonyms of UPN-shaped identifiers under random keys all load."""
    rng = random.Random(7)
    refs = {
        pseudonym(f"{rng.choice('ABCDEFGHJKLMNPQRTUVWXYZ')}{rng.randrange(10**12):012d}", key)
        for key in (rng.randbytes(32) for _ in range(20))
        for _ in range(100)
    }
    assert len(refs) == 2000
    text = HEADER + "".join(row(ref) for ref in sorted(refs))
    result = check_file(loaded_db, "participants", text.encode())
    assert result.accepted, result.errors[:3]
    assert result.rows == 2000


# --- postcode district, enumerations and flags ----------------------------------------------


@pytest.mark.parametrize(
    ("written", "says", "shown"),
    [
        ("NN17 1AA", "too identifying", None),
        ("nn171aa", "too identifying", None),
        ("LE15 6AA", "too identifying", None),
        ("NN1  1AA", "too identifying", None),
        ("Corby", "not a postcode district", "CORBY"),
        ("NN", "not a postcode district", "NN"),
        ("17NN", "not a postcode district", "17NN"),
        ("NN17 1", "not a postcode district", "NN17 1"),
    ],
)
def test_a_full_postcode_or_not_a_district_is_refused(
    loaded_db: store.Connection, written: str, says: str, shown: str | None
) -> None:
    text = HEADER + row(ANNA, f"NMPAT,A1,2025-09-08,ks2,,,,,,,,,{written},")
    result = load_text(loaded_db, "participants", text)
    assert errors_at(result.errors) == {(2, "postcode_district")}
    assert says in result.errors[0].message
    assert result.errors[0].value == shown, "a full postcode is never repeated back"


@pytest.mark.parametrize("district", ["NN17", "nn1", "E1W", "LE15", " ec1a "])
def test_postcode_districts_are_kept_in_capitals(
    loaded_db: store.Connection, district: str
) -> None:
    text = HEADER + row(ANNA, f"NMPAT,A1,2025-09-08,ks2,,,,,,,,,{district},")
    assert load_text(loaded_db, "participants", text).accepted
    stored = loaded_db.execute("SELECT postcode_district FROM participants").fetchone()
    assert stored == (district.strip().upper(),)


@pytest.mark.parametrize(
    ("cells", "column", "says"),
    [
        ("ks9,,,,,,,,,,", "age_band", "Allowed: early_years, ks1"),
        (",,,,,,,,,,", "age_band", "required"),
        ("ks2,X,,,,,,,,,", "sex", "Allowed: F, M, U."),
        ("ks2,female,,,,,,,,,", "sex", "Allowed: F, M, U."),
        ("ks2,,maybe,,,,,,,,", "fsm", "Yes or No"),
        ("ks2,,,S,,,,,,,", "send", "N (none), K (SEN support) or E (EHCP)"),
        ("ks2,,,,2,,,,,,", "ehcp", "Yes or No"),
        ("ks2,,,,,,,,WBR,,", "ethnicity", "Did you mean 'WBRI'?"),
        ("ks2,,,,,,,,British,,", "ethnicity", "Allowed: WBRI, WIRI"),
        ("ks2,,,N,Y,,,,,,", "ehcp", "ehcp says yes but send says no"),
        ("ks2,,,no,yes,,,,,,", "ehcp", "ehcp says yes but send says no"),
        ("ks2,,,E,N,,,,,,", "ehcp", "send is E (EHCP) but ehcp says no"),
        ("ks2,,,,,,,,,,12.5", "school_urn", "whole number"),
    ],
)
def test_each_cell_rule(loaded_db: store.Connection, cells: str, column: str, says: str) -> None:
    result = load_text(
        loaded_db, "participants", HEADER + row(ANNA, f"NMPAT,A1,2025-09-08,{cells}")
    )
    assert errors_at(result.errors) == {(2, column)}, result.errors
    assert says in result.errors[0].message


def test_a_urn_not_in_the_schools_list_is_a_warning(loaded_db: store.Connection) -> None:
    result = load_text(
        loaded_db, "participants", HEADER + row(ANNA, "NMPAT,A1,2025-09-08,ks2,,,,,,,,,,123")
    )
    assert result.accepted
    assert [(w.line, w.column) for w in result.warnings] == [(2, "school_urn")]


# --- columns --------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", ["name", "UPN", "date of birth", "Colour"])
def test_a_column_outside_the_contract_refuses_the_file(
    loaded_db: store.Connection, extra: str
) -> None:
    text = HEADER.replace("\n", f",{extra}\n") + row(ANNA).replace("\n", ",x\n")
    before = snapshot(loaded_db)
    result = load_text(loaded_db, "participants", text)
    assert not result.accepted
    assert errors_at(result.errors) == {(1, extra)}
    assert "may hold only the contract's columns" in result.errors[0].message
    assert snapshot(loaded_db) == before, "nothing kept, not even the original file"


def test_a_missing_required_column_is_named(loaded_db: store.Connection) -> None:
    text = "participant_ref,partner_id,activity_id,age_band\n" + f"{ANNA},NMPAT,A1,ks2\n"
    result = load_text(loaded_db, "participants", text)
    assert errors_at(result.errors) == {(1, "start_date")}


def test_headers_match_loosely(loaded_db: store.Connection) -> None:
    text = " Participant Ref ,Partner-ID,ACTIVITY_ID,Start Date,age band,Young Carer\n"
    text += f"{ANNA},NMPAT,A1,2025-09-08,ks2,yes\n"
    result = load_text(loaded_db, "participants", text)
    assert result.accepted, result.errors
    assert loaded_db.execute("SELECT young_carer FROM participants").fetchone() == (True,)


# --- batches: all or nothing, the key, replacement, rollback, the same bytes ---------------


def test_one_bad_row_refuses_the_whole_file(loaded_db: store.Connection) -> None:
    before = snapshot(loaded_db)
    result = load_text(loaded_db, "participants", GOOD + row("Jane Smith"))
    assert not result.accepted
    assert errors_at(result.errors) == {(5, "participant_ref")}
    assert snapshot(loaded_db) == before


def test_a_key_repeated_in_one_file_is_an_error(loaded_db: store.Connection) -> None:
    text = HEADER + row(ANNA) + row(BEN) + row(ANNA, "NMPAT,A1,08/09/2025,ks2,F,,,,,,,,,")
    result = load_text(loaded_db, "participants", text)
    assert errors_at(result.errors) == {(2, "participant_ref"), (4, "participant_ref")}
    assert "appears 2 times in this file, on lines 2, 4" in result.errors[0].message


def test_a_repeated_name_is_not_shown_back_either(loaded_db: store.Connection) -> None:
    result = load_text(loaded_db, "participants", HEADER + row("Jane Smith") * 2)
    assert errors_at(result.errors) == {(2, "participant_ref"), (3, "participant_ref")}
    assert all(p.value is None and "Jane" not in p.message for p in result.errors)
    assert any("appears 2 times" in p.message for p in result.errors)


def test_the_same_child_in_two_activities_is_two_records(loaded_db: store.Connection) -> None:
    text = HEADER + row(ANNA) + row(ANNA, "NMPAT,A2,2025-09-08,ks2,,,,,,,,,,")
    assert load_text(loaded_db, "participants", text).accepted
    assert loaded_db.execute("SELECT count(*) FROM participants").fetchone() == (2,)


def test_a_record_with_the_same_key_replaces_the_earlier_one_and_rollback_restores_it(
    loaded_db: store.Connection,
) -> None:
    assert load_text(loaded_db, "participants", GOOD).accepted  # batch 4
    correction = HEADER + row(ANNA, "NMPAT,A1,2025-09-08,ks2,F,N,N,N,,,,WIRI,NN18,") + row(CARA)
    fixed = load_text(loaded_db, "participants", correction)  # batch 5
    assert fixed.accepted and (fixed.rows, fixed.rows_replaced) == (2, 1)

    def anna_at_a1() -> list[tuple[object, ...]]:
        return loaded_db.execute(
            "SELECT fsm, ethnicity, postcode_district, batch_id FROM participants "
            "WHERE participant_ref = ? AND activity_id = 'A1'",
            [ANNA],
        ).fetchall()

    assert anna_at_a1() == [(False, "WIRI", "NN18", 5)]
    assert loaded_db.execute("SELECT count(*) FROM participants").fetchone() == (4,)
    assert rollback(loaded_db, 5) == 2
    assert anna_at_a1() == [(True, "WBRI", "NN17", 4)]
    assert loaded_db.execute("SELECT count(*) FROM participants").fetchone() == (3,)


def test_the_same_bytes_are_refused_as_already_loaded(loaded_db: store.Connection) -> None:
    assert load_text(loaded_db, "participants", GOOD).accepted
    again = load_text(loaded_db, "participants", GOOD)
    assert not again.accepted
    assert "already loaded as batch 4" in again.errors[0].message


def test_activities_with_records_cannot_be_rolled_back_first(loaded_db: store.Connection) -> None:
    assert load_text(loaded_db, "participants", GOOD).accepted  # batch 4, on batch 3's activities
    before = snapshot(loaded_db)
    with pytest.raises(RollbackRefused, match="3 participant records belong to .* batches 4"):
        rollback(loaded_db, 3)
    assert snapshot(loaded_db) == before
    rollback(loaded_db, 4)
    rollback(loaded_db, 3)
    assert loaded_db.execute("SELECT count(*) FROM activities").fetchone() == (0,)


def test_an_activity_correction_can_be_rolled_back_under_its_records(
    loaded_db: store.Connection,
) -> None:
    """Rolling back a correction brings the earlier activity back: its records still belong."""
    correction = (
        "activity_id,activity_name,activity_type,start_date,age_band,participants\n"
        "A1,Year 4 violins (corrected),wcet,2025-09-08,ks2,29\n"
    )
    assert load_text(loaded_db, "activities", correction, partner_id="NMPAT").accepted  # 4
    assert load_text(loaded_db, "participants", GOOD).accepted  # 5
    rollback(loaded_db, 4)
    assert loaded_db.execute(
        "SELECT activity_name FROM activities WHERE activity_id = 'A1'"
    ).fetchone() == ("Year 4 violins",)


def test_a_check_writes_nothing(loaded_db: store.Connection) -> None:
    before = snapshot(loaded_db)
    result = check_file(loaded_db, "participants", GOOD.encode(), preview_rows=2)
    assert result.accepted and result.rows == 3
    assert [r["participant_ref"] for r in result.preview] == [ANNA, BEN]
    assert snapshot(loaded_db) == before
