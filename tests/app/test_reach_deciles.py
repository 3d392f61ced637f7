"""The Reach page's table by IMD decile: true figures for staff, and for a viewer the whole hub
only, with what would give a small count away hidden."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from access_helpers import add_people, open_address, signed_in_as
from hub_fixture import ACTIVITIES_HEADER, load_text
from page_helpers import Open, open_with, table

from hubmetrics import store
from hubmetrics.metrics.reach_tables import DECILE_ALL_HIDDEN, DECILE_WHOLE_HUB_ONLY

DECILE = "IMD decile"
# 2025/26 in the fixture: A1 28 at 900001 (North, decile 2), R1 12 at 900002 (North,
# decile 5), A2 40 at no school. Pupils: 420 (decile 2), 1200 (5), 210 (West, 9) = 1830.
# R2: two more of ROCK-NN's ks3 band at decile 2, in the same kind of activity as R1, so the
# cross-table cannot tell North's deciles apart: a viewer may see them.
R2 = ACTIVITIES_HEADER + (
    "\nROCK-NN,R2,Rock band two,ensemble,rock_pop,intermediate,2025-10-02,,900001,,ks3,2,"
    ",,,,,,,,,,,8,16\n"
)


def deciles(at) -> pd.DataFrame:
    return table(at, DECILE).set_index(DECILE)


def test_staff_see_every_decile_in_full(open_page: Open) -> None:
    at = open_page("app_pages/reach.py")
    rows = deciles(at)
    assert list(rows.index) == [
        "1 (most deprived)",
        *map(str, range(2, 10)),
        "10 (least deprived)",
        "No decile",
    ]
    assert rows.loc["2", "Participations"] == 28
    assert rows.loc["5", "Participations"] == 12
    assert rows.loc["No decile", "Participations"] == 40
    assert rows.loc["1 (most deprived)", "Participations"] == 0
    assert rows.loc["2", "Share of participations"] == pytest.approx(35.0)  # 28 / 80
    assert rows.loc["2", "Schools engaged"] == 1
    assert rows.loc["9", "State-funded schools"] == 1 and rows.loc["9", "Schools engaged"] == 0
    assert rows.loc["5", "Share of the area's pupils"] == pytest.approx(100 * 1200 / 1830)
    assert any("a venue's postcode district has no decile" in c.value for c in at.caption)


def test_staff_see_the_deciles_of_one_local_authority(open_page: Open) -> None:
    at = open_with(open_page, "app_pages/reach.py", la="North Northamptonshire")
    rows = deciles(at)
    assert rows.loc["2", "Participations"] == 28
    assert "No decile" not in rows.index  # no school and no pupils of the LA without one
    assert rows.loc["2", "Share of the area's pupils"] == pytest.approx(100 * 420 / 1620)


@pytest.fixture
def viewer_db(app_db: Path) -> Path:
    add_people(app_db, password=None)
    return app_db


def test_a_viewer_sees_deciles_the_cross_table_cannot_tell_apart(
    viewer_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = store.connect(viewer_db)
    assert load_text(con, "activities", R2).accepted
    con.close()
    at = open_address(signed_in_as("viewer", monkeypatch), "reach")
    rows = deciles(at)
    assert rows.loc["2", "Participations"] == 30
    assert rows.loc["5", "Participations"] == 12
    assert rows.loc["No decile", "Participations"] == 40
    assert rows.loc["5", "Share of participations"] == pytest.approx(100 * 12 / 82)


def test_a_viewer_sees_no_decile_the_cross_table_could_be_split_by(
    viewer_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without R2, North's decile 2 is NMPAT's ks2 row and decile 5 ROCK-NN's: each a piece of
    # North that no view shows, so every decile with participations is hidden.
    at = open_address(signed_in_as("viewer", monkeypatch), "reach")
    rows = deciles(at)
    assert list(rows.loc[["2", "5", "No decile"], "Participations"]) == ["[c]"] * 3
    assert rows.loc["2", "Share of participations"] == "[c]"
    assert rows.loc["1 (most deprived)", "Participations"] == "0"
    assert rows.loc["9", "State-funded schools"] == 1  # schools and pupils stay shown
    assert any(DECILE_ALL_HIDDEN in c.value for c in at.caption)


def test_a_viewer_filtering_sees_no_decile_table(
    viewer_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = signed_in_as("viewer", monkeypatch)
    at = open_address(at, "reach")
    at.selectbox(key="filter_la").select("North Northamptonshire").run()
    assert not at.exception
    assert not [f for f in at.dataframe if DECILE in f.value.columns]
    assert any(DECILE_WHOLE_HUB_ONLY in c.value for c in at.caption)
