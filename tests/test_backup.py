"""Backups: a consistent snapshot of the database and its kept originals; a checked restore."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from backup_helpers import database_of, leftovers, rewrite_manifest, state, whole
from hub_fixture import ACTIVITIES_HEADER, load_text

from hubmetrics import cli, store
from hubmetrics.ingest.batches import rollback
from hubmetrics.store.backup import MANIFEST, BackupError, backup, restore

CORRECTION = ACTIVITIES_HEADER + "\nNMPAT,A1,Year 4 violins,wcet,,,2025-09-08,,900001,,ks2,29\n"


def resign(folder: Path) -> None:
    """Re-hash and re-sign the manifest with the hub's key (the database beside `folder`)."""
    rewrite_manifest(folder, key_file=folder.parent / "hub.backup-key")


@contextmanager
def held_by_another_process(path: Path) -> Iterator[None]:
    """Another program (as the dashboard would) holding the database file open."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
            "sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


@pytest.fixture
def db(loaded_db: store.Connection) -> Path:
    return database_of(loaded_db)


def test_round_trip_restores_every_row_batch_and_original(
    loaded_db: store.Connection, db: Path, tmp_path: Path
) -> None:
    before = whole(loaded_db)
    result = backup(loaded_db, tmp_path / "backup")
    assert (result.batches, result.schema_version) == (3, store.SCHEMA_VERSION)
    assert result.data_version == store.data_version(loaded_db)
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    assert sorted(f["path"] for f in manifest["files"]) == sorted(
        ["hub.duckdb"] + [f"originals/{name}" for name, _ in before["originals"]]
    )
    # Life goes on after the backup: a correction, a rollback, a new partner.
    correction = load_text(loaded_db, "activities", CORRECTION)
    assert correction.accepted
    rollback(loaded_db, correction.batch_id)  # type: ignore[arg-type]
    assert load_text(loaded_db, "partners", "partner_id,name\nNEW,Newcomer\n").accepted
    changed = whole(loaded_db)
    assert changed != before
    loaded_db.close()

    restored = restore(tmp_path / "backup", db)
    assert (restored.batches, restored.data_version) == (3, before["data_version"][0][0])
    assert state(db) == before
    # What it replaced was set aside whole, not deleted.
    aside_db = next(p for p in restored.set_aside if p.name.startswith("hub.duckdb.replaced-"))
    aside_originals = next(p for p in restored.set_aside if ".originals.replaced-" in p.name)
    con = duckdb.connect(str(aside_db), read_only=True)
    assert con.execute("SELECT count(*) FROM batch").fetchone() == (5,)
    con.close()
    assert sorted(p.name for p in aside_originals.iterdir()) == [n for n, _ in changed["originals"]]
    assert len(changed["originals"]) == 5  # a rolled-back batch keeps its original


def test_restore_onto_a_new_machine_with_no_database(
    loaded_db: store.Connection, tmp_path: Path
) -> None:
    before = whole(loaded_db)
    made = backup(loaded_db, tmp_path / "backup")
    fresh = tmp_path / "elsewhere" / "hub.duckdb"
    # The new machine has no key yet: the signature cannot be checked, and nothing is made.
    with pytest.raises(BackupError, match="There is no backup key at .*elsewhere/hub.backup-key"):
        restore(tmp_path / "backup", fresh)
    assert not fresh.parent.exists()
    # The key kept with the old database, copied across (with its mode), lets it restore.
    fresh.parent.mkdir()
    shutil.copy2(made.key_file, fresh.with_name("hub.backup-key"))
    result = restore(tmp_path / "backup", fresh)
    assert (result.set_aside, result.signature_checked) == ([], True)
    assert state(fresh) == before


def test_only_the_kept_originals_of_batches_are_copied(
    loaded_db: store.Connection, tmp_path: Path
) -> None:
    folder = store.originals_folder(loaded_db)
    (folder / "batch-0000.csv.part").write_text("a load still reading")
    backup(loaded_db, tmp_path / "backup")
    copied = sorted(p.name for p in (tmp_path / "backup" / "originals").iterdir())
    assert copied == sorted(
        r[0] for r in loaded_db.execute("SELECT stored_name FROM batch").fetchall()
    )


def test_a_backup_never_writes_into_a_folder_in_use(
    loaded_db: store.Connection, tmp_path: Path
) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine")
    with pytest.raises(BackupError, match="not an empty folder"):
        backup(loaded_db, used)
    assert [p.name for p in used.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert backup(loaded_db, empty).batches == 3
    # Nothing is left beside it from the work in progress.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_changed_original_stops_the_backup(loaded_db: store.Connection, tmp_path: Path) -> None:
    kept = next(store.originals_folder(loaded_db).iterdir())
    kept.write_bytes(kept.read_bytes() + b"edited by hand\n")
    with pytest.raises(BackupError, match="changed on disk"):
        backup(loaded_db, tmp_path / "backup")
    assert not (tmp_path / "backup").exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".backup")] == []


# --- restore checks everything before it replaces anything -----------------------------------


def damage_an_original(folder: Path) -> str:
    victim = sorted((folder / "originals").iterdir())[0]
    victim.write_bytes(b"partner_id,name\nX,Y\n")
    return victim.name


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / MANIFEST).unlink(), "no manifest.json"),
        (lambda f: (f / MANIFEST).write_text("{not json"), "cannot be read"),
        (lambda f: damage_an_original(f), "does not match its manifest"),
        (lambda f: (f / "hub.duckdb").write_bytes(b"\0" * 4096), "does not match its manifest"),
        (lambda f: next((f / "originals").iterdir()).unlink(), "missing originals/"),
        (
            # A missing original that the manifest no longer lists either.
            lambda f: (next((f / "originals").iterdir()).unlink(), resign(f)),
            "no good copy of the original file of batch",
        ),
        (
            lambda f: (damage_an_original(f), resign(f)),
            "no good copy of the original file of batch",
        ),
        (
            lambda f: (
                (f / "hub.duckdb").write_bytes(b"not a database" * 300),
                resign(f),
            ),
            "cannot be opened",
        ),
        (
            lambda f: f.joinpath(MANIFEST).write_text(
                f.joinpath(MANIFEST).read_text().replace('"originals/', '"originals/../../')
            ),
            "lists a file it should not",
        ),
    ],
    ids=[
        "no-manifest",
        "manifest-garbled",
        "original-changed",
        "database-changed",
        "original-missing",
        "original-missing-and-unlisted",
        "original-changed-and-rehashed",
        "database-garbage-and-rehashed",
        "path-escapes-the-folder",
    ],
)
def test_a_damaged_backup_is_refused_and_nothing_is_replaced(
    loaded_db: store.Connection, db: Path, tmp_path: Path, damage: object, message: str
) -> None:
    backup(loaded_db, tmp_path / "backup")
    assert load_text(loaded_db, "partners", "partner_id,name\nNEW,Newcomer\n").accepted
    current = whole(loaded_db)
    loaded_db.close()
    damage(tmp_path / "backup")  # type: ignore[operator]
    with pytest.raises(BackupError, match=message):
        restore(tmp_path / "backup", db)
    assert state(db) == current
    assert leftovers(db) == []


def test_a_backup_from_a_newer_hubmetrics_is_refused(
    loaded_db: store.Connection, db: Path, tmp_path: Path
) -> None:
    backup(loaded_db, tmp_path / "backup")
    current = whole(loaded_db)
    loaded_db.close()
    con = duckdb.connect(str(tmp_path / "backup" / "hub.duckdb"))
    con.execute("INSERT INTO schema_version VALUES (99, now())")
    con.close()
    resign(tmp_path / "backup")
    with pytest.raises(BackupError, match="schema version 99"):
        restore(tmp_path / "backup", db)
    assert state(db) == current


def test_restore_refuses_while_another_program_holds_the_database(
    loaded_db: store.Connection, db: Path, tmp_path: Path
) -> None:
    backup(loaded_db, tmp_path / "backup")
    assert load_text(loaded_db, "partners", "partner_id,name\nNEW,Newcomer\n").accepted
    current = whole(loaded_db)
    loaded_db.close()
    with held_by_another_process(db), pytest.raises(BackupError, match="Stop the dashboard"):
        restore(tmp_path / "backup", db)
    assert state(db) == current


# --- the command line ------------------------------------------------------------------------


def test_cli_round_trip(
    loaded_db: store.Connection, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = whole(loaded_db)
    loaded_db.close()
    folder = tmp_path / "nightly"
    assert cli.main(["--db", str(db), "backup", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"to {folder}: 3 batches" in out
    con = store.connect(db)
    rollback(con, 3)
    con.close()
    assert cli.main(["--db", str(db), "restore", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "set aside" in out and "hub.duckdb.replaced-" in out
    assert state(db) == before
    # A second backup into the same folder is refused, and says so.
    assert cli.main(["--db", str(db), "backup", str(folder)]) == 1
    assert "not an empty folder" in capsys.readouterr().err


def test_cli_backup_of_a_database_the_app_holds_points_to_the_app(
    loaded_db: store.Connection, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded_db.close()
    with held_by_another_process(db):
        assert cli.main(["--db", str(db), "backup", str(tmp_path / "b")]) == 1
        assert cli.main(["--db", str(db), "restore", str(tmp_path / "b")]) == 1
    err = capsys.readouterr().err
    assert "open in another program" in err and "Batches page" in err and "Back up now" in err
    assert "Traceback" not in err
    assert not (tmp_path / "b").exists()


def test_cli_refuses_a_missing_database_or_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "none.duckdb"
    assert cli.main(["--db", str(db), "backup", str(tmp_path / "b")]) == 1
    assert "no database" in capsys.readouterr().err
    assert not db.exists()
    assert cli.main(["--db", str(db), "restore", str(tmp_path)]) == 1
    assert "not a hubmetrics backup" in capsys.readouterr().err


# --- taken while the data changes --------------------------------------------------------------


def activity_return(n: int) -> str:
    """A return of 30 new activities (new keys: it replaces nothing)."""
    return (
        "partner_id,activity_id,activity_name,activity_type,start_date,age_band,participants\n"
        + "".join(
            f"NMPAT,C{n}-{i},Concurrent test {n},wcet,2025-09-08,ks2,{i + 1}\n" for i in range(30)
        )
    )


def test_backups_taken_during_loads_hold_whole_batches_only(
    loaded_db: store.Connection, tmp_path: Path
) -> None:
    """Backups taken while another thread loads: each is the state between two loads."""
    loads = 12
    errors: list[BaseException] = []
    done = threading.Event()

    def loader() -> None:
        try:
            for n in range(loads):
                assert load_text(loaded_db, "activities", activity_return(n)).accepted
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=loader)
    thread.start()
    folders = []
    while not done.is_set() or not folders:
        folder = tmp_path / f"backup-{len(folders)}"
        backup(loaded_db.cursor(), folder)
        folders.append(folder)
    thread.join()
    assert not errors, errors
    final = whole(loaded_db)
    seen = set()
    for folder in folders:
        con = duckdb.connect(str(folder / "hub.duckdb"), read_only=True)
        batches = [r[0] for r in con.execute("SELECT batch_id FROM batch ORDER BY 1").fetchall()]
        last = batches[-1]
        seen.add(last)
        # Batches 1..last, every one whole: its rows are those of the final state.
        assert batches == list(range(1, last + 1))
        rows = sorted(con.execute("SELECT * FROM activity_row").fetchall(), key=repr)
        assert rows == [r for r in final["activity_row"] if r[0] <= last]
        assert con.execute("SELECT version FROM data_version").fetchone() == (last,)
        names = sorted(r[0] for r in con.execute("SELECT stored_name FROM batch").fetchall())
        con.close()
        assert sorted(p.name for p in (folder / "originals").iterdir()) == names
    assert len(seen) >= 2  # some backups fell between loads, not only before or after all
