"""The hub's accounts: who may sign in, their role, Argon2id passwords and password sign-in."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hubmetrics import config, store
from hubmetrics.hubs import load_hubs
from hubmetrics.people import audit
from hubmetrics.people.access import (
    HUB_LIMIT_REFUSED,
    HUB_LIMITED_ROLES,
    ROLE_LABELS,
    ROLES,
    Person,
    Role,
    as_role,
)
from hubmetrics.people.throttle import HOLD_MINUTES, MAX_FAILED_SIGN_INS, Throttle, throttle_for

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # hashing a huge "password" would only tie the server up
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# argon2-cffi's defaults are Argon2id with RFC 9106's low-memory parameters (t=3, 64 MiB, p=4).
_hasher = PasswordHasher()
_dummy_hash: str | None = None
_log = logging.getLogger(__name__)
THIS_COMPUTER = "this computer"  # where a sign-in comes from when the app has no address for it
UNKNOWN = "(unknown account)"  # who the trail names for an address with no account


class AccountError(Exception):
    """An account cannot be added or changed as asked; the message says why."""


@dataclass(frozen=True)
class Account:
    """One row of the users table, without its password hash."""

    email: str
    role: Role
    partner_id: str | None
    hub: str | None
    has_password: bool
    failed_sign_ins: int
    # Columns of the account lock before issue 18: sign-in no longer sets them (failed
    # attempts are counted in memory, by address: `throttle`), and a success clears them.
    locked_until: datetime | None
    last_sign_in: datetime | None
    added_at: datetime
    added_by: str

    @property
    def person(self) -> Person:
        return Person(self.email, self.role, self.partner_id, self.hub)

    def locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or datetime.now())


SignInOutcome = Literal["ok", "wrong", "held", "unknown", "no_password"]
_WHY: dict[str, str] = {  # for the server's log and the audit trail; never for the form
    "wrong": "wrong password",
    "unknown": "no account for the address given",
    "no_password": "no password set",
}


@dataclass(frozen=True)
class SignIn:
    """What became of a password sign-in: the person when it worked, else why not (for the
    tests and the log; the person is told only that it did not work)."""

    outcome: SignInOutcome
    person: Person | None = None

    def message(self) -> str:
        """What the sign-in form says. Every failure reads the same (a wrong password, an
        unknown address, an address held after too many tries), so that the form tells a
        stranger nothing about which addresses have accounts."""
        if self.outcome == "ok":
            return "Signed in."
        return "That email address and password do not match an account."


def _accounts(con: store.Connection, email: str | None = None) -> list[Account]:
    """Every account (or the one for `email`), by email."""
    rows = con.execute(
        "SELECT email, role, partner_id, hub, password_hash IS NOT NULL, failed_sign_ins, "
        "locked_until, last_sign_in, added_at, added_by FROM hub_user "
        "WHERE ? IS NULL OR email = ? ORDER BY email",
        [email, email],
    ).fetchall()
    return [Account(*r) for r in rows]


def normalise_email(text: str) -> str:
    """The address as the table keeps it (trimmed, lower case); AccountError if not one."""
    email = text.strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError(f"{text.strip()!r} is not an email address.")
    return email


def list_accounts(con: store.Connection) -> list[Account]:
    """Every account, by email."""
    return _accounts(con)


def find(con: store.Connection, email: str) -> Account | None:
    """The account for an address (any case), or None."""
    try:
        key = normalise_email(email)
    except AccountError:
        return None
    found = _accounts(con, key)
    return found[0] if found else None


def has_accounts(con: store.Connection) -> bool:
    row = con.execute("SELECT count(*) FROM hub_user").fetchone()
    return bool(row and row[0])


def add(
    con: store.Connection,
    email: str,
    role: str,
    partner_id: str | None = None,
    *,
    by: Person | str,
    password: str | None = None,
    via: str = "app",
    hub: str | None = None,
) -> Account:
    """Add an account (audited). A partner account names a partner in the partners list; a
    viewer or partner may be limited to one `hub` of the hubs file."""
    key = normalise_email(email)
    person = _checked(con, key, role, partner_id, hub)
    hashed = _hash(password) if password is not None else None
    now = datetime.now()
    with store.write_transaction(con, bump=False) as cur:
        if cur.execute("SELECT 1 FROM hub_user WHERE email = ?", [key]).fetchone():
            raise AccountError(f"There is already an account for {key}.")
        cur.execute(
            "INSERT INTO hub_user (email, role, partner_id, hub, password_hash, added_at, "
            "added_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [key, person.role, person.partner_id, person.hub, hashed, now, audit.who(by)],
        )
        detail = f"{person.describe()}" + (" with a password" if hashed else "")
        audit.append(cur, by, "user_added", detail=detail, via=via)
    found = find(con, key)
    assert found is not None
    return found


def set_role(
    con: store.Connection,
    email: str,
    role: str,
    partner_id: str | None = None,
    *,
    by: Person | str,
    via: str = "app",
    hub: str | None = None,
) -> Account:
    """Change an account's role (and partner, and hub); the last admin keeps the admin role."""
    key = normalise_email(email)
    person = _checked(con, key, role, partner_id, hub)
    with store.write_transaction(con, bump=False) as cur:
        before = _existing(cur, key)
        if before.role == "admin" and person.role != "admin":
            _keep_an_admin(cur, key, "change the role of")
        cur.execute(
            "UPDATE hub_user SET role = ?, partner_id = ?, hub = ?, changed_at = ?, "
            "changed_by = ? WHERE email = ?",
            [person.role, person.partner_id, person.hub, datetime.now(), audit.who(by), key],
        )
        audit.append(
            cur,
            by,
            "user_changed",
            detail=f"{before.person.describe()} is now {person.describe()}",
            via=via,
        )
    found = find(con, key)
    assert found is not None
    return found


def remove(con: store.Connection, email: str, *, by: Person | str, via: str = "app") -> None:
    """Remove an account; the last admin cannot be removed."""
    key = normalise_email(email)
    with store.write_transaction(con, bump=False) as cur:
        before = _existing(cur, key)
        if before.role == "admin":
            _keep_an_admin(cur, key, "remove")
        cur.execute("DELETE FROM hub_user WHERE email = ?", [key])
        audit.append(cur, by, "user_removed", detail=before.person.describe(), via=via)


def set_password(
    con: store.Connection, email: str, password: str, *, by: Person | str, via: str = "app"
) -> None:
    """Set (or reset) a password; it also ends any hold on signing in to it (in this
    process). Only the hash is kept."""
    key = normalise_email(email)
    hashed = _hash(password)
    with store.write_transaction(con, bump=False) as cur:
        _existing(cur, key)
        cur.execute(
            "UPDATE hub_user SET password_hash = ?, failed_sign_ins = 0, locked_until = NULL, "
            "changed_at = ?, changed_by = ? WHERE email = ?",
            [hashed, datetime.now(), audit.who(by), key],
        )
        audit.append(cur, by, "password_set", detail=f"for {key}", via=via)
    throttle_for(store.database_path(con)).forget(key)


def sign_in(
    con: store.Connection,
    email: str,
    password: str,
    *,
    client: str | None = None,
    now: datetime | None = None,
    throttle: Throttle | None = None,
) -> SignIn:
    """Check a password sign-in from `client` (its address; None: this computer).

    Every attempt does the same work, one Argon2 check (against a stand-in hash when the
    address has no account or no password), and every failure gets the same answer. A
    failure is counted in memory (`throttle`), not written: five from one address for one
    email hold that pair for fifteen minutes, and only the start of a hold is written to
    the audit trail. The account is never locked, so nobody can lock another person out.
    """
    now = now or datetime.now()
    where = client or THIS_COMPUTER
    throttle = throttle or throttle_for(store.database_path(con))
    try:
        key = normalise_email(email)
    except AccountError:
        key = ""  # not an address: counted all the same, never recorded as typed
    row = con.execute(
        "SELECT role, partner_id, password_hash, hub FROM hub_user WHERE email = ?", [key]
    ).fetchone()
    hashed = row[2] if row else None
    matches = _verify(hashed or _dummy(), password) and hashed is not None
    if throttle.held_until(where, key, now) is not None:
        return SignIn("held")  # the right password too: the hold is for this address
    if matches and row is not None and hashed is not None:
        failures = throttle.succeeded(where, key)
        person = Person(key, row[0], row[1], row[3])
        return _signed_in(con, person, hashed, password, now, failures)
    outcome: SignInOutcome = "unknown" if row is None else "no_password" if not hashed else "wrong"
    _log.info("Failed password sign-in from %s: %s", where, _WHY[outcome])
    hold = throttle.failed(where, key, now)
    if hold is not None:
        # The one write of a run of failures: staff see the hold in the audit trail.
        _log.warning("Sign-in held for %s after %d failures", where, hold.failures)
        detail = (
            f"{hold.failures} failed sign-ins in a row from {where} (the last: "
            f"{_WHY[outcome]}); that address may not try again until {hold.until:%Y-%m-%d %H:%M}"
        )
        audit.record(
            con, key if row else UNKNOWN, "sign_in_failed", outcome="refused", detail=detail
        )
    return SignIn(outcome)


def _signed_in(
    con: store.Connection, person: Person, hashed: str, password: str, now: datetime, failures: int
) -> SignIn:
    if _hasher.check_needs_rehash(hashed):
        hashed = _hash(password)
    with store.write_transaction(con, bump=False) as cur:
        cur.execute(
            "UPDATE hub_user SET failed_sign_ins = 0, locked_until = NULL, last_sign_in = ?, "
            "password_hash = ? WHERE email = ?",
            [now, hashed, person.email],
        )
        after = f", after {failures} failed attempts from this address" if failures else ""
        audit.append(cur, person.email, "sign_in", detail=f"password{after}")
    return SignIn("ok", person=person)


def mark_signed_in(con: store.Connection, email: str, *, how: str) -> Person | None:
    """A sign-in proved elsewhere (the identity provider): the account's person, recorded;
    None (recorded too) when the address has no account."""
    account = find(con, email)
    with store.write_transaction(con, bump=False) as cur:
        if account is None:
            audit.append(
                cur,
                email.strip().lower() or "(no email)",
                "no_access",
                outcome="refused",
                detail=f"{how}: no account for this address",
            )
            return None
        cur.execute(
            "UPDATE hub_user SET last_sign_in = ? WHERE email = ?",
            [datetime.now(), account.email],
        )
        audit.append(cur, account.email, "sign_in", detail=how)
    return account.person


def check_password(password: str) -> None:
    """AccountError unless the password is long enough (and not absurdly long)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters (three random words "
            "make a good one)."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"A password may have at most {MAX_PASSWORD_LENGTH} characters.")


# --- helpers ---------------------------------------------------------------------------------


def _checked(
    con: store.Connection, email: str, role: str, partner_id: str | None, hub: str | None = None
) -> Person:
    try:
        chosen = as_role(role)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    partner = (partner_id or "").strip() or None
    if chosen == "partner":
        if partner is None:
            raise AccountError("A partner account needs its partner: give --partner ID.")
        known = con.execute("SELECT 1 FROM partners WHERE partner_id = ?", [partner]).fetchone()
        if not known:
            raise AccountError(
                f"There is no partner {partner!r} in the partners list. Load it first, or "
                "check the ID."
            )
    elif partner is not None:
        raise AccountError(
            f"Only a partner account belongs to a partner; a {ROLE_LABELS[chosen].lower()} "
            "account covers the whole hub."
        )
    limited = (hub or "").strip() or None
    if limited is not None:
        if chosen not in HUB_LIMITED_ROLES:
            raise AccountError(HUB_LIMIT_REFUSED)
        every = load_hubs(config.hubs_path())
        if limited not in every.keys:
            there = ", ".join(every.keys) or "none (there is no hubs file)"
            raise AccountError(
                f"There is no hub {limited!r} in the hubs file; the hubs are {there}."
            )
    return Person(email, chosen, partner, limited)


def _existing(cur: store.Connection, email: str) -> Account:
    found = _accounts(cur, email)
    if not found:
        raise AccountError(f"There is no account for {email}.")
    return found[0]


def _keep_an_admin(cur: store.Connection, email: str, verb: str) -> None:
    row = cur.execute(
        "SELECT count(*) FROM hub_user WHERE role = 'admin' AND email <> ?", [email]
    ).fetchone()
    if not row or not row[0]:
        raise AccountError(
            f"Cannot {verb} {email}: it is the only administrator. Make another account an "
            "administrator first."
        )


def _hash(password: str) -> str:
    check_password(password)
    return _hasher.hash(password)


def _verify(hashed: str, password: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("not a password anyone has: " + "x" * 16)
    return _dummy_hash


__all__ = [
    "HOLD_MINUTES",
    "MAX_FAILED_SIGN_INS",
    "ROLES",
    "Account",
    "AccountError",
    "SignIn",
    "Throttle",
    "add",
    "find",
    "has_accounts",
    "list_accounts",
    "mark_signed_in",
    "normalise_email",
    "remove",
    "set_password",
    "set_role",
    "sign_in",
]
