"""Checking a raw upload against the contract, set-based, in DuckDB SQL."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from hubmetrics.contract import NO_VALUES, YES_VALUES, Column, FileKind
from hubmetrics.ingest import gias
from hubmetrics.problems import Problem

Connection = duckdb.DuckDBPyConnection

MAX_PROBLEMS = 100_000
_BLANKS = "chr(9) || chr(10) || chr(13) || chr(32) || chr(160)"
_SQL_TYPES = {
    "text": "VARCHAR",
    "code": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "date": "DATE",
    "enum": "VARCHAR",
    "yesno": "BOOLEAN",
}


@dataclass
class Staged:
    """A checked upload: temp table `table` holds `line`, `is_empty` and every contract column,
    typed, under its contract name (and the cleaned text as `v_<name>`)."""

    table: str
    kind: FileKind
    shape: str
    rows: int = 0
    ignored: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    more_errors: int = 0
    built: bool = False


def normalise_header(name: str) -> str:
    """Loose header matching: case, surrounding spaces, spaces or hyphens vs underscores."""
    return re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip().lower())


def stage(
    con: Connection, raw_table: str, header: Sequence[str], kind: FileKind, partner_id: str | None
) -> Staged:
    """Check the raw table against `kind` and build the typed staging table."""
    staged = Staged(table=f"{raw_table}_typed", kind=kind, shape="hub")
    source = raw_table
    if kind.name == "schools" and gias.is_gias_header(header):
        staged.shape = "gias"
        source = f"{raw_table}_hub"
        notes = gias.gias_to_hub_shape(con, raw_table, header, source)
        staged.errors += [p for p in notes if p.severity == "error"]
        staged.warnings += [p for p in notes if p.severity == "warning"]
        if staged.errors:
            return staged
        mapping = {c.name: c.name for c in kind.columns}
        every_cell = list(mapping.values())
    else:
        mapping = _map_header(header, kind, staged)
        every_cell = [f"c{i}" for i in range(len(header))]

    if kind.name == "activities":
        _check_named_partner(con, kind, mapping, partner_id, staged)
    if staged.errors:
        return staged
    _build_typed(con, source, kind, mapping, every_cell, partner_id, staged.table)
    staged.built = True

    row = con.execute(
        f"SELECT count(*) FILTER (NOT is_empty), count(*) FILTER (is_empty) FROM {staged.table}"  # safe: generated
    ).fetchone()
    staged.rows, staged.ignored = (int(row[0]), int(row[1])) if row else (0, 0)
    if staged.rows == 0:
        staged.errors.append(Problem(None, None, None, "The file has a header but no rows."))
        return staged
    _collect_problems(con, kind, mapping, partner_id, staged)
    return staged


def _map_header(header: Sequence[str], kind: FileKind, staged: Staged) -> dict[str, str]:
    """Contract column -> raw column (c0..cN); unknown and duplicate headers are reported."""
    mapping: dict[str, str] = {}
    seen: dict[str, int] = {}
    names = kind.column_names
    for i, cell in enumerate(header):
        key = normalise_header(cell)
        if not key:
            continue  # an unnamed column (Excel's trailing comma) is only a problem if it has data
        if key in seen:
            staged.errors.append(
                Problem(
                    1,
                    cell,
                    cell,
                    f"Two columns are both called '{key}' (columns {seen[key] + 1} and {i + 1}). "
                    "Remove or rename one of them.",
                )
            )
            continue
        seen[key] = i
        if key in names:
            mapping[key] = f"c{i}"
        else:
            close = difflib.get_close_matches(key, names, n=1, cutoff=0.7)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            staged.warnings.append(
                Problem(
                    1,
                    cell,
                    cell,
                    f"'{cell}' is not a column of the {kind.name} file, so it was not loaded.{hint}",
                    severity="warning",
                )
            )
    for column in kind.columns:
        if column.required and column.name not in mapping:
            if kind.name == "activities" and column.name == "partner_id":
                continue  # may be named by the upload instead; checked with the partner
            staged.errors.append(
                Problem(
                    1,
                    column.name,
                    None,
                    f"The file has no '{column.name}' column, which is required. Add it "
                    f"(the {kind.name} template shows every column).",
                )
            )
    return mapping


def _check_named_partner(
    con: Connection,
    kind: FileKind,
    mapping: dict[str, str],
    partner_id: str | None,
    staged: Staged,
) -> None:
    if partner_id is None:
        if "partner_id" not in mapping:
            staged.errors.append(
                Problem(
                    1,
                    "partner_id",
                    None,
                    "The file has no 'partner_id' column and no partner was named for the "
                    "upload. Choose the partner, or add a partner_id column.",
                )
            )
        return
    known = con.execute("SELECT 1 FROM partners WHERE partner_id = ?", [partner_id]).fetchone()
    if not known:
        staged.errors.append(
            Problem(
                None,
                "partner_id",
                partner_id,
                f"The partner '{partner_id}' named for this upload is not in the partners list. "
                "Load the partners file with it first, or choose a listed partner.",
            )
        )


def _clean(raw_column: str) -> str:
    return f"NULLIF(trim({raw_column}, {_BLANKS}), '')"


def _lit(text: str) -> str:
    """A fixed message of ours as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _sql_list(values: Sequence[str]) -> str:
    # Only ever called with the contract's own constants, which contain no quotes.
    assert all("'" not in v for v in values)
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def _typed(column: Column) -> str:
    v = f"v_{column.name}"
    if column.type in ("text", "code"):
        return v
    if column.type == "integer":
        return (
            f"CASE WHEN regexp_full_match({v}, '[0-9]{{1,3}}(,[0-9]{{3}})+|[0-9]+(\\.0+)?') "
            f"THEN TRY_CAST(regexp_replace(replace({v}, ',', ''), '\\.0+$', '') AS INTEGER) END"
        )
    if column.type == "number":
        percent = "%?" if column.name.endswith("_percent") else ""
        return (
            f"CASE WHEN regexp_full_match({v}, "
            f"'-?(([0-9]{{1,3}}(,[0-9]{{3}})+|[0-9]+)(\\.[0-9]+)?|\\.[0-9]+){percent}') "
            f"THEN TRY_CAST(replace(rtrim({v}, '%'), ',', '') AS DOUBLE) END"
        )
    if column.type == "date":
        return (
            f"coalesce(CASE WHEN regexp_full_match({v}, '[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}') "
            f"THEN CAST(try_strptime({v}, '%Y-%m-%d') AS DATE) END, "
            f"CASE WHEN regexp_full_match({v}, '[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}') "
            f"THEN CAST(try_strptime({v}, '%d/%m/%Y') AS DATE) END)"
        )
    if column.type == "enum":
        norm = f"regexp_replace(lower({v}), '[\\s\\-]+', '_', 'g')"
        return f"CASE WHEN list_contains({_sql_list(column.allowed)}, {norm}) THEN {norm} END"
    if column.type == "yesno":
        return (
            f"CASE WHEN lower({v}) IN {tuple(YES_VALUES)} THEN true "
            f"WHEN lower({v}) IN {tuple(NO_VALUES)} THEN false END"
        )
    raise ValueError(column.type)


def _build_typed(
    con: Connection,
    source: str,
    kind: FileKind,
    mapping: dict[str, str],
    every_cell: list[str],
    partner_id: str | None,
    target: str,
) -> None:
    params: list[object] = []
    cleaned: list[str] = []
    for column in kind.columns:
        if column.name in mapping:
            cleaned.append(f"{_clean(mapping[column.name])} AS v_{column.name}")
        elif column.name == "partner_id" and partner_id is not None:
            cleaned.append(f"CAST(? AS VARCHAR) AS v_{column.name}")
            params.append(partner_id)
        else:
            cleaned.append(f"CAST(NULL AS VARCHAR) AS v_{column.name}")
    empty = " AND ".join(f"{_clean(c)} IS NULL" for c in every_cell) or "true"
    typed = [
        f"CAST({_typed(c)} AS {_SQL_TYPES[c.type]}) AS {c.name}"
        for c in kind.columns  # safe: contract names
    ]
    con.execute(
        f"CREATE TEMP TABLE {target} AS SELECT line, is_empty, "  # safe: contract names
        + ", ".join(f"v_{c.name}" for c in kind.columns)
        + ", "
        + ", ".join(typed)
        + f" FROM (SELECT line, ({empty}) AS is_empty, {', '.join(cleaned)} FROM {source})",
        params,
    )


def _column_checks(column: Column) -> list[tuple[str, str]]:
    """(condition on a staged row, message SQL) pairs for one column's own rules."""
    name, v = column.name, f"v_{column.name}"
    checks: list[tuple[str, str]] = []
    if column.required:
        checks.append(
            (f"{v} IS NULL", f"'This cell is empty, but {name} is required. Fill it in.'")
        )
    if column.type in ("text", "code"):
        checks.append(
            (
                f"length({v}) > {column.max_length}",
                f"'This is longer than the {column.max_length} characters allowed for {name}.'",
            )
        )
        if column.pattern:
            checks.append(
                (
                    f"NOT regexp_full_match({v}, '{column.pattern}')",
                    _lit(f"{name} must be {column.pattern_hint}."),
                )
            )
    elif column.type == "integer":
        checks.append(
            (
                f"{v} IS NOT NULL AND {name} IS NULL",
                f"CASE WHEN {v} LIKE '-%' THEN '{name} cannot be negative.' "
                f"WHEN regexp_full_match({v}, '[0-9.,]+') THEN '{name} must be a whole number "
                f"(like 28 or 1,204).' ELSE '{name} must be a number (like 28); leave it blank "
                "if it was not recorded.' END",
            )
        )
    elif column.type == "number":
        checks.append(
            (
                f"{v} IS NOT NULL AND {name} IS NULL",
                f"'{name} must be a number (like 12.5); leave it blank if it was not recorded.'",
            )
        )
    elif column.type == "date":
        checks.append(
            (
                f"{v} IS NOT NULL AND {name} IS NULL",
                f"CASE WHEN regexp_full_match({v}, '[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}') AND "
                f"try_strptime({v}, '%m/%d/%Y') IS NOT NULL THEN 'This date only makes sense "
                "month-first. Dates are day first: write it as DD/MM/YYYY or YYYY-MM-DD.' "
                f"WHEN regexp_full_match({v}, '[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}|"
                f"[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}') THEN 'This is not a real day of the "
                "calendar. Check the day and month (day first: DD/MM/YYYY).' "
                f"WHEN regexp_full_match({v}, '[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{2}}') THEN "
                "'Write the year in full (DD/MM/YYYY), so the century is not guessed.' "
                "ELSE 'This is not a date. Write dates as YYYY-MM-DD or DD/MM/YYYY.' END",
            )
        )
        checks.append(
            (
                f"year({name}) < 1990 OR year({name}) > 2100",
                "'The year of this date looks wrong. Check it.'",
            )
        )
    elif column.type == "enum":
        allowed = _sql_list(column.allowed)
        norm = f"regexp_replace(lower({v}), '[\\s\\-]+', '_', 'g')"
        nearest = (
            f"(SELECT arg_max(a, jaro_winkler_similarity({norm}, a)) FROM unnest({allowed}) t(a)"
            f" WHERE jaro_winkler_similarity({norm}, a) >= 0.75)"
        )
        checks.append(
            (
                f"{v} IS NOT NULL AND {name} IS NULL",
                f"'This is not one of the values allowed for {name}.' || "
                f"coalesce(' Did you mean ''' || {nearest} || '''?', '') || "
                f"' Allowed: {', '.join(column.allowed)}.'",
            )
        )
    elif column.type == "yesno":
        checks.append(
            (
                f"{v} IS NOT NULL AND {name} IS NULL",
                f"'{name} must be Yes or No (Y/N, TRUE/FALSE or 1/0 also work).'",
            )
        )
    if column.type in ("integer", "number") and column.minimum is not None:
        lo, hi = column.minimum, column.maximum
        bound = f"{name} < {lo}" + (f" OR {name} > {hi}" if hi is not None else "")
        say = f"at least {lo:g}" if hi is None else f"between {lo:g} and {hi:g}"
        checks.append((bound, f"'{name} must be {say}.'"))
    return checks


def _collect_problems(
    con: Connection,
    kind: FileKind,
    mapping: dict[str, str],
    partner_id: str | None,
    staged: Staged,
) -> None:
    t = staged.table
    parts: list[str] = []
    params: list[object] = []
    order = {c.name: i for i, c in enumerate(kind.columns)}

    def add(column: str, condition: str, message: str, severity: str = "error") -> None:
        parts.append(
            f"SELECT line, {order[column]} AS pos, '{column}' AS column_name, v_{column} AS value, "
            f"{message} AS message, '{severity}' AS severity FROM {t} "
            f"WHERE NOT is_empty AND ({condition})"
        )

    for column in kind.columns:
        if column.name not in mapping and not column.required:
            continue
        if column.name not in mapping and column.name == "partner_id":
            continue  # filled from the named partner
        for condition, message in _column_checks(column):
            add(column.name, condition, message)
    for rule in kind.rules:
        add(rule.column, rule.broken_when, _lit(rule.message))

    key = ", ".join(kind.key)
    key_present = " AND ".join(f"{k} IS NOT NULL" for k in kind.key)
    first = kind.key[-1] if kind.name == "activities" else kind.key[0]
    what = {
        "activities": "The same activity (partner_id, activity_id and start_date)",
        "schools": "The same URN",
        "partners": "The same partner_id",
    }[kind.name]
    parts.append(
        f"""SELECT line, {order[first]}, '{first}', v_{first},
            '{what} appears ' || n || ' times in this file, on lines ' || lines ||
            '. Each must appear once: remove or correct the repeats.', 'error'
        FROM (SELECT line, v_{first}, count(*) OVER w AS n,
                     string_agg(CAST(line AS VARCHAR), ', ' ORDER BY line) OVER w AS lines
              FROM {t} WHERE NOT is_empty AND {key_present}
              WINDOW w AS (PARTITION BY {key})) WHERE n > 1"""
    )

    if kind.name == "activities":
        if partner_id is not None and "partner_id" in mapping:
            add(
                "partner_id",
                "partner_id <> ?",
                "'This file is for partner ' || ? || ', but this row is for another partner. "
                "A return holds one partner''s activities.'",
            )
            params += [partner_id, partner_id]
        add(
            "partner_id",
            "partner_id IS NOT NULL AND partner_id NOT IN (SELECT partner_id FROM partners)",
            "'This partner is not in the partners list.' || coalesce(' Did you mean ''' || "
            "(SELECT arg_max(p.partner_id, jaro_winkler_similarity(lower(p.partner_id), "
            "lower(v_partner_id))) FROM partners p WHERE jaro_winkler_similarity("
            "lower(p.partner_id), lower(v_partner_id)) >= 0.8) || '''?', '') || "
            "' Use a listed partner_id, or load the partners file with it first.'",
        )
        add(
            "school_urn",
            "school_urn IS NOT NULL AND school_urn NOT IN (SELECT urn FROM schools)",
            "'This URN is not in the schools list. The row is loaded, but cannot count toward "
            "school coverage until the school is in the list.'",
            severity="warning",
        )

    sql = (
        "SELECT line, column_name, value, message, severity, count(*) OVER () AS total FROM ("
        + " UNION ALL ".join(parts)
        + f") ORDER BY severity, line, pos LIMIT {MAX_PROBLEMS}"
    )
    for line, column_name, value, message, severity, total in con.execute(sql, params).fetchall():
        problem = Problem(line, column_name, value, message, severity)
        (staged.errors if severity == "error" else staged.warnings).append(problem)
        staged.more_errors = int(total) - MAX_PROBLEMS if total > MAX_PROBLEMS else 0
