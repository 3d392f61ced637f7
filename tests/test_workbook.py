"""Workbooks in: an .xlsx (or .ods) return read from one sheet, its title rows skipped, its
dates read as dates, every line named by the sheet's own row; and hostile workbooks (not a
zip, a zip bomb, a million rows, formulas, external links, macros) refused, nothing stored."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hub_fixture import ACTIVITIES_HEADER, snapshot

from hubmetrics import store
from hubmetrics.cli import main
from hubmetrics.contract import file_kind
from hubmetrics.ingest import check_file, load_file
from hubmetrics.ingest.batches import original_file
from hubmetrics.ingest.workbook import (
    MAX_SHEET_ROWS,
    cell_text,
    is_workbook,
    sheet_names,
    workbook_to_csv,
)

HEADER = ACTIVITIES_HEADER.split(",")


def row(n: int, start: object = "2025-09-08", participants: object = 28) -> list[object]:
    """One valid activity row (as cells), with its start date and participants as given."""
    values: dict[str, object] = {
        "partner_id": "NMPAT",
        "activity_id": f"W{n}",
        "activity_name": "Year 4 violins",
        "activity_type": "wcet",
        "genre": "classical",
        "level": "beginner",
        "start_date": start,
        "end_date": date(2026, 7, 17),
        "school_urn": 900001,
        "age_band": "ks2",
        "participants": participants,
        "new_participants": 28.0,
        "female": 14,
        "male": 14,
        "sessions": 12,
        "contact_hours": 12,
    }
    return [values.get(h) for h in HEADER]


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for cells in rows:
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TITLED = [
    ["Autumn term return (fictional)"],
    ["Sent by NMPAT"],
    HEADER,
    row(1, start=date(2026, 4, 3)),
    row(2, start="03/04/2026"),
]


def _rows(con: store.Connection, batch_id: int | None) -> list[tuple[object, ...]]:
    return con.execute(
        "SELECT activity_id, start_date, participants, new_participants FROM activities "
        "WHERE batch_id = ? ORDER BY 1",
        [batch_id],
    ).fetchall()


def test_title_rows_skipped_and_dates_read_as_dates(hub_db: store.Connection) -> None:
    data = xlsx({"Autumn": TITLED})
    result = load_file(hub_db, "activities", data, file_name="autumn.xlsx")
    assert result.accepted, [p.describe() for p in result.errors]
    assert (result.sheet, result.heading_row) == ("Autumn", 3)
    assert result.sheet_note == "Read sheet 'Autumn'; headings on row 3."
    # The date cell is 3 April; the text "03/04/2026" goes through the contract's day-first rule.
    assert _rows(hub_db, result.batch_id) == [
        ("W1", date(2026, 4, 3), 28, 28),
        ("W2", date(2026, 4, 3), 28, 28),
    ]
    # The kept original is the workbook itself, byte for byte, under its own extension.
    name, kept = original_file(hub_db, result.batch_id)
    assert name == "autumn.xlsx" and kept.suffix == ".xlsx"
    assert kept.read_bytes() == data


def test_cells_become_csv_text() -> None:
    assert cell_text(28.0) == "28"
    assert cell_text(2.5) == "2.5"
    assert cell_text("") == ""
    assert cell_text(datetime(2026, 4, 3)) == "2026-04-03"
    assert cell_text(date(2026, 4, 3)) == "2026-04-03"
    assert cell_text("=1+1") == "=1+1"


def test_a_rows_problem_names_the_sheet_row(hub_db: store.Connection) -> None:
    rows = [*TITLED, [], row(3, participants=-4), row(4, start="31/02/2026")]
    rows[1] = ["Notes: one line,\nthen another"]  # a cell with a line break above the headings
    rows[3] = row(1, start=date(2026, 4, 3))
    rows[3][HEADER.index("activity_name")] = "Strings\n(two lines)"
    before = snapshot(hub_db)
    result = load_file(hub_db, "activities", xlsx({"Autumn": rows}), file_name="a.xlsx")
    assert not result.accepted
    found = {(p.line, p.column) for p in result.errors}
    assert found == {(7, "participants"), (8, "start_date")}, found
    assert snapshot(hub_db) == before


def test_a_heading_problem_names_the_heading_row(hub_db: store.Connection) -> None:
    rows = [["Title"], [h for h in HEADER if h != "participants"] + ["start_date"]]
    rows[1][0] = "partner_id"
    result = check_file(hub_db, "activities", xlsx({"S": rows}), file_name="a.xlsx")
    assert not result.accepted
    assert {p.line for p in result.errors} == {2}


def test_several_sheets_ask_which_and_sheet_picks_one(hub_db: store.Connection) -> None:
    sheets = {"Autumn": TITLED, "Spring": [HEADER, row(9)], "Notes": [["notes"]]}
    data = xlsx(sheets)
    assert sheet_names(data) == ["Autumn", "Spring", "Notes"]
    before = snapshot(hub_db)
    result = load_file(hub_db, "activities", data, file_name="year.xlsx")
    assert not result.accepted
    assert [p.message for p in result.errors] == [
        "The workbook has 3 sheets (Autumn, Spring, Notes): choose one with --sheet, or on "
        "the Upload page."
    ]
    assert snapshot(hub_db) == before
    picked = load_file(hub_db, "activities", data, file_name="year.xlsx", sheet="Spring")
    assert picked.accepted, picked.errors
    assert (picked.sheet, picked.heading_row, picked.rows) == ("Spring", 1, 1)
    missing = check_file(hub_db, "activities", data, file_name="year.xlsx", sheet="Summer")
    assert "no sheet 'Summer'" in missing.errors[0].message


def test_only_one_sheet_with_the_contracts_headings_is_read(hub_db: store.Connection) -> None:
    data = xlsx({"Cover": [["About this return"]], "Data": [HEADER, row(1)]})
    result = check_file(hub_db, "activities", data, file_name="x.xlsx")
    assert result.accepted, result.errors
    assert result.sheet == "Data"


def test_is_workbook() -> None:
    assert is_workbook(xlsx({"A": [["x"]]}), "upload.csv")
    assert is_workbook(b"hello", "return.xlsx")
    assert not is_workbook(b"a,b\n1,2\n", "return.csv")


def test_ods_is_read(hub_db: store.Connection) -> None:
    data = _ods([HEADER, row(1)])
    result = load_file(hub_db, "activities", data, file_name="autumn.ods")
    assert result.accepted, [p.describe() for p in result.errors]
    assert result.sheet == "Autumn" and result.rows == 1
    assert original_file(hub_db, result.batch_id)[1].read_bytes() == data


def test_an_ods_formula_is_refused_naming_its_cell(hub_db: store.Connection) -> None:
    data = _ods([HEADER, row(1)], formula_at=(2, 1))  # row 2, column B
    before = snapshot(hub_db)
    result = load_file(hub_db, "activities", data, file_name="autumn.ods")
    assert not result.accepted
    assert "cell B2 holds a formula" in result.errors[0].message
    assert snapshot(hub_db) == before


# --- hostile workbooks ----------------------------------------------------------------------


def _zip(parts: dict[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return out.getvalue()


def _with_parts(data: bytes, extra: dict[str, bytes | str], types: str = "") -> bytes:
    """The workbook `data` with more parts (and its content types edited)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    parts: dict[str, bytes | str] = {n: src.read(n) for n in src.namelist()}
    if types:
        text = parts["[Content_Types].xml"]
        assert isinstance(text, bytes)
        parts["[Content_Types].xml"] = text.replace(b"spreadsheetml.sheet.main+xml", types.encode())
    parts.update(extra)
    return _zip(parts)


def _million_rows() -> bytes:
    """A minimal .xlsx whose one sheet has 1,000,000 rows, written as a stream of rows."""
    base = zipfile.ZipFile(io.BytesIO(xlsx({"Big": [HEADER[:2]]})))
    parts: dict[str, bytes | str] = {n: base.read(n) for n in base.namelist()}
    body = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, 1_000_002))
    parts["xl/worksheets/sheet1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + body
        + "</sheetData></worksheet>"
    )
    return _zip(parts)


def _formulas() -> bytes:
    rows: list[list[object]] = [["Title"], HEADER, row(1), row(2)]
    rows[2][HEADER.index("participants")] = "=SUM(1,2)"
    rows[3][HEADER.index("sessions")] = "=L4*2"
    return xlsx({"Autumn": rows})


def _bomb() -> bytes:
    data = xlsx({"A": [HEADER, row(1)]})
    return _with_parts(data, {"xl/media/padding.bin": b"\0" * (60 * 1024 * 1024)})


HOSTILE = {
    "not a zip": (b"PK\x03\x04 this is not really a zip", "not one"),
    "named .xlsx, a text file": (b"partner_id,name\nX,Y\n", "not one"),
    "a zip, not a spreadsheet": (_zip({"readme.txt": "hello"}), "not an Excel"),
    "zip bomb": (_bomb(), "compressed more than"),
    "1,000,000 rows": (_million_rows(), f"more than {MAX_SHEET_ROWS:,} rows"),
    "formulas": (_formulas(), "Sheet 'Autumn', cells L3, X4 hold formulas"),
    "external links": (
        _with_parts(xlsx({"A": [HEADER, row(1)]}), {"xl/externalLinks/externalLink1.xml": "<x/>"}),
        "external links",
    ),
    "macros (vbaProject)": (
        _with_parts(xlsx({"A": [HEADER, row(1)]}), {"xl/vbaProject.bin": b"\0" * 64}),
        "macros",
    ),
    "macros (.xlsm content type)": (
        _with_parts(
            xlsx({"A": [HEADER, row(1)]}),
            {},
            types="sheet.macroEnabled.main+xml",
        ),
        "macros",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_workbooks_refused_and_nothing_stored(
    loaded_db: store.Connection, case: str
) -> None:
    data, fragment = HOSTILE[case]
    before = snapshot(loaded_db)
    result = load_file(loaded_db, "activities", data, file_name="return.xlsx")
    assert not result.accepted
    assert len(result.errors) == 1, result.errors
    assert fragment in result.errors[0].message, result.errors[0].message
    assert result.errors[0].line is None
    assert "SUM" not in result.errors[0].message  # a formula's text is never echoed
    assert snapshot(loaded_db) == before


def test_the_old_xls_is_refused_as_before(hub_db: store.Connection) -> None:
    result = check_file(hub_db, "partners", b"\xd0\xcf\x11\xe0" + b"\0" * 600, file_name="a.xls")
    assert not result.accepted and "Excel workbook" in result.errors[0].message


def test_workbook_to_csv_starts_at_the_heading_row() -> None:
    text = workbook_to_csv(xlsx({"Autumn": TITLED}), "a.xlsx", file_kind("activities"))
    assert text.heading_row == 3 and text.record_rows == [4, 5]
    assert text.text.decode().splitlines()[0] == ",".join(
        HEADER[: len(text.text.decode().splitlines()[0].split(","))]
    )


# --- the CLI --------------------------------------------------------------------------------


def test_the_cli_reads_the_sheet_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "cli" / "hub.duckdb"
    monkeypatch.setenv("HUBMETRICS_DB", str(db))
    from hub_fixture import PARTNERS_CSV, SCHOOLS_CSV

    for kind, text in (("partners", PARTNERS_CSV), ("schools", SCHOOLS_CSV)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        assert main(["--db", str(db), "load", kind, str(path)]) == 0
    book = tmp_path / "year.xlsx"
    book.write_bytes(xlsx({"Autumn": TITLED, "Spring": [HEADER, row(9)]}))
    capsys.readouterr()
    assert main(["--db", str(db), "load", "activities", str(book)]) == 1
    err = capsys.readouterr().err
    assert "The workbook has 2 sheets (Autumn, Spring)" in err and "nothing was loaded" in err
    assert main(["--db", str(db), "load", "activities", str(book), "--sheet", "Autumn"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Read sheet 'Autumn'; headings on row 3.\nLoaded batch 3: 2 ")


# --- .ods, written by hand for the test (no ODS writer is a dependency) ----------------------


def _ods(rows: list[list[object]], formula_at: tuple[int, int] | None = None) -> bytes:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    out_rows = []
    for r, cells in enumerate(rows, start=1):
        out = []
        for c, value in enumerate(cells):
            formula = ' table:formula="of:=1+1"' if formula_at == (r, c) else ""
            if value is None:
                out.append(f"<table:table-cell{formula}/>")
            elif isinstance(value, date):
                out.append(
                    f'<table:table-cell office:value-type="date" '
                    f'office:date-value="{value.isoformat()}"{formula}>'
                    f"<text:p>{value.isoformat()}</text:p></table:table-cell>"
                )
            elif isinstance(value, (int, float)):
                out.append(
                    f'<table:table-cell office:value-type="float" office:value="{value}"'
                    f"{formula}><text:p>{value}</text:p></table:table-cell>"
                )
            else:
                out.append(
                    f'<table:table-cell office:value-type="string"{formula}>'
                    f"<text:p>{value}</text:p></table:table-cell>"
                )
        out_rows.append("<table:table-row>" + "".join(out) + "</table:table-row>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        '<table:table table:name="Autumn">' + "".join(out_rows) + "</table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
        'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
        '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    out_zip = io.BytesIO()
    with zipfile.ZipFile(out_zip, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out_zip.getvalue()
