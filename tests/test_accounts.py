"""Accounts: adding and changing them, Argon2id passwords, failed sign-ins, and the audit trail."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

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
    # A failure is counted in memory, not written: the trail has the sign-in alone.
    assert trail(con)[-1] == ("root@hub.example", "sign_in", "ok", "password")


# --- failed sign-ins: the same answer, the same work, no writes, nobody locked out ------------

START = datetime(2026, 3, 2, 10, 0)
GUESSER = "192.0.2.66"
OWNER = "198.51.100.7"


def fail(con: store.Connection, email: str, times: int, client: str = GUESSER) -> list[str]:
    return [
        accounts.sign_in(con, email, "a wrong long guess", client=client, now=START).outcome
        for _ in range(times)
    ]


def test_every_failure_says_the_same_and_never_that_an_account_is_held(
    con: store.Connection,
) -> None:
    """An unknown address, a real account, an account with no password and an address held
    after five failures read alike, so the form tells nobody which accounts exist."""
    assert fail(con, "root@hub.example", 5) == ["wrong"] * 5
    cases = {
        "unknown": accounts.sign_in(con, "who@hub.example", PASSWORD, client=GUESSER, now=START),
        "wrong": accounts.sign_in(con, "root@hub.example", "nope" * 4, client=OWNER, now=START),
        "no_password": accounts.sign_in(con, "ann@rock.example", PASSWORD, now=START),
        "held": accounts.sign_in(con, "root@hub.example", PASSWORD, client=GUESSER, now=START),
    }
    assert {name: r.outcome for name, r in cases.items()} == {n: n for n in cases}
    assert {r.message() for r in cases.values()} == {
        "That email address and password do not match an account."
    }


def test_every_attempt_checks_one_hash_and_an_unknown_address_a_stand_in(
    con: store.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real_verify = PasswordHasher.verify

    def counting(self: PasswordHasher, hashed: str, password: str) -> bool:
        checked.append(hashed)
        return real_verify(self, hashed, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    stored = con.execute("SELECT password_hash FROM hub_user WHERE email = 'root@hub.example'")
    root_hash = stored.fetchone()[0]  # type: ignore[index]
    accounts.sign_in(con, "nobody@hub.example", PASSWORD, client=GUESSER, now=START)
    accounts.sign_in(con, "not an address", PASSWORD, client=GUESSER, now=START)
    accounts.sign_in(con, "ann@rock.example", PASSWORD, client=GUESSER, now=START)
    fail(con, "root@hub.example", 5)
    accounts.sign_in(con, "root@hub.example", PASSWORD, client=GUESSER, now=START)  # held
    assert len(checked) == 9  # one Argon2 check per attempt, whatever the case
    stand_in = checked[0]
    assert stand_in.startswith("$argon2id$") and stand_in != root_hash
    assert checked[:3] == [stand_in] * 3  # no account, not an address, no password
    assert checked[3:] == [root_hash] * 6


def test_failed_attempts_take_the_writer_only_when_a_hold_starts(
    con: store.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[int] = []
    real = store.write_transaction

    def counted(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        writes.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "write_transaction", counted)
    before = trail(con)
    assert (
        fail(con, "root@hub.example", 4) + fail(con, "nobody@hub.example", 4)
        == ["wrong"] * 4 + ["unknown"] * 4
    )
    assert writes == []
    assert fail(con, "root@hub.example", 1) == ["wrong"]  # the fifth: the hold starts
    assert writes == [1]
    assert fail(con, "root@hub.example", 10) == ["held"] * 10
    assert writes == [1]
    assert trail(con)[len(before) :] == [
        (
            "root@hub.example",
            "sign_in_failed",
            "refused",
            "5 failed sign-ins in a row from 192.0.2.66 (the last: wrong password); that "
            "address may not try again until 2026-03-02 10:15",
        )
    ]


def test_an_unknown_address_is_held_too_and_recorded_without_what_was_typed(
    con: store.Connection,
) -> None:
    assert fail(con, "my secret words", 5) + fail(con, "my secret words", 1) == ["unknown"] * 5 + [
        "held"
    ]
    who, action, outcome, detail = trail(con)[-1]
    assert (who, action, outcome) == ("(unknown account)", "sign_in_failed", "refused")
    assert "no account for the address given" in detail
    assert "my secret words" not in everything_stored(con)


def test_a_guesser_holds_only_their_own_address_never_the_account(con: store.Connection) -> None:
    fail(con, "root@hub.example", 5)
    guess = accounts.sign_in(con, "root@hub.example", PASSWORD, client=GUESSER, now=START)
    assert guess.outcome == "held"  # the right password, from the guesser's address
    owner = accounts.sign_in(con, "root@hub.example", PASSWORD, client=OWNER, now=START)
    assert owner.outcome == "ok"
    account = accounts.find(con, "root@hub.example")
    assert account is not None and not account.locked() and account.failed_sign_ins == 0


def test_a_hold_ends_after_fifteen_minutes_with_five_fresh_attempts(
    con: store.Connection,
) -> None:
    fail(con, "root@hub.example", 5)
    almost = START + timedelta(minutes=14, seconds=59)
    held = accounts.sign_in(con, "root@hub.example", PASSWORD, client=GUESSER, now=almost)
    assert held.outcome == "held"
    later = START + timedelta(minutes=15, seconds=1)
    wrong = [
        accounts.sign_in(con, "root@hub.example", "wrong" * 3, client=GUESSER, now=later).outcome
        for _ in range(6)
    ]
    assert wrong == ["wrong"] * 5 + ["held"]


def test_failures_spread_over_more_than_fifteen_minutes_start_no_hold(
    con: store.Connection,
) -> None:
    for minute in range(0, 80, 16):  # five failures, each after the last one's window
        when = START + timedelta(minutes=minute)
        wrong = accounts.sign_in(con, "root@hub.example", "wrong" * 3, client=GUESSER, now=when)
        assert wrong.outcome == "wrong"


def test_a_success_resets_the_count(con: store.Connection) -> None:
    fail(con, "root@hub.example", 4)
    ok = accounts.sign_in(con, "root@hub.example", PASSWORD, client=GUESSER, now=START)
    assert ok.outcome == "ok"
    assert trail(con)[-1] == (
        "root@hub.example",
        "sign_in",
        "ok",
        "password, after 4 failed attempts from this address",
    )
    assert fail(con, "root@hub.example", 4) == ["wrong"] * 4


def test_setting_a_password_lifts_a_hold(con: store.Connection) -> None:
    fail(con, "root@hub.example", 5)
    accounts.set_password(con, "root@hub.example", "a brand new passphrase", by=OPERATOR)
    after = accounts.sign_in(
        con, "root@hub.example", "a brand new passphrase", client=GUESSER, now=START
    )
    assert after.outcome == "ok"


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
