"""Excel (.xlsx) and OpenDocument (.ods) workbooks: checked as a container first, then one
sheet read with python-calamine and written out as the CSV text the rest of the load reads.

Before any cell is read the workbook must be a real zip of a sensible size (no zip bomb),
carry no macros and no links to other files, hold no formula cells, and have at most
`MAX_SHEET_ROWS` rows in the sheet read. The container checks use zipfile's own listing;
the streaming count of rows and the search for formulas are a byte scan of the sheet's
part, and a formula found is named by its cell through openpyxl (or, in an .ods, the
standard library's XML parser).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from xml.etree import ElementTree

import python_calamine

from hubmetrics.contract.files import FileKind
from hubmetrics.contract.headings import column_for
from hubmetrics.contract.problems import Problem

# A sheet with more rows than this is refused before its cells are read. A national
# activities return is about 200,000 rows; the CSV upload limit of 50 MB is about 400,000.
MAX_SHEET_ROWS = 600_000
# The workbook's parts, uncompressed, at most this many bytes in all (a zip bomb is refused
# from the zip's own listing before anything is decompressed) ...
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
# ... and no part larger than 1 MB compressed more than this many times (real sheets are
# 5 to 40 times smaller zipped; a zip bomb is thousands).
MAX_COMPRESSION_RATIO = 200
# Headings are looked for in this many rows from the top of the sheet.
HEADING_SEARCH_ROWS = 20
# A refusal for formulas names at most this many cells.
NAMED_FORMULA_CELLS = 5

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_SCAN_CHUNK = 4 * 1024 * 1024
_XLSX_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_XLSX_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_ODS_ROW = re.compile(rb"<table:table-row[\s/>]")
_ODS_FORMULA = re.compile(rb"\stable:formula\s*=")
_ODS_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


class WorkbookRefused(Exception):
    """The workbook cannot be read safely, or not as one sheet: the problem says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(None, None, None, message)


@dataclass
class WorkbookText:
    """One sheet of a workbook as UTF-8 CSV text from its heading row on."""

    sheet: str
    heading_row: int  # the sheet's own row number (1-based) taken as the headings
    text: bytes
    # The sheet row of each CSV record after the header, in order (a cell with a line break
    # makes one record span several CSV lines; an empty row gives no record).
    record_rows: list[int] = field(default_factory=list)
    form: str = "xlsx"  # or "ods"

    def note(self) -> str:
        return f"Read sheet '{self.sheet}'; headings on row {self.heading_row}."


def is_workbook(data: bytes, file_name: str = "") -> bool:
    """Whether the upload is (or claims by its name to be) a workbook to read as one."""
    return data.startswith(_ZIP) or file_name.lower().endswith(WORKBOOK_SUFFIXES)


def sheet_names(data: bytes) -> list[str]:
    """The workbook's worksheets, in order (after the container checks)."""
    with _opened(data) as (archive, kind):
        return [name for name, _ in _sheets(data, archive, kind)]


def workbook_to_csv(
    data: bytes, file_name: str, kind: FileKind, sheet: str | None = None
) -> WorkbookText:
    """The chosen sheet (or the only one, or the only one with the contract's headings) as
    CSV text; raises WorkbookRefused with a message a person can act on."""
    with _opened(data) as (archive, form):
        sheets = _sheets(data, archive, form)
        names = [name for name, _ in sheets]
        if not names:
            raise WorkbookRefused("The workbook has no sheets to read.")
        book = _calamine(data)
        if sheet is not None:
            if sheet not in names:
                raise WorkbookRefused(
                    f"The workbook has no sheet '{sheet}': its sheets are {_listed(names)}."
                )
            chosen = sheet
        elif len(names) == 1:
            chosen = names[0]
        else:
            with_headings = [n for n in names if _heading_row(_top(book, n), kind) is not None]
            if len(with_headings) != 1:
                raise WorkbookRefused(
                    f"The workbook has {len(names)} sheets ({', '.join(names)}): choose one "
                    "with --sheet, or on the Upload page."
                )
            chosen = with_headings[0]
        part = dict(sheets)[chosen]
        _check_sheet(archive, form, part, chosen, data)
    found = _as_csv(book, chosen, kind)
    found.form = form
    return found


# --- the container ------------------------------------------------------------------------


class _opened:
    """The workbook's zip, checked: (ZipFile, "xlsx" or "ods")."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.archive: zipfile.ZipFile | None = None

    def __enter__(self) -> tuple[zipfile.ZipFile, str]:
        data = self.data
        if data.startswith(_OLE):
            raise WorkbookRefused(
                "This is an old-style Excel workbook (.xls, Excel 97-2003), which is not read "
                "here. In Excel choose File > Save As > 'Excel Workbook (.xlsx)' or 'CSV UTF-8 "
                "(Comma delimited)' and upload that file."
            )
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            infos = self.archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise WorkbookRefused(
                "This file is named as a workbook but is not one (an .xlsx or .ods file is a "
                "zip archive, and this is not). Open it in Excel and save it again as 'Excel "
                "Workbook (.xlsx)', or as 'CSV UTF-8 (Comma delimited)'."
            ) from None
        _check_sizes(infos)
        names = {i.filename for i in infos}
        lowered = {n.lower() for n in names}
        if "xl/workbook.xml" in names:
            form = "xlsx"
        elif "content.xml" in names and self._mimetype(names) == _ODS_MIMETYPE:
            form = "ods"
        else:
            raise WorkbookRefused(
                "This zip file is not an Excel (.xlsx) or OpenDocument (.ods) spreadsheet. "
                "Save the return from your spreadsheet as .xlsx or 'CSV UTF-8 (Comma "
                "delimited)'."
            )
        types = self._read_small("[Content_Types].xml") if form == "xlsx" else b""
        if (
            any(n.endswith("vbaproject.bin") for n in lowered)
            or b"macroEnabled" in types
            or any(n.startswith(("basic/", "scripts/")) for n in lowered)
        ):
            raise WorkbookRefused(
                "The workbook contains macros, which are never opened here. Save it as 'Excel "
                "Workbook (.xlsx)' (without macros) or as 'CSV UTF-8 (Comma delimited)', and "
                "upload that."
            )
        if any(n.startswith("xl/externallinks/") for n in lowered):
            raise WorkbookRefused(
                "The workbook has links to other workbooks (external links). In Excel choose "
                "Data > Edit Links > Break Link, save, and upload it again."
            )
        return self.archive, form

    def _mimetype(self, names: set[str]) -> bytes:
        return self._read_small("mimetype").strip() if "mimetype" in names else b""

    def _read_small(self, name: str) -> bytes:
        assert self.archive is not None
        try:
            return self.archive.read(name)
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
            return b""

    def __exit__(self, *exc: object) -> None:
        if self.archive is not None:
            self.archive.close()


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    total = sum(i.file_size for i in infos)
    bomb = total > MAX_UNCOMPRESSED_BYTES or any(
        i.file_size > 1024 * 1024 and i.file_size > MAX_COMPRESSION_RATIO * max(i.compress_size, 1)
        for i in infos
    )
    if bomb:
        raise WorkbookRefused(
            f"The workbook would unpack to {total / 1_048_576:,.0f} MB, or part of it is "
            f"compressed more than {MAX_COMPRESSION_RATIO} times, so it is not opened (a real "
            "return is far smaller). Save the sheet as 'CSV UTF-8 (Comma delimited)' and "
            "upload that."
        )


def _sheets(data: bytes, archive: zipfile.ZipFile, form: str) -> list[tuple[str, str]]:
    """(sheet name, the zip part that holds it) for each worksheet, in workbook order."""
    book = _calamine(data)
    kept = [
        m.name
        for m in book.sheets_metadata
        if m.typ == python_calamine.SheetTypeEnum.WorkSheet
        and m.visible == python_calamine.SheetVisibleEnum.Visible
    ]
    if form == "ods":
        return [(name, "content.xml") for name in kept]
    parts = _xlsx_parts(archive)
    return [(name, parts.get(name, "")) for name in kept]


def _xlsx_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's part in an .xlsx, from the workbook's relationships (read by openpyxl)."""
    from openpyxl.reader.workbook import WorkbookParser

    try:
        parser = WorkbookParser(archive, "xl/workbook.xml", keep_links=False)
        parser.parse()
        return {sheet.name: rel.target.lstrip("/") for sheet, rel in parser.find_sheets()}
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise WorkbookRefused(
            "The workbook's list of sheets is damaged. Open it in Excel, save it again and "
            "upload that."
        ) from None


def _calamine(data: bytes) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise WorkbookRefused(
            "The workbook is protected by a password. Remove the password (File > Info > "
            "Protect Workbook), save, and upload it again."
        ) from None
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise WorkbookRefused(
            f"The workbook cannot be read ({type(exc).__name__}). Open it in Excel and save it "
            "again, or save the sheet as 'CSV UTF-8 (Comma delimited)'."
        ) from None


def _check_sheet(archive: zipfile.ZipFile, form: str, part: str, sheet: str, data: bytes) -> None:
    """Refuse a sheet with too many rows, or with formulas, before its cells are read."""
    row_pattern, formula_pattern = (
        (_XLSX_ROW, _XLSX_FORMULA) if form == "xlsx" else (_ODS_ROW, _ODS_FORMULA)
    )
    rows, formulas = 0, False
    try:
        with archive.open(part) as stream:
            # Every match starts with "<" and holds no other: a window is scanned up to its
            # last "<", and the rest is carried to the next.
            tail = b""
            while True:
                chunk = stream.read(_SCAN_CHUNK)
                window = tail + chunk
                cut = window.rfind(b"<") if chunk else len(window)
                body, tail = (window[:cut], window[cut:]) if cut >= 0 else (window, b"")
                rows += len(row_pattern.findall(body))
                formulas = formulas or formula_pattern.search(body) is not None
                if not chunk or rows > MAX_SHEET_ROWS:
                    break
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise WorkbookRefused(
            f"Sheet '{sheet}' of the workbook is damaged and cannot be read. Open the workbook "
            "in Excel, save it again and upload that."
        ) from None
    if rows > MAX_SHEET_ROWS:
        raise WorkbookRefused(
            f"Sheet '{sheet}' has more than {MAX_SHEET_ROWS:,} rows, the most a workbook may "
            "have here. Split the return into smaller files (by term, say)."
        )
    if formulas:
        cells = _formula_cells(data, form, sheet)
        if cells:
            named = ", ".join(cells[:NAMED_FORMULA_CELLS])
            more = " and more" if len(cells) > NAMED_FORMULA_CELLS else ""
            word = "cell" if len(cells) == 1 else "cells"
            verb = "holds a formula" if len(cells) == 1 else "hold formulas"
            raise WorkbookRefused(
                f"Sheet '{sheet}', {word} {named}{more} {verb}: formulas are not read here. "
                "Paste values instead (select the sheet, Copy, then Paste Special > Values), "
                "save, and upload it again."
            )


def _formula_cells(data: bytes, form: str, sheet: str) -> list[str]:
    """The first few cells of the sheet that hold a formula ("F12")."""
    limit = NAMED_FORMULA_CELLS + 1
    found: list[str] = []
    if form == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            for row in book[sheet].iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        found.append(str(cell.coordinate))
                        if len(found) >= limit:
                            return found
        finally:
            book.close()
        return found
    return _ods_formula_cells(data, sheet, limit)


def _ods_formula_cells(data: bytes, sheet: str, limit: int) -> list[str]:
    """The cells with a formula in one sheet of an .ods (ElementTree's own parser)."""
    table, row_tag = f"{{{_ODS_NS}}}table", f"{{{_ODS_NS}}}table-row"
    cell_tags = (f"{{{_ODS_NS}}}table-cell", f"{{{_ODS_NS}}}covered-table-cell")
    name_attr, formula_attr = f"{{{_ODS_NS}}}name", f"{{{_ODS_NS}}}formula"
    found: list[str] = []
    in_sheet, row, column = False, 0, 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if element.tag == table:
                in_sheet = event == "start" and element.get(name_attr) == sheet
                if event == "end" and found:
                    return found
            elif not in_sheet:
                if event == "end":
                    element.clear()
            elif element.tag == row_tag and event == "start":
                column = 0
            elif element.tag == row_tag:
                row += int(element.get(f"{{{_ODS_NS}}}number-rows-repeated", "1"))
                element.clear()
            elif element.tag in cell_tags and event == "end":
                if element.get(formula_attr) is not None:
                    found.append(f"{_column_letters(column)}{row + 1}")
                    if len(found) >= limit:
                        return found
                column += int(element.get(f"{{{_ODS_NS}}}number-columns-repeated", "1"))
    return found


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _listed(names: list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


# --- the cells ----------------------------------------------------------------------------


Cell = int | float | str | bool | time | date | datetime | timedelta


def _top(book: python_calamine.CalamineWorkbook, sheet: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for row in _rows(book, sheet):
        rows.append(row)
        if len(rows) >= HEADING_SEARCH_ROWS:
            break
    return rows


def _rows(book: python_calamine.CalamineWorkbook, sheet: str) -> Iterator[list[Cell]]:
    """Every row of the sheet from row 1 (calamine's rows start at A1)."""
    try:
        yield from book.get_sheet_by_name(sheet).iter_rows()
    except python_calamine.CalamineError as exc:
        raise WorkbookRefused(
            f"Sheet '{sheet}' cannot be read ({type(exc).__name__}). Open the workbook in "
            "Excel, save it again and upload that."
        ) from None


def _heading_row(top: list[list[Cell]], kind: FileKind) -> int | None:
    """The first row (1-based) among the top rows with two cells naming contract columns."""
    for number, row in enumerate(top, start=1):
        named = sum(1 for c in row if isinstance(c, str) and c.strip() and column_for(c, kind))
        if named >= 2:
            return number
    return None


def cell_text(value: Cell) -> str:
    """A cell as the text a CSV would hold: dates as YYYY-MM-DD, whole numbers without a
    decimal point, empty cells empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _as_csv(book: python_calamine.CalamineWorkbook, sheet: str, kind: FileKind) -> WorkbookText:
    heading = _heading_row(_top(book, sheet), kind) or 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    record_rows: list[int] = []
    for number, row in enumerate(_rows(book, sheet), start=1):
        if number < heading:
            continue
        cells = [cell_text(c) for c in row]
        while cells and cells[-1] == "":
            cells.pop()
        if number == heading:
            writer.writerow(cells)
        elif cells:
            writer.writerow(cells)
            record_rows.append(number)
        else:
            out.write("\n")  # an empty row: a blank line, as in a CSV
    text = out.getvalue().encode("utf-8")
    return WorkbookText(sheet=sheet, heading_row=heading, text=text, record_rows=record_rows)
