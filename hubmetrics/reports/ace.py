"""The Arts Council England return as an Excel workbook: the engine's figures, true values."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hubmetrics import store
from hubmetrics.contract import ACTIVITY_TYPES, AGE_BANDS, INSTRUMENTAL_TYPES
from hubmetrics.disclosure.inert import neutralise_formula
from hubmetrics.metrics import METRICS, MetricValue, compute_metrics
from hubmetrics.metrics.breakdown import compute_metrics_by, metrics_by_groups
from hubmetrics.metrics.filters import Filters, schools_where, scope_where
from hubmetrics.metrics.goals import Goals
from hubmetrics.metrics.reach import partner_contributions
from hubmetrics.metrics.registry import SCHOOL_AGE_BANDS
from hubmetrics.metrics.status import has_data
from hubmetrics.metrics.years import parse_year, year_bounds, year_label

SHEETS = (
    "Schools",
    "Tuition by key stage",
    "Whole-class teaching",
    "Ensembles and singing",
    "Inclusion",
    "Partners",
    "Notes",
)
TYPE_NAMES = {
    "tuition_individual": "Individual tuition",
    "tuition_small_group": "Small-group tuition",
    "tuition_large_group": "Large-group tuition (not whole-class)",
}
BAND_NAMES = {
    "early_years": "Early years",
    "ks1": "KS1",
    "ks2": "KS2",
    "ks3": "KS3",
    "ks4": "KS4",
    "ks5": "KS5",
    "adult": "Adult",
    "mixed": "Mixed ages",
}
NO_DATA = "no data"
# Figures of the workbook that are not a registry metric, with their definitions.
EXTRA_DEFINITIONS = (
    (
        "participations by activity type",
        "Σ participants of the activities of one type (the engine's participations with "
        "activity_type grouped): the tuition, whole-class, ensemble, choir and singing columns.",
    ),
    (
        "girls, boys",
        "Σ female and Σ male over the rows where each is recorded; 'sex not recorded' counts the "
        "activity rows where female or male is blank.",
    ),
    (
        "engaged",
        "Yes when the state-funded school had at least one activity in the year (even one with "
        "0 participants), as in schools_engaged.",
    ),
)


@dataclass(frozen=True)
class _Fmt:
    """A number with its Excel number format."""

    value: float | int
    number_format: str


Cell = object  # str | int | float | date | datetime | _Fmt | None


def write_ace_workbook(
    con: Any,
    year: str,
    path: Path,
    *,
    goals: Goals | None = None,
    generated_at: datetime | None = None,
    filters: Filters | None = None,
) -> Path:
    """Write the return for academic year `year` (`2025/26`) to `path`; return the path.

    Every figure is the metric engine's, with its true value (a return to the funder is not a
    publication). Raises YearError for a year that is not one and OSError when the file
    cannot be written; the file is written whole or not at all. `filters` with a hub makes
    that hub's own return (its activities and its local authorities' schools).
    """
    label = year_label(parse_year(year))
    baselines: Mapping[str, float] = goals.baselines if goals is not None else {}
    scope = filters or Filters()
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    with con.cursor() as cur:  # its own cursor: the app shares one connection between threads
        figures = _Figures.gather(cur, label, baselines, scope)
        _schools_sheet(book.create_sheet(SHEETS[0]), cur, figures)
        _tuition_sheet(book.create_sheet(SHEETS[1]), figures)
        _wcet_sheet(book.create_sheet(SHEETS[2]), figures)
        _ensembles_sheet(book.create_sheet(SHEETS[3]), figures)
        _inclusion_sheet(book.create_sheet(SHEETS[4]), figures, baselines)
        _partners_sheet(book.create_sheet(SHEETS[5]), cur, label, scope)
        _notes_sheet(book.create_sheet(SHEETS[6]), cur, figures, goals, generated_at)
    path = Path(path)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        book.save(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return path


# --- the figures -----------------------------------------------------------------------------

Groups = dict[tuple[Any, ...], dict[str, MetricValue]]


@dataclass(frozen=True)
class _Figures:
    year: str
    hub: dict[str, MetricValue]
    by_band: dict[str | None, dict[str, MetricValue]]
    by_partner: dict[str | None, dict[str, MetricValue]]
    by_type: Groups
    by_type_band: Groups
    by_school: Groups
    by_school_type: Groups
    sex: dict[tuple[str, tuple[Any, ...]], tuple[int, int, int]]
    scope: Filters

    @classmethod
    def gather(
        cls, con: Any, year: str, baselines: Mapping[str, float], scope: Filters
    ) -> _Figures:
        def groups(*dims: str) -> Groups:
            return metrics_by_groups(con, year, scope, dims, baselines=baselines)

        return cls(
            year=year,
            hub=compute_metrics(con, year, scope, baselines=baselines),
            by_band=compute_metrics_by(con, year, scope, "age_band", baselines=baselines),
            by_partner=compute_metrics_by(con, year, scope, "partner_id", baselines=baselines),
            by_type=groups("activity_type"),
            by_type_band=groups("activity_type", "age_band"),
            by_school=groups("school_urn"),
            by_school_type=groups("school_urn", "activity_type"),
            sex=_sex_counts(con, year, scope),
            scope=scope,
        )


def _get(groups: Mapping[Any, Mapping[str, MetricValue]], key: Any, metric: str) -> MetricValue:
    """A group's metric; a group with no activities has every count 0 and nothing skipped."""
    found = groups.get(key)
    if found is None:
        return MetricValue(metric, 0, 0, 0, 0, rows=0)
    return found[metric]


def _sex_counts(
    con: Any, year: str, scope: Filters
) -> dict[tuple[str, tuple[Any, ...]], tuple[int, int, int]]:
    """Σ female, Σ male and rows with either blank, grouped as the sheets need (one query).

    The scope is the engine's: current activity rows whose start_date is in the year.
    Keys: ("type_band", (type, band)), ("type_school_age", (type,)), ("type", (type,)),
    ("partner", (partner_id,)).
    """
    first, after = year_bounds(parse_year(year))
    where, params = scope_where(scope, first, after, "a")
    school_age = ", ".join("?" for _ in SCHOOL_AGE_BANDS)
    sql = f"""
        WITH scope AS (
            SELECT partner_id, activity_type, age_band, female, male,
                   age_band IN ({school_age}) AS school_age
            FROM activities a WHERE {where}
        )
        SELECT GROUPING(partner_id, activity_type, age_band, school_age) AS g,
               partner_id, activity_type, age_band, school_age,
               coalesce(sum(female), 0), coalesce(sum(male), 0),
               count(*) FILTER (WHERE female IS NULL OR male IS NULL)
        FROM scope
        GROUP BY GROUPING SETS (
            (activity_type, age_band), (activity_type, school_age), (activity_type), (partner_id)
        )
    """  # noqa: S608 - safe: placeholders and fixed clauses only; every value is a parameter
    rows = con.execute(sql, [*SCHOOL_AGE_BANDS, *params]).fetchall()
    out: dict[tuple[str, tuple[Any, ...]], tuple[int, int, int]] = {}
    for g, partner, activity_type, band, is_school_age, girls, boys, blank in rows:
        counts = (int(girls), int(boys), int(blank))
        if g == 0b1001:
            out[("type_band", (activity_type, band))] = counts
        elif g == 0b1010 and is_school_age:
            out[("type_school_age", (activity_type,))] = counts
        elif g == 0b1011:
            out[("type", (activity_type,))] = counts
        elif g == 0b0111:
            out[("partner", (partner,))] = counts
    return out


# --- the sheets --------------------------------------------------------------------------


def _schools_sheet(ws: Worksheet, con: Any, f: _Figures) -> None:
    header = [
        "URN",
        "School",
        "Phase",
        "Local authority",
        "Engaged",
        "Whole-class pupils",
        "Individual tuition pupils",
        "Small-group tuition pupils",
        "Large-group tuition pupils",
        "Ensemble and choir members",
        "Singing participants",
    ]
    _header(ws, header)
    where, params = schools_where(f.scope, "s")
    sql = (
        "SELECT urn, name, phase, local_authority, state_funded FROM schools s "  # noqa: S608 - fixed clause
        f"WHERE {where} ORDER BY NOT state_funded, name, urn"
    )
    rows = con.execute(sql, params).fetchall()
    others = []
    for urn, name, phase, la, state in rows:
        if not state:
            if (urn,) in f.by_school:
                others.append((urn, name, phase, la))
            continue
        engaged = _get(f.by_school, (urn,), "schools_engaged").value
        _row(ws, [urn, name, phase, la, "Yes" if engaged else "No", *_school_figures(f, urn)])
    _row(ws, [])
    _row(ws, [None, "Also in the hub's totals"], bold=True)
    for urn, name, phase, la in others:
        _row(ws, [urn, name, phase, la, "not state-funded", *_school_figures(f, urn)])
    nowhere = "No school, or a school not in the list"
    _row(ws, [None, nowhere, None, None, None, *_school_figures(f, None)])
    hub = [f.hub["wcet_pupils"].value]
    hub += [_get(f.by_type, (t,), "participations").value for t in INSTRUMENTAL_TYPES]
    hub += [f.hub["ensemble_members"].value, f.hub["singing_participants"].value]
    engaged_total = f.hub["schools_engaged"].value
    _row(ws, [None, "Hub total", None, None, engaged_total, *hub], bold=True)
    _finish(ws, freeze="C2")


def _school_figures(f: _Figures, urn: int | None) -> list[Cell]:
    out: list[Cell] = [_get(f.by_school, (urn,), "wcet_pupils").value]
    for t in INSTRUMENTAL_TYPES:
        out.append(_get(f.by_school_type, (urn, t), "participations").value)
    out.append(_get(f.by_school, (urn,), "ensemble_members").value)
    out.append(_get(f.by_school, (urn,), "singing_participants").value)
    return out


def _tuition_sheet(ws: Worksheet, f: _Figures) -> None:
    header = [
        "Tuition",
        "Key stage",
        "Pupils",
        "Girls",
        "Boys",
        "Sex not recorded (rows)",
        "FSM",
        "FSM not recorded (rows)",
        "SEND",
        "SEND not recorded (rows)",
    ]
    _header(ws, header)
    for t in INSTRUMENTAL_TYPES:
        for band in SCHOOL_AGE_BANDS:
            key = (t, band)
            pupils = _get(f.by_type_band, key, "participations").value
            sex = f.sex.get(("type_band", key), (0, 0, 0))
            _row(
                ws, [TYPE_NAMES[t], BAND_NAMES[band], pupils, *sex, *_fsm_send(f.by_type_band, key)]
            )
        total = _get(f.by_type, (t,), "school_age_participations").value
        sex = f.sex.get(("type_school_age", (t,)), (0, 0, 0))
        _row(ws, [TYPE_NAMES[t], "KS1–KS5", total, *sex, *_fsm_send(f.by_type, (t,))], bold=True)
        every = _get(f.by_type, (t,), "participations").value
        sex = f.sex.get(("type", (t,)), (0, 0, 0))
        _row(ws, [TYPE_NAMES[t], "All ages", every, *sex])
    _finish(ws)


def _fsm_send(groups: Groups, key: tuple[Any, ...]) -> list[Cell]:
    fsm, send = _get(groups, key, "fsm_share"), _get(groups, key, "send_share")
    return [fsm.numerator, fsm.skipped, send.numerator, send.skipped]


def _wcet_sheet(ws: Worksheet, f: _Figures) -> None:
    _header(ws, ["Figure", "Value", "Metric"])
    cont = f.hub["continuation_rate"]
    previous = year_label(parse_year(f.year) - 1)
    rows: list[list[Cell]] = [
        ["Whole-class pupils", f.hub["wcet_pupils"].value, "wcet_pupils"],
        [
            "State-funded schools with whole-class teaching",
            _get(f.by_type, ("wcet",), "schools_engaged").value,
            "schools_engaged (activity type wcet)",
        ],
        [
            "Whole-class activities (rows)",
            _get(f.by_type, ("wcet",), "participations").rows,
            "rows of activity type wcet",
        ],
        [f"Whole-class pupils in {previous}", cont.denominator, "continuation_rate (denominator)"],
        [
            f"Continuing from whole-class teaching in {f.year}",
            cont.numerator,
            "continuation_rate (numerator)",
        ],
        *_continuation(f, previous),
        [
            "Rows where continuing_from_wcet is not recorded",
            cont.skipped,
            "continuation_rate (skipped)",
        ],
    ]
    for band in AGE_BANDS:
        pupils = _get(f.by_type_band, ("wcet", band), "participations").value
        rows.append([f"Whole-class pupils, {BAND_NAMES[band]}", pupils, "wcet_pupils by age band"])
    for values in rows:
        _row(ws, values)
    _finish(ws)


def _continuation(f: _Figures, previous: str) -> list[list[Cell]]:
    """The continuation rate: from participant records where they give it (each child once),
    else from the activity returns; the sheet says which."""
    cont, unique = f.hub["continuation_rate"], f.hub["unique_continuation_rate"]
    if not has_data(unique):
        return [
            [
                "Continuation rate",
                _share(cont.value),
                "continuation_rate: from the activity returns (no participant records give "
                "this figure)",
            ]
        ]
    return [
        [
            f"Children in whole-class teaching in {previous} (participant records)",
            unique.denominator,
            "unique_continuation_rate (denominator)",
        ],
        [
            f"Of those children, in another activity in {f.year}",
            unique.numerator,
            "unique_continuation_rate (numerator)",
        ],
        [
            "Continuation rate",
            _share(unique.value),
            "unique_continuation_rate: from participant records, each child counted once "
            "(only partners that send records)",
        ],
        [
            "Continuation rate from the activity returns",
            _share(cont.value),
            "continuation_rate (the returns' estimate: a child in two groups counts twice)",
        ],
    ]


def _ensembles_sheet(ws: Worksheet, f: _Figures) -> None:
    header = [
        "Age band",
        "Ensemble and choir members",
        "Singing participants",
        "Ensembles",
        "Choirs",
        "Singing",
        "Advanced-level participants",
    ]
    _header(ws, header)
    for band in AGE_BANDS:
        values: list[Cell] = [
            BAND_NAMES[band],
            _get(f.by_band, band, "ensemble_members").value,
            _get(f.by_band, band, "singing_participants").value,
        ]
        for t in ("ensemble", "choir", "singing"):
            values.append(_get(f.by_type_band, (t, band), "participations").value)
        values.append(_get(f.by_band, band, "advanced_participants").value)
        _row(ws, values)
    total: list[Cell] = [
        "All ages",
        f.hub["ensemble_members"].value,
        f.hub["singing_participants"].value,
    ]
    total += [
        _get(f.by_type, (t,), "participations").value for t in ("ensemble", "choir", "singing")
    ]
    total.append(f.hub["advanced_participants"].value)
    _row(ws, total, bold=True)
    _finish(ws)


def _inclusion_sheet(ws: Worksheet, f: _Figures, baselines: Mapping[str, float]) -> None:
    header = [
        "Group",
        "Taking part",
        "Of participants where recorded",
        "Share",
        "Area baseline",
        "Representation (1.00 = in proportion)",
        "Not recorded (rows)",
        "Where the baseline comes from",
    ]
    _header(ws, header)
    for name, key, who in (
        ("Free school meals (FSM or pupil premium)", "fsm", "school-age"),
        ("Special educational needs (SEND)", "send", "school-age"),
    ):
        share, base = f.hub[f"{key}_share"], f.hub[f"{key}_baseline"]
        source = (
            f"schools list: Σ pupils × {key}_percent ÷ Σ pupils over state-funded schools "
            f"({base.skipped} without data)"
        )
        _row(
            ws,
            [
                f"{name}, {who}",
                share.numerator,
                share.denominator,
                _share(share.value),
                _share(base.value),
                _ratio(f.hub[f"{key}_representation"].value),
                share.skipped,
                source,
            ],
        )
    lac = f.hub["lac_participants"]
    _row(ws, ["Looked-after children", lac.value, None, None, None, None, lac.skipped, "none held"])
    gm = f.hub["global_majority_share"]
    base_gm = baselines.get("global_majority_share")
    _row(
        ws,
        [
            "Global majority, all ages",
            gm.numerator,
            gm.denominator,
            _share(gm.value),
            _share(base_gm) if base_gm is not None else NO_DATA,
            _ratio(f.hub["global_majority_representation"].value),
            gm.skipped,
            "goals file: [baselines] global_majority_share"
            if base_gm is not None
            else "not given in the goals file",
        ],
    )
    _finish(ws)


def _partners_sheet(ws: Worksheet, con: Any, year: str, scope: Filters) -> None:
    header = [
        "Partner ID",
        "Partner",
        "Type",
        "Participations",
        "Activities",
        "State-funded schools reached",
        *(f"{t} participations" for t in ACTIVITY_TYPES),
        *(f"{BAND_NAMES[b]} participations" for b in AGE_BANDS),
        "Latest return sent",
        "Latest term returned",
    ]
    _header(ws, header)
    for p in partner_contributions(con, year, scope):
        _row(
            ws,
            [
                p.partner_id,
                p.name,
                p.partner_type,
                p.participations,
                p.activities,
                p.schools_reached,
                *(p.by_activity_type.get(t, 0) for t in ACTIVITY_TYPES),
                *(p.by_age_band.get(b, 0) for b in AGE_BANDS),
                p.last_return,
                p.last_term_returned,
            ],
        )
    _finish(ws, freeze="C2")


# Columns of "not recorded": the engine's `skipped` of each metric (sex: female/male blank).
_NOT_RECORDED = (
    ("Sex (rows)", None),
    ("FSM (school-age rows)", "fsm_share"),
    ("SEND (school-age rows)", "send_share"),
    ("Looked after (rows)", "lac_participants"),
    ("Global majority (rows)", "global_majority_share"),
    ("New participants (rows)", "new_participants"),
    ("Continuing from WCET (rows)", "continuation_rate"),
    ("Genre (rows)", "genre_evenness"),
    ("No school in the list (rows)", "school_coverage"),
)


def _notes_sheet(
    ws: Worksheet, con: Any, f: _Figures, goals: Goals | None, generated_at: datetime | None
) -> None:
    _header(ws, ["Item", "Value"])
    latest = con.execute("SELECT max(submitted_at) FROM batches WHERE status = 'loaded'").fetchone()
    about: list[list[Cell]] = [
        ["Return", "Arts Council England annual return of the music education hub"],
        ["Academic year", f.year],
        ["Data as at", store.as_of(con)],
        ["Latest upload loaded", latest[0] if latest and latest[0] else "none"],
        ["Generated", generated_at or datetime.now().replace(microsecond=0)],
        ["Values", "True values: nothing is suppressed (a return to the funder)."],
        ["Goals file", goals.source if goals is not None and goals.source else "none"],
        ["Hub", f.scope.hub.label if f.scope.hub is not None else "the whole lead organisation"],
        ["Demo data", "Yes: the figures are synthetic" if store.is_demo(con) else "No"],
    ]
    for item in about:
        _row(ws, item)
    _row(ws, [])
    _row(ws, ["What was not recorded, and by whom"], bold=True)
    _row(ws, ["Partner", "Activity rows", *(name for name, _ in _NOT_RECORDED)], bold=True)
    partners = dict(con.execute("SELECT partner_id, name FROM partners").fetchall())
    for pid, values in f.by_partner.items():
        rows = values["participations"].rows or 0
        if not rows:
            continue
        gaps = _gaps(values, f.sex.get(("partner", (pid,)), (0, 0, 0))[2])
        if any(gaps):
            _row(ws, [f"{partners.get(pid, pid)} ({pid})", rows, *gaps])
    where, params = scope_where(f.scope, *year_bounds(parse_year(f.year)), "a")
    sql = (
        "SELECT count(*) FILTER (WHERE female IS NULL OR male IS NULL) FROM activities a "  # noqa: S608 - fixed clauses
        f"WHERE {where}"
    )
    hub_sex = con.execute(sql, params).fetchone()
    _row(
        ws,
        ["Whole hub", f.hub["participations"].rows, *_gaps(f.hub, hub_sex[0] if hub_sex else 0)],
        bold=True,
    )
    _row(ws, [])
    _row(ws, ["Definitions"], bold=True)
    _row(ws, ["Metric", "Definition"], bold=True)
    for m in METRICS.values():
        _row(ws, [f"{m.label} ({m.key})", m.definition], wrap=True)
    for name, definition in EXTRA_DEFINITIONS:
        _row(ws, [name, definition], wrap=True)
    _finish(ws, widths={2: 100})


def _gaps(values: Mapping[str, MetricValue], sex_blank: int) -> list[int]:
    out = []
    for _, key in _NOT_RECORDED:
        out.append(sex_blank if key is None else int(values[key].skipped or 0))
    return out


# --- writing cells -----------------------------------------------------------------------------

_next_row: dict[int, int] = {}  # the next row to write on each sheet being written


def _share(value: object) -> Cell:
    """A share or rate as a percentage-formatted number; `no data` when there is none."""
    return _Fmt(value, "0.0%") if isinstance(value, int | float) else NO_DATA


def _ratio(value: object) -> Cell:
    """A representation to 2 places; `no data` when there is none."""
    return _Fmt(value, "0.00") if isinstance(value, int | float) else NO_DATA


def _header(ws: Worksheet, names: Sequence[str]) -> None:
    """The header on row 1 of a new sheet."""
    _next_row[id(ws)] = 1
    _row(ws, list(names), bold=True)


def _row(ws: Worksheet, values: Sequence[Cell], *, bold: bool = False, wrap: bool = False) -> None:
    """Write `values` on the row after the last one written (an empty list leaves a gap)."""
    row = _next_row.get(id(ws), 1)
    _next_row[id(ws)] = row + 1
    for column, value in enumerate(values, start=1):
        cell = ws.cell(row, column)
        _put(cell, value)
        if bold:
            cell.font = Font(bold=True)
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _put(cell: Any, value: Cell) -> None:
    """Write one value: numbers as numbers, dates as dates, any text as text that cannot run."""
    if value is None:
        cell.value = None
    elif isinstance(value, _Fmt):
        cell.value = value.value
        cell.number_format = value.number_format
    elif isinstance(value, bool):
        cell.value = "Yes" if value else "No"
    elif isinstance(value, int | float):
        cell.value = value
        cell.number_format = "#,##0" if isinstance(value, int) else "0.00"
    elif isinstance(value, datetime):
        cell.value = value
        cell.number_format = "dd/mm/yyyy hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "dd/mm/yyyy"
    else:
        cell.value = _text(str(value))
        cell.data_type = "s"


def _text(text: str) -> str:
    """Text that a spreadsheet shows as it is: no formula, no character Excel refuses."""
    cleaned = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    return neutralise_formula(cleaned)[:32767]


def _finish(ws: Worksheet, *, freeze: str = "A2", widths: Mapping[int, int] | None = None) -> None:
    """Freeze the header row and size each column to its content."""
    _next_row.pop(id(ws), None)
    ws.freeze_panes = freeze
    for column_cells in ws.iter_cols(min_row=1, max_row=ws.max_row):
        column = column_cells[0].column
        longest = max((_shown_length(c.value) for c in column_cells), default=0)
        width = (widths or {}).get(column, min(max(longest + 2, 8), 60))
        ws.column_dimensions[get_column_letter(column)].width = width


def _shown_length(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, int | float):
        return len(f"{value:,.2f}") if isinstance(value, float) else len(f"{value:,}")
    return max(len(line) for line in str(value).splitlines() or [""])
