"""The synthetic demo data: its shape, its figures and that it is what the generator writes."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from hubmetrics import contract
from hubmetrics.config import DEMO_DIR, TEMPLATES_DIR
from hubmetrics.demo.files import write_demo_files
from hubmetrics.demo.manifest import SYNTHETIC_NOTE, read_manifest
from hubmetrics.demo.partners import BREAKDOWNS as COUNTS

SCHOOL_AGE = ("ks1", "ks2", "ks3", "ks4", "ks5")
FILE_NAME = re.compile(
    r"^(activities|participants)_([A-Z0-9_-]+)_(\d{4})-(\d{2})_(autumn|spring|summer)\.csv$"
)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@functools.cache
def _date(text: str) -> dt.date:
    if "/" in text:
        day, month, year = (int(p) for p in text.split("/"))
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)


def _year(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _term(day: dt.date) -> str:
    return "autumn" if day.month >= 9 else "spring" if day.month <= 3 else "summer"


def _start(row: dict[str, str]) -> dt.date:
    return _date(row["start_date"])


def _int(text: str) -> int | None:
    return int(text) if text != "" else None


@pytest.fixture(scope="module")
def schools() -> list[dict[str, str]]:
    return _read(DEMO_DIR / "schools.csv")[1]


@pytest.fixture(scope="module")
def state_schools(schools: list[dict[str, str]]) -> list[dict[str, str]]:
    return [s for s in schools if s["state_funded"] == "yes"]


@pytest.fixture(scope="module")
def partners() -> list[dict[str, str]]:
    return _read(DEMO_DIR / "partners.csv")[1]


@pytest.fixture(scope="module")
def activities() -> list[dict[str, str]]:
    """Every activity row, with the file it came from and its parsed start date."""
    rows = []
    for path in sorted(DEMO_DIR.glob("activities_*.csv")):
        for row in _read(path)[1]:
            row["_file"] = path.name
            rows.append(row)
    return rows


def _in_year(activities: list[dict[str, str]], year: int) -> list[dict[str, str]]:
    return [r for r in activities if _year(_start(r)) == year]


# -- generation -------------------------------------------------------------------------------


def test_generation_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert write_demo_files(first) == write_demo_files(second)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_committed_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    entries = write_demo_files(tmp_path)
    committed = sorted(p.name for p in DEMO_DIR.iterdir() if p.is_file())
    assert committed == sorted(p.name for p in tmp_path.iterdir())
    for name in committed:
        assert (DEMO_DIR / name).read_bytes() == (tmp_path / name).read_bytes(), (
            f"{name} is stale: run python -m hubmetrics.demo"
        )
    assert read_manifest(DEMO_DIR) == entries


def test_every_file_says_it_is_synthetic_and_csvs_hold_only_header_and_rows() -> None:
    assert SYNTHETIC_NOTE in (DEMO_DIR / "README.md").read_text(encoding="utf-8")
    _, manifest = _read(DEMO_DIR / "manifest.csv")
    assert all(row["note"] == SYNTHETIC_NOTE for row in manifest)
    for path in DEMO_DIR.glob("*.csv"):
        first = path.read_text(encoding="utf-8-sig").splitlines()[0]
        assert not first.startswith("#"), path.name
        if path.name != "manifest.csv":
            match = FILE_NAME.match(path.name)
            kind = match.group(1) if match else path.stem
            assert first.split(",") == list(contract.file_kind(kind).column_names), path.name


# -- partners and schools -----------------------------------------------------------------------


def test_partners(partners: list[dict[str, str]]) -> None:
    assert 18 <= len(partners) <= 22
    assert {p["partner_type"] for p in partners} == set(contract.PARTNER_TYPES)
    lead = next(p for p in partners if p["partner_id"] == "NMPAT")
    assert lead["partner_type"] == "lead"
    assert lead["name"] == "Northamptonshire Music and Performing Arts Trust"
    pattern = re.compile(contract.PARTNERS.column("partner_id").pattern or "")
    ids = [p["partner_id"] for p in partners]
    assert len(set(ids)) == len(ids)
    assert all(pattern.match(i) and i == i.upper() for i in ids)
    assert all(p["website"].startswith("https://example.org/") for p in partners)


def test_schools_shape(schools: list[dict[str, str]], state_schools: list[dict[str, str]]) -> None:
    assert 280 <= len(schools) <= 320
    assert {s["local_authority"] for s in schools} == {
        "North Northamptonshire",
        "West Northamptonshire",
        "Rutland",
    }
    assert {s["district"] for s in schools} == {
        "Corby",
        "East Northamptonshire",
        "Kettering",
        "Wellingborough",
        "Daventry",
        "Northampton",
        "South Northamptonshire",
        "Rutland",
    }
    urns = [s["urn"] for s in schools]
    assert len(set(urns)) == len(urns)
    assert all(re.fullmatch(r"9\d{5}", u) for u in urns)
    phases = Counter(s["phase"] for s in state_schools)
    assert set(phases) == set(contract.PHASES)
    assert 30 <= phases["secondary"] <= 40
    assert 8 <= phases["special"] <= 12
    assert 8 <= phases["nursery"] <= 12
    assert 10 <= len(schools) - len(state_schools) <= 14
    assert all(s["send_percent"] == "100.0" for s in state_schools if s["phase"] == "special")
    for school in schools:
        if school["latitude"]:
            assert 52.0 <= float(school["latitude"]) <= 52.75
            assert -1.35 <= float(school["longitude"]) <= -0.45
        assert re.fullmatch(r"(NN|LE|MK|PE)\d{1,2} \d[A-Z]{2}", school["postcode"])
    rural = sum(s["rural"] == "yes" for s in schools) / len(schools)
    assert 0.22 <= rural <= 0.38
    # a few cells not recorded
    assert any(s["fsm_percent"] == "" for s in state_schools)
    assert any(s["imd_decile"] == "" for s in state_schools)


def test_pupils_and_free_school_meals(state_schools: list[dict[str, str]]) -> None:
    assert 110_000 <= sum(int(s["pupils"]) for s in state_schools) <= 130_000
    known = [s for s in state_schools if s["fsm_percent"] and s["pupils"]]

    def rate(rows: list[dict[str, str]]) -> float:
        weighted = sum(int(s["pupils"]) * float(s["fsm_percent"]) for s in rows)
        return weighted / sum(int(s["pupils"]) for s in rows)

    assert 15.0 <= rate(known) <= 20.0
    districts = ("Corby", "Northampton", "Wellingborough", "South Northamptonshire", "Rutland")
    by_district = {d: rate([s for s in known if s["district"] == d]) for d in districts}
    for high in ("Corby", "Northampton", "Wellingborough"):
        assert by_district[high] > rate(known)
    for low in ("South Northamptonshire", "Rutland"):
        assert by_district[low] < 0.6 * rate(known)


# -- activities ---------------------------------------------------------------------------------


def test_years_terms_and_file_names(activities: list[dict[str, str]]) -> None:
    assert 5_000 <= len(activities) <= 8_000
    by_year = Counter(_year(_start(r)) for r in activities)
    assert set(by_year) == {2023, 2024, 2025}
    assert by_year[2024] > by_year[2023]
    assert not [r for r in _in_year(activities, 2025) if _term(_start(r)) == "summer"]
    for row in activities:
        match = FILE_NAME.match(row["_file"])
        assert match, row["_file"]
        _, partner, year, _, term = match.groups()
        start = _start(row)
        assert row["partner_id"] == partner
        assert (_year(start), _term(start)) == (int(year), term), row["_file"]


def test_dates_iso_and_uk(activities: list[dict[str, str]]) -> None:
    uk = {r["partner_id"] for r in activities if "/" in r["start_date"]}
    assert 1 <= len(uk) <= 2
    for row in activities:
        if row["end_date"]:
            assert _date(row["end_date"]) >= _start(row)


def test_counts_obey_the_contract(activities: list[dict[str, str]]) -> None:
    for row in activities:
        n = int(row["participants"])
        assert n >= 0
        values = {c: _int(row[c]) for c in COUNTS}
        for column, value in values.items():
            assert value is None or 0 <= value <= n, (column, row)
        if values["female"] is not None and values["male"] is not None:
            assert values["female"] + values["male"] <= n
        if values["ehcp"] is not None:
            assert values["ehcp"] <= (values["send"] if values["send"] is not None else n)
        for column in ("sessions", "contact_hours"):
            assert row[column] == "" or float(row[column]) >= 0
        assert row["activity_type"] in contract.ACTIVITY_TYPES
        assert row["genre"] == "" or row["genre"] in contract.GENRES
        assert row["level"] == "" or row["level"] in contract.LEVELS
        assert row["age_band"] in contract.AGE_BANDS
    # breakdowns are recorded by most, not all
    for column in ("female", "fsm", "send", "global_majority"):
        blank = sum(r[column] == "" for r in activities) / len(activities)
        assert 0.01 < blank < 0.5, column


def test_keys_unique_across_all_files(activities: list[dict[str, str]]) -> None:
    keys = Counter((r["partner_id"], r["activity_id"], _start(r)) for r in activities)
    assert [k for k, n in keys.items() if n > 1] == []


def test_partners_and_schools_referenced(
    activities: list[dict[str, str]],
    partners: list[dict[str, str]],
    schools: list[dict[str, str]],
) -> None:
    assert {r["partner_id"] for r in activities} == {p["partner_id"] for p in partners}
    urns = {s["urn"] for s in schools}
    unknown = [r for r in activities if r["school_urn"] and r["school_urn"] not in urns]
    assert 1 <= len(unknown) <= 2
    venues = [r for r in activities if not r["school_urn"]]
    assert venues and all(r["venue_postcode"] for r in venues)


def test_cold_spots_and_rural_schools(
    activities: list[dict[str, str]], state_schools: list[dict[str, str]]
) -> None:
    urns = {s["urn"] for s in state_schools}
    rural = {s["urn"] for s in state_schools if s["rural"] == "yes"}
    for year in (2023, 2024, 2025):
        reached = {r["school_urn"] for r in _in_year(activities, year)} & urns
        assert 0.18 <= 1 - len(reached) / len(urns) <= 0.32, year
        urban = urns - rural
        assert len(rural - reached) / len(rural) > len(urban - reached) / len(urban)


def test_under_representation_in_corby_and_wellingborough(
    activities: list[dict[str, str]], schools: list[dict[str, str]]
) -> None:
    by_urn = {s["urn"]: s for s in schools}
    for district in ("Corby", "Wellingborough"):
        rows = [
            r
            for r in activities
            if r["school_urn"] in by_urn
            and by_urn[r["school_urn"]]["district"] == district
            and by_urn[r["school_urn"]]["fsm_percent"]
            and r["fsm"]
            and r["age_band"] in SCHOOL_AGE
        ]
        taking_part = sum(int(r["fsm"]) for r in rows) / sum(int(r["participants"]) for r in rows)
        expected = sum(
            int(r["participants"]) * float(by_urn[r["school_urn"]]["fsm_percent"]) / 100
            for r in rows
        ) / sum(int(r["participants"]) for r in rows)
        assert taking_part < 0.7 * expected, district


def test_patterns_a_hub_sees(activities: list[dict[str, str]]) -> None:
    def total(rows: list[dict[str, str]]) -> int:
        return sum(int(r["participants"]) for r in rows)

    wcet = [r for r in activities if r["activity_type"] == "wcet"]
    assert total([r for r in wcet if r["age_band"] == "ks2"]) > 0.95 * total(wcet)
    assert Counter(r["partner_id"] for r in wcet).most_common(1)[0][0] == "NMPAT"
    tuition = [r for r in activities if r["activity_type"].startswith("tuition")]
    by_age = Counter(r["age_band"] for r in tuition)
    assert by_age["ks2"] > by_age["ks4"] and by_age["ks3"] > by_age["ks4"] > by_age["ks5"]
    advanced = [r for r in activities if r["level"] == "advanced"]
    assert total([r for r in advanced if r["age_band"] in ("ks4", "ks5")]) > 0.8 * total(advanced)
    assert any(r["age_band"] == "early_years" for r in activities)
    assert any(r["activity_type"] == "cpd" and r["age_band"] == "adult" for r in activities)
    genres: Counter[str] = Counter()
    for r in activities:
        genres[r["genre"]] += int(r["participants"])
    assert genres.most_common(1)[0][0] == "classical"
    assert all(genres[g] > 0 for g in ("rock_pop", "music_technology", "world", "folk", "jazz"))
    # a continuation rate can be worked out, year on year
    for year in (2024, 2025):
        continuing = sum(int(r["continuing_from_wcet"] or 0) for r in _in_year(activities, year))
        before = total([r for r in _in_year(activities, year - 1) if r["activity_type"] == "wcet"])
        assert 0.08 <= continuing / before <= 0.4


# -- manifest ---------------------------------------------------------------------------------


def test_manifest() -> None:
    entries = read_manifest(DEMO_DIR)
    assert [e.kind for e in entries[:2]] == ["partners", "schools"]
    assert all(e.submitted_by == "data@nmpat.example" for e in entries[:2])
    returns = [e for e in entries[2:] if e.kind == "activities"]
    records = [e for e in entries[2:] if e.kind == "participants"]
    assert len(returns) + len(records) == len(entries) - 2
    assert [e.received_on for e in entries[2:]] == sorted(e.received_on for e in entries[2:])
    # The lead partner's records come each term with its activity return, loaded after it.
    assert len(records) == 8
    names = [e.file_name for e in entries]
    for entry in records:
        returned = entry.file_name.replace("participants_", "activities_")
        assert names.index(returned) < names.index(entry.file_name)
        sent_with = entries[names.index(returned)]
        assert (sent_with.received_on, sent_with.submitted_by, entry.partner_id) == (
            entry.received_on,
            entry.submitted_by,
            "NMPAT",
        )
    assert {p.name for p in DEMO_DIR.glob("*.csv")} - {"manifest.csv"} == {
        e.file_name for e in entries
    }
    for entry in returns:
        assert entry.submitted_by == f"returns@{str(entry.partner_id).lower()}.example"
        match = FILE_NAME.match(entry.file_name)
        assert match and match.group(2) == entry.partner_id
        _, rows = _read(DEMO_DIR / entry.file_name)
        assert rows and max(_date(r["start_date"]) for r in rows) <= entry.received_on
        assert entry.received_on <= dt.date(2026, 3, 10)
    current_spring = {e.partner_id for e in returns if e.file_name.endswith("2025-26_spring.csv")}
    current_autumn = {e.partner_id for e in returns if e.file_name.endswith("2025-26_autumn.csv")}
    assert 2 <= len(current_autumn - current_spring) <= 3


# -- templates --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", contract.KINDS)
def test_templates(kind: str) -> None:
    header, rows = _read(TEMPLATES_DIR / f"{kind}.csv")
    assert header == list(contract.file_kind(kind).column_names)
    assert len(rows) == 2
    assert all(any(v for v in row.values()) for row in rows)


def test_the_templates_load_together(tmp_path: Path) -> None:
    """Each template is a valid file: the participants belong to the template's activities."""
    from hubmetrics import store
    from hubmetrics.ingest import load_file

    con = store.connect(tmp_path / "hub.duckdb")
    try:
        for kind in contract.KINDS:
            result = load_file(con, kind, TEMPLATES_DIR / f"{kind}.csv")
            assert result.accepted, (kind, result.errors)
            assert result.rows == 2
    finally:
        con.close()


# -- the demo loads -----------------------------------------------------------------------------


def test_demo_loads_through_the_normal_ingestion(tmp_path: Path) -> None:
    from hubmetrics import store
    from hubmetrics.demo.build import build_demo

    con = store.connect(tmp_path / "demo.duckdb")
    try:
        results = build_demo(con, DEMO_DIR)
    finally:
        con.close()
    assert all(r.accepted for r in results)
    warnings = [w for r in results for w in r.warnings]
    assert 1 <= len(warnings) <= 2
    assert all(w.column == "school_urn" for w in warnings)


def test_opening_the_demo_database_loads_no_generator() -> None:
    """The app opens its database through `hubmetrics.demo.build`, which reads the manifest
    only: none of the generator, its tables of places, schools and partners, or its writers."""
    generator = {
        f"hubmetrics.demo.{name}"
        for name in (
            "generator",
            "activity_kinds",
            "music_services",
            "arts_and_education",
            "community",
            "programmes",
            "places",
            "schools",
            "partners",
            "draws",
            "dates",
            "files",
            "templates",
            "cli",
        )
    }
    script = (
        "import json, sys\n"
        "import hubmetrics.demo.build\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('hubmetrics.demo'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    loaded = set(json.loads(out))
    assert "hubmetrics.demo.manifest" in loaded
    assert loaded & generator == set()


# -- the lead partner's pseudonymised records -----------------------------------------------------


@pytest.fixture(scope="module")
def records() -> list[dict[str, str]]:
    rows = []
    for path in sorted(DEMO_DIR.glob("participants_*.csv")):
        rows += _read(path)[1]
    return rows


def test_records_fill_the_lead_partners_recorded_activities(
    activities: list[dict[str, str]], records: list[dict[str, str]]
) -> None:
    from hubmetrics.demo.participants import RECORDED_TYPES

    per_activity = Counter((r["partner_id"], r["activity_id"], r["start_date"]) for r in records)
    recorded = {
        (a["partner_id"], a["activity_id"], a["start_date"]): int(a["participants"])
        for a in activities
        if a["partner_id"] == "NMPAT" and a["activity_type"] in RECORDED_TYPES
    }
    assert {k: n for k, n in recorded.items() if n} == dict(per_activity)
    assert 30_000 <= len(records) <= 40_000


def test_records_identify_nobody(records: list[dict[str, str]]) -> None:
    assert all(re.fullmatch(contract.PSEUDONYM_RE, r["participant_ref"]) for r in records)
    text = "".join(p.read_text() for p in DEMO_DIR.glob("participants_*.csv"))
    assert not re.search(r"[A-Z][0-9]{12}", text), "no pupil number is ever written"
    assert all(re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]?", r["postcode_district"]) for r in records)


def test_the_demos_pathways_are_believable(demo) -> None:
    from hubmetrics.metrics import compute_metrics
    from hubmetrics.metrics.pathways import progression

    for year in ("2024/25", "2025/26"):
        v = compute_metrics(demo, year)
        assert v["unique_participants"].value < v["participations"].value
        assert 0.1 <= v["unique_continuation_rate"].value <= 0.3  # most stop after wcet
    p = progression(demo)
    assert p.cohorts.keys() == {"2023/24", "2024/25", "2025/26"}
    later = next(s for s in p.steps if (s.cohort, s.year) == ("2023/24", "2025/26"))
    assert 0 < later.advanced <= 0.01 * later.cohort_size  # a few go all the way
    assert later.ensemble > later.advanced and later.tuition > later.advanced
