"""Fixes offered for common, unambiguous problems in an upload, applied only when accepted."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from hubmetrics.contract import (
    ACTIVITY_TYPES,
    AGE_BANDS,
    GENRES,
    NO_VALUES,
    YES_VALUES,
    Column,
    FileKind,
    normalise_header,
)
from hubmetrics.contract.headings import match_headings
from hubmetrics.ingest.gias import is_gias_header
from hubmetrics.ingest.workbook import is_workbook


@dataclass(frozen=True)
class CellChange:
    """One cell a fix changes: its line in the file (the header is line 1), column and text."""

    line: int
    column: str
    before: str
    after: str


@dataclass(frozen=True)
class Fix:
    """A named fix of one column, offered to the person with every cell it would change."""

    name: str
    explanation: str
    column: str
    changes: tuple[CellChange, ...]
    position: int | None = None  # the column's place in the file, when its heading is its own

    @property
    def cells(self) -> int:
        return len(self.changes)


# The reading the checks do (hubmetrics/ingest/validate.py `_typed`), in Python.
_BLANKS = "\t\n\r \u00a0"
_INT_RE = re.compile(r"-?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.0+)?")
_NUMBER_RE = re.compile(r"-?(([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?|\.[0-9]+)")
_DECIMAL_RE = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)")  # DuckDB's DECIMAL cast
_ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_UK_DATE_RE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ENUM_SPACES = re.compile(r"[\t\n\f\r \-]+")  # RE2's \s and the hyphen
_INT32 = 2**31 - 1


def _real_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _read_date(cell: str) -> date | None:
    v = cell.strip(_BLANKS)
    if iso := _ISO_DATE_RE.fullmatch(v):
        return _real_date(*iso.groups())
    if uk := _UK_DATE_RE.fullmatch(v):
        return _real_date(uk[3], uk[2], uk[1])
    return None


def _read_number(column: Column, cell: str) -> float | None:
    v = cell.strip(_BLANKS)
    if column.type == "integer":
        if _INT_RE.fullmatch(v) and abs(n := float(v.replace(",", ""))) <= _INT32:
            return n
        return None
    plain = cell.strip(" \t\n\v\f\r")
    if _DECIMAL_RE.fullmatch(plain) and "e" not in cell.lower() and "_" not in cell:
        if abs(float(plain)) < 10**12:
            return float(plain)
    if column.name.endswith("_percent") and v.endswith("%"):
        v = v[:-1]
    return float(v.replace(",", "")) if _NUMBER_RE.fullmatch(v) else None


def cell_is_valid(column: Column, cell: str) -> bool:
    """Whether `cell`, as written, passes the column's own checks: it reads as the column's
    type (as the checks read it), is within its bounds, and is blank only if optional."""
    v = cell.strip(_BLANKS)
    if not v:
        return not column.required
    if column.type in ("text", "code"):
        return len(v) <= column.max_length and (
            column.pattern is None or re.fullmatch(column.pattern, v) is not None
        )
    if column.type == "enum":
        return (
            cell in column.allowed
            or _ENUM_SPACES.sub("_", v.lower()) in column.allowed
            or v.upper() in column.allowed
        )
    if column.type == "yesno":
        return v.lower() in YES_VALUES + NO_VALUES
    if column.type == "send":
        return v.upper() in ("N", "K", "E") or v.lower() in YES_VALUES + NO_VALUES
    if column.type == "date":
        day = _read_date(cell)
        return day is not None and 1990 <= day.year <= 2100
    number = _read_number(column, cell)
    if number is None:
        return False
    low, high = column.minimum, column.maximum
    return low is None or (number >= low and (high is None or number <= high))


# --- The fixes' own tables: each reviewed so that no entry could mean two things. ---

_KEY_STAGE_OF_YEAR = {
    **dict.fromkeys((1, 2), "ks1"),
    **dict.fromkeys((3, 4, 5, 6), "ks2"),
    **dict.fromkeys((7, 8, 9), "ks3"),
    **dict.fromkeys((10, 11), "ks4"),
    **dict.fromkeys((12, 13), "ks5"),
}
_AGE_WORDS = {
    "early_years": (
        "reception", "year r", "yr r", "nursery", "eyfs", "foundation stage",
        "early years foundation stage", "pre school", "preschool",
    ),
    "ks1": ("key stage 1", "keystage 1", "ks 1"),
    "ks2": ("key stage 2", "keystage 2", "ks 2"),
    "ks3": ("key stage 3", "keystage 3", "ks 3"),
    "ks4": ("key stage 4", "keystage 4", "ks 4"),
    "ks5": ("key stage 5", "keystage 5", "ks 5", "sixth form", "6th form", "post 16", "post16"),
    "adult": ("adults",),
    "mixed": ("mixed ages", "mixed age", "all ages"),
}  # fmt: skip
_YEARS = re.compile(
    r"(?:years?|yrs?|y) ?(\d{1,2})(?: ?(?:to|and|&|/|,|-|–|—) ?(?:(?:years?|yrs?|y) ?)?(\d{1,2}))?"
)
_ACTIVITY_WORDS = {
    "wcet": (
        "whole class ensemble teaching", "whole class teaching", "whole class instrumental",
        "whole class instrumental teaching", "first access", "first access programme",
    ),
    "tuition_individual": (
        "1:1", "1:1 lessons", "1:1 tuition", "1 1 lessons", "1 to 1", "1 to 1 lessons",
        "one to one", "one to one lessons", "one to one tuition", "individual lessons",
        "individual tuition",
    ),
    "tuition_small_group": ("small group lessons", "small group tuition", "small group teaching"),
    "tuition_large_group": ("large group lessons", "large group tuition", "large group teaching"),
    "ensemble": (
        "ensembles", "band", "bands", "orchestra", "orchestras", "wind band", "brass band",
        "concert band", "big band", "string orchestra", "youth orchestra",
    ),
    "choir": ("choirs", "vocal group", "vocal ensemble", "chorus", "youth choir"),
    "early_years": ("eyfs", "early years music"),
    "creative": ("composing", "composition", "songwriting", "creative music making"),
    "workshop": ("workshops", "masterclass", "masterclasses"),
    "performance": ("performances", "concert", "concerts"),
    "cpd": ("continuing professional development", "teacher training", "inset"),
    "other": ("others",),
}  # fmt: skip
_GENRE_WORDS = {
    "classical": ("classical music", "western classical"),
    "jazz": ("jazz music",),
    "rock_pop": (
        "pop", "rock", "rock and pop", "pop and rock", "pop rock", "popular music",
    ),
    "folk": ("folk music",),
    "world": ("world music", "world musics", "global music"),
    "music_technology": ("music tech", "music production", "dj", "djing"),
    "musical_theatre": ("musical theater", "musicals", "music theatre"),
    "choral": ("choral music", "choir"),
    "mixed": ("various", "various genres", "mixed genres", "multi genre", "multiple genres"),
    "other": ("others",),
}  # fmt: skip
_SYNONYMS = {ACTIVITY_TYPES: ("activity types", _ACTIVITY_WORDS), GENRES: ("genres", _GENRE_WORDS)}
_YES_WORDS = ("✓", "✔", "✔\ufe0f", "☑", "☑\ufe0f", "yes.", "y.")  # no "x" or "✗": either way
_NO_WORDS = ("no.", "n.")
_SEND_WORDS = {"sen support": "K", "ehcp": "E", "ehc plan": "E"}
# Words for "no value", by what they may mean: "none" can mean 0 or no, "not known" is a
# value of sex (U) and ethnicity (NOBT); such a word is left alone where it could be one.
_NOT_APPLICABLE = ("n/a", "na", "n.a.", "not applicable", "-", "--", "–", "—", "null")
_NOTHING = ("none", "nil")
_NOT_KNOWN = ("not known", "unknown", "n/k", "nk", "not recorded")
_OWN_NOT_KNOWN = ("sex", "ethnicity")
_PEOPLE = (
    "pupils", "pupil", "children", "child", "students", "student", "people", "person",
    "participants", "participant", "young people", "learners", "learner",
)  # fmt: skip
_UNITS = {
    "sessions": ("sessions", "session", "lessons", "lesson"),
    "contact_hours": ("hours", "hour", "hrs", "hr", "h"),
    **dict.fromkeys(
        ("participants", "new_participants", "continuing_from_wcet", "female", "male", "fsm")
        + ("send", "ehcp", "lac", "eal", "global_majority", "young_carer", "pupils"),
        _PEOPLE,
    ),
}
_COUNT = re.compile(r"((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?) ?([a-z][a-z ]*?)\.?")
_MONTHS = {
    name: number
    for number, month in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august")
        + ("september", "october", "november", "december"),
        start=1,
    )
    for name in {month, month[:3], "sept" if number == 9 else month}
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_NAMED = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?[ \-/.,]*{_MONTH}[ \-/.,]*(\d{{4}})")
_NAMED_DAY = re.compile(rf"{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})")
_YEAR_FIRST = re.compile(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})")
_DAY_OVER_12 = re.compile(r"(\d{1,2})([-.])(\d{1,2})\2(\d{4})")
_WITH_TIME = re.compile(r"(\S+)[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")


def _key(cell: str) -> str:
    """A cell as the fixes' tables are looked up: lower case, one space between words."""
    return re.sub(r"[\s\-_/]+", " ", cell.lower().replace("&", " and ")).strip()


def _age_band(column: Column, cell: str) -> str | None:
    if column.allowed != AGE_BANDS:
        return None
    band = next((band for band, words in _AGE_WORDS.items() if _key(cell) in words), None)
    years = _YEARS.fullmatch(re.sub(r"\s+", " ", cell.strip(_BLANKS).lower()))
    if band or years is None:
        return band
    first, last = int(years[1]), int(years[2] or years[1])
    stages = {_KEY_STAGE_OF_YEAR.get(y) for y in range(first, last + 1)}
    return stages.pop() if first <= last and len(stages) == 1 and None not in stages else None


def _yes_no(column: Column, cell: str) -> str | None:
    if column.type not in ("yesno", "send"):
        return None
    v = cell.strip(_BLANKS).lower()
    if column.type == "send" and _key(v) in _SEND_WORDS:
        return _SEND_WORDS[_key(v)]
    return "Yes" if v in _YES_WORDS else "No" if v in _NO_WORDS else None


def _blank(column: Column, cell: str) -> str | None:
    # A required column's blank is refused, so it is never offered (see _fix_cell).
    if column.type in ("text", "code"):
        return None
    words: tuple[str, ...] = _NOT_APPLICABLE
    if column.type not in ("yesno", "send") and not (
        column.type in ("integer", "number") and (column.minimum or 0) <= 0
    ):
        words += _NOTHING
    if column.name not in _OWN_NOT_KNOWN:
        words += _NOT_KNOWN
    return "" if cell.strip(_BLANKS).lower() in words else None


def _count(column: Column, cell: str) -> str | None:
    found = _COUNT.fullmatch(cell.strip(_BLANKS).lower())
    if column.type not in ("integer", "number") or found is None:
        return None
    return found[1] if found[2] in _UNITS.get(column.name, ()) else None


def _synonym(column: Column, cell: str) -> str | None:
    _, table = _SYNONYMS.get(column.allowed, ("", {}))
    key = _key(cell)
    return next((value for value, words in table.items() if key in words), None)


def _date(column: Column, cell: str) -> str | None:
    if column.type != "date":
        return None
    v = re.sub(r"\s+", " ", cell.strip(_BLANKS).lower())
    day: date | None = None
    if found := _DAY_NAMED.fullmatch(v):
        day = _real_date(found[3], str(_MONTHS[found[2]]), found[1])
    elif found := _NAMED_DAY.fullmatch(v):
        day = _real_date(found[3], str(_MONTHS[found[1]]), found[2])
    elif found := _YEAR_FIRST.fullmatch(v):
        day = _real_date(found[1], found[3], found[4])
    elif (found := _DAY_OVER_12.fullmatch(v)) and int(found[1]) > 12:
        day = _real_date(found[4], found[3], found[1])
    elif found := _WITH_TIME.fullmatch(v):
        day = _read_date(found[1])
    return day.isoformat() if day else None


Fixer = Callable[[Column, str], str | None]
# (name, what it does, the fixer), tried in this order: a cell is changed by one fix at most.
_FIXES: tuple[tuple[str, str, Fixer], ...] = (
    (
        "Blanks written as words",
        "Empty the cells of {column} that only say there is no value (blank is not recorded)",
        _blank,
    ),
    (
        "Yes/no written another way",
        "Write the answers in {column} the way the hub reads them",
        _yes_no,
    ),
    ("Counts written with words", "Keep only the number of each count in {column}", _count),
    (
        "School years as age bands",
        "Turn school years and phases in {column} into age bands",
        _age_band,
    ),
    ("Other names for allowed values", "Use the hub's own names for {names} in {column}", _synonym),
    ("Dates written another way", "Write the dates in {column} as YYYY-MM-DD", _date),
)


def csv_records(text: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, line after the last, cells) of every record, the header first."""
    csv.field_size_limit(max(csv.field_size_limit(), 2_000_000))
    reader = csv.reader(io.StringIO(text, newline="\n"), strict=False)
    end = 0
    for row in reader:
        start, end = end + 1, reader.line_num
        if row:
            yield start, end + 1, row


def _columns(
    kind: FileKind, header: list[str], headings: Mapping[str, str] | None = None
) -> dict[int, Column]:
    """Position -> contract column, for the columns the header names once (by name, synonym
    or the person's own mapping, as the checks read them)."""
    matched = [m.column for m in match_headings(header, kind, headings).matches]
    return {
        i: kind.column(name)
        for i, name in enumerate(matched)
        if name is not None and matched.count(name) == 1
    }


def _explain(what: str, column: Column, changes: list[CellChange]) -> str:
    examples: dict[str, str] = {}
    for change in changes:
        examples.setdefault(change.before.strip(_BLANKS), change.after or "a blank")
    said = [f"'{before}' becomes {after}" for before, after in list(examples.items())[:2]]
    more = " and so on" if len(examples) > 2 else ""
    names = _SYNONYMS.get(column.allowed, ("", {}))[0]
    return f"{what.format(column=column.name, names=names)}: {', '.join(said)}{more}."


def offered_fixes(
    kind: FileKind, text: str, headings: Mapping[str, str] | None = None
) -> list[Fix]:
    """Every fix that would change a cell of `text` (a CSV file, its headings read as the
    checks read them, with the person's `headings` mapping): one per kind of fix and column. A fix changes only cells the
    checks would refuse, and each into a value they accept; nothing ambiguous is guessed."""
    try:
        records = list(csv_records(text))
    except csv.Error:
        return []  # the checks say why the file cannot be read
    if (
        not records
        or records[0][0] != 1
        or (kind.name == "schools" and is_gias_header(records[0][2]))
    ):
        return []
    header = records[0][2]
    columns = _columns(kind, header, headings)
    found: dict[tuple[int, int], list[CellChange]] = {}
    seen: dict[tuple[int, str], tuple[int, str] | None] = {}
    for line, _, row in records[1:]:
        if len(row) > len(header):
            continue  # cells out of place: their columns are not known
        for i, cell in enumerate(row):
            column = columns.get(i)
            if column is None or column.type in ("text", "code") or not cell.strip(_BLANKS):
                continue
            if (i, cell) not in seen:
                seen[i, cell] = _fix_cell(column, cell)
            if (fixed := seen[i, cell]) is not None:
                change = CellChange(line, column.name, cell, fixed[1])
                found.setdefault((i, fixed[0]), []).append(change)
    fixes = []
    for (i, number), changes in sorted(found.items()):
        title, what, _ = _FIXES[number]
        fixes.append(
            Fix(
                title,
                _explain(what, columns[i], changes),
                columns[i].name,
                tuple(changes),
                position=i,
            )
        )
    return fixes


def _fix_cell(column: Column, cell: str) -> tuple[int, str] | None:
    """(the fix, the new text) for a cell the checks refuse and one fix makes right."""
    if cell_is_valid(column, cell):
        return None
    for number, (_, _, fixer) in enumerate(_FIXES):
        after = fixer(column, cell)
        if after is not None and cell_is_valid(column, after):
            return number, after
    return None


def apply_fixes(text: str, fixes: Sequence[Fix]) -> str:
    """`text` with exactly the cells of `fixes` changed; every other line is kept as it was.

    Raises ValueError when a change does not match the text (the file changed since the
    fixes were offered) or two changes are of one cell."""
    wanted: dict[int, dict[str, CellChange]] = {}
    places = {fix.column: fix.position for fix in fixes if fix.position is not None}
    for change in (c for fix in fixes for c in fix.changes):
        if change.column in wanted.setdefault(change.line, {}):
            raise ValueError(f"Two fixes change line {change.line}, column {change.column}.")
        wanted[change.line][change.column] = change
    lines = io.StringIO(text, newline="\n").readlines()
    records = list(csv_records(text))
    names = [normalise_header(h) for h in records[0][2]] if records else []
    for start, end, row in records[1:]:
        if start not in wanted:
            continue
        for change in wanted.pop(start).values():
            i = places.get(change.column)
            if i is None:
                i = names.index(change.column) if change.column in names else len(row)
            if i >= len(row) or row[i] != change.before:
                raise ValueError(f"Line {start}, column {change.column} is not as the fix says.")
            row[i] = change.after
        written = io.StringIO()
        csv.writer(written, lineterminator="\r\n").writerow(row)
        ending = lines[end - 2][len(lines[end - 2].rstrip("\r\n")) :]
        lines[start - 1 : end - 1] = [written.getvalue()[:-2] + ending] + [""] * (end - start - 1)
    if wanted:
        raise ValueError(f"The file has no line {min(wanted)} for the fix to change.")
    return "".join(lines)


def fixable_text(data: bytes, file_name: str = "") -> str | None:
    """A file's text for the fixes (UTF-8 or Windows-1252, as the checks read it), or None
    for what the fixes do not read: a workbook, or bytes that are not text."""
    if is_workbook(data, file_name):
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
