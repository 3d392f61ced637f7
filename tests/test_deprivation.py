"""The IMD 2019 LSOA deciles: the loader on made-up lookups, and the file the package ships."""

from __future__ import annotations

import gzip
import tomllib
from pathlib import Path

import duckdb
import openpyxl
import pytest

from hubmetrics.ingest.deprivation import (
    LSOA_DECILES_FILE,
    official_decile,
    register_lsoa_deciles,
    write_lsoa_deciles,
)

ROOT = Path(__file__).resolve().parents[1]


def _lookup(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deciles.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    return path


def test_a_made_up_lookup_becomes_a_temp_table(tmp_path: Path) -> None:
    # Fictional codes: the loader reads whatever two-column lookup it is given.
    path = _lookup(tmp_path, "lsoa_code,imd_decile\nE01999991,1\nE01999992,10\nE01999993,4\n")
    con = duckdb.connect()
    register_lsoa_deciles(con, "deciles", path)
    rows = con.execute("SELECT lsoa_code, imd_decile FROM deciles ORDER BY lsoa_code").fetchall()
    assert rows == [("E01999991", 1), ("E01999992", 10), ("E01999993", 4)]
    kinds = con.execute(
        "SELECT column_name, data_type, temporary FROM duckdb_columns() "
        "JOIN duckdb_tables() USING (table_name) WHERE table_name = 'deciles' "
        "ORDER BY column_index"
    ).fetchall()
    assert kinds == [("lsoa_code", "VARCHAR", True), ("imd_decile", "INTEGER", True)]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "lsoa_code,imd_decile\nE01999991,1\nE01999991,2\n",
            "'E01999991', 1 appears more than once",
        ),
        ("lsoa_code,imd_decile\nE01999991,11\n", "'E01999991', 11 is not an LSOA code"),
        ("lsoa_code,imd_decile\nW01000001,3\n", "'W01000001', 3 is not an LSOA code"),
        ("lsoa_code,imd_decile\nE01999991,\n", "'E01999991', None is not an LSOA code"),
    ],
)
def test_a_wrong_lookup_is_refused_naming_the_row(tmp_path: Path, text: str, named: str) -> None:
    con = duckdb.connect()
    with pytest.raises(ValueError, match=named):
        register_lsoa_deciles(con, "deciles", _lookup(tmp_path, text))
    left = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'deciles'")
    assert left.fetchone() == (0,)


def test_a_table_name_that_is_not_plain_is_refused(tmp_path: Path) -> None:
    path = _lookup(tmp_path, "lsoa_code,imd_decile\nE01999991,1\n")
    with pytest.raises(ValueError, match="not a plain table name"):
        register_lsoa_deciles(duckdb.connect(), "deciles; DROP TABLE x", path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere.csv.gz"):
        register_lsoa_deciles(duckdb.connect(), "deciles", tmp_path / "nowhere.csv.gz")


# --- making the shipped file from MHCLG's File 1 (made-up LSOAs in its layout) ----------------

FILE_1_HEADING = [
    "LSOA code (2011)",
    "LSOA name (2011)",
    "Local Authority District code (2019)",
    "Local Authority District name (2019)",
    "Index of Multiple Deprivation (IMD) Rank",
    "Index of Multiple Deprivation (IMD) Decile",
]
# Fictional LSOAs (E0199999x): ranks at the decile cut points worked out by hand.
FILE_1_ROWS = [
    ["E01999993", "Nowhere 001C", "E09999999", "Nowhere", 3285, 2],
    ["E01999991", "Nowhere 001A", "E09999999", "Nowhere", 1, 1],
    ["E01999992", "Nowhere 001B", "E09999999", "Nowhere", 32844, 10],
]


@pytest.mark.parametrize(
    ("rank", "decile"),
    [(1, 1), (3284, 1), (3285, 2), (16422, 5), (16423, 6), (29199, 9), (30379, 10), (32844, 10)],
)
def test_the_official_decile_of_a_rank(rank: int, decile: int) -> None:
    assert official_decile(rank) == decile


def test_a_file_1_workbook_becomes_the_two_column_lookup(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "IMD2019"
    for row in [FILE_1_HEADING, *FILE_1_ROWS]:
        sheet.append(row)
    source = tmp_path / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx"
    book.save(source)
    out = tmp_path / "deciles.csv.gz"
    counts = write_lsoa_deciles(source, out)
    assert counts == {**dict.fromkeys(range(1, 11), 0), 1: 1, 2: 1, 10: 1}
    assert gzip.decompress(out.read_bytes()).decode() == (
        "lsoa_code,imd_decile\nE01999991,1\nE01999992,10\nE01999993,2\n"
    )
    con = duckdb.connect()
    register_lsoa_deciles(con, "deciles", out)
    assert con.execute("SELECT count(*) FROM deciles").fetchone() == (3,)
    # The same file, made again, is the same bytes.
    first = out.read_bytes()
    write_lsoa_deciles(source, out)
    assert out.read_bytes() == first


def test_file_7_csv_headings_are_read_too(tmp_path: Path) -> None:
    source = tmp_path / "File_7.csv"
    source.write_text(
        "LSOA code (2011),LSOA name (2011),Index of Multiple Deprivation (IMD) Score,"
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)\n"
        "E01999991,Nowhere 001A,50.1,1,1\n",
        encoding="utf-8",
    )
    out = tmp_path / "deciles.csv.gz"
    assert write_lsoa_deciles(source, out)[1] == 1


@pytest.mark.parametrize(
    ("row", "named"),
    [
        (["E01999991", "A", "E0", "N", 3285, 1], "row 2: decile 1 is not rank 3285's"),
        (["W01000001", "A", "W0", "N", 1, 1], "row 2: not an LSOA"),
        (["E01999991", "A", "E0", "N", "", 1], "row 2: not an LSOA"),
    ],
)
def test_a_file_that_is_not_the_table_is_refused(
    tmp_path: Path, row: list[object], named: str
) -> None:
    source = tmp_path / "file.csv"
    source.write_text(
        ",".join(FILE_1_HEADING) + "\n" + ",".join(map(str, row)) + "\n", encoding="utf-8"
    )
    out = tmp_path / "deciles.csv.gz"
    with pytest.raises(ValueError, match=named):
        write_lsoa_deciles(source, out)
    assert not out.exists()


def test_a_repeated_lsoa_or_a_missing_heading_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "file.csv"
    row = "E01999991,A,E0,N,1,1\n"
    source.write_text(",".join(FILE_1_HEADING) + "\n" + row + row, encoding="utf-8")
    with pytest.raises(ValueError, match="row 3: E01999991 appears twice"):
        write_lsoa_deciles(source, tmp_path / "out.csv.gz")
    source.write_text("LSOA code (2011),Score\nE01999991,5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no column 'Index of Multiple Deprivation"):
        write_lsoa_deciles(source, tmp_path / "out.csv.gz")


# --- the file the package ships ------------------------------------------------------------


def test_the_package_data_setting_ships_the_file_and_its_source() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = pyproject["tool"]["setuptools"]["package-data"]["hubmetrics"]
    assert LSOA_DECILES_FILE.parent.name == "data"
    assert f"data/{LSOA_DECILES_FILE.name}" in shipped and "data/SOURCE.md" in shipped
    source = (LSOA_DECILES_FILE.parent / "SOURCE.md").read_text(encoding="utf-8")
    assert (
        "Contains public sector information licensed under the Open Government Licence v3.0"
        in source
    )


@pytest.mark.skipif(
    not LSOA_DECILES_FILE.is_file(), reason="the IMD 2019 lookup is not in this copy (SOURCE.md)"
)
def test_the_shipped_lookup_is_the_whole_of_england() -> None:
    con = duckdb.connect()
    register_lsoa_deciles(con, "deciles")
    assert con.execute("SELECT count(*), count(DISTINCT lsoa_code) FROM deciles").fetchone() == (
        32_844,
        32_844,
    )
    sizes = dict(con.execute("SELECT imd_decile, count(*) FROM deciles GROUP BY 1").fetchall())
    assert set(sizes) == set(range(1, 11)) and set(sizes.values()) <= {3284, 3285}
    known = con.execute(
        "SELECT lsoa_code, imd_decile FROM deciles WHERE lsoa_code IN ('E01000001', 'E01000002') "
        "ORDER BY 1"
    ).fetchall()
    assert known == [("E01000001", 9), ("E01000002", 10)]  # City of London 001A and 001B
