"""Excel templates made from the contract: drop-down lists for every fixed list, the
partner's id and the hub's schools, help on each heading, a notes sheet, dates as dates."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from hubmetrics.contract.files import Column, FileKind

ROWS = 2000  # the rows that carry the drop-downs and formats
RETURN_SHEET = "Return"
LISTS_SHEET = "Lists"
NOTES_SHEET = "Notes"
_YES_NO = ("Yes", "No")
_SEND = ("No", "Yes", "N", "K", "E")
_TYPE_WORDS = {
    "text": "text",
    "code": "a code",
    "integer": "a whole number",
    "number": "a number",
    "date": "a date",
    "enum": "one of a list",
    "yesno": "Yes or No",
    "send": "Yes or No, or the census's N (none), K (SEN support) or E (EHCP)",
}


def template_workbook(
    kind: FileKind,
    *,
    partner_id: str | None = None,
    partners: Sequence[str] = (),
    schools: Sequence[tuple[int, str]] = (),
) -> bytes:
    """The .xlsx template for `kind`: the contract's headings on row 1 of the Return sheet,
    a drop-down on every column with a fixed list (and partner_id, and school_urn when the
    hub's schools are given), dates formatted as dates, and a Notes sheet with the rules.

    `partner_id` fills the partner's own id as the only choice; else `partners` lists them.
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = RETURN_SHEET
    lists = book.create_sheet(LISTS_SHEET)
    notes = book.create_sheet(NOTES_SHEET)
    choices = _choices(kind, partner_id, partners, schools)
    bold, shade = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    for i, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(i)
        cell = sheet.cell(row=1, column=i, value=column.name)
        cell.font, cell.fill = bold, shade
        cell.comment = Comment(_help(column), "hubmetrics", width=300, height=120)
        sheet.column_dimensions[letter].width = max(12, len(column.name) + 4)
        cells = f"{letter}2:{letter}{ROWS + 1}"
        validation = _validation(column, choices.get(column.name), lists, i)
        validation.promptTitle = column.name[:32]
        validation.prompt = _help(column)[:255]
        validation.showInputMessage = True
        sheet.add_data_validation(validation)
        validation.add(cells)
        if column.type == "date":
            for row in range(2, ROWS + 2):
                sheet.cell(row=row, column=i).number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    _write_lists(lists, kind, choices)
    _write_notes(notes, kind, schools)
    lists.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _choices(
    kind: FileKind,
    partner_id: str | None,
    partners: Sequence[str],
    schools: Sequence[tuple[int, str]],
) -> dict[str, tuple[str, ...]]:
    """The drop-down list of each column that has one."""
    found: dict[str, tuple[str, ...]] = {}
    for column in kind.columns:
        if column.type == "enum":
            found[column.name] = column.allowed
        elif column.type == "yesno":
            found[column.name] = _YES_NO
        elif column.type == "send":
            found[column.name] = _SEND
    names = kind.column_names
    if "partner_id" in names and (partner_id or partners):
        found["partner_id"] = (partner_id,) if partner_id else tuple(partners)
    for name in ("school_urn",) if schools else ():
        if name in names:
            found[name] = tuple(str(urn) for urn, _ in schools)
    return found


def _validation(
    column: Column, choice: tuple[str, ...] | None, lists: Worksheet, position: int
) -> DataValidation:
    """A drop-down from the Lists sheet, or a check of the cell's type, or help alone."""
    if choice:
        letter = get_column_letter(position)
        where = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(choice) + 1}"
        return DataValidation(
            type="list",
            formula1=where,
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle="Not on the list",
            error=f"Choose {column.name} from the list.",
        )
    if column.type == "integer":
        low = int(column.minimum) if column.minimum is not None else -(2**31)
        high = int(column.maximum) if column.maximum is not None else 2**31 - 1
        return DataValidation(
            type="whole",
            operator="between",
            formula1=str(low),
            formula2=str(high),
            allow_blank=True,
            showErrorMessage=True,
            error=f"{column.name} is a whole number from {low:,}.",
        )
    if column.type == "date":
        return DataValidation(
            type="date",
            operator="greaterThan",
            formula1="32874",  # 1 January 1990: the contract's earliest year
            allow_blank=True,
            showErrorMessage=True,
            error=f"{column.name} is a date, like 08/09/2025.",
        )
    return DataValidation(allow_blank=True)


def _help(column: Column) -> str:
    """What a heading's help says: required or not, what it holds, the contract's help."""
    need = "Required." if column.required else "Leave blank if not recorded."
    what = _TYPE_WORDS[column.type]
    extra = f" {column.help[0].upper()}{column.help[1:]}." if column.help else ""
    return f"{need} {what[0].upper()}{what[1:]}.{extra}"


def _write_lists(lists: Worksheet, kind: FileKind, choices: dict[str, tuple[str, ...]]) -> None:
    """Each list under its column's name, in the column the Return sheet uses."""
    for i, column in enumerate(kind.columns, start=1):
        choice = choices.get(column.name)
        if not choice:
            continue
        lists.cell(row=1, column=i, value=f"list of {column.name}")
        for row, value in enumerate(choice, start=2):
            lists.cell(row=row, column=i, value=value)


def _write_notes(notes: Worksheet, kind: FileKind, schools: Sequence[tuple[int, str]]) -> None:
    """The rules in plain words: each column, then the rules across columns, then the
    schools by URN when given."""
    notes.column_dimensions["A"].width = 26
    notes.column_dimensions["B"].width = 90
    rows: list[tuple[str, str]] = [
        (f"The {kind.name} file", kind.description or ""),
        (
            "How to fill it",
            "One row per line of the return on the Return sheet; keep row 1's "
            "headings as they are. Dates as dates (08/09/2025). Leave a cell blank when it was "
            "not recorded: blank is not 0.",
        ),
        ("", ""),
        ("Column", "What it holds"),
    ]
    for column in kind.columns:
        allowed = f" One of: {', '.join(column.allowed)}." if column.allowed else ""
        rows.append((column.name, _help(column) + allowed))
    if kind.rules:
        rows += [("", ""), ("Rules across columns", "")]
        rows += [(rule.column, rule.message) for rule in kind.rules]
    if schools:
        rows += [("", ""), ("School URN", "School name")]
        rows += [(str(urn), name) for urn, name in schools]
    for row, (left, right) in enumerate(rows, start=1):
        notes.cell(row=row, column=1, value=left).font = Font(bold=bool(left) and not right)
        notes.cell(row=row, column=2, value=right)
