"""The Arts Council return workbook: every sheet, the engine's figures, no formulas, the CLI."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hub_fixture import ACTIVITIES_HEADER, SCHOOLS_CSV, load_text
from openpyxl.worksheet.worksheet import Worksheet
from participants_fixture import build_cohort

from hubmetrics import store
from hubmetrics.cli import main
from hubmetrics.metrics import METRICS, Filters, compute_metrics
from hubmetrics.metrics.goals import load_goals
from hubmetrics.reports.ace import SHEETS, write_ace_workbook

YEAR = "2025/26"
EVIL_PARTNER = '=HYPERLINK("http://x","y")'
EVIL_SCHOOL = "+Cmd Primary"
EVIL_LA = "@SUM(1+1)"
HOSTILE_STARTS = ("=", "+", "-", "@", "\t", "\r")

EXTRA_PARTNERS = (
    f'partner_id,name,partner_type\nHOST,"{EVIL_PARTNER.replace(chr(34), 2 * chr(34))}",other\n'
)
EXTRA_SCHOOL = f"900005,{EVIL_SCHOOL},primary,{EVIL_LA},-2+3,NN1 1AA,52.2,-0.9,150,20,10,4,no,yes\n"
# Columns: partner_id … as ACTIVITIES_HEADER. Hand figures for 2025/26 are in the tests.
EXTRA_ACTIVITIES = (
    ACTIVITIES_HEADER
    + "\n"
    + "HOST,H1,=cmd|' /C calc'!A0,tuition_individual,classical,beginner,2025-09-20,,900005,,ks3,6,6,,4,2,2,1,,,,,,,\n"
    + "HOST,H2,Cellos,tuition_small_group,classical,beginner,2026-01-10,,900001,,ks2,9,9,,5,3,3,,,,,,,,\n"
    + "HOST,H3,Brass band,tuition_large_group,classical,beginner,2026-02-01,,900003,,ks4,20,,,,,6,2,,,,,,,\n"
    + "NMPAT,N9,Prep strings,tuition_large_group,classical,beginner,2026-03-01,,900004,,ks5,7,,,3,4,1,0,,,,,,,\n"
    + "HOST,H4,Big sing,singing,choral,beginner,2026-05-01,,999999,,ks2,30,,5,,,,,,,,,,,\n"
    + "NMPAT,P0,Year 4 brass,wcet,classical,beginner,2024-10-01,,900003,,ks2,50,50,,,,,,,,,,,,\n"
)


@pytest.fixture
def ace_db(loaded_db: store.Connection) -> store.Connection:
    """The loaded fixture plus a partner, a school and activities with hostile text."""
    assert load_text(loaded_db, "partners", EXTRA_PARTNERS).accepted
    schools = load_text(loaded_db, "schools", SCHOOLS_CSV + EXTRA_SCHOOL)
    assert schools.accepted, schools.errors
    extra = load_text(loaded_db, "activities", EXTRA_ACTIVITIES)
    assert extra.accepted, extra.errors
    return loaded_db


@pytest.fixture
def book(ace_db: store.Connection, tmp_path: Path) -> openpyxl.Workbook:
    goals = load_goals()
    out = write_ace_workbook(ace_db, YEAR, tmp_path / "ace.xlsx", goals=goals)
    assert out == tmp_path / "ace.xlsx"
    return openpyxl.load_workbook(out)


def rows_of(ws: Worksheet) -> list[tuple[object, ...]]:
    return list(ws.iter_rows(values_only=True))


def find(ws: Worksheet, first: object, column: int = 0) -> tuple[object, ...]:
    matches = [r for r in rows_of(ws) if r[column] == first]
    assert len(matches) == 1, (first, matches)
    return matches[0]


def table(ws: Worksheet) -> list[dict[str, object]]:
    """The first block of rows (up to the first empty row) as dicts by header."""
    rows = rows_of(ws)
    header = [str(h) for h in rows[0]]
    out = []
    for row in rows[1:]:
        if all(v is None for v in row):
            break
        out.append(dict(zip(header, row, strict=True)))
    return out


# --- the shape ---------------------------------------------------------------------------------


def test_every_sheet_present_in_order(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == list(SHEETS)
    assert SHEETS == (
        "Schools",
        "Tuition by key stage",
        "Whole-class teaching",
        "Ensembles and singing",
        "Inclusion",
        "Partners",
        "Notes",
    )


def test_headers_bold_and_frozen_columns_sized(book: openpyxl.Workbook) -> None:
    for ws in book.worksheets:
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2"), ws.title
        header = [c for c in ws[1] if c.value is not None]
        assert header and all(c.font.bold for c in header), ws.title
        for c in header:
            width = ws.column_dimensions[c.column_letter].width
            assert width and width >= min(len(str(c.value)), 60), (ws.title, c.value)


def test_no_cell_is_a_formula(book: openpyxl.Workbook, tmp_path: Path) -> None:
    seen_hostile = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(HOSTILE_STARTS), (ws.title, cell.value)
                    if cell.value.lstrip("'") in (EVIL_PARTNER, EVIL_SCHOOL, EVIL_LA):
                        assert cell.value.startswith("'")
                        seen_hostile.add(cell.value.lstrip("'"))
    assert seen_hostile == {EVIL_PARTNER, EVIL_SCHOOL, EVIL_LA}
    # and in the file itself: no formula element in any sheet
    with zipfile.ZipFile(tmp_path / "ace.xlsx") as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_numbers_are_numbers(book: openpyxl.Workbook) -> None:
    for record in table(book["Schools"]):
        for key in list(record)[5:]:
            assert type(record[key]) is int, (key, record)
        assert type(record["URN"]) is int
    inclusion = find(book["Inclusion"], "Global majority, all ages")
    assert all(isinstance(v, int | float) for v in inclusion[1:7])
    tuition = table(book["Tuition by key stage"])
    assert all(type(r["Pupils"]) is int for r in tuition)


# --- the figures are the engine's ------------------------------------------------------------


def hub(con: store.Connection, **filters: str) -> dict:
    return compute_metrics(con, YEAR, Filters(**filters), baselines=load_goals().baselines)


def test_schools_sheet(book: openpyxl.Workbook, ace_db: store.Connection) -> None:
    whole = hub(ace_db)
    ws = book["Schools"]
    schools = table(ws)
    assert sorted(r["URN"] for r in schools) == [900001, 900002, 900003, 900005]  # type: ignore[type-var]
    by_urn = {r["URN"]: r for r in schools}
    assert by_urn[900001]["Whole-class pupils"] == 28
    assert by_urn[900001]["Small-group tuition pupils"] == 9
    assert by_urn[900003]["Large-group tuition pupils"] == 20
    assert by_urn[900005]["Individual tuition pupils"] == 6
    assert by_urn[900005]["School"] == "'" + EVIL_SCHOOL
    assert by_urn[900005]["Local authority"] == "'" + EVIL_LA
    assert by_urn[900002]["Ensemble and choir members"] == 12
    engaged = [r["URN"] for r in schools if r["Engaged"] == "Yes"]
    assert len(engaged) == whole["schools_engaged"].value == 4
    independent = find(ws, 900004)
    assert independent[4] == "not state-funded" and independent[8] == 7
    nowhere = find(ws, "No school, or a school not in the list", 1)
    assert nowhere[9:] == (40, 70)  # A2 choir 40; choir 40 + H4 singing 30
    total = find(ws, "Hub total", 1)
    assert total[4] == whole["schools_engaged"].value
    assert total[5] == whole["wcet_pupils"].value == 28
    assert total[9] == whole["ensemble_members"].value
    assert total[10] == whole["singing_participants"].value
    # every row adds up to the hub's figures
    others = [tuple(r.values()) for r in schools] + [independent, nowhere]
    for column, key in ((5, "wcet_pupils"), (9, "ensemble_members"), (10, "singing_participants")):
        assert sum(int(r[column] or 0) for r in others) == whole[key].value, key
    tuition = sum(int(r[c] or 0) for r in others for c in (6, 7, 8))
    assert tuition == whole["instrumental_learners"].value == 6 + 9 + 20 + 7


def test_tuition_by_key_stage(book: openpyxl.Workbook, ace_db: store.Connection) -> None:
    rows = table(book["Tuition by key stage"])
    at = {(r["Tuition"], r["Key stage"]): r for r in rows}
    individual = at[("Individual tuition", "KS3")]
    assert (individual["Pupils"], individual["Girls"], individual["Boys"]) == (6, 4, 2)
    assert (individual["FSM"], individual["SEND"], individual["SEND not recorded (rows)"]) == (
        2,
        1,
        0,
    )
    small = at[("Small-group tuition", "KS2")]
    assert (small["Pupils"], small["Girls"], small["Boys"], small["FSM"]) == (9, 5, 3, 3)
    assert (small["SEND"], small["SEND not recorded (rows)"]) == (0, 1)
    large = "Large-group tuition (not whole-class)"
    ks4 = at[(large, "KS4")]
    assert (ks4["Pupils"], ks4["Girls"], ks4["Boys"], ks4["Sex not recorded (rows)"]) == (
        20,
        0,
        0,
        1,
    )
    total = at[(large, "KS1–KS5")]
    assert (total["Pupils"], total["Girls"], total["Boys"], total["FSM"], total["SEND"]) == (
        27,
        3,
        4,
        7,
        2,
    )
    assert total["Sex not recorded (rows)"] == 1
    # each key stage's three kinds of tuition are the engine's instrumental learners there
    for band in ("ks1", "ks2", "ks3", "ks4", "ks5"):
        label = band.upper()
        pupils = sum(int(r["Pupils"]) for (_, ks), r in at.items() if ks == label)  # type: ignore[call-overload]
        assert pupils == hub(ace_db, age_band=band)["instrumental_learners"].value, band


def test_whole_class_teaching(book: openpyxl.Workbook, ace_db: store.Connection) -> None:
    whole = hub(ace_db)
    ws = book["Whole-class teaching"]
    assert find(ws, "Whole-class pupils")[1] == whole["wcet_pupils"].value == 28
    assert find(ws, "State-funded schools with whole-class teaching")[1] == 1
    cont = whole["continuation_rate"]
    assert find(ws, "Whole-class pupils in 2024/25")[1] == cont.denominator == 50
    assert find(ws, "Continuing from whole-class teaching in 2025/26")[1] == cont.numerator == 5
    assert find(ws, "Continuation rate")[1] == pytest.approx(cont.value) == 0.1
    assert "from the activity returns" in str(find(ws, "Continuation rate")[2])
    assert find(ws, "Rows where continuing_from_wcet is not recorded")[1] == cont.skipped
    assert find(ws, "Whole-class pupils, KS2")[1] == 28


def test_continuation_uses_participant_records_where_they_exist(tmp_path: Path) -> None:
    """On the hand-made cohort (tests/participants_fixture.py): 3 of the 5 children in
    whole-class teaching in 2023/24 went on in 2024/25; the returns say 4 of 5."""
    con = build_cohort(tmp_path / "c.duckdb")
    try:
        out = write_ace_workbook(con, "2024/25", tmp_path / "ace.xlsx", goals=load_goals())
    finally:
        con.close()
    ws = openpyxl.load_workbook(out)["Whole-class teaching"]
    label, value, source = find(ws, "Continuation rate")
    assert value == pytest.approx(0.6)
    assert "unique_continuation_rate" in str(source) and "participant records" in str(source)
    assert find(ws, "Children in whole-class teaching in 2023/24 (participant records)")[1] == 5
    assert find(ws, "Of those children, in another activity in 2024/25")[1] == 3
    assert find(ws, "Continuation rate from the activity returns")[1] == pytest.approx(0.8)


def test_ensembles_and_singing(book: openpyxl.Workbook, ace_db: store.Connection) -> None:
    whole = hub(ace_db)
    rows = table(book["Ensembles and singing"])
    total = rows[-1]
    assert total["Age band"] == "All ages"
    assert total["Ensemble and choir members"] == whole["ensemble_members"].value == 52
    assert total["Singing participants"] == whole["singing_participants"].value == 70
    assert total["Advanced-level participants"] == whole["advanced_participants"].value
    bands = rows[:-1]
    assert sum(int(r["Ensemble and choir members"]) for r in bands) == 52  # type: ignore[call-overload]
    assert sum(int(r["Singing participants"]) for r in bands) == 70  # type: ignore[call-overload]
    ks2 = next(r for r in bands if r["Age band"] == "KS2")
    assert ks2["Singing participants"] == hub(ace_db, age_band="ks2")["singing_participants"].value


def test_inclusion(book: openpyxl.Workbook, ace_db: store.Connection) -> None:
    whole = hub(ace_db)
    ws = book["Inclusion"]
    fsm = find(ws, "Free school meals (FSM or pupil premium), school-age")
    share = whole["fsm_share"]
    assert fsm[1:4] == (share.numerator, share.denominator, pytest.approx(share.value))
    assert fsm[4] == pytest.approx(whole["fsm_baseline"].value)
    assert fsm[5] == pytest.approx(whole["fsm_representation"].value)
    assert fsm[6] == share.skipped
    send = find(ws, "Special educational needs (SEND), school-age")
    assert send[1] == whole["send_share"].numerator
    lac = find(ws, "Looked-after children")
    assert (lac[1], lac[6]) == (whole["lac_participants"].value, whole["lac_participants"].skipped)
    gm = find(ws, "Global majority, all ages")
    assert gm[4] == load_goals().baselines["global_majority_share"]
    assert gm[5] == pytest.approx(whole["global_majority_representation"].value)


def test_partners(book: openpyxl.Workbook, ace_db: store.Connection) -> None:
    rows = table(book["Partners"])
    by_id = {r["Partner ID"]: r for r in rows}
    assert set(by_id) == {"NMPAT", "ROCK-NN", "KETT-CHORAL", "HOST"}
    assert by_id["HOST"]["Partner"] == "'" + EVIL_PARTNER
    for pid, record in by_id.items():
        figures = hub(ace_db, partner_id=str(pid))
        assert record["Participations"] == figures["participations"].value, pid
        assert record["State-funded schools reached"] == figures["schools_engaged"].value, pid
    assert by_id["HOST"]["tuition_small_group participations"] == 9
    assert isinstance(by_id["HOST"]["Latest return sent"], datetime)


def test_notes(book: openpyxl.Workbook, ace_db: store.Connection) -> None:
    ws = book["Notes"]
    values = rows_of(ws)
    assert find(ws, "Academic year")[1] == YEAR
    assert find(ws, "Data as at")[1].date() == store.as_of(ace_db)  # type: ignore[union-attr]
    assert isinstance(find(ws, "Generated")[1], datetime)
    text = [str(v) for row in values for v in row if v is not None]
    for key, m in METRICS.items():
        assert f"{m.label} ({key})" in text and m.definition in text, key
    # not recorded, by whom: HOST left sex blank on H3 and H4, send on H2 and H4
    host = find(ws, f"'{EVIL_PARTNER} (HOST)")
    header = find(ws, "Partner")
    record = dict(zip(header, host, strict=True))
    assert record["Activity rows"] == 4
    assert record["Sex (rows)"] == 2
    partner = hub(ace_db, partner_id="HOST")
    assert record["SEND (school-age rows)"] == partner["send_share"].skipped == 2
    assert record["No school in the list (rows)"] == partner["school_coverage"].skipped == 1
    whole = find(ws, "Whole hub")
    assert whole[1] == hub(ace_db)["participations"].rows


def test_a_year_with_no_goals_file_and_no_data(loaded_db: store.Connection, tmp_path: Path) -> None:
    out = write_ace_workbook(loaded_db, "2030/31", tmp_path / "empty.xlsx")
    book = openpyxl.load_workbook(out)
    assert find(book["Inclusion"], "Global majority, all ages")[4] == "no data"
    assert find(book["Whole-class teaching"], "Continuation rate")[1] == "no data"
    assert find(book["Schools"], "Hub total", 1)[5] == 0


def test_a_bad_year_raises(loaded_db: store.Connection, tmp_path: Path) -> None:
    from hubmetrics.metrics import YearError

    with pytest.raises(YearError):
        write_ace_workbook(loaded_db, "2025-26", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


# --- the command line ----------------------------------------------------------------------------


@pytest.fixture
def db_file(ace_db: store.Connection) -> Path:
    path = store.database_path(ace_db)
    assert path is not None
    ace_db.close()
    return path


def test_cli_writes_the_workbook(db_file: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "return.xlsx"
    code = main(["--db", str(db_file), "export", "ace", "--year", YEAR, "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.strip() == str(out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == list(SHEETS)
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize("year", ["2025-26", "25/26", "2025/27", "next year"])
def test_cli_bad_year(db_file: Path, tmp_path: Path, capsys, year: str) -> None:
    out = tmp_path / "r.xlsx"
    code = main(["--db", str(db_file), "export", "ace", "--year", year, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "2025/26" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "says"),
    [("missing/r.xlsx", "does not exist"), ("r.csv", ".xlsx"), ("folder.xlsx", "folder")],
)
def test_cli_unwritable_path(db_file: Path, tmp_path: Path, capsys, name: str, says: str) -> None:
    (tmp_path / "folder.xlsx").mkdir()
    out = tmp_path / name
    code = main(["--db", str(db_file), "export", "ace", "--year", YEAR, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert says in err and "Traceback" not in err


def test_cli_read_only_folder(db_file: Path, tmp_path: Path, capsys) -> None:
    import os

    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        code = main(["--db", str(db_file), "export", "ace", "--year", YEAR, "--out",
                     str(folder / "r.xlsx")])  # fmt: skip
        err = capsys.readouterr().err
        assert code == 2 and "permission denied" in err
    finally:
        folder.chmod(0o700)


def test_cli_bad_goals_file(db_file: Path, tmp_path: Path, capsys) -> None:
    goals = tmp_path / "goals.toml"
    goals.write_text("[nonsense\n", encoding="utf-8")
    out = tmp_path / "r.xlsx"
    code = main(["--db", str(db_file), "export", "ace", "--year", YEAR, "--out", str(out),
                 "--goals", str(goals)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "goals file" in err and "Traceback" not in err
    assert not out.exists()


def test_cli_no_database(tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.xlsx"
    code = main(["--db", str(tmp_path / "none.duckdb"), "export", "ace", "--year", YEAR,
                 "--out", str(out)])  # fmt: skip
    assert code == 1
    assert "hubmetrics init" in capsys.readouterr().err


def test_cli_a_failed_write_is_a_message(
    db_file: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self, filename) -> None:
        Path(filename).write_bytes(b"half")
        raise PermissionError(13, "Permission denied", str(filename))

    monkeypatch.setattr(openpyxl.Workbook, "save", refuse)
    out = tmp_path / "r.xlsx"
    code = main(["--db", str(db_file), "export", "ace", "--year", YEAR, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "Permission denied" in err and "Traceback" not in err
    assert not out.exists()
    assert not list(tmp_path.glob(".*.part"))  # nothing half-written is left behind
