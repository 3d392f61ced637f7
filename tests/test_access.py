"""The permission table, cell by cell, and the rules around it (roles, uploads, sign-in modes)."""

from __future__ import annotations

import pytest

from hubmetrics.people.access import (
    ACTIONS,
    PERMISSIONS,
    ROLES,
    AccessRefused,
    Person,
    Scope,
    as_role,
    auth_mode,
    batches_partner,
    idle_minutes,
    is_local_request,
    is_loopback,
    local_operator,
    may,
    may_see_batch,
    open_without_sign_in,
    require,
    sees_in_full,
    upload_partner,
)

VIEWER = Person("trustee@hub.example", "viewer")
PARTNER = Person("ann@rock.example", "partner", "ROCK-NN")
STAFF = Person("kim@hub.example", "staff")
ADMIN = Person("root@hub.example", "admin")
PEOPLE = {"viewer": VIEWER, "partner": PARTNER, "staff": STAFF, "admin": ADMIN}

# The table, written out by hand: (action, viewer, partner, staff, admin).
S, OWN, F, A, N = Scope.SUPPRESSED, Scope.OWN, Scope.OWN_IN_FULL, Scope.ALL, None
TABLE = [
    ("figures", S, F, A, A),
    ("upload", N, OWN, A, A),
    ("batches", N, OWN, A, A),
    ("rollback", N, N, N, A),
    ("ace_workbook", N, N, A, A),
    ("board_pack", A, N, A, A),
    ("manage", N, N, N, A),
    ("privacy", N, N, N, A),
    ("methods", A, A, A, A),
]
CELLS = [
    pytest.param(action, role, expected, id=f"{action}-{role}")
    for action, *scopes in TABLE
    for role, expected in zip(ROLES, scopes, strict=True)
]


@pytest.mark.parametrize(("action", "role", "expected"), CELLS)
def test_each_cell_of_the_table(action: str, role: str, expected: Scope | None) -> None:
    person = PEOPLE[role]
    assert PERMISSIONS[action].get(person.role) == expected
    assert may(person, action) is (expected is not None)
    if expected is None:
        with pytest.raises(AccessRefused, match="may not use this"):
            require(person, action)
    else:
        assert require(person, action) is expected


def test_the_table_has_every_action_and_nothing_else() -> None:
    assert [row[0] for row in TABLE] == list(PERMISSIONS) == list(ACTIONS)


def test_an_unknown_action_is_a_bug_not_a_refusal() -> None:
    with pytest.raises(KeyError):
        may(ADMIN, "delete_everything")


def test_a_person_is_checked() -> None:
    with pytest.raises(ValueError, match="Unknown role"):
        Person("a@b.example", "trustee")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs the partner"):
        Person("a@b.example", "partner")
    with pytest.raises(ValueError, match="Only a partner"):
        Person("a@b.example", "staff", "ROCK-NN")
    assert as_role(" Staff ") == "staff"
    with pytest.raises(ValueError, match="viewer, partner, staff, admin"):
        as_role("boss")


def test_the_local_operator_is_an_admin_named_local() -> None:
    operator = local_operator("kim")
    assert operator == Person("local:kim", "admin")
    assert operator.is_local and not ADMIN.is_local
    assert local_operator().email.startswith("local:")


# --- uploads and batches ------------------------------------------------------------------


def test_staff_and_admins_upload_any_partner_or_list() -> None:
    for person in (STAFF, ADMIN):
        assert upload_partner(person, "activities", "NMPAT") == "NMPAT"
        assert upload_partner(person, "activities", None) is None
        assert upload_partner(person, "schools", None) is None


def test_a_partner_uploads_only_its_own_activity_returns() -> None:
    assert upload_partner(PARTNER, "activities", None) == "ROCK-NN"  # filled in
    assert upload_partner(PARTNER, "activities", "ROCK-NN") == "ROCK-NN"
    with pytest.raises(
        AccessRefused, match="for partner ROCK-NN; it may not upload a return for NMPAT"
    ):
        upload_partner(PARTNER, "activities", "NMPAT")
    for kind in ("partners", "schools"):
        with pytest.raises(AccessRefused, match=f"not a {kind} list"):
            upload_partner(PARTNER, kind, None)


def test_a_viewer_uploads_nothing() -> None:
    with pytest.raises(AccessRefused):
        upload_partner(VIEWER, "activities", None)


def test_who_sees_which_batches() -> None:
    assert batches_partner(STAFF) is None and batches_partner(ADMIN) is None
    assert batches_partner(PARTNER) == "ROCK-NN"
    with pytest.raises(AccessRefused):
        batches_partner(VIEWER)
    assert may_see_batch(PARTNER, "ROCK-NN")
    assert not may_see_batch(PARTNER, "NMPAT")
    assert not may_see_batch(PARTNER, None)  # the hub's partners and schools lists
    assert may_see_batch(STAFF, "NMPAT") and may_see_batch(STAFF, None)
    assert not may_see_batch(VIEWER, "ROCK-NN")


def test_who_sees_figures_in_full() -> None:
    assert sees_in_full(STAFF) and sees_in_full(ADMIN, "NMPAT")
    assert not sees_in_full(VIEWER) and not sees_in_full(VIEWER, "ROCK-NN")
    assert sees_in_full(PARTNER, "ROCK-NN")
    assert not sees_in_full(PARTNER, "NMPAT")
    assert not sees_in_full(PARTNER)  # the whole hub holds other partners' figures


# --- sign-in modes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "settings", "expected"),
    [
        (None, None, "none"),
        (None, {}, "none"),
        (None, {"auth": "password"}, "password"),
        ("oidc", {"auth": "password"}, "oidc"),  # the environment wins
        (" Password ", None, "password"),
        ("", {"auth": "oidc"}, "oidc"),
    ],
)
def test_the_sign_in_mode(environment: str | None, settings: dict | None, expected: str) -> None:
    assert auth_mode(environment, settings) == expected


def test_an_unknown_sign_in_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="oidc, password, none"):
        auth_mode("ldap", None)
    with pytest.raises(ValueError, match="Unknown sign-in mode"):
        auth_mode(None, {"auth": "sso"})


def test_the_idle_time() -> None:
    assert idle_minutes(None, None) == 30
    assert idle_minutes(None, {"idle_minutes": 10}) == 10
    assert idle_minutes("0.5", {"idle_minutes": 10}) == 0.5
    for bad in ("soon", "0", "-5"):
        with pytest.raises(ValueError, match="idle time"):
            idle_minutes(bad, None)


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.3.2.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("", False),
        (None, False),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("hub.example.org", False),
    ],
)
def test_loopback_addresses(address: str | None, loopback: bool) -> None:
    assert is_loopback(address) is loopback


def test_none_mode_shows_real_data_only_on_loopback() -> None:
    assert open_without_sign_in(is_demo=True, address="", local_request=True)
    assert open_without_sign_in(is_demo=False, address="127.0.0.1", local_request=True)
    assert not open_without_sign_in(is_demo=False, address="", local_request=True)
    assert not open_without_sign_in(is_demo=False, address="0.0.0.0", local_request=True)


@pytest.mark.parametrize(("is_demo", "address"), [(True, ""), (True, "127.0.0.1"), (False, "::1")])
def test_none_mode_shows_nothing_to_another_computer(is_demo: bool, address: str) -> None:
    """Not even the demo: with no sign-in, Admin, Upload and Backup are an administrator's."""
    assert not open_without_sign_in(is_demo=is_demo, address=address, local_request=False)


@pytest.mark.parametrize(
    ("client", "headers", "local"),
    [
        (None, [], True),  # Streamlit names no address for a loopback connection
        ("127.0.0.5", ["host", "user-agent"], True),
        ("::ffff:127.0.0.1", [], True),
        ("192.168.1.20", [], False),
        ("10.0.0.3", [], False),
        ("2001:db8::7", [], False),
        ("", [], False),
        ("not an address", [], False),
        (None, ["Host", "X-Forwarded-For"], False),  # through a proxy on this computer
        (None, ["forwarded"], False),
        ("127.0.0.1", ["X-Real-IP"], False),
    ],
)
def test_a_request_is_local_only_from_this_computer_and_not_through_a_proxy(
    client: str | None, headers: list[str], local: bool
) -> None:
    assert is_local_request(client, headers) is local
