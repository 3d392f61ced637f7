"""Read-only SQL over the public views, for scripts and for staff who know SQL."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from hubmetrics.disclosure.inert import neutralise_formula
from hubmetrics.store import database as store

PUBLIC_VIEWS = ("activities", "schools", "partners", "batches", "participants")


class QueryRefused(Exception):
    """The SQL would write, or could not run; the message says why."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def run_query(database: str | Path | None, sql: str) -> QueryResult:
    """Run one SELECT on a read-only connection; refuse anything that would write."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"The SQL could not be read: {_first_line(exc)}") from None
    if len(statements) != 1:
        raise QueryRefused("Give exactly one SQL statement.")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise QueryRefused(
            f"Only reading is allowed here: this {statements[0].type.name} statement would not "
            "just read."
        )
    con = store.connect_read_only(database)
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        return QueryResult(columns, cursor.fetchall())
    except duckdb.Error as exc:
        raise QueryRefused(_first_line(exc)) from None
    finally:
        con.close()


def as_csv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(
            ["" if v is None else neutralise_formula(v) if isinstance(v, str) else v for v in row]
        )
    return out.getvalue()


def as_json(result: QueryResult) -> str:
    return json.dumps(
        [dict(zip(result.columns, row, strict=True)) for row in result.rows],
        default=_json_value,
        ensure_ascii=False,
        indent=1,
    )


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
