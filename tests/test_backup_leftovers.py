"""What killed backups and restores leave (a whole copy of the database each) is swept, and
never the work of one still running; the backups in a folder are listed with their times."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from backup_helpers import database_of, whole
from hub_fixture import PARTNERS_CSV, load_text

from hubmetrics import store
from hubmetrics.store.backup import MANIFEST, backup, backups_in, sweep_leftovers

ROOT = Path(__file__).resolve().parent.parent

# A backup or restore in a process of its own that stops for good after its first file is
# copied (its partial copy is then on disk), as one killed mid-way would have.
STUCK = """
import shutil, sys
from hubmetrics import store
from hubmetrics.store import backup as kept
what, database, folder = sys.argv[1:4]
copy = shutil.copyfile
def stuck(source, to, *args, **kwargs):
    copy(source, to, *args, **kwargs)
    print("copying", flush=True)
    sys.stdin.read()
shutil.copyfile = stuck
if what == "backup":
    kept.backup(store.connect(database), folder)
else:
    kept.restore(folder, database)
"""


@contextmanager
def stuck_process(what: str, database: Path, folder: Path) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-c", STUCK, what, str(database), str(folder)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "copying"
        yield process
    finally:
        process.kill()
        process.wait(timeout=30)


def partials(place: Path) -> list[Path]:
    return sorted(p for p in place.iterdir() if ".partial-" in p.name)


@pytest.fixture
def db(loaded_db: store.Connection) -> Path:
    return database_of(loaded_db)


def test_a_killed_backups_partial_copy_is_swept_by_the_next_backup_not_while_it_runs(
    loaded_db: store.Connection, tmp_path: Path
) -> None:
    other = tmp_path / "other" / "hub.duckdb"  # a second hub, backed up into the same folder
    con = store.connect(other)
    assert load_text(con, "partners", PARTNERS_CSV).accepted
    con.close()
    backups = tmp_path / "backups"
    with stuck_process("backup", other, backups / "theirs") as process:
        [partial] = partials(backups)
        assert (partial / "hub.duckdb").is_file()  # a whole copy of the other hub's data
        # A backup while that one still runs passes its work over.
        backup(loaded_db, backups / "ours-1")
        assert partials(backups) == [partial]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert partials(backups) == [partial]  # killed: nothing cleared it up
    backup(loaded_db, backups / "ours-2")
    assert partials(backups) == []
    assert sorted(p.name for p in backups.iterdir()) == ["ours-1", "ours-2"]
    assert [b.folder.name for b in backups_in(backups)] == ["ours-1", "ours-2"]


def test_a_killed_restores_staged_copy_is_swept_by_the_next_backup(
    loaded_db: store.Connection, db: Path, tmp_path: Path
) -> None:
    backup(loaded_db, tmp_path / "backups" / "b")
    current = whole(loaded_db)
    loaded_db.close()
    with stuck_process("restore", db, tmp_path / "backups" / "b") as process:
        [partial] = partials(db.parent)
        assert partial.name.startswith(".hub.duckdb.partial-")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    con = store.connect(db)
    try:
        assert whole(con) == current  # the killed restore replaced nothing
        assert partials(db.parent) == [partial]
        backup(con, tmp_path / "backups" / "next")
        assert partials(db.parent) == []
    finally:
        con.close()


def test_a_backup_in_another_thread_is_not_swept(
    loaded_db: store.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = shutil.copyfile
    started, go_on = threading.Event(), threading.Event()

    def held(source: str, to: str) -> object:
        copied = copy(source, to)
        if threading.current_thread().name == "held":
            started.set()
            assert go_on.wait(60)
        return copied

    monkeypatch.setattr(shutil, "copyfile", held)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            backup(loaded_db.cursor(), tmp_path / "held")
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=run, name="held")
    worker.start()
    try:
        assert started.wait(60)
        [partial] = partials(tmp_path)
        backup(loaded_db.cursor(), tmp_path / "meanwhile")
        assert sweep_leftovers(tmp_path) == []
        assert partials(tmp_path) == [partial]
    finally:
        go_on.set()
        worker.join(60)
    assert errors == []
    assert (tmp_path / "held" / MANIFEST).is_file() and partials(tmp_path) == []


def test_the_sweep_removes_only_unlocked_partial_copies(tmp_path: Path) -> None:
    def folder(name: str) -> Path:
        path = tmp_path / name
        path.mkdir()
        (path / "hub.duckdb").write_bytes(b"a copy")
        return path

    dead = folder(".nightly.partial-0123abcd")  # as older versions left them: never locked
    just_made = folder(".b.partial-0123abce.new")  # a backup about to lock its folder
    long_made = folder(".c.partial-0123abcf.new")
    old = time.time() - 2 * 3600
    os.utime(long_made, (old, old))
    kept = [
        folder(".notes"),
        folder(".d.partial-not-hex"),
        folder("e.partial-0123abcd"),  # not hidden: not one of ours
        folder(".f.partial-0123abcd.old"),
    ]
    (tmp_path / ".g.partial-0123abcd").write_text("a file, not a backup's folder")
    elsewhere = folder("elsewhere")
    (tmp_path / ".h.partial-0123abcd").symlink_to(elsewhere)
    running = folder(".i.partial-4567abcd")
    fd = os.open(running, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a running backup holds its own
        assert sweep_leftovers(tmp_path) == [long_made, dead]
    finally:
        os.close(fd)
    assert not dead.exists() and not long_made.exists()
    assert all(p.is_dir() for p in [just_made, running, *kept])
    assert (tmp_path / ".g.partial-0123abcd").is_file()
    assert (elsewhere / "hub.duckdb").is_file() and (tmp_path / ".h.partial-0123abcd").is_symlink()
    assert sweep_leftovers(tmp_path) == [running]  # its lock gone with its process
    assert sweep_leftovers(tmp_path / "none") == []


def test_a_backup_and_its_work_are_readable_by_their_owner_only(
    loaded_db: store.Connection, tmp_path: Path
) -> None:
    backup(loaded_db, tmp_path / "backup")
    assert stat.S_IMODE((tmp_path / "backup").stat().st_mode) == 0o700


# --- the backups in a folder ----------------------------------------------------------------


def test_backups_in_lists_each_backup_with_the_time_it_was_taken(
    loaded_db: store.Connection, db: Path, tmp_path: Path
) -> None:
    place = tmp_path / "backups"
    first = backup(loaded_db, place / "b-one")
    assert load_text(loaded_db, "partners", "partner_id,name\nNEW,Newcomer\n").accepted
    second = backup(loaded_db, place / "a-two")
    # The first taken a day earlier, and written by an older version (no time zone).
    manifest = json.loads((place / "b-one" / MANIFEST).read_text())
    taken = datetime.fromisoformat(manifest["created_at"])
    assert taken.tzinfo is not None  # new manifests say their zone
    earlier = (taken - timedelta(days=1)).replace(tzinfo=None)
    manifest["created_at"] = earlier.isoformat()
    (place / "b-one" / MANIFEST).write_text(json.dumps(manifest))
    # Not backups: a partial copy, a folder, a file, a broken manifest, another program's.
    shutil.copytree(place / "a-two", place / ".a-three.partial-0123abcd")
    (place / "photos").mkdir()
    (place / "notes.txt").write_text("x")
    (place / "broken").mkdir()
    (place / "broken" / MANIFEST).write_text("{not json")
    (place / "theirs").mkdir()
    (place / "theirs" / MANIFEST).write_text('{"format": "something else"}')

    listed = backups_in(place)
    assert [b.folder for b in listed] == [place / "b-one", place / "a-two"]
    assert [b.taken_at for b in listed] == [earlier.astimezone(), taken]
    assert all(b.taken_at.tzinfo is not None for b in listed)
    assert [(b.data_version, b.batches, b.signed) for b in listed] == [
        (first.data_version, 3, True),
        (second.data_version, 4, True),
    ]
    assert backups_in(tmp_path / "no-such-folder") == []
    db.with_name("hub.backup-key").unlink()  # listing needs no key
    assert len(backups_in(place)) == 2
