"""Helpers of the backup tests: a database's whole state, and a manifest rewritten by hand."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from hub_fixture import snapshot

from hubmetrics import store
from hubmetrics.store.backup import MANIFEST
from hubmetrics.store.backup_key import SIGNATURE, read_key, signature_text


def whole(con: store.Connection) -> dict[str, list[tuple[object, ...]]]:
    """Everything stored in a database and its kept originals, with the accounts and the
    audit trail (which `snapshot` leaves out)."""
    found = snapshot(con)
    for table in ("hub_user", "audit_event"):
        rows = con.execute(f"SELECT * FROM {table}").fetchall()  # safe: fixed names
        found[table] = sorted(rows, key=repr)
    return found


def state(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """`whole` of the database file at `path`."""
    con = store.connect(path)
    try:
        return whole(con)
    finally:
        con.close()


def database_of(con: store.Connection) -> Path:
    """The file behind a test's database connection."""
    path = store.database_path(con)
    assert path is not None
    return path


def leftovers(database: Path) -> list[str]:
    """What a restore would leave beside the database: staged, set aside or partial copies."""
    words = ("restoring", "replaced", "partial")
    return [p.name for p in database.parent.iterdir() if any(w in p.name for w in words)]


def rewrite_manifest(folder: Path, *, key_file: Path | None = None) -> None:
    """Bring the manifest's hashes up to date after a test changed a file on purpose.

    With `key_file` (someone who holds the backup key) the manifest is signed again, so that
    the deeper checks, not the signature, are the ones that must refuse. Without it, as an
    attacker without the key would, the old signature is left as it was.
    """
    manifest = json.loads((folder / MANIFEST).read_text())
    files = []
    for entry in manifest["files"]:
        path = folder / entry["path"]
        if path.exists():
            data = path.read_bytes()
            files.append(
                {
                    "path": entry["path"],
                    "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
    manifest["files"] = files
    written = json.dumps(manifest).encode()
    (folder / MANIFEST).write_bytes(written)
    if key_file is not None:
        key = read_key(key_file)
        assert key is not None
        (folder / SIGNATURE).write_text(signature_text(written, key))
