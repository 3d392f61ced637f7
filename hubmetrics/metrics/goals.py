"""The hub's goals file: reading it, and explaining every mistake in it in plain words."""

from __future__ import annotations

import difflib
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from hubmetrics import config
from hubmetrics.metrics.demographics import PROFILE_BASELINES
from hubmetrics.metrics.filters import FilterError, Filters
from hubmetrics.metrics.registry import METRIC_KEYS, METRICS
from hubmetrics.metrics.years import YearError, parse_year

Direction = Literal["up", "down"]

TOP_LEVEL = ("goals", "baselines", "suppression", "retention")
GOAL_KEYS = ("number", "title", "indicators")
INDICATOR_KEYS = ("metric", "target", "target_year", "direction", "baseline", "filters", "note")
BASELINE_KEYS = ("value", "year")
FILTER_KEYS = ("partner_id", "local_authority", "age_band")
# The area's shares the metrics and the children's profile (Progression page) are set against.
AREA_BASELINES = ("global_majority_share", *PROFILE_BASELINES)
DEFAULT_SUPPRESSION_THRESHOLD = 4
# `[retention] participant_records_years`: how many academic years before the current one
# keep their participant records (docs/privacy.md); absent, nothing is purged.
RETENTION_KEYS = ("participant_records_years",)
# Metrics an indicator cannot use: a breakdown or a funnel is not one number.
NOT_INDICATORS = ("participations_by_age_band", "progression_funnel")


class GoalsFileError(Exception):
    """The goals file cannot be used; `problems` lists every mistake, each in plain words."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"The goals file {source} has {count} mistake{'s' if count != 1 else ''}:\n{lines}"
        )


@dataclass(frozen=True)
class Baseline:
    """Where an indicator started: its value in an academic year."""

    value: float
    year: str


@dataclass(frozen=True)
class Indicator:
    """One measure of a goal: a metric, its target for a year, and which way is better."""

    metric: str
    target: float
    target_year: str
    direction: Direction
    baseline: Baseline | None = None
    filters: Filters = field(default_factory=Filters)
    note: str = ""


@dataclass(frozen=True)
class Goal:
    """One of the hub's goals, in its own words, with its indicators."""

    number: int
    title: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Goals:
    """Everything in the goals file."""

    goals: tuple[Goal, ...]
    baselines: Mapping[str, float] = field(default_factory=dict)
    suppression_threshold: int = DEFAULT_SUPPRESSION_THRESHOLD
    source: str = ""
    retention_years: int | None = None


def load_goals(path: str | os.PathLike[str] | None = None) -> Goals:
    """Read and check the goals file (default: `HUBMETRICS_GOALS`, else `data/goals.toml`)."""
    file = config.goals_path(path)
    try:
        text = Path(file).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise GoalsFileError(
            str(file), [f"there is no file at {file}; set HUBMETRICS_GOALS to the goals file"]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GoalsFileError(str(file), [f"it cannot be read as UTF-8 text ({exc})"]) from None
    return parse_goals(text, source=str(file))


def parse_goals(text: str, source: str = "goals.toml") -> Goals:
    """Check the text of a goals file; raise GoalsFileError listing every mistake."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GoalsFileError(
            source,
            [f"it is not valid TOML ({exc}). Check quotes, brackets and '=' on that line"],
        ) from None
    problems: list[str] = []
    for key in data:
        if key not in TOP_LEVEL:
            problems.append(
                f"[{key}] is not a section of the goals file{_near(key, TOP_LEVEL)}; "
                f"the sections are {', '.join(TOP_LEVEL)}"
            )
    baselines = _baselines(data.get("baselines", {}), problems)
    threshold = _suppression(data.get("suppression", {}), problems)
    retention = _retention(data.get("retention", {}), problems)
    goals = _goals(data.get("goals"), problems)
    if problems:
        raise GoalsFileError(source, problems)
    return Goals(tuple(goals), baselines, threshold, source, retention)


def _baselines(table: Any, problems: list[str]) -> dict[str, float]:
    if not isinstance(table, dict):
        problems.append("[baselines] must be a table of names and numbers")
        return {}
    out: dict[str, float] = {}
    for key, value in table.items():
        if key not in AREA_BASELINES:
            problems.append(
                f"[baselines] {key} is not a baseline the metrics use{_near(key, AREA_BASELINES)}"
                f"; the baselines are {', '.join(AREA_BASELINES)}"
            )
        elif not _is_number(value) or not 0 < value <= 1:
            problems.append(
                f"[baselines] {key} must be a share between 0 and 1 (write 0.22 for 22%), "
                f"not {value!r}"
            )
        else:
            out[key] = float(value)
    return out


def _suppression(table: Any, problems: list[str]) -> int:
    if not isinstance(table, dict):
        problems.append("[suppression] must be a table with threshold = a whole number")
        return DEFAULT_SUPPRESSION_THRESHOLD
    for key in table:
        if key != "threshold":
            problems.append(f"[suppression] {key} is not a setting; the setting is threshold")
    value = table.get("threshold", DEFAULT_SUPPRESSION_THRESHOLD)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(
            f"[suppression] threshold must be a whole number of 1 or more, not {value!r}"
        )
        return DEFAULT_SUPPRESSION_THRESHOLD
    return value


def _retention(table: Any, problems: list[str]) -> int | None:
    if not isinstance(table, dict):
        problems.append("[retention] must be a table with participant_records_years = a number")
        return None
    for key in table:
        if key not in RETENTION_KEYS:
            problems.append(
                f"[retention] {key} is not a setting{_near(key, RETENTION_KEYS)}; the setting "
                "is participant_records_years"
            )
    value = table.get("participant_records_years")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(
            "[retention] participant_records_years must be a whole number of years, 1 or "
            f"more, not {value!r}"
        )
        return None
    return value


def _goals(items: Any, problems: list[str]) -> list[Goal]:
    if items is None:
        problems.append("there are no goals: add [[goals]] sections, each with number and title")
        return []
    if not isinstance(items, list) or not all(isinstance(g, dict) for g in items):
        problems.append("goals must be written as [[goals]] sections")
        return []
    goals: list[Goal] = []
    seen: dict[int, int] = {}
    for position, item in enumerate(items, start=1):
        where = f"the {_ordinal(position)} goal"
        for key in item:
            if key not in GOAL_KEYS:
                problems.append(
                    f"{where}: {key} is not a setting of a goal{_near(key, GOAL_KEYS)}; "
                    f"a goal has {', '.join(GOAL_KEYS)}"
                )
        number = item.get("number")
        if number is None:
            problems.append(f"{where} has no number: add number = {position}")
        elif isinstance(number, bool) or not isinstance(number, int) or number < 1:
            problems.append(f"{where}: number must be a whole number of 1 or more, not {number!r}")
            number = None
        else:
            where = f"goal {number}"
            if number in seen:
                problems.append(
                    f"goal number {number} is used twice (the {_ordinal(seen[number])} and "
                    f"the {_ordinal(position)} goal); give each goal its own number"
                )
            else:
                seen[number] = position
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.append(f'{where} has no title: add title = "the goal in the hub\'s words"')
            title = ""
        raw = item.get("indicators", [])
        if not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw):
            problems.append(f"{where}: indicators must be written as [[goals.indicators]]")
            raw = []
        indicators = []
        for i, entry in enumerate(raw, start=1):
            indicator = _indicator(entry, f"{where}, indicator {i}", problems)
            if indicator is not None:
                indicators.append(indicator)
        goals.append(Goal(number or 0, title.strip(), tuple(indicators)))
    return goals


def _indicator(entry: dict[str, Any], where: str, problems: list[str]) -> Indicator | None:
    before = len(problems)
    metric: Any = entry.get("metric")
    if isinstance(metric, str) and metric:
        where = f"{where} ({metric})"
    for key in entry:
        if key not in INDICATOR_KEYS:
            problems.append(
                f"{where}: {key} is not a setting of an indicator{_near(key, INDICATOR_KEYS)}; "
                f"an indicator has {', '.join(INDICATOR_KEYS)}"
            )
    usable = [k for k in METRIC_KEYS if k not in NOT_INDICATORS]
    if metric is None:
        problems.append(f'{where} has no metric: add metric = "one of the metric keys"')
    elif not isinstance(metric, str) or metric not in METRICS:
        problems.append(
            f"{where}: {metric!r} is not a metric{_near(str(metric), usable)}. The metrics are: "
            f"{', '.join(usable)}"
        )
    elif metric in NOT_INDICATORS:
        problems.append(
            f"{where}: {metric} is a breakdown, not one number, so it cannot have a target; "
            "use e.g. early_years_participations or unique_continuation_rate"
        )
    target: Any = entry.get("target")
    if target is None:
        problems.append(f"{where} has no target: add target = the value hoped for")
    elif not _is_number(target):
        problems.append(f"{where}: target must be a number, not {target!r}")
    elif isinstance(metric, str) and metric in METRICS:
        _check_scale(where, metric, "target", target, problems)
    target_year: Any = entry.get("target_year")
    if target_year is None:
        problems.append(f'{where} has no target_year: add target_year = "2027/28"')
    else:
        _check_year(where, "target_year", target_year, problems)
    direction: Any = entry.get("direction")
    if direction not in ("up", "down"):
        said = "has no direction" if direction is None else f"direction is {direction!r}"
        problems.append(
            f'{where} {said}: write direction = "up" (higher is better) or "down" (lower is better)'
        )
    baseline = _baseline(entry.get("baseline"), where, metric, target_year, problems)
    filters = _filters(entry.get("filters"), where, problems)
    note = entry.get("note", "")
    if not isinstance(note, str):
        problems.append(f"{where}: note must be text in quotes")
    if len(problems) > before:
        return None
    return Indicator(
        metric=metric,
        target=float(target),
        target_year=target_year,
        direction=direction,
        baseline=baseline,
        filters=filters,
        note=note,
    )


def _baseline(
    raw: Any, where: str, metric: Any, target_year: Any, problems: list[str]
) -> Baseline | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(f'{where}: baseline must be written {{ value = 0.5, year = "2023/24" }}')
        return None
    for key in raw:
        if key not in BASELINE_KEYS:
            problems.append(f"{where}: baseline has {key}; a baseline has only value and year")
    value: Any = raw.get("value")
    year: Any = raw.get("year")
    ok = True
    if not _is_number(value):
        problems.append(f"{where}: the baseline needs value = a number, not {value!r}")
        ok = False
    elif isinstance(metric, str) and metric in METRICS:
        _check_scale(where, metric, "baseline value", value, problems)
    if year is None:
        problems.append(f'{where}: the baseline needs year = "2023/24" (its academic year)')
        ok = False
    elif not _check_year(where, "baseline year", year, problems):
        ok = False
    elif isinstance(target_year, str):
        try:
            if parse_year(year) >= parse_year(target_year):
                problems.append(
                    f"{where}: the baseline year {year} must be before the target year "
                    f"{target_year}"
                )
                ok = False
        except YearError:
            pass
    return Baseline(float(value), year) if ok else None


def _filters(raw: Any, where: str, problems: list[str]) -> Filters:
    if raw is None:
        return Filters()
    if not isinstance(raw, dict):
        problems.append(f'{where}: filters must be written {{ age_band = "early_years" }}')
        return Filters()
    values: dict[str, str] = {}
    for key, value in raw.items():
        if key not in FILTER_KEYS:
            problems.append(
                f"{where}: {key} is not a filter{_near(key, FILTER_KEYS)}; the filters are "
                f"{', '.join(FILTER_KEYS)}"
            )
        elif not isinstance(value, str):
            problems.append(f"{where}: the {key} filter must be text in quotes, not {value!r}")
        else:
            values[key] = value
    try:
        return Filters(
            partner_id=values.get("partner_id"),
            local_authority=values.get("local_authority"),
            age_band=values.get("age_band"),
        )
    except FilterError as exc:
        problems.append(f"{where}: {exc}")
        return Filters()


def _check_year(where: str, name: str, value: Any, problems: list[str]) -> bool:
    if not isinstance(value, str):
        problems.append(
            f'{where}: {name} must be an academic year in quotes like "2027/28", not {value!r}'
        )
        return False
    try:
        parse_year(value)
    except YearError as exc:
        problems.append(f"{where}: {name}: {exc}")
        return False
    return True


def _check_scale(where: str, metric: str, name: str, value: float, problems: list[str]) -> None:
    unit = METRICS[metric].unit
    if value < 0:
        problems.append(f"{where}: the {name} cannot be negative ({value})")
    elif unit in ("share", "index") and value > 1:
        problems.append(
            f"{where}: {metric} is a share between 0 and 1, so the {name} {value} is too "
            f"large; write {value / 100:g} for {value:g}%"
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _near(word: str, choices: Any) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]}?)" if match else ""


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
