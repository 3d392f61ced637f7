"""Area baselines from the DfE's own tables: an EES file recognised by its columns, its rows
for the hub's local authorities and latest year chosen, and the area's shares summed over
them (pupils over pupils, never an average of percentages), staged as one batch's rows."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from hubmetrics.contract.ees import (
    EES_COLUMNS,
    EES_SYMBOLS,
    EES_TABLES,
    LA_LEVEL,
    NOT_KNOWN,
    SHARES,
    TOTAL,
    EesTable,
    ethnic_group,
    period_label,
    sex_group,
)
from hubmetrics.contract.files import FileKind
from hubmetrics.contract.headings import normalise_header
from hubmetrics.contract.problems import Problem
from hubmetrics.ingest.validate import Staged

Connection = duckdb.DuckDBPyConnection

__all__ = ["Share", "plan", "stage", "table_of"]

_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_MAX_PROBLEMS = 100
_SYMBOLS_SAID = "c, x, z, low, u, : or ~"


def plan(header: Sequence[str], kind: FileKind, table: str) -> Staged:
    """From the header alone: is this an EES file, and which of the DfE's tables is it."""
    staged = Staged(table=table, kind=kind, shape="ees")
    names = [normalise_header(h) for h in header]
    missing = [c for c in EES_COLUMNS if c not in names]
    if missing:
        staged.errors.append(
            Problem(
                1,
                None,
                None,
                "This is not a DfE table in the Explore Education Statistics layout: it has "
                f"no {_listed(missing)} column. Download the whole data set's CSV ('Download "
                "data set') from explore-education-statistics.service.gov.uk and load it as "
                "it is, not a table made with the table tool.",
            )
        )
        return staged
    for name in sorted(set(names)):
        if name and names.count(name) > 1:
            staged.errors.append(Problem(1, name, None, f"Two columns are both called '{name}'."))
    chosen = _recognise(names)
    if chosen is None:
        staged.errors.append(
            Problem(
                1,
                None,
                None,
                "This EES file is not one of the DfE's tables the hub takes area baselines "
                "from: "
                + "; ".join(
                    f"{t.publication}, '{t.data_set}' ({t.name}.csv, with "
                    f"{' and '.join(' or '.join(group) for group in t.needs)})"
                    for t in EES_TABLES
                )
                + ".",
            )
        )
        return staged
    staged.shape = chosen.name
    staged.mapping = {name: f"c{i}" for i, name in enumerate(names) if name}
    return staged


def table_of(staged: Staged) -> EesTable:
    """The DfE table a planned file was recognised as."""
    return next(t for t in EES_TABLES if t.name == staged.shape)


@dataclass
class _Part:
    """One group's pupils in one local authority: the sum of its cells, unless one is not
    a figure (a DfE symbol, or blank), when it is unknown."""

    pupils: float = 0.0
    unknown: int = 0
    lines: list[int] = field(default_factory=list)

    def add(self, cell: str, line: int) -> None:
        self.lines.append(line)
        value = cell.strip()
        if _NUMBER.fullmatch(value):
            self.pupils += float(value)
        else:
            self.unknown += 1

    @property
    def known(self) -> bool:
        return self.unknown == 0


@dataclass(frozen=True)
class Share:
    """One area share as stored: pupils in the groups over pupils in the whole."""

    measure: str
    pupils: float | None
    of_pupils: float | None
    share: float | None
    unknown_cells: int
    line: int | None
    note: str


def stage(cur: Connection, raw: str, staged: Staged, into: tuple[str, int], file_name: str) -> None:
    """Check the raw file (`raw`: line, c0..cN), choose its rows, work out the shares and
    write them into the row table `into` under the batch; problems go to `staged`."""
    table = table_of(staged)
    col = staged.mapping
    _check_cells(cur, raw, col, _indicators(table, col), staged)
    if staged.errors:
        return
    level, tp = col["geographic_level"], col["time_period"]
    latest = cur.execute(
        f"SELECT max(CAST(trim({tp}) AS BIGINT)) FROM {raw} "  # safe: generated names
        f"WHERE lower(trim({level})) = lower(?)",
        [LA_LEVEL],
    ).fetchone()
    if latest is None or latest[0] is None:
        levels = cur.execute(
            f"SELECT DISTINCT trim({level}) FROM {raw} ORDER BY 1"  # safe: generated names
        ).fetchall()
        staged.errors.append(
            Problem(
                None,
                "geographic_level",
                None,
                f"The file has no rows at geographic_level '{LA_LEVEL}' (it has "
                f"{_listed([str(r[0]) for r in levels])}). Download the data set with its "
                "local authority rows.",
            )
        )
        return
    period = str(latest[0])
    matched = _hub_authorities(cur, raw, col, period, staged)
    if matched is None:
        return
    rows = _chosen_rows(cur, raw, col, period, matched)
    shares = _shares(table, col, rows, staged)
    if staged.errors:
        return
    names = sorted({r["la_name"].strip() for r in rows}, key=str.casefold)
    cur.execute(
        f"INSERT INTO {into[0]} (batch_id, source_line, source_table, publication, data_set, "  # safe: fixed
        "file_name, time_period, time_identifier, period, local_authorities, measure, pupils, "
        "of_pupils, share, unknown_cells, note, is_empty) SELECT ?, unnest(?), ?, ?, ?, ?, ?, "
        "?, ?, ?, unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), false",
        [
            into[1],
            [s.line for s in shares],
            table.name,
            table.publication,
            table.data_set,
            file_name,
            period,
            rows[0]["time_identifier"].strip(),
            period_label(period),
            _and(names),
            [s.measure for s in shares],
            [s.pupils for s in shares],
            [s.of_pupils for s in shares],
            [s.share for s in shares],
            [s.unknown_cells for s in shares],
            [s.note for s in shares],
        ],
    )
    cur.execute(
        f"CREATE TEMP VIEW {staged.table} AS SELECT source_line AS line, is_empty, "  # safe: generated
        f"{', '.join(staged.kind.column_names)} FROM {into[0]} WHERE batch_id = {int(into[1])}"
    )
    staged.built = True
    staged.rows = len(shares)


def _recognise(names: Sequence[str]) -> EesTable | None:
    for table in EES_TABLES:
        if all(any(c in names for c in group) for group in table.needs):
            return table
    return None


def _indicators(table: EesTable, col: dict[str, str]) -> list[str]:
    """The columns of figures the table's shares add up (the first of each group the file
    has, after the ethnicity or sex column itself)."""
    groups = table.needs if table.family == "sen" else table.needs[1:]
    return [next(c for c in group if c in col) for group in groups]


def _category_columns(table: EesTable, col: dict[str, str]) -> list[str]:
    """The columns naming a row's group: sex, or ethnicity (major then minor, or the one)."""
    if table.family == "sen":
        return []
    if table.family == "sex":
        return ["sex"]
    return [c for c in ("ethnicity_major", "ethnicity_minor", "ethnicity") if c in col]


def _check_cells(
    cur: Connection, raw: str, col: dict[str, str], used: list[str], staged: Staged
) -> None:
    """Every figure the shares use is a number, blank or one of the DfE's symbols; every
    local authority row's time_period is a year. Anything else is named by line and value."""
    parts = [
        f"SELECT line, '{name}' AS column_name, {col[name]} AS value FROM {raw} "
        f"WHERE nullif(trim({col[name]}), '') IS NOT NULL "
        f"AND NOT regexp_full_match(trim({col[name]}), '{_NUMBER.pattern}') "
        f"AND NOT list_contains(?, lower(trim({col[name]})))"
        for name in used
    ]
    tp, level = col["time_period"], col["geographic_level"]
    parts.append(
        f"SELECT line, 'time_period', {tp} FROM {raw} WHERE lower(trim({level})) = lower(?) "
        f"AND NOT regexp_full_match(coalesce(trim({tp}), ''), '[0-9]{{4}}([0-9]{{2}})?')"
    )
    found = cur.execute(
        " UNION ALL ".join(parts) + f" ORDER BY line, column_name LIMIT {_MAX_PROBLEMS + 1}",
        [*([list(EES_SYMBOLS)] * len(used)), LA_LEVEL],
    ).fetchall()  # safe: generated names; the symbols are parameters
    for line, name, value in found[:_MAX_PROBLEMS]:
        staged.errors.append(
            Problem(
                int(line),
                name,
                value,
                "A local authority row's time_period must be a year such as 202425."
                if name == "time_period"
                else f"{name} must be a number, or one of the DfE's symbols for a figure not "
                f"given ({_SYMBOLS_SAID}).",
            )
        )
    if len(found) > _MAX_PROBLEMS:
        staged.more_errors = 1


def _hub_authorities(
    cur: Connection, raw: str, col: dict[str, str], period: str, staged: Staged
) -> list[str] | None:
    """The file's la_name (case-folded) of each of the hub's local authorities, or None
    (with a problem) when the schools list names none or the file lacks any of them.

    The hub's local authorities are those of the state-funded schools in the current schools
    list. Each is matched on new_la_code when it is written as one (E06000061), on
    old_la_code when it is three digits (928), else on la_name, case and spaces aside."""
    hub = [
        str(r[0]).strip()
        for r in cur.execute(
            "SELECT DISTINCT local_authority FROM schools WHERE state_funded "
            "AND local_authority IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    if not hub:
        staged.errors.append(
            Problem(
                None,
                None,
                None,
                "The schools list has no state-funded school yet, so the hub's local "
                "authorities are not known. Load the schools list first.",
            )
        )
        return None
    in_file = cur.execute(
        f"SELECT DISTINCT trim({col['la_name']}), trim({col['new_la_code']}), "  # safe: generated
        f"trim({col['old_la_code']}) FROM {raw} WHERE lower(trim({col['geographic_level']})) "
        f"= lower(?) AND trim({col['time_period']}) = ?",
        [LA_LEVEL, period],
    ).fetchall()
    matched, missing = [], []
    for authority in hub:
        found = [name for name, new, old in in_file if _same(authority, name, new, old)]
        if found:
            matched.append(_folded(found[0]))
        else:
            missing.append(authority)
    if missing:
        names = sorted({n for n, _, _ in in_file if n}, key=str.casefold)
        others = [n for n in names if _folded(n) not in matched]  # not the hub's already
        near = [
            f"'{m}' (did you mean '{close[0]}'?)"
            if (close := difflib.get_close_matches(m, others, n=1, cutoff=0.6))
            else f"'{m}'"
            for m in missing
        ]
        shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
        staged.errors.append(
            Problem(
                None,
                "la_name",
                None,
                f"The file has no {LA_LEVEL.lower()} rows for {_and(near)} in "
                f"{period_label(period)}, its latest year. The hub's local authorities (of "
                f"the state-funded schools in the schools list) are {_and(hub)}; the file's "
                f"are {shown or 'none'}. Download the data set for every local authority (or "
                "for all of the hub's), so that the area's shares are of the whole area.",
            )
        )
        return None
    return matched


def _same(authority: str, name: str | None, new: str | None, old: str | None) -> bool:
    """Whether the schools list's local authority is the file's row of this name and codes."""
    if re.fullmatch(r"E[0-9]{8}", authority.upper()):
        return (new or "").upper() == authority.upper()
    if re.fullmatch(r"[0-9]{3}", authority):
        return (old or "") == authority
    return _folded(name or "") == _folded(authority)


def _chosen_rows(
    cur: Connection, raw: str, col: dict[str, str], period: str, matched: list[str]
) -> list[dict[str, str]]:
    """Every row of the hub's local authorities in the latest year, by column name."""
    names = list(col)
    cells = ", ".join(col[n] for n in names)
    found = cur.execute(
        f"SELECT line, {cells} FROM {raw} WHERE lower(trim({col['geographic_level']})) = "  # safe: generated
        f"lower(?) AND trim({col['time_period']}) = ? AND list_contains(?, "
        f"lower(regexp_replace(trim({col['la_name']}), '\\s+', ' ', 'g'))) ORDER BY line",
        [LA_LEVEL, period, matched],
    ).fetchall()
    return [
        {"line": str(r[0]), **dict(zip(names, (v or "" for v in r[1:]), strict=True))}
        for r in found
    ]


def _shares(
    table: EesTable, col: dict[str, str], rows: list[dict[str, str]], staged: Staged
) -> list[Share]:
    """The family's shares, summed over the hub's local authorities: a share is unknown when
    any figure it adds up is not given (docs/data-contract.md, `baselines`)."""
    rows = _at_totals(table, col, rows, staged)
    counts = _indicators(table, col)
    categories = _category_columns(table, col)
    parts: dict[tuple[str, str], _Part] = {}  # (local authority, group) -> its pupils
    for row in rows:
        la, line = _folded(row["la_name"]), int(row["line"])
        if table.family == "sen":
            for name, group in zip(counts, ("sen_support", "ehc_plan", "all"), strict=True):
                parts.setdefault((la, group), _Part()).add(row[name], line)
            continue
        found = _group_of(table, row, categories, staged)
        if found is not None:
            parts.setdefault((la, found), _Part()).add(row[counts[0]], line)
    authorities = sorted({_folded(r["la_name"]) for r in rows})
    # A file of the GSS's major groups alone counts Chinese pupils among Asian ones.
    no_chinese = table.family == "ethnicity" and not any(g == "Chinese" for _, g in parts)
    out: list[Share] = []
    for measure, groups, whole in SHARES[table.family]:
        top = [parts.get((la, g)) for la in authorities for g in groups]
        bottom = [_whole(parts, la, whole) for la in authorities]
        unknown_cells = sum(p.unknown for p in top if p is not None)
        first = min((ln for p in top if p is not None for ln in p.lines), default=None)
        pupils = sum(p.pupils for p in top if p) if all(p and p.known for p in top) else None
        of_pupils = None if None in bottom else sum(b for b in bottom if b is not None)
        note = ""
        if no_chinese and measure in ("ethnicity_asian", "ethnicity_chinese"):
            pupils, note = None, "the file does not count Chinese pupils apart from Asian"
        elif pupils is None:
            note = "not given in the DfE's file" if unknown_cells else "not in the file"
        elif of_pupils is None:
            note = "the whole is not given in the DfE's file"
        share = pupils / of_pupils if pupils is not None and of_pupils else None
        out.append(Share(measure, pupils, of_pupils, share, unknown_cells, first, note))
    suppressed = sum(p.unknown for p in parts.values())
    if suppressed:
        unknown = [s.measure for s in out if s.share is None]
        staged.warnings.append(
            Problem(
                None,
                None,
                None,
                f"{suppressed} cell{'s' if suppressed != 1 else ''} of the figures used "
                f"{'are' if suppressed != 1 else 'is'} not given in the DfE's file "
                f"({_SYMBOLS_SAID}, or blank): read as unknown, never as 0."
                + (f" Unknown as a result: {', '.join(unknown)}." if unknown else ""),
                severity="warning",
            )
        )
    return out


def _at_totals(
    table: EesTable, col: dict[str, str], rows: list[dict[str, str]], staged: Staged
) -> list[dict[str, str]]:
    """The rows at the Total of every filter the shares do not break down by. A column whose
    every value is a figure is an indicator, left alone; a filter with no Total is added up
    over its values (said in a warning)."""
    own = {*EES_COLUMNS, *_indicators(table, col), *_category_columns(table, col)}
    for name in col:
        if name in own:
            continue
        values = {r[name].strip() for r in rows}
        if all(_NUMBER.fullmatch(v) or v.lower() in EES_SYMBOLS or not v for v in values):
            continue  # an indicator the shares do not use (a percentage, a denominator)
        totals = [r for r in rows if r[name].strip().lower() == TOTAL.lower()]
        if totals:
            rows = totals
        elif len(values) > 1:
            staged.warnings.append(
                Problem(
                    None,
                    name,
                    None,
                    f"The filter {name} has no Total row, so its values were added up: "
                    f"{_and(sorted(values))}.",
                    severity="warning",
                )
            )
    return rows


def _group_of(
    table: EesTable, row: dict[str, str], categories: list[str], staged: Staged
) -> str | None:
    """The row's group (None: a subtotal, left out, or a label refused as a problem)."""
    column = categories[-1]
    label = row[column].strip()
    if table.family == "sex":
        group = sex_group(label)
    else:
        major = row["ethnicity_major"].strip() if len(categories) == 2 else None
        if label.lower() == TOTAL.lower() and major and major.lower() != TOTAL.lower():
            return None  # a major group's own total: its minor groups are counted
        if "total" in label.lower().split() and label.lower() != TOTAL.lower():
            return None  # "White total" and the like: the groups under it are counted
        group = ethnic_group(label, major)
    if group is None:
        what = "sex" if table.family == "sex" else "DfE ethnic group"
        staged.errors.append(
            Problem(
                int(row["line"]),
                column,
                label,
                f"This is not a {what} the hub knows, so its pupils cannot be counted in a "
                "group of the area's shares.",
            )
        )
    return group


def _whole(parts: dict[tuple[str, str], _Part], la: str, whole: tuple[str, ...]) -> float | None:
    """One local authority's pupils in the whole: its groups' own figures when all are
    given; else its Total less the pupils whose group is not known; else unknown."""
    own = [parts.get((la, g)) for g in whole]
    if all(p is not None and p.known for p in own):
        return sum(p.pupils for p in own if p is not None)
    total, not_known = parts.get((la, TOTAL)), parts.get((la, NOT_KNOWN))
    if total is not None and total.known and (not_known is None or not_known.known):
        return total.pupils - (not_known.pupils if not_known else 0.0)
    return None


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


def _listed(names: Sequence[str]) -> str:
    return _and([f"'{n}'" for n in names])


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
