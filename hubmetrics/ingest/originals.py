"""Kept originals rewritten with some records left empty: for an erasure or the retention period.

A record is left empty rather than taken out, so that every other record keeps its line (a
CSV file's line, a workbook's sheet row): the lines that a batch's rows, warnings and
corrections name stay true. An empty line gives no record when the file is read again.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import uuid
import warnings
import zipfile
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hubmetrics import store
from hubmetrics.ingest.reading import MAX_LINE_BYTES

_ZIP = b"PK\x03\x04"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# The parts of an .ods content.xml that hold sheets, rows and cells (no nesting among rows).
_ODS_TABLE = re.compile(rb"<table:table(?=[\s>])([^>]*)>(.*?)</table:table>", re.S)
_ODS_ROW = re.compile(rb"<table:table-row(?=[\s>/])([^>]*?)(?:/>|>(.*?)</table:table-row>)", re.S)
_ODS_CELL = re.compile(
    rb"<table:(?:covered-)?table-cell(?=[\s>/])([^>]*?)(?:/>|>(.*?)</table:(?:covered-)?table-cell>)",
    re.S,
)
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_TAG = re.compile(r"<[^>]+>")

Where = tuple[str | None, int]  # (the sheet, None for a CSV file; the record's first line)


@dataclass(frozen=True)
class Record:
    """One record of a kept original: where it is, and its cells as text."""

    sheet: str | None
    line: int
    cells: tuple[str, ...]

    @property
    def where(self) -> Where:
        return (self.sheet, self.line)


def form(data: bytes) -> str:
    """ "csv", "xlsx" or "ods": how a kept original is written."""
    if not data.startswith(_ZIP):
        return "csv"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
            return "ods"
    return "xlsx"


def records(data: bytes) -> list[Record]:
    """Every non-empty record of a kept original, its header (or a sheet's title rows) too."""
    kind = form(data)
    if kind == "csv":
        return [Record(None, first, cells) for first, _, cells in _csv_records(data)]
    if kind == "xlsx":
        return list(_xlsx_records(data))
    return list(_ods_records(data))


def holding(found: Iterable[Record], refs: Collection[str]) -> set[Where]:
    """Where the records are that have a cell holding one of `refs` (spaces around ignored)."""
    wanted = set(refs)
    return {r.where for r in found if any(cell.strip() in wanted for cell in r.cells)}


def data_sheet(found: Iterable[Record], refs: Collection[str]) -> str | None:
    """The sheet a batch was read from: the one whose records hold most of its rows' refs
    (a workbook's only sheet, whatever it holds). None for a CSV file, and for a workbook
    whose sheets cannot be told apart."""
    wanted = set(refs)
    scores: dict[str | None, int] = {}
    for record in found:
        held = any(cell.strip() in wanted for cell in record.cells)
        scores[record.sheet] = scores.get(record.sheet, 0) + held
    best = max(scores.values(), default=0)
    chosen = [sheet for sheet, n in scores.items() if n == best]
    if len(scores) == 1:
        return chosen[0]
    return chosen[0] if best and len(chosen) == 1 else None


def blank(data: bytes, where: Collection[Where]) -> bytes:
    """The kept original with the records at `where` left empty; the rest byte for byte as
    it was for a CSV file, and as its workbook library writes it for a workbook."""
    if not where:
        return data
    kind = form(data)
    if kind == "csv":
        return _blank_csv(data, {line for _, line in where})
    if kind == "xlsx":
        return _blank_xlsx(data, where)
    return _blank_ods(data, where)


@dataclass(frozen=True)
class KeptOriginal:
    """A participant batch's kept original as read now: `found` is None when the file is
    missing or cannot be read (it is named, never guessed at)."""

    batch_id: int
    file_name: str
    stored_name: str
    status: str
    data: bytes
    found: list[Record] | None

    @property
    def is_csv(self) -> bool:
        return form(self.data) == "csv"


def participant_originals(cur: store.Connection) -> Iterator[KeptOriginal]:
    """Every participant batch's kept original (rolled-back batches too: their files stay)."""
    folder = store.originals_folder(cur)
    batches = cur.execute(
        "SELECT batch_id, file_name, stored_name, status FROM batch "
        "WHERE kind = 'participants' ORDER BY batch_id"
    ).fetchall()
    for batch_id, file_name, stored_name, status in batches:
        try:
            data = (folder / stored_name).read_bytes()
            found: list[Record] | None = records(data)
        except Exception:  # a damaged or missing file is named, never fatal
            data, found = b"", None
        yield KeptOriginal(batch_id, file_name, stored_name, status, data, found)


@dataclass(frozen=True)
class RowKey:
    """What tells a participant row's record in its kept original: the row keeps no line."""

    ref: str
    activity_id: str
    start_date: date


def batch_rows(cur: store.Connection, batch_id: int) -> list[RowKey]:
    """The rows a batch loaded that are still held, current or replaced."""
    return [
        RowKey(*row)
        for row in cur.execute(
            "SELECT participant_ref, activity_id, start_date FROM participant_row "
            "WHERE batch_id = ? AND participant_ref IS NOT NULL",
            [batch_id],
        ).fetchall()
    ]


def lines_for(
    cur: store.Connection,
    original: KeptOriginal,
    wanted: Collection[RowKey],
    refs: Collection[str] = (),
) -> tuple[set[Where], set[int]]:
    """Where in `original` the records are of its batch's rows `wanted`, and those with a
    cell holding one of `refs` (in any sheet); and their lines in the batch's own numbering
    (its warnings and corrections are named by those)."""
    found = original.found or []
    if not found or not (wanted or refs):
        return set(), set()
    rows = batch_rows(cur, original.batch_id)
    sheet = data_sheet(found, {r.ref for r in rows} | set(refs))
    corrected = {
        int(line)
        for (line,) in cur.execute(
            "SELECT line FROM batch_correction WHERE batch_id = ? AND line IS NOT NULL "
            "AND column_name = 'participant_ref'",
            [original.batch_id],
        ).fetchall()
    }
    in_sheet = [r for r in found if r.sheet == sheet]
    where = holding(found, refs) | _records_of(in_sheet, set(wanted), rows, corrected)
    return where, {line for s, line in where if s == sheet}


def _records_of(
    found: list[Record], wanted: set[RowKey], rows: list[RowKey], corrected: set[int]
) -> set[Where]:
    """The records that are (or may be) those of the rows `wanted`, among a batch's `rows`.

    A record is told by its ref, then its activity, then its date where those leave more
    than one row. A line whose ref was corrected by hand before the load holds the ref as
    sent, not the row's: it is told among the rows whose ref no record holds. Where a
    record may be one of `wanted` or another row, it counts as `wanted`: what is erased or
    purged errs towards going.
    """
    if not wanted:
        return set()
    by_ref: dict[str, list[RowKey]] = {}
    for row in rows:
        by_ref.setdefault(row.ref, []).append(row)
    cells_of = [(record, {c.strip() for c in record.cells}) for record in found]
    present = {cell for _, cells in cells_of for cell in cells if cell in by_ref}
    unplaced = [row for row in rows if row.ref not in present]
    out = set()
    for record, cells in cells_of:
        if record.line in corrected:
            candidates = [r for r in unplaced if r.activity_id in cells]
        else:
            candidates = [r for ref in cells & present for r in by_ref[ref]]
            candidates = [r for r in candidates if r.activity_id in cells] or candidates
        dated = [r for r in candidates if _dated(record.cells, r.start_date)]
        if any(r in wanted for r in dated or candidates):
            out.add(record.where)
    return out


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y")


def _dated(cells: Iterable[str], day: date) -> bool:
    """Whether a cell reads as `day`, written as the contract allows (or as a workbook's
    date cell reads as text)."""
    for cell in cells:
        text = cell.strip().removesuffix(" 00:00:00")
        for pattern in _DATE_FORMATS:
            try:
                if datetime.strptime(text, pattern).date() == day:
                    return True
            except ValueError:
                continue
    return False


# --- rewriting in a write transaction ---------------------------------------------------------


@dataclass
class Rewrites:
    """The kept originals an erasure or a purge replaces: new files written beside the old,
    named by the batch in the transaction; the old ones go once it has committed."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    replaced: list[Path] = field(default_factory=list)
    batches: list[int] = field(default_factory=list)

    def replace(self, cur: store.Connection, batch_id: int, stored_name: str, data: bytes) -> None:
        """Keep `data` as batch `batch_id`'s original in place of `stored_name`: a new file,
        with its hash and size recorded with the batch (a backup and a restore check them)."""
        suffix = Path(stored_name).suffix or ".csv"
        new_name = f"batch-{uuid.uuid4().hex}{suffix}"
        path = self.folder / new_name
        path.write_bytes(data)
        self.written.append(path)
        cur.execute(
            "UPDATE batch SET stored_name = ?, sha256 = ?, file_bytes = ? WHERE batch_id = ?",
            [new_name, hashlib.sha256(data).hexdigest(), len(data), batch_id],
        )
        self.replaced.append(self.folder / stored_name)
        self.batches.append(batch_id)


@contextmanager
def rewriting(con: store.Connection) -> Iterator[Rewrites]:
    """Collect the originals a write replaces. Use it outside `write_transaction`: when the
    block raises, the new files go and the old stay; when it ends, the old files go."""
    rewrites = Rewrites(store.originals_folder(con))
    try:
        yield rewrites
    except BaseException:
        for path in rewrites.written:
            path.unlink(missing_ok=True)
        raise
    for path in rewrites.replaced:
        path.unlink(missing_ok=True)


def forget_lines(
    cur: store.Connection, batch_id: int, lines: Collection[int] | None
) -> tuple[int, int]:
    """Remove a batch's warnings and corrections at `lines` (None: all of them); a warning
    can quote a cell of the record. (warnings removed, corrections removed)."""
    if lines is not None and not lines:
        return 0, 0
    every = lines is None
    counts = []
    for table in ("batch_warning", "batch_correction"):
        row = cur.execute(
            f"DELETE FROM {table} WHERE batch_id = ? AND (? OR list_contains(CAST(? AS INTEGER[]), line))",  # safe: fixed
            [batch_id, every, sorted(lines or ())],
        ).fetchone()
        counts.append(int(row[0]) if row else 0)
    return counts[0], counts[1]


# --- CSV --------------------------------------------------------------------------------------


def _csv_text(data: bytes) -> str:
    """The text of a kept CSV file: UTF-8 (a BOM dropped) or Windows-1252, as a load read it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.removeprefix("\ufeff")


def _csv_records(data: bytes) -> list[tuple[int, int, tuple[str, ...]]]:
    """(first line, last line, cells) of every record, as Python's csv module reads them
    (the load numbered its rows the same way)."""
    csv.field_size_limit(max(csv.field_size_limit(), 2 * MAX_LINE_BYTES))
    reader = csv.reader(io.StringIO(_csv_text(data), newline="\n"), strict=False)
    found = []
    previous_end = 0
    for row in reader:
        if row:
            found.append((previous_end + 1, reader.line_num, tuple(row)))
        previous_end = reader.line_num
    return found


def _blank_csv(data: bytes, firsts: set[int]) -> bytes:
    """Every physical line of the records starting at `firsts` made empty, its line ending
    kept (the encodings read are ASCII-compatible, so this works on the bytes)."""
    emptied: set[int] = set()
    for first, last, _ in _csv_records(data):
        if first in firsts and first > 1:  # never the header
            emptied.update(range(first, last + 1))
    lines = data.split(b"\n")  # as the csv module counts lines: a CR alone ends none
    for number in emptied:
        lines[number - 1] = b"\r" if lines[number - 1].endswith(b"\r") else b""
    return b"\n".join(lines)


# --- .xlsx ------------------------------------------------------------------------------------


def _open_xlsx(data: bytes) -> Any:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns of extensions it does not keep
        return openpyxl.load_workbook(io.BytesIO(data))


def _xlsx_records(data: bytes) -> Iterator[Record]:
    book = _open_xlsx(data)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=1):
            cells = tuple("" if c.value is None else str(c.value) for c in row)
            if row and any(c.strip() for c in cells):
                yield Record(sheet.title, row[0].row, cells)


def _blank_xlsx(data: bytes, where: Collection[Where]) -> bytes:
    book = _open_xlsx(data)
    for sheet_name, line in where:
        if sheet_name in book.sheetnames:
            for cell in book[sheet_name][line]:
                cell.value = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- .ods -------------------------------------------------------------------------------------


def _ods_rows(content: bytes) -> Iterator[tuple[str, int, re.Match[bytes]]]:
    """(sheet, first row number, the row's match) of every row of every sheet."""
    for table in _ODS_TABLE.finditer(content):
        name_match = _ODS_NAME.search(table.group(1))
        name = html.unescape(name_match.group(1).decode("utf-8")) if name_match else ""
        number = 1
        for row in _ODS_ROW.finditer(content, table.start(2), table.end(2)):
            yield name, number, row
            repeated = _ODS_REPEATED.search(row.group(1))
            number += int(repeated.group(1)) if repeated else 1


def _ods_cells(row: re.Match[bytes]) -> tuple[str, ...]:
    inner = row.group(2) or b""
    return tuple(
        html.unescape(_TAG.sub("", (cell.group(2) or b"").decode("utf-8")))
        for cell in _ODS_CELL.finditer(inner)
    )


def _ods_records(data: bytes) -> Iterator[Record]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = archive.read("content.xml")
    for sheet, number, row in _ods_rows(content):
        cells = _ods_cells(row)
        if any(c.strip() for c in cells):
            yield Record(sheet, number, cells)


def _blank_ods(data: bytes, where: Collection[Where]) -> bytes:
    wanted = set(where)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    content = next(body for info, body in members if info.filename == "content.xml")
    pieces, at = [], 0
    for sheet, number, row in _ods_rows(content):
        if (sheet, number) in wanted:
            attributes = row.group(1).rstrip(b"/")
            pieces += [content[at : row.start()], b"<table:table-row" + attributes + b">"]
            pieces.append(b"<table:table-cell/></table:table-row>")
            at = row.end()
    pieces.append(content[at:])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as rewritten:
        for info, body in members:  # the same members in the same order (mimetype first)
            rewritten.writestr(info, b"".join(pieces) if info.filename == "content.xml" else body)
    return out.getvalue()
