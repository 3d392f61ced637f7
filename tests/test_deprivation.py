"""The IMD 2019 LSOA deciles: the loader on made-up lookups, and the file the package ships."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

from hubmetrics.ingest.deprivation import register_lsoa_deciles


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
