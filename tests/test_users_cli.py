"""Accounts and rights on the command line: `users …`, and `--user EMAIL` acting with a role."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import duckdb
import pytest
from hub_fixture import ACTIVITIES_HEADER, PARTNERS_CSV
from test_access import TABLE
from test_cli import run

from hubmetrics import store
from hubmetrics.people import accounts
from hubmetrics.people.access import ACTIONS, ROLES, local_operator

PASSWORD = "correct horse battery staple"
PEOPLE = {
    "viewer": "trustee@hub.example",
    "partner": "ann@rock.example",
    "staff": "kim@hub.example",
    "admin": "root@hub.example",
}
ROCK_RETURN = (
    ACTIVITIES_HEADER
    + "\nROCK-NN,R9,Drum circle,ensemble,,,2026-01-12,,900002,,ks3,9,,,,,,,,,,,,,\n"
)
NMPAT_RETURN = (
    ACTIVITIES_HEADER + "\nNMPAT,N9,Brass,wcet,,,2026-01-12,,900001,,ks2,25,,,,,,,,,,,,,\n"
)


@pytest.fixture
def db(loaded_db: store.Connection) -> Path:
    """The hand-made hub (batches 1–3) with one account of each role; closed for the CLI."""
    operator = local_operator("setup")
    for role, email in PEOPLE.items():
        accounts.add(loaded_db, email, role, "ROCK-NN" if role == "partner" else None, by=operator)
    path = store.database_path(loaded_db)
    assert path is not None
    loaded_db.close()
    return path


@pytest.fixture
def returns(tmp_path: Path) -> dict[str, Path]:
    found = {}
    more_partners = PARTNERS_CSV + "NN-JAZZ,Jazz NN (fictional),arts_organisation,\n"
    for name, text in (("rock", ROCK_RETURN), ("nmpat", NMPAT_RETURN), ("partners", more_partners)):
        found[name] = tmp_path / f"{name}.csv"
        found[name].write_text(text, encoding="utf-8")
    return found


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def batch_count(db: Path) -> int:
    return int(query(db, "SELECT count(*) FROM batch")[0][0])  # type: ignore[call-overload]


def last_event(db: Path) -> tuple[object, ...]:
    return query(
        db,
        "SELECT who, action, outcome, detail, via FROM audit_event ORDER BY event_id DESC LIMIT 1",
    )[0]


# --- the table, cell by cell, as `users rights` prints it -------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_users_rights_prints_each_cell_of_the_table(
    capsys: pytest.CaptureFixture[str], db: Path, role: str
) -> None:
    code, out, err = run(capsys, db, "users", "rights", PEOPLE[role])
    assert (code, err) == (0, "")
    lines = out.splitlines()[1:]
    column = ROLES.index(role)
    for (action, *scopes), line in zip(TABLE, lines, strict=True):
        word = scopes[column].value if scopes[column] else "no"
        assert line.startswith(f"  {ACTIONS[action]}  ") and line.endswith(f" {word}"), line


# --- upload: load --user ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "file", "partner", "loaded", "message"),
    [
        ("viewer", "rock", None, False, "may not use this: upload a file"),
        ("partner", "rock", None, True, "Loaded batch 4"),
        ("partner", "rock", "ROCK-NN", True, "Loaded batch 4"),
        ("partner", "nmpat", "NMPAT", False, "it may not upload a return for NMPAT"),
        ("partner", "nmpat", None, False, "This file is for partner ROCK-NN, but this row is for"),
        (
            "partner",
            "partners",
            None,
            False,
            "only its own returns (activities or participant records), not a partners list",
        ),
        ("staff", "nmpat", None, True, "Loaded batch 4"),
        ("staff", "partners", None, True, "Loaded batch 4"),
        ("admin", "nmpat", "NMPAT", True, "Loaded batch 4"),
    ],
)
def test_load_acts_with_the_users_rights(
    capsys: pytest.CaptureFixture[str],
    db: Path,
    returns: dict[str, Path],
    role: str,
    file: str,
    partner: str | None,
    loaded: bool,
    message: str,
) -> None:
    kind = "partners" if file == "partners" else "activities"
    argv = ["load", kind, str(returns[file]), "--user", PEOPLE[role].upper()]
    argv += ["--partner", partner] if partner else []
    code, out, err = run(capsys, db, *argv)
    assert code == (0 if loaded else 1), err
    assert message in (out if loaded else err)
    assert batch_count(db) == (4 if loaded else 3)
    who, action, outcome, detail, via = last_event(db)
    assert (who, via) == (PEOPLE[role], "cli")
    assert outcome == ("ok" if loaded else "refused")
    assert action == ("load" if loaded or "row" in message else "refused")
    assert f"{file}.csv" in str(detail)
    if loaded:
        assert query(db, "SELECT submitted_by FROM batch WHERE batch_id = 4") == [(PEOPLE[role],)]


def test_an_unknown_user_is_refused_once_accounts_exist(
    capsys: pytest.CaptureFixture[str], db: Path, returns: dict[str, Path]
) -> None:
    code, out, err = run(
        capsys, db, "load", "activities", str(returns["rock"]), "--user", "x@y.example"
    )
    assert code == 1 and out == ""
    assert "There is no account for 'x@y.example'" in err and "Traceback" not in err
    assert batch_count(db) == 3
    assert last_event(db)[1:4] == (
        "refused",
        "refused",
        "--user x@y.example: no account for this address",
    )


def test_without_accounts_user_is_only_a_name(
    capsys: pytest.CaptureFixture[str], hub_db: store.Connection, returns: dict[str, Path]
) -> None:
    path = store.database_path(hub_db)
    assert path is not None
    hub_db.close()
    code, out, err = run(capsys, path, "load", "activities", str(returns["nmpat"]), "--user", "kim")
    assert code == 0, err
    assert query(path, "SELECT submitted_by FROM batch WHERE batch_id = 3") == [("kim",)]
    assert str(last_event(path)[0]).startswith("local:")  # the local operator did it


def test_without_user_the_local_operator_loads(
    capsys: pytest.CaptureFixture[str], db: Path, returns: dict[str, Path]
) -> None:
    code, _, err = run(capsys, db, "load", "partners", str(returns["partners"]))
    assert code == 0, err
    who, action, outcome, _, via = last_event(db)
    assert str(who).startswith("local:") and (action, outcome, via) == ("load", "ok", "cli")
    assert query(db, "SELECT submitted_by FROM batch WHERE batch_id = 4") == [(None,)]


# --- batch history and rollback -----------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "listed"),
    [("viewer", None), ("partner", [4]), ("staff", [4, 3, 2, 1]), ("admin", [4, 3, 2, 1])],
)
def test_batches_acts_with_the_users_rights(
    capsys: pytest.CaptureFixture[str],
    db: Path,
    returns: dict[str, Path],
    role: str,
    listed: list[int] | None,
) -> None:
    assert (
        run(capsys, db, "load", "activities", str(returns["rock"]), "--partner", "ROCK-NN")[0] == 0
    )
    code, out, err = run(capsys, db, "batches", "--user", PEOPLE[role])
    if listed is None:
        assert code == 1 and "may not use this: batch history" in err
        assert last_event(db)[1:3] == ("refused", "refused")
        return
    assert (code, err) == (0, "")
    assert [int(line.split()[0]) for line in out.splitlines()[1:]] == listed


@pytest.mark.parametrize("role", ROLES)
def test_rollback_is_for_admins_only(
    capsys: pytest.CaptureFixture[str], db: Path, role: str
) -> None:
    code, out, err = run(capsys, db, "rollback", "3", "--user", PEOPLE[role])
    if role != "admin":
        assert code == 1 and "may not use this: roll back a batch" in err
        assert query(db, "SELECT status FROM batch WHERE batch_id = 3") == [("loaded",)]
        assert last_event(db)[:3] == (PEOPLE[role], "refused", "refused")
        return
    assert (code, err) == (0, "")
    assert query(db, "SELECT status, rolled_back_by FROM batch WHERE batch_id = 3") == [
        ("rolled_back", PEOPLE["admin"])
    ]
    assert last_event(db)[:4] == (PEOPLE["admin"], "rollback", "ok", "batch 3: 3 rows removed")


# --- users add, list, set-role, set-password, remove ----------------------------------------


def test_users_commands(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, err = run(capsys, db, "users", "add", "New@Hub.example", "--role", "staff")
    assert (code, err, out) == (0, "", "Added new@hub.example (Hub staff).\n")
    code, out, _ = run(capsys, db, "users", "list")
    assert code == 0
    assert [line.split()[:2] for line in out.splitlines()[1:]] == [
        ["ann@rock.example", "partner"],
        ["kim@hub.example", "staff"],
        ["new@hub.example", "staff"],
        ["root@hub.example", "admin"],
        ["trustee@hub.example", "viewer"],
    ]
    code, out, _ = run(
        capsys, db, "users", "set-role", "new@hub.example", "partner", "--partner", "NMPAT"
    )
    assert (code, out) == (0, "new@hub.example is now partner.\n")
    code, out, _ = run(capsys, db, "users", "remove", "new@hub.example")
    assert (code, out) == (0, "Removed new@hub.example.\n")
    events = query(
        db, "SELECT who, action, via FROM audit_event WHERE who LIKE 'local:%' ORDER BY event_id"
    )
    assert [e[1:] for e in events][-3:] == [
        ("user_added", "cli"),
        ("user_changed", "cli"),
        ("user_removed", "cli"),
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["users", "add", "kim@hub.example", "--role", "staff"], "already an account"),
        (["users", "add", "x@hub.example", "--role", "partner"], "needs its partner"),
        (
            ["users", "add", "x@hub.example", "--role", "partner", "--partner", "NOPE"],
            "no partner 'NOPE'",
        ),
        (["users", "add", "nonsense", "--role", "staff"], "not an email address"),
        (["users", "set-role", "who@hub.example", "staff"], "no account for who@hub.example"),
        (["users", "set-role", "root@hub.example", "viewer"], "only administrator"),
        (["users", "remove", "root@hub.example"], "only administrator"),
        (["users", "rights", "who@hub.example"], "no account"),
    ],
)
def test_users_refusals_exit_1_and_say_why(
    capsys: pytest.CaptureFixture[str], db: Path, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, db, *argv)
    assert code == 1 and out == ""
    assert message in err and "Traceback" not in err


def test_an_unknown_role_is_a_usage_error(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    from test_cli import usage_error

    code, err = usage_error(capsys, db, "users", "add", "x@hub.example", "--role", "boss")
    assert code == 2 and "invalid choice: 'boss'" in err


def test_in_password_mode_add_reads_the_password_from_standard_input(
    capsys: pytest.CaptureFixture[str], db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUBMETRICS_AUTH", "password")
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code, out, err = run(capsys, db, "users", "add", "pat@hub.example", "--role", "viewer")
    assert (code, err) == (0, "")
    con = store.connect(db)
    try:
        assert accounts.sign_in(con, "pat@hub.example", PASSWORD).outcome == "ok"
    finally:
        con.close()
    assert PASSWORD not in repr(query(db, "SELECT * FROM hub_user"))
    assert PASSWORD not in repr(query(db, "SELECT * FROM audit_event"))


@pytest.mark.parametrize(
    ("given", "message"), [("", "no password was given"), ("short\n", "at least 12")]
)
def test_a_missing_or_short_password_adds_nobody(
    capsys: pytest.CaptureFixture[str],
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    given: str,
    message: str,
) -> None:
    monkeypatch.setenv("HUBMETRICS_AUTH", "password")
    monkeypatch.setattr(sys, "stdin", io.StringIO(given))
    code, out, err = run(capsys, db, "users", "add", "pat@hub.example", "--role", "viewer")
    assert code == 1 and message in err
    assert query(db, "SELECT count(*) FROM hub_user WHERE email = 'pat@hub.example'") == [(0,)]


def test_set_password_lifts_a_hold(
    capsys: pytest.CaptureFixture[str], db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert run(capsys, db, "users", "set-password", "kim@hub.example")[0] == 0
    con = store.connect(db)
    try:
        for _ in range(5):
            accounts.sign_in(con, "kim@hub.example", "wrong password here")
        assert accounts.sign_in(con, "kim@hub.example", PASSWORD).outcome == "held"
    finally:
        con.close()
    monkeypatch.setattr(sys, "stdin", io.StringIO("a fresh long passphrase\n"))
    assert run(capsys, db, "users", "set-password", "kim@hub.example")[0] == 0
    con = store.connect(db)
    try:
        assert accounts.sign_in(con, "kim@hub.example", "a fresh long passphrase").outcome == "ok"
    finally:
        con.close()


def test_an_export_is_recorded(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    out_file = tmp_path / "return.xlsx"
    code, _, err = run(capsys, db, "export", "ace", "--year", "2025/26", "--out", str(out_file))
    assert code == 0, err
    who, action, outcome, detail, via = last_event(db)
    assert str(who).startswith("local:")
    assert (action, outcome, detail, via) == (
        "export",
        "ok",
        "Arts Council workbook 2025/26 to return.xlsx",
        "cli",
    )
