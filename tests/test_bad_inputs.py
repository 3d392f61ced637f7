"""The bad-input corpus: realistic bad uploads, each refused with every problem in its place
(line as in the file, column) and nothing written; and the odd-looking files that must load.

The files are in tests/bad_inputs/ (written by tests/bad_inputs/make_corpus.py); MANIFEST
below says what each must do.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import ACTIVITIES_HEADER, snapshot

from hubmetrics import store
from hubmetrics.contract.problems import PROBLEM_CSV_HEADER, Problem, problems_csv
from hubmetrics.disclosure.inert import neutralise_formula
from hubmetrics.ingest import LoadResult, check_file, load_file
from hubmetrics.ingest.batches import original_file

CORPUS = Path(__file__).parent / "bad_inputs"
GENERATOR = CORPUS / "make_corpus.py"

# One valid activity row (the corpus generator's default row), for generated files.
ROW = (
    "NMPAT,T{n},Year 4 violins,wcet,classical,beginner,2025-09-08,2025-12-12,900001,,ks2,"
    "28,28,,14,14,9,4,1,0,3,5,0,12,12"
)

# A problem the file must have: (line, column) or (line, column, a fragment of its message).
Expected = tuple[int | None, str | None] | tuple[int | None, str | None, str]


@dataclass(frozen=True)
class Case:
    """One upload and what must become of it."""

    file: str
    kind: str
    errors: tuple[Expected, ...] = ()
    partner: str | None = None
    accepted: bool = False
    # The (line, column) pairs of the errors are exactly those listed (no extra ones).
    exact: bool = True
    warnings: tuple[Expected, ...] = ()
    # For accepted files: (SQL with one `?` for the batch id, the rows it must return).
    stored: tuple[tuple[str, list[tuple[object, ...]]], ...] = ()
    ignored: int | None = None
    # Generated in the test instead of committed (large files), with environment settings.
    make: Callable[[], bytes] | None = None
    env: tuple[tuple[str, str], ...] = ()

    def data(self) -> bytes:
        return self.make() if self.make else (CORPUS / self.file).read_bytes()


def _over_the_limit() -> bytes:
    """About 2.2 MB of valid rows (the limit is set to 1 MB for this case)."""
    return (
        ACTIVITIES_HEADER + "\n" + "".join(ROW.format(n=n) + "\n" for n in range(1, 20_000))
    ).encode()


def _two_mb_line() -> bytes:
    """A valid row, then a line of 2 MB with no newline at the end (a pasted blob)."""
    return (ACTIVITIES_HEADER + "\n" + ROW.format(n=1) + "\n" + "Qk" * 1_000_000).encode()


def _forty_mb_line() -> bytes:
    """A valid row, a line of 40 MB (over DuckDB's read buffer, which once dropped it without
    a word and said "header but no rows"), then a valid row."""
    return (
        ACTIVITIES_HEADER
        + "\n"
        + ROW.format(n=1)
        + "\n"
        + "Qk" * 20_000_000
        + "\n"
        + ROW.format(n=2)
        + "\n"
    ).encode()


def _long_quoted_row() -> bytes:
    """A row of 2 MB whose quoted cell spans four lines of 500 KB each."""
    cell = '"' + "\n".join(["La" * 250_000] * 4) + '"'
    return (
        ACTIVITIES_HEADER
        + "\n"
        + ROW.format(n=1)
        + "\n"
        + ROW.format(n=2).replace("Year 4 violins", cell)
        + "\n"
    ).encode()


def _activity_ids() -> str:
    return "SELECT activity_id, activity_name FROM activities WHERE batch_id = ? ORDER BY 1"


ENCODING = "SELECT encoding FROM batch WHERE batch_id = ?"

MANIFEST: tuple[Case, ...] = (
    # --- malformed CSV -----------------------------------------------------------------------
    Case("comma_in_name.csv", "activities", ((3, None, "more cells than the header"),)),
    Case("unterminated_quote.csv", "activities", ((3, None, "double quote"),)),
    # The quote opens in the last cell of the row starting on line 5 and never closes.
    Case("unclosed_quote_at_the_end.csv", "activities", ((5, None, "not closed"),)),
    Case("unclosed_quotes_piece_of_a_line.csv", "activities", ((2, None, "told apart"),)),
    Case("unclosed_quote_only_row.csv", "activities", ((2, None, "double quote"),)),
    Case("mixed_line_endings.csv", "activities", ((4, None, "mixes two kinds of line"),)),
    Case("stray_quote.csv", "activities", ((4, None, "double quote"),)),
    Case("header_only.csv", "activities", ((None, None, "header but no rows"),)),
    Case("empty.csv", "activities", ((None, None, "empty"),)),
    Case("whitespace_only.csv", "partners", ((None, None, "empty"),)),
    Case("blank_lines_only.csv", "schools", ((None, None, "empty"),)),
    Case("duplicate_column.csv", "activities", ((1, "Participants", "Two columns"),)),
    Case(
        "missing_required_column.csv",
        "activities",
        ((1, "participants", "no 'participants' column"),),
    ),
    Case(
        # A name broken over lines 3-5 inside quotes: later lines keep their physical numbers.
        "multiline_cell_then_error.csv",
        "activities",
        ((7, "activity_type", "Did you mean 'wcet'?"), (8, "participants", "negative")),
    ),
    Case(
        "multiline_cell_crlf_then_error.csv",
        "activities",
        ((5, "age_band", "not one of the values allowed"),),
    ),
    Case(
        "multiline_cell_then_too_many_cells.csv",
        "activities",
        ((5, None, "more cells than the header"), (6, "activity_type")),
    ),
    Case(
        "multiline_row_with_too_many_cells.csv",
        "activities",
        ((3, None, "more cells than the header"), (6, "activity_type")),
    ),
    Case(
        "blank_lines_then_error.csv",
        "activities",
        ((7, "participants", "negative"), (8, "female", "larger than participants")),
    ),
    Case(
        "short_row.csv",
        "activities",
        (
            (3, "activity_type", "empty"),
            (3, "start_date"),
            (3, "age_band"),
            (3, "participants"),
            (4, "activity_type"),
        ),
    ),
    Case(
        "inch_mark_then_blank_line.csv",
        "activities",
        ((5, "activity_type", "Did you mean 'wcet'?"),),
    ),
    Case(
        "inch_marks_misnumbered.csv",
        "activities",
        ((4, "activity_type", "Did you mean 'wcet'?"),),
    ),
    Case(
        "inch_mark_ok.csv",
        "activities",
        accepted=True,
        stored=((_activity_ids(), [("T1", '12" cymbal masterclass'), ("T2", "Year 4 violins")]),),
    ),
    Case(
        "cr_line_endings.csv",
        "activities",
        exact=False,
    ),
    # --- wrong encoding, not a CSV at all ---------------------------------------------------
    Case("utf16_with_bom.csv", "partners", ((None, None, "UTF-16"),)),
    Case("utf16_without_bom.csv", "partners", ((1, None, "CSV UTF-8"),)),
    Case("neither_utf8_nor_1252.csv", "partners", ((3, None, "0x81"),)),
    Case(
        # A real (tiny, hand-made) workbook: read from its one sheet, as a CSV would be.
        "workbook.xlsx",
        "partners",
        accepted=True,
        stored=(
            (
                "SELECT partner_id, name FROM partners WHERE batch_id = ?",
                [("NEWCO", "New Co (fictional)")],
            ),
            ("SELECT encoding FROM batch WHERE batch_id = ?", [("xlsx",)]),
        ),
    ),
    Case("old_excel.xls", "partners", ((None, None, "Excel workbook"),)),
    Case("nul_byte.csv", "partners", ((3, None, "zero byte"),)),
    Case("semicolons.csv", "partners", ((1, None, "semicolons"),)),
    Case("tab_separated.csv", "partners", ((1, None, "tabs"),)),
    # --- Excel quirks -----------------------------------------------------------------------
    Case(
        "dates_month_first.csv",
        "activities",
        ((2, "start_date", "month-first"), (3, "start_date", "month-first")),
    ),
    Case(
        "dates_not_real.csv",
        "activities",
        (
            (2, "start_date", "not a real day"),
            (3, "start_date", "not a real day"),
            (4, "end_date", "not a real day"),
        ),
    ),
    Case("dates_two_digit_year.csv", "activities", ((2, "start_date", "year in full"),)),
    Case(
        # "1,204" and "1,000" on line 2 are fine; 12.5 children on line 3 is not.
        "numbers_thousands_and_decimal.csv",
        "activities",
        ((3, "participants", "whole number"),),
    ),
    Case(
        "na_and_dash_in_counts.csv",
        "activities",
        ((2, "female", "blank if not recorded"), (2, "male"), (3, "fsm", "blank if not recorded")),
    ),
    Case("percent_in_count.csv", "activities", ((2, "fsm", "must be a number"),)),
    Case(
        "trailing_commas_with_error.csv",
        "activities",
        ((3, "end_date", "before the start date"),),
        ignored=3,
    ),
    Case(
        "trailing_commas_ok.csv",
        "activities",
        accepted=True,
        ignored=3,
        stored=((_activity_ids(), [("T1", "Year 4 violins"), ("T2", "Year 5 recorders")]),),
    ),
    Case(
        "bom_crlf_ok.csv",
        "activities",
        accepted=True,
        stored=(
            (
                "SELECT activity_id, start_date FROM activities WHERE batch_id = ? ORDER BY 1",
                [("T1", date(2025, 9, 8)), ("T2", date(2025, 9, 8))],
            ),
            (ENCODING, [("utf-8-sig",)]),
        ),
    ),
    Case("bom_crlf_with_error.csv", "activities", ((3, "level", "Allowed: beginner"),)),
    Case(
        "non_breaking_spaces.csv",
        "activities",
        accepted=True,
        stored=(
            (
                "SELECT activity_name, activity_type, participants, start_date FROM activities "
                "WHERE batch_id = ?",
                [("Year 4 violins", "wcet", 28, date(2025, 9, 8))],
            ),
        ),
    ),
    Case(
        "windows_1252_curly_quotes.csv",
        "activities",
        accepted=True,
        stored=(
            (
                _activity_ids(),
                [("T1", "\u2018Rock\u2019n\u2019roll\u2019 \u2013 \u201cCaf\u00e9\u201d band")],
            ),
            (ENCODING, [("windows-1252",)]),
        ),
    ),
    Case("formula_in_count.csv", "activities", ((2, "participants", "must be a number"),)),
    # --- contract violations ----------------------------------------------------------------
    Case(
        "negative_counts.csv",
        "activities",
        ((2, "participants", "cannot be negative"), (3, "sessions", "cannot be negative")),
    ),
    Case("female_plus_male_over.csv", "activities", ((2, "male", "female + male"),)),
    Case("ehcp_over_send.csv", "activities", ((2, "ehcp", "larger than send"),)),
    Case("end_before_start.csv", "activities", ((2, "end_date", "before the start date"),)),
    Case(
        "unknown_activity_type.csv", "activities", ((3, "activity_type", "Did you mean 'wcet'?"),)
    ),
    Case("unknown_partner.csv", "activities", ((2, "partner_id", "Did you mean 'NMPAT'?"),)),
    Case(
        "other_partners_rows.csv",
        "activities",
        ((3, "partner_id", "for partner NMPAT"),),
        partner="NMPAT",
    ),
    Case(
        # No partner_id column; the partner is named for the upload (CLI --partner) with a typo.
        "named_partner_typo.csv",
        "activities",
        ((None, "partner_id", "Did you mean 'NMPAT'?"),),
        partner="NMPTA",
    ),
    Case(
        "repeated_key.csv",
        "activities",
        ((2, "activity_id", "lines 2, 5"), (5, "activity_id", "lines 2, 5")),
    ),
    Case(
        "partners_bad_ids.csv",
        "partners",
        ((2, "partner_id", "letters, digits"), (3, "partner_id", "32 characters")),
    ),
    Case(
        "schools_bad.csv",
        "schools",
        (
            (2, "urn", "lines 2, 4"),
            (2, "fsm_percent", "between 0 and 100"),
            (3, "rural", "Yes or No"),
            (4, "urn", "lines 2, 4"),
        ),
    ),
    # --- hostile ----------------------------------------------------------------------------
    Case(
        "formula_cells.csv",
        "activities",
        accepted=True,
        stored=(
            (
                "SELECT activity_id, activity_name, venue_postcode FROM activities "
                "WHERE batch_id = ? ORDER BY 1",
                [
                    ("T1", '=HYPERLINK("http://evil.example/","Click for details")', None),
                    ("T2", "=1+1", None),
                    ("T3", "@SUM(A1:A9)", None),
                    ("T4", "+44 1604 000000 hotline", "-NN1"),
                ],
            ),
        ),
    ),
    Case(
        "script_in_name.csv",
        "activities",
        accepted=True,
        stored=(
            (
                _activity_ids(),
                [
                    ("T1", "<script>alert(1)</script>"),
                    ("T2", '<img src=x onerror="alert(2)"> band'),
                ],
            ),
        ),
    ),
    Case(
        "sql_injection_partner.csv",
        "activities",
        ((2, "partner_id", "not in the partners list"),),
    ),
    Case(
        "sql_injection_header.csv",
        "partners",
        accepted=True,
        warnings=((1, "x'); DROP TABLE batch;--", "not a column of the partners file"),),
        stored=(
            (
                "SELECT partner_id, name, partner_type FROM partners WHERE batch_id = ?",
                [("NEWCO", "New Co Music (fictional)", "community")],
            ),
            ("SELECT count(*) FROM batch WHERE batch_id <= ?", [(4,)]),
        ),
    ),
    Case("long_cell.csv", "activities", ((3, "activity_name", "longer than the 200"),)),
    Case("header_600_columns.csv", "activities", ((1, None, "600 columns"),)),
    Case(
        "<generated: over the upload limit>",
        "activities",
        ((None, None, "over the upload limit of 1 MB"),),
        make=_over_the_limit,
        env=(("HUBMETRICS_MAX_UPLOAD_MB", "1"),),
    ),
    Case(
        "<generated: a 2 MB line>",
        "activities",
        ((3, None, "over the limit of 1,000,000 bytes"),),
        make=_two_mb_line,
    ),
    Case(
        "<generated: a 40 MB line>",
        "activities",
        ((3, None, "This line is 40,000,000 bytes long (38.1 MB), over the limit of 1,000,000"),),
        make=_forty_mb_line,
    ),
    Case(
        "<generated: a 2 MB row over four lines>",
        "activities",
        ((3, None, "over the limit of 1,000,000 bytes"),),
        make=_long_quoted_row,
    ),
)

CASES = {c.file: c for c in MANIFEST}
REFUSED = [c for c in MANIFEST if not c.accepted]
ACCEPTED = [c for c in MANIFEST if c.accepted]


# Given a path, load_file lets DuckDB read the person's file itself (given bytes, it reads the
# kept copy). Every accepted case and these refused ones are loaded both ways.
ALSO_AS_PATH = {
    "multiline_cell_then_error.csv",
    "multiline_cell_crlf_then_error.csv",
    "multiline_cell_then_too_many_cells.csv",
    "multiline_row_with_too_many_cells.csv",
    "blank_lines_then_error.csv",
    "inch_mark_then_blank_line.csv",
    "bom_crlf_with_error.csv",
    "neither_utf8_nor_1252.csv",
    "trailing_commas_with_error.csv",
    "cr_line_endings.csv",
    "<generated: over the upload limit>",
    "<generated: a 2 MB line>",
    "<generated: a 40 MB line>",
    "<generated: a 2 MB row over four lines>",
    "unclosed_quote_at_the_end.csv",
    "unclosed_quotes_piece_of_a_line.csv",
    "mixed_line_endings.csv",
}


def _params(cases: list[Case]) -> list[object]:
    return [
        pytest.param(
            c,
            via,
            id=f"{c.file.strip('<>').replace('generated: ', '').replace(' ', '_')}-{via}",
        )
        for c in cases
        for via in ("bytes", "path")
        if via == "bytes" or c.accepted or c.file in ALSO_AS_PATH
    ]


def _load(
    con: store.Connection,
    case: Case,
    via: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[bytes, LoadResult]:
    """Load the case's file as the app does (bytes) or as a path on disk."""
    for name, value in case.env:
        monkeypatch.setenv(name, value)
    data = case.data()
    if via == "bytes":
        name = case.file if not case.make else "upload.csv"
        result = load_file(
            con, case.kind, data, file_name=name, partner_id=case.partner, submitted_by="tester"
        )
    else:
        folder = tmp_path / "sent"
        folder.mkdir()
        path = folder / ("upload.csv" if case.make else case.file)
        path.write_bytes(data)
        result = load_file(con, case.kind, path, partner_id=case.partner, submitted_by="tester")
        assert sorted(p.name for p in folder.iterdir()) == [path.name]
        assert path.read_bytes() == data
    return data, result


def _expected(items: tuple[Expected, ...]) -> list[tuple[int | None, str | None, str]]:
    return [(e[0], e[1], e[2] if len(e) > 2 else "") for e in items]  # type: ignore[misc]


def _assert_has(problems: list, expected: tuple[Expected, ...], exact: bool) -> None:
    found = [(p.line, p.column) for p in problems]
    for line, column, fragment in _expected(expected):
        matching = [p for p in problems if (p.line, p.column) == (line, column)]
        assert matching, f"no problem at line {line}, column {column}; got {found}"
        assert any(fragment in p.message for p in matching), (
            f"line {line}, column {column}: {fragment!r} not in {[p.message for p in matching]}"
        )
    if exact:
        assert set(found) == {(e[0], e[1]) for e in expected}, found


def _assert_well_formed(result: LoadResult) -> None:
    for p in result.problems:
        assert p.message and p.message.strip(), p
        assert p.line is None or p.line >= 1, p
        assert p.severity in ("error", "warning")


# --- the corpus itself ----------------------------------------------------------------------


def _corpus_files() -> set[str]:
    return {p.name for p in CORPUS.iterdir() if p.is_file() and p.name != GENERATOR.name}


def test_every_corpus_file_is_in_the_manifest_and_back() -> None:
    committed = {c.file for c in MANIFEST if not c.make}
    assert _corpus_files() == committed
    assert len(committed) >= 30


def _generator() -> Any:
    """tests/bad_inputs/make_corpus.py, imported."""
    spec = importlib.util.spec_from_file_location("make_corpus", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_corpus_is_what_the_generator_writes() -> None:
    generated = _generator().corpus()
    assert set(generated) == _corpus_files()
    for name, data in generated.items():
        assert (CORPUS / name).read_bytes() == data, name


# --- refused files --------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "via"), _params(REFUSED))
def test_refused_with_every_problem_in_place_and_nothing_written(
    loaded_db: store.Connection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: Case,
    via: str,
) -> None:
    before = snapshot(loaded_db)
    data, result = _load(loaded_db, case, via, tmp_path, monkeypatch)
    assert not result.accepted
    assert result.batch_id is None
    assert result.errors
    _assert_has(result.errors, case.errors, case.exact)
    _assert_well_formed(result)
    if case.ignored is not None:
        assert result.rows_ignored == case.ignored
    assert snapshot(loaded_db) == before
    # Checking without loading finds the same errors.
    checked = check_file(loaded_db, case.kind, data, partner_id=case.partner)
    assert not checked.accepted
    # (Two problems on one cell come in either order: compare them as sets.)
    assert sorted(checked.errors, key=repr) == sorted(result.errors, key=repr)
    assert snapshot(loaded_db) == before


# --- files that look odd but must load ------------------------------------------------------


@pytest.mark.parametrize(("case", "via"), _params(ACCEPTED))
def test_accepted_and_stored_as_written(
    loaded_db: store.Connection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: Case,
    via: str,
) -> None:
    data, result = _load(loaded_db, case, via, tmp_path, monkeypatch)
    assert result.accepted, [p.describe() for p in result.errors]
    assert result.errors == []
    _assert_has(result.warnings, case.warnings, exact=True)
    _assert_well_formed(result)
    if case.ignored is not None:
        assert result.rows_ignored == case.ignored
    for sql, rows in case.stored:
        assert loaded_db.execute(sql, [result.batch_id]).fetchall() == rows, sql
    # The original is kept byte for byte, and the same bytes again are refused, naming it.
    _, kept = original_file(loaded_db, result.batch_id)
    assert kept.read_bytes() == data
    before = snapshot(loaded_db)
    again = load_file(loaded_db, case.kind, data, file_name="again.csv", partner_id=case.partner)
    assert not again.accepted
    assert [(p.line, p.column) for p in again.errors] == [(None, None)]
    assert f"already loaded as batch {result.batch_id}" in again.errors[0].message
    assert snapshot(loaded_db) == before


# --- the problem list as a download ---------------------------------------------------------


def test_every_problem_of_every_case_exports_as_csv(
    loaded_db: store.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported = 0
    for case in MANIFEST:
        with monkeypatch.context() as m:
            for name, value in case.env:
                m.setenv(name, value)
            result = check_file(loaded_db, case.kind, case.data(), partner_id=case.partner)
        problems = result.problems
        text = problems_csv(problems)
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert rows[0] == list(PROBLEM_CSV_HEADER), case.file
        assert len(rows) - 1 == len(problems), case.file
        for row, p in zip(rows[1:], problems, strict=True):
            assert row[0] == p.severity
            assert row[1] == ("" if p.line is None else str(p.line))
            assert row[2] == neutralise_formula(p.column or "")
            assert row[4] == neutralise_formula(p.message)
            # A cell a spreadsheet would run as a formula is exported as text.
            assert not [cell for cell in row if _live(cell)], row
        exported += len(problems)
    assert exported > 60


def test_a_formula_in_a_bad_cell_is_exported_as_text(loaded_db: store.Connection) -> None:
    data = (CORPUS / "formula_in_count.csv").read_bytes()
    result = load_file(loaded_db, "activities", data)
    rows = list(csv.reader(io.StringIO(problems_csv(result.problems), newline="")))
    assert rows[1][1:4] == ["2", "participants", "'=SUM(L2:L9)"]


# --- the same problems, seen from other sides -------------------------------------------------


def test_loading_a_path_leaves_the_folder_it_came_from_alone(
    hub_db: store.Connection, tmp_path: Path
) -> None:
    sent = tmp_path / "returns"
    sent.mkdir()
    path = sent / "autumn.csv"
    shutil.copyfile(CORPUS / "windows_1252_curly_quotes.csv", path)
    notes = sent / "autumn.csv.utf8"
    notes.write_text("the partner's own notes, not ours to touch")
    result = load_file(hub_db, "activities", path)
    assert result.accepted, result.errors
    assert notes.read_text() == "the partner's own notes, not ours to touch"


def test_a_fractional_upload_limit_is_stated_as_set(
    loaded_db: store.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUBMETRICS_MAX_UPLOAD_MB", "0.5")
    result = load_file(loaded_db, "activities", _over_the_limit())
    assert not result.accepted
    assert "0.5 MB" in result.errors[0].message


# --- lines too long, in a workbook too --------------------------------------------------------


def test_a_workbook_row_of_40_mb_is_refused_naming_its_sheet_row_and_the_limit(
    loaded_db: store.Connection,
) -> None:
    """Excel stops a cell at 32,767 characters; a made workbook need not. Its sheet's row of
    40 MB (random letters, so the workbook is not refused as a zip bomb) is a CSV line of
    40 MB when read: refused naming the sheet's row, not "header but no rows"."""
    blob = random.Random(18).randbytes(20_000_000).hex()
    heading = ("partner_id", "activity_id", "activity_name", "activity_type", "start_date")
    rows = [
        ("Autumn return (fictional)",),
        (*heading, "age_band", "participants"),
        ("NMPAT", "W1", "Violin", "wcet", "2025-10-06", "ks2", "24"),
        ("NMPAT", "W2", blob, "wcet", "2025-10-06", "ks2", "24"),
    ]
    data = _generator().xlsx(rows)
    before = snapshot(loaded_db)
    for result in (
        check_file(loaded_db, "activities", data, file_name="autumn.xlsx"),
        load_file(loaded_db, "activities", data, file_name="autumn.xlsx"),
    ):
        assert not result.accepted
        assert [(p.line, p.column) for p in result.errors] == [(4, None)]
        assert (
            result.errors[0].message.startswith("This line is 40,000,0")
            and "over the limit of 1,000,000 bytes (1 MB)" in result.errors[0].message
        )
        assert snapshot(loaded_db) == before


FORMULAS = ('=HYPERLINK("http://evil.example")', "+1", "@SUM(A1)", "-2+3", "\tx", "\rx")


def _live(cell: str) -> bool:
    """Whether a spreadsheet would run this cell as a formula."""
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r")


def test_the_problem_list_neutralises_every_cell_headings_too(
    loaded_db: store.Connection,
) -> None:
    """A heading of the file is the column of its problem: it comes back as text, and so does
    every other cell that came from the file, whatever field it is in."""
    quoted = ['"' + h.replace('"', '""') + '"' for h in FORMULAS if "\r" not in h]
    headings = ",".join(quoted)  # (a CR in the header refuses the file: made by hand below)
    data = (
        f"partner_id,name,partner_type,{headings}\n"
        "NEWCO,New Co (fictional),community,a,b,c,d,e\n"
        "BAD ID,=1+1,-2+3,a,b,c,d,e\n"
    ).encode()
    result = check_file(loaded_db, "partners", data)
    made = [
        Problem(9, formula, formula, formula, rule=formula)  # by hand: every field at once
        for formula in FORMULAS
    ]
    rows = list(csv.reader(io.StringIO(problems_csv([*result.problems, *made]), newline="")))
    assert rows[0] == list(PROBLEM_CSV_HEADER)
    assert not [cell for row in rows for cell in row if _live(cell)]
    from_file = [row[2] for row in rows[1 : 1 + len(result.problems)]]
    for formula in FORMULAS[:-1]:
        assert "'" + formula in from_file, formula
    assert ["9", "'+1", "'+1", "'+1"] in [row[1:] for row in rows]
    assert "'-2+3" in [row[3] for row in rows]  # the partner_type cell as written
