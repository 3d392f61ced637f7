"""A backup's manifest is signed with the hub's key: a tampered backup is refused on restore."""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from backup_helpers import database_of, leftovers, rewrite_manifest, state, whole
from hub_fixture import load_text

from hubmetrics import cli, store
from hubmetrics.people import audit
from hubmetrics.people.access import local_operator
from hubmetrics.store.backup import MANIFEST, BackupError, backup, restore
from hubmetrics.store.backup_key import SIGNATURE, read_key


@pytest.fixture
def db(loaded_db: store.Connection) -> Path:
    """The loaded hub, with an audit trail to empty."""
    for n in range(3):
        audit.record(loaded_db, local_operator("ops@example.org"), "backup", detail=f"night {n}")
    return database_of(loaded_db)


def key_of(db: Path) -> Path:
    return db.with_name("hub.backup-key")


# --- three ways the security review tampered with a backup -----------------------------------


def add_an_admin(snapshot: duckdb.DuckDBPyConnection) -> None:
    snapshot.execute(
        "INSERT INTO hub_user (email, role, added_at, added_by) "
        "VALUES ('intruder@example.org', 'admin', now(), 'intruder@example.org')"
    )


def inflate_the_figures(snapshot: duckdb.DuckDBPyConnection) -> None:
    snapshot.execute("UPDATE activity_row SET participants = participants * 10")


def empty_the_audit_trail(snapshot: duckdb.DuckDBPyConnection) -> None:
    snapshot.execute("DELETE FROM audit_event")


TAMPERINGS = {
    "added-admin": add_an_admin,
    "inflated-figures": inflate_the_figures,
    "emptied-audit-trail": empty_the_audit_trail,
}


def tamper(folder: Path, change: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """Change the backup's database as an attacker without the key would, then re-hash it and
    rewrite the manifest so that every hash in it matches again."""
    con = duckdb.connect(str(folder / "hub.duckdb"))
    before = con.execute(
        "SELECT (SELECT count(*) FROM hub_user), (SELECT sum(participants) FROM activity_row), "
        "(SELECT count(*) FROM audit_event)"
    ).fetchone()
    change(con)
    after = con.execute(
        "SELECT (SELECT count(*) FROM hub_user), (SELECT sum(participants) FROM activity_row), "
        "(SELECT count(*) FROM audit_event)"
    ).fetchone()
    con.execute("CHECKPOINT")
    con.close()
    assert after != before  # the tampering took
    rewrite_manifest(folder)


def with_another_backups_signature(folder: Path, other: Path) -> None:
    shutil.copyfile(other / SIGNATURE, folder / SIGNATURE)


@pytest.mark.parametrize("how", TAMPERINGS)
@pytest.mark.parametrize("signature", ["kept", "copied-from-another-backup", "removed"])
def test_a_tampered_backup_is_refused_and_nothing_is_replaced(
    loaded_db: store.Connection, db: Path, tmp_path: Path, how: str, signature: str
) -> None:
    folder = tmp_path / "backup"
    backup(loaded_db, folder)
    if signature == "copied-from-another-backup":
        backup(loaded_db, tmp_path / "another")
    assert load_partner(loaded_db)
    current = whole(loaded_db)
    assert current["audit_event"]  # there is a trail to empty
    loaded_db.close()
    tamper(folder, TAMPERINGS[how])
    if signature == "copied-from-another-backup":
        with_another_backups_signature(folder, tmp_path / "another")
    if signature == "removed":
        (folder / SIGNATURE).unlink()
        message = "has no signature"
    else:
        message = "signature of .* does not match its manifest"
    with pytest.raises(BackupError, match=message) as refused:
        restore(folder, db)
    assert "Nothing was replaced" in str(refused.value)
    assert state(db) == current
    assert leftovers(db) == []


def test_a_signature_that_does_not_match_is_refused_even_when_unsigned_is_accepted(
    loaded_db: store.Connection, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup(loaded_db, tmp_path / "backup")
    current = whole(loaded_db)
    loaded_db.close()
    tamper(tmp_path / "backup", add_an_admin)
    with pytest.raises(BackupError, match="does not match its manifest"):
        restore(tmp_path / "backup", db, accept_unsigned=True)
    argv = ["--db", str(db), "restore", str(tmp_path / "backup"), "--accept-unsigned"]
    assert cli.main(argv) == 1
    assert "does not match its manifest" in capsys.readouterr().err
    assert state(db) == current
    assert "intruder@example.org" not in str(state(db)["hub_user"])


def test_an_untampered_backup_restores_with_the_right_key(
    loaded_db: store.Connection, db: Path, tmp_path: Path
) -> None:
    before = whole(loaded_db)
    backup(loaded_db, tmp_path / "backup")
    assert load_partner(loaded_db)
    loaded_db.close()
    result = restore(tmp_path / "backup", db)
    assert result.signature_checked is True
    assert state(db) == before


def test_a_backup_signed_with_another_key_is_refused_naming_both_keys(
    loaded_db: store.Connection, db: Path, tmp_path: Path
) -> None:
    backup(loaded_db, tmp_path / "backup")
    current = whole(loaded_db)
    loaded_db.close()
    other = tmp_path / "other-hub" / "hub.duckdb"
    with pytest.raises(BackupError, match="no backup key"):
        restore(tmp_path / "backup", other)
    # Another hub's key, in the place of this one's.
    con = store.connect(other)
    backup(con, tmp_path / "theirs")
    con.close()
    with pytest.raises(BackupError, match=r"signed with another key \(key [0-9a-f]{16}; the key"):
        restore(tmp_path / "backup", db, key_file=key_of(other))
    assert state(db) == current


# --- the key --------------------------------------------------------------------------------


def test_the_first_backup_makes_a_key_of_the_owner_only_outside_the_backup(
    loaded_db: store.Connection, db: Path, tmp_path: Path
) -> None:
    assert not key_of(db).exists()
    first = backup(loaded_db, tmp_path / "first")
    assert (first.key_file, first.key_made) == (key_of(db), True)
    assert stat.S_IMODE(key_of(db).stat().st_mode) == 0o600
    key = key_of(db).read_bytes()
    second = backup(loaded_db, tmp_path / "second")
    assert (second.key_file, second.key_made) == (key_of(db), False)
    assert key_of(db).read_bytes() == key  # the same key signs every backup
    for folder in (tmp_path / "first", tmp_path / "second"):
        names = sorted(p.name for p in folder.iterdir())
        assert names == ["hub.duckdb", MANIFEST, SIGNATURE, "originals"]
        signature = json.loads((folder / SIGNATURE).read_text())
        assert sorted(signature) == ["algorithm", "hmac", "key_id"]
        assert signature["algorithm"] == "HMAC-SHA256"
        assert key.strip().decode() not in (folder / SIGNATURE).read_text()


def test_the_key_can_live_where_hubmetrics_backup_key_says(
    loaded_db: store.Connection, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "keys" / "hub-backup.key"
    monkeypatch.setenv("HUBMETRICS_BACKUP_KEY", str(elsewhere))
    made = backup(loaded_db, tmp_path / "backup")
    assert made.key_file == elsewhere and elsewhere.is_file() and not key_of(db).exists()
    assert stat.S_IMODE(elsewhere.parent.stat().st_mode) == 0o700
    loaded_db.close()
    assert restore(tmp_path / "backup", db).signature_checked
    monkeypatch.delenv("HUBMETRICS_BACKUP_KEY")
    with pytest.raises(BackupError, match="no backup key at .*hub.backup-key"):
        restore(tmp_path / "backup", db)


def test_a_key_other_accounts_can_read_is_refused(
    loaded_db: store.Connection, db: Path, tmp_path: Path
) -> None:
    backup(loaded_db, tmp_path / "first")
    os.chmod(key_of(db), 0o644)
    with pytest.raises(BackupError, match=r"mode 0644.*chmod 600 .*The backup was not written"):
        backup(loaded_db, tmp_path / "second")
    assert not (tmp_path / "second").exists()
    loaded_db.close()
    current = state(db)
    with pytest.raises(BackupError, match=r"chmod 600 .*Nothing was replaced"):
        restore(tmp_path / "first", db)
    assert state(db) == current


def test_a_key_file_that_is_not_a_key_is_refused(
    loaded_db: store.Connection, db: Path, tmp_path: Path
) -> None:
    key_of(db).write_text("my password\n")
    os.chmod(key_of(db), 0o600)
    with pytest.raises(BackupError, match="is not a hubmetrics backup key"):
        backup(loaded_db, tmp_path / "backup")
    assert not (tmp_path / "backup").exists()
    assert read_key(tmp_path / "none") is None


# --- a backup made before backups were signed -----------------------------------------------


def test_an_unsigned_backup_is_refused_unless_accepted_and_then_said_to_be_unchecked(
    loaded_db: store.Connection, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = whole(loaded_db)
    backup(loaded_db, tmp_path / "old")
    (tmp_path / "old" / SIGNATURE).unlink()  # as a backup made before signing was
    assert load_partner(loaded_db)
    current = whole(loaded_db)
    loaded_db.close()
    assert cli.main(["--db", str(db), "restore", str(tmp_path / "old")]) == 1
    err = capsys.readouterr().err
    assert "has no signature" in err and "--accept-unsigned" in err
    assert state(db) == current
    assert cli.main(["--db", str(db), "restore", str(tmp_path / "old"), "--accept-unsigned"]) == 0
    captured = capsys.readouterr()
    assert "WITHOUT a signature check" in captured.err and "Restored" in captured.out
    assert state(db) == before


def test_a_lost_key_leaves_accept_unsigned_as_the_way_back(
    loaded_db: store.Connection, db: Path, tmp_path: Path
) -> None:
    before = whole(loaded_db)
    backup(loaded_db, tmp_path / "backup")
    loaded_db.close()
    key_of(db).unlink()
    with pytest.raises(BackupError, match="no backup key .*--accept-unsigned"):
        restore(tmp_path / "backup", db)
    result = restore(tmp_path / "backup", db, accept_unsigned=True)
    assert result.signature_checked is False
    assert state(db) == before


def test_cli_backup_says_it_signed_and_where_the_new_key_is(
    loaded_db: store.Connection, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded_db.close()
    assert cli.main(["--db", str(db), "backup", str(tmp_path / "first")]) == 0
    out = capsys.readouterr().out
    assert f"signed with the backup key {key_of(db)}" in out
    assert f"made the backup key {key_of(db)}" in out and "Keep a copy of it" in out
    assert cli.main(["--db", str(db), "backup", str(tmp_path / "second")]) == 0
    out = capsys.readouterr().out
    assert "signed with the backup key" in out and "made the backup key" not in out


def load_partner(con: store.Connection) -> bool:
    return load_text(con, "partners", "partner_id,name\nNEW,Newcomer\n").accepted
