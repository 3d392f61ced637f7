"""The English Indices of Deprivation 2019: each LSOA's IMD decile, shipped as package data."""

from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import duckdb
from python_calamine import CalamineWorkbook

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
        con.execute(f"DROP TABLE {table}")  # safe: `table` matched _TABLE_NAME above
        code, decile, times = bad
        why = "appears more than once" if times > 1 else "is not an LSOA code with a decile 1–10"
        raise ValueError(f"{source.name}: the row {code!r}, {decile!r} {why}")


# --- making the shipped file from MHCLG's own -----------------------------------------------

# The headings of MHCLG's File 1 (sheet IMD2019), as they begin (File 7's CSV adds
# "(where 1 is most deprived …)" to the rank and decile).
CODE_HEADING = "LSOA code (2011)"
RANK_HEADING = "Index of Multiple Deprivation (IMD) Rank"
DECILE_HEADING = "Index of Multiple Deprivation (IMD) Decile"
ENGLAND_LSOAS = 32_844


def official_decile(rank: int) -> int:
    """The decile of an IMD rank (1 most deprived): tenths of the 32,844 LSOAs, rank 1–3,284
    decile 1 … 29,560–32,844 decile 10 (whole-number arithmetic: ceil(rank × 10 ÷ 32,844))."""
    return (rank * 10 + ENGLAND_LSOAS - 1) // ENGLAND_LSOAS


def write_lsoa_deciles(source: Path, out: Path = LSOA_DECILES_FILE) -> dict[int, int]:
    """Write the two-column lookup (`lsoa_code,imd_decile`, by code, gzip) from MHCLG's
    "File 1: index of multiple deprivation" workbook (sheet IMD2019) or File 7's CSV, as
    downloaded. Every row's decile must be its rank's (`official_decile`); a file that is
    not this table is refused with a ValueError naming what is wrong. Returns the number of
    LSOAs in each decile."""
    rows = _sheet_rows(source)
    heading = [str(h).strip() for h in rows[0]]
    at = {
        name: _column(heading, name, source)
        for name in (CODE_HEADING, RANK_HEADING, DECILE_HEADING)
    }
    found: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        code = str(row[at[CODE_HEADING]]).strip()
        rank, decile = _whole(row[at[RANK_HEADING]]), _whole(row[at[DECILE_HEADING]])
        if not re.fullmatch(r"E01\d{6}", code) or rank is None or decile is None:
            raise ValueError(f"{source.name}, row {number}: not an LSOA with a rank and decile")
        if decile != official_decile(rank):
            raise ValueError(f"{source.name}, row {number}: decile {decile} is not rank {rank}'s")
        if code in found:
            raise ValueError(f"{source.name}, row {number}: {code} appears twice")
        found[code] = decile
    text = "lsoa_code,imd_decile\n" + "".join(f"{c},{d}\n" for c, d in sorted(found.items()))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(gzip.compress(text.encode(), mtime=0))  # the same bytes every time
    counts = dict.fromkeys(range(1, 11), 0)
    for d in found.values():
        counts[d] += 1
    return counts


def _sheet_rows(source: Path) -> list[list[object]]:
    if source.suffix.lower() == ".csv":
        with source.open(newline="", encoding="utf-8-sig") as handle:
            return [list(r) for r in csv.reader(handle)]
    book = CalamineWorkbook.from_path(str(source))
    return [list(r) for r in book.get_sheet_by_name("IMD2019").to_python()]


def _column(heading: list[str], name: str, source: Path) -> int:
    for i, h in enumerate(heading):
        if h.lower().startswith(name.lower()):
            return i
    raise ValueError(f"{source.name} has no column '{name}': is it IoD2019 File 1?")


def _whole(value: object) -> int | None:
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() and number >= 1 else None
