"""Reading an uploaded file into a raw all-text DuckDB table, with each row's line in the file."""

from __future__ import annotations

import bisect
import codecs
import csv
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from hubmetrics.contract.problems import Problem

Connection = duckdb.DuckDBPyConnection

# DuckDB refuses longer lines; a CSV line this long is never a real activity return.
MAX_LINE_BYTES = 1_000_000
MAX_COLUMNS = 500

_STRUCTURAL_MESSAGES = {
    "TOO MANY COLUMNS": (
        "This line has more cells than the header has columns. A value probably contains a "
        "comma: put that value in double quotes, or remove the extra cells."
    ),
    "UNQUOTED VALUE": (
        'A double quote (") is out of place: a value that starts with a quote must end with '
        'one, and a quote inside a quoted value is written twice (""). Check the quotes here.'
    ),
    "INVALID STATE": (
        'A quoted value is not closed: a value starts with a double quote (") but has no '
        "closing quote. Close the quote or remove it."
    ),
    "LINE SIZE OVER MAXIMUM": (
        f"This row is over the limit of {MAX_LINE_BYTES:,} bytes (1 MB) for one row (with "
        "the lines of a quoted value that spans lines): far too long to be one row of a "
        "return. Check the file is a CSV file of the right kind, and that no cell holds "
        "pasted text, a picture or a whole document."
    ),
    "INVALID ENCODING": "This line has characters that are not valid text.",
}
# What to do about a row of the wrong width; its message names both counts.
_WIDTH_ADVICE = {
    "TOO MANY COLUMNS": (
        "A value probably contains a comma: put that value in double quotes, or remove the "
        "extra cells."
    ),
    "MISSING COLUMNS": (
        "A cell was lost, perhaps when the file was edited: download the file again and "
        "upload it unedited."
    ),
}


class NeedsSingleThread(Exception):
    """DuckDB's parallel reader gave up on this file inside a transaction: read it again,
    single-threaded, in a new transaction."""


class UnreadableFile(Exception):
    """The file cannot be read as CSV text at all."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class RawFile:
    """An upload read into the temp table `table`: `line` plus c0..cN, all text."""

    table: str
    header: list[str]
    encoding: str
    rows: int
    problems: list[Problem] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """Return (encoding, text) for UTF-8 (with or without BOM) or Windows-1252 bytes; for
    plain ASCII, the text is the header line alone.

    Raises UnreadableFile, with a message a person can act on, for anything else.
    """
    if not data or data.isspace():  # isspace stops at the first other byte; strip copies
        raise UnreadableFile(Problem(None, None, None, "The file is empty."))
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            Problem(
                None,
                None,
                None,
                "This is an Excel workbook, not a CSV file. In Excel choose File > Save As > "
                "'CSV UTF-8 (Comma delimited)' and upload that file.",
            )
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(
            Problem(
                None,
                None,
                None,
                "The file is saved as UTF-16 text (Excel's 'Unicode Text'). Save it as "
                "'CSV UTF-8 (Comma delimited)' instead.",
            )
        )
    if b"\r" in data and b"\n" not in data:
        raise UnreadableFile(
            Problem(
                None,
                None,
                None,
                "The lines of this file end the old Macintosh way (CR only), which is not a CSV "
                "line ending. Save it from Excel as 'CSV UTF-8 (Comma delimited)'.",
            )
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise UnreadableFile(
            Problem(
                data.count(b"\n", 0, nul) + 1,
                None,
                None,
                "The file contains binary data (a zero byte), so it is not a CSV text file. "
                "Save it from your spreadsheet as 'CSV UTF-8 (Comma delimited)'.",
            )
        )
    if data.isascii():
        # Most returns are plain ASCII: valid UTF-8 without decoding it all. Only the header
        # is ever needed as text.
        return "utf-8", data[: data.find(b"\n") if b"\n" in data else len(data)].decode()
    try:
        text = data.decode("utf-8")
        return ("utf-8-sig" if text.startswith("\ufeff") else "utf-8"), text.lstrip("\ufeff")
    except UnicodeDecodeError:
        pass
    try:
        return "windows-1252", data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UnreadableFile(
            Problem(
                line,
                None,
                None,
                f"The file is not UTF-8 or Windows-1252 text (byte 0x{data[exc.start]:02X} on "
                "this line is neither). Save it as 'CSV UTF-8 (Comma delimited)'.",
            )
        ) from None


def read_header(text: str) -> list[str]:
    """The header cells of the file, as written (without the byte-order mark)."""
    first = text.split("\n", 1)[0].rstrip("\r")
    try:
        if "\r" in first:  # quoted or not, DuckDB would read no row after it
            raise csv.Error
        cells = next(csv.reader([first]), [])
    except csv.Error:  # a line break (CR) inside the header line
        raise UnreadableFile(
            Problem(
                1,
                None,
                first[:80],
                "The header row has a line break inside it. The first line must hold the "
                "column names, on one line, separated by commas.",
            )
        ) from None
    if len(cells) == 1 and (";" in first or "\t" in first):
        sep = "semicolons" if ";" in first else "tabs"
        raise UnreadableFile(
            Problem(
                1,
                None,
                first[:80],
                f"The columns are separated by {sep}, not commas. Save the file as "
                "'CSV UTF-8 (Comma delimited)'.",
            )
        )
    if not any(c.strip() for c in cells):
        raise UnreadableFile(
            Problem(1, None, None, "The first line is empty: it must be the header row.")
        )
    if len(cells) > MAX_COLUMNS:
        raise UnreadableFile(
            Problem(1, None, None, f"The header has {len(cells)} columns; at most {MAX_COLUMNS}.")
        )
    return cells


def read_raw(
    con: Connection,
    source: Path,
    text_bytes: bytes,
    header: list[str],
    table: str,
    query: str = "SELECT * FROM {source}",
    params: Sequence[object] = (),
    *,
    into: tuple[str, int] | None = None,
    parallel: bool = True,
    record_lines: Sequence[int] | None = None,
    pad_short_rows: bool = True,
) -> RawFile:
    """Read `source` (UTF-8) through `query` (a SELECT over `{source}`, the file's cells) into
    temp table `{table}_read`, or with `into` = (row table, batch id) straight into that table,
    and make
    the view `table` over the rows read with `line`, the line of each row in the file (the
    header is line 1).

    Inside a transaction a failed read cannot be tried again, so with `into`, a file that
    DuckDB's parallel reader gives up on raises NeedsSingleThread: roll back and call again
    with parallel=False.

    The file's cells are c0..cN (VARCHAR) for `query` to use. `text_bytes` are the file's
    UTF-8 bytes, used only to turn DuckDB's byte positions into line numbers. Structural
    problems (too many cells, broken quotes) come back as Problems.

    `record_lines`, for the CSV text of a workbook's sheet, is the sheet row of each record
    after the header: every line is then named by the sheet's own row.

    A row with more cells than the header is a problem naming both counts; one with fewer is
    read with its missing cells blank, or with `pad_short_rows=False` is a problem too.
    """
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    rejects, scans = f"{table}_rejects", f"{table}_scans"
    # DuckDB's parallel reader drops a line over its buffer (about 32 MB) without a word, and
    # a long line of many cells takes it minutes: lines are measured first.
    _refuse_long_lines(text_bytes, record_lines)
    # Counting lines is plain Python over the bytes; it runs while DuckDB (which releases
    # the GIL) reads the file.
    layout = _Layout(text_bytes)
    layout.start()
    try:
        _read_csv(con, source, table, columns, query, params, parallel, into, pad_short_rows)
    except duckdb.Error as exc:
        layout.join()
        if into is not None and parallel:
            raise NeedsSingleThread from None
        if into is not None or not parallel:
            raise _unreadable(text_bytes, exc, record_lines) from None
        # DuckDB's parallel reader gives up on some files (quoted line breaks with short or
        # long rows) that its single-threaded reader reads and rejects line by line.
        con.execute(f"DROP TABLE IF EXISTS {table}_read")  # safe: generated name
        con.execute(f"DROP TABLE IF EXISTS {rejects}")  # safe: generated name
        con.execute(f"DROP TABLE IF EXISTS {scans}")  # safe: generated name
        try:
            _read_csv(con, source, table, columns, query, params, False, None, pad_short_rows)
        except duckdb.Error as exc2:
            raise _unreadable(text_bytes, exc2, record_lines) from None
    if into is None:
        con.execute(
            f"CREATE TEMP VIEW {table}_rows AS SELECT rowid AS rid, * FROM {table}_read"  # safe: generated
        )
    else:
        con.execute(
            f"CREATE TEMP VIEW {table}_rows AS SELECT rowid AS rid, * EXCLUDE (batch_id, "  # safe: generated
            f"replaced_by) FROM {into[0]} WHERE batch_id = {int(into[1])}"
        )
    reject_rows = con.execute(
        f"SELECT byte_position, error_type::VARCHAR, csv_line FROM {rejects} "  # safe: generated
        "ORDER BY byte_position LIMIT 10001"
    ).fetchall()
    con.execute(f"DROP TABLE IF EXISTS {rejects}")  # safe: generated name
    con.execute(f"DROP TABLE IF EXISTS {scans}")  # safe: generated name

    # DuckDB names the line where a broken record went wrong; a person wants the line where
    # that record starts, which the exact numbering below knows.
    starts = _record_starts(text_bytes) if reject_rows else []
    sheet_row = dict(zip(starts, record_lines, strict=False)) if record_lines and starts else {}
    problems: list[Problem] = []
    reject_lines: list[int] = []
    said: set[tuple[int, str]] = set()
    for byte_position, error_type, csv_line in reject_rows:
        position = int(byte_position or 0)
        if error_type == "MISSING COLUMNS":  # DuckDB names the byte just after a short row
            position = max(position - 1, 0)
        line = text_bytes.count(b"\n", 0, position) + 1
        at = bisect.bisect_right(starts, line) - 1
        line = starts[at] if at >= 0 else line
        line = sheet_row.get(line, line)
        reject_lines.append(line)
        if (line, error_type) in said:  # DuckDB rejects a long row once for each extra cell
            continue
        said.add((line, error_type))
        shown = (csv_line or "").strip("\r\n")
        message, rule = _reject_message(error_type, shown, len(header))
        problems.append(Problem(line, None, shown[:200], message, rule=rule))

    row = con.execute(
        f"SELECT count(*), min(rid) FROM {table}_rows"  # safe: generated
    ).fetchone()
    rows, first_rowid = (int(row[0]), int(row[1] or 0)) if row else (0, 0)
    simple = not reject_rows and not layout.blank_lines and layout.lines == rows + 1
    if record_lines is None and not simple and not starts:
        starts = _record_starts(text_bytes)
    # A quote still open at the end of the file: DuckDB may keep that last row as if closed.
    if record_lines is None and rows:
        last = layout.lines if simple else (starts[-1] if starts else None)
        unclosed = _unclosed_from(text_bytes, last, last_line=simple) if last else None
        if unclosed is not None and unclosed not in reject_lines:
            problems.append(Problem(unclosed, None, None, _STRUCTURAL_MESSAGES["INVALID STATE"]))
    if record_lines is not None:
        _number_lines_exactly(con, list(record_lines), table, reject_lines, rows, problems)
    elif simple:
        # One record per physical line: the record's position gives its line. Row ids are
        # contiguous within one insert but need not start at 0 inside a transaction.
        con.execute(
            f"CREATE TEMP VIEW {table} AS SELECT CAST(rid - {first_rowid} + 2 AS INTEGER) "  # safe: generated
            f"AS line, * EXCLUDE (rid) FROM {table}_rows"
        )
    else:
        _number_lines_exactly(con, starts, table, reject_lines, rows, problems)
    return RawFile(table=table, header=header, encoding="", rows=rows, problems=problems)


def _reject_message(error_type: str, text: str, headings: int) -> tuple[str, str | None]:
    """(message, rule) for a line DuckDB rejected: a row of the wrong width names its own
    count of cells and the headings' ("This line has 141 cells; the headings have 140")."""
    advice = _WIDTH_ADVICE.get(error_type)
    if advice is None:
        said = _STRUCTURAL_MESSAGES.get(error_type, f"This line cannot be read ({error_type}).")
        return said, None
    more = "more" if error_type == "TOO MANY COLUMNS" else "fewer"
    rule = f"This line has {more} cells than the header has columns. {advice}"
    try:
        cells = len(next(csv.reader(io.StringIO(text, newline="")), []))
    except csv.Error:
        cells = 0
    if not cells or (cells > headings) != (more == "more"):
        return rule, None
    return (
        f"This line has {cells} cells; the headings have {headings}: {more} cells than the "
        f"header has columns. {advice}",
        rule,
    )


def _read_csv(
    con: Connection,
    source: Path,
    table: str,
    columns: str,
    query: str,
    params: Sequence[object],
    parallel: bool,
    into: tuple[str, int] | None,
    pad_short_rows: bool = True,
) -> None:
    target = (
        f"CREATE TEMP TABLE {table}_read AS" if into is None else f"INSERT INTO {into[0]} BY NAME"
    )
    cells = (
        f"read_csv(?, header = true, columns = {{{columns}}}, delim = ',', quote = '\"', "
        f"escape = '\"', null_padding = {'true' if pad_short_rows else 'false'}, "
        "auto_detect = false, ignore_errors = true, "
        f"store_rejects = true, rejects_table = '{table}_rejects', "
        f"rejects_scan = '{table}_scans', max_line_size = {MAX_LINE_BYTES}, "
        f"parallel = {'true' if parallel else 'false'})"
    )
    sql = f"{target} " + query.replace("{source}", cells)
    con.execute(sql, [*params, str(source)])  # safe: generated names


class _Layout(threading.Thread):
    """How many physical lines the file has, and whether any is blank."""

    def __init__(self, text_bytes: bytes) -> None:
        super().__init__(daemon=True)
        self.text_bytes, self.lines, self.blank_lines = text_bytes, 0, True

    def run(self) -> None:
        data = self.text_bytes
        self.lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        # This thread shares the cores with DuckDB's reader: the searches are kept cheap.
        self.blank_lines = _has_two_line_feeds(data) or (
            b"\r" in data and data.find(b"\n\r\n") >= 0
        )


def _long_lines(data: bytes) -> list[tuple[int, int]]:
    """(line, bytes without its line ending) of every line longer than MAX_LINE_BYTES."""
    feeds = _newlines(data)
    ends = np.append(feeds, len(data))
    sizes = np.diff(ends, prepend=-1) - 1  # each line's bytes, its line feed left out
    long = np.flatnonzero(sizes > MAX_LINE_BYTES)
    out = []
    for i in long.tolist():
        size = int(sizes[i])
        if size and data[int(ends[i]) - 1] == 0x0D:
            size -= 1  # CR LF
        if size > MAX_LINE_BYTES:
            out.append((i + 1, size))
    return out


def _has_two_line_feeds(data: bytes) -> bool:
    """Whether `data` holds two line feeds in a row, read as pairs of bytes at even and at odd
    offsets (five times quicker than bytes.find on a national file)."""
    if len(data) < 2:
        return False
    pair = 0x0A0A  # b"\n\n" whichever the byte order
    even = np.frombuffer(data, dtype=np.uint16, count=len(data) // 2)
    if (even == pair).any():
        return True
    odd = np.frombuffer(data, dtype=np.uint16, count=(len(data) - 1) // 2, offset=1)
    return bool((odd == pair).any())


def _refuse_long_lines(text_bytes: bytes, record_lines: Sequence[int] | None) -> None:
    """Raise UnreadableFile naming the first line longer than DuckDB may read, if any."""
    long_lines = _long_lines(text_bytes) if len(text_bytes) > MAX_LINE_BYTES else []
    if not long_lines:
        return
    line, size = long_lines[0]
    if record_lines is not None:  # a workbook's sheet: name the sheet's row
        starts = _record_starts(text_bytes)
        at = bisect.bisect_right(starts, line) - 1
        line = dict(zip(starts, record_lines, strict=False)).get(starts[at], line) if at >= 0 else 1
    raise UnreadableFile(Problem(line, None, None, _too_long(size, len(long_lines) - 1)))


def _too_long(size: int, others: int) -> str:
    more = f" ({others:,} other line{'s are' if others != 1 else ' is'} too long as well)"
    return (
        f"This line is {size:,} bytes long ({size / 1_048_576:.1f} MB), over the limit of "
        f"{MAX_LINE_BYTES:,} bytes (1 MB) for one line{more if others else ''}: it cannot be "
        "one row of a return. Check the file is a CSV file of the right kind, and that no cell "
        "holds pasted text, a picture or a whole document."
    )


def _unreadable(
    text_bytes: bytes, exc: duckdb.Error, record_lines: Sequence[int] | None = None
) -> UnreadableFile:
    """Why DuckDB could not read the file at all: the line with a lone carriage return when
    that is the cause (_record_starts raises it), a row too long or a line ending that
    differs from the others, naming its line; else DuckDB's own words."""
    starts = _record_starts(text_bytes)
    said = str(exc)
    if "Maximum line size" in said:  # a record over the limit, its lines each shorter
        line, size = _longest_record(text_bytes, starts)
        if size > MAX_LINE_BYTES:
            shown = dict(zip(starts, record_lines or (), strict=False)).get(line, line)
            return UnreadableFile(Problem(shown, None, None, _too_long(size, 0)))
    if "invalid state" in said:
        mixed = _mixed_line_ending(text_bytes)
        if mixed is not None:
            return UnreadableFile(Problem(*mixed))
    return UnreadableFile(
        Problem(None, None, None, f"The file could not be read as CSV: {_first_line(exc)}")
    )


def _newlines(text_bytes: bytes) -> np.ndarray:
    """The offset of every line feed in the file."""
    return np.flatnonzero(np.frombuffer(text_bytes, dtype=np.uint8) == 0x0A)


def _line_offset(text_bytes: bytes, line: int, *, last_line: bool = False) -> int:
    """Where `line` (1 = the header) starts in the bytes; `last_line` says it is the file's
    last line, found from the end without measuring every line."""
    if line <= 1:
        return 0
    if last_line:
        end = len(text_bytes)
        while end and text_bytes[end - 1] in b"\r\n":
            end -= 1
        return text_bytes.rfind(b"\n", 0, end) + 1
    feeds = _newlines(text_bytes)
    return int(feeds[line - 2]) + 1 if line - 2 < len(feeds) else len(text_bytes)


def _longest_record(text_bytes: bytes, starts: list[int]) -> tuple[int, int]:
    """(first line, bytes) of the longest record after the header."""
    feeds = _newlines(text_bytes)
    offsets = [0, *(int(f) + 1 for f in feeds)]
    bounds = [offsets[s - 1] for s in starts if s - 1 < len(offsets)] + [len(text_bytes)]
    sizes = [(b - a, s) for a, b, s in zip(bounds, bounds[1:], starts, strict=False)]
    size, line = max(sizes, default=(0, 1))
    return line, size


def _mixed_line_ending(text_bytes: bytes) -> tuple[int, None, None, str] | None:
    """(line, None, None, message) for the first line that ends differently from the header
    line (CR LF where the header ends LF alone, or the other way round); DuckDB cannot read
    a file that mixes them."""
    feeds = _newlines(text_bytes)
    if not len(feeds):
        return None
    ends_crlf = np.frombuffer(text_bytes, dtype=np.uint8)[np.maximum(feeds - 1, 0)] == 0x0D
    differs = np.flatnonzero(ends_crlf != ends_crlf[0])
    if not len(differs):
        return None
    line = int(differs[0]) + 1
    header, this = ("CR LF", "LF alone") if ends_crlf[0] else ("LF alone", "CR LF")
    return (
        line,
        None,
        None,
        f"This line ends with {this} but the header line ends with {header}: the file mixes "
        "two kinds of line ending (perhaps lines were added in another program). Save it from "
        "your spreadsheet as 'CSV UTF-8 (Comma delimited)' so that every line ends alike.",
    )


def _unclosed_from(text_bytes: bytes, line: int, *, last_line: bool = False) -> int | None:
    """`line` when the record that starts there (the file's last) ends inside a quoted value
    that is never closed; else None."""
    tail = text_bytes[_line_offset(text_bytes, line, last_line=last_line) :]
    if b'"' not in tail:
        return None
    reader = csv.reader(io.StringIO(tail.decode("utf-8", "replace"), newline="\n"), strict=True)
    try:
        for _ in reader:
            pass
    except csv.Error as exc:
        return line if "unexpected end of data" in str(exc) else None
    return None


def _record_starts(text_bytes: bytes) -> list[int]:
    """The first line of every record after the header, as Python's csv module reads them.

    Python's csv module reads quotes as CSV means them (a quote inside an unquoted cell, as
    in 12" cymbal, is just a character) and skips nothing; blank lines give no record.
    """
    text = text_bytes.decode("utf-8").lstrip("\ufeff")
    # A cell of any length is read, so that the records after a cell too long still count.
    csv.field_size_limit(max(csv.field_size_limit(), 2 * MAX_LINE_BYTES, len(text_bytes) + 1))
    reader = csv.reader(io.StringIO(text, newline="\n"), strict=False)
    starts: list[int] = []
    previous_end = 0
    try:
        for row in reader:
            if row:
                starts.append(previous_end + 1)
            previous_end = reader.line_num
    except csv.Error as exc:
        if "new-line character" in str(exc):
            # A carriage return alone, outside quotes, in the middle of a line: DuckDB ends a
            # row there and Python does not, so no line number could be trusted.
            raise UnreadableFile(
                Problem(
                    reader.line_num,
                    None,
                    None,
                    "This line has a carriage return (CR) character inside it that does not "
                    "end the line, so the rows cannot be told apart. Save the file from your "
                    "spreadsheet as 'CSV UTF-8 (Comma delimited)'.",
                )
            ) from None
        # Anything else that cannot be read this way was rejected by DuckDB with its own line.
    return starts[1:]  # the header


def _number_lines_exactly(
    con: Connection,
    starts: list[int],
    table: str,
    reject_lines: list[int],
    rows: int,
    problems: list[Problem],
) -> None:
    """Give each record its first line when records span lines or blank lines were skipped.

    DuckDB skips blank lines and the records it rejected; those are taken out of the record
    starts, so that the n-th remaining start is the n-th row DuckDB kept. Only files that
    are not one record per line come here. When the rows DuckDB kept are not as many as the
    starts left (after a broken quote it may keep a piece of a line as a row), no row's line
    can be trusted: UnreadableFile names the first problem found, never a made-up line.
    """
    rejected = set(reject_lines)
    starts = [line for line in starts if line not in rejected]
    if len(starts) != rows and problems:
        first = problems[0]
        raise UnreadableFile(
            Problem(
                first.line,
                None,
                first.value,
                first.message + " After this the rows cannot be told apart, so nothing else "
                "was checked: correct this first and upload the file again.",
            )
        )
    if len(starts) != rows:
        raise UnreadableFile(
            Problem(
                None,
                None,
                None,
                "The rows of this file cannot be told apart (a double quote or a line break "
                "may be out of place), so it was not checked. Save it from your spreadsheet as "
                "'CSV UTF-8 (Comma delimited)' and upload it again.",
            )
        )
    con.execute(
        f"""
        CREATE TEMP TABLE {table}_line_numbers AS
        SELECT r.rid, coalesce(s.line, -1) AS line
        FROM (SELECT rid, row_number() OVER (ORDER BY rid) AS k FROM {table}_rows) r
        LEFT JOIN (SELECT generate_subscripts(starts, 1) AS k, unnest(starts) AS line
                   FROM (SELECT CAST(? AS INTEGER[]) AS starts)) s
        USING (k)
        """,  # safe: generated names
        [starts],
    )
    con.execute(
        f"CREATE TEMP VIEW {table} AS SELECT l.line, r.* EXCLUDE (rid) FROM {table}_rows r "  # safe: generated
        f"JOIN {table}_line_numbers l ON l.rid = r.rid"
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
