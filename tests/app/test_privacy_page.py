"""The Admin page's privacy tab: erasing a child's records, listing them, purging old ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from access_helpers import PASSWORD, PEOPLE, open_address, signed_in_as, trail
from page_helpers import as_the_apps_database, open_app
from participants_fixture import build_cohort, ref
from privacy_helpers import files_holding, places_holding
from streamlit.testing.v1 import AppTest

from hubmetrics import store
from hubmetrics.people import accounts
from hubmetrics.people.access import local_operator

PAGE = "app_pages/admin.py"


@pytest.fixture
def cohort_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The hand-made cohort (its 18 records in batch 4) as the app's database."""
    for name in ("HUBMETRICS_AUTH", "HUBMETRICS_IDLE_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "c.duckdb"
    build_cohort(path).close()
    with as_the_apps_database(path, monkeypatch):
        yield path


def _erase(at: AppTest, text: str, *, sure: bool = True) -> AppTest:
    at.text_input(key="privacy_erase_ref").input(text)
    at.text_input(key="privacy_erase_case").input("DSR-9")
    if sure:
        at.checkbox(key="privacy_erase_sure").check()
    next(b for b in at.button if b.label == "Erase").click().run()
    assert not at.exception, at.exception
    return at


def test_an_admin_erases_a_childs_records(cohort_app: Path) -> None:
    at = _erase(open_app(PAGE), ref("Ava"))
    assert [s.value for s in at.success] == [
        "Erased one child's records: 5 current rows, 0 in row history, and their lines in the "
        "kept originals of 1 batches. The figures were recounted."
    ]
    assert any("Restoring a backup brings the records back" in w.value for w in at.warning)
    con = store.connect(cohort_app)
    try:
        assert places_holding(con, ref("Ava")) == []
        assert files_holding(store.originals_folder(con), ref("Ava")) == []
        assert con.execute("SELECT count(*) FROM participants").fetchone() == (13,)
    finally:
        con.close()
    who, action, outcome, detail = trail(cohort_app)[-1]
    assert (action, outcome) == ("erasure", "ok") and detail.startswith("case DSR-9: ")


def test_the_box_must_be_ticked_and_the_pseudonym_known(cohort_app: Path) -> None:
    at = _erase(open_app(PAGE), ref("Ava"), sure=False)
    assert [e.value for e in at.error] == ["Tick the box to confirm; nothing was erased."]
    at = _erase(at, "p_00000000000000000000")
    assert at.error[0].value.startswith("No record here has this pseudonym")
    con = store.connect(cohort_app)
    try:
        assert con.execute("SELECT count(*) FROM participants").fetchone() == (18,)
    finally:
        con.close()


def test_an_admin_lists_a_childs_records(cohort_app: Path) -> None:
    at = open_app(PAGE)
    at.text_input(key="privacy_access_ref").input(ref("Ava"))
    next(b for b in at.button if b.label == "List").click().run()
    assert not at.exception, at.exception
    listed = next(f.value for f in at.dataframe if "held_in" in f.value.columns)
    assert list(listed["held_in"]) == ["current"] * 5 + ["kept original"] * 5
    assert set(listed["participant_ref"].dropna()) == {ref("Ava")}
    assert trail(cohort_app)[-1][1:3] == ("subject_access", "ok")


def test_an_admin_purges_what_the_period_takes(
    cohort_app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    goals = tmp_path / "goals.toml"
    text = Path("data/goals.toml").read_text(encoding="utf-8")
    goals.write_text(text.replace("participant_records_years = 6", "participant_records_years = 1"))
    monkeypatch.setenv("HUBMETRICS_GOALS", str(goals))
    con = store.connect(cohort_app)
    with store.write_transaction(con, bump=False) as cur:  # figures "as at" 1 March 2026
        cur.execute("INSERT INTO hub_setting VALUES ('as_of', '2026-03-01')")
    con.close()
    at = open_app(PAGE)
    at.button(key="privacy_plan_go").click().run()
    plan = next(c.value for c in at.code if c.language != "toml")
    assert "2023/24: 6 records (6 current, 0 in row history)" in plan
    at.checkbox(key="privacy_purge_sure").check().run()
    at.button(key="privacy_purge_go").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Purged 6 records older than the period."]
    con = store.connect(cohort_app)
    try:
        assert con.execute("SELECT count(*) FROM participant_row").fetchone() == (12,)
    finally:
        con.close()


@pytest.mark.parametrize("role", ["viewer", "partner", "staff"])
def test_no_one_else_reaches_the_privacy_tab(
    cohort_app: Path, monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    con = store.connect(cohort_app)
    for each, email in PEOPLE.items():
        partner = "P1" if each == "partner" else None
        accounts.add(con, email, each, partner, by=local_operator("setup"), password=PASSWORD)
    con.close()
    at = open_address(signed_in_as(role, monkeypatch), "admin")
    assert [t.value for t in at.title] == ["Not available"]
    assert not [t for t in at.text_input if t.key == "privacy_erase_ref"]
