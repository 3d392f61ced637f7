"""A return as it is corrected before loading: fixes accepted and cells edited by hand, made to
the file's CSV text (a workbook's sheet as CSV), each change kept to be recorded with the batch.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from hubmetrics import config
from hubmetrics.contract import file_kind
from hubmetrics.contract.headings import match_headings
from hubmetrics.contract.problems import Problem
from hubmetrics.ingest.fixes import CellChange, Fix, apply_fixes, csv_records, fixable_text
from hubmetrics.ingest.workbook import WorkbookRefused, is_workbook, workbook_to_csv

__all__ = [
    "BY_HAND",
    "Correction",
    "Edit",
    "SheetOrigin",
    "TroubleRow",
    "WorkingReturn",
    "begin",
    "fixes_made",
    "rows_in_trouble",
]

BY_HAND = "Corrected by hand"
# The grid shows at most this many rows in trouble at once; the next appear as these are put
# right (a file with thousands is better corrected in the spreadsheet, or with a fix).
GRID_ROWS = 200


@dataclass(frozen=True)
class SheetOrigin:
    """Where the CSV text of a workbook's sheet came from, so that every line is named by the
    sheet's own row, as the person sees it in Excel."""

    sheet: str
    heading_row: int
    record_rows: tuple[int, ...]  # the sheet row of each record after the headings
    form: str  # "xlsx" or "ods": what was sent


@dataclass(frozen=True)
class Correction:
    """One cell changed before loading, by an accepted fix (named) or by hand."""

    line: int  # as the person knows it: the file's line, or the sheet's row
    column: str  # the contract's column, or the heading as written when it has none
    before: str
    after: str
    how: str  # the fix's name, or BY_HAND


@dataclass(frozen=True)
class Edit:
    """A cell the person typed into the grid: its line (as they know it), the heading's place
    in the file (0 is the first column), and the new text."""

    line: int
    position: int
    after: str


@dataclass(frozen=True)
class TroubleRow:
    """A row the checks refuse, with its cells (by heading) and what is wrong with it."""

    line: int
    cells: tuple[str, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class WorkingReturn:
    """The file being corrected: its CSV text as corrected so far and every correction made."""

    kind: str
    text: str
    origin: SheetOrigin | None = None
    corrections: tuple[Correction, ...] = ()

    @property
    def content(self) -> bytes:
        """The corrected text, as the bytes to check and load."""
        return self.text.encode("utf-8")

    @property
    def header(self) -> list[str]:
        first = next(csv_records(self.text), None)
        return first[2] if first else []

    def shown_line(self, line: int) -> int:
        """The line of the text (a record's first) as the person knows it."""
        if self.origin is None:
            return line
        for index, (start, _, _) in enumerate(list(csv_records(self.text))[1:]):
            if start == line and index < len(self.origin.record_rows):
                return self.origin.record_rows[index]
        return line

    def with_fixes(self, fixes: Sequence[Fix]) -> WorkingReturn:
        """The return with `fixes` applied (each cell they name), the changes kept."""
        if not fixes:
            return self
        text = apply_fixes(self.text, fixes)
        lines = self.shown_lines()
        made = [
            Correction(lines.get(c.line, c.line), c.column, c.before, c.after, fix.name)
            for fix in fixes
            for c in fix.changes
        ]
        return replace(self, text=text, corrections=(*self.corrections, *made))

    def with_edits(
        self, edits: Sequence[Edit], headings: Mapping[str, str] | None = None
    ) -> WorkingReturn:
        """The return with each cell the person typed changed (`headings`: their mapping, to
        name the columns); a cell typed as it was is no change. A line break typed becomes a
        space, so no row moves. Raises ValueError for a cell the file does not have."""
        by_shown = {shown: start for start, shown in self.shown_lines().items()}
        rows = {start: row for start, _, row in list(csv_records(self.text))[1:]}
        header = self.header
        names = _column_names(self.kind, header, headings)
        fixes = []
        for edit in edits:
            start = by_shown.get(edit.line)
            if start is None or not 0 <= edit.position < len(header):
                raise ValueError(
                    f"The file has no cell at line {edit.line}, column {edit.position + 1}."
                )
            row = rows[start]
            before = row[edit.position] if edit.position < len(row) else None
            if before is None:
                raise ValueError(
                    f"Line {edit.line} has no cell under '{header[edit.position]}' to correct."
                )
            after = " ".join(edit.after.splitlines()) if edit.after else ""
            if before == after:
                continue
            change = CellChange(start, names[edit.position], before, after)
            fixes.append(Fix(BY_HAND, "", change.column, (change,), position=edit.position))
        text = self.text
        for fix in fixes:  # one by one: two edits may be in one column
            text = apply_fixes(text, [fix])
        shown = {start: line for line, start in by_shown.items()}
        made = [
            Correction(shown[c.line], c.column, c.before, c.after, BY_HAND)
            for c in (f.changes[0] for f in fixes)
        ]
        return replace(self, text=text, corrections=(*self.corrections, *made))

    def shown_lines(self) -> dict[int, int]:
        """Each record's first line in the text -> its line as the person knows it."""
        starts = [start for start, _, _ in list(csv_records(self.text))[1:]]
        if self.origin is None:
            return {s: s for s in starts}
        return dict(zip(starts, self.origin.record_rows, strict=False))


def fixes_made(corrections: Sequence[Correction]) -> list[str]:
    """Each fix among `corrections`, in words with its column and cells, in the order made
    (the cells corrected by hand are not fixes)."""
    counts: dict[tuple[str, str], int] = {}
    for c in corrections:
        if c.how != BY_HAND:
            counts[c.how, c.column] = counts.get((c.how, c.column), 0) + 1
    return [f"{how} ({column}, {n:,} cells)" for (how, column), n in counts.items()]


def begin(data: bytes, file_name: str, kind: str, sheet: str | None = None) -> WorkingReturn | None:
    """The file as a return to correct, or None when it cannot be read as one (too large, a
    workbook refused, bytes that are not text): its check says why."""
    if len(data) > config.max_upload_bytes():
        return None
    if is_workbook(data, file_name):
        try:
            book = workbook_to_csv(data, file_name, file_kind(kind), sheet)
        except WorkbookRefused:
            return None
        origin = SheetOrigin(book.sheet, book.heading_row, tuple(book.record_rows), book.form)
        return WorkingReturn(kind, book.text.decode("utf-8"), origin)
    text = fixable_text(data, file_name)
    return None if text is None else WorkingReturn(kind, text)


def rows_in_trouble(
    work: WorkingReturn, problems: Sequence[Problem], limit: int = GRID_ROWS
) -> tuple[list[TroubleRow], int]:
    """The rows the `problems` name (by line as the person knows it), in order, each with its
    cells and problems; at most `limit` of them, and how many there are in all. Problems of
    the file as a whole, or of its headings, name no row to correct here."""
    by_line: dict[int, list[str]] = {}
    for problem in problems:
        if problem.line is not None:
            by_line.setdefault(problem.line, []).append(problem.message)
    shown = work.shown_lines()
    found = []
    try:
        for start, _, row in list(csv_records(work.text))[1:]:
            line = shown.get(start, start)
            if line in by_line:
                found.append(TroubleRow(line, tuple(row), tuple(dict.fromkeys(by_line[line]))))
    except csv.Error:
        return [], 0
    return found[:limit], len(found)


def _column_names(
    kind: str, header: list[str], headings: Mapping[str, str] | None = None
) -> list[str]:
    """The contract's column of each heading (as the checks read it), else the heading."""
    matched = [m.column for m in match_headings(header, file_kind(kind), headings).matches]
    return [name or heading for name, heading in zip(matched, header, strict=True)]
