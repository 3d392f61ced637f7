"""Accounts limited to one hub: who may be, which hubs each person sees, and sign-in keeps it."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_hubs import TWO_HUBS

from hubmetrics import store
from hubmetrics.people import accounts
from hubmetrics.people.access import Person, hubs_seen, local_operator, sees_whole_lead
from hubmetrics.people.accounts import AccountError

ADMIN = local_operator("tester")
EVERY = ("northamptonshire", "rutland")


@pytest.fixture
def con(
    hub_db: store.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> store.Connection:
    (tmp_path / "hubs.toml").write_text(TWO_HUBS, encoding="utf-8")
    monkeypatch.setenv("HUBMETRICS_HUBS", str(tmp_path / "hubs.toml"))
    return hub_db


def test_a_trustee_and_a_partner_can_be_limited_to_one_hub(con: store.Connection) -> None:
    viewer = accounts.add(con, "t@rutland.example", "viewer", by=ADMIN, hub="rutland")
    partner = accounts.add(
        con,
        "p@rock.example",
        "partner",
        "ROCK-NN",
        by=ADMIN,
        hub="rutland",
        password="a long pass phrase",
    )
    assert viewer.hub == "rutland" and viewer.person.hub == "rutland"
    assert partner.person == Person("p@rock.example", "partner", "ROCK-NN", "rutland")
    # The hub survives the round trip through the database and a password sign-in.
    found = accounts.find(con, "P@Rock.example")
    assert found is not None and found.hub == "rutland"
    signed = accounts.sign_in(con, "p@rock.example", "a long pass phrase", client="10.0.0.9")
    assert signed.person is not None and signed.person.hub == "rutland"
    changed = accounts.set_role(con, "t@rutland.example", "viewer", by=ADMIN, hub=None)
    assert changed.hub is None


@pytest.mark.parametrize(
    ("role", "hub", "words"),
    [
        ("staff", "rutland", "Only a viewer or a partner account can be limited to one hub"),
        ("admin", "rutland", "Only a viewer or a partner account can be limited to one hub"),
        (
            "viewer",
            "leicestershire",
            "There is no hub 'leicestershire' in the hubs file; the hubs are northamptonshire, rutland",
        ),
    ],
)
def test_a_hub_limit_that_cannot_be_is_refused_and_nothing_is_added(
    con: store.Connection, role: str, hub: str, words: str
) -> None:
    with pytest.raises(AccountError, match=words):
        accounts.add(con, "x@hub.example", role, by=ADMIN, hub=hub)
    assert accounts.find(con, "x@hub.example") is None


def test_which_hubs_a_person_sees() -> None:
    rutland_trustee = Person("t@r.example", "viewer", hub="rutland")
    lead_trustee = Person("t@n.example", "viewer")
    staff = Person("s@n.example", "staff")
    assert hubs_seen(rutland_trustee, EVERY) == ("rutland",)
    assert hubs_seen(lead_trustee, EVERY) == EVERY
    assert hubs_seen(staff, EVERY) == EVERY
    assert not sees_whole_lead(rutland_trustee) and sees_whole_lead(staff)
    # A hub taken out of the hubs file shows its people nothing, never everything.
    assert hubs_seen(rutland_trustee, ("northamptonshire",)) == ()
    with pytest.raises(ValueError, match="Only a viewer or a partner"):
        Person("s@n.example", "staff", hub="rutland")
    assert "hub rutland only" in rutland_trustee.describe()


def test_users_add_and_list_on_the_command_line_keep_the_hub(
    con: store.Connection, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_cli import run

    db = store.database_path(con)
    assert db is not None
    con.close()
    code, out, err = run(
        capsys, db, "users", "add", "T@Rutland.example", "--role", "viewer", "--hub", "rutland"
    )
    assert (code, err) == (0, "") and "hub rutland only" in out
    code, out, _ = run(
        capsys, db, "users", "add", "s@hub.example", "--role", "staff", "--hub", "rutland"
    )
    assert code == 1
    code, out, _ = run(capsys, db, "users", "list")
    rows = {line.split()[0]: line.split()[:3] for line in out.splitlines()[1:]}
    assert rows == {"t@rutland.example": ["t@rutland.example", "viewer", "rutland"]}
