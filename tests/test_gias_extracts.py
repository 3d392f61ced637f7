"""Every form of GIAS extract loads unedited; a row of the wrong width is refused by its line.

The extracts are tests/fixtures/gias/, FICTIONAL rows under GIAS's own headings of 2018 (133),
2021 (139), late 2023 (140) and 2025 (139), written by make_fixtures.py beside them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from gias_fixture import GIAS, extract, generator, ship_deciles
from hub_fixture import load_text, snapshot

from hubmetrics import store
from hubmetrics.ingest import check_file, load_file

# (file, headings, every cell quoted, encoding as found, line ending, first URN)
FORMS = [
    ("edubaseall20180919.csv", 133, True, "windows-1252", b"\r\n", 991001),
    ("edubasealldata20210412.csv", 139, True, "utf-8", b"\n", 991101),
    ("edubasealldata20231002.csv", 140, False, "utf-8-sig", b"\r\n", 991201),
    ("edubasealldata20250109.csv", 139, False, "windows-1252", b"\n", 991301),
]


def _text(data: bytes, encoding: str) -> str:
    return data.decode("utf-8-sig" if encoding.startswith("utf-8") else "cp1252")


def _stored(con: store.Connection) -> dict[int, tuple[object, ...]]:
    rows = con.execute(
        "SELECT urn, name, phase, local_authority, state_funded, imd_decile, latitude "
        "FROM schools ORDER BY urn"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


# --- the fixtures -----------------------------------------------------------------------------


def test_the_fixtures_are_what_the_generator_writes() -> None:
    made = generator().fixtures()
    assert set(made) == {p.name for p in GIAS.glob("*.csv")}
    for name, data in made.items():
        assert extract(name) == data, name


def test_the_readme_says_the_rows_are_fictional() -> None:
    readme = (GIAS / "README.md").read_text(encoding="utf-8")
    assert "FICTIONAL" in readme
    for name in generator().fixtures():
        assert f"`{name}`" in readme, name


@pytest.mark.parametrize(("name", "width", "quoted", "encoding", "ending", "first"), FORMS)
def test_each_fixture_is_in_its_real_form(
    name: str, width: int, quoted: bool, encoding: str, ending: bytes, first: int
) -> None:
    data = extract(name)
    assert data.startswith(b"\xef\xbb\xbf") is (encoding == "utf-8-sig")
    if encoding == "windows-1252":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert b"Queen\x92s Meadow" in data
    lines = data.split(b"\n")[:-1]
    assert all(line.endswith(b"\r") is (ending == b"\r\n") for line in lines)
    first_line = lines[0].removeprefix(b"\xef\xbb\xbf")
    assert first_line.startswith(b'"URN","LA (code)"' if quoted else b"URN,LA (code),")
    header, *rows = list(csv.reader(io.StringIO(_text(data, encoding), newline="")))
    assert len(header) == width
    assert all(len(r) == width for r in rows)


def test_the_heading_forms_differ_as_the_years_did() -> None:
    forms = generator().FORMS
    assert {y: len(h) for y, h in forms.items()} == {
        "2018": 133,
        "2021": 139,
        "2023": 140,
        "2025": 139,
    }
    assert "RSCRegion (name)" in forms["2023"] and "RSCRegion (name)" not in forms["2025"]
    assert "FSM" not in forms["2021"] and "CensusAreaStatisticWard (name)" in forms["2021"]
    assert "CHNumber" not in forms["2018"] and "Inspectorate (name)" in forms["2018"]


# --- every form loads unedited ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "width", "quoted", "encoding", "ending", "first"), FORMS)
def test_every_form_loads_unedited(
    empty_db: store.Connection,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    name: str,
    width: int,
    quoted: bool,
    encoding: str,
    ending: bytes,
    first: int,
) -> None:
    ship_deciles(monkeypatch, tmp_path, {f"E01099{first % 1000:03d}": 1})
    result = load_file(empty_db, "schools", GIAS / name)
    assert result.accepted, result.errors
    assert (result.shape, result.encoding, result.rows) == ("gias", encoding, 5)
    assert result.errors == []
    stored = _stored(empty_db)
    assert sorted(stored) == [first + n for n in range(5)]
    urn = first
    assert stored[urn][:5] == (
        "Queen\u2019s Meadow Primary School",
        "primary",
        "West Northamptonshire",
        True,
        1,  # its LSOA is in the lookup
    )
    assert stored[urn + 1][0] == "Ren\u00e9e Academy"
    assert stored[urn + 1][4] is None  # an LSOA code the lookup does not list
    assert {u: s[3] for u, s in stored.items()} == {
        urn: True,
        urn + 1: True,
        urn + 2: False,  # Other independent school
        urn + 3: False,  # Other independent special school, in the group "Special schools"
        urn + 4: True,
    }
    assert stored[urn + 3][1] == "special"
    assert 52.0 < float(stored[urn][5]) < 52.5  # type: ignore[arg-type]
    messages = [p.message for p in result.warnings]
    assert (
        "3 establishments that are not schools were left out: British schools overseas (1), "
        "Offshore schools (1), Welsh establishment (1). They are not counted among the schools "
        "of the hub's area."
    ) in messages
    (deciles,) = [p for p in result.warnings if p.column == "LSOA (code)"]
    assert deciles.message.startswith("4 schools have no deprivation decile: 4 have LSOA codes")


def test_a_line_break_inside_a_quoted_address_is_part_of_the_cell(
    empty_db: store.Connection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Before issue 19 this stopped the load with an internal error (a table name in use).
    ship_deciles(monkeypatch, tmp_path, {})
    result = load_file(empty_db, "schools", GIAS / "line_break_in_address_2021.csv")
    assert result.accepted, result.errors
    lines = empty_db.execute("SELECT urn, source_line FROM school_row ORDER BY urn").fetchall()
    # The third school's record takes lines 4 and 5; the next school is on line 6.
    assert lines == [(993201, 2), (993202, 3), (993203, 4), (993204, 6), (993205, 7)]


def test_without_the_deprivation_lookup_a_warning_says_so(
    empty_db: store.Connection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from hubmetrics.ingest import deprivation

    monkeypatch.setattr(deprivation, "LSOA_DECILES_FILE", tmp_path / "not-installed.csv.gz")
    result = load_file(empty_db, "schools", GIAS / "edubasealldata20250109.csv")
    assert result.accepted, result.errors
    (missing,) = [p for p in result.warnings if p.column == "LSOA (code)"]
    assert missing.message.startswith(
        "No school was given a deprivation decile: the English Indices of Deprivation 2019"
    )
    decile = empty_db.execute("SELECT count(imd_decile) FROM schools").fetchone()
    assert decile == (0,)


# --- a row of the wrong width -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "said"),
    [
        # The reported extract: the older fully quoted Windows-1252 form with one row longer
        # than the headings stopped the load with an internal error before issue 19.
        ("ragged_longer_row_2018.csv", 7, "134 cells; the headings have 133: more cells"),
        ("ragged_shorter_row_2023.csv", 4, "139 cells; the headings have 140: fewer cells"),
    ],
)
def test_a_row_of_the_wrong_width_is_refused_naming_its_line_and_both_counts(
    hub_db: store.Connection,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    name: str,
    line: int,
    said: str,
) -> None:
    ship_deciles(monkeypatch, tmp_path, {})
    before = snapshot(hub_db)
    result = load_file(hub_db, "schools", extract(name))
    assert not result.accepted
    assert [(p.line, p.column) for p in result.errors] == [(line, None)]
    assert result.errors[0].message.startswith(f"This line has {said}")
    assert snapshot(hub_db) == before  # the four schools of hub_db, and nothing else, as were


def test_the_check_before_a_load_refuses_it_the_same_way(hub_db: store.Connection) -> None:
    before = snapshot(hub_db)
    result = check_file(hub_db, "schools", extract("ragged_longer_row_2018.csv"))
    assert not result.accepted
    assert [(p.line, p.message[:44]) for p in result.errors] == [
        (7, "This line has 134 cells; the headings have 1")
    ]
    assert snapshot(hub_db) == before


def test_a_hub_shape_file_keeps_its_rule(empty_db: store.Connection) -> None:
    # A longer row is refused, now with both counts; a shorter one is read with blanks, as in
    # every other kind of file (here its required cells are then blank).
    text = (
        "urn,name,phase,local_authority\n"
        "900001,A,primary,X\n"
        "900002,B,primary,X,extra,more\n"
        "900003,C,primary\n"
    )
    result = load_text(empty_db, "schools", text)
    assert not result.accepted
    assert [(p.line, p.column) for p in result.errors] == [(3, None), (4, "local_authority")]
    assert result.errors[0].message.startswith(
        "This line has 6 cells; the headings have 4: more cells than the header has columns."
    )
    shorter = "urn,name,phase,local_authority,district\n900001,A,primary,X\n"
    result = load_text(empty_db, "schools", shorter)
    assert result.accepted, result.errors
    assert empty_db.execute("SELECT urn, district FROM schools").fetchall() == [(900001, None)]
