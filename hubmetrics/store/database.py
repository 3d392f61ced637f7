"""The DuckDB store: opening, migrations, the public views and the single writer."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date
from pathlib import Path

import duckdb

from hubmetrics import config

Connection = duckdb.DuckDBPyConnection


class StoreError(Exception):
    """The database cannot be opened or used as asked; the message says why and what to do."""


# Each migration takes the database from version N-1 to N. Never edit a released one: add another.
MIGRATIONS: tuple[str, ...] = (
    # 1: batches, versioned rows of partners, schools and activities.
    """
    CREATE SEQUENCE batch_id_seq START 1;
    CREATE TABLE batch (
        batch_id      INTEGER NOT NULL,
        kind          VARCHAR NOT NULL,
        partner_id    VARCHAR,
        submitted_by  VARCHAR,
        submitted_at  TIMESTAMP NOT NULL,
        file_name     VARCHAR NOT NULL,
        stored_name   VARCHAR NOT NULL,
        sha256        VARCHAR NOT NULL,
        file_bytes    BIGINT NOT NULL,
        encoding      VARCHAR NOT NULL,
        shape         VARCHAR NOT NULL,
        rows_loaded   INTEGER NOT NULL,
        rows_replaced INTEGER NOT NULL,
        rows_ignored  INTEGER NOT NULL,
        warning_count INTEGER NOT NULL,
        status        VARCHAR NOT NULL,
        rolled_back_at TIMESTAMP,
        rolled_back_by VARCHAR
    );
    CREATE TABLE batch_warning (
        batch_id    INTEGER NOT NULL,
        line        INTEGER,
        column_name VARCHAR,
        value       VARCHAR,
        message     VARCHAR NOT NULL
    );
    CREATE TABLE partner_row (
        batch_id INTEGER NOT NULL, replaced_by INTEGER, source_line INTEGER,
        partner_id VARCHAR NOT NULL, name VARCHAR NOT NULL, partner_type VARCHAR, website VARCHAR
    );
    CREATE TABLE school_row (
        batch_id INTEGER NOT NULL, replaced_by INTEGER, source_line INTEGER,
        urn INTEGER NOT NULL, name VARCHAR NOT NULL, phase VARCHAR NOT NULL,
        local_authority VARCHAR NOT NULL, district VARCHAR, postcode VARCHAR,
        latitude DOUBLE, longitude DOUBLE, pupils INTEGER, fsm_percent DOUBLE,
        send_percent DOUBLE, imd_decile INTEGER, rural BOOLEAN, state_funded BOOLEAN NOT NULL
    );
    CREATE TABLE activity_row (
        batch_id INTEGER NOT NULL, replaced_by INTEGER, source_line INTEGER,
        partner_id VARCHAR NOT NULL, activity_id VARCHAR NOT NULL, activity_name VARCHAR NOT NULL,
        activity_type VARCHAR NOT NULL, genre VARCHAR, level VARCHAR,
        start_date DATE NOT NULL, end_date DATE, school_urn INTEGER, venue_postcode VARCHAR,
        age_band VARCHAR NOT NULL, participants INTEGER NOT NULL,
        new_participants INTEGER, continuing_from_wcet INTEGER, female INTEGER, male INTEGER,
        fsm INTEGER, send INTEGER, ehcp INTEGER, lac INTEGER, eal INTEGER,
        global_majority INTEGER, young_carer INTEGER, sessions INTEGER, contact_hours DOUBLE
    );
    CREATE TABLE data_version (version BIGINT NOT NULL);
    INSERT INTO data_version VALUES (0);
    CREATE TABLE hub_setting (key VARCHAR NOT NULL, value VARCHAR);
    """,
    # 2: a load writes straight into the row tables inside its transaction and checks the rows
    # there (a refused file rolls back), so the tables take unchecked rows: the contract, not
    # the schema, guards the required columns. `is_empty` and `unreadable` (the text of cells
    # that could not be read as their type) are what the checks need; accepted rows have
    # neither.
    """
    ALTER TABLE partner_row ALTER COLUMN partner_id DROP NOT NULL;
    ALTER TABLE partner_row ALTER COLUMN name DROP NOT NULL;
    ALTER TABLE school_row ALTER COLUMN urn DROP NOT NULL;
    ALTER TABLE school_row ALTER COLUMN name DROP NOT NULL;
    ALTER TABLE school_row ALTER COLUMN phase DROP NOT NULL;
    ALTER TABLE school_row ALTER COLUMN local_authority DROP NOT NULL;
    ALTER TABLE activity_row ALTER COLUMN partner_id DROP NOT NULL;
    ALTER TABLE activity_row ALTER COLUMN activity_id DROP NOT NULL;
    ALTER TABLE activity_row ALTER COLUMN activity_name DROP NOT NULL;
    ALTER TABLE activity_row ALTER COLUMN activity_type DROP NOT NULL;
    ALTER TABLE activity_row ALTER COLUMN start_date DROP NOT NULL;
    ALTER TABLE activity_row ALTER COLUMN age_band DROP NOT NULL;
    ALTER TABLE activity_row ALTER COLUMN participants DROP NOT NULL;
    ALTER TABLE partner_row ADD COLUMN is_empty BOOLEAN;
    ALTER TABLE partner_row ADD COLUMN unreadable STRUCT(c VARCHAR, v VARCHAR)[];
    ALTER TABLE school_row ADD COLUMN is_empty BOOLEAN;
    ALTER TABLE school_row ADD COLUMN unreadable STRUCT(c VARCHAR, v VARCHAR)[];
    ALTER TABLE activity_row ADD COLUMN is_empty BOOLEAN;
    ALTER TABLE activity_row ADD COLUMN unreadable STRUCT(c VARCHAR, v VARCHAR)[];
    """,
    # 3: the people who may sign in, their roles and sign-in state (docs/access.md), and the
    # append-only audit trail. A password is kept only as its Argon2id hash.
    """
    CREATE TABLE hub_user (
        email           VARCHAR NOT NULL PRIMARY KEY,
        role            VARCHAR NOT NULL,
        partner_id      VARCHAR,
        password_hash   VARCHAR,
        failed_sign_ins INTEGER NOT NULL DEFAULT 0,
        locked_until    TIMESTAMP,
        last_sign_in    TIMESTAMP,
        added_at        TIMESTAMP NOT NULL,
        added_by        VARCHAR NOT NULL,
        changed_at      TIMESTAMP,
        changed_by      VARCHAR
    );
    CREATE SEQUENCE audit_event_seq START 1;
    CREATE TABLE audit_event (
        event_id BIGINT NOT NULL DEFAULT nextval('audit_event_seq'),
        happened_at TIMESTAMP NOT NULL,
        who      VARCHAR NOT NULL,
        action   VARCHAR NOT NULL,
        outcome  VARCHAR NOT NULL,
        detail   VARCHAR NOT NULL,
        via      VARCHAR NOT NULL
    );
    """,
    # 4: pseudonymised records of individual children (the `participants` file kind), versioned
    # like the other rows. `send` is N, K, E or Y (see contract.py).
    """
    CREATE TABLE participant_row (
        batch_id INTEGER NOT NULL, replaced_by INTEGER, source_line INTEGER,
        participant_ref VARCHAR, partner_id VARCHAR, activity_id VARCHAR, start_date DATE,
        age_band VARCHAR, sex VARCHAR, fsm BOOLEAN, send VARCHAR, ehcp BOOLEAN, lac BOOLEAN,
        eal BOOLEAN, young_carer BOOLEAN, ethnicity VARCHAR, postcode_district VARCHAR,
        school_urn INTEGER, is_empty BOOLEAN, unreadable STRUCT(c VARCHAR, v VARCHAR)[]
    );
    """,
    # 5: the whole hub's figures from participant records, by academic year, and its
    # progression rows, kept after each write (hubmetrics/metrics/summary.py). Each row
    # carries the data version it was made at; a page uses them only while that is current.
    """
    CREATE TABLE children_by_year (
        data_version BIGINT NOT NULL, ay INTEGER, part VARCHAR NOT NULL, value HUGEINT
    );
    CREATE TABLE progression_kept (
        data_version BIGINT NOT NULL, what VARCHAR NOT NULL, cohort INTEGER, ay INTEGER,
        stage VARCHAR, next_stage VARCHAR, n BIGINT, tuition BIGINT, ensemble BIGINT,
        advanced BIGINT
    );
    """,
    # 6: how a partner's own headings map to the contract's columns, remembered from the
    # Upload page so that next term's file maps itself (hubmetrics/ingest/mappings.py).
    # `column_name` '' leaves that heading's column out.
    """
    CREATE TABLE heading_mapping (
        partner_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, heading VARCHAR NOT NULL,
        column_name VARCHAR NOT NULL, saved_at TIMESTAMP NOT NULL, saved_by VARCHAR,
        PRIMARY KEY (partner_id, kind, heading)
    );
    """,
    # 7: every cell corrected on the Upload page before its batch loaded: by an accepted fix
    # (`how` names it) or by hand, with who made it (hubmetrics/ingest/corrections.py). The
    # batch's rows hold the corrected values; the kept original holds what was sent. For
    # participant records `before` and `after` are never kept.
    """
    CREATE TABLE batch_correction (
        batch_id INTEGER NOT NULL, seq INTEGER NOT NULL, line INTEGER,
        column_name VARCHAR NOT NULL, before VARCHAR, after VARCHAR, how VARCHAR NOT NULL,
        made_by VARCHAR
    );
    """,
    # 8: an account may be limited to one hub of the lead organisation (docs/access.md).
    """
    ALTER TABLE hub_user ADD COLUMN hub VARCHAR;
    """,
    # 9: the area's shares of pupils from the DfE's open-data tables (the `baselines` file
    # kind, hubmetrics/ingest/baselines.py), one row per share, versioned like the other
    # rows; `share` NULL is unknown (a part suppressed in the DfE's file), never 0.
    """
    CREATE TABLE baseline_row (
        batch_id INTEGER NOT NULL, replaced_by INTEGER, source_line INTEGER,
        source_table VARCHAR, publication VARCHAR, data_set VARCHAR, file_name VARCHAR,
        time_period VARCHAR, time_identifier VARCHAR, period VARCHAR,
        local_authorities VARCHAR, measure VARCHAR, pupils DOUBLE, of_pupils DOUBLE,
        share DOUBLE, unknown_cells INTEGER, note VARCHAR,
        is_empty BOOLEAN, unreadable STRUCT(c VARCHAR, v VARCHAR)[]
    );
    """,
)


def _academic_year(day: str) -> str:
    """SQL for the academic year (`2025/26`) that contains the date `day` (a column)."""
    return (
        f"CAST(year({day}) - CASE WHEN month({day}) < 9 THEN 1 ELSE 0 END AS VARCHAR) || '/' || "
        f"lpad(CAST((year({day}) + CASE WHEN month({day}) < 9 THEN 0 ELSE 1 END) % 100 "
        "AS VARCHAR), 2, '0')"
    )


def _term(day: str) -> str:
    """SQL for the term (autumn, spring or summer) that contains the date `day`."""
    return (
        f"CASE WHEN month({day}) >= 9 THEN 'autumn' WHEN month({day}) <= 3 THEN 'spring' "
        "ELSE 'summer' END"
    )


# Views are derived, so they are recreated on every open rather than migrated.
VIEWS: dict[str, str] = {  # safe: the f-strings below format fixed column names only
    "partners": """
        SELECT partner_id, name, partner_type, website, batch_id
        FROM partner_row WHERE replaced_by IS NULL
    """,
    "schools": """
        SELECT urn, name, phase, local_authority, district, postcode, latitude, longitude,
               pupils, fsm_percent, send_percent, imd_decile, rural, state_funded, batch_id
        FROM school_row WHERE replaced_by IS NULL
    """,
    "activities": f"""
        SELECT a.partner_id, a.activity_id, a.activity_name, a.activity_type, a.genre, a.level,
               a.start_date, a.end_date, {_academic_year("a.start_date")} AS academic_year,
               {_term("a.start_date")} AS term, a.school_urn, a.venue_postcode, a.age_band, a.participants, a.new_participants,
               a.continuing_from_wcet, a.female, a.male, a.fsm, a.send, a.ehcp, a.lac, a.eal,
               a.global_majority, a.young_carer, a.sessions, a.contact_hours, a.batch_id
        FROM activity_row a WHERE a.replaced_by IS NULL
    """,
    "participants": f"""
        SELECT participant_ref, partner_id, activity_id, start_date,
               {_academic_year("start_date")} AS academic_year, {_term("start_date")} AS term,
               age_band, sex, fsm, send, ehcp, lac, eal, young_carer, ethnicity,
               postcode_district, school_urn, batch_id
        FROM participant_row WHERE replaced_by IS NULL
    """,
    "baselines": """
        SELECT measure, share, pupils, of_pupils, unknown_cells, note, source_table,
               publication, data_set, period, time_period, local_authorities, file_name,
               batch_id
        FROM baseline_row WHERE replaced_by IS NULL
    """,
    "batches": """
        SELECT batch_id, kind, partner_id, submitted_by, submitted_at, file_name, sha256,
               file_bytes, encoding, shape, rows_loaded, rows_replaced, rows_ignored,
               warning_count AS warnings, status, rolled_back_at, rolled_back_by
        FROM batch
    """,
}

SCHEMA_VERSION = len(MIGRATIONS)

_write_locks: dict[str, threading.RLock] = {}
_write_locks_guard = threading.Lock()


def connect(path: str | Path | None = None) -> Connection:
    """Open (creating or upgrading) the hub database and return a connection to it."""
    database = config.db_path(path)
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(database))
    except duckdb.IOException as exc:
        raise StoreError(
            f"Cannot open the database {database}: {_first_line(exc)}. "
            "If the dashboard is running on this file, stop it or use its pages instead."
        ) from None
    try:
        migrate(con)
        with _writer_lock(con):
            _sweep_orphan_originals(con, database)
    except BaseException:
        con.close()
        raise
    return con


def connect_read_only(path: str | Path | None = None) -> Connection:
    """Open an existing database for reading only, with no access to other files."""
    database = config.db_path(path)
    if not database.exists():
        raise StoreError(f"There is no database at {database}: run `hubmetrics init` first.")
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.IOException as exc:
        raise StoreError(
            f"Cannot open the database {database}: {_first_line(exc)}. "
            "If the dashboard is running on this file, stop it first."
        ) from None
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def schema_version(con: Connection) -> int:
    """The schema version of an open database (0 for an empty one)."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_version'"
        " AND database_name = current_database()"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(con: Connection) -> int:
    """Bring the database up to the current schema in one transaction; return its version."""
    with _writer_lock(con):
        current = schema_version(con)
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"This database has schema version {current}, newer than this copy of hubmetrics "
                f"understands ({SCHEMA_VERSION}). Upgrade hubmetrics to open it."
            )
        with con.cursor() as cur, _transaction(cur):
            if current == 0:
                cur.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version "
                    "(version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)"
                )
            for number, ddl in enumerate(MIGRATIONS, start=1):
                if number <= current:
                    continue
                cur.execute(ddl)
                cur.execute("INSERT INTO schema_version VALUES (?, now())", [number])
            for name, body in VIEWS.items():
                cur.execute(f"CREATE OR REPLACE VIEW {name} AS {body}")  # safe: fixed names
    return SCHEMA_VERSION


def database_path(con: Connection) -> Path | None:
    """The file behind a connection, or None for an in-memory database."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return Path(row[0]) if row and row[0] else None


def originals_folder(con: Connection) -> Path:
    """Where this database keeps the original bytes of accepted files."""
    database = database_path(con)
    if database is None:
        raise StoreError("An in-memory database cannot keep original files; use a file.")
    return config.originals_dir(database)


def setting(con: Connection, key: str) -> str | None:
    """A value the database keeps about itself (e.g. `is_demo`), or None."""
    row = con.execute("SELECT value FROM hub_setting WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def is_demo(con: Connection) -> bool:
    """True when this database holds the synthetic demo data."""
    return setting(con, "is_demo") == "true"


def as_of(con: Connection) -> date:
    """The date the figures are "as at": today, or the date recorded for the demo data."""
    recorded = setting(con, "as_of")
    return date.fromisoformat(recorded) if recorded else date.today()


def data_version(con: Connection) -> int:
    """A number that every write bumps: the key for caches of query results."""
    row = con.execute("SELECT version FROM data_version").fetchone()
    return int(row[0]) if row else 0


@contextmanager
def write_transaction(
    con: Connection, cursor: Connection | None = None, *, bump: bool = True
) -> Iterator[Connection]:
    """The one way to write: hold the writer lock, run in one transaction, bump the version.

    Any exception rolls everything back; nothing is half-written. Pass `cursor` to write
    through a cursor that already holds temp tables (it is left open). `bump=False` is for
    writes that change no figure (the audit trail, accounts), so the pages' caches stay.
    """
    with _writer_lock(con):
        cur = cursor or con.cursor()
        try:
            with _transaction(cur):
                yield cur
                if bump:
                    cur.execute("UPDATE data_version SET version = version + 1")
        finally:
            if cursor is None:
                cur.close()


@contextmanager
def read_transaction(con: Connection, *, hold_writers: bool = False) -> Iterator[Connection]:
    """Read through a new cursor in one transaction: every query sees the same committed state.

    With `hold_writers` the writer lock is held too, so that no write starts or finishes
    meanwhile (a backup uses this, to copy the kept originals that match the copied rows).
    Writes to this database never go here (they go through `write_transaction`); a backup's
    copy into another, attached, file does, and is committed at the end.
    """
    with _writer_lock(con) if hold_writers else nullcontext(), con.cursor() as cur:
        with _transaction(cur):
            yield cur


@contextmanager
def _transaction(cur: Connection) -> Iterator[None]:
    """Commit what the block did, or roll all of it back if it raised."""
    cur.execute("BEGIN TRANSACTION")
    try:
        yield
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise


def _writer_lock(con: Connection) -> threading.RLock:
    key = str(database_path(con) or id(con))
    with _write_locks_guard:
        return _write_locks.setdefault(key, threading.RLock())


def _sweep_orphan_originals(con: Connection, database: Path) -> None:
    """Remove kept files left by a load that died before its commit (no batch names them)."""
    folder = config.originals_dir(database)
    if not folder.is_dir():
        return
    known = {r[0] for r in con.execute("SELECT stored_name FROM batch").fetchall()}
    for path in folder.glob("batch-*.csv"):
        if path.name not in known:
            path.unlink(missing_ok=True)
    # A `.part` file (`batch-….csv.<pid>.part`) is a load still keeping its copy, or one that
    # died. No other process can have the database open while this one does, so another
    # process's are left over; this process's own may be a load in another thread.
    stale = time.time() - 24 * 3600
    mine = str(os.getpid())
    for path in folder.glob("batch-*.part"):
        if path.name.split(".")[-2] != mine or path.stat().st_mtime < stale:
            path.unlink(missing_ok=True)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
