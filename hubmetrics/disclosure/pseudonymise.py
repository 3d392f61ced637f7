"""Partner-side pseudonymising: pupil identifiers become the hub's keyed pseudonyms."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hubmetrics.contract import PARTICIPANTS, PSEUDONYM_HEX, PSEUDONYM_PREFIX, normalise_header

KEY_BYTES = 32  # a new key: 256 random bits, written as 64 hexadecimal characters
MIN_KEY_BYTES = 16
UPN_RE = re.compile(r"[A-Z][0-9]{12}")
_OUTCODE_RE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ?[0-9][A-Z]{2}")


class PseudonymiseError(Exception):
    """The input, the key or the output cannot be used; the message says what to do."""


@dataclass
class Pseudonymised:
    """What one run did: rows written, columns left out, identifiers not shaped like a UPN."""

    rows: int = 0
    kept: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    not_upn: int = 0
    postcodes_shortened: int = 0


def new_key() -> str:
    """A new hub key: 64 hexadecimal characters from the operating system's secure random."""
    return secrets.token_hex(KEY_BYTES)


def write_new_key(path: Path) -> None:
    """Write a new key to `path` (readable by its owner only); never overwrite a key."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise PseudonymiseError(
            f"{path} already exists. A key is never overwritten: every pseudonym made with it "
            "would stop matching. Choose another file name."
        ) from None
    except OSError as exc:
        raise PseudonymiseError(f"Cannot write the key to {path}: {exc.strerror}.") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(new_key() + "\n")


def read_key(path: Path) -> bytes:
    """The key in a key file: hexadecimal text (white space ignored), at least 128 bits."""
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        raise PseudonymiseError(f"Cannot read the key file {path}: {exc.strerror}.") from None
    digits = "".join(text.split())
    try:
        key = bytes.fromhex(digits)
    except ValueError:
        key = b""
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymiseError(
            f"{path} is not a hub key: a key is at least {MIN_KEY_BYTES * 2} hexadecimal "
            "characters (0-9, a-f), as the hub issues it. Ask the hub for the key file."
        )
    return key


def normalise_identifier(identifier: str) -> str:
    """The identifier as it is hashed: surrounding white space removed, letters upper case
    (so `a123456789012` and `A123456789012 ` are the same pupil)."""
    return identifier.strip().upper()


def pseudonym(identifier: str, key: bytes) -> str:
    """The hub's pseudonym of one identifier: `p_` and the first 20 hexadecimal characters
    of HMAC-SHA-256(key, identifier), the identifier normalised first."""
    digest = hmac.new(key, normalise_identifier(identifier).encode("utf-8"), hashlib.sha256)
    return PSEUDONYM_PREFIX + digest.hexdigest()[:PSEUDONYM_HEX]


def pseudonymise_file(source: Path, key: bytes, column: str, out: Path) -> Pseudonymised:
    """Write `out`: `source` with `column` replaced by `participant_ref`, keeping only the
    participants contract's other columns. A full postcode (in `postcode_district`, or in a
    `postcode` column when there is no `postcode_district`) is cut to its district.

    Every row is checked before anything is written; nothing is written for a refused file.
    """
    if out.resolve() == source.resolve():
        raise PseudonymiseError("The output must be a new file, not the input file itself.")
    header, rows = _read(source)
    plan = _plan(header, column)
    result = Pseudonymised(kept=[name for name, _ in plan.columns])
    result.left_out = plan.left_out
    missing = [line for line, row in rows if not _cell(row, plan.identifier).strip()]
    if missing:
        shown = ", ".join(str(n) for n in missing[:20]) + (" …" if len(missing) > 20 else "")
        raise PseudonymiseError(
            f"The {column} cell is empty on {len(missing)} line(s): {shown}. Every row needs "
            "the pupil's identifier; remove those rows or fill them in. Nothing was written."
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["participant_ref", *(name for name, _ in plan.columns)])
    for _, row in rows:
        identifier = _cell(row, plan.identifier)
        if not UPN_RE.fullmatch(normalise_identifier(identifier)):
            result.not_upn += 1
        cells = [pseudonym(identifier, key)]
        for name, index in plan.columns:
            value = _cell(row, index).strip()
            if name == "postcode_district":
                short = _outcode(value)
                result.postcodes_shortened += short != value
                value = short
            cells.append(value)
        writer.writerow(cells)
        result.rows += 1
    _write_new(out, buffer.getvalue())
    return result


@dataclass
class _Plan:
    identifier: int
    columns: list[tuple[str, int]]  # (contract name, input position), in contract order
    left_out: list[str]


def _plan(header: Sequence[str], column: str) -> _Plan:
    names = [normalise_header(h) for h in header]
    wanted = normalise_header(column)
    if wanted not in names:
        raise PseudonymiseError(
            f"The file has no column called '{column}'. Its columns are: "
            f"{', '.join(h for h in header if h.strip()) or 'none'}. Give the identifier "
            "column with --column."
        )
    identifier = names.index(wanted)
    contract = [c for c in PARTICIPANTS.column_names if c != "participant_ref"]
    found = {n: i for i, n in enumerate(names) if n and i != identifier}
    columns = [(c, found[c]) for c in contract if c in found]
    if "postcode_district" not in found and "postcode" in found:
        # A full postcode is too identifying to send; its district is what the hub takes.
        columns.append(("postcode_district", found["postcode"]))
        columns.sort(key=lambda item: contract.index(item[0]))
    used = {identifier, *(i for _, i in columns)}
    left_out = [h for i, h in enumerate(header) if i not in used and h.strip()]
    return _Plan(identifier, columns, left_out)


def _read(source: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and every non-blank row with its line number (header is line 1)."""
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise PseudonymiseError(f"Cannot read {source}: {exc.strerror}.") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise PseudonymiseError(f"{source} is empty.") from None
    except csv.Error as exc:
        raise PseudonymiseError(f"{source} cannot be read as CSV: {exc}.") from None
    rows: list[tuple[int, list[str]]] = []
    start = reader.line_num + 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise PseudonymiseError(f"Line {start} of {source} cannot be read: {exc}.") from None
    return header, rows


def _cell(row: Sequence[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _outcode(postcode: str) -> str:
    match = _OUTCODE_RE.fullmatch(postcode.strip().upper())
    return match.group(1) if match else postcode


def _write_new(out: Path, text: str) -> None:
    part = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        part.write_text(text, encoding="utf-8", newline="")
        os.replace(part, out)
    except OSError as exc:
        raise PseudonymiseError(f"Cannot write {out}: {exc.strerror}.") from None
    finally:
        part.unlink(missing_ok=True)
