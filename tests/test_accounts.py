"""Accounts: adding and changing them, Argon2id passwords, lockout, and the audit trail."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from hubmetrics import store
from hubmetrics.people import accounts, audit
from hubmetrics.people.access import Person, local_operator
from hubmetrics.people.accounts import AccountError

PASSWORD = "correct horse battery staple"
OPERATOR = local_operator("tester")


@pytest.fixture
def con(hub_db: store.Connection) -> store.Connection:
    """The hand-made hub (partners NMPAT, ROCK-NN, KETT-CHORAL) with an admin and a partner."""
    accounts.add(hub_db, "Root@Hub.Example ", "admin", by=OPERATOR, password=PASSWORD)
    accounts.add(hub_db, "ann@rock.example", "partner", "ROCK-NN", by=OPERATOR)
    return hub_db


def trail(con: store.Connection) -> list[tuple[str, str, str, str]]:
    """(who, action, outcome, detail), oldest first."""
    return [(e.who, e.action, e.outcome, e.detail) for e in reversed(audit.events(con))]


def everything_stored(con: store.Connection) -> str:
    rows = con.execute("SELECT * FROM hub_user").fetchall()
    rows += con.execute("SELECT * FROM audit_event").fetchall()
    return repr(rows)


def test_accounts_are_added_listed_and_found_by_any_case(con: store.Connection) -> None:
    listed = accounts.list_accounts(con)
    assert [(a.email, a.role, a.partner_id, a.has_password) for a in listed] == [
        ("ann@rock.example", "partner", "ROCK-NN", False),
        ("root@hub.example", "admin", None, True),
    ]
    found = accounts.find(con, "ANN@rock.example")
    assert found is not None and found.person == Person("ann@rock.example", "partner", "ROCK-NN")
    assert accounts.find(con, "nobody@hub.example") is None
    assert accounts.find(con, "not an address") is None
    assert listed[1].added_by == "local:tester"


@pytest.mark.parametrize(
    ("email", "role", "partner", "message"),
    [
        ("root@hub.example", "staff", None, "already an account"),
        ("not-an-address", "staff", None, "not an email address"),
        ("x@hub.example", "boss", None, "Unknown role"),
        ("x@hub.example", "partner", None, "needs its partner"),
        ("x@hub.example", "partner", "NOPE", "no partner 'NOPE'"),
        ("x@hub.example", "viewer", "NMPAT", "Only a partner account"),
    ],
)
def test_a_bad_account_is_refused(
    con: store.Connection, email: str, role: str, partner: str | None, message: str
) -> None:
    before = everything_stored(con)
    with pytest.raises(AccountError, match=message):
        accounts.add(con, email, role, partner, by=OPERATOR)
    assert everything_stored(con) == before


def test_a_short_password_is_refused_and_nothing_is_added(con: store.Connection) -> None:
    with pytest.raises(AccountError, match="at least 12 characters"):
        accounts.add(con, "kim@hub.example", "staff", by=OPERATOR, password="short")
    assert accounts.find(con, "kim@hub.example") is None


def test_no_password_is_kept_or_logged_in_clear(con: store.Connection) -> None:
    accounts.set_password(con, "ann@rock.example", "another long passphrase", by=OPERATOR)
    assert accounts.sign_in(con, "ann@rock.example", "a wrong long passphrase").outcome == "wrong"
    assert accounts.sign_in(con, "ann@rock.example", "another long passphrase").outcome == "ok"
    stored = everything_stored(con)
    for secret in (PASSWORD, "another long passphrase", "a wrong long passphrase"):
        assert secret not in stored
    hashes = [r[0] for r in con.execute("SELECT password_hash FROM hub_user").fetchall()]
    assert all(h.startswith("$argon2id$") for h in hashes)
    # An address typed wrong (perhaps a password in the email box) is not recorded either.
    accounts.sign_in(con, "my secret words here", PASSWORD)
    assert "my secret words here" not in everything_stored(con)


def test_a_password_sign_in(con: store.Connection) -> None:
    result = accounts.sign_in(con, "ROOT@hub.example", PASSWORD)
    assert result.outcome == "ok"
    assert result.person == Person("root@hub.example", "admin")
    account = accounts.find(con, "root@hub.example")
    assert account is not None and account.last_sign_in is not None
    wrong = accounts.sign_in(con, "root@hub.example", "not the password at all")
    unknown = accounts.sign_in(con, "who@hub.example", PASSWORD)
    no_password = accounts.sign_in(con, "ann@rock.example", PASSWORD)
    assert (wrong.outcome, unknown.outcome, no_password.outcome) == (
        "wrong",
        "unknown",
        "no_password",
    )
    assert wrong.person is None and unknown.person is None
    # The form says the same for a wrong password and an unknown address.
    assert wrong.message() == unknown.message() == no_password.message()
    assert trail(con)[-4:] == [
        ("root@hub.example", "sign_in", "ok", "password"),
        ("root@hub.example", "sign_in_failed", "refused", "wrong password (1 in a row)"),
        ("(unknown account)", "sign_in_failed", "refused", "no account for the address given"),
        ("ann@rock.example", "sign_in_failed", "refused", "no password set"),
    ]


def test_five_failures_lock_the_account_for_fifteen_minutes(con: store.Connection) -> None:
    start = datetime(2026, 3, 2, 10, 0)
    for _ in range(4):
        assert accounts.sign_in(con, "root@hub.example", "wrong" * 3, now=start).outcome == "wrong"
    fifth = accounts.sign_in(con, "root@hub.example", "wrong" * 3, now=start)
    assert fifth.outcome == "locked"
    assert fifth.locked_until == start + timedelta(minutes=15)
    assert "locked until 10:15" in fifth.message()
    # Locked: even the right password is refused, and the lock does not move.
    later = start + timedelta(minutes=14, seconds=59)
    right = accounts.sign_in(con, "root@hub.example", PASSWORD, now=later)
    assert (right.outcome, right.locked_until) == ("locked", start + timedelta(minutes=15))
    # Fifteen minutes on, the right password works and the count starts again.
    after = accounts.sign_in(
        con, "root@hub.example", PASSWORD, now=start + timedelta(minutes=15, seconds=1)
    )
    assert after.outcome == "ok"
    account = accounts.find(con, "root@hub.example")
    assert account is not None and account.failed_sign_ins == 0 and account.locked_until is None
    details = [d for _, action, _, d in trail(con) if action == "sign_in_failed"]
    assert details[3] == "wrong password (4 in a row)"
    assert details[4] == "wrong password (5 in a row); locked until 2026-03-02 10:15"
    assert details[5] == "account locked"


def test_a_lock_that_ran_out_gives_five_fresh_attempts(con: store.Connection) -> None:
    start = datetime(2026, 3, 2, 10, 0)
    for _ in range(5):
        accounts.sign_in(con, "root@hub.example", "wrong" * 3, now=start)
    later = start + timedelta(minutes=20)
    for _ in range(4):
        assert accounts.sign_in(con, "root@hub.example", "wrong" * 3, now=later).outcome == "wrong"
    assert accounts.sign_in(con, "root@hub.example", "wrong" * 3, now=later).outcome == "locked"


def test_a_success_resets_the_count(con: store.Connection) -> None:
    for _ in range(4):
        accounts.sign_in(con, "root@hub.example", "wrong" * 3)
    assert accounts.sign_in(con, "root@hub.example", PASSWORD).outcome == "ok"
    for _ in range(4):
        assert accounts.sign_in(con, "root@hub.example", "wrong" * 3).outcome == "wrong"


def test_setting_a_password_lifts_a_lock(con: store.Connection) -> None:
    for _ in range(5):
        accounts.sign_in(con, "root@hub.example", "wrong" * 3)
    assert accounts.sign_in(con, "root@hub.example", PASSWORD).outcome == "locked"
    accounts.set_password(con, "root@hub.example", "a brand new passphrase", by=OPERATOR)
    assert accounts.sign_in(con, "root@hub.example", "a brand new passphrase").outcome == "ok"


def test_roles_change_and_accounts_go(con: store.Connection) -> None:
    admin = Person("root@hub.example", "admin")
    changed = accounts.set_role(con, "ann@rock.example", "staff", by=admin)
    assert (changed.role, changed.partner_id) == ("staff", None)
    back = accounts.set_role(con, "ann@rock.example", "partner", "KETT-CHORAL", by=admin)
    assert back.partner_id == "KETT-CHORAL"
    accounts.remove(con, "ANN@rock.example", by=admin)
    assert accounts.find(con, "ann@rock.example") is None
    with pytest.raises(AccountError, match="no account for ann@rock.example"):
        accounts.remove(con, "ann@rock.example", by=admin)
    assert trail(con)[-3:] == [
        (
            "root@hub.example",
            "user_changed",
            "ok",
            "ann@rock.example (Partner: ROCK-NN) is now ann@rock.example (Hub staff)",
        ),
        (
            "root@hub.example",
            "user_changed",
            "ok",
            "ann@rock.example (Hub staff) is now ann@rock.example (Partner: KETT-CHORAL)",
        ),
        ("root@hub.example", "user_removed", "ok", "ann@rock.example (Partner: KETT-CHORAL)"),
    ]


def test_the_last_admin_stays(con: store.Connection) -> None:
    with pytest.raises(AccountError, match="only administrator"):
        accounts.remove(con, "root@hub.example", by=OPERATOR)
    with pytest.raises(AccountError, match="only administrator"):
        accounts.set_role(con, "root@hub.example", "staff", by=OPERATOR)
    accounts.add(con, "second@hub.example", "admin", by=OPERATOR)
    accounts.set_role(con, "root@hub.example", "staff", by=OPERATOR)
    with pytest.raises(AccountError, match="only administrator"):
        accounts.remove(con, "second@hub.example", by=OPERATOR)


def test_account_changes_do_not_refresh_the_figures(con: store.Connection) -> None:
    version = store.data_version(con)
    accounts.add(con, "kim@hub.example", "staff", by=OPERATOR)
    accounts.sign_in(con, "root@hub.example", PASSWORD)
    audit.record(con, OPERATOR, "export", detail="a table")
    assert store.data_version(con) == version


def test_a_sign_in_from_the_identity_provider(con: store.Connection) -> None:
    assert accounts.mark_signed_in(con, "Ann@Rock.example", how="oidc") == Person(
        "ann@rock.example", "partner", "ROCK-NN"
    )
    assert accounts.mark_signed_in(con, "stranger@else.example", how="oidc") is None
    assert trail(con)[-2:] == [
        ("ann@rock.example", "sign_in", "ok", "oidc"),
        ("stranger@else.example", "no_access", "refused", "oidc: no account for this address"),
    ]


# --- the audit trail ------------------------------------------------------------------------


def test_the_trail_reads_newest_first_and_filters(con: store.Connection) -> None:
    audit.record(con, OPERATOR, "export", detail="board pack 2025/26", via="cli")
    newest = audit.events(con, limit=1)[0]
    assert (newest.who, newest.action, newest.via) == ("local:tester", "export", "cli")
    assert isinstance(newest.happened_at, datetime)
    assert [e.action for e in audit.events(con, action="user_added")] == ["user_added"] * 2
    assert {e.who for e in audit.events(con, who_contains="TESTER")} == {"local:tester"}
    assert audit.events(con, who_contains="nobody") == []


def test_the_trail_refuses_unknown_words_and_cuts_long_details(con: store.Connection) -> None:
    with pytest.raises(ValueError, match="action"):
        audit.record(con, OPERATOR, "deleted_trail")
    with pytest.raises(ValueError, match="outcome"):
        audit.record(con, OPERATOR, "export", outcome="maybe")
    with pytest.raises(ValueError, match="channel"):
        audit.record(con, OPERATOR, "export", via="email")
    audit.record(con, OPERATOR, "export", detail="x" * 5000 + "\n\tmore")
    detail = audit.events(con, limit=1)[0].detail
    assert len(detail) == audit.MAX_DETAIL and detail.endswith("…")


def test_the_trail_downloads_as_csv_with_formulas_neutralised(con: store.Connection) -> None:
    audit.record(con, OPERATOR, "export", detail='=HYPERLINK("http://x")')
    text = audit.events_csv(audit.events(con))
    assert text.startswith("\ufeffEvent,When,Who,Action,Outcome,Detail,Via\r\n")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows[0]["Detail"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["Action"] == "Export"
    assert [r["Action"] for r in rows[1:]] == ["Account added", "Account added"]
    assert audit.events_csv([]) == "\ufeffEvent,When,Who,Action,Outcome,Detail,Via\r\n"
