"""Validated, all-or-nothing loading of the hub's uploaded files."""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from hubmetrics import config, store
from hubmetrics.contract import file_kind
from hubmetrics.contract.headings import Headings
from hubmetrics.contract.problems import Problem
from hubmetrics.ingest import baselines, validate
from hubmetrics.ingest.apply import BASE_TABLES, apply_batch, new_batch_id
from hubmetrics.ingest.corrections import Correction, SheetOrigin
from hubmetrics.ingest.forecast import Forecast, forecast_load
from hubmetrics.ingest.reading import (
    NeedsSingleThread,
    UnreadableFile,
    decode,
    read_header,
    read_raw,
)
from hubmetrics.ingest.validate import Staged
from hubmetrics.ingest.workbook import (
    WORKBOOK_SUFFIXES,
    WorkbookRefused,
    is_workbook,
    workbook_to_csv,
)
from hubmetrics.metrics import summary

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
    headings: Headings = field(default_factory=Headings)  # how the file's headings were read
    # For a workbook: the sheet read, and its row taken as the headings (lines are its rows).
    sheet: str | None = None
    heading_row: int | None = None
    # For a clean file checked with `forecast=True`: what loading it will change.
    forecast: Forecast | None = None

    @property
    def sheet_note(self) -> str:
        """ "Read sheet 'Autumn'; headings on row 3." for a workbook, else ""."""
        if self.sheet is None:
            return ""
        return f"Read sheet '{self.sheet}'; headings on row {self.heading_row}."

    @property
    def problems(self) -> list[Problem]:
        return [*self.errors, *self.warnings]


class _Refused(Exception):
    """Raised inside the write transaction so that a refused (or only checked) file writes
    nothing."""


@dataclass
class _Upload:
    """An upload decoded and planned from its header, ready to be read into the store."""

    staged: Staged
    header: list[str]
    readable: Path  # a UTF-8 file DuckDB can read
    text_bytes: bytes
    raw_table: str = ""  # a GIAS extract is first read whole into this temp table
    record_lines: list[int] | None = None  # a workbook's sheet row of each record
    forecast: bool = False  # a check: also say what loading would change


def check_file(
    con: store.Connection,
    kind: str,
    data: bytes,
    *,
    file_name: str = "upload.csv",
    partner_id: str | None = None,
    preview_rows: int = 0,
    headings: Mapping[str, str] | None = None,
    sheet: str | None = None,
    origin: SheetOrigin | None = None,
    forecast: bool = False,
) -> LoadResult:
    """Validate a file exactly as a load would, and write nothing (its transaction rolls back).
    With `forecast`, a clean file's `result.forecast` says what loading it will change.

    `headings` is the person's own mapping of the file's headings, `sheet` the sheet of a
    workbook to read, `origin` the sheet a corrected workbook's CSV text came from (see
    `load_file`)."""
    result = LoadResult(kind=kind, file_name=file_name, accepted=False)
    cur = con.cursor()
    try:
        with tempfile.TemporaryDirectory(prefix="hubmetrics-") as tmp:
            source = Path(tmp) / "upload.csv"
            source.write_bytes(data)
            upload = _prepare(
                cur, kind, data, source, partner_id, Path(tmp), result, headings, sheet, origin
            )
            if upload is not None:
                upload.forecast = forecast and kind != "baselines"  # moves no activity figure
                _in_transaction(con, cur, upload, partner_id, result, preview_rows, None)
        result.accepted = not result.errors
        result.batch_id = None
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
    refresh_summary: bool = True,
    headings: Mapping[str, str] | None = None,
    sheet: str | None = None,
    original: bytes | None = None,
    origin: SheetOrigin | None = None,
    corrections: Sequence[Correction] = (),
) -> LoadResult:
    """Validate and load one file (its bytes, or its path) as one batch: every row goes in,
    or none does. After a load, the kept summary of the hub's children is recounted
    (`hubmetrics.metrics.summary`); pass `refresh_summary=False` to load several files and
    recount once.

    The file's headings are matched to the contract by name or by the synonyms kept beside
    it; `headings` maps a heading as written to a contract column (or "" to leave it out)
    where the person chose.

    A workbook (.xlsx or .ods) is read from one sheet: `sheet`, else its only sheet, else the
    only one whose headings are the contract's; a title above the headings is skipped, and
    every line named is the sheet's own row. The workbook itself is kept as the original.

    `original` is the file as the person sent it, when `data` is that file with the fixes
    they accepted and the cells they corrected (`corrections`, recorded with the batch in
    the same transaction): `data` is checked and loaded, `original` is kept as the batch's
    original. For a workbook `data` is then its sheet's corrected CSV text, and `origin`
    says which sheet and rows it came from, so that every line is still named by its row."""
    source = data if isinstance(data, Path) else None
    content = data.read_bytes() if isinstance(data, Path) else data
    sent = content if original is None else original
    file_name = file_name or (source.name if source else "upload.csv")
    result = LoadResult(kind=kind, file_name=file_name, accepted=False)
    folder = store.originals_folder(con)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"batch-{uuid.uuid4().hex}{_kept_suffix(sent, file_name)}"
    kept = folder / stored_name
    # The original is kept first, as `.part`; it takes its final name under the writer lock
    # just before the commit. Given a path, DuckDB reads that file while a thread writes the
    # copy and hashes it; given bytes, DuckDB reads the copy. The name says which process
    # wrote it, so that a later open can tell a dead load's file from a live one's.
    part = folder / f"{stored_name}.{os.getpid()}.part"
    keeping = _Keeper(sent, part)
    if source is None:
        keeping.run()
    else:
        keeping.start()
    cur = con.cursor()
    try:
        with tempfile.TemporaryDirectory(prefix="hubmetrics-") as tmp:
            if original is not None and source is None:
                # The kept copy is the original; DuckDB reads the corrected file.
                source = Path(tmp) / "corrected.csv"
                source.write_bytes(content)
            upload = _prepare(
                cur,
                kind,
                content,
                source or part,
                partner_id,
                Path(tmp),
                result,
                headings,
                sheet,
                origin,
            )
            if upload is None:
                return result
            keep = _Keep(
                keeping,
                kept,
                stored_name,
                file_name,
                len(sent),
                submitted_by,
                submitted_at,
                tuple(corrections),
            )
            _in_transaction(con, cur, upload, partner_id, result, 0, keep)
        result.accepted = not result.errors
    except BaseException:
        kept.unlink(missing_ok=True)
        raise
    finally:
        keeping.join()
        part.unlink(missing_ok=True)
        cur.close()
    if not result.accepted:
        result.batch_id = None
    elif refresh_summary:
        summary.refresh_quietly(con)
    return result


def _kept_suffix(content: bytes, file_name: str) -> str:
    """The kept original's extension: a workbook keeps its own, so it opens as one."""
    if not is_workbook(content, file_name):
        return ".csv"
    suffix = Path(file_name).suffix.lower()
    return suffix if suffix in WORKBOOK_SUFFIXES else ".xlsx"


def _on_row(problem: Problem, heading_row: int) -> Problem:
    return replace(problem, line=heading_row) if problem.line == 1 else problem


@dataclass
class _Keep:
    """What a load (not a check) records with its batch."""

    keeper: _Keeper
    kept: Path
    stored_name: str
    file_name: str
    file_bytes: int
    submitted_by: str | None
    submitted_at: datetime | None
    corrections: tuple[Correction, ...] = ()


def _prepare(
    cur: store.Connection,
    kind: str,
    data: bytes,
    source: Path,
    partner_id: str | None,
    scratch: Path,
    result: LoadResult,
    headings: Mapping[str, str] | None = None,
    sheet: str | None = None,
    origin: SheetOrigin | None = None,
) -> _Upload | None:
    """Decode the upload (a workbook's sheet as CSV text) and plan it from its header; refuse
    what cannot be read at all."""
    try:
        spec = file_kind(kind)
    except ValueError as exc:
        result.errors.append(Problem(None, None, kind, str(exc)))
        return None
    if len(data) > config.max_upload_bytes():
        result.errors.append(Problem(None, None, None, config.over_limit_message(len(data))))
        return None
    table = f"upload_{uuid.uuid4().hex[:12]}"
    record_lines: list[int] | None = None
    workbook_form = ""
    if origin is not None:  # a workbook's sheet, corrected as CSV text
        result.sheet, result.heading_row = origin.sheet, origin.heading_row
        record_lines, workbook_form = list(origin.record_rows), origin.form
    elif is_workbook(data, result.file_name) and spec.name != "baselines":
        # (the DfE's tables are CSV files: `decode` refuses a workbook sent as one)
        try:
            book = workbook_to_csv(data, result.file_name, spec, sheet)
        except WorkbookRefused as exc:
            result.errors.append(exc.problem)
            return None
        result.sheet, result.heading_row = book.sheet, book.heading_row
        record_lines, workbook_form = book.record_rows, book.form
        data = book.text
        source = scratch / "sheet.csv"
        source.write_bytes(data)
    try:
        encoding, text = decode(data)
        result.encoding = encoding
        header = read_header(text)
    except UnreadableFile as exc:
        result.errors.append(exc.problem)
        return None
    if spec.name == "baselines":
        staged = baselines.plan(header, spec, f"{table}_checked")
    else:
        staged = validate.plan(header, spec, f"{table}_checked", headings)
    if result.heading_row is not None:  # the header's problems are on the sheet's heading row
        staged.errors = [_on_row(p, result.heading_row) for p in staged.errors]
        staged.warnings = [_on_row(p, result.heading_row) for p in staged.warnings]
        result.encoding = workbook_form  # recorded with the batch: what was sent
    result.shape, result.headings = staged.shape, staged.headings
    result.errors += staged.errors
    result.warnings += staged.warnings  # about the header: found once, before any reading
    if staged.errors:
        return None
    if encoding in ("utf-8", "utf-8-sig"):
        readable, text_bytes = source, data
    else:
        # DuckDB reads UTF-8; the kept original stays byte for byte as sent.
        text_bytes = text.encode("utf-8")
        readable = scratch / "upload-utf8.csv"
        readable.write_bytes(text_bytes)
    upload = _Upload(staged, header, readable, text_bytes, record_lines=record_lines)
    if staged.shape == "gias" or spec.name == "baselines":
        # An extract (or a DfE table) is read whole, outside the transaction, then mapped to
        # the hub's shape (or summed into the area's shares).
        try:
            # A row of an extract short of cells is refused, not read with blanks.
            raw = read_raw(
                cur,
                readable,
                text_bytes,
                header,
                table,
                record_lines=record_lines,
                pad_short_rows=False,
            )
        except UnreadableFile as exc:
            result.errors.append(exc.problem)
            return None
        result.errors += raw.problems
        upload.raw_table = raw.table
    return upload


def _in_transaction(
    con: store.Connection,
    cur: store.Connection,
    upload: _Upload,
    partner_id: str | None,
    result: LoadResult,
    preview_rows: int,
    keep: _Keep | None,
) -> None:
    """Write the rows under a new batch, check them there, and commit only a clean load.

    A check (`keep` None) always rolls back. DuckDB's parallel reader gives up on a few odd
    files; those are read again, single-threaded, in a new transaction.
    """
    found = (list(result.errors), list(result.warnings))
    for parallel in (True, False):
        result.errors, result.warnings = list(found[0]), list(found[1])
        try:
            with store.write_transaction(con, cur):
                _write_and_check(con, cur, upload, partner_id, result, preview_rows, keep, parallel)
                if keep is None or result.errors:
                    raise _Refused
            return
        except NeedsSingleThread:
            continue
        except _Refused:
            return
        except UnreadableFile as exc:
            result.errors.append(exc.problem)
            return


def _write_and_check(
    con: store.Connection,
    cur: store.Connection,
    upload: _Upload,
    partner_id: str | None,
    result: LoadResult,
    preview_rows: int,
    keep: _Keep | None,
    parallel: bool,
) -> None:
    staged = upload.staged
    batch_id = new_batch_id(cur)
    into = (BASE_TABLES[staged.kind.name], batch_id)
    staged.errors, staged.warnings = [], []
    if upload.raw_table and staged.kind.name == "baselines":
        if not result.errors:  # lines that could not be read: said, and nothing summed
            baselines.stage(cur, upload.raw_table, staged, into, result.file_name)
        if result.errors or staged.errors:
            result.errors += staged.errors
            return
    elif upload.raw_table:
        validate.stage_gias(cur, upload.raw_table, upload.header, staged, into)
        result.errors += [p for p in staged.errors]
        result.warnings += [p for p in staged.warnings]
        staged.errors, staged.warnings = [], []
        if result.errors and not staged.built:
            return
    else:
        query, params = validate.row_query(staged, len(upload.header), partner_id, batch_id)
        raw = read_raw(
            cur,
            upload.readable,
            upload.text_bytes,
            upload.header,
            staged.table.removesuffix("_checked"),
            query,
            params,
            into=into,
            parallel=parallel,
            record_lines=upload.record_lines,
        )
        result.errors += raw.problems
        staged.unread = len(raw.problems)
        validate.check_view(cur, staged, raw.table)
    # The kept copy is written and hashed while DuckDB reads; a file loaded before is
    # found only now, and its rows roll back with the refusal.
    sha256 = "" if keep is None else _refuse_if_loaded_before(cur, keep.keeper, result)
    if staged.kind.name != "baselines":  # its checks were made as it was summed
        validate.check(cur, staged, partner_id)
    result.rows, result.rows_ignored = staged.rows, staged.ignored
    result.errors += staged.errors
    result.warnings += staged.warnings
    result.more_errors = staged.more_errors
    if preview_rows:
        result.preview = _preview(cur, staged, preview_rows)
    if keep is None and upload.forecast and not result.errors:
        result.forecast = forecast_load(con, cur, staged, batch_id)  # rolled back with the check
    if keep is None or result.errors:
        return
    keep.keeper.part.rename(keep.kept)
    result.batch_id = batch_id
    result.rows_replaced = apply_batch(
        cur,
        staged,
        batch_id,
        partner_id=partner_id,
        file_name=keep.file_name,
        stored_name=keep.stored_name,
        sha256=sha256,
        file_bytes=keep.file_bytes,
        encoding=result.encoding,
        submitted_by=keep.submitted_by,
        submitted_at=keep.submitted_at,
    )
    if keep.corrections:
        _record_corrections(cur, batch_id, staged.kind.name, keep)
    # A file loaded into the demo database makes it the demo no more (the demo's own files
    # load before it is marked), so sign-in applies from this commit on (docs/access.md).
    cur.execute("DELETE FROM hub_setting WHERE key = 'is_demo'")


def _record_corrections(cur: store.Connection, batch_id: int, kind: str, keep: _Keep) -> None:
    """Every corrected cell, with the batch, in its transaction; no values from participant
    records (they are never echoed or kept outside the rows themselves)."""
    made = keep.corrections
    withheld = kind == "participants"
    cur.execute(
        "INSERT INTO batch_correction SELECT ?, unnest(?), unnest(?), unnest(?), unnest(?), "
        "unnest(?), unnest(?), ?",
        [
            batch_id,
            list(range(1, len(made) + 1)),
            [c.line for c in made],
            [c.column for c in made],
            [None if withheld else c.before for c in made],
            [None if withheld else c.after for c in made],
            [c.how for c in made],
            keep.submitted_by,
        ],
    )


def _refuse_if_loaded_before(cur: store.Connection, keeper: _Keeper, result: LoadResult) -> str:
    """The file's SHA-256; raises _Refused when these exact bytes are already a loaded batch."""
    keeper.join()
    previous = cur.execute(
        "SELECT batch_id, file_name, strftime(submitted_at, '%d/%m/%Y %H:%M') FROM batch "
        "WHERE sha256 = ? AND status = 'loaded' ORDER BY batch_id LIMIT 1",
        [keeper.sha256],
    ).fetchone()
    if previous:
        result.errors = [
            Problem(
                None,
                None,
                None,
                f"This exact file was already loaded as batch {previous[0]} "
                f"('{previous[1]}', {previous[2]}). It was not loaded again.",
            )
        ]
        result.warnings = []
        raise _Refused
    return keeper.sha256


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
