"""Backups: a consistent snapshot of the database and its kept originals, and a checked restore."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from hubmetrics import config
from hubmetrics.store import database as store

MANIFEST = "manifest.json"
SNAPSHOT = "hub.duckdb"
ORIGINALS = "originals"
FORMAT = "hubmetrics-backup"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup cannot be taken or restored; the message says why and nothing was replaced."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup holds."""

    folder: Path
    batches: int  # and as many kept originals
    data_version: int
    schema_version: int
    total_bytes: int


@dataclass(frozen=True)
class RestoreResult:
    """What a restore put in place, and where the database it replaced was set aside."""

    database: Path
    batches: int
    data_version: int
    set_aside: list[Path]


def default_folder(database: Path, when: datetime | None = None) -> Path:
    """Where the app writes a backup: `<db>.backups/backup-YYYY-MM-DD-HHMMSS` beside the file."""
    stamp = (when or datetime.now()).strftime("%Y-%m-%d-%H%M%S")
    return database.with_name(database.stem + ".backups") / f"backup-{stamp}"


def backup(con: store.Connection, folder: str | os.PathLike[str]) -> BackupResult:
    """Copy the database and every kept original into `folder` (new or empty), with a manifest.

    The rows are copied in one transaction under the writer lock, so the copy is the state
    between two writes, never part of one; the originals copied are exactly those its batch
    table names (a kept original never changes once its batch is committed). The backup is
    written beside `folder` and renamed into place only when whole.
    """
    target = Path(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists and is not an empty folder; choose a new one.")
    live_originals = store.originals_folder(con)  # refuses an in-memory database
    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.with_name(f".{target.name}.partial-{uuid.uuid4().hex[:8]}")
    work.mkdir()
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
            "created_at": datetime.now().isoformat(timespec="seconds"),
            "schema_version": schema,
            "data_version": version,
            "batches": len(kept),
            "files": files,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _sync_tree(work)
        if target.exists():
            target.rmdir()
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    total = sum(int(str(f["bytes"])) for f in files)
    return BackupResult(target, len(kept), version, schema, total)


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


def restore(folder: str | os.PathLike[str], database: str | os.PathLike[str]) -> RestoreResult:
    """Check a backup, then put it in place of `database` and its originals.

    Everything is checked first, on a staged copy beside the database: the manifest's hash of
    every file, that the snapshot opens with a schema this code can read, and that every
    batch's original is there with the hash its batch recorded. Only then is the current
    database (with its write-ahead log and originals) set aside as `*.replaced-<time>` and
    the copy renamed in. Nothing is deleted. The database must not be open elsewhere.
    """
    source = Path(folder)
    target = Path(database)
    manifest = _read_manifest(source)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    staged_db = target.with_name(f".{target.name}.restoring-{stamp}")
    staged_originals = target.with_name(f".{config.originals_dir(target).name}.restoring-{stamp}")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        _stage(source, manifest, staged_db, staged_originals)
        batches, version = _check_snapshot(staged_db, staged_originals)
        _refuse_if_in_use(target)
        set_aside = _swap(target, staged_db, staged_originals, stamp)
    except BaseException:
        staged_db.unlink(missing_ok=True)
        shutil.rmtree(staged_originals, ignore_errors=True)
        raise
    return RestoreResult(target, batches, version, set_aside)


def _read_manifest(source: Path) -> dict[str, object]:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} is not a hubmetrics backup: it has no {MANIFEST}.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
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
    return manifest


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
