"""Reach by IMD decile: the figures on hand-made data, worked out by hand, and what a reader
may see of them without undoing the cross-table's protection (docs/suppression.md)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

import numpy as np
import pytest

from hubmetrics import store
from hubmetrics.disclosure.by_decile import Piece, decile_guard, decile_pieces, hide_deciles
from hubmetrics.disclosure.cross_table import MEASURES, NO_SCHOOL, protection
from hubmetrics.disclosure.differencing import Protection
from hubmetrics.disclosure.suppression import SUPPRESSED
from hubmetrics.metrics import Filters, compute_metrics
from hubmetrics.metrics.deprivation import DECILES, reach_by_decile
from hubmetrics.metrics.reach_tables import by_decile, decile_rows_shown
from tests.hub_fixture import ACTIVITIES_HEADER, load_synthetic_lists, load_text

NORTH = "North Northamptonshire"
C = SUPPRESSED

# --- the figures: the hand-made hub of tests/hub_fixture.py ---------------------------------
#
#   school  LA     decile  state  pupils   activity (2025/26)
#   900001  North  2       yes    420      A1 NMPAT ks2 28
#   900002  North  5       yes    1200     R1 ROCK-NN ks3 12
#   900003  West   9       yes    210      (none)
#   900004  Rutland none   no     300      (none; independent)
#   no school                              A2 NMPAT ks4 40
#
# Whole hub: participations 28 + 12 + 40 = 80; state-funded pupils 420 + 1200 + 210 = 1830.


def test_reach_by_decile_whole_hub(loaded_db: store.Connection) -> None:
    found = {d.decile: d for d in reach_by_decile(loaded_db, "2025/26")}
    assert list(found) == list(DECILES)
    got = {
        d: (r.participations, r.schools_engaged, r.state_schools, r.pupils)
        for d, r in found.items()
    }
    assert got == {
        1: (0, 0, 0, 0),
        2: (28, 1, 1, 420),
        3: (0, 0, 0, 0),
        4: (0, 0, 0, 0),
        5: (12, 1, 1, 1200),
        6: (0, 0, 0, 0),
        7: (0, 0, 0, 0),
        8: (0, 0, 0, 0),
        9: (0, 0, 1, 210),
        10: (0, 0, 0, 0),
        None: (40, 0, 0, 0),  # the choir at no school; the independent school is not counted
    }
    # The deciles add up to the engine's own figures for the whole hub.
    whole = compute_metrics(loaded_db, "2025/26")
    assert sum(r.participations for r in found.values()) == whole["participations"].value
    assert sum(r.schools_engaged for r in found.values()) == whole["schools_engaged"].value
    assert sum(r.state_schools for r in found.values()) == whole["state_schools"].value
    assert sum(r.pupils for r in found.values()) == whole["state_school_pupils"].value == 1830


def test_reach_by_decile_for_one_local_authority(loaded_db: store.Connection) -> None:
    found = {
        d.decile: d for d in reach_by_decile(loaded_db, "2025/26", Filters(local_authority=NORTH))
    }
    assert (found[2].participations, found[2].pupils) == (28, 420)
    assert (found[5].participations, found[5].pupils) == (12, 1200)
    assert found[9].state_schools == 0  # West's school is not North's
    assert found[None].participations == 0  # with an LA chosen, no-school rows are out


def test_the_decile_table_rows(loaded_db: store.Connection) -> None:
    table = by_decile(reach_by_decile(loaded_db, "2025/26"))
    rows = {r["IMD decile"]: r for r in table.rows}
    # Deciles 1-10 always, and "No decile" because it has participations.
    assert list(rows) == [
        "1 (most deprived)",
        *map(str, range(2, 10)),
        "10 (least deprived)",
        "No decile",
    ]
    assert rows["2"]["Participations"] == 28
    assert rows["2"]["Share of participations"] == pytest.approx(35.0)  # 28 / 80
    assert rows["2"]["Share of the area's pupils"] == pytest.approx(100 * 420 / 1830)
    assert rows["5"]["Share of participations"] == pytest.approx(15.0)  # 12 / 80
    assert rows["9"]["Schools engaged"] == 0 and rows["9"]["State-funded schools"] == 1
    assert rows["No decile"]["Share of participations"] == pytest.approx(50.0)  # 40 / 80
    assert rows["No decile"]["Share of the area's pupils"] == pytest.approx(0.0)
    assert table.counts == ["Participations"]
    hidden = decile_rows_shown(table, {d: (C if d == 5 else 0) for d in DECILES})
    five = next(r for r in hidden if r["IMD decile"] == "5")
    assert (five["Participations"], five["Share of participations"]) == (C, C)
    assert five["Share of the area's pupils"] == pytest.approx(100 * 1200 / 1830)


# --- what a reader may see: hand-made pieces and protections ---------------------------------


def piece(partner: str, la: str, unit: str, decile: int | None, n: int) -> Piece:
    return Piece(partner, la, (partner, la, unit), decile, n)


NOTHING_HIDDEN = Protection(hidden=frozenset(), primary=frozenset())


def totals(pieces: list[Piece]) -> dict[int | None, int]:
    out = dict.fromkeys(DECILES, 0)
    for p in pieces:
        out[p.decile] += p.participations
    return out


def test_one_group_a_small_decile_gets_a_second_hidden_beside_it() -> None:
    # One unit of rows at schools of deciles 1, 2 and 3: the cross-table cannot tell them
    # apart, so the only line is the deciles with the hub's total (33).
    pieces = [piece("P", "A", "u", 1, 20), piece("P", "A", "u", 2, 3), piece("P", "A", "u", 3, 10)]
    guard = decile_guard(pieces, NOTHING_HIDDEN)
    assert guard.groups == (frozenset({1, 2, 3}),) and guard.safe
    shown = hide_deciles(totals(pieces), guard)
    # 3 is small; 10 is the smallest other part, hidden so that 33 - 20 does not give 3 away.
    assert (shown[1], shown[2], shown[3]) == (20, C, C)
    assert all(shown[d] == 0 for d in DECILES if d not in (1, 2, 3))


def test_the_rows_at_no_school_are_a_group_of_their_own_shown_when_their_view_is() -> None:
    pieces = [
        piece("P", "A", "u", 1, 20),
        piece("P", "A", "u", 2, 30),
        piece("Q", NO_SCHOOL, "v", None, 40),
    ]
    guard = decile_guard(pieces, NOTHING_HIDDEN)
    assert guard.groups == (frozenset({1, 2}), frozenset({None})) and guard.safe
    assert hide_deciles(totals(pieces), guard)[None] == 40
    # With both areas hidden in the cross-table, "No decile" (= the no-school view) would
    # give one away: every decile is hidden.
    both = Protection(
        hidden=frozenset(
            {("participations", None, NO_SCHOOL, None), ("participations", None, "A", None)}
        ),
        primary=frozenset(),
    )
    guard = decile_guard(pieces, both)
    assert not guard.safe
    assert {d: v for d, v in hide_deciles(totals(pieces), guard).items() if v} == {
        1: C,
        2: C,
        None: C,
    }


def test_a_group_that_is_part_of_an_area_hides_every_decile() -> None:
    # Area A's rows of decile 3 are a unit of their own: decile 3 alone is a piece of A that
    # no view shows, so it would add a new figure to subtract from.
    pieces = [
        piece("P", "A", "u", 1, 20),
        piece("P", "A", "u", 2, 30),
        piece("Q", "A", "w", 3, 25),
    ]
    guard = decile_guard(pieces, NOTHING_HIDDEN)
    assert guard.groups == (frozenset({1, 2}), frozenset({3}))
    assert not guard.safe
    assert hide_deciles(totals(pieces), guard) == {**dict.fromkeys(DECILES, 0), 1: C, 2: C, 3: C}


def test_a_partner_knows_its_own_pieces_which_join_nothing() -> None:
    pieces = [
        piece("P", "A", "u", 1, 20),
        piece("P", "A", "u", 2, 30),
        piece("Q", "B", "w", 3, 25),  # Q's own: decile 3 holds nothing Q does not know
    ]
    mine = Protection(hidden=frozenset(), primary=frozenset(), known_partner="Q")
    guard = decile_guard(pieces, mine)
    assert guard.groups == (frozenset({1, 2}),) and guard.safe
    assert hide_deciles(totals(pieces), guard)[3] == 25


# --- the attack: a generated hub, its real protection, every view a viewer can reach ---------

YEAR = "2025/26"
THRESHOLD = 4
PARTNERS = ("ALPHA", "BRAVO", "CHARLIE")
SCHOOLS = {  # urn: (local authority, decile) of synthetic schools
    920001: ("North Northamptonshire", 1),
    920002: ("North Northamptonshire", 2),
    920003: ("North Northamptonshire", 8),
    920004: ("West Northamptonshire", 2),
    920005: ("West Northamptonshire", 6),
}
BANDS = ("ks2", "ks3")
TYPES = ("wcet", "ensemble")
# Which rows each count of participants adds up, for these rows' bands and types (metrics.md).
COUNTS_ROW = {
    "participations": lambda r: True,
    "cyp_participations": lambda r: True,
    "school_age_participations": lambda r: True,
    "early_years_participations": lambda r: False,
    "adult_participations": lambda r: False,
    "wcet_pupils": lambda r: r["type"] == "wcet",
    "instrumental_learners": lambda r: False,
    "singing_participants": lambda r: False,
    "ensemble_members": lambda r: r["type"] == "ensemble",
    "advanced_participants": lambda r: False,
    "creative_participants": lambda r: False,
    "cpd_participants": lambda r: False,
}


def _generated(con: store.Connection, seed: int) -> list[dict[str, object]]:
    """Three partners at five schools of four deciles and at no school, 90 rows, a third of
    them small; one small row at the only decile-8 school."""
    rng = random.Random(seed)
    load_synthetic_lists(con, PARTNERS, SCHOOLS)
    rows: list[dict[str, object]] = []
    common = [u for u in SCHOOLS if u != 920003]
    for _ in range(89):
        small = rng.random() < 0.33
        rows.append(
            {
                "partner": rng.choice(PARTNERS),
                "urn": rng.choice([*common, None]),
                "band": rng.choice(BANDS),
                "type": rng.choice(TYPES),
                "n": rng.randint(1, 4) if small else rng.randint(5, 40),
            }
        )
    rows.append({"partner": "ALPHA", "urn": 920003, "band": "ks2", "type": "wcet", "n": 2})
    lines = [ACTIVITIES_HEADER]
    for i, r in enumerate(rows):
        urn = r["urn"]
        lines.append(
            f"{r['partner']},D{i},Activity {i},{r['type']},classical,beginner,"
            f"2025-10-{1 + i % 27:02d},,{urn or ''},{'' if urn else 'NN1 1AA'},{r['band']},"
            f"{r['n']},,,,,,,,,,,,1,1"
        )
    result = load_text(con, "activities", "\n".join(lines) + "\n")
    assert not result.problems, result.problems[:3]
    return rows


def _la(row: dict[str, object]) -> str:
    urn = row["urn"]
    return SCHOOLS[urn][0] if isinstance(urn, int) else NO_SCHOOL


def _decile(row: dict[str, object]) -> int | None:
    urn = row["urn"]
    return SCHOOLS[urn][1] if isinstance(urn, int) else None


@pytest.fixture(scope="module")
def generated(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[store.Connection, list[dict[str, object]]]]:
    con = store.connect(tmp_path_factory.mktemp("deciles") / "hub.duckdb")
    rows = _generated(con, 2026)
    yield con, rows
    con.close()


def test_a_viewer_recovers_no_hidden_count_from_the_decile_table(generated) -> None:
    """Every count of participants a viewer can reach (every filter, and the table by area
    with its row at no listed school) as the protection shows it, and the decile table as
    shown: no hidden count from 1 to 4, in either, is a linear combination of visible ones."""
    con, rows = generated
    assert sorted(k for k, m in MEASURES.items() if m == "participants") == sorted(COUNTS_ROW)
    guard = protection(con, YEAR, threshold=THRESHOLD)
    found = {d.decile: d.participations for d in reach_by_decile(con, YEAR)}
    decile_view = decile_guard(decile_pieces(con, YEAR), guard)
    shown = hide_deciles(found, decile_view, THRESHOLD)
    # The case is worth attacking: the table is shown, with the decile-8 school's 2 hidden
    # and a second decile beside it.
    assert decile_view.safe
    assert shown[8] == C
    assert sum(v == C for v in shown.values()) >= 2
    assert [d for d, v in shown.items() if v not in (C, found[d])] == []  # the rest true

    assert recovered(rows, guard, shown) == []


def recovered(
    rows: list[dict[str, object]], guard: Protection, shown: dict[int | None, object]
) -> list[int]:
    """The hidden counts from 1 to 4 (views of the cross-table, and deciles) that lie in the
    span of the visible ones, over the rows' participants."""
    actual = np.array([float(r["n"]) for r in rows])  # type: ignore[arg-type]
    figures: list[tuple[np.ndarray, int, bool]] = []  # (vector, true value, hidden)
    las = sorted({la for la, _ in SCHOOLS.values()}) + [NO_SCHOOL]
    for key, partner, la, band in itertools.product(
        COUNTS_ROW, [None, *PARTNERS], [None, *las], [None, *BANDS]
    ):
        vector = np.array(
            [
                1.0
                if COUNTS_ROW[key](r)
                and partner in (None, r["partner"])
                and la in (None, _la(r))
                and band in (None, r["band"])
                else 0.0
                for r in rows
            ]
        )
        figures.append((vector, int(vector @ actual), guard.is_hidden((key, partner, la, band))))
    for d in DECILES:
        vector = np.array([1.0 if _decile(r) == d else 0.0 for r in rows])
        figures.append((vector, int(vector @ actual), shown[d] == C))
    known = np.zeros(len(rows), dtype=bool)  # rows a visible 0 holds are known to be 0
    for vector, value, hidden in figures:
        if not hidden and value == 0:
            known |= vector > 0
    free = ~known
    visible = np.array([v[free] for v, _, hidden in figures if not hidden])
    _, s, vt = np.linalg.svd(visible, full_matrices=False)
    basis = vt[: int((s > 1e-9 * s[0]).sum())]
    small_hidden = [(v, n) for v, n, hidden in figures if hidden and 0 < n <= THRESHOLD]
    assert small_hidden  # the decile-8 school's 2 among them
    recovered_counts = [
        n for v, n in small_hidden if np.linalg.norm(v[free] - (v[free] @ basis.T) @ basis) < 1e-6
    ]
    return recovered_counts


def test_the_attack_recovers_a_small_decile_shown_with_primary_suppression_alone(
    generated,
) -> None:
    """The attack works: with only the decile-8 school's 2 hidden, the visible deciles and
    the hub's total give it away (so the second hidden decile is needed)."""
    con, rows = generated
    guard = protection(con, YEAR, threshold=THRESHOLD)
    found = {d.decile: d.participations for d in reach_by_decile(con, YEAR)}
    primary_only = {d: C if 0 < n <= THRESHOLD else n for d, n in found.items()}
    assert [d for d, v in primary_only.items() if v == C] == [8]
    assert recovered(rows, guard, primary_only) == [2]
