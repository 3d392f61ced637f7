"""Validated, all-or-nothing loading of the hub's uploaded files."""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hubmetrics import config, store
from hubmetrics.contract import FileKind, file_kind
from hubmetrics.ingest.apply import apply_batch
from hubmetrics.ingest.reading import RawFile, UnreadableFile, decode, read_header, read_raw
from hubmetrics.ingest.validate import Staged, stage
from hubmetrics.problems import Problem

__all__ = ["LoadResult", "check_file", "load_file"]


@dataclass
class LoadResult:
    """What became of one upload: loaded as a batch, or refused with every problem."""

    kind: str
    file_name: str
    accepted: bool
    batch_id: int | None = None
    rows: int = 0
    rows_replaced: int = 0
    rows_ignored: int = 0
    shape: str = "hub"
    encoding: str = ""
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    more_errors: int = 0
    preview: list[dict[str, object]] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [*self.errors, *self.warnings]


class _Refused(Exception):
    """Raised inside the write transaction so that a refused file writes nothing."""


def check_file(
    con: store.Connection,
    kind: str,
    data: bytes,
    *,
    file_name: str = "upload.csv",
    partner_id: str | None = None,
    preview_rows: int = 0,
) -> LoadResult:
    """Validate a file exactly as a load would, and write nothing."""
    result = LoadResult(kind=kind, file_name=file_name, accepted=False)
    cur = con.cursor()
    try:
        with tempfile.TemporaryDirectory(prefix="hubmetrics-") as tmp:
            source = Path(tmp) / "upload.csv"
            source.write_bytes(data)
            read = _read(cur, kind, data, source, result)
            if read is not None:
                staged = _stage(cur, read, partner_id, result)
                if preview_rows:
                    result.preview = _preview(cur, staged, preview_rows)
        result.accepted = not result.errors
        return result
    finally:
        cur.close()


def load_file(
    con: store.Connection,
    kind: str,
    data: bytes,
    *,
    file_name: str = "upload.csv",
    partner_id: str | None = None,
    submitted_by: str | None = None,
    submitted_at: datetime | None = None,
) -> LoadResult:
    """Validate and load one file as one batch: every row goes in, or none does."""
    result = LoadResult(kind=kind, file_name=file_name, accepted=False)
    folder = store.originals_folder(con)
    folder.mkdir(parents=True, exist_ok=True)
    sha256 = hashlib.sha256(data).hexdigest()
    stored_name = f"batch-{uuid.uuid4().hex}.csv"
    kept = folder / stored_name
    # The original is written first, as `.part`, and DuckDB reads that copy. It takes its
    # final name under the writer lock just before the commit.
    part = folder / (stored_name + ".part")
    cur = con.cursor()
    try:
        part.write_bytes(data)
        read = _read(cur, kind, data, part, result)
        if read is None:
            return result
        with store.write_transaction(con, cur):
            previous = cur.execute(
                "SELECT batch_id, file_name, strftime(submitted_at, '%d/%m/%Y %H:%M') FROM batch "
                "WHERE sha256 = ? AND status = 'loaded' ORDER BY batch_id LIMIT 1",
                [sha256],
            ).fetchone()
            if previous:
                result.errors.append(
                    Problem(
                        None,
                        None,
                        None,
                        f"This exact file was already loaded as batch {previous[0]} "
                        f"('{previous[1]}', {previous[2]}). It was not loaded again.",
                    )
                )
                raise _Refused
            staged = _stage(cur, read, partner_id, result)
            if result.errors:
                raise _Refused
            part.rename(kept)
            result.batch_id, result.rows_replaced = apply_batch(
                cur,
                staged,
                partner_id=partner_id,
                file_name=file_name,
                stored_name=stored_name,
                sha256=sha256,
                file_bytes=len(data),
                encoding=result.encoding,
                submitted_by=submitted_by,
                submitted_at=submitted_at,
            )
        result.accepted = True
    except _Refused:
        result.batch_id = None
    except BaseException:
        kept.unlink(missing_ok=True)
        raise
    finally:
        part.unlink(missing_ok=True)
        cur.close()
    return result


@dataclass
class _ReadFile:
    spec: FileKind
    raw: RawFile


def _read(
    cur: store.Connection, kind: str, data: bytes, source: Path, result: LoadResult
) -> _ReadFile | None:
    """Decode and read `data` (already written at `source`) into a raw temp table."""
    try:
        spec = file_kind(kind)
    except ValueError as exc:
        result.errors.append(Problem(None, None, kind, str(exc)))
        return None
    limit = config.max_upload_bytes()
    if len(data) > limit:
        result.errors.append(
            Problem(
                None,
                None,
                None,
                f"The file is {len(data) / 1_048_576:.1f} MB, over the upload limit of "
                f"{limit / 1_048_576:.0f} MB. Split it into smaller files (by term, say).",
            )
        )
        return None
    table = f"upload_{uuid.uuid4().hex[:12]}"
    try:
        encoding, text = decode(data)
        result.encoding = encoding
        header = read_header(text)
        if encoding in ("utf-8", "utf-8-sig"):
            raw = read_raw(cur, source, data, header, table)
        else:
            # DuckDB reads UTF-8; the kept original stays byte for byte as sent.
            text_bytes = text.encode("utf-8")
            readable = source.with_name(source.name + ".utf8")
            readable.write_bytes(text_bytes)
            try:
                raw = read_raw(cur, readable, text_bytes, header, table)
            finally:
                readable.unlink(missing_ok=True)
    except UnreadableFile as exc:
        result.errors.append(exc.problem)
        return None
    result.errors += raw.problems
    return _ReadFile(spec, raw)


def _stage(
    cur: store.Connection, read: _ReadFile, partner_id: str | None, result: LoadResult
) -> Staged:
    """Check the raw table against the contract and the current data; fill `result`."""
    staged = stage(cur, read.raw.table, read.raw.header, read.spec, partner_id)
    result.shape = staged.shape
    result.rows, result.rows_ignored = staged.rows, staged.ignored
    result.errors += staged.errors
    result.warnings += staged.warnings
    result.more_errors = staged.more_errors
    return staged


def _preview(cur: store.Connection, staged: Staged, rows: int) -> list[dict[str, object]]:
    if not staged.built:
        return []
    columns = ["line", *staged.kind.column_names]
    cursor = cur.execute(
        f"SELECT {', '.join(columns)} FROM {staged.table} WHERE NOT is_empty "  # safe: contract names
        "ORDER BY line LIMIT ?",
        [rows],
    )
    return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
