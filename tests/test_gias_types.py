"""The table of GIAS types of establishment: the code's, the contract's, and a real load's.

The rule "state-funded follows the DfE's definition from the type" is written once, as
ESTABLISHMENT_TYPES; docs/data-contract.md holds the same table, read here so that the two
cannot drift, and every type is loaded through `load_file` to see it classed as they say.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from gias_fixture import GIAS, extract, ship_deciles

from hubmetrics import store
from hubmetrics.contract import PHASES
from hubmetrics.contract.establishment_types import (
    ESTABLISHMENT_TYPES,
    FUNDINGS,
    establishment_type,
    type_key,
)
from hubmetrics.ingest import load_file

CONTRACT = Path(__file__).parent.parent / "docs" / "data-contract.md"
TABLE_TITLE = "#### Every GIAS type of establishment, and how the hub classes it"
UNKNOWN_URN = 992999  # every_type_2025.csv's one type the table does not hold


def doc_table() -> list[tuple[int, str, str, str, str | None]]:
    """(code, name, group, class, phase or None) of every row of the contract's table."""
    text = CONTRACT.read_text(encoding="utf-8")
    after = text[text.index(TABLE_TITLE) :].splitlines()[1:]
    first = next(i for i, line in enumerate(after) if line.startswith("|"))
    lines = []
    for line in after[first:]:  # the table: every line up to the first that is not a row
        if not line.startswith("|"):
            break
        lines.append(line)
    header, rule, *rows = lines
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "code",
        "`TypeOfEstablishment (name)`",
        "GIAS type group",
        "class",
        "phase",
    ]
    assert set(rule.replace("|", "")) == {"-"}
    out = []
    for line in rows:
        code, name, group, funding, phase = (c.strip() for c in line.strip("|").split("|"))
        fixed = re.fullmatch(r"`(\w+)`", phase)
        assert fixed or phase in ("its phase of education", "—"), line
        out.append((int(code), name, group, funding, fixed.group(1) if fixed else None))
    return out


def test_the_contracts_table_is_the_codes() -> None:
    assert doc_table() == [
        (t.code, t.name, t.group, t.funding, t.phase) for t in ESTABLISHMENT_TYPES
    ]


def test_the_table_is_whole_and_well_formed() -> None:
    codes = [t.code for t in ESTABLISHMENT_TYPES]
    assert codes == sorted(set(codes))
    assert len({type_key(t.name) for t in ESTABLISHMENT_TYPES}) == len(codes) == 41
    for t in ESTABLISHMENT_TYPES:
        assert t.funding in FUNDINGS
        assert t.phase is None or t.phase in PHASES
        assert t.funding != "not a school" or t.phase is None  # left out: it has no phase


@pytest.mark.parametrize(
    ("name", "funding"),
    [
        # The reported case: GIAS groups it with "Special schools".
        ("Other independent special school", "not state-funded"),
        ("Non-maintained special school", "not state-funded"),
        ("Other independent school", "not state-funded"),
        ("Special post 16 institution", "not state-funded"),
        # GIAS groups it with "Independent schools", but the state funds it.
        ("City technology college", "state-funded"),
        ("Community special school", "state-funded"),
        ("Pupil referral unit", "state-funded"),
        ("Studio schools", "state-funded"),
        ("University technical college", "state-funded"),
        ("Academy converter", "state-funded"),
        ("Free schools", "state-funded"),
        ("Voluntary aided school", "state-funded"),
        ("British schools overseas", "not a school"),
        ("Welsh establishment", "not a school"),
        ("Children's centre", "not a school"),
        ("Online provider", "not a school"),
    ],
)
def test_the_dfes_definition(name: str, funding: str) -> None:
    found = establishment_type(name)
    assert found is not None and found.funding == funding


def test_types_are_compared_by_their_words() -> None:
    assert establishment_type("  OTHER independent   special SCHOOL ") == establishment_type(
        "Other independent special school"
    )
    assert establishment_type("Service children\u2019s education") == establishment_type(
        "Service children's education"
    )
    assert establishment_type("Academy music conservatoire") is None


# --- every type through the real load -------------------------------------------------------


@pytest.fixture()
def every_type(empty_db: store.Connection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    ship_deciles(monkeypatch, tmp_path, {})
    result = load_file(empty_db, "schools", GIAS / "every_type_2025.csv")
    assert result.accepted, result.errors
    stored = dict(empty_db.execute("SELECT urn, state_funded FROM schools ORDER BY urn").fetchall())
    phases = dict(empty_db.execute("SELECT urn, phase FROM schools ORDER BY urn").fetchall())
    return result, stored, phases


def test_every_type_is_classed_as_the_table_says_through_the_load(every_type) -> None:
    _, stored, phases = every_type
    for t in ESTABLISHMENT_TYPES:
        urn = 992000 + t.code
        if t.funding == "not a school":
            assert urn not in stored, t.name
            continue
        assert stored[urn] is (t.funding == "state-funded"), t.name
        # The fixture's rows are Primary, ages 4-11, unless the type fixes the phase.
        assert phases[urn] == (t.phase or "primary"), t.name


def test_types_that_are_not_schools_are_counted_in_a_warning(every_type) -> None:
    result, _, _ = every_type
    not_schools = [t for t in ESTABLISHMENT_TYPES if t.funding == "not a school"]
    start = f"{len(not_schools)} establishments that are not schools were left out: "
    (left_out,) = [p for p in result.warnings if p.message.startswith(start)]
    assert left_out.line is None and left_out.column == "TypeOfEstablishment (name)"
    for t in not_schools:
        assert f"{t.name} (1)" in left_out.message


def test_a_type_not_in_the_table_is_kept_not_state_funded_with_a_warning(every_type) -> None:
    result, stored, phases = every_type
    assert stored[UNKNOWN_URN] is False
    assert phases[UNKNOWN_URN] == "primary"
    unknown = [p for p in result.warnings if p.column == "TypeOfEstablishment (name)" and p.line]
    assert [(p.line, p.value) for p in unknown] == [
        (len(ESTABLISHMENT_TYPES) + 2, "Academy music conservatoire")
    ]
    (problem,) = unknown
    assert "'Academy music conservatoire' (type group 'Other types')" in problem.message
    assert "not in the hub's table of GIAS types" in problem.message
    assert "not counted among the state-funded schools" in problem.message


def test_the_fixture_has_one_row_of_every_type() -> None:
    rows = list(csv.reader(io.StringIO(extract("every_type_2025.csv").decode("cp1252"))))
    header, rows = rows[0], rows[1:]
    kind = header.index("TypeOfEstablishment (name)")
    assert [(int(r[0]), r[kind]) for r in rows] == [
        *((992000 + t.code, t.name) for t in ESTABLISHMENT_TYPES),
        (UNKNOWN_URN, "Academy music conservatoire"),
    ]
