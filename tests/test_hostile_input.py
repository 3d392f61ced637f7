"""Hostile and random input (Hypothesis): every upload is loaded correctly or refused with a
message; none raises, hangs, or changes the database when refused.

Four generators: random bytes (alone, and after a good header), random headers, random
cells under the real header, and random text in random encodings. Each case goes through
`load_file` on one database per test (a case that loads changes it, as uploads do); a cheap
fingerprint of the database and its originals folder is compared around every case.
HUBMETRICS_FUZZ_SCALE multiplies the number of cases (1 in CI); each test prints how many
cases it tried and how many loaded, and writes them to test-artifacts/fuzz-figures.json.
"""

from __future__ import annotations

import csv
import faulthandler
import io
import json
import os
import zlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import ACTIVITIES_CSV, PARTNERS_CSV, SCHOOLS_CSV, load_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubmetrics import store
from hubmetrics.contract import ACTIVITIES, ACTIVITY_TYPES, AGE_BANDS, FILE_KINDS, KINDS
from hubmetrics.ingest import LoadResult, check_file, load_file

SCALE = float(os.environ.get("HUBMETRICS_FUZZ_SCALE", "1"))
FIGURES = Path(__file__).resolve().parent.parent / "test-artifacts" / "fuzz-figures.json"
# A case that takes longer than this is a hang: the run stops with every thread's stack.
HANG_SECONDS = 120


def examples(n: int) -> Any:
    return settings(
        max_examples=max(1, int(n * SCALE)),
        deadline=timedelta(seconds=30),
        derandomize=True,  # the same cases on every CI run; HUBMETRICS_FUZZ_SCALE for more
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,  # the tally is meant to count every case
        ],
    )


PARTNER_IDS = ("NMPAT", "ROCK-NN", "KETT-CHORAL")
NASTY = (
    '=HYPERLINK("http://example.invalid","x")',
    "=1+1",
    "+44 1604",
    "-3",
    "@SUM(A1:A9)",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "x' OR 1=1 --",
    "'); DROP TABLE batch; --",
    '"quoted, with comma"',
    "line\nbreak",
    "cr\r\nlf",
    "\ufeffbom",
    "tab\there",
    "\u00a0nbsp\u00a0",
    "😀 emoji",
    "ﬁ ligature",
    "Ünïcödé",
    "",
    " ",
    "NULL",
    "NaN",
    "1e309",
    "99999999999999999999",
    "0x10",
    "31/02/2026",
    "2026-13-01",
    "—",
)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
JUNK = st.one_of(st.sampled_from(NASTY), TEXT)


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[store.Connection]:
    con = store.connect(tmp_path_factory.mktemp("fuzz") / "hub.duckdb")
    assert load_text(con, "partners", PARTNERS_CSV).accepted
    assert load_text(con, "schools", SCHOOLS_CSV).accepted
    assert load_text(con, "activities", ACTIVITIES_CSV).accepted
    yield con
    con.close()


class Tally:
    """How many cases a test tried, and how many of them loaded."""

    def __init__(self, name: str) -> None:
        self.name, self.tried, self.loaded = name, 0, 0

    def report(self) -> None:
        print(f"\n{self.name}: {self.tried} cases, {self.loaded} loaded, the rest refused")
        FIGURES.parent.mkdir(exist_ok=True)
        figures = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
        figures[self.name] = {"cases": self.tried, "loaded": self.loaded, "scale": SCALE}
        FIGURES.write_text(json.dumps(figures, indent=2) + "\n")


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    counts = Tally(request.node.name)
    yield counts
    counts.report()
    assert counts.tried >= 1


def fingerprint(con: store.Connection) -> tuple[object, ...]:
    """Enough of the database to see any change, cheaply: counts of every table, the data
    version, and the names in the originals folder."""
    row = con.execute(
        "SELECT (SELECT version FROM data_version), (SELECT count(*) FROM batch), "
        "(SELECT count(*) FROM batch_warning), (SELECT count(*) FROM partner_row), "
        "(SELECT count(*) FROM school_row), (SELECT count(*) FROM activity_row), "
        "(SELECT count(*) FROM activity_row WHERE replaced_by IS NULL), "
        "(SELECT count(*) FROM hub_setting)"
    ).fetchone()
    folder = store.originals_folder(con)
    return (row, sorted(p.name for p in folder.iterdir()))


def attempt(
    con: store.Connection, tally: Tally, kind: str, data: bytes, partner: str | None = None
) -> LoadResult:
    """Load `data`; check it was loaded whole or refused with messages and nothing changed."""
    before = fingerprint(con)
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True)
    try:
        result = load_file(con, kind, data, file_name="fuzz.csv", partner_id=partner)
    finally:
        faulthandler.cancel_dump_traceback_later()
    after = fingerprint(con)
    tally.tried += 1
    lines = data.count(b"\n") + 1
    for problem in result.problems:
        assert problem.message.strip(), problem
        assert problem.line is None or 1 <= problem.line <= lines + 1, (problem, lines)
    if result.accepted:
        tally.loaded += 1
        assert result.errors == [] and result.batch_id is not None
        assert after != before
        stored = con.execute(
            "SELECT stored_name, rows_loaded FROM batch WHERE batch_id = ?", [result.batch_id]
        ).fetchone()
        assert stored is not None and stored[1] == result.rows
        assert (store.originals_folder(con) / stored[0]).read_bytes() == data
    else:
        assert result.errors, "refused without a reason"
        assert result.batch_id is None
        assert after == before, "a refused file changed the database"
    return result


def csv_text(rows: list[list[str]], newline: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue()


# --- random bytes ----------------------------------------------------------------------------


@examples(800)
@given(kind=st.sampled_from(KINDS), data=st.binary(max_size=3000))
def test_random_bytes(fuzz_db: store.Connection, tally: Tally, kind: str, data: bytes) -> None:
    attempt(fuzz_db, tally, kind, data)


@examples(150)
@given(kind=st.sampled_from(KINDS), body=st.binary(max_size=3000), crlf=st.booleans())
def test_random_bytes_under_a_good_header(
    fuzz_db: store.Connection, tally: Tally, kind: str, body: bytes, crlf: bool
) -> None:
    header = ",".join(FILE_KINDS[kind].column_names) + ("\r\n" if crlf else "\n")
    attempt(fuzz_db, tally, kind, header.encode() + body)


# --- random headers --------------------------------------------------------------------------

ALL_COLUMNS = sorted({c for k in FILE_KINDS.values() for c in k.column_names})
HEADER_CELL = st.one_of(
    st.sampled_from(ALL_COLUMNS),
    st.sampled_from(ALL_COLUMNS).map(lambda c: f" {c.upper().replace('_', ' ')} "),
    JUNK,
)


@examples(700)
@given(
    kind=st.sampled_from(KINDS),
    header=st.lists(HEADER_CELL, min_size=1, max_size=30),
    cells=st.lists(st.lists(JUNK, max_size=32), max_size=4),
)
def test_random_headers(
    fuzz_db: store.Connection, tally: Tally, kind: str, header: list[str], cells: list[list[str]]
) -> None:
    attempt(fuzz_db, tally, kind, csv_text([header, *cells]).encode())


# --- random cells under the real header -----------------------------------------------------

DATES = st.dates(date(2019, 9, 1), date(2027, 8, 31))
GOOD = {
    "partner_id": st.sampled_from(PARTNER_IDS),
    "activity_id": st.text("ABC123-", min_size=1, max_size=8),
    "activity_name": st.one_of(TEXT, st.sampled_from(NASTY)).filter(
        lambda t: t.strip(" \t\n\r\u00a0")
    ),
    "activity_type": st.sampled_from(ACTIVITY_TYPES),
    "start_date": st.one_of(DATES.map(date.isoformat), DATES.map(lambda d: d.strftime("%d/%m/%Y"))),
    "age_band": st.sampled_from(AGE_BANDS),
    "participants": st.integers(60, 400).map(str),
    "female": st.one_of(st.just(""), st.integers(0, 30).map(str)),
    "sessions": st.one_of(st.just(""), st.integers(0, 99).map(str)),
}
COLUMNS = ACTIVITIES.column_names
# A good row (every other column blank), then up to three of its cells made anything at all.
ROW = st.tuples(
    st.tuples(*(GOOD.get(c, st.just("")) for c in COLUMNS)),
    st.lists(st.tuples(st.integers(0, len(COLUMNS) - 1), JUNK), max_size=3),
).map(lambda r: [dict(r[1]).get(i, v) for i, v in enumerate(r[0])])


@examples(220)
@given(
    rows=st.lists(ROW, min_size=1, max_size=6),
    newline=st.sampled_from(["\n", "\r\n"]),
    named=st.booleans(),
    check_too=st.sampled_from([True, False, False]),
)
def test_random_cells(
    fuzz_db: store.Connection,
    tally: Tally,
    rows: list[list[str]],
    newline: str,
    named: bool,
    check_too: bool,
) -> None:
    data = csv_text([list(COLUMNS), *rows], newline).encode()
    partner = rows[0][0] if named and rows[0][0] in PARTNER_IDS else None
    checked = check_file(fuzz_db, "activities", data, partner_id=partner) if check_too else None
    result = attempt(fuzz_db, tally, "activities", data, partner)
    if checked and not any("already loaded" in p.message for p in result.errors):
        assert checked.accepted == result.accepted  # a check says what a load will do
    if result.accepted:
        stored = fuzz_db.execute(
            "SELECT activity_id, activity_name, participants FROM activity_row "
            "WHERE batch_id = ? ORDER BY source_line",
            [result.batch_id],
        ).fetchall()
        sent = [
            (_trimmed(r[1]), _trimmed(r[2]), int(r[11]))
            for r in rows
            if any(_trimmed(c) for c in r)
        ]
        assert stored == sent


def _trimmed(text: str) -> str:
    """A text cell as stored: without the spaces (and tabs and non-breaking spaces) around it."""
    return text.strip(" \t\n\r\u00a0") if ("\t" in text or "\u00a0" in text) else text.strip(" ")


# --- random text in random encodings --------------------------------------------------------

ENCODINGS = (
    "utf-8",
    "utf-8-sig",
    "cp1252",
    "latin-1",
    "iso-8859-15",
    "mac_roman",
    "cp437",
    "cp850",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "shift_jis",
    "gb18030",
    "koi8-r",
)
# The required columns of an activity return, and no others.
SHORT_HEADER = [
    "partner_id",
    "activity_id",
    "activity_name",
    "activity_type",
    "start_date",
    "age_band",
    "participants",
]
# What hubmetrics reads (docs/data-contract.md): the text must come back exactly.
READ = ("utf-8", "utf-8-sig", "cp1252")
NAME = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u00a0"),
    min_size=1,
    max_size=30,
).filter(lambda t: t.strip())


@examples(250)
@given(
    names=st.lists(NAME, min_size=1, max_size=4, unique_by=str.strip),
    encoding=st.sampled_from(ENCODINGS),
)
def test_random_encodings(
    fuzz_db: store.Connection, tally: Tally, names: list[str], encoding: str
) -> None:
    rows = [
        ["NMPAT", f"ENC-{i}-{zlib.crc32(n.encode())}", n, "wcet", "2025-09-08", "ks2", str(i + 70)]
        for i, n in enumerate(names)
    ]
    text = csv_text([SHORT_HEADER, *rows])
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode(encoding, errors="replace")
        encoding = "replaced"
    result = attempt(fuzz_db, tally, "activities", data)
    if encoding in READ and not any("already loaded" in p.message for p in result.errors):
        assert result.accepted, [p.describe() for p in result.errors]
        stored = fuzz_db.execute(
            "SELECT activity_name FROM activity_row WHERE batch_id = ? ORDER BY source_line",
            [result.batch_id],
        ).fetchall()
        assert [r[0] for r in stored] == [n.strip(" ") for n in names]


# --- the upload limit -----------------------------------------------------------------------


def test_over_the_limit_is_refused_naming_the_limit(
    fuzz_db: store.Connection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HUBMETRICS_MAX_UPLOAD_MB", "0.25")
    row = "NMPAT,L{n},Limit test,wcet,2025-09-08,ks2,70\n"
    data = (
        "partner_id,activity_id,activity_name,activity_type,start_date,age_band,participants\n"
        + "".join(row.format(n=n) for n in range(8000))
    ).encode()
    assert len(data) > 0.25 * 1_048_576
    before = fingerprint(fuzz_db)
    for result in (
        load_file(fuzz_db, "activities", data),
        check_file(fuzz_db, "activities", data),
    ):
        assert not result.accepted
        assert "over the upload limit of 0.25 MB" in result.errors[0].message
    assert fingerprint(fuzz_db) == before
    # Just under the limit loads.
    small = data[: data.index(b"\n", 200_000) + 1]
    assert load_file(fuzz_db, "activities", small).accepted


# --- what Hypothesis found, kept as plain tests -----------------------------------------------


def test_a_carriage_return_inside_the_header_is_refused_with_a_message(
    fuzz_db: store.Connection,
) -> None:
    before = fingerprint(fuzz_db)
    # Quoted, DuckDB reads no row after it (the file was once "a header but no rows").
    for data in (b"partner_id,na\rme\nX,Y\n", b'partner_id,name,"\rx"\nX,Y,Z\n'):
        result = load_file(fuzz_db, "partners", data)
        assert not result.accepted
        assert [(p.line, p.column) for p in result.errors] == [(1, None)]
        assert "line break inside it" in result.errors[0].message
    assert fingerprint(fuzz_db) == before


def test_a_lone_carriage_return_inside_a_line_is_refused_with_its_line(
    fuzz_db: store.Connection,
) -> None:
    """DuckDB ends a row at a lone CR; a person's line numbers do not: refused, naming the
    line, rather than numbered wrongly (this once gave line -1)."""
    before = fingerprint(fuzz_db)
    data = (
        b"partner_id,activity_id,activity_name,activity_type,start_date,age_band,participants\n"
        b"NMPAT,CR-1,Ok,wcet,2025-09-08,ks2,70\n"
        b"NMPAT,CR-2,Broken\r,wcet,2025-09-08,ks2,70\n"
        b"NMPAT,CR-3,Ok,wcet,2025-09-08,ks2,70\n"
    )
    result = load_file(fuzz_db, "activities", data)
    assert not result.accepted
    assert [(p.line, p.column) for p in result.errors] == [(3, None)]
    assert "carriage return" in result.errors[0].message
    assert fingerprint(fuzz_db) == before
    # Inside quotes, a CR is part of the cell (as in RFC 4180), and the file loads.
    quoted = data.replace(b"Broken\r", b'"Two\rlines"')
    loaded = load_file(fuzz_db, "activities", quoted)
    assert loaded.accepted, [p.describe() for p in loaded.errors]
    names = fuzz_db.execute(
        "SELECT activity_name FROM activity_row WHERE batch_id = ? ORDER BY source_line",
        [loaded.batch_id],
    ).fetchall()
    assert names == [("Ok",), ("Two\rlines",), ("Ok",)]


# --- an unclosed quote, and a line too long ---------------------------------------------------

GOOD_ROW = ["NMPAT", "Q-{n}", "Violins", "wcet", "2025-09-08", "ks2", "70"]


@examples(120)
@given(
    rows=st.integers(1, 6),
    broken=st.data(),
    cell=st.integers(0, len(GOOD_ROW) - 1),
    spanning=st.sampled_from([None, 0, 1, 2]),
    newline=st.sampled_from(["\n", "\r\n"]),
    end=st.booleans(),
)
def test_an_unclosed_quote_is_refused_on_the_line_its_value_starts(
    fuzz_db: store.Connection,
    tally: Tally,
    rows: int,
    broken: st.DataObject,
    cell: int,
    spanning: int | None,
    newline: str,
    end: bool,
) -> None:
    """A double quote opening a cell and never closed, in any row (another row's name may be
    quoted over two lines): refused with a problem on the line where that row starts, none on
    a line before it, never on "line -1", never "header but no rows"; nothing changes."""
    at = broken.draw(st.integers(0, rows - 1), label="row with the open quote")
    lines, line, starts = [",".join(SHORT_HEADER)], 2, []
    for i in range(rows):
        cells = [c.format(n=i) for c in GOOD_ROW]
        if i == spanning and i != at:
            cells[2] = '"Violins\nand violas"'
        if i == at:
            cells[cell] = '"' + cells[cell]
        starts.append(line)
        lines.append(",".join(cells))
        line += lines[-1].count("\n") + 1
    data = (newline.join(lines) + (newline if end else "")).encode()
    result = attempt(fuzz_db, tally, "activities", data)
    assert not result.accepted
    found = sorted(p.line for p in result.errors if p.line is not None)
    assert found and found[0] == starts[at], (found, starts[at], data)
    assert not any("header but no rows" in p.message for p in result.errors)


@pytest.fixture
def forty_mb_file(tmp_path: Path) -> Path:
    """A return of two good rows with a line of 40 MB between them, written to disk."""
    path = tmp_path / "pasted.csv"
    row = ",".join(c.format(n=1) for c in GOOD_ROW)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(",".join(SHORT_HEADER) + "\n" + row + "\n")
        out.write("A,b," * 10_000_000 + "\n")
        out.write(row.replace("Q-1", "Q-2") + "\n")
    return path


def test_a_line_of_40_mb_is_refused_naming_the_line_and_the_limit(
    fuzz_db: store.Connection, forty_mb_file: Path
) -> None:
    """DuckDB's parallel reader once dropped a line over its buffer without a word: the file
    loaded without it, or, alone, was "a header but no rows"."""
    before = fingerprint(fuzz_db)
    sent = forty_mb_file.read_bytes()
    for result in (
        load_file(fuzz_db, "activities", forty_mb_file),
        check_file(fuzz_db, "activities", sent),
        load_file(fuzz_db, "activities", sent[: sent.rindex(b"A,b,") + 4]),  # the last line
    ):
        assert not result.accepted
        assert [(p.line, p.column) for p in result.errors] == [(3, None)]
        message = result.errors[0].message
        assert message.startswith("This line is 40,000,00"), message
        assert "over the limit of 1,000,000 bytes (1 MB) for one line" in message
    assert fingerprint(fuzz_db) == before
    assert forty_mb_file.read_bytes() == sent
