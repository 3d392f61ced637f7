"""The hubs file, and which hub each activity belongs to (hubmetrics.hubs)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hub_fixture import ACTIVITIES_HEADER, load_text

from hubmetrics import store
from hubmetrics.hubs import (
    LEAD,
    HubsFileError,
    hub_of_activity,
    in_hub,
    load_hubs,
    parse_hubs,
    postcode_district,
)

TWO_HUBS = """
[lead]
name = "NMPAT (fictional lead)"

[[hub]]
key = "northamptonshire"
name = "Northamptonshire Music Education Hub"
local_authorities = ["North Northamptonshire", "West Northamptonshire"]
postcode_districts = ["NN1", "NN16"]
home_partners = ["NMPAT"]

[[hub]]
key = "rutland"
name = "Rutland Music"
local_authorities = ["Rutland"]
postcode_districts = ["le15"]
home_partners = ["KETT-CHORAL"]
"""

# Each row, and the hub worked out by hand from the rule (school's LA, else venue district,
# else the partner's home hub):
MORE_ACTIVITIES = (
    ACTIVITIES_HEADER
    + "\n"
    # Rutland school, though ROCK-NN has no home hub: rutland
    + "ROCK-NN,R2,Rutland band,ensemble,,,2025-10-01,,900004,,ks3,6,,,,,,,,,,,,,\n"
    # no school, venue written without a space in lower case (LE15): rutland
    + "ROCK-NN,R3,Oakham gig,performance,,,2025-10-02,,,le156ab,ks4,30,,,,,,,,,,,,,\n"
    # a URN not in the schools list and no venue: the partner's home hub, rutland
    + "KETT-CHORAL,K1,Choir day,choir,,,2025-10-03,,999999,,ks2,20,,,,,,,,,,,,,\n"
    # a Rutland venue beats the partner's home (NMPAT is Northamptonshire's): rutland
    + "NMPAT,A3,Rutland workshop,workshop,,,2025-10-04,,,LE15 7XY,ks2,15,,,,,,,,,,,,,\n"
    # a Northamptonshire school beats KETT-CHORAL's Rutland home: northamptonshire
    + "KETT-CHORAL,K2,School choir,choir,,,2025-10-05,,900003,,ks2,25,,,,,,,,,,,,,\n"
    # a venue in no hub's districts, a partner with no home: placed in no hub
    + "ROCK-NN,R4,Stamford gig,performance,,,2025-10-06,,,PE9 1AA,ks4,50,,,,,,,,,,,,,\n"
)
EXPECTED = {
    ("NMPAT", "A1"): "northamptonshire",  # school 900001, North Northamptonshire
    ("NMPAT", "A2"): "northamptonshire",  # venue NN1 1AA
    ("ROCK-NN", "R1"): "northamptonshire",  # school 900002
    ("ROCK-NN", "R2"): "rutland",
    ("ROCK-NN", "R3"): "rutland",
    ("KETT-CHORAL", "K1"): "rutland",
    ("NMPAT", "A3"): "rutland",
    ("KETT-CHORAL", "K2"): "northamptonshire",
    ("ROCK-NN", "R4"): None,
}


@pytest.fixture
def placed_db(loaded_db: store.Connection) -> store.Connection:
    result = load_text(loaded_db, "activities", MORE_ACTIVITIES)
    assert result.accepted, result.errors
    return loaded_db


def placed(con: store.Connection, text: str) -> dict[tuple[str, str], str | None]:
    hubs = parse_hubs(text)
    expr, params = hub_of_activity(hubs)
    rows = con.execute(
        f"SELECT a.partner_id, a.activity_id, {expr} FROM activities a",  # noqa: S608
        params,
    ).fetchall()
    return {(p, a): h for p, a, h in rows}


def test_each_activity_belongs_to_the_hub_the_rule_gives(placed_db: store.Connection) -> None:
    assert placed(placed_db, TWO_HUBS) == EXPECTED


def test_a_home_hub_takes_what_no_rule_places(placed_db: store.Connection) -> None:
    text = TWO_HUBS.replace(
        'name = "NMPAT (fictional lead)"', 'name = "L"\nhome_hub = "northamptonshire"'
    )
    assert placed(placed_db, text) == {**EXPECTED, ("ROCK-NN", "R4"): "northamptonshire"}


def test_in_hub_keeps_a_hubs_own_rows_and_the_unplaced_add_up(placed_db: store.Connection) -> None:
    hubs = parse_hubs(TWO_HUBS)
    total = 0
    for hub in (*hubs.hubs, None):
        clause, params = in_hub(hubs, hub)
        row = placed_db.execute(
            f"SELECT coalesce(sum(participants), 0) FROM activities a WHERE {clause}",  # noqa: S608
            params,
        ).fetchone()
        assert row is not None
        total += row[0]
        if hub is not None and hub.key == "rutland":
            assert row[0] == 6 + 30 + 20 + 15  # R2, R3, K1, A3
        if hub is None:
            assert row[0] == 50  # R4
    everything = placed_db.execute("SELECT sum(participants) FROM activities").fetchone()
    assert everything is not None and total == everything[0] == 28 + 40 + 12 + 71 + 25 + 50


@pytest.mark.parametrize(
    ("postcode", "district"),
    [
        ("NN1 2AB", "NN1"),
        ("nn12ab", "NN1"),
        ("NN1", "NN1"),
        (" LE15 6AA ", "LE15"),
        ("", None),
        (None, None),
        ("W1A 1AA", "W1A"),
    ],
)
def test_postcode_district(postcode: str | None, district: str | None) -> None:
    con = duckdb.connect()
    row = con.execute(
        f"SELECT {postcode_district('p')} FROM (SELECT ?::VARCHAR AS p)", [postcode]
    ).fetchone()  # noqa: S608
    assert row is not None and row[0] == district


def test_no_hubs_file_is_one_hub_covering_everything(tmp_path: Path) -> None:
    hubs = load_hubs(tmp_path / "hubs.toml")
    assert not hubs.configured and not hubs.several and hubs.hubs == ()
    assert hubs.name_of(LEAD) == hubs.lead_name


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            (
                'local_authorities = ["Rutland"]',
                'local_authorities = ["Rutland", "west northamptonshire"]',
            ),
            "'west northamptonshire' is in both 'northamptonshire' and 'rutland'",
        ),
        (('postcode_districts = ["le15"]', 'postcode_districts = ["NN16"]'), "'NN16' is in both"),
        (
            ('key = "rutland"', 'key = "northamptonshire"'),
            "two [[hub]] tables have the key 'northamptonshire'",
        ),
        (('key = "rutland"', 'key = "Rutland Music"'), "key must be a short name"),
        (('key = "rutland"', f'key = "{LEAD}"'), "key must be a short name"),
        (
            ('postcode_districts = ["le15"]', 'postcode_districts = ["Oakham"]'),
            "'Oakham' is not a postcode district",
        ),
        (
            ('local_authorities = ["Rutland"]', "local_authorities = []"),
            "must name at least one local authority",
        ),
        (
            (
                'home_partners = ["KETT-CHORAL"]',
                'home_partners = ["KETT-CHORAL"]\ngoals = "nowhere.toml"',
            ),
            "there is no file",
        ),
        (
            ("[lead]", '[lead]\nhome_hub = "leicestershire"'),
            "home_hub 'leicestershire' is not the key",
        ),
        (("[lead]", "[leader]"), "[leader] is not a section"),
        (('name = "Rutland Music"', 'nmae = "Rutland Music"'), "'nmae' is not a setting"),
    ],
)
def test_a_wrong_hubs_file_is_refused_with_every_mistake_named(
    change: tuple[str, str], words: str
) -> None:
    text = TWO_HUBS.replace(*change)
    assert text != TWO_HUBS
    with pytest.raises(HubsFileError) as refused:
        parse_hubs(text)
    assert any(words in p for p in refused.value.problems), refused.value.problems


def test_goals_files_are_found_beside_the_hubs_file(tmp_path: Path) -> None:
    (tmp_path / "goals-rutland.toml").write_text("", encoding="utf-8")
    (tmp_path / "hubs.toml").write_text(
        TWO_HUBS.replace(
            'home_partners = ["KETT-CHORAL"]',
            'home_partners = ["KETT-CHORAL"]\ngoals = "goals-rutland.toml"',
        ),
        encoding="utf-8",
    )
    hubs = load_hubs(tmp_path / "hubs.toml")
    assert hubs.hub("rutland").goals == tmp_path / "goals-rutland.toml"
    assert hubs.hub("northamptonshire").goals is None
    assert hubs.keys == ("northamptonshire", "rutland") and hubs.several
    assert hubs.name_of("rutland") == "Rutland Music"
    with pytest.raises(KeyError, match="the hubs are northamptonshire, rutland"):
        hubs.hub("leicestershire")


def test_the_demos_hubs_file_names_both_hubs_each_with_its_own_goals() -> None:
    from hubmetrics import config
    from hubmetrics.metrics.goals import Goals, load_goals

    hubs = load_hubs(config.DEFAULT_HUBS)
    assert hubs.configured and hubs.keys == ("northamptonshire", "rutland")
    rutland, northamptonshire = (
        load_goals(hubs.hub(k).goals) for k in ("rutland", "northamptonshire")
    )
    assert hubs.hub("rutland").goals != hubs.hub("northamptonshire").goals

    def targets(goals: Goals) -> dict[str, float]:
        return {i.metric: i.target for g in goals.goals for i in g.indicators}

    smaller = targets(rutland)
    larger = targets(northamptonshire)
    shared = [
        m
        for m in smaller
        if m in larger and m.endswith(("_pupils", "_learners", "_members", "_participations"))
    ]
    assert shared, "Rutland's goals share counted indicators with Northamptonshire's"
    assert all(smaller[m] < larger[m] for m in shared), (smaller, larger)
