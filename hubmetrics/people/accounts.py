"""The hub's accounts: who may sign in, their role, Argon2id passwords and lockout."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hubmetrics import store
from hubmetrics.people import audit
from hubmetrics.people.access import ROLE_LABELS, ROLES, Person, Role, as_role

MAX_FAILED_SIGN_INS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # hashing a huge "password" would only tie the server up
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# argon2-cffi's defaults are Argon2id with RFC 9106's low-memory parameters (t=3, 64 MiB, p=4).
_hasher = PasswordHasher()
_dummy_hash: str | None = None


class AccountError(Exception):
    """An account cannot be added or changed as asked; the message says why."""


@dataclass(frozen=True)
class Account:
    """One row of the users table, without its password hash."""

    email: str
    role: Role
    partner_id: str | None
    has_password: bool
    failed_sign_ins: int
    locked_until: datetime | None
    last_sign_in: datetime | None
    added_at: datetime
    added_by: str

    @property
    def person(self) -> Person:
        return Person(self.email, self.role, self.partner_id)

    def locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or datetime.now())


SignInOutcome = Literal["ok", "wrong", "locked", "unknown", "no_password"]


@dataclass(frozen=True)
class SignIn:
    """What became of a password sign-in: the person when it worked, else why not."""

    outcome: SignInOutcome
    person: Person | None = None
    locked_until: datetime | None = None

    def message(self) -> str:
        """What the sign-in form says. Wrong and unknown read the same, so that the form
        does not tell a stranger which addresses have accounts."""
        if self.outcome == "ok":
            return "Signed in."
        if self.outcome == "locked" and self.locked_until is not None:
            return (
                f"Too many failed attempts: this account is locked until "
                f"{self.locked_until:%H:%M}. Try again then, or ask an administrator."
            )
        return "That email address and password do not match an account."


def _accounts(con: store.Connection, email: str | None = None) -> list[Account]:
    """Every account (or the one for `email`), by email."""
    rows = con.execute(
        "SELECT email, role, partner_id, password_hash IS NOT NULL, failed_sign_ins, "
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
) -> Account:
    """Add an account (audited). A partner account names a partner in the partners list."""
    key = normalise_email(email)
    person = _checked(con, key, role, partner_id)
    hashed = _hash(password) if password is not None else None
    now = datetime.now()
    with store.write_transaction(con, bump=False) as cur:
        if cur.execute("SELECT 1 FROM hub_user WHERE email = ?", [key]).fetchone():
            raise AccountError(f"There is already an account for {key}.")
        cur.execute(
            "INSERT INTO hub_user (email, role, partner_id, password_hash, added_at, added_by) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [key, person.role, person.partner_id, hashed, now, audit.who(by)],
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
) -> Account:
    """Change an account's role (and partner); the last admin keeps the admin role."""
    key = normalise_email(email)
    person = _checked(con, key, role, partner_id)
    with store.write_transaction(con, bump=False) as cur:
        before = _existing(cur, key)
        if before.role == "admin" and person.role != "admin":
            _keep_an_admin(cur, key, "change the role of")
        cur.execute(
            "UPDATE hub_user SET role = ?, partner_id = ?, changed_at = ?, changed_by = ? "
            "WHERE email = ?",
            [person.role, person.partner_id, datetime.now(), audit.who(by), key],
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
    """Set (or reset) a password; it also lifts a lockout. Only the hash is kept."""
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


def sign_in(
    con: store.Connection, email: str, password: str, *, now: datetime | None = None
) -> SignIn:
    """Check a password sign-in and record it in the audit trail.

    Five failed attempts in a row lock the account for fifteen minutes; while locked, even
    the right password is refused. An address with no account is recorded without what was
    typed (it may have been a password typed in the wrong box).
    """
    now = now or datetime.now()
    try:
        key = normalise_email(email)
    except AccountError:
        key = ""
    with store.write_transaction(con, bump=False) as cur:
        row = cur.execute(
            "SELECT role, partner_id, password_hash, failed_sign_ins, locked_until "
            "FROM hub_user WHERE email = ?",
            [key],
        ).fetchone()
        if row is None:
            _verify(_dummy(), password)  # the same work as for a real account
            audit.append(
                cur,
                "(unknown account)",
                "sign_in_failed",
                outcome="refused",
                detail="no account for the address given",
            )
            return SignIn("unknown")
        role, partner_id, hashed, failed, locked_until = row
        if locked_until is not None and locked_until > now:
            audit.append(cur, key, "sign_in_failed", outcome="refused", detail="account locked")
            return SignIn("locked", locked_until=locked_until)
        if locked_until is not None:  # the lock has run out: a fresh start
            failed = 0
        if hashed is None:
            _verify(_dummy(), password)
            audit.append(cur, key, "sign_in_failed", outcome="refused", detail="no password set")
            return SignIn("no_password")
        if not _verify(hashed, password):
            failed += 1
            lock = now + timedelta(minutes=LOCK_MINUTES) if failed >= MAX_FAILED_SIGN_INS else None
            cur.execute(
                "UPDATE hub_user SET failed_sign_ins = ?, locked_until = ? WHERE email = ?",
                [0 if lock else failed, lock, key],
            )
            detail = f"wrong password ({failed} in a row)"
            if lock:
                detail += f"; locked until {lock:%Y-%m-%d %H:%M}"
            audit.append(cur, key, "sign_in_failed", outcome="refused", detail=detail)
            return SignIn("locked", locked_until=lock) if lock else SignIn("wrong")
        if _hasher.check_needs_rehash(hashed):
            hashed = _hash(password)
        cur.execute(
            "UPDATE hub_user SET failed_sign_ins = 0, locked_until = NULL, last_sign_in = ?, "
            "password_hash = ? WHERE email = ?",
            [now, hashed, key],
        )
        audit.append(cur, key, "sign_in", detail="password")
        return SignIn("ok", person=Person(key, role, partner_id))


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


def _checked(con: store.Connection, email: str, role: str, partner_id: str | None) -> Person:
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
    return Person(email, chosen, partner)


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
    "LOCK_MINUTES",
    "MAX_FAILED_SIGN_INS",
    "ROLES",
    "Account",
    "AccountError",
    "SignIn",
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
