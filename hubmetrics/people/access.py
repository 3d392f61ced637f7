"""Who may do what: the roles, the one permission table, and the person acting."""

from __future__ import annotations

import getpass
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, cast

Role = Literal["viewer", "partner", "staff", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "partner", "staff", "admin")
ROLE_LABELS: dict[str, str] = {
    "viewer": "Viewer (trustee)",
    "partner": "Partner",
    "staff": "Hub staff",
    "admin": "Administrator",
}


class Scope(StrEnum):
    """How far a permission reaches."""

    ALL = "all"  # everything, true values
    OWN = "own"  # only the person's own partner's
    SUPPRESSED = "suppressed"  # every figure, small numbers hidden
    OWN_IN_FULL = "own in full"  # its own partner's figures in full, the rest suppressed


# What a person can do, in the words of the hub (the rows of the table in docs/access.md).
ACTIONS: dict[str, str] = {
    "figures": "Overview, goal, reach, schools and partners pages",
    "upload": "Upload a file",
    "batches": "Batch history and kept originals",
    "rollback": "Roll back a batch",
    "ace_workbook": "Arts Council workbook",
    "board_pack": "Board pack",
    "manage": "Users, roles, the goals file and the audit trail",
    "privacy": "Erase or list a child's records; purge old ones",
    "methods": "How every figure is defined",
}

# THE permission table: action -> role -> scope. A role missing from an action may not do it.
PERMISSIONS: dict[str, dict[Role, Scope]] = {
    "figures": {
        "viewer": Scope.SUPPRESSED,
        "partner": Scope.OWN_IN_FULL,
        "staff": Scope.ALL,
        "admin": Scope.ALL,
    },
    "upload": {"partner": Scope.OWN, "staff": Scope.ALL, "admin": Scope.ALL},
    "batches": {"partner": Scope.OWN, "staff": Scope.ALL, "admin": Scope.ALL},
    "rollback": {"admin": Scope.ALL},
    "ace_workbook": {"staff": Scope.ALL, "admin": Scope.ALL},
    "board_pack": {"viewer": Scope.ALL, "staff": Scope.ALL, "admin": Scope.ALL},
    "manage": {"admin": Scope.ALL},
    "privacy": {"admin": Scope.ALL},
    "methods": {role: Scope.ALL for role in ROLES},
}

# A partner sends only its own returns (activities and participant records); the partners and
# schools lists are the hub's.
PARTNER_KINDS = ("activities", "participants")  # a partner's own returns

LOCAL_PREFIX = "local:"

# Who may be limited to one hub: trustees and partners belong to a hub; the lead's staff and
# administrators work for every hub it runs.
HUB_LIMITED_ROLES: tuple[Role, ...] = ("viewer", "partner")
HUB_LIMIT_REFUSED = (
    "Only a viewer or a partner account can be limited to one hub; staff and administrators "
    "work for the lead organisation and see every hub."
)


class AccessRefused(Exception):
    """The person may not do this; the message says so in plain words."""


@dataclass(frozen=True)
class Person:
    """Someone acting on the hub's data: a signed-in account, or the local operator.

    `email` is who the audit trail names. The local operator (no sign-in: the command line
    without `--user`, or the app in `none` mode) acts as an admin and is named `local:NAME`.
    `hub` limits a viewer or a partner to one hub of the lead organisation (its key in the
    hubs file); None sees every hub and the lead's whole. Staff and admins work for the lead,
    so they see every hub.
    """

    email: str
    role: Role
    partner_id: str | None = None
    hub: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"Unknown role {self.role!r}; the roles are {', '.join(ROLES)}.")
        if self.role == "partner" and not self.partner_id:
            raise ValueError("A partner account needs the partner it belongs to.")
        if self.role != "partner" and self.partner_id:
            raise ValueError("Only a partner account belongs to a partner.")
        if self.hub is not None and self.role not in HUB_LIMITED_ROLES:
            raise ValueError(HUB_LIMIT_REFUSED)

    @property
    def is_local(self) -> bool:
        return self.email.startswith(LOCAL_PREFIX)

    def describe(self) -> str:
        """`kim@hub.example (Hub staff)`, `ann@rock.example (Partner: ROCK-NN)`."""
        role = ROLE_LABELS[self.role]
        if self.partner_id:
            role += f": {self.partner_id}"
        if self.hub:
            role += f"; hub {self.hub} only"
        return f"{self.email} ({role})"


def local_operator(name: str | None = None) -> Person:
    """Whoever can open the database file (the command line, or the app in `none` mode)."""
    if name is None:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no name for this user id (a bare container)
            name = "operator"
    return Person(f"{LOCAL_PREFIX}{name}", "admin")


def as_role(text: str) -> Role:
    """A role from text, or ValueError naming the roles."""
    role = text.strip().lower()
    if role not in ROLES:
        raise ValueError(f"Unknown role {text!r}; the roles are {', '.join(ROLES)}.")
    return cast(Role, role)


def scope(person: Person, action: str) -> Scope | None:
    """How far `person` may do `action`, or None when not at all."""
    if action not in PERMISSIONS:
        raise KeyError(f"No such action {action!r}")
    return PERMISSIONS[action].get(person.role)


def may(person: Person, action: str) -> bool:
    return scope(person, action) is not None


def require(person: Person, action: str) -> Scope:
    """The person's scope for `action`; AccessRefused when they may not do it."""
    granted = scope(person, action)
    if granted is None:
        raise AccessRefused(
            f"{ROLE_LABELS[person.role]} accounts may not use this: {ACTIONS[action].lower()}."
        )
    return granted


def upload_partner(person: Person, kind: str, partner_id: str | None) -> str | None:
    """The partner an upload is for, once the person may send it; AccessRefused otherwise.

    A partner account may send only activity returns, and only its own: the partner is
    filled in when not named, and every row of the file must then be that partner's.
    """
    granted = require(person, "upload")
    if granted is Scope.ALL:
        return partner_id
    if kind not in PARTNER_KINDS:
        raise AccessRefused(
            f"A partner account may upload only its own returns (activities or participant "
            f"records), not a {kind} list."
        )
    if partner_id is not None and partner_id != person.partner_id:
        raise AccessRefused(
            f"This account is for partner {person.partner_id}; it may not upload a return "
            f"for {partner_id}."
        )
    return person.partner_id


def batches_partner(person: Person) -> str | None:
    """The partner whose batches the person may see (None: every batch); refused if none."""
    granted = require(person, "batches")
    return person.partner_id if granted is Scope.OWN else None


def may_see_batch(person: Person, batch_partner_id: str | None) -> bool:
    """True when the person may see this batch and download its kept original."""
    granted = scope(person, "batches")
    if granted is Scope.ALL:
        return True
    return granted is Scope.OWN and batch_partner_id == person.partner_id


def sees_in_full(person: Person, partner_id: str | None = None) -> bool:
    """True when figures about `partner_id` (None: the whole hub) are shown to the person
    unsuppressed: staff and admins always, a partner for its own partner only."""
    granted = require(person, "figures")
    if granted is Scope.ALL:
        return True
    return granted is Scope.OWN_IN_FULL and partner_id == person.partner_id


def hubs_seen(person: Person, every: Iterable[str]) -> tuple[str, ...]:
    """The hub keys `person` may choose among `every` hub of the lead organisation: their
    own alone when limited to one (a hub no longer in the hubs file gives none, so nothing is
    shown rather than everything)."""
    keys = tuple(every)
    if person.hub is None:
        return keys
    return (person.hub,) if person.hub in keys else ()


def sees_whole_lead(person: Person) -> bool:
    """True when the person may see the lead organisation's figures across its hubs."""
    return person.hub is None


# --- sign-in modes ---------------------------------------------------------------------------

AUTH_MODES = ("oidc", "password", "none")
DEFAULT_IDLE_MINUTES = 30
LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback"})
# A request that names these came through a proxy: whoever sent it may be anywhere.
FORWARDING_HEADERS = frozenset({"forwarded", "x-forwarded-for", "x-real-ip", "x-forwarded-host"})


def auth_mode(environment: str | None, settings: Mapping[str, object] | None) -> str:
    """The sign-in mode: HUBMETRICS_AUTH, else `[hubmetrics] auth` of the secrets, else none."""
    chosen = environment or (settings or {}).get("auth") or "none"
    mode = str(chosen).strip().lower()
    if mode not in AUTH_MODES:
        raise ValueError(
            f"Unknown sign-in mode {chosen!r}; set HUBMETRICS_AUTH or `[hubmetrics] auth` to "
            f"{', '.join(AUTH_MODES)}."
        )
    return mode


def idle_minutes(environment: str | None, settings: Mapping[str, object] | None) -> float:
    """Minutes without a click before a session ends (HUBMETRICS_IDLE_MINUTES, else the
    secrets' `[hubmetrics] idle_minutes`, else 30)."""
    chosen = environment or (settings or {}).get("idle_minutes")
    if chosen is None or chosen == "":
        return DEFAULT_IDLE_MINUTES
    try:
        minutes = float(str(chosen))
    except ValueError:
        raise ValueError(f"The idle time must be a number of minutes, not {chosen!r}.") from None
    if minutes <= 0:
        raise ValueError(f"The idle time must be more than 0 minutes, not {chosen!r}.")
    return minutes


def is_loopback(address: str | None) -> bool:
    """True when a server bound to `address` can be reached from this machine only.

    An empty address means every interface (Streamlit's default), so it is not loopback.
    """
    if not address:
        return False
    host = address.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return (mapped or ip).is_loopback


def is_local_request(client: str | None, headers: Iterable[str] = ()) -> bool:
    """True when a request comes from this computer: Streamlit gives no client address for a
    loopback connection (`st.context.ip_address` is None), and no proxy forwarded it
    (`headers`: the names of the request's headers)."""
    if any(name.lower() in FORWARDING_HEADERS for name in headers):
        return False
    return client is None or is_loopback(client)


def open_without_sign_in(is_demo: bool, address: str | None, *, local_request: bool) -> bool:
    """Whether `none` mode may show anything: only to a request from this computer, and then
    on the demo data, or on real data when the server listens on a loopback address only."""
    return local_request and (is_demo or is_loopback(address))
