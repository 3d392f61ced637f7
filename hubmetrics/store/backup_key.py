"""The backup key, kept outside every backup, and the HMAC-SHA256 signature of a manifest."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from pathlib import Path

SIGNATURE = "manifest.sig"
ALGORITHM = "HMAC-SHA256"
KEY_BYTES = 32  # 256 random bits, written as 64 hexadecimal characters
_MAX_SIGNATURE_BYTES = 64 * 1024
# What is signed is this, then the manifest's bytes exactly as written: a key used here
# signs nothing else, even if someone copied it into another tool.
_DOMAIN = b"hubmetrics backup manifest\n"


class BackupKeyError(Exception):
    """The backup key cannot be used; the message says what to do."""


def key_or_new(path: Path) -> tuple[bytes, bool]:
    """The key in `path`, made first (mode 0600) if there is none: (key, made now)."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        key = read_key(path)
        assert key is not None
        return key, False
    except OSError as exc:
        raise BackupKeyError(f"Cannot make the backup key {path}: {exc.strerror}.") from None
    text = secrets.token_hex(KEY_BYTES)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return bytes.fromhex(text), True


def key_made_note(path: Path) -> str:
    """What to tell the person whose backup made the backup key."""
    return (
        f"This was the first signed backup, so it made the backup key {path} (readable by its "
        "owner only). Keep a copy of it somewhere safe and apart from the backups: a restore "
        "checks each backup's signature with it, and without it a backup can only be "
        "restored unchecked."
    )


def read_key(path: Path) -> bytes | None:
    """The key in `path`, or None when there is no such file.

    A key that other accounts can read or change is refused: anyone who can read it can sign
    a backup, so its signature would prove nothing.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BackupKeyError(f"Cannot read the backup key {path}: {exc.strerror}.") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise BackupKeyError(
                f"The backup key {path} can be read or changed by other accounts (mode "
                f"{stat.S_IMODE(mode):04o}), so anyone of them could sign a backup. Make it "
                f"yours only (chmod 600 {path}) and try again."
            )
        text = handle.read(4096).decode("ascii", errors="replace")
    try:
        key = bytes.fromhex("".join(text.split()))
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise BackupKeyError(
            f"{path} is not a hubmetrics backup key ({KEY_BYTES * 2} hexadecimal characters, "
            "as the first backup wrote it)."
        )
    return key


def key_id(key: bytes) -> str:
    """A short name for a key that gives nothing of it away, to tell two keys apart."""
    return hashlib.sha256(b"hubmetrics backup key id\n" + key).hexdigest()[:16]


def signature_text(manifest: bytes, key: bytes) -> str:
    """The contents of `manifest.sig` for a manifest written as `manifest`."""
    signature = {"algorithm": ALGORITHM, "key_id": key_id(key), "hmac": _mac(manifest, key)}
    return json.dumps(signature, indent=2) + "\n"


def read_signature(path: Path) -> dict[str, object] | None:
    """What a `manifest.sig` says, or None when it is missing; {} when it is not one."""
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_SIGNATURE_BYTES)
    except FileNotFoundError:
        return None
    try:
        found = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return found if isinstance(found, dict) else {}


def signed_by(signature: dict[str, object], manifest: bytes, key: bytes) -> bool:
    """True when `signature` is this key's HMAC of exactly these manifest bytes."""
    mac = signature.get("hmac")
    if signature.get("algorithm") != ALGORITHM or not isinstance(mac, str):
        return False
    return hmac.compare_digest(_mac(manifest, key).encode(), mac.encode("utf-8", "replace"))


def _mac(manifest: bytes, key: bytes) -> str:
    return hmac.new(key, _DOMAIN + manifest, hashlib.sha256).hexdigest()
