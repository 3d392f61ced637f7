"""Backups: a consistent snapshot of the database and its kept originals, and a checked restore."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from hubmetrics import config
from hubmetrics.store import backup_key
from hubmetrics.store import database as store
from hubmetrics.store.backup_key import SIGNATURE, BackupKeyError

MANIFEST = "manifest.json"
SNAPSHOT = "hub.duckdb"
ORIGINALS = "originals"
FORMAT = "hubmetrics-backup"
FORMAT_VERSION = 1


# A backup or restore at work: `.<name>.partial-<8 hex>`, locked (flock) by its process for as
# long as it runs; `.new` while it is being made, for the instant before the lock is taken.
_WORK = re.compile(r"\..+\.partial-[0-9a-f]{8}(?P<new>\.new)?")
_NEW_WORK_AGE = 3600  # seconds: a `.new` folder older than this is not being made


class BackupError(Exception):
    """A backup cannot be taken or restored; the message says why and nothing was replaced."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup holds, and the key that signed it."""

    folder: Path
    batches: int  # and as many kept originals
    data_version: int
    schema_version: int
    total_bytes: int
    key_file: Path
    key_made: bool  # this backup made the key: keep a copy of it apart from the backups


@dataclass(frozen=True)
class RestoreResult:
    """What a restore put in place, and where the database it replaced was set aside."""

    database: Path
    batches: int
    data_version: int
    set_aside: list[Path]
    signature_checked: bool  # False only for a backup restored with `accept_unsigned`


@dataclass(frozen=True)
class ListedBackup:
    """A backup in a folder, as its manifest describes it (not checked: `restore` does that)."""

    folder: Path
    taken_at: datetime  # timezone-aware
    data_version: int
    batches: int
    signed: bool  # it has a signature file, not yet checked against a key


def default_folder(database: Path, when: datetime | None = None) -> Path:
    """Where the app writes a backup: `<db>.backups/backup-YYYY-MM-DD-HHMMSS` beside the file."""
    stamp = (when or datetime.now()).strftime("%Y-%m-%d-%H%M%S")
    return database.with_name(database.stem + ".backups") / f"backup-{stamp}"


def backup(
    con: store.Connection, folder: str | os.PathLike[str], *, key_file: Path | None = None
) -> BackupResult:
    """Copy the database and every kept original into `folder` (new or empty), with a manifest
    signed by the backup key (`key_file`, else `config.backup_key_path`; made on first use).

    The rows are copied in one transaction under the writer lock, so the copy is the state
    between two writes, never part of one; the originals copied are exactly those its batch
    table names (a kept original never changes once its batch is committed). The backup is
    written beside `folder` and renamed into place only when whole; what killed backups left
    there and beside the database is swept first (`sweep_leftovers`).
    """
    target = Path(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists and is not an empty folder; choose a new one.")
    live_originals = store.originals_folder(con)  # refuses an in-memory database
    database = store.database_path(con)
    assert database is not None
    key_path = key_file or config.backup_key_path(database)
    try:
        key, key_made = backup_key.key_or_new(key_path)
    except BackupKeyError as exc:
        raise BackupError(f"{exc} The backup was not written.") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    for place in {target.parent, database.parent}:
        sweep_leftovers(place)
    with _work_folder(target) as work:
        batches, version, schema, total = _write_backup(con, work, live_originals, key, target)
    return BackupResult(target, batches, version, schema, total, key_path, key_made)


def _write_backup(
    con: store.Connection, work: Path, live_originals: Path, key: bytes, target: Path
) -> tuple[int, int, int, int]:
    """Fill the locked `work` folder, sign it, and rename it to `target` when whole: (batches,
    data version, schema version, bytes)."""
    try:
        snapshot = work / SNAPSHOT
        kept, version, schema = _copy_database(con, snapshot)
        (work / ORIGINALS).mkdir()
        for stored_name, _ in kept:
            shutil.copyfile(live_originals / stored_name, work / ORIGINALS / stored_name)
        files = [_entry(work, p) for p in [snapshot, *sorted((work / ORIGINALS).iterdir())]]
        for stored_name, sha256 in kept:
            entry = next(f for f in files if f["path"] == f"{ORIGINALS}/{stored_name}")
            if entry["sha256"] != sha256:
                raise BackupError(
                    f"The kept original {stored_name} does not match the hash its batch "
                    "recorded: it was changed on disk. The backup was not written."
                )
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "schema_version": schema,
            "data_version": version,
            "batches": len(kept),
            "files": files,
        }
        written = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
        (work / MANIFEST).write_bytes(written)
        (work / SIGNATURE).write_text(backup_key.signature_text(written, key), encoding="ascii")
        _sync_tree(work)
        if target.exists():
            target.rmdir()
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return len(kept), version, schema, sum(int(str(f["bytes"])) for f in files)


@contextmanager
def _work_folder(beside: Path) -> Iterator[Path]:
    """A new hidden folder beside `beside` (mode 0700: it holds every child's records), locked
    with flock for as long as the block runs, so that `sweep_leftovers` passes it over.

    It is made as `….new` and renamed once locked: a sweep never finds it unlocked. A process
    killed at any moment loses its lock with it, and what it left is swept next time.
    """
    token = uuid.uuid4().hex[:8]
    fresh = beside.with_name(f".{beside.name}.partial-{token}.new")
    fresh.mkdir(mode=0o700)
    fd = os.open(fresh, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # no one else knows this name yet
        except OSError:
            pass  # a file system without locks: the sweep cannot tell either, and leaves it be
        yield fresh.rename(beside.with_name(f".{beside.name}.partial-{token}"))
    finally:
        os.close(fd)  # the lock goes with it


def sweep_leftovers(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove from `folder` the partial copies that killed backups and restores left there
    (`.<name>.partial-<hex>`, a whole copy of the database each); return what was removed.

    A backup or restore still running holds a lock on its own folder, and that folder is
    passed over; a dead process's lock died with it. Nothing else is touched.
    """
    place = Path(folder)
    if not place.is_dir():
        return []
    removed = []
    for path in sorted(place.iterdir()):
        found = _WORK.fullmatch(path.name)
        if found is None or path.is_symlink() or not path.is_dir():
            continue
        if found["new"] and time.time() - path.stat().st_mtime < _NEW_WORK_AGE:
            continue  # may be a backup in the instant before it locks its folder
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a backup or restore still at work (or no locks here to tell by)
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


def backups_in(folder: str | os.PathLike[str]) -> list[ListedBackup]:
    """The backups in `folder` (its subfolders with a hubmetrics manifest), oldest first, each
    with the time it was taken as its manifest says.

    Partial copies, other folders and manifests that cannot be read are passed over; nothing
    is checked against the signature here (`restore` checks). A manifest's time without a
    zone (an earlier version wrote none) is taken as this machine's local time.
    """
    place = Path(folder)
    if not place.is_dir():
        return []
    found = []
    for path in place.iterdir():
        if path.name.startswith(".") or not (path / MANIFEST).is_file():
            continue
        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                continue
            taken = datetime.fromisoformat(str(manifest["created_at"]))
            listed = ListedBackup(
                path,
                taken if taken.tzinfo else taken.astimezone(),
                int(manifest["data_version"]),
                int(manifest["batches"]),
                (path / SIGNATURE).is_file(),
            )
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
            continue
        found.append(listed)
    return sorted(found, key=lambda b: (b.taken_at, b.folder.name))


def _copy_database(con: store.Connection, snapshot: Path) -> tuple[list[tuple[str, str]], int, int]:
    """Copy every table into a new file, in one transaction under the writer lock; return the
    (stored name, sha256) of every batch's original, the data version and the schema version."""
    alias = f"backup_{uuid.uuid4().hex[:12]}"
    attach = con.cursor()
    try:
        attach.execute(f"ATTACH ? AS {alias}", [str(snapshot)])  # safe: generated alias
        try:
            with store.read_transaction(con, hold_writers=True) as cur:
                row = cur.execute("SELECT current_database()").fetchone()
                assert row is not None
                cur.execute(f"COPY FROM DATABASE {_identifier(row[0])} TO {alias}")  # safe: names
                kept = cur.execute("SELECT stored_name, sha256 FROM batch").fetchall()
                version, schema = store.data_version(cur), store.schema_version(cur)
            # Written whole into the file (no write-ahead log left beside it) and closed.
            attach.execute(f"CHECKPOINT {alias}")  # safe: generated alias
        finally:
            attach.execute(f"DETACH {alias}")  # safe: generated alias
    finally:
        attach.close()
    return kept, version, schema


def restore(
    folder: str | os.PathLike[str],
    database: str | os.PathLike[str],
    *,
    key_file: Path | None = None,
    accept_unsigned: bool = False,
) -> RestoreResult:
    """Check a backup, then put it in place of `database` and its originals.

    Everything is checked first. The manifest's signature, with the backup key (`key_file`,
    else `config.backup_key_path(database)`): one that does not match is always refused; a
    backup with no signature (made before backups were signed, or stripped of it), or whose
    key is not here, is refused unless `accept_unsigned`. Then, on a staged copy beside the
    database: the manifest's hash of every file, that the snapshot opens with a schema this
    code can read, and that every batch's original is there with the hash its batch
    recorded. Only then is the current database (with its write-ahead log and originals) set
    aside as `*.replaced-<time>` and the copy renamed in. Nothing is deleted. The database
    must not be open elsewhere.
    """
    source = Path(folder)
    target = Path(database)
    manifest, written = _read_manifest(source)
    checked = _check_signature(
        source, written, key_file or config.backup_key_path(target), accept_unsigned
    )
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(target.parent)
    with _work_folder(target) as staged:
        try:
            _stage(source, manifest, staged / SNAPSHOT, staged / ORIGINALS)
            batches, version = _check_snapshot(staged / SNAPSHOT, staged / ORIGINALS)
            _refuse_if_in_use(target)
            set_aside = _swap(target, staged / SNAPSHOT, staged / ORIGINALS, stamp)
        finally:
            shutil.rmtree(staged, ignore_errors=True)  # empty once the copy is in place
    return RestoreResult(target, batches, version, set_aside, checked)


def _check_signature(source: Path, written: bytes, key_file: Path, accept_unsigned: bool) -> bool:
    """Refuse a backup whose manifest is not signed by the key; True when it was checked."""
    signature = backup_key.read_signature(source / SIGNATURE)
    try:
        key = backup_key.read_key(key_file)
    except BackupKeyError as exc:
        raise BackupError(f"{exc} Nothing was replaced.") from None
    if signature is not None and key is not None:
        if backup_key.signed_by(signature, written, key):
            return True
        other = signature.get("key_id")
        raise BackupError(
            f"The signature of {source} does not match its manifest: the backup was changed "
            "after it was made, or it was signed with another key"
            + (
                f" (key {other}; the key at {key_file} is {backup_key.key_id(key)})"
                if other
                else ""
            )
            + ". It cannot be trusted and was not restored. Nothing was replaced."
        )
    if accept_unsigned:
        return False
    if signature is None:
        raise BackupError(
            f"{source} has no signature ({SIGNATURE}): it was made before hubmetrics signed "
            "its backups, or the signature was removed, so nothing shows it is as it was made. "
            "Nothing was replaced. If you know where this backup has been and trust it, "
            "restore it with --accept-unsigned."
        )
    raise BackupError(
        f"There is no backup key at {key_file}, so the signature of {source} cannot be "
        "checked. Put a copy of the key file kept with the database that made it there (or "
        "set HUBMETRICS_BACKUP_KEY to its path) and restore again. Nothing was replaced. "
        "(If the key is lost, --accept-unsigned restores it without the check.)"
    )


def _read_manifest(source: Path) -> tuple[dict[str, object], bytes]:
    """The manifest, checked for shape, and its bytes as read (what the signature covers)."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} is not a hubmetrics backup: it has no {MANIFEST}.")
    written = path.read_bytes()
    try:
        manifest = json.loads(written.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"The manifest of {source} cannot be read: {exc}.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a hubmetrics backup manifest.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{source} was written by another version of hubmetrics (backup format "
            f"{manifest.get('format_version')!r}); this one reads format {FORMAT_VERSION}."
        )
    files = manifest.get("files")
    if not isinstance(files, list) or not any(
        isinstance(f, dict) and f.get("path") == SNAPSHOT for f in files
    ):
        raise BackupError(f"The manifest of {source} lists no database snapshot.")
    for entry in files:
        name = entry.get("path") if isinstance(entry, dict) else None
        prefix = f"{ORIGINALS}/"
        if not isinstance(name, str) or not (
            name == SNAPSHOT
            or (
                name.startswith(prefix)
                and "/" not in name[len(prefix) :]
                and name[len(prefix) :] not in ("", ".", "..")
            )
        ):
            raise BackupError(f"The manifest of {source} lists a file it should not: {name!r}.")
    return manifest, written


def _stage(source: Path, manifest: dict[str, object], db: Path, originals: Path) -> None:
    """Copy the backup's files beside the database, checking each copy against the manifest."""
    originals.mkdir()
    files = manifest["files"]
    assert isinstance(files, list)
    for entry in files:
        name = entry["path"]
        from_path = source / name
        if not from_path.is_file():
            raise BackupError(f"The backup is missing {name}: nothing was replaced.")
        to_path = db if name == SNAPSHOT else originals / Path(name).name
        shutil.copyfile(from_path, to_path)
        if _sha256(to_path) != entry.get("sha256") or to_path.stat().st_size != entry.get("bytes"):
            raise BackupError(
                f"{name} in the backup does not match its manifest (damaged or changed): "
                "nothing was replaced."
            )


def _check_snapshot(db: Path, originals: Path) -> tuple[int, int]:
    """Open the staged snapshot and check it can be used: (batches, data version)."""
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        raise BackupError(f"The backup's database cannot be opened: {_first_line(exc)}.") from None
    try:
        version = store.schema_version(con)
        if not 1 <= version <= store.SCHEMA_VERSION:
            raise BackupError(
                f"The backup's database has schema version {version}; this copy of hubmetrics "
                f"reads 1 to {store.SCHEMA_VERSION}. Nothing was replaced."
            )
        batches = con.execute("SELECT batch_id, stored_name, sha256 FROM batch").fetchall()
        for batch_id, stored_name, sha256 in batches:
            kept = originals / stored_name
            if not kept.is_file() or _sha256(kept) != sha256:
                raise BackupError(
                    f"The backup has no good copy of the original file of batch {batch_id}: "
                    "nothing was replaced."
                )
        row = con.execute("SELECT version FROM data_version").fetchone()
        # Every table is read through once, so that a damaged file is found now, not later.
        con.execute(
            "SELECT (SELECT count(*) FROM partner_row), (SELECT count(*) FROM school_row), "
            "(SELECT count(*) FROM activity_row), (SELECT count(*) FROM batch_warning), "
            "(SELECT count(*) FROM hub_setting)"
        ).fetchone()
    except duckdb.Error as exc:
        raise BackupError(f"The backup's database cannot be read: {_first_line(exc)}.") from None
    finally:
        con.close()
    return len(batches), int(row[0]) if row else 0


def _refuse_if_in_use(target: Path) -> None:
    if not target.exists():
        return
    try:
        duckdb.connect(str(target)).close()
    except duckdb.Error as exc:
        if "lock" not in str(exc).lower():
            return  # a damaged database is what a restore is for
        raise BackupError(
            f"The database {target} is open in another program ({_first_line(exc)}). Stop the "
            "dashboard, then restore again. Nothing was replaced."
        ) from None


def _swap(target: Path, db: Path, originals: Path, stamp: str) -> list[Path]:
    """Set the current files aside and rename the staged copy in.

    The originals go first: if this stops part-way, the database in place still names only
    originals that are beside it or set aside, the backup is untouched, and restoring again
    finishes the job.
    """
    live_originals = config.originals_dir(target)
    wal = target.with_name(target.name + ".wal")
    set_aside = []
    for path in (live_originals, target, wal):
        if path.exists():
            aside = path.with_name(f"{path.name}.replaced-{stamp}")
            path.rename(aside)
            set_aside.append(aside)
        if path == live_originals:
            originals.rename(live_originals)
    db.rename(target)
    _sync_dir(target.parent)
    return set_aside


def _entry(root: Path, path: Path) -> dict[str, object]:
    return {
        "path": path.relative_to(root).as_posix(),
        "bytes": path.stat().st_size,
        "sha256": _sha256(path),
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sync_tree(folder: Path) -> None:
    """Flush a folder's files and entries to disk, so a finished backup survives a power cut."""
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as f:
                os.fsync(f.fileno())
        else:
            _sync_dir(path)
    _sync_dir(folder)


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
