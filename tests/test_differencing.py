"""Differencing: on a generated hub, no count hidden from a viewer or a partner can be worked
out as a linear combination of the figures they can reach (docs/suppression.md)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping

import numpy as np
import pytest

from hubmetrics import store
from hubmetrics.contract import AGE_BANDS
from hubmetrics.disclosure.cross_table import NO_SCHOOL, PROTECTED, protection
from hubmetrics.disclosure.differencing import Cell, Protection, View, protect
from hubmetrics.disclosure.suppression import SUPPRESSED
from hubmetrics.disclosure.visibility import figure_in_view, hidden_in
from hubmetrics.metrics import Filters, compute_metrics
from hubmetrics.metrics.breakdown import compute_metrics_by
from hubmetrics.people.access import Person
from tests.hub_fixture import ACTIVITIES_HEADER, load_synthetic_lists, load_text

YEAR = "2025/26"
THRESHOLD = 4
PARTNERS = ("ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT")
SCHOOLS = {  # urn: local authority (synthetic schools)
    910001: "North Northamptonshire",
    910002: "North Northamptonshire",
    910003: "West Northamptonshire",
    910004: "West Northamptonshire",
    910005: "Rutland",
}
LAS = sorted(set(SCHOOLS.values()))
TYPES = ("wcet", "tuition_small_group", "ensemble", "choir", "creative", "workshop", "cpd")
LEVELS = ("beginner", "intermediate", "advanced", "")
GENRES = ("classical", "rock_pop", "music_technology", "folk")
VIEWER = Person("viewer@example.org", "viewer")


def _generated_hub(con: store.Connection, seed: int) -> list[dict[str, object]]:
    """A synthetic hub of 160 activity rows, many of them small; the rows, as loaded."""
    rng = random.Random(seed)
    load_synthetic_lists(con, PARTNERS, {urn: (la, 5) for urn, la in SCHOOLS.items()})
    rows: list[dict[str, object]] = []
    lines = [ACTIVITIES_HEADER]
    for i in range(160):
        small = rng.random() < 0.45
        row = {
            "partner_id": rng.choice(PARTNERS),
            "school_urn": rng.choice([*SCHOOLS, None, None]),
            "age_band": rng.choice(AGE_BANDS),
            "activity_type": rng.choice(TYPES),
            "level": rng.choice(LEVELS),
            "genre": rng.choice(GENRES),
            "participants": rng.randint(1, 4) if small else rng.randint(5, 60),
            "lac": rng.choice([0, 0, 1, 2, None]),
            "new_participants": rng.choice([None, 0, 1, 3, 8]),
        }
        for measure in ("lac", "new_participants"):  # a part of the participants
            if row[measure] is not None:
                row[measure] = min(int(row[measure]), int(row["participants"]))  # type: ignore[call-overload]
        rows.append(row)
        urn = row["school_urn"]
        lines.append(
            f"{row['partner_id']},G{i},Activity {i},{row['activity_type']},{row['genre']},"
            f"{row['level']},2025-10-{1 + i % 27:02d},,{urn or ''},{'' if urn else 'NN1 1AA'},"
            f"{row['age_band']},{row['participants']},{_blank(row['new_participants'])},,,,,,,"
            f"{_blank(row['lac'])},,,,1,1"
        )
    result = load_text(con, "activities", "\n".join(lines) + "\n")
    assert not result.problems, result.problems[:3]
    return rows


def _blank(n: object) -> str:
    return "" if n is None else str(n)


# --- the reader's side: which rows each view adds up (from metrics.md, not the code) -------

MEASURE = {"lac_participants": "lac", "new_participants": "new_participants"}
SCHOOL_AGE = {"ks1", "ks2", "ks3", "ks4", "ks5"}
COUNTS_ROW = {
    "participations": lambda r: True,
    "cyp_participations": lambda r: r["age_band"] != "adult",
    "early_years_participations": lambda r: r["age_band"] == "early_years",
    "school_age_participations": lambda r: r["age_band"] in SCHOOL_AGE,
    "adult_participations": lambda r: r["age_band"] == "adult",
    "wcet_pupils": lambda r: r["activity_type"] == "wcet",
    "instrumental_learners": lambda r: r["activity_type"].startswith("tuition_"),
    "singing_participants": lambda r: r["activity_type"] in ("choir", "singing"),
    "ensemble_members": lambda r: r["activity_type"] in ("ensemble", "choir"),
    "advanced_participants": lambda r: r["level"] == "advanced",
    "creative_participants": lambda r: (
        r["activity_type"] == "creative" or r["genre"] == "music_technology"
    ),
    "cpd_participants": lambda r: r["activity_type"] == "cpd",
    "new_participants": lambda r: True,
    "lac_participants": lambda r: True,
}


def _row_la(row: Mapping[str, object]) -> str:
    urn = row["school_urn"]
    return SCHOOLS[urn] if isinstance(urn, int) else NO_SCHOOL


def _in_view(view: View, row: Mapping[str, object]) -> bool:
    key, partner, la, band = view
    return (
        COUNTS_ROW[key](row)
        and partner in (None, row["partner_id"])
        and la in (None, _row_la(row))
        and band in (None, row["age_band"])
    )


def _vector(view: View, rows: list[dict[str, object]]) -> np.ndarray:
    """The view over the reader's unknowns: each row's participants, lac and new participants."""
    measure = MEASURE.get(view[0], "participants")
    out = np.zeros(3 * len(rows))
    slot = ("participants", "lac", "new_participants").index(measure)
    for i, row in enumerate(rows):
        if _in_view(view, row):
            out[3 * i + slot] = 1.0
    return out


def _true(view: View, rows: list[dict[str, object]]) -> int:
    measure = MEASURE.get(view[0], "participants")
    return sum(int(r[measure] or 0) for r in rows if _in_view(view, r))


def recovered(
    shown: Mapping[View, object], rows: list[dict[str, object]], known_partner: str | None = None
) -> list[View]:
    """The small hidden views a reader can work out exactly from the visible ones: a hidden
    view is recovered when its vector lies in the span of the visible views' vectors. The
    reader knows a row is 0 when a visible view of 0 holds it, and a partner knows its own rows.
    A hidden view is the reader's own figure when everyone else's part of it is 0."""
    vectors = {v: _vector(v, rows) for v in shown}
    known = np.zeros(3 * len(rows), dtype=bool)
    for v, value in shown.items():
        if value == 0:
            known |= vectors[v] > 0
    if known_partner is not None:
        for i, row in enumerate(rows):
            if row["partner_id"] == known_partner:
                known[3 * i : 3 * i + 3] = True
    free = ~known
    actual = np.array(
        [float(r[m] or 0) for r in rows for m in ("participants", "lac", "new_participants")]
    )
    visible = np.array([vectors[v][free] for v, value in shown.items() if value != SUPPRESSED])
    _, s, vt = np.linalg.svd(visible, full_matrices=False)
    basis = vt[: int((s > 1e-9 * s[0]).sum())]
    out = []
    for v, value in shown.items():
        target = vectors[v][free]
        if value != SUPPRESSED or not 0 < _true(v, rows) <= THRESHOLD:
            continue
        # What the reader does not know of it is 0 (zero is never hidden): it says nothing
        # about anyone else, as the reader's own figure.
        if not (target @ actual[free]):
            continue
        if np.linalg.norm(target - (target @ basis.T) @ basis) < 1e-6:
            out.append(v)
    return out


# --- the views a person can reach, as the app shows them ---------------------------------


def reachable(
    con: store.Connection, person: Person, guard: Protection | None
) -> dict[View, object]:
    """Every count of children a person can reach through the filters (partner, local
    authority, age band) and the tables by local authority (with its row of activities at
    no listed school), as the pages publish them."""
    shown: dict[View, object] = {}
    for partner, la, band in itertools.product([None, *PARTNERS], [None, *LAS], [None, *AGE_BANDS]):
        filters = Filters(partner_id=partner, local_authority=la, age_band=band)
        values = compute_metrics(con, YEAR, filters)
        for key in PROTECTED:
            shown[(key, partner, la, band)] = figure_in_view(
                person, values[key], values, filters, guard, THRESHOLD
            )
        if la is None:  # the table by local authority's row of no listed school
            by_la = compute_metrics_by(con, YEAR, filters, "local_authority", keys=PROTECTED)
            no_school = by_la.get(None)
            for key in PROTECTED:
                view = (key, partner, NO_SCHOOL, band)
                value = no_school[key].value if no_school else 0
                hidden = guard is not None and hidden_in(guard, key, _at(filters, NO_SCHOOL))
                published = (
                    figure_in_view(person, no_school[key], no_school, filters, None, THRESHOLD)
                    if no_school
                    else 0
                )
                shown[view] = SUPPRESSED if hidden else published if value else 0
    return shown


def _at(filters: Filters, la: str) -> Filters:
    return Filters(partner_id=filters.partner_id, local_authority=la, age_band=filters.age_band)


@pytest.fixture(scope="module", params=[2026])
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[store.Connection, list[dict[str, object]]]]:
    con = store.connect(tmp_path_factory.mktemp("hub") / "hub.duckdb")
    rows = _generated_hub(con, request.param)
    yield con, rows
    con.close()


def test_primary_suppression_alone_gives_small_counts_away(generated) -> None:
    """The attack works: with `[c]` for small numbers only, hidden counts are recovered."""
    con, rows = generated
    assert recovered(reachable(con, VIEWER, None), rows)


def test_a_viewer_recovers_no_hidden_count(generated) -> None:
    con, rows = generated
    shown = reachable(con, VIEWER, protection(con, YEAR, threshold=THRESHOLD))
    hidden = [v for v, value in shown.items() if value == SUPPRESSED]
    assert len(hidden) > 50  # there is something to attack
    assert recovered(shown, rows) == []
    # and the headline figures stay shown
    assert shown[("participations", None, None, None)] == _true(
        ("participations", None, None, None), rows
    )


@pytest.mark.parametrize("partner", ["DELTA"])
def test_a_partner_recovers_no_other_partners_hidden_count(generated, partner: str) -> None:
    con, rows = generated
    person = Person(f"{partner.lower()}@example.org", "partner", partner)
    guard = protection(con, YEAR, threshold=THRESHOLD, known_partner=partner)
    shown = reachable(con, person, guard)
    assert all(
        shown[("participations", partner, None, b)] != SUPPRESSED for b in (None, *AGE_BANDS)
    )
    assert recovered(shown, rows, known_partner=partner) == []


def test_the_issue_example_two_partners_one_small() -> None:
    """A hub of 966 where one partner ran 4: the other partner's 962 would give it away, so
    both partners' figures are hidden and the hub's stays."""
    cells = [
        Cell("P", "North", "ks2", {"participations": 4}),
        Cell("Q", "North", "ks2", {"participations": 962}),
    ]
    guard = protect(cells, ["participations"], ["North"], threshold=4)
    assert ("participations", "P", None, None) in guard.primary
    assert ("participations", "Q", None, None) in guard.hidden
    assert ("participations", None, None, None) not in guard.hidden
    assert ("participations", None, "North", "ks2") not in guard.hidden
