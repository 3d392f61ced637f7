"""Turning an unedited GIAS extract into the hub's own schools shape.

The Department for Education's "Get Information about Schools" (GIAS) service publishes its
establishment data as a CSV file of about 130 columns (`edubasealldata…csv`). The ingestion
reads any upload into a raw all-text table (`line`, `c0`…`cN`); when the header is a GIAS
header it calls `gias_to_hub_shape`, which writes a table in the hub's schools shape that the
caller then validates like any hub-shape schools file.

All the row work is set-based SQL. The only step in Python is the grid conversion from British
National Grid (Easting/Northing) to latitude/longitude, done with pyproj on whole arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import duckdb
import numpy as np
import pyarrow as pa
from pyproj import Transformer

from hubmetrics.contract.establishment_types import ESTABLISHMENT_TYPES, type_key
from hubmetrics.contract.problems import Problem
from hubmetrics.ingest.deprivation import register_lsoa_deciles
from hubmetrics.ingest.gias_columns import (
    DISTRICT,
    EASTING,
    FSM,
    GROUP,
    HIGH_AGE,
    HUB_COLUMNS,
    LA,
    LOW_AGE,
    LSOA,
    NAME,
    NORTHING,
    OPTIONAL,
    PHASE,
    POSTCODE,
    PUPILS,
    REQUIRED,
    SEN_NO_STAT,
    SEN_STAT,
    STATUS,
    TYPE,
    URBAN_RURAL,
    URN,
    WHITESPACE,
    column_index,
    column_key,
    is_gias_header,
)
from hubmetrics.ingest.gias_warnings import (
    NO_LOOKUP,
    decile_problems,
    left_out_problems,
    type_problems,
    value_problems,
)

__all__ = ["HUB_COLUMNS", "gias_to_hub_shape", "is_gias_header"]

Connection = duckdb.DuckDBPyConnection

# Values are compared lower-cased, trimmed, with single spaces and straight apostrophes.
OPEN_STATUSES = ("open", "open, but proposed to close")
# UrbanRural values that say nothing about the place.
URBAN_RURAL_UNKNOWN = ("not applicable", "unknown", "not recorded")

# The British National Grid covers this box; anything outside it (GIAS writes 0 or leaves the
# cell blank when it has no location) gets no coordinates.
_GRID_MAX_EASTING = 700_000
_GRID_MAX_NORTHING = 1_300_000


@cache
def _bng_to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def gias_to_hub_shape(
    con: Connection,
    raw_table: str,
    header: Sequence[str],
    target_table: str,
    lsoa_deciles: str | None = None,
) -> list[Problem]:
    """Write temp table `target_table` (line + the hub's schools columns) from a GIAS extract.

    `raw_table` has `line` and `c0`…`cN` (text as written, NULL when blank), `header[i]` being
    the header of `ci`. Only open establishments that are schools are written; every row left
    out is counted in a warning. Returns the problems (errors when the extract lacks a column
    it needs, in which case no table is created).

    Each school's `imd_decile` is its `LSOA (code)` looked up in `lsoa_deciles`, a table of
    `(lsoa_code, imd_decile)`; None (the default) looks it up in the English Indices of
    Deprivation 2019 that come with the hub (`ingest.deprivation`).
    """
    names = column_index(header)
    missing = [n for n in REQUIRED if column_key(n) not in names]
    if missing:
        return [
            Problem(
                line=1,
                column=name,
                value=None,
                message=(
                    f"This GIAS extract has no '{name}' column, which the hub needs to build "
                    "the schools list. Download the extract from Get Information about Schools "
                    f"again with the '{name}' field included, and upload it unedited."
                ),
                severity="error",
            )
            for name in missing
        ]

    stage = f"{target_table}__gias_stage"
    coords = f"{target_table}__gias_coords"
    shipped = f"{target_table}__gias_deciles"
    problems: list[Problem] = []
    try:
        deciles = lsoa_deciles
        if deciles is None:
            deciles = _shipped_deciles(con, shipped)
            if deciles is None:
                problems.append(NO_LOOKUP)
        _create_stage(con, raw_table, len(header), names, stage, deciles)
        problems = left_out_problems(con, stage) + problems
        problems += type_problems(con, stage)
        problems += value_problems(con, stage)
        if deciles is not None:
            problems += decile_problems(con, stage, has_lsoa=column_key(LSOA) in names)
        _create_target(con, stage, coords, target_table)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {stage}")  # safe: derived from the caller's name
        con.execute(f"DROP TABLE IF EXISTS {shipped}")  # safe: derived from the caller's name
    return problems


def _shipped_deciles(con: Connection, table: str) -> str | None:
    """`table`, made from the IMD 2019 deciles the package ships; None when they are missing."""
    try:
        register_lsoa_deciles(con, table)
    except FileNotFoundError:
        return None
    return table


def _cell(names: dict[str, int], gias_name: str) -> str:
    """SQL for one GIAS column's trimmed text (NULL when blank or when the column is absent)."""
    i = names.get(column_key(gias_name))
    if i is None:
        return "CAST(NULL AS VARCHAR)"
    return f"nullif(trim(c{i}, $ws), '')"  # safe: generated column name


def _folded(expr: str) -> str:
    """SQL comparing form of a text value: lower case, single spaces, straight apostrophes."""
    return (
        f"regexp_replace(replace(replace(lower({expr}), '\u2019', ''''), '\u2018', ''''), "
        r"'\s+', ' ', 'g')"
    )


def _number(expr: str) -> str:
    """SQL for a text value as a finite DOUBLE, NULL when blank or not a number."""
    return f"CASE WHEN isfinite(TRY_CAST({expr} AS DOUBLE)) THEN TRY_CAST({expr} AS DOUBLE) END"


def _plain(expr: str) -> str:
    """SQL writing a DOUBLE as plain decimal text without trailing zeros (`23.5`, `100`)."""
    return f"rtrim(rtrim(printf('%.4f', {expr}), '0'), '.')"


def _create_stage(
    con: Connection,
    raw_table: str,
    width: int,
    names: dict[str, int],
    stage: str,
    deciles: str | None,
) -> None:
    """One row per non-empty raw row: the GIAS values, what they map to, and whether kept."""
    c = {n: _cell(names, n) for n in REQUIRED + OPTIONAL}
    everything = ", ".join(f"c{i}" for i in range(width)) or "''"
    # A school's decile is its LSOA's; no code, or one the lookup lacks, leaves it empty.
    decile, by_lsoa = "CAST(NULL AS INTEGER)", ""
    if deciles is not None:
        decile = "d.imd_decile"
        by_lsoa = f"LEFT JOIN {deciles} d ON d.lsoa_code = upper(m.lsoa_code)"
    sql = f"""
        CREATE TEMP TABLE {stage} AS
        WITH types AS (
            SELECT unnest($type_keys) AS type_k, unnest($fundings) AS funding,
                   unnest($fixed_phases) AS fixed_phase
        ), src AS (
            SELECT
                row_number() OVER (ORDER BY line) AS rid,
                line,
                {c[URN]} AS urn,
                {c[NAME]} AS name,
                {c[STATUS]} AS status,
                {c[TYPE]} AS est_type,
                {c[GROUP]} AS est_group,
                {c[PHASE]} AS gias_phase,
                {c[LA]} AS local_authority,
                {c[DISTRICT]} AS district,
                {c[POSTCODE]} AS postcode,
                {c[PUPILS]} AS pupils_text,
                {c[FSM]} AS fsm_text,
                {c[SEN_STAT]} AS sen_stat_text,
                {c[SEN_NO_STAT]} AS sen_no_stat_text,
                {c[URBAN_RURAL]} AS urban_rural,
                {c[EASTING]} AS easting_text,
                {c[NORTHING]} AS northing_text,
                {c[LOW_AGE]} AS low_age_text,
                {c[HIGH_AGE]} AS high_age_text,
                {c[LSOA]} AS lsoa_code
            FROM {raw_table}
            WHERE trim(concat({everything}), $ws) <> ''
        ), folded AS (
            SELECT
                *,
                {_folded("status")} AS status_k,
                {_folded("est_type")} AS type_k,
                {_folded("est_group")} AS group_k,
                {_folded("gias_phase")} AS phase_k,
                {_folded("urban_rural")} AS urban_rural_k,
                TRY_CAST({_number("low_age_text")} AS INTEGER) AS low_age,
                TRY_CAST({_number("high_age_text")} AS INTEGER) AS high_age,
                {_number("pupils_text")} AS pupils_n,
                {_number("fsm_text")} AS fsm_n,
                {_number("sen_stat_text")} AS sen_stat_n,
                {_number("sen_no_stat_text")} AS sen_no_stat_n,
                {_number("easting_text")} AS easting,
                {_number("northing_text")} AS northing
            FROM src
        ), mapped AS (
            SELECT
                f.*,
                t.funding,
                coalesce(list_contains($open_statuses, f.status_k), false) AS is_open,
                coalesce(t.funding = 'not a school', false) AS non_school,
                CASE
                    WHEN t.funding = 'not a school' THEN NULL
                    WHEN t.fixed_phase IS NOT NULL THEN t.fixed_phase
                    WHEN f.phase_k = 'nursery' THEN 'nursery'
                    WHEN f.phase_k = 'primary' THEN 'primary'
                    WHEN f.phase_k IN ('middle deemed primary', 'middle deemed secondary')
                        THEN 'middle'
                    WHEN f.phase_k = 'secondary' THEN 'secondary'
                    WHEN f.phase_k IN ('all-through', 'all through') THEN 'all_through'
                    WHEN f.phase_k IN ('16 plus', '16+') THEN 'post16'
                    WHEN f.high_age <= 11 THEN 'primary'
                    WHEN f.low_age >= 16 THEN 'post16'
                    WHEN f.low_age >= 11 THEN 'secondary'
                    WHEN f.low_age IS NOT NULL AND f.high_age IS NOT NULL THEN 'all_through'
                END AS phase,
                CASE
                    WHEN f.pupils_n > 0 AND f.sen_stat_n IS NOT NULL
                        AND f.sen_no_stat_n IS NOT NULL
                        THEN round(100 * (f.sen_stat_n + f.sen_no_stat_n) / f.pupils_n, 1)
                END AS send_n
            FROM folded f LEFT JOIN types t ON t.type_k = f.type_k
        )
        SELECT
            m.*,
            m.is_open AND m.phase IS NOT NULL AS keep,
            -- A type not in the table is never counted as state-funded (a warning says so).
            CASE WHEN m.funding = 'state-funded' THEN 'yes' ELSE 'no' END AS state_funded,
            CASE
                WHEN m.urban_rural IS NULL
                    OR list_contains($urban_rural_unknown, m.urban_rural_k) THEN NULL
                WHEN m.urban_rural_k LIKE '%rural%' THEN 'yes'
                ELSE 'no'
            END AS rural,
            {decile} AS imd_decile
        FROM mapped m {by_lsoa}
    """  # noqa: S608 - identifiers from the caller or generated; values are parameters
    con.execute(
        sql,
        {
            "ws": WHITESPACE,
            "open_statuses": list(OPEN_STATUSES),
            "type_keys": [type_key(t.name) for t in ESTABLISHMENT_TYPES],
            "fundings": [t.funding for t in ESTABLISHMENT_TYPES],
            "fixed_phases": [t.phase for t in ESTABLISHMENT_TYPES],
            "urban_rural_unknown": list(URBAN_RURAL_UNKNOWN),
        },
    )


def _coordinates(con: Connection, stage: str) -> pa.Table:
    """Latitude/longitude (WGS84) for the kept rows with a grid reference, keyed by `rid`."""
    arrays = con.execute(
        f"""
        SELECT rid, easting, northing FROM {stage}
        WHERE keep AND easting > 0 AND northing > 0
            AND easting <= {_GRID_MAX_EASTING} AND northing <= {_GRID_MAX_NORTHING}
        """  # noqa: S608 - generated table name, constant numbers
    ).fetchnumpy()
    rid = np.asarray(arrays["rid"], dtype=np.int64)
    easting = np.asarray(arrays["easting"], dtype=np.float64)
    northing = np.asarray(arrays["northing"], dtype=np.float64)
    if rid.size:
        lon, lat = _bng_to_wgs84().transform(easting, northing)
        lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    else:
        lon = lat = np.empty(0, dtype=np.float64)
    ok = np.isfinite(lat) & np.isfinite(lon)
    return pa.table(
        {
            "rid": pa.array(rid[ok], type=pa.int64()),
            "latitude": pa.array(lat[ok], type=pa.float64()),
            "longitude": pa.array(lon[ok], type=pa.float64()),
        }
    )


def _create_target(con: Connection, stage: str, coords: str, target_table: str) -> None:
    con.register(coords, _coordinates(con, stage))
    try:
        con.execute(
            f"""
            CREATE TEMP TABLE {target_table} AS
            SELECT
                CAST(s.line AS INTEGER) AS line,
                s.urn,
                s.name,
                s.phase,
                s.local_authority,
                s.district,
                s.postcode,
                CASE WHEN g.rid IS NOT NULL THEN printf('%.6f', g.latitude) END AS latitude,
                CASE WHEN g.rid IS NOT NULL THEN printf('%.6f', g.longitude) END AS longitude,
                s.pupils_text AS pupils,
                {_plain("s.fsm_n")} AS fsm_percent,
                CASE WHEN s.send_n <= 100 THEN {_plain("s.send_n")} END AS send_percent,
                CAST(s.imd_decile AS VARCHAR) AS imd_decile,
                s.rural,
                s.state_funded
            FROM {stage} s LEFT JOIN {coords} g ON g.rid = s.rid
            WHERE s.keep
            ORDER BY s.line
            """  # noqa: S608 - identifiers from the caller or generated
        )
    finally:
        con.unregister(coords)
