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

import re
from collections.abc import Sequence
from functools import cache

import duckdb
import numpy as np
import pyarrow as pa
from pyproj import Transformer

from hubmetrics.contract import PHASES
from hubmetrics.contract.problems import Problem

Connection = duckdb.DuckDBPyConnection

# GIAS's own column names, as GIAS spells them.
URN = "URN"
NAME = "EstablishmentName"
STATUS = "EstablishmentStatus (name)"
PHASE = "PhaseOfEducation (name)"
TYPE = "TypeOfEstablishment (name)"
GROUP = "EstablishmentTypeGroup (name)"
LA = "LA (name)"
DISTRICT = "DistrictAdministrative (name)"
POSTCODE = "Postcode"
PUPILS = "NumberOfPupils"
FSM = "PercentageFSM"
SEN_STAT = "SENStat"
SEN_NO_STAT = "SENNoStat"
URBAN_RURAL = "UrbanRural (name)"
EASTING = "Easting"
NORTHING = "Northing"
LOW_AGE = "StatutoryLowAge"
HIGH_AGE = "StatutoryHighAge"

# The columns that tell a GIAS header from any other.
SIGNATURE = (URN, NAME, STATUS)
# Without these the extract cannot become a schools list.
REQUIRED = (URN, NAME, STATUS, PHASE, TYPE, GROUP, LA)
# Read when present; a missing one leaves its hub column blank.
OPTIONAL = (
    DISTRICT,
    POSTCODE,
    PUPILS,
    FSM,
    SEN_STAT,
    SEN_NO_STAT,
    URBAN_RURAL,
    EASTING,
    NORTHING,
    LOW_AGE,
    HIGH_AGE,
)

HUB_COLUMNS = (
    "urn",
    "name",
    "phase",
    "local_authority",
    "district",
    "postcode",
    "latitude",
    "longitude",
    "pupils",
    "fsm_percent",
    "send_percent",
    "imd_decile",
    "rural",
    "state_funded",
)

# Values are compared lower-cased, trimmed, with single spaces and straight apostrophes.
OPEN_STATUSES = ("open", "open, but proposed to close")
INDEPENDENT_GROUP = "independent schools"
NON_SCHOOL_GROUPS = ("universities", "welsh schools", "online provider")
NON_SCHOOL_TYPES = (
    "higher education institutions",
    "welsh establishment",
    "online provider",
    "miscellaneous",
    "offshore schools",
    "british schools overseas",
    "service children's education",
    "secure units",
    "institution funded by other government department",
)
# UrbanRural values that say nothing about the place.
URBAN_RURAL_UNKNOWN = ("not applicable", "unknown", "not recorded")

# The British National Grid covers this box; anything outside it (GIAS writes 0 or leaves the
# cell blank when it has no location) gets no coordinates.
_GRID_MAX_EASTING = 700_000
_GRID_MAX_NORTHING = 1_300_000

_WHITESPACE = " \t\r\n\u00a0"


def _key(name: str) -> str:
    """A header name as compared: no byte-order mark, trimmed, single-spaced, case-folded."""
    name = name.lstrip("\ufeff").removeprefix("\u00ef\u00bb\u00bf")  # BOM as UTF-8 or as cp1252
    return re.sub(r"[\s_-]+", " ", name.strip(_WHITESPACE + "\ufeff")).casefold()


def _index(header: Sequence[str]) -> dict[str, int]:
    """Map each compared header name to its first column number."""
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        found.setdefault(_key(str(name)), i)
    return found


def is_gias_header(header: Sequence[str]) -> bool:
    """True when the header has GIAS's own column names (URN, EstablishmentName, status)."""
    names = _index(header)
    return all(_key(n) in names for n in SIGNATURE)


@cache
def _bng_to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def gias_to_hub_shape(
    con: Connection, raw_table: str, header: Sequence[str], target_table: str
) -> list[Problem]:
    """Write temp table `target_table` (line + the hub's schools columns) from a GIAS extract.

    `raw_table` has `line` and `c0`…`cN` (text as written, NULL when blank), `header[i]` being
    the header of `ci`. Only open establishments that are schools are written; every row left
    out is counted in a warning. Returns the problems (errors when the extract lacks a column
    it needs, in which case no table is created).
    """
    names = _index(header)
    missing = [n for n in REQUIRED if _key(n) not in names]
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
    try:
        _create_stage(con, raw_table, len(header), names, stage)
        problems = _left_out_problems(con, stage)
        problems += _value_problems(con, stage)
        _create_target(con, stage, coords, target_table)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {stage}")  # safe: derived from the caller's name
    return problems


def _cell(names: dict[str, int], gias_name: str) -> str:
    """SQL for one GIAS column's trimmed text (NULL when blank or when the column is absent)."""
    i = names.get(_key(gias_name))
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
    con: Connection, raw_table: str, width: int, names: dict[str, int], stage: str
) -> None:
    """One row per non-empty raw row: the GIAS values, what they map to, and whether kept."""
    c = {n: _cell(names, n) for n in REQUIRED + OPTIONAL}
    everything = ", ".join(f"c{i}" for i in range(width)) or "''"
    sql = f"""
        CREATE TEMP TABLE {stage} AS
        WITH src AS (
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
                {c[HIGH_AGE]} AS high_age_text
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
                *,
                coalesce(list_contains($open_statuses, status_k), false) AS is_open,
                coalesce(
                    list_contains($non_school_groups, group_k)
                    OR list_contains($non_school_types, type_k),
                    false
                ) AS non_school,
                CASE
                    WHEN list_contains($non_school_groups, group_k)
                        OR list_contains($non_school_types, type_k) THEN NULL
                    WHEN type_k LIKE '%special%' THEN 'special'
                    WHEN type_k = 'pupil referral unit'
                        OR type_k LIKE '%alternative provision%' THEN 'alternative_provision'
                    WHEN type_k IN ('further education', 'sixth form centres')
                        OR type_k LIKE '%16-19%' OR type_k LIKE '%16 to 19%' THEN 'post16'
                    WHEN type_k = 'local authority nursery school' THEN 'nursery'
                    WHEN phase_k = 'nursery' THEN 'nursery'
                    WHEN phase_k = 'primary' THEN 'primary'
                    WHEN phase_k IN ('middle deemed primary', 'middle deemed secondary')
                        THEN 'middle'
                    WHEN phase_k = 'secondary' THEN 'secondary'
                    WHEN phase_k IN ('all-through', 'all through') THEN 'all_through'
                    WHEN phase_k IN ('16 plus', '16+') THEN 'post16'
                    WHEN high_age <= 11 THEN 'primary'
                    WHEN low_age >= 16 THEN 'post16'
                    WHEN low_age >= 11 THEN 'secondary'
                    WHEN low_age IS NOT NULL AND high_age IS NOT NULL THEN 'all_through'
                END AS phase,
                CASE
                    WHEN pupils_n > 0 AND sen_stat_n IS NOT NULL AND sen_no_stat_n IS NOT NULL
                        THEN round(100 * (sen_stat_n + sen_no_stat_n) / pupils_n, 1)
                END AS send_n
            FROM folded
        )
        SELECT
            *,
            is_open AND phase IS NOT NULL AS keep,
            CASE WHEN group_k = $independent THEN 'no' ELSE 'yes' END AS state_funded,
            CASE
                WHEN urban_rural IS NULL OR list_contains($urban_rural_unknown, urban_rural_k)
                    THEN NULL
                WHEN urban_rural_k LIKE '%rural%' THEN 'yes'
                ELSE 'no'
            END AS rural
        FROM mapped
    """  # noqa: S608 - identifiers from the caller or generated; values are parameters
    con.execute(
        sql,
        {
            "ws": _WHITESPACE,
            "independent": INDEPENDENT_GROUP,
            "open_statuses": list(OPEN_STATUSES),
            "non_school_groups": list(NON_SCHOOL_GROUPS),
            "non_school_types": list(NON_SCHOOL_TYPES),
            "urban_rural_unknown": list(URBAN_RURAL_UNKNOWN),
        },
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _left_out_problems(con: Connection, stage: str) -> list[Problem]:
    """One warning per reason a row was left out, saying how many."""
    problems: list[Problem] = []
    row = con.execute(
        f"SELECT count(*) FROM {stage} WHERE NOT is_open AND status IS NOT NULL"  # noqa: S608
    ).fetchone()
    closed = int(row[0]) if row else 0
    if closed:
        what = (
            "establishment that is closed or not yet open was"
            if closed == 1
            else "establishments that are closed or not yet open were"
        )
        problems.append(
            Problem(
                severity="warning",
                line=None,
                column=STATUS,
                value=None,
                message=f"{closed} {what} left out.",
            )
        )

    for (line,) in con.execute(
        f"SELECT line FROM {stage} WHERE status IS NULL ORDER BY line"  # noqa: S608
    ).fetchall():
        problems.append(
            Problem(
                severity="warning",
                line=line,
                column=STATUS,
                value=None,
                message=(
                    "This row has no establishment status, so it is not known to be open; it "
                    "was left out. Check the row in Get Information about Schools."
                ),
            )
        )

    by_type = con.execute(
        f"""
        SELECT coalesce(min(est_type), min(est_group), 'no type given') AS shown, count(*) AS n
        FROM {stage} WHERE is_open AND non_school
        GROUP BY coalesce(type_k, group_k) ORDER BY n DESC, shown
        """  # noqa: S608 - generated table name
    ).fetchall()
    if by_type:
        total = sum(int(n) for _, n in by_type)
        detail = ", ".join(f"{shown} ({n})" for shown, n in by_type)
        what = _plural(
            total,
            "establishment that is not a school was",
            "establishments that are not schools were",
        )
        problems.append(
            Problem(
                severity="warning",
                line=None,
                column=TYPE,
                value=None,
                message=(
                    f"{what} left out: {detail}. They are not counted among the schools of the "
                    "hub's area."
                ),
            )
        )

    for line, name, phase, est_type in con.execute(
        f"""
        SELECT line, name, gias_phase, est_type FROM {stage}
        WHERE is_open AND NOT non_school AND phase IS NULL ORDER BY line
        """  # noqa: S608 - generated table name
    ).fetchall():
        problems.append(
            Problem(
                severity="warning",
                line=line,
                column=PHASE,
                value=phase,
                message=(
                    f"{name or 'This establishment'} was left out: its phase could not be "
                    f"worked out from its phase of education, its type ({est_type or 'blank'}) "
                    "or its age range. Add it to a hub-shape schools file by hand if it belongs "
                    f"in the schools list (phase one of: {', '.join(PHASES)})."
                ),
            )
        )
    return problems


def _value_problems(con: Connection, stage: str) -> list[Problem]:
    """Warnings about values of kept rows that are recorded as not known."""
    problems: list[Problem] = []
    row = con.execute(
        f"""
        SELECT count(*), array_to_string(list_sort(list_distinct(list(fsm_text)))[1:5], ', ')
        FROM {stage} WHERE keep AND fsm_text IS NOT NULL AND fsm_n IS NULL
        """  # noqa: S608 - generated table name
    ).fetchone()
    if row and row[0]:
        n, values = int(row[0]), row[1]
        problems.append(
            Problem(
                severity="warning",
                line=None,
                column=FSM,
                value=None,
                message=(
                    f"{_plural(n, 'school has', 'schools have')} a free school meals percentage "
                    f"that is not a number ({values}: GIAS writes SUPP where the figure is "
                    "suppressed). It is recorded as not known."
                ),
            )
        )
    for line, send in con.execute(
        f"SELECT line, send_n FROM {stage} WHERE keep AND send_n > 100 ORDER BY line"  # noqa: S608
    ).fetchall():
        problems.append(
            Problem(
                severity="warning",
                line=line,
                column=SEN_STAT,
                value=f"{send}",
                message=(
                    "SENStat plus SENNoStat is more than NumberOfPupils, so the SEND percentage "
                    "would be over 100. It is recorded as not known."
                ),
            )
        )
    return problems


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
                CAST(NULL AS VARCHAR) AS imd_decile,
                s.rural,
                s.state_funded
            FROM {stage} s LEFT JOIN {coords} g ON g.rid = s.rid
            WHERE s.keep
            ORDER BY s.line
            """  # noqa: S608 - identifiers from the caller or generated
        )
    finally:
        con.unregister(coords)
