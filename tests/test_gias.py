"""Loading an unedited GIAS extract as the schools list (hubmetrics.ingest.gias).

tests/fixtures/gias_extract.csv is a FICTIONAL extract: every name, address, person, phone
number (Ofcom's drama range) and URN (990001 upwards, unused by GIAS) is invented. It has GIAS's
real 139-column header and is written as GIAS writes it: Windows-1252 with CRLF line endings.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pytest

from hubmetrics.contract import PHASES, SCHOOLS
from hubmetrics.contract.problems import Problem
from hubmetrics.ingest.gias import HUB_COLUMNS, gias_to_hub_shape, is_gias_header

FIXTURE = Path(__file__).parent / "fixtures" / "gias_extract.csv"


def make_raw(
    con: duckdb.DuckDBPyConnection,
    rows: Sequence[Sequence[str | None]],
    width: int,
    table: str = "raw_upload",
) -> None:
    """The raw table the ingestion hands over: line (header is line 1) and c0..cN text."""
    cells = ", ".join(f"c{i} VARCHAR" for i in range(width))
    con.execute(f"CREATE TEMP TABLE {table} (line INTEGER, {cells})")
    marks = ", ".join("?" for _ in range(width + 1))
    con.executemany(
        f"INSERT INTO {table} VALUES ({marks})",  # noqa: S608 - test table name
        [[n, *[(c if c != "" else None) for c in row]] for n, row in enumerate(rows, start=2)],
    )


def read_fixture() -> tuple[list[str], list[list[str]]]:
    text = FIXTURE.read_bytes().decode("cp1252")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    return header, rows


def make_lookup(
    con: duckdb.DuckDBPyConnection, deciles: dict[str, int], table: str = "deciles"
) -> str:
    """A tiny LSOA lookup of our own, shaped as ingest.deprivation makes the real one."""
    con.execute(f"CREATE TEMP TABLE {table} (lsoa_code VARCHAR, imd_decile INTEGER)")
    if deciles:
        con.executemany(f"INSERT INTO {table} VALUES (?, ?)", list(deciles.items()))  # noqa: S608
    return table


# The fixture's (fictional) LSOA codes, E01099001..E01099022, each with a decile of its own.
FIXTURE_DECILES = {f"E01099{n:03d}": n % 10 + 1 for n in range(1, 23)}


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]
    ).fetchone()
    return bool(row and row[0])


def fetch_by_urn(con: duckdb.DuckDBPyConnection, table: str = "hub") -> dict[str, dict]:
    cols = ", ".join(HUB_COLUMNS)
    result = con.execute(f"SELECT line, {cols} FROM {table} ORDER BY line")  # noqa: S608
    names = [d[0] for d in result.description]
    return {r[1]: dict(zip(names, r, strict=True)) for r in result.fetchall()}


@pytest.fixture()
def fixture_loaded() -> tuple[duckdb.DuckDBPyConnection, list[Problem], dict[str, dict]]:
    con = duckdb.connect()
    header, rows = read_fixture()
    make_raw(con, rows, len(header))
    lookup = make_lookup(con, FIXTURE_DECILES)
    problems = gias_to_hub_shape(con, "raw_upload", header, "hub", lookup)
    return con, problems, fetch_by_urn(con)


# --- the fixture file itself ---------------------------------------------------------------


def test_fixture_is_written_as_gias_writes_it() -> None:
    data = FIXTURE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"Queen\x92s Meadow" in data  # curly apostrophe in Windows-1252
    assert b"Ren\xe9e Fairbourne" in data
    lines = data.split(b"\n")
    assert lines[-1] == b""
    assert all(line.endswith(b"\r") for line in lines[:-1])
    header, rows = read_fixture()
    assert len(header) == 139
    assert header[:5] == [
        "URN",
        "LA (code)",
        "LA (name)",
        "EstablishmentNumber",
        "EstablishmentName",
    ]
    assert len(rows) == 22
    assert all(len(r) == 139 for r in rows)
    assert all(int(r[0]) >= 990000 for r in rows)
    assert {r[2] for r in rows} == {"North Northamptonshire", "West Northamptonshire", "Rutland"}


# --- is_gias_header ------------------------------------------------------------------------


def test_is_gias_header() -> None:
    header, _ = read_fixture()
    assert is_gias_header(header)
    assert is_gias_header(["\ufeffURN", " establishmentname ", "ESTABLISHMENTSTATUS (NAME)"])
    assert is_gias_header(
        ["\u00ef\u00bb\u00bfURN", "EstablishmentName", "EstablishmentStatus (name)"]
    )
    assert not is_gias_header(list(SCHOOLS.column_names))
    assert not is_gias_header(["URN", "EstablishmentName", "Status"])
    assert not is_gias_header([])


# --- the fixture, end to end ---------------------------------------------------------------


def test_fixture_keeps_open_schools_with_their_phases(fixture_loaded) -> None:
    con, _, schools = fixture_loaded
    assert {urn: s["phase"] for urn, s in schools.items()} == {
        "990001": "primary",
        "990002": "primary",
        "990003": "secondary",
        "990004": "primary",
        "990005": "primary",  # Open, but proposed to close
        "990006": "primary",
        "990007": "primary",
        "990008": "secondary",
        "990009": "primary",  # independent, phase Primary
        "990010": "all_through",  # independent, Not applicable, ages 3-18
        "990011": "special",  # Community special school, Not applicable
        "990012": "alternative_provision",  # Pupil referral unit
        "990013": "nursery",  # Local authority nursery school
        "990014": "middle",  # Middle deemed primary
        "990015": "post16",  # Further education, 16 plus
        "990020": "secondary",
        "990021": "primary",
        "990022": "secondary",
    }
    # Left out: university (990016), closed (990017, 990018), proposed to open (990019).
    assert all(s["phase"] in PHASES for s in schools.values())
    first = schools["990001"]
    assert first["line"] == 2
    assert first["name"] == "Nenebrook Primary School"
    assert first["local_authority"] == "West Northamptonshire"
    assert first["district"] == "West Northamptonshire"
    assert first["postcode"] == "NN1 9ZA"
    assert first["pupils"] == "412"
    assert first["imd_decile"] == "2"  # LSOA (code) E01099001, decile 2 in the lookup
    assert schools["990022"]["imd_decile"] == "3"
    assert schools["990006"]["name"] == "Queen\u2019s Meadow Infant School"
    assert schools["990005"]["name"] == "Renée Fairbourne Primary School"
    assert schools["990021"]["line"] == 22
    columns = con.execute("DESCRIBE hub").fetchall()
    assert [(c[0], c[1]) for c in columns] == [("line", "INTEGER")] + [
        (name, "VARCHAR") for name in HUB_COLUMNS
    ]


def test_fixture_state_funded_and_rural(fixture_loaded) -> None:
    _, _, schools = fixture_loaded
    assert {u for u, s in schools.items() if s["state_funded"] == "no"} == {"990009", "990010"}
    assert all(s["state_funded"] in ("yes", "no") for s in schools.values())
    assert {urn: s["rural"] for urn, s in schools.items()} == {
        "990001": "no",
        "990002": "no",
        "990003": "no",
        "990004": "yes",  # Rural village
        "990005": "yes",  # Rural hamlet and isolated dwellings
        "990006": "yes",  # Rural town and fringe
        "990007": "yes",
        "990008": "yes",
        "990009": "yes",
        "990010": "no",
        "990011": "no",
        "990012": "no",
        "990013": "no",
        "990014": "yes",
        "990015": "no",
        "990020": "no",
        "990021": None,  # UrbanRural blank
        "990022": "no",
    }


def test_fixture_warnings_count_what_was_left_out(fixture_loaded) -> None:
    _, problems, _ = fixture_loaded
    assert all(p.severity == "warning" for p in problems)
    closed = [p for p in problems if p.column == "EstablishmentStatus (name)"]
    assert closed == [
        Problem(
            line=None,
            column="EstablishmentStatus (name)",
            value=None,
            message="3 establishments that are closed or not yet open were left out.",
            severity="warning",
        )
    ]
    (non_school,) = [p for p in problems if p.column == "TypeOfEstablishment (name)"]
    assert non_school.line is None
    assert non_school.message.startswith("1 establishment that is not a school was left out")
    assert "Higher education institutions (1)" in non_school.message
    (fsm,) = [p for p in problems if p.column == "PercentageFSM"]
    assert fsm.message.startswith("1 school has a free school meals percentage")
    assert "SUPP" in fsm.message
    assert len(problems) == 3


def test_fixture_fsm_and_send(fixture_loaded) -> None:
    _, _, schools = fixture_loaded
    got = {u: (s["pupils"], s["fsm_percent"], s["send_percent"]) for u, s in schools.items()}
    assert got["990001"] == ("412", "18.2", "13.3")  # 100 * (4 + 51) / 412 = 13.35
    assert got["990003"] == ("1204", "21.7", "13.7")  # 100 * 165 / 1204 = 13.70
    assert got["990004"] == ("96", None, "10.4")  # PercentageFSM SUPP
    assert got["990005"] == ("61", None, None)  # PercentageFSM and SEN counts blank
    assert got["990006"] == ("180", "12", "12.2")  # "12.0" written plainly
    assert got["990011"] == ("150", "41.3", "100")  # special school: every pupil has SEN
    assert got["990012"] == ("48", "52.1", "75")
    assert got["990015"] == (None, None, None)  # FE college: no pupil numbers in GIAS
    assert got["990022"] == ("0", None, None)  # no pupils: no SEND percentage


def test_fixture_coordinates(fixture_loaded) -> None:
    _, _, schools = fixture_loaded
    northampton = schools["990001"]  # Easting 475480, Northing 260620: Northampton centre
    assert abs(float(northampton["latitude"]) - 52.24) < 0.01
    assert abs(float(northampton["longitude"]) - (-0.89)) < 0.01
    assert len(northampton["latitude"].split(".")[1]) == 6
    assert len(northampton["longitude"].split(".")[1]) == 6
    kettering = schools["990003"]  # 486900, 278700
    assert abs(float(kettering["latitude"]) - 52.40) < 0.01
    assert abs(float(kettering["longitude"]) - (-0.72)) < 0.01
    oakham = schools["990007"]  # 486000, 308800
    assert abs(float(oakham["latitude"]) - 52.67) < 0.01
    assert abs(float(oakham["longitude"]) - (-0.73)) < 0.01
    no_grid = schools["990021"]  # Easting/Northing blank
    assert no_grid["latitude"] is None and no_grid["longitude"] is None
    for s in schools.values():
        if s["latitude"] is not None:
            assert 52.0 < float(s["latitude"]) < 52.8
            assert -1.0 < float(s["longitude"]) < -0.5


# --- hand-built extracts -------------------------------------------------------------------

SMALL_HEADER = [
    "URN",
    "LA (name)",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "NumberOfPupils",
    "PercentageFSM",
    "UrbanRural (name)",
    "Easting",
    "Northing",
    "SENStat",
    "SENNoStat",
    "LSOA (code)",
]


def small_row(urn: int, type_name: str, group: str, phase: str, **more: str | None) -> list:
    values: dict[str, str | None] = {
        "URN": str(urn),
        "LA (name)": "West Northamptonshire",
        "EstablishmentName": f"Invented School {urn}",
        "TypeOfEstablishment (name)": type_name,
        "EstablishmentTypeGroup (name)": group,
        "EstablishmentStatus (name)": "Open",
        "PhaseOfEducation (name)": phase,
        "LSOA (code)": f"E01099{urn % 1000:03d}",
    }
    values.update(more)
    return [values.get(h) for h in SMALL_HEADER]


def run_small(rows: list[list], header: Sequence[str] = SMALL_HEADER):
    """Map hand-built rows; every LSOA code they hold is in the lookup (decile 5)."""
    con = duckdb.connect()
    make_raw(con, rows, len(header))
    at = SMALL_HEADER.index("LSOA (code)")  # rows are built in SMALL_HEADER's order
    codes = {r[at] for r in rows} if len(header) > at else set()
    lookup = make_lookup(con, dict.fromkeys(sorted(c for c in codes if c), 5))
    problems = gias_to_hub_shape(con, "raw_upload", header, "hub", lookup)
    return con, problems, fetch_by_urn(con)


def test_type_overrides_and_age_fallback() -> None:
    la = "Local authority maintained schools"
    ind = "Independent schools"
    rows = [
        small_row(990101, "Foundation special school", "Special schools", "Primary"),
        small_row(990102, "Academy special converter", "Special schools", "Secondary"),
        small_row(990103, "Free schools special", "Free Schools", "Not applicable"),
        small_row(990104, "Non-maintained special school", "Special schools", "Not applicable"),
        small_row(990105, "Other independent special school", ind, "Not applicable"),
        small_row(990106, "Special post 16 institution", "Colleges", "16 plus"),
        small_row(990107, "Pupil referral unit", la, "Not applicable"),
        small_row(990108, "Academy alternative provision converter", "Academies", "Secondary"),
        small_row(990109, "Sixth form centres", "Colleges", "Not applicable"),
        small_row(990110, "Further education", "Colleges", "Not applicable"),
        small_row(990111, "Local authority nursery school", la, "Not applicable"),
        small_row(
            990112,
            "Other independent school",
            ind,
            "Not applicable",
            StatutoryLowAge="3",
            StatutoryHighAge="11",
        ),
        small_row(
            990113,
            "Other independent school",
            ind,
            "Not applicable",
            StatutoryLowAge="16",
            StatutoryHighAge="19",
        ),
        small_row(
            990114,
            "Other independent school",
            ind,
            "Not applicable",
            StatutoryLowAge="11",
            StatutoryHighAge="18",
        ),
        small_row(
            990115,
            "Other independent school",
            ind,
            "Not applicable",
            StatutoryLowAge="4",
            StatutoryHighAge="16",
        ),
        small_row(990116, "Academy converter", "Academies", "Middle deemed secondary"),
        small_row(990117, "Free schools", "Free Schools", "All-through"),
        small_row(990118, "Academy 16-19 converter", "Academies", "16 plus"),
        small_row(990119, "  community SCHOOL ", la, "  PRIMARY  "),
        small_row(990120, "Community school", la, "Nursery"),
    ]
    _, problems, schools = run_small(rows)
    assert {u: s["phase"] for u, s in schools.items()} == {
        "990101": "special",
        "990102": "special",
        "990103": "special",
        "990104": "special",
        "990105": "special",
        "990106": "special",
        "990107": "alternative_provision",
        "990108": "alternative_provision",
        "990109": "post16",
        "990110": "post16",
        "990111": "nursery",
        "990112": "primary",
        "990113": "post16",
        "990114": "secondary",
        "990115": "all_through",
        "990116": "middle",
        "990117": "all_through",
        "990118": "post16",
        "990119": "primary",
        "990120": "nursery",
    }
    # Not state-funded by their type, whatever group: the non-maintained special school and
    # the special post-16 institution (both were counted as state-funded before issue 19).
    independent = {"990104", "990105", "990106", "990112", "990113", "990114", "990115"}
    assert {u for u, s in schools.items() if s["state_funded"] == "no"} == independent
    assert problems == []


def test_non_schools_are_left_out_and_counted_by_type() -> None:
    rows = [
        small_row(990201, "Higher education institutions", "Universities", "Not applicable"),
        small_row(
            990202,
            "Online provider",
            "Online provider",
            "Not applicable",
            StatutoryLowAge="5",
            StatutoryHighAge="18",
        ),
        small_row(990203, "Online provider", "Online provider", "Not applicable"),
        small_row(990204, "Secure units", "Other types", "Not applicable"),
        small_row(990205, "Service children\u2019s education", "Other types", "Primary"),
        small_row(990206, "MISCELLANEOUS", "Other types", "Not applicable"),
        small_row(990207, "Welsh establishment", "Welsh schools", "Secondary"),
        small_row(990208, "Community school", "Local authority maintained schools", "Primary"),
        small_row(
            990209,
            "Higher education institutions",
            "Universities",
            "Not applicable",
            **{"EstablishmentStatus (name)": "Closed"},
        ),
    ]
    con, problems, schools = run_small(rows)
    assert list(schools) == ["990208"]
    (closed,) = [p for p in problems if p.column == "EstablishmentStatus (name)"]
    assert closed.message == "1 establishment that is closed or not yet open was left out."
    (non_school,) = [p for p in problems if p.column == "TypeOfEstablishment (name)"]
    assert non_school.severity == "warning"
    assert non_school.line is None
    assert non_school.message.startswith("7 establishments that are not schools were left out:")
    for part in (
        "Online provider (2)",
        "Higher education institutions (1)",
        "Secure units (1)",
        "Service children\u2019s education (1)",
        "MISCELLANEOUS (1)",
        "Welsh establishment (1)",
    ):
        assert part in non_school.message
    assert len(problems) == 2
    assert not table_exists(con, "hub__gias_stage")


def test_unmappable_school_is_left_out_with_its_line() -> None:
    rows = [
        small_row(990301, "Academy converter", "Academies", "Not applicable"),  # no ages
        small_row(990302, "Academy converter", "Academies", "Primary"),
    ]
    _, problems, schools = run_small(rows)
    assert list(schools) == ["990302"]
    (problem,) = problems
    assert problem.severity == "warning"
    assert problem.line == 2
    assert problem.column == "PhaseOfEducation (name)"
    assert problem.value == "Not applicable"
    assert "Invented School 990301 was left out" in problem.message


def test_status_names_compared_loosely_and_blank_status_reported() -> None:
    cs, la = "Community school", "Local authority maintained schools"
    rows = [
        small_row(990401, cs, la, "Primary", **{"EstablishmentStatus (name)": " OPEN "}),
        small_row(
            990402,
            cs,
            la,
            "Primary",
            **{"EstablishmentStatus (name)": "open, but proposed to close"},
        ),
        small_row(990403, cs, la, "Primary", **{"EstablishmentStatus (name)": "Proposed to open"}),
        small_row(990404, cs, la, "Primary", **{"EstablishmentStatus (name)": None}),
        [None] * len(SMALL_HEADER),  # an entirely empty row: ignored
        [" "] * len(SMALL_HEADER),
    ]
    _, problems, schools = run_small(rows)
    assert list(schools) == ["990401", "990402"]
    assert [(p.line, p.column, p.message) for p in problems] == [
        (
            None,
            "EstablishmentStatus (name)",
            "1 establishment that is closed or not yet open was left out.",
        ),
        (
            5,
            "EstablishmentStatus (name)",
            "This row has no establishment status, so it is not known to be open; it was left "
            "out. Check the row in Get Information about Schools.",
        ),
    ]


def test_values_rural_fsm_send_edge_cases() -> None:
    cs, la = "Community school", "Local authority maintained schools"
    rows = [
        small_row(
            990501,
            cs,
            la,
            "Primary",
            NumberOfPupils="200",
            SENStat="3",
            SENNoStat="21",
            PercentageFSM="7",
            **{"UrbanRural (name)": "(England/Wales) RURAL village"},
        ),
        small_row(
            990502,
            cs,
            la,
            "Primary",
            NumberOfPupils="200",
            SENStat="3",
            SENNoStat=None,
            PercentageFSM="not known",
            **{"UrbanRural (name)": "Not applicable"},
        ),
        small_row(
            990503,
            cs,
            la,
            "Primary",
            NumberOfPupils="10",
            SENStat="8",
            SENNoStat="8",
            PercentageFSM="SUPP",
            **{"UrbanRural (name)": "(England/Wales) Urban city and town"},
        ),
        small_row(
            990504,
            cs,
            la,
            "Primary",
            NumberOfPupils="3",
            SENStat="0",
            SENNoStat="1",
            PercentageFSM="0.0",
        ),
    ]
    _, problems, schools = run_small(rows)
    got = {u: (s["fsm_percent"], s["send_percent"], s["rural"]) for u, s in schools.items()}
    assert got == {
        "990501": ("7", "12", "yes"),
        "990502": (None, None, None),
        "990503": (None, None, "no"),  # SEN counts above the pupil count: not known
        "990504": ("0", "33.3", None),
    }
    (fsm,) = [p for p in problems if p.column == "PercentageFSM"]
    assert fsm.message.startswith("2 schools have a free school meals percentage")
    assert "SUPP, not known" in fsm.message
    (send,) = [p for p in problems if p.column == "SENStat"]
    assert (send.line, send.severity, send.value) == (4, "warning", "160.0")


def test_os_worked_example_coordinates() -> None:
    # Ordnance Survey's worked example (A guide to coordinate systems in Great Britain):
    # E 651409.903, N 313177.270 is about 52.657977 N, 1.716038 E in WGS84. A Helmert-only
    # transformation meets 2e-4 degrees.
    cs, la = "Community school", "Local authority maintained schools"
    rows = [
        small_row(990601, cs, la, "Primary", Easting="651409.903", Northing="313177.270"),
        small_row(990602, cs, la, "Primary", Easting="475500", Northing="260500"),
        small_row(990603, cs, la, "Primary", Easting="0", Northing="0"),
        small_row(990604, cs, la, "Primary", Easting="not known", Northing="260500"),
    ]
    _, problems, schools = run_small(rows)
    assert problems == []
    os_point = schools["990601"]
    assert abs(float(os_point["latitude"]) - 52.657977) < 2e-4
    assert abs(float(os_point["longitude"]) - 1.716038) < 2e-4
    northampton = schools["990602"]
    assert abs(float(northampton["latitude"]) - 52.2375) < 0.005
    assert abs(float(northampton["longitude"]) - (-0.8958)) < 0.005
    for urn in ("990603", "990604"):
        assert schools[urn]["latitude"] is None
        assert schools[urn]["longitude"] is None


def test_header_names_matched_loosely() -> None:
    header = [f"  {h.upper()} " for h in SMALL_HEADER]
    header[0] = "\ufeffURN"
    rows = [small_row(990701, "Community school", "Local authority maintained schools", "Primary")]
    _, problems, schools = run_small(rows, header)
    assert problems == []
    assert schools["990701"]["phase"] == "primary"
    assert schools["990701"]["local_authority"] == "West Northamptonshire"


def test_optional_columns_may_be_absent() -> None:
    header = SMALL_HEADER[:7]
    rows = [small_row(990801, "Community school", "Local authority maintained schools", "Primary")]
    _, problems, schools = run_small([r[:7] for r in rows], header)
    (no_lsoa,) = problems
    assert (no_lsoa.line, no_lsoa.column, no_lsoa.severity) == (1, "LSOA (code)", "warning")
    assert "no 'LSOA (code)' column, so no school was given a deprivation decile" in (
        no_lsoa.message
    )
    school = schools["990801"]
    assert school["phase"] == "primary"
    for column in ("district", "postcode", "latitude", "longitude", "pupils", "send_percent"):
        assert school[column] is None


@pytest.mark.parametrize(
    "missing",
    [
        "URN",
        "EstablishmentName",
        "EstablishmentStatus (name)",
        "PhaseOfEducation (name)",
        "TypeOfEstablishment (name)",
        "EstablishmentTypeGroup (name)",
        "LA (name)",
    ],
)
def test_missing_required_column_is_an_error_and_no_table(missing: str) -> None:
    header, rows = read_fixture()
    keep = [i for i, h in enumerate(header) if h != missing]
    con = duckdb.connect()
    make_raw(con, [[r[i] for i in keep] for r in rows], len(keep))
    problems = gias_to_hub_shape(con, "raw_upload", [header[i] for i in keep], "hub")
    assert len(problems) == 1
    (problem,) = problems
    assert problem.severity == "error"
    assert problem.line == 1
    assert problem.column == missing
    assert problem.value is None
    assert f"no '{missing}' column" in problem.message
    assert "Download the extract" in problem.message
    assert not table_exists(con, "hub")


def test_deciles_come_from_the_lsoa_lookup_and_the_rest_are_counted() -> None:
    cs, la = "Community school", "Local authority maintained schools"
    rows = [
        small_row(990901, cs, la, "Primary", **{"LSOA (code)": "E01099901"}),
        small_row(990902, cs, la, "Primary", **{"LSOA (code)": " e01099902 "}),
        small_row(990903, cs, la, "Primary", **{"LSOA (code)": "E01099777"}),
        small_row(990904, cs, la, "Primary", **{"LSOA (code)": None}),
        small_row(990905, cs, la, "Primary", **{"EstablishmentStatus (name)": "Closed"}),
    ]
    con = duckdb.connect()
    make_raw(con, rows, len(SMALL_HEADER))
    lookup = make_lookup(con, {"E01099901": 1, "E01099902": 10, "E01099905": 4})
    problems = gias_to_hub_shape(con, "raw_upload", SMALL_HEADER, "hub", lookup)
    schools = fetch_by_urn(con)
    assert {u: s["imd_decile"] for u, s in schools.items()} == {
        "990901": "1",
        "990902": "10",  # trimmed and upper-cased as GIAS writes codes
        "990903": None,  # not in the lookup
        "990904": None,  # no LSOA code
    }
    (deciles,) = [p for p in problems if p.column == "LSOA (code)"]
    assert (deciles.line, deciles.severity) == (None, "warning")
    assert deciles.message == (
        "2 schools have no deprivation decile: 1 has no LSOA code and 1 has an LSOA code that "
        "the English Indices of Deprivation 2019 do not list (E01099777; the Indices use the "
        "areas of the 2011 census). Their decile is recorded as not known."
    )
    assert not table_exists(con, "hub__gias_deciles")
