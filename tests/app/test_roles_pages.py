"""Each role through the app (signed in with `at.user`): its pages, its refusals, its figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from access_helpers import (
    PEOPLE,
    ROOT,
    TITLES,
    add_people,
    identity,
    open_address,
    signed_in_as,
    texts,
    trail,
    trust_the_identity_provider,
)
from hub_fixture import ACTIVITIES_HEADER, load_text
from page_helpers import table
from streamlit.testing.v1 import AppTest

from hubmetrics import store
from hubmetrics.app.navigation import PAGES, menu
from hubmetrics.people import accounts
from hubmetrics.people.access import ROLES, Person

# Which addresses each role may open (the table, by page). Reports holds the Arts
# Council workbook and the board pack: a viewer may have the pack, a partner neither.
ALLOWED = {
    "viewer": {"", "goals", "reach", "schools", "progression", "partners", "reports", "methods"},
    "partner": {
        "",
        "goals",
        "reach",
        "schools",
        "progression",
        "partners",
        "upload",
        "data",
        "methods",
    },
    "staff": {
        "",
        "goals",
        "reach",
        "schools",
        "progression",
        "partners",
        "reports",
        "upload",
        "data",
        "methods",
    },
    "admin": set(TITLES),
}
# KETT-CHORAL runs one small choir in 2025/26: three adults, a count a viewer must not see.
SMALL_CHOIR = (
    ACTIVITIES_HEADER + "\nKETT-CHORAL,K2,Tiny choir,choir,,,2025-10-01,,,,adult,3,,,,,,,,,,,,,\n"
)


@pytest.fixture
def people(app_db: Path) -> Path:
    con = store.connect(app_db)
    assert load_text(con, "activities", SMALL_CHOIR).accepted  # batch 5
    con.close()
    add_people(app_db, password=None)  # they sign in through the identity provider
    return app_db


@pytest.mark.parametrize("role", ROLES)
def test_each_page_for_each_role(people: Path, monkeypatch: pytest.MonkeyPatch, role: str) -> None:
    at = signed_in_as(role, monkeypatch)
    for path in TITLES:
        open_address(at, path)
        shown = texts(at)
        if path in ALLOWED[role]:
            assert at.title[0].value.startswith(TITLES[path]), (path, shown)
            assert "Not available" not in shown, path
            continue
        # A forbidden address answers with a refusal, not the page, and it is recorded.
        assert [t.value for t in at.title] == ["Not available"], path
        assert "cannot use this page" in at.error[0].value
        assert PEOPLE[role] in at.error[0].value
        assert not at.dataframe and not at.get("download_button"), path
        assert trail(people)[-1][:3] == (PEOPLE[role], "refused", "refused"), path


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_lists_only_the_pages_a_role_may_use(role: str) -> None:
    person = Person(PEOPLE[role], role, "ROCK-NN" if role == "partner" else None)  # type: ignore[arg-type]
    assert {spec.url_path for spec in menu(person)} == ALLOWED[role]
    assert {spec.url_path for spec in PAGES} == set(TITLES)


@pytest.mark.parametrize("page", [spec.file for spec in PAGES])
def test_a_page_run_on_its_own_is_refused(app_db: Path, page: str) -> None:
    at = AppTest.from_file(str(ROOT / page), default_timeout=60).run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Not available"]
    assert not at.dataframe and not at.metric


# --- upload -----------------------------------------------------------------------------------

OTHER_PARTNERS_RETURN = (
    ACTIVITIES_HEADER + "\nNMPAT,P1,Strings,wcet,,,2026-01-12,,900001,,ks2,30,,,,,,,,,,,,,\n"
)
OWN_RETURN = (
    ACTIVITIES_HEADER + "\nROCK-NN,P2,Drums,ensemble,,,2026-01-12,,900002,,ks3,9,,,,,,,,,,,,,\n"
)


def test_a_partner_uploads_only_its_own_returns(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_address(signed_in_as("partner", monkeypatch), "upload")
    assert at.selectbox(key="upload_kind").options == [
        "Activity return",
        "Participant records (pseudonymised)",
    ]
    partner = at.selectbox(key="upload_partner")
    assert (partner.options, partner.value, partner.disabled) == (["ROCK-NN"], "ROCK-NN", True)
    assert not [t for t in at.text_input if t.key == "upload_sender"]
    # Another partner's file is refused, row by row, and nothing is saved.
    at.file_uploader(key="upload_file").upload(
        "nmpat.csv", OTHER_PARTNERS_RETURN.encode(), "text/csv"
    ).run()
    assert "cannot be loaded" in at.error[0].value
    assert "This file is for partner ROCK-NN" in table(at, "What to do")["What to do"][0]
    assert not any(b.key == "upload_confirm" for b in at.button)
    assert trail(people)[-1] == (
        PEOPLE["partner"],
        "load",
        "refused",
        "activities nmpat.csv for ROCK-NN: 1 problem",
    )
    # Its own file loads, recorded as sent by the account.
    at.file_uploader(key="upload_file").upload("rock.csv", OWN_RETURN.encode(), "text/csv").run()
    at.button(key="upload_confirm").click().run()
    assert any("Loaded as batch 6" in s.value for s in at.success)
    con = store.connect(people)
    assert con.execute(
        "SELECT partner_id, submitted_by FROM batch WHERE batch_id = 6"
    ).fetchone() == (
        "ROCK-NN",
        PEOPLE["partner"],
    )
    con.close()
    assert trail(people)[-1][:3] == (PEOPLE["partner"], "load", "ok")


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_upload_for_any_partner(
    people: Path, monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    at = open_address(signed_in_as(role, monkeypatch), "upload")
    assert at.selectbox(key="upload_kind").options == [
        "Partners list",
        "Schools list",
        "Activity return",
        "Participant records (pseudonymised)",
        "Area baselines (a DfE table from Explore Education Statistics)",
    ]
    partner = at.selectbox(key="upload_partner")
    assert not partner.disabled and {"NMPAT", "ROCK-NN", "KETT-CHORAL"} <= set(partner.options)
    at.file_uploader(key="upload_file").upload(
        "nmpat.csv", OTHER_PARTNERS_RETURN.encode(), "text/csv"
    ).run()
    at.button(key="upload_confirm").click().run()
    assert any("Loaded as batch 6" in s.value for s in at.success)


# --- batches and rollback -------------------------------------------------------------------


def test_a_partner_sees_only_its_own_batches_and_cannot_roll_back(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = store.connect(people)
    assert load_text(con, "activities", OWN_RETURN, partner_id="ROCK-NN").accepted  # batch 6
    con.close()
    at = open_address(signed_in_as("partner", monkeypatch), "data")
    assert list(table(at, "Batch")["Batch"]) == [6]
    assert at.selectbox(key="batch_choice").options == ["6 · activities · activities.csv · loaded"]
    assert [b.key for b in at.get("download_button")] == ["batches_table_csv", "batch_original"]
    assert not [c for c in at.checkbox if c.key == "rollback_sure"]


@pytest.mark.parametrize(("role", "may_roll_back"), [("staff", False), ("admin", True)])
def test_only_an_admin_rolls_back(
    people: Path, monkeypatch: pytest.MonkeyPatch, role: str, may_roll_back: bool
) -> None:
    at = open_address(signed_in_as(role, monkeypatch), "data")
    assert list(table(at, "Batch")["Batch"]) == [5, 4, 3, 2, 1]
    assert bool([c for c in at.checkbox if c.key == "rollback_sure"]) is may_roll_back
    if not may_roll_back:
        return
    at.checkbox(key="rollback_sure").check().run()
    at.button(key="rollback_go").click().run()
    assert any("rolled back" in s.value for s in at.success)
    assert trail(people)[-1][:4] == (PEOPLE["admin"], "rollback", "ok", "batch 5: 1 rows removed")


@pytest.mark.parametrize(
    ("role", "may_back_up"), [("partner", False), ("staff", False), ("admin", True)]
)
def test_only_an_admin_backs_up(
    people: Path, monkeypatch: pytest.MonkeyPatch, role: str, may_back_up: bool
) -> None:
    at = open_address(signed_in_as(role, monkeypatch), "data")
    assert bool([b for b in at.button if b.key == "backup_go"]) is may_back_up
    if not may_back_up:
        return
    at.button(key="backup_go").click().run()
    assert any("Backed up" in s.value for s in at.success)
    who, action, outcome = trail(people)[-1][:3]
    assert (who, action, outcome) == (PEOPLE["admin"], "backup", "ok")


def test_downloading_an_original_is_recorded(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_address(signed_in_as("staff", monkeypatch), "data")
    next(b for b in at.get("download_button") if b.key == "batch_original").click().run()
    assert trail(people)[-1] == (
        PEOPLE["staff"],
        "export",
        "ok",
        "original of batch 5 (activities.csv)",
    )


# --- reports --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "cards"), [("viewer", ["prepare_pack"]), ("staff", ["prepare_ace", "prepare_pack"])]
)
def test_reports_offer_what_the_role_may_have(
    people: Path, monkeypatch: pytest.MonkeyPatch, role: str, cards: list[str]
) -> None:
    at = open_address(signed_in_as(role, monkeypatch), "reports")
    assert sorted(b.key for b in at.button if b.key and b.key.startswith("prepare_")) == cards


def test_a_viewer_downloads_the_board_pack_and_it_is_recorded(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_address(signed_in_as("viewer", monkeypatch), "reports")
    at.button(key="prepare_pack").click().run()
    assert not at.exception, at.exception
    next(b for b in at.get("download_button") if b.key == "download_pack").click().run()
    assert trail(people)[-1] == (PEOPLE["viewer"], "export", "ok", "Trustees' board pack 2025/26")


# --- figures: suppressed for a viewer and for other partners ---------------------------------


def metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


@pytest.mark.parametrize(("role", "shown"), [("viewer", "[c]"), ("staff", "1"), ("admin", "1")])
def test_a_small_count_reads_c_for_a_viewer(
    people: Path, monkeypatch: pytest.MonkeyPatch, role: str, shown: str
) -> None:
    # One looked-after child in 2025/26 (activity A2): a count from 1 to 4.
    at = open_address(signed_in_as(role, monkeypatch), "reach")
    assert metric(at, "Looked-after children taking part") == shown
    by_la = table(at, "Looked-after")
    row = by_la[by_la["Local authority"] == "Not at a listed school"].iloc[0]
    assert str(row["Looked-after"]) == shown


def test_a_partner_sees_its_own_figures_in_full_and_the_others_suppressed(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_address(signed_in_as("partner", monkeypatch), "partners")
    rows = table(at, "Participations").set_index("ID")
    # ROCK-NN's own row in full; KETT-CHORAL's 3 adults hidden, and NMPAT's 68 with it
    # (otherwise the hub's total less NMPAT would give KETT-CHORAL's away).
    assert rows.loc["ROCK-NN", "Participations"] == "12"
    assert rows.loc["KETT-CHORAL", "Participations"] == "[c]"
    assert rows.loc["NMPAT", "Participations"] == "[c]"
    # The activity types carry their numbers only where the figures are shown in full.
    assert rows.loc["ROCK-NN", "Activity types"] == "Ensemble 12"
    assert rows.loc["KETT-CHORAL", "Activity types"] == "Choir"
    staff = open_address(signed_in_as("staff", monkeypatch), "partners")
    full = {r.ID: r.Participations for r in table(staff, "Participations").itertuples()}
    assert full == {"NMPAT": 68, "ROCK-NN": 12, "KETT-CHORAL": 3}


def test_a_partner_filtered_to_itself_sees_every_figure(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = signed_in_as("partner", monkeypatch)
    at.selectbox(key="filter_partner").select("KETT-CHORAL").run()
    at = open_address(at, "reach")
    assert metric(at, "Participations") == "[c]"
    at.selectbox(key="filter_partner").select("ROCK-NN").run()
    assert metric(at, "Participations") == "12"


def test_a_table_download_is_recorded(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_address(signed_in_as("viewer", monkeypatch), "reach")
    next(b for b in at.get("download_button") if b.key == "age_band_table_csv").click().run()
    assert trail(people)[-1] == (
        PEOPLE["viewer"],
        "export",
        "ok",
        "table participation-by-age-band.csv",
    )


# --- signing in through the identity provider ----------------------------------------------


def test_someone_without_an_account_sees_only_a_polite_page(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = signed_in_as(None, monkeypatch, email="stranger@elsewhere.example")
    assert [t.value for t in at.title] == ["No access"]
    assert "stranger@elsewhere.example" in at.info[0].value
    assert not at.metric and not at.dataframe and not at.selectbox
    assert [b.key for b in at.button] == ["sign_out"]
    assert trail(people)[-1] == (
        "stranger@elsewhere.example",
        "no_access",
        "refused",
        "identity provider: no account for this address",
    )
    # Every address shows the same page.
    assert [t.value for t in open_address(at, "admin").title] == ["No access"]


def test_an_unverified_email_has_no_access(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trust_the_identity_provider(monkeypatch)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.user = identity(PEOPLE["admin"], email_verified=False)
    at.run()
    assert [t.value for t in at.title] == ["No access"]


def test_before_signing_in_there_is_only_the_sign_in_button(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = signed_in_as(None, monkeypatch)
    assert [t.value for t in at.title] == ["Sign in"]
    assert [b.key for b in at.button] == ["oidc_sign_in"]
    assert not at.metric and not at.dataframe


def test_a_sign_in_is_recorded_once_per_session(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = signed_in_as("staff", monkeypatch)
    open_address(at, "reach")
    signs = [e for e in trail(people) if e[1] == "sign_in"]
    assert signs == [(PEOPLE["staff"], "sign_in", "ok", "identity provider")]


def test_a_role_change_applies_at_the_next_click(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_address(signed_in_as("staff", monkeypatch), "upload")
    assert at.title[0].value == "Upload a file"
    con = store.connect(people)
    accounts.set_role(con, PEOPLE["staff"], "viewer", by="test")
    con.close()
    at.run()
    assert [t.value for t in at.title] == ["Not available"]
