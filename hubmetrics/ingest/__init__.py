"""Validated, all-or-nothing loading of the hub's uploaded files."""

from __future__ import annotations

import hashlib
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hubmetrics import config, store
from hubmetrics.contract import file_kind
from hubmetrics.ingest import validate
from hubmetrics.ingest.apply import apply_batch
from hubmetrics.ingest.reading import UnreadableFile, decode, read_header, read_raw
from hubmetrics.ingest.validate import Staged
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
            staged = _read(cur, kind, data, source, partner_id, result)
            if staged is not None:
                _check(cur, staged, partner_id, result)
                if preview_rows:
                    result.preview = _preview(cur, staged, preview_rows)
        result.accepted = not result.errors
        return result
    finally:
        cur.close()


def load_file(
    con: store.Connection,
    kind: str,
    data: bytes | Path,
    *,
    file_name: str | None = None,
    partner_id: str | None = None,
    submitted_by: str | None = None,
    submitted_at: datetime | None = None,
) -> LoadResult:
    """Validate and load one file (its bytes, or its path) as one batch: every row goes in,
    or none does."""
    source = data if isinstance(data, Path) else None
    content = data.read_bytes() if isinstance(data, Path) else data
    file_name = file_name or (source.name if source else "upload.csv")
    result = LoadResult(kind=kind, file_name=file_name, accepted=False)
    folder = store.originals_folder(con)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"batch-{uuid.uuid4().hex}.csv"
    kept = folder / stored_name
    # The original is kept first, as `.part`; it takes its final name under the writer lock
    # just before the commit. Given a path, DuckDB reads that file while a thread writes the
    # copy and hashes it; given bytes, DuckDB reads the copy.
    part = folder / (stored_name + ".part")
    keeping = _Keeper(content, part)
    if source is None:
        keeping.run()
    else:
        keeping.start()
    cur = con.cursor()
    try:
        staged = _read(cur, kind, content, source or part, partner_id, result)
        keeping.join()
        if staged is None:
            return result
        sha256 = keeping.sha256
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
            _check(cur, staged, partner_id, result)
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
                file_bytes=len(content),
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
        keeping.join()
        part.unlink(missing_ok=True)
        cur.close()
    return result


class _Keeper(threading.Thread):
    """Writes the kept copy of an upload and hashes it (hashing and I/O release the GIL)."""

    def __init__(self, content: bytes, part: Path) -> None:
        super().__init__(daemon=True)
        self.content, self.part, self.sha256 = content, part, ""
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.part.write_bytes(self.content)
            self.sha256 = hashlib.sha256(self.content).hexdigest()
        except BaseException as exc:  # re-raised by join() in the loading thread
            self.error = exc

    def join(self, timeout: float | None = None) -> None:
        if self.is_alive():
            super().join(timeout)
        if self.error is not None:
            error, self.error = self.error, None
            raise error


def _read(
    cur: store.Connection,
    kind: str,
    data: bytes,
    source: Path,
    partner_id: str | None,
    result: LoadResult,
) -> Staged | None:
    """Decode `data` (already written at `source`) and read it, typed, into a temp table."""
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
                f"{limit / 1_048_576:g} MB. Split it into smaller files (by term, say).",
            )
        )
        return None
    table = f"upload_{uuid.uuid4().hex[:12]}"
    try:
        encoding, text = decode(data)
        result.encoding = encoding
        header = read_header(text)
        staged = validate.plan(header, spec, f"{table}_typed")
        result.shape = staged.shape
        if staged.errors:
            result.errors += staged.errors
            result.warnings += staged.warnings
            return None
        if staged.shape == "hub":
            select, inner, params = validate.typed_select(staged, len(header), partner_id)
        else:
            select, inner, params = "*", "*", []
        if encoding in ("utf-8", "utf-8-sig"):
            raw = read_raw(cur, source, data, header, table, select, inner, params)
        else:
            # DuckDB reads UTF-8; the kept original stays byte for byte as sent.
            text_bytes = text.encode("utf-8")
            with tempfile.TemporaryDirectory(prefix="hubmetrics-") as tmp:
                readable = Path(tmp) / "upload-utf8.csv"
                readable.write_bytes(text_bytes)
                raw = read_raw(cur, readable, text_bytes, header, table, select, inner, params)
    except UnreadableFile as exc:
        result.errors.append(exc.problem)
        return None
    result.errors += raw.problems
    if staged.shape == "hub":
        staged.table, staged.built = raw.table, True
    else:
        validate.stage_gias(cur, raw.table, header, staged)
    return staged


def _check(
    cur: store.Connection, staged: Staged, partner_id: str | None, result: LoadResult
) -> None:
    """Check the typed upload against the contract and the current data; fill `result`."""
    if staged.built:
        validate.check(cur, staged, partner_id)
    result.rows, result.rows_ignored = staged.rows, staged.ignored
    result.errors += staged.errors
    result.warnings += staged.warnings
    result.more_errors = staged.more_errors


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
