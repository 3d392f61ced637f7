"""Checking an upload against the contract, set-based, in DuckDB SQL."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import duckdb

from hubmetrics.contract import (
    NO_VALUES,
    PSEUDONYM_RE,
    PSEUDONYM_REFUSALS,
    YES_VALUES,
    Column,
    FileKind,
)
from hubmetrics.contract.headings import (
    HeadingMatch,
    Headings,
    check_mapping,
    match_headings,
    normalise_header,
)
from hubmetrics.contract.problems import Problem
from hubmetrics.ingest import gias

Connection = duckdb.DuckDBPyConnection

MAX_PROBLEMS = 100_000
_BLANKS = "'\t\n\r \u00a0'"  # an SQL literal holding the characters themselves
_SQL_TYPES = {
    "text": "VARCHAR",
    "code": "VARCHAR",
    "integer": "INTEGER",
    "number": "DOUBLE",
    "date": "DATE",
    "enum": "VARCHAR",
    "yesno": "BOOLEAN",
    "send": "VARCHAR",
}
# How a typed value is stored, where that is not the value itself.
_STORED = {
    # A school is state-funded unless the list says it is not.
    "state_funded": "coalesce(state_funded, true)",
    "postcode_district": "upper(postcode_district)",
}
_INT_RE = r"-?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.0+)?"
_NUMBER_RE = r"-?(([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?|\.[0-9]+)"
_ISO_DATE_RE = "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
_UK_DATE_RE = "[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}"


@dataclass
class Staged:
    """A checked upload. `table` (a table or view) holds `line`, `is_empty` and every contract
    column typed under its contract name; `bad_<name>` keeps the text of a cell that could not
    be read as its type, and `raw_<name>` the text of a date cell as written."""

    table: str
    kind: FileKind
    shape: str
    mapping: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    ignored: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    more_errors: int = 0
    built: bool = False
    headings: Headings = field(default_factory=Headings)
    unread: int = 0  # lines that could not be read as rows (each is a problem already)


def plan(
    header: Sequence[str], kind: FileKind, table: str, chosen: Mapping[str, str] | None = None
) -> Staged:
    """Decide from the header alone how the file maps onto `kind`, before it is read.

    `chosen` is the person's own mapping: a heading as written -> a contract column, or ""
    to leave that column out; the other headings are matched by name or synonym."""
    staged = Staged(table=table, kind=kind, shape="hub")
    if kind.name == "schools" and gias.is_gias_header(header):
        staged.shape = "gias"
        staged.mapping = {c.name: c.name for c in kind.columns}
        return staged
    wrong = check_mapping(kind, chosen or {})
    if wrong:
        staged.errors += [Problem(None, None, None, message) for message in wrong]
        return staged
    staged.headings = match_headings(header, kind, chosen)
    staged.mapping = _map_header(staged.headings, kind, staged)
    return staged


def typed_select(
    staged: Staged, n_cells: int, partner_id: str | None
) -> tuple[str, str, list[object]]:
    """(outer select, inner select, params) that type every cell of c0..cN (or of GIAS's
    hub-shaped columns): `SELECT outer FROM (SELECT inner FROM source)`."""
    mapping = staged.mapping
    every_cell = (
        list(mapping.values()) if staged.shape == "gias" else [f"c{i}" for i in range(n_cells)]
    )
    # Entirely empty rows (Excel's trailing ,,,,) are ignored. The test must stay cheap: most
    # rows are decided by their first cell, and only the rest are looked at whole.
    cells = ", ".join(every_cell) or "NULL"
    first = every_cell[0] if every_cell else "NULL"
    parts = [
        f"CASE WHEN NOT contains({_BLANKS}, left({first}, 1)) THEN false "
        f"WHEN coalesce({cells}, NULL) IS NULL THEN true "
        f"ELSE {_clean(f'concat_ws(chr(32), {cells})')} IS NULL END AS is_empty"
    ]
    typed: list[str] = []
    outer: list[str] = []
    for column in staged.kind.columns:
        if column.name in mapping:
            cell = mapping[column.name]
        elif column.name == "partner_id" and partner_id is not None:
            cell = "named_partner"
        else:
            cell = "CAST(NULL AS VARCHAR)"
        typed.append(f"CAST({_typed(column, cell)} AS {_SQL_TYPES[column.type]}) AS {column.name}")
        if column.type not in ("text", "code"):
            # Computed over the typed row, so that no cell is typed twice.
            typed.append(f"{cell} AS cell_{column.name}")
            outer.append(
                f"CASE WHEN cell_{column.name} IS NOT NULL AND {column.name} IS NULL AND "
                f"{_clean(f'cell_{column.name}')} IS NOT NULL "
                f"THEN cell_{column.name} END AS bad_{column.name}"
            )
        if column.type == "date":
            # The date as written, kept only where a check could show it to a person.
            shown_when = (
                f"{column.name} IS NULL OR year({column.name}) < 1990 OR year({column.name}) > 2100"
            )
            if column.name == "end_date":
                shown_when += " OR end_date < start_date"
            outer.append(f"CASE WHEN {shown_when} THEN cell_{column.name} END AS raw_{column.name}")
    inner = ", ".join(parts + typed)
    # The named partner is user input: a parameter at each place it is used.
    params: list[object] = [partner_id] * inner.count("named_partner")
    inner = inner.replace("named_partner", "CAST(? AS VARCHAR)")
    hidden = ", ".join(
        f"cell_{c.name}" for c in staged.kind.columns if c.type not in ("text", "code")
    )
    select = f"* EXCLUDE ({hidden}), {', '.join(outer)}" if hidden else "*"
    return select, inner, params


def row_query(
    staged: Staged, n_cells: int, partner_id: str | None, batch_id: int, line: str = "NULL"
) -> tuple[str, list[object]]:
    """(query, params): a SELECT over `{source}` (the file's cells) that types every cell into
    the row table's own columns, for `INSERT INTO <row table> BY NAME <query>`.

    Cells that could not be read as their type, and dates as written where a check could
    show them, go into `unreadable` as (bad_<column> or raw_<column>, text) pairs.
    """
    select, inner, params = typed_select(staged, n_cells, partner_id)
    names = staged.kind.column_names
    unreadable = "CAST(NULL AS STRUCT(c VARCHAR, v VARCHAR)[])"
    kept = _check_columns(staged.kind)
    if kept:
        entries = ", ".join(
            f"CASE WHEN {k} IS NOT NULL THEN struct_pack(c := '{k}', v := {k}) END" for k in kept
        )
        # Most rows have nothing unreadable: a cheap test first, the list only where needed.
        unreadable = (
            f"CASE WHEN coalesce({', '.join(kept)}) IS NOT NULL THEN "
            f"list_filter([{entries}], lambda u: u IS NOT NULL) END"
        )
    stored = [f"{_STORED[n]} AS {n}" if n in _STORED else n for n in names]
    keep_line = "line, " if line == "line" else ""
    query = (
        f"SELECT {int(batch_id)} AS batch_id, CAST(NULL AS INTEGER) AS replaced_by, "
        f"CAST({line} AS INTEGER) AS source_line, {', '.join(stored)}, is_empty, "
        f"{unreadable} AS unreadable FROM (SELECT {select} FROM "
        f"(SELECT {keep_line}{inner} FROM {{source}}))"
    )
    return query, params


def _check_columns(kind: FileKind) -> list[str]:
    """The bad_<column> and raw_<column> values the checks read (see typed_select)."""
    return [
        f"{prefix}_{c.name}"
        for c in kind.columns
        for prefix in ("bad", "raw")
        if (prefix == "bad" and c.type not in ("text", "code"))
        or (prefix == "raw" and c.type == "date")
    ]


def check_view(con: Connection, staged: Staged, rows_view: str) -> None:
    """The view the checks read: each row's line, typed columns, and its unreadable cells."""
    extracted = [
        f"CASE WHEN unreadable IS NULL THEN NULL ELSE list_extract(list_filter(unreadable, "
        f"lambda u: u.c = '{k}'), 1).v END AS {k}"
        for k in _check_columns(staged.kind)
    ]
    con.execute(
        f"CREATE TEMP VIEW {staged.table} AS SELECT line, is_empty, "  # safe: generated
        f"{', '.join(staged.kind.column_names)}"
        + "".join(f", {e}" for e in extracted)
        + f" FROM {rows_view}"
    )
    staged.built = True


def stage_gias(
    con: Connection, raw_table: str, header: Sequence[str], staged: Staged, into: tuple[str, int]
) -> None:
    """Turn a raw GIAS extract into the hub's schools shape, and write it into the row table."""
    hub = f"{raw_table}_hub"
    notes = gias.gias_to_hub_shape(con, raw_table, header, hub)
    staged.errors += [p for p in notes if p.severity == "error"]
    staged.warnings += [p for p in notes if p.severity == "warning"]
    if any(p.severity == "error" for p in notes):
        return
    query, params = row_query(staged, 0, None, into[1], line="line")
    con.execute(
        f"INSERT INTO {into[0]} BY NAME " + query.replace("{source}", hub), params
    )  # safe: generated
    con.execute(
        f"CREATE TEMP VIEW {raw_table}_lines AS SELECT source_line AS line, * EXCLUDE "  # safe: generated
        f"(batch_id, replaced_by) FROM {into[0]} WHERE batch_id = {int(into[1])}"
    )
    check_view(con, staged, f"{raw_table}_lines")


def check(con: Connection, staged: Staged, partner_id: str | None) -> None:
    """Every check of the contract over the typed table; fills staged.errors and warnings."""
    if staged.kind.partner_named:
        _check_named_partner(con, staged.mapping, partner_id, staged)
    row = con.execute(
        f"SELECT count(*) FILTER (NOT is_empty), count(*) FILTER (is_empty) FROM {staged.table}"  # safe: generated
    ).fetchone()
    staged.rows, staged.ignored = (int(row[0]), int(row[1])) if row else (0, 0)
    if staged.rows == 0:
        if not staged.unread:  # else every row was a line that could not be read: said so
            staged.errors.append(Problem(None, None, None, "The file has a header but no rows."))
        return
    _collect_problems(con, staged, partner_id)


def _map_header(headings: Headings, kind: FileKind, staged: Staged) -> dict[str, str]:
    """Contract column -> cell (c0..cN); unknown and repeated headers are reported."""
    mapping: dict[str, str] = {}
    seen: dict[str, HeadingMatch] = {}
    names = kind.column_names
    for match in headings.matches:
        i, cell, key = match.position, match.heading, match.column
        if not normalise_header(cell):
            continue  # an unnamed column (Excel's trailing comma) holds nothing we load
        if key is not None and key in seen:
            first = seen[key]
            same = match.how == first.how == "name"
            staged.errors.append(
                Problem(
                    1,
                    cell,
                    cell,
                    f"Two columns are both called '{key}' (columns {first.position + 1} and "
                    f"{i + 1}). Remove or rename one of them."
                    if same
                    else f"Two columns both mean {key}: '{first.heading}' (column "
                    f"{first.position + 1}) and '{cell}' (column {i + 1}). Remove one, or "
                    "say which of them is which.",
                )
            )
            continue
        if key is not None:
            seen[key] = match
            mapping[key] = f"c{i}"
        elif kind.strict_columns:
            staged.errors.append(
                Problem(
                    1,
                    cell,
                    None,
                    f"'{cell}' is not a column of the {kind.name} file. The hub keeps every "
                    "file it accepts, so this file may hold only the contract's columns: "
                    "remove this column (never send names, dates of birth, addresses or "
                    "pupil numbers).",
                )
            )
        elif match.how == "left out":
            continue  # the person chose to leave it out
        else:
            close = difflib.get_close_matches(normalise_header(cell), names, n=1, cutoff=0.7)
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
            if kind.partner_named and column.name == "partner_id":
                continue  # the upload may name the partner instead; checked with the partner
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
    con: Connection, mapping: dict[str, str], partner_id: str | None, staged: Staged
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
        nearest = con.execute(
            "SELECT arg_max(partner_id, jaro_winkler_similarity(lower(partner_id), lower(?))) "
            "FROM partners WHERE jaro_winkler_similarity(lower(partner_id), lower(?)) >= 0.8",
            [partner_id, partner_id],
        ).fetchone()
        hint = f" Did you mean '{nearest[0]}'?" if nearest and nearest[0] else ""
        staged.errors.append(
            Problem(
                None,
                "partner_id",
                partner_id,
                f"The partner '{partner_id}' named for this upload is not in the partners list."
                f"{hint} Choose a listed partner, or load the partners file with it first.",
            )
        )


def _clean(cell: str) -> str:
    """The cell with surrounding white space removed, NULL when nothing is left.

    Most cells neither start nor end with white space and are kept as they are; only the
    rest are trimmed (of spaces, tabs, line breaks and the non-breaking spaces web pages leave).
    """
    return (
        f"CASE WHEN NOT contains({_BLANKS}, left({cell}, 1)) AND "
        f"NOT contains({_BLANKS}, right({cell}, 1)) THEN NULLIF({cell}, '') "
        f"ELSE NULLIF(trim({cell}, {_BLANKS}), '') END"
    )


def _careful(cell: str, body: str) -> str:
    """`body` (SQL over `v`, the cell trimmed) for the cells a fast path did not read.

    DuckDB computes an expression that appears twice in a query once, for every row, even
    inside a CASE branch that few rows reach; a lambda keeps the trimmed cell to the rows
    that need it.
    """
    return f"list_transform([{_clean(cell)}], lambda v: {body})[1]"


def _lit(text: str) -> str:
    """A fixed message of ours as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _sql_list(values: Sequence[str]) -> str:
    # Only ever called with the contract's own constants.
    return "[" + ", ".join(_lit(v) for v in values) + "]"


def _typed(column: Column, cell: str) -> str:
    """SQL typing one cell: a cheap path for cells written plainly, a careful one for the rest."""
    if column.type in ("text", "code"):
        return _clean(cell)
    if column.type == "integer":
        # TRY_CAST alone would round 12.5 to 13 and read 1e3 or 0x1F; the round trip refuses those.
        fast = f"TRY_CAST({cell} AS INTEGER)"
        careful = _careful(
            cell,
            f"CASE WHEN regexp_full_match(v, '{_INT_RE}') THEN "
            rf"TRY_CAST(regexp_replace(replace(v, ',', ''), '\.0+$', '') AS INTEGER) END",
        )
        return f"CASE WHEN CAST({fast} AS VARCHAR) = {cell} THEN {fast} ELSE {careful} END"
    if column.type == "number":
        # DECIMAL reads 1e5 and 1_000 too; those are for the careful path to refuse.
        fast = f"TRY_CAST({cell} AS DECIMAL(18, 6))"
        percent = "%?" if column.name.endswith("_percent") else ""
        careful = _careful(
            cell,
            f"CASE WHEN regexp_full_match(v, '{_NUMBER_RE}{percent}') "
            f"THEN TRY_CAST(replace(rtrim(v, '%'), ',', '') AS DOUBLE) END",
        )
        return (
            f"CASE WHEN {fast} IS NOT NULL AND NOT contains(lower({cell}), 'e') AND "
            f"NOT contains({cell}, '_') THEN CAST({fast} AS DOUBLE) ELSE {careful} END"
        )
    if column.type == "date":
        careful = _careful(
            cell,
            f"CASE WHEN regexp_full_match(v, '{_ISO_DATE_RE}') "
            f"THEN CAST(try_strptime(v, '%Y-%m-%d') AS DATE) "
            f"WHEN regexp_full_match(v, '{_UK_DATE_RE}') "
            f"THEN CAST(try_strptime(v, '%d/%m/%Y') AS DATE) END",
        )
        return (
            f"CASE WHEN {cell} LIKE '____-__-__' THEN TRY_CAST({cell} AS DATE) "
            f"WHEN {cell} LIKE '__/__/____' THEN CAST(try_strptime({cell}, '%d/%m/%Y') AS DATE) "
            f"ELSE {careful} END"
        )
    if column.type == "enum":
        allowed = _sql_list(column.allowed)
        # The allowed value that the cell names, lower-cased with spaces and hyphens as _, or
        # upper-cased (census codes such as WBRI).
        careful = _careful(
            cell,
            rf"coalesce({allowed}[list_position({allowed}, "
            rf"regexp_replace(lower(v), '[\s\-]+', '_', 'g'))], "
            rf"{allowed}[list_position({allowed}, upper(v))])",
        )
        return f"CASE WHEN list_contains({allowed}, {cell}) THEN {cell} ELSE {careful} END"
    if column.type == "yesno":
        careful = _careful(
            cell,
            f"CASE WHEN lower(v) IN {tuple(YES_VALUES)} THEN true "
            f"WHEN lower(v) IN {tuple(NO_VALUES)} THEN false END",
        )
        return (
            f"CASE WHEN lower({cell}) IN {tuple(YES_VALUES)} THEN true "
            f"WHEN lower({cell}) IN {tuple(NO_VALUES)} THEN false ELSE {careful} END"
        )
    if column.type == "send":
        careful = _careful(
            cell,
            f"CASE WHEN upper(v) IN ('N', 'K', 'E') THEN upper(v) "
            f"WHEN lower(v) IN {tuple(YES_VALUES)} THEN 'Y' "
            f"WHEN lower(v) IN {tuple(NO_VALUES)} THEN 'N' END",
        )
        return f"CASE WHEN {cell} IN ('N', 'K', 'E') THEN {cell} ELSE {careful} END"
    raise ValueError(column.type)


def _shown(column: Column) -> str:
    """The value to show a person for a cell of `column`: as written where we kept it."""
    if column.type in ("text", "code"):
        return column.name
    if column.type == "date":
        return f"coalesce(raw_{column.name}, strftime({column.name}, '%Y-%m-%d'))"
    return f"coalesce(bad_{column.name}, CAST({column.name} AS VARCHAR))"


def _date_message(bad: str) -> str:
    return (
        f"CASE WHEN regexp_full_match(trim({bad}), '{_UK_DATE_RE}') AND "
        f"try_strptime(trim({bad}), '%m/%d/%Y') IS NOT NULL THEN "
        + _lit(
            "This date only makes sense month-first. Dates are day first: "
            "write it as DD/MM/YYYY or YYYY-MM-DD."
        )
        + f" WHEN regexp_full_match(trim({bad}), '{_ISO_DATE_RE}|{_UK_DATE_RE}') THEN "
        + _lit(
            "This is not a real day of the calendar. Check the day and month "
            "(day first: DD/MM/YYYY)."
        )
        + f" WHEN regexp_full_match(trim({bad}), '[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{2}}') THEN "
        + _lit("Write the year in full (DD/MM/YYYY), so the century is not guessed.")
        + " ELSE "
        + _lit("This is not a date. Write dates as YYYY-MM-DD or DD/MM/YYYY.")
        + " END"
    )


def _enum_message(column: Column, bad: str) -> str:
    allowed = _sql_list(column.allowed)
    norm = rf"regexp_replace(lower(trim({bad})), '[\s\-]+', '_', 'g')"
    nearest = (
        f"(SELECT arg_max(a, jaro_winkler_similarity({norm}, lower(a))) FROM unnest({allowed}) "
        f"t(a) WHERE jaro_winkler_similarity({norm}, lower(a)) >= 0.75)"
    )
    return (
        _lit(f"This is not one of the values allowed for {column.name}.")
        + f" || coalesce(' Did you mean ''' || {nearest} || '''?', '') || "
        + _lit(f" Allowed: {', '.join(column.allowed)}.")
    )


def _enum_rule(column: Column) -> str:
    """The enum check's explanation for all its cells at once (no per-cell suggestion)."""
    return _lit(
        f"This is not one of the values allowed for {column.name}. "
        f"Allowed: {', '.join(column.allowed)}."
    )


def _column_checks(column: Column) -> list[_Check]:
    """The checks of one column's own rules: a condition on a staged row, a message as SQL."""
    name, bad = column.name, f"bad_{column.name}"
    checks: list[_Check] = []
    if column.required:
        unreadable = "" if column.type in ("text", "code") else f" AND {bad} IS NULL"
        checks.append(
            _Check(
                name,
                f"{name} IS NULL{unreadable}",
                _lit(f"This cell is empty, but {name} is required."),
            )
        )
    if column.type in ("text", "code"):
        checks.append(
            _Check(
                name,
                f"length({name}) > {column.max_length}",
                _lit(f"This is longer than the {column.max_length} characters allowed."),
            )
        )
        if column.pattern:
            checks.append(
                _Check(
                    name,
                    f"NOT regexp_full_match({name}, {_lit(column.pattern)})",
                    _lit(f"{name} must be {column.pattern_hint}."),
                )
            )
    elif column.type == "integer":
        whole = _lit(f"{name} must be a whole number (like 28 or 1,204).")
        number = _lit(f"{name} must be a number (like 28); leave it blank if not recorded.")
        checks.append(
            _Check(
                name,
                f"{bad} IS NOT NULL",
                f"CASE WHEN regexp_full_match(trim({bad}), '-?[0-9.,]+') THEN {whole} "
                f"ELSE {number} END",
            )
        )
    elif column.type == "number":
        message = f"{name} must be a number (like 12.5); leave it blank if not recorded."
        checks.append(_Check(name, f"{bad} IS NOT NULL", _lit(message)))
    elif column.type == "date":
        checks.append(_Check(name, f"{bad} IS NOT NULL", _date_message(bad)))
        checks.append(
            _Check(
                name,
                f"year({name}) < 1990 OR year({name}) > 2100",
                _lit("The year of this date looks wrong. Check it."),
            )
        )
    elif column.type == "enum":
        checks.append(
            _Check(name, f"{bad} IS NOT NULL", _enum_message(column, bad), rule=_enum_rule(column))
        )
    elif column.type == "yesno":
        message = f"{name} must be Yes or No (Y/N, TRUE/FALSE or 1/0 also work)."
        checks.append(_Check(name, f"{bad} IS NOT NULL", _lit(message)))
    elif column.type == "send":
        message = (
            f"{name} must be Yes or No, or the school census's N (none), K (SEN support) "
            "or E (EHCP)."
        )
        checks.append(_Check(name, f"{bad} IS NOT NULL", _lit(message)))
    if column.type in ("integer", "number") and column.minimum is not None:
        lo, hi = column.minimum, column.maximum
        if lo == 0 and hi is None:
            checks.append(_Check(name, f"{name} < 0", _lit(f"{name} cannot be negative.")))
        else:
            bound = f"{name} < {lo}" + (f" OR {name} > {hi}" if hi is not None else "")
            say = f"at least {lo:g}" if hi is None else f"between {lo:g} and {hi:g}"
            checks.append(_Check(name, bound, _lit(f"{name} must be {say}.")))
    return checks


_DUPLICATE_WHAT = {
    "activities": "The same activity (partner_id, activity_id and start_date)",
    "schools": "The same URN",
    "partners": "The same partner_id",
    "participants": "The same child in the same activity (participant_ref, partner_id, "
    "activity_id and start_date)",
}
# The column a repeated key is reported in.
_DUPLICATE_COLUMN = {
    "activities": "activity_id",
    "schools": "urn",
    "partners": "partner_id",
    "participants": "participant_ref",
}


@dataclass(frozen=True)
class _Check:
    column: str
    condition: str
    message: str
    severity: str = "error"
    condition_params: tuple[object, ...] = ()
    message_params: tuple[object, ...] = ()
    shown: str | None = None  # SQL for the value shown instead of the cell's (NULL: none)
    # SQL for what the check says of all its cells at once, where `message` names the cell's
    # own details (a suggestion, a line number); None: the message says it already.
    rule: str | None = None


def _collect_problems(con: Connection, staged: Staged, partner_id: str | None) -> None:
    kind, mapping, t = staged.kind, staged.mapping, staged.table
    order = {c.name: i for i, c in enumerate(kind.columns)}
    checks: list[_Check] = []
    for column in kind.columns:
        if column.name not in mapping and not column.required:
            continue  # absent and optional: nothing to check
        if column.name not in mapping and column.name == "partner_id":
            continue  # named for the upload, checked once
        checks += _column_checks(column)
    checks += [_Check(r.column, r.broken_when, _lit(r.message)) for r in kind.rules]
    if kind.partner_named:
        checks += _partner_checks(mapping, partner_id)
    if "school_urn" in kind.column_names:
        checks.append(_URN_CHECK)
    if kind.name == "participants":
        dates = con.execute(
            f"SELECT min(start_date), max(start_date) FROM {t} WHERE NOT is_empty"  # safe: generated
        ).fetchone()
        checks += _participant_checks(*(dates or (None, None)))

    # One scan finds the rows with any problem (usually none); the checks that say what is
    # wrong then run over those rows alone. The conditions know the row as `r`.
    suspect = f"{t}_suspect"
    any_problem = " OR ".join(f"({c.condition})" for c in checks)
    con.execute(
        f"CREATE TEMP TABLE {suspect} AS SELECT * FROM {t} AS r "
        f"WHERE NOT is_empty AND ({any_problem})",
        [p for c in checks for p in c.condition_params],
    )
    suspects = con.execute(f"SELECT count(*) FROM {suspect}").fetchone()  # safe: generated
    parts: list[str] = []
    params: list[object] = []
    for c in checks if suspects and suspects[0] else ():
        shown = c.shown or _shown(kind.column(c.column))
        parts.append(
            f"SELECT line, {order[c.column]} AS pos, '{c.column}' AS column_name, "
            f"CAST({shown} AS VARCHAR) AS value, {c.message} AS message, "
            f"{c.rule or 'NULL'} AS rule, "
            f"'{c.severity}' AS severity FROM {suspect} AS r WHERE {c.condition}"
        )
        params += [*c.message_params, *c.condition_params]

    key = ", ".join(kind.key)
    key_present = " AND ".join(f"{k} IS NOT NULL" for k in kind.key)
    if not parts and not _may_repeat_a_key(con, t, key, key_present):
        con.execute(f"DROP TABLE {suspect}")  # safe: generated name
        return  # no row with a problem and no key twice: nothing to say
    first = _DUPLICATE_COLUMN[kind.name]
    # A repeated pseudonym might be a name that its own check refuses: never shown back.
    first_shown = "NULL" if kind.name == "participants" else f"CAST({first} AS VARCHAR)"
    repeated = _lit(_DUPLICATE_WHAT[kind.name] + " appears ")
    parts.append(
        f"SELECT line, {order[first]} AS pos, '{first}' AS column_name, "
        f"{first_shown} AS value, "
        f"{repeated} || n || ' times in this file, on lines ' || lines || "
        "'. Each must appear once: remove or correct the repeats.' AS message, "
        + _lit(
            _DUPLICATE_WHAT[kind.name]
            + " appears more than once in this file. Each must appear once: remove or "
            "correct the repeats."
        )
        + " AS rule, 'error' AS severity "
        f"FROM (SELECT line, {first}, count(*) OVER w AS n, "
        "string_agg(CAST(line AS VARCHAR), ', ' ORDER BY line) OVER w AS lines "
        f"FROM {t} JOIN (SELECT {key} FROM {t} WHERE NOT is_empty AND {key_present} "
        f"GROUP BY {key} HAVING count(*) > 1) USING ({key}) WHERE NOT is_empty "
        f"WINDOW w AS (PARTITION BY {key}))"
    )
    sql = (
        "SELECT line, column_name, value, message, severity, rule, count(*) OVER () AS total "
        "FROM ("
        + " UNION ALL ".join(parts)
        + f") ORDER BY severity, line, pos, message LIMIT {MAX_PROBLEMS}"
    )
    found = con.execute(sql, params).fetchall()
    for line, column_name, value, message, severity, rule, total in found:
        problem = Problem(line, column_name, value, message, severity, rule)
        (staged.errors if severity == "error" else staged.warnings).append(problem)
        staged.more_errors = max(0, int(total) - MAX_PROBLEMS)
    con.execute(f"DROP TABLE {suspect}")  # safe: generated name


def _may_repeat_a_key(con: Connection, table: str, key: str, key_present: str) -> bool:
    """False when no key appears twice among the rows (counting distinct hashes of the keys is
    quicker than grouping the keys; equal hashes of different keys only send the rows to the
    full check)."""
    row = con.execute(
        f"SELECT count(*) > count(DISTINCT hash({key})) FROM {table} "  # safe: generated
        f"WHERE NOT is_empty AND {key_present}"
    ).fetchone()
    return bool(row and row[0])


_URN_CHECK = _Check(
    "school_urn",
    "school_urn IS NOT NULL AND school_urn NOT IN (SELECT urn FROM schools)",
    _lit(
        "This URN is not in the schools list. The row is loaded, but cannot count "
        "toward school coverage until the school is in the list."
    ),
    severity="warning",
)


def _partner_checks(mapping: dict[str, str], partner_id: str | None) -> list[_Check]:
    """Each row's partner: the one named for the upload, or a listed partner."""
    checks: list[_Check] = []
    if partner_id is not None and "partner_id" in mapping:
        checks.append(
            _Check(
                "partner_id",
                "partner_id <> CAST(? AS VARCHAR)",
                "'This file is for partner ' || CAST(? AS VARCHAR) || "
                + _lit(", but this row is for another partner. A return holds one partner's rows."),
                condition_params=(partner_id,),
                message_params=(partner_id,),
            )
        )
    if partner_id is not None:
        return checks  # the named partner was checked once, and every row must be it
    similarity = "jaro_winkler_similarity(lower(p.partner_id), lower(r.partner_id))"
    nearest = (
        f"(SELECT arg_max(p.partner_id, {similarity}) FROM partners p WHERE {similarity} >= 0.8)"
    )
    checks.append(
        _Check(
            "partner_id",
            "partner_id IS NOT NULL AND partner_id NOT IN (SELECT partner_id FROM partners)",
            _lit("This partner is not in the partners list.")
            + f" || coalesce(' Did you mean ''' || {nearest} || '''?', '') || "
            + _lit(" Use a listed partner_id, or load the partners file with it first."),
            rule=_lit(
                "This partner is not in the partners list. Use a listed partner_id, or load "
                "the partners file with it first."
            ),
        )
    )
    return checks


_NOT_SHOWN = _lit(" The value is not repeated here, as it may identify a child.")


def _participant_checks(first: date | None, last: date | None) -> list[_Check]:
    """A participant record's own rules: its activity exists; its pseudonym and postcode
    district identify nobody (a value refused for that is not shown back).

    `first` and `last` are the file's earliest and latest start dates: given as constants,
    they let DuckDB read only the activities of those dates, not every one ever loaded.
    """
    activity_missing = (
        "partner_id IN (SELECT partner_id FROM partners) AND activity_id IS NOT NULL AND "
        "start_date IS NOT NULL AND NOT EXISTS (SELECT 1 FROM activities a WHERE "
        "a.partner_id = r.partner_id AND a.activity_id = r.activity_id AND "
        "a.start_date = r.start_date AND a.start_date BETWEEN ? AND ?)"
    )
    checks = [
        _Check(
            "activity_id",
            activity_missing,
            "'There is no activity ' || activity_id || ' of ' || partner_id || "
            "' starting on ' || strftime(start_date, '%d/%m/%Y') || "
            + _lit(
                " in the activity returns loaded so far. Each record belongs to an activity: "
                "load the partner's activity return first, or correct activity_id and "
                "start_date to match it."
            ),
            condition_params=(first, last),
            rule=_lit(
                "There is no activity with this activity_id, partner_id and start_date in the "
                "activity returns loaded so far. Each record belongs to an activity: load the "
                "partner's activity return first, or correct activity_id and start_date to "
                "match it."
            ),
        )
    ]
    # Most refs are in the hub's own format, decided by one cheap test.
    own_format = f"regexp_full_match(participant_ref, {_lit(PSEUDONYM_RE)})"
    refused = " ".join(
        f"WHEN regexp_matches(participant_ref, {_lit(pattern)}) THEN {_lit(message)}"
        for _, pattern, message in PSEUDONYM_REFUSALS
    )
    checks.append(
        _Check(
            "participant_ref",
            f"participant_ref IS NOT NULL AND NOT {own_format} AND "
            f"(CASE {refused} END) IS NOT NULL",
            f"(CASE {refused} END) || "
            + _lit(
                " participant_ref must be a pseudonym made with `hubmetrics pseudonymise` "
                "(see the pseudonymising guide), never a name, email address or pupil number."
            )
            + f" || {_NOT_SHOWN}",
            shown="NULL",
        )
    )
    district = "'^[A-Z]{1,2}[0-9][A-Z0-9]?$'"
    full = "'^[A-Z]{1,2}[0-9][A-Z0-9]? *[0-9][A-Z]{2}$'"
    checks.append(
        _Check(
            "postcode_district",
            f"postcode_district IS NOT NULL AND regexp_matches(postcode_district, {full})",
            _lit(
                "This is a full postcode, which is too identifying. Send only the district "
                "(the part before the space, such as NN17)."
            )
            + f" || {_NOT_SHOWN}",
            shown="NULL",
        )
    )
    checks.append(
        _Check(
            "postcode_district",
            f"postcode_district IS NOT NULL AND NOT regexp_matches(postcode_district, {district}) "
            f"AND NOT regexp_matches(postcode_district, {full})",
            _lit(
                "This is not a postcode district. Write the part of the postcode before the "
                "space, such as NN17 or LE15."
            ),
        )
    )
    return checks
