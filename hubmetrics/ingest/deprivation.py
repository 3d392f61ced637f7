"""The English Indices of Deprivation 2019: each LSOA's IMD decile, shipped as package data."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

Connection = duckdb.DuckDBPyConnection

# MHCLG's IoD2019 "File 1: index of multiple deprivation", cut to two columns; see SOURCE.md.
LSOA_DECILES_FILE = Path(__file__).resolve().parent.parent / "data" / "imd2019_lsoa_deciles.csv.gz"

# A table name is an identifier the caller makes up (never a person's input); refuse anything
# that would need quoting so that it can be written into the SQL as it is.
_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def register_lsoa_deciles(con: Connection, table: str, path: Path | None = None) -> None:
    """Create the TEMP table `table (lsoa_code VARCHAR, imd_decile INTEGER)`, one row per LSOA.

    Read by DuckDB straight from the compressed CSV (`path`, by default the package's file).
    A file with a repeated code, a code that is not an English LSOA (E01…) or a decile outside
    1–10 is refused with a ValueError naming the first such row, and no table is left behind.
    """
    if not _TABLE_NAME.fullmatch(table):
        raise ValueError(f"not a plain table name: {table!r}")
    source = LSOA_DECILES_FILE if path is None else path
    if not source.is_file():
        raise FileNotFoundError(f"the IMD 2019 deciles file is missing: {source}")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT lsoa_code, imd_decile
        FROM read_csv(?, header = true, auto_detect = false,
                      columns = {{'lsoa_code': 'VARCHAR', 'imd_decile': 'INTEGER'}})
        """,
        [str(source)],
    )
    bad = con.execute(
        f"""
        SELECT lsoa_code, imd_decile,
               count(*) OVER (PARTITION BY lsoa_code) AS times
        FROM {table}
        QUALIFY lsoa_code IS NULL OR NOT regexp_full_match(lsoa_code, 'E01[0-9]{{6}}')
             OR imd_decile IS NULL OR imd_decile NOT BETWEEN 1 AND 10 OR times > 1
        ORDER BY lsoa_code NULLS FIRST
        LIMIT 1
        """
    ).fetchone()
    if bad is not None:
        con.execute(f"DROP TABLE {table}")
        code, decile, times = bad
        why = "appears more than once" if times > 1 else "is not an LSOA code with a decile 1–10"
        raise ValueError(f"{source.name}: the row {code!r}, {decile!r} {why}")
