"""Erasure and subject access on the hand-made cohort (tests/participants_fixture.py).

Batch 4 holds the cohort's 18 records, on lines 2 to 19 in the order of RECORDS. Ava's are
lines 2 (W23), 8 (T24), 10 (E24), 14 (T25) and 17 (A25).
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hub_fixture import load_text, snapshot
from participants_fixture import HEADER, build_cohort, records_csv, ref
from privacy_helpers import files_holding, original_of, places_holding
from test_workbook import _ods

from hubmetrics import store
from hubmetrics.ingest import load_file
from hubmetrics.ingest.batches import rollback
from hubmetrics.ingest.corrections import BY_HAND, Correction
from hubmetrics.ingest.originals import records
from hubmetrics.metrics import compute_metrics
from hubmetrics.metrics.summary import hub_children
from hubmetrics.people import audit
from hubmetrics.people.access import AccessRefused, Person, local_operator
from hubmetrics.people.actions import load_as
from hubmetrics.people.privacy import (
    NOT_HELD,
    PrivacyRefused,
    backups_said,
    erase_as,
    subject_access_as,
)
from hubmetrics.store.backup import backup, default_folder

ADMIN = local_operator("dpo")
AVA_LINES = [2, 8, 10, 14, 17]
AVA_RECORDS = [("W23", "2023-09-11"), ("T24", "2024-09-16"), ("E24", "2024-10-07")]
AVA_RECORDS += [("T25", "2025-09-15"), ("A25", "2025-10-06")]


@pytest.fixture
def cohort(tmp_path: Path) -> store.Connection:
    con = build_cohort(tmp_path / "c.duckdb")
    yield con
    con.close()


def _rows(con: store.Connection, but: str | None = None) -> list[tuple[object, ...]]:
    """Every participant row (current and history), but those of the pseudonym `but`."""
    return con.execute(
        "SELECT * FROM participant_row WHERE participant_ref IS DISTINCT FROM ? ORDER BY ALL",
        [but],
    ).fetchall()


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


# --- erasure ---------------------------------------------------------------------------------


def test_an_erasure_leaves_the_pseudonym_nowhere(cohort: store.Connection) -> None:
    ava = ref("Ava")
    # A partner named a file after the child: the name is kept with its batch and the trail.
    named = HEADER + f"{ava},P2,E23,2023-10-02,ks3,F,Y,N,WBRI\n"
    assert load_file(cohort, "participants", named.encode(), file_name=f"{ava}.csv").accepted
    folder = store.originals_folder(cohort)
    assert places_holding(cohort, ava) == [
        "batch.file_name",
        "batches.file_name",
        "participant_row.participant_ref",
        "participants.participant_ref",
    ]
    assert len(files_holding(folder, ava)) == 2
    load_as(cohort, ADMIN, "participants", b"participant_ref\n", file_name=f"{ava}-2.csv")
    assert "audit_event.detail" in places_holding(cohort, ava)

    done = erase_as(cohort, ADMIN, f"  {ava} ", case="DSR-2026-014")

    assert places_holding(cohort, ava) == []
    assert files_holding(folder, ava) == []
    assert (done.held.current, done.held.history) == (6, 0)
    assert [h.original.batch_id for h in done.held.originals] == [4, 5]
    assert done.redacted == ["audit_event.detail", "batch.file_name"]
    assert cohort.execute("SELECT file_name FROM batch WHERE batch_id = 5").fetchone() == (
        "[erased].csv",
    )


def test_other_children_and_activities_are_untouched(cohort: store.Connection) -> None:
    ava = ref("Ava")
    others = _rows(cohort, but=ava)
    activities = cohort.execute("SELECT * FROM activity_row ORDER BY activity_id").fetchall()
    erase_as(cohort, ADMIN, ava)
    assert _rows(cohort) == others
    assert (
        cohort.execute("SELECT * FROM activity_row ORDER BY activity_id").fetchall() == activities
    )


def test_the_kept_original_keeps_every_other_line_and_its_hash(cohort: store.Connection) -> None:
    before = original_of(cohort, 4)
    old_name = cohort.execute("SELECT stored_name FROM batch WHERE batch_id = 4").fetchone()[0]
    erase_as(cohort, ADMIN, ref("Ava"))
    after = original_of(cohort, 4)
    expected = [b"" if n in AVA_LINES else line for n, line in enumerate(_lines(before), 1)]
    assert _lines(after) == expected
    sha256, size = cohort.execute(
        "SELECT sha256, file_bytes FROM batch WHERE batch_id = 4"
    ).fetchone()
    assert (sha256, size) == (hashlib.sha256(after).hexdigest(), len(after))
    assert not (store.originals_folder(cohort) / old_name).exists()
    # A backup checks every original against its batch's hash: it is taken without complaint.
    assert backup(cohort, store.originals_folder(cohort).parent / "after").batches == 4


def test_the_figures_are_recounted_by_hand(cohort: store.Connection) -> None:
    version = store.data_version(cohort)
    done = erase_as(cohort, ADMIN, ref("Ava"))
    assert store.data_version(cohort) == done.data_version == version + 1
    kept = hub_children(cohort.cursor())
    assert kept is not None  # recounted at the new version
    # 2023/24: Bo Cy Di Ed Fi. 2024/25: Ed Di Gu Hal. 2025/26: Bo Gu Fi Jo (Jo an adult).
    assert {ay: (k["participant_records"], k["unique_participants"]) for ay, k in kept.items()} == {
        2023: (5, 5),
        2024: (4, 4),
        2025: (4, 4),
    }
    assert compute_metrics(cohort, "2025/26")["unique_cyp"].value == 3
    # Continuation 2024/25: wcet 2023/24 = Bo Cy Di Ed; beyond wcet in 2024/25 = Di, Ed.
    assert compute_metrics(cohort, "2024/25")["unique_continuation_rate"].value == 0.5


def test_the_audit_trail_says_what_was_done_without_the_pseudonym(
    cohort: store.Connection,
) -> None:
    erase_as(cohort, ADMIN, ref("Ava"), case="DSR-2026-014", via="cli")
    event = audit.events(cohort, limit=1)[0]
    assert (event.who, event.action, event.outcome, event.via) == (
        "local:dpo",
        "erasure",
        "ok",
        "cli",
    )
    assert event.detail == (
        "case DSR-2026-014: one child's records: 5 current rows, 0 in row history; lines in "
        "the kept originals of batches 4; 0 load warnings; 0 warnings and 0 corrections "
        "removed; backups taken before it that still hold them: 0"
    )
    assert places_holding(cohort, ref("Ava")) == []


def test_an_unknown_pseudonym_changes_nothing(cohort: store.Connection) -> None:
    before = snapshot(cohort)
    with pytest.raises(PrivacyRefused) as refused:
        erase_as(cohort, ADMIN, "p_00000000000000000000")
    assert str(refused.value) == NOT_HELD
    assert snapshot(cohort) == before
    event = audit.events(cohort, limit=1)[0]
    assert (event.action, event.outcome, event.detail) == ("erasure", "refused", NOT_HELD)


@pytest.mark.parametrize("text", ["Ava Smith", "p_1", "", "ava@school.example"])
def test_a_text_that_is_no_pseudonym_is_refused(cohort: store.Connection, text: str) -> None:
    before = snapshot(cohort)
    with pytest.raises(PrivacyRefused, match="A pseudonym is 8 to 64 letters"):
        erase_as(cohort, ADMIN, text)
    assert snapshot(cohort) == before
    assert text not in audit.events(cohort, limit=1)[0].detail or not text


def test_a_case_reference_holding_the_pseudonym_is_refused(cohort: store.Connection) -> None:
    before = snapshot(cohort)
    with pytest.raises(PrivacyRefused, match="never the pseudonym"):
        erase_as(cohort, ADMIN, ref("Ava"), case=f"request about {ref('Ava')}")
    assert snapshot(cohort) == before
    assert places_holding(cohort, ref("Ava")) == [
        "participant_row.participant_ref",
        "participants.participant_ref",
    ]


@pytest.mark.parametrize(
    "person",
    [
        Person("trustee@hub.example", "viewer"),
        Person("ann@rock.example", "partner", "P1"),
        Person("kim@hub.example", "staff"),
    ],
    ids=["viewer", "partner", "staff"],
)
def test_only_an_admin_may_erase_or_list(cohort: store.Connection, person: Person) -> None:
    before = snapshot(cohort)
    with pytest.raises(AccessRefused, match="may not use this: erase or list a child's records"):
        erase_as(cohort, person, ref("Ava"))
    with pytest.raises(AccessRefused):
        subject_access_as(cohort, person, ref("Ava"))
    assert snapshot(cohort) == before
    refusals = audit.events(cohort, limit=2)
    assert [(e.who, e.action, e.outcome) for e in refusals] == [
        (person.email, "refused", "refused")
    ] * 2
    assert all(ref("Ava") not in e.detail for e in refusals)


def test_backups_taken_before_an_erasure_are_named(cohort: store.Connection) -> None:
    database = store.database_path(cohort)
    assert database is not None
    first = backup(cohort, default_folder(database, datetime(2026, 1, 5, 9, 0, 0))).folder
    done = erase_as(cohort, ADMIN, ref("Ava"))
    assert [b.folder for b in done.backups] == [first]
    said = backups_said(done.backups, erased=True)
    assert said[0].startswith(f"Backup {first} (taken ") and "still hold the erased" in said[0]
    assert "Restoring a backup brings the records back" in said[-1]
    second = backup(cohort, default_folder(database, datetime(2026, 1, 6, 9, 0, 0))).folder
    assert [b.folder for b in erase_as(cohort, ADMIN, ref("Bo")).backups] == [first, second]
    assert audit.events(cohort, limit=1)[0].detail.endswith("still hold them: 2")


def test_a_rollback_after_an_erasure_does_not_bring_the_child_back(
    cohort: store.Connection,
) -> None:
    # Batch 5 sends Ava's and Bo's T25 records again (Bo's sex corrected): it replaces both.
    again = HEADER + f"{ref('Ava')},P1,T25,2025-09-15,ks2,F,Y,N,WBRI\n"
    again += f"{ref('Bo')},P1,T25,2025-09-15,ks2,U,N,K,APKN\n"
    assert load_text(cohort, "participants", again).accepted
    done = erase_as(cohort, ADMIN, ref("Ava"))
    assert (done.held.current, done.held.history) == (5, 1)
    assert _lines(original_of(cohort, 5))[1] == b""
    rollback(cohort, 5)
    assert places_holding(cohort, ref("Ava")) == []
    bo = cohort.execute(
        "SELECT batch_id, sex FROM participants WHERE participant_ref = ? AND activity_id = 'T25'",
        [ref("Bo")],
    ).fetchall()
    assert bo == [(4, "M")]  # the row batch 5 replaced is current again


def test_a_rolled_back_batchs_original_is_rewritten_too(cohort: store.Connection) -> None:
    extra = HEADER + f"{ref('Cy')},P2,E24,2024-10-07,ks2,F,N,N,WBRI\n"
    extra += f"{ref('Ava')},P2,AD25,2025-10-06,ks2,F,Y,N,WBRI\n"
    assert load_text(cohort, "participants", extra).accepted
    rollback(cohort, 5)
    done = erase_as(cohort, ADMIN, ref("Ava"))
    assert [h.original.batch_id for h in done.held.originals] == [4, 5]
    assert _lines(original_of(cohort, 5)) == _lines(extra.encode())[:2] + [b"", b""]


def test_workbook_originals_are_rewritten_without_the_child(cohort: store.Connection) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Records"
    sheet.append(["Participant records, autumn 2024"])
    columns = HEADER.strip().split(",")
    sheet.append(columns)
    sheet.append([ref("Cy"), "P2", "E24", "2024-10-07", "ks2", "F", "N", "N", "WBRI"])
    sheet.append([ref("Ava"), "P1", "W24", "2024-09-09", "ks2", "F", "Y", "N", "WBRI"])
    sheet.append([ref("Bo"), "P1", "W24", "2024-09-09", "ks2", "M", "N", "K", "APKN"])
    out = io.BytesIO()
    book.save(out)
    assert load_file(cohort, "participants", out.getvalue(), file_name="autumn.xlsx").accepted
    ods = _ods([columns, [ref("Ava"), "P2", "AD25", "2025-10-06", "ks2", "F", "Y", "N", "WBRI"]])
    ods_rows = [columns, [ref("Di"), "P2", "AD25", "2025-10-06", "ks2", "M", "Y", "E", "BAFR"]]
    assert load_file(cohort, "participants", _ods(ods_rows), file_name="other.ods").accepted
    assert load_file(cohort, "participants", ods, file_name="autumn.ods").accepted
    folder = store.originals_folder(cohort)
    assert len(files_holding(folder, ref("Ava"))) == 3

    erase_as(cohort, ADMIN, ref("Ava"))

    assert files_holding(folder, ref("Ava")) == []
    kept = openpyxl.load_workbook(io.BytesIO(original_of(cohort, 5)))["Records"]
    values = [[c.value for c in row] for row in kept.iter_rows(min_row=1, max_row=5)]
    assert values[0][0] == "Participant records, autumn 2024" and values[1] == columns
    assert values[2][0] == ref("Cy") and values[4][0] == ref("Bo")  # rows keep their numbers
    assert all(v is None for v in values[3])
    assert [(r.line, r.cells[0]) for r in records(original_of(cohort, 6))] == [
        (1, "participant_ref"),
        (2, ref("Di")),
    ]  # another child's .ods is left as it was
    assert [r.line for r in records(original_of(cohort, 7))] == [1]
    sha = cohort.execute("SELECT sha256 FROM batch WHERE batch_id = 7").fetchone()[0]
    assert sha == hashlib.sha256(original_of(cohort, 7)).hexdigest()


# --- subject access ----------------------------------------------------------------------------


def test_subject_access_lists_exactly_the_childs_records(cohort: store.Connection) -> None:
    listing = subject_access_as(cohort, ADMIN, ref("Ava"), case="SAR-7")
    rows = listing.rows()
    current = [r for r in rows if r["held_in"] == "current"]
    assert [(r["activity_id"], str(r["start_date"])) for r in current] == AVA_RECORDS
    assert {r["participant_ref"] for r in current} == {ref("Ava")}
    assert all(r["line"] is None for r in current)  # a row keeps no line: its original does
    assert all((r["sex"], r["fsm"], r["ethnicity"]) == ("F", True, "WBRI") for r in current)
    lines = [r for r in rows if r["held_in"] == "kept original"]
    assert [(r["batch_id"], r["line"]) for r in lines] == [(4, n) for n in AVA_LINES]
    sent = records_csv().splitlines()
    assert [r["as_sent"] for r in lines] == [sent[n - 1].replace(",", ", ") for n in AVA_LINES]
    assert len(rows) == 10  # five rows and their five lines: nothing of any other child
    table = list(csv.DictReader(io.StringIO(listing.csv().removeprefix("\ufeff"))))
    assert len(table) == 10 and {t["participant_ref"] for t in table} == {ref("Ava"), ""}
    assert listing.summary()[0] == (
        "Held: 5 current rows, 0 in row history; lines in the kept originals of batches 4; "
        "0 load warnings."
    )
    event = audit.events(cohort, limit=1)[0]
    assert (event.action, event.outcome) == ("subject_access", "ok")
    assert event.detail == (
        "case SAR-7: 5 current rows, 0 in row history; lines in the kept originals of "
        "batches 4; 0 load warnings"
    )
    assert "audit_event.detail" not in places_holding(cohort, ref("Ava"))


def test_subject_access_names_row_history(cohort: store.Connection) -> None:
    again = HEADER + f"{ref('Ava')},P1,T25,2025-09-15,ks2,F,Y,N,WBRI\n"
    assert load_text(cohort, "participants", again).accepted
    rows = subject_access_as(cohort, ADMIN, ref("Ava")).rows()
    history = [r for r in rows if r["held_in"] == "row history"]
    assert [(r["batch_id"], r["replaced_by"], r["activity_id"]) for r in history] == [(4, 5, "T25")]
    assert [(r["batch_id"], r["line"]) for r in rows if r["held_in"] == "kept original"] == [
        *[(4, n) for n in AVA_LINES],
        (5, 2),
    ]


def test_subject_access_for_an_unknown_pseudonym_holds_nothing(cohort: store.Connection) -> None:
    before = snapshot(cohort)
    listing = subject_access_as(cohort, ADMIN, "p_00000000000000000000")
    assert listing.rows() == [] and listing.summary() == ["No record here has this pseudonym."]
    assert snapshot(cohort) == before
    assert audit.events(cohort, limit=1)[0].detail == "nothing held"


def test_a_line_whose_pseudonym_was_corrected_by_hand_goes_too(cohort: store.Connection) -> None:
    # As sent, line 3 held the child's name; the Upload page's grid corrected it to Ava's
    # pseudonym before the load. The kept original is the file as sent.
    sent = HEADER + f"{ref('Cy')},P1,T25,2025-09-15,ks2,F,N,N,WBRI\n"
    sent += "Ava Example,P2,E24,2024-10-07,ks2,F,Y,N,WBRI\n"
    loaded = sent.replace("Ava Example", ref("Ava"))
    fixed = Correction(3, "participant_ref", "Ava Example", ref("Ava"), BY_HAND)
    result = load_file(
        cohort,
        "participants",
        loaded.encode(),
        file_name="sent.csv",
        original=sent.encode(),
        corrections=[fixed],
    )
    assert result.accepted, result.errors
    assert [
        h.original.batch_id for h in subject_access_as(cohort, ADMIN, ref("Ava")).held.originals
    ] == [4, 5]
    done = erase_as(cohort, ADMIN, ref("Ava"))
    assert done.corrections_removed == 1
    assert _lines(original_of(cohort, 5)) == _lines(sent.encode())[:2] + [b"", b""]
    assert places_holding(cohort, "Ava Example") == []


def test_a_backup_taken_after_an_erasure_holds_no_trace(cohort: store.Connection) -> None:
    # DuckDB may keep the erased bytes in freed blocks of the live file until it reuses them;
    # a backup copies the tables into a new file, and is the clean copy (docs/privacy.md).
    erase_as(cohort, ADMIN, ref("Ava"))
    taken = backup(cohort, store.originals_folder(cohort).parent / "clean")
    assert ref("Ava").encode() not in (taken.folder / "hub.duckdb").read_bytes()
    assert files_holding(taken.folder / "originals", ref("Ava")) == []
