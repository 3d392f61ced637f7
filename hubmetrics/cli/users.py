"""The `hubmetrics users` commands: add, list, set-role, set-password and remove accounts."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from hubmetrics import config, store
from hubmetrics.people import accounts
from hubmetrics.people.access import ACTIONS, ROLE_LABELS, ROLES, auth_mode, local_operator, scope

COMMANDS = ("users",)


def add_commands(subparsers: Any) -> argparse.ArgumentParser:
    """Add `users add|list|set-role|set-password|remove`."""
    parser = subparsers.add_parser("users", help="the accounts that may sign in, and their roles")
    what = parser.add_subparsers(dest="users", required=True, metavar="WHAT")
    add = what.add_parser(
        "add",
        help="add an account (in password mode the password is read from standard input)",
    )
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--partner", help="the partner a partner account belongs to")
    add.add_argument(
        "--hub", help="limit a viewer or partner account to one hub of the hubs file (its key)"
    )
    what.add_parser("list", help="list the accounts")
    role = what.add_parser("set-role", help="change an account's role")
    role.add_argument("email")
    role.add_argument("role", choices=ROLES)
    role.add_argument("--partner", help="the partner, for a partner account")
    role.add_argument(
        "--hub", help="limit a viewer or partner account to one hub of the hubs file (its key)"
    )
    password = what.add_parser(
        "set-password", help="set a password (read from standard input); lifts a lockout"
    )
    password.add_argument("email")
    remove = what.add_parser("remove", help="remove an account")
    remove.add_argument("email")
    rights = what.add_parser("rights", help="what an account may do, from the permission table")
    rights.add_argument("email")
    return parser


def run(args: argparse.Namespace) -> int:
    """0 done, 1 refused (the message says why), 2 a usage mistake."""
    operator = local_operator()
    con = store.connect(args.db)
    try:
        if args.users == "list":
            return _list(con)
        if args.users == "rights":
            return _rights(con, args.email)
        if args.users == "add":
            password = None
            if _password_mode():
                password = _read_password(args.email)
                if password is None:
                    return 1
            account = accounts.add(
                con,
                args.email,
                args.role,
                args.partner,
                by=operator,
                password=password,
                via="cli",
                hub=args.hub,
            )
            print(f"Added {account.person.describe()}.")
        elif args.users == "set-role":
            account = accounts.set_role(
                con, args.email, args.role, args.partner, by=operator, via="cli", hub=args.hub
            )
            print(f"{account.email} is now {ROLE_LABELS[account.role].lower()}.")
        elif args.users == "set-password":
            password = _read_password(args.email)
            if password is None:
                return 1
            accounts.set_password(con, args.email, password, by=operator, via="cli")
            print(f"Password set for {accounts.normalise_email(args.email)}.")
        elif args.users == "remove":
            accounts.remove(con, args.email, by=operator, via="cli")
            print(f"Removed {accounts.normalise_email(args.email)}.")
        return 0
    except accounts.AccountError as exc:
        print(f"hubmetrics users: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()


def _list(con: store.Connection) -> int:
    found = accounts.list_accounts(con)
    if not found:
        print("No accounts yet. Add one with: hubmetrics users add EMAIL --role admin")
        return 0
    print(f"{'email':<36} {'role':<8} {'partner':<16} {'hub':<16} {'password':<8} last sign-in")
    for a in found:
        password = "locked" if a.locked() else ("set" if a.has_password else "-")
        last = f"{a.last_sign_in:%d/%m/%Y %H:%M}" if a.last_sign_in else "never"
        print(
            f"{a.email:<36} {a.role:<8} {a.partner_id or '':<16} {a.hub or 'every':<16} "
            f"{password:<8} {last}"
        )
    return 0


def _rights(con: store.Connection, email: str) -> int:
    account = accounts.find(con, email)
    if account is None:
        print(f"hubmetrics users: there is no account for {email!r}.", file=sys.stderr)
        return 1
    print(f"{account.person.describe()} may:")
    for action, words in ACTIONS.items():
        granted = scope(account.person, action)
        print(f"  {words:<52} {granted.value if granted else 'no'}")
    return 0


def _password_mode() -> bool:
    try:
        return auth_mode(os.environ.get("HUBMETRICS_AUTH"), config.hub_settings()) == "password"
    except ValueError:
        return False


def _read_password(email: str) -> str | None:
    """The password from standard input (asked twice at a terminal); None, said why, if none."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"Password for {email}: ")
        if getpass.getpass("The same password again: ") != first:
            print(
                "hubmetrics users: the two passwords differ; nothing was changed.", file=sys.stderr
            )
            return None
        password = first
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print(
            "hubmetrics users: no password was given on standard input; nothing was changed. "
            "Pipe one in, e.g. `hubmetrics users add EMAIL --role staff < password.txt`.",
            file=sys.stderr,
        )
        return None
    try:
        accounts.check_password(password)
    except accounts.AccountError as exc:
        print(f"hubmetrics users: {exc} Nothing was changed.", file=sys.stderr)
        return None
    return password
