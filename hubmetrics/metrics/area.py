"""The area's shares of pupils the figures are set against, and where each came from: a DfE
table loaded as a `baselines` file where one gives it, else the goals file's [baselines]."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubmetrics.contract.ees import BASELINE_KEYS

DFE = "DfE"
GOALS_FILE = "goals file"


@dataclass(frozen=True)
class AreaBaseline:
    """One area share, the source it came from and how to cite it."""

    key: str
    value: float | None
    source: str  # DFE, GOALS_FILE, or "" when neither gives it
    cited: str  # "DfE, Schools, pupils and their characteristics 2024/25, A and B"
    note: str = ""  # why a DfE table's share is unknown, where it is


@dataclass(frozen=True)
class _Stored:
    share: float | None
    cited: str
    note: str


def _stored(cur: Any) -> dict[str, _Stored]:
    """Every share the DfE's tables give, the newest batch's where two tables give one
    (read on `cur`, inside the caller's transaction where it has one). A database opened
    read-only before it was upgraded to hold them has none: the goals file's stand."""
    made = cur.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = 'baselines' "
        "AND database_name = current_database()"
    ).fetchone()
    if not made or not made[0]:
        return {}
    rows = cur.execute(
        "SELECT measure, share, publication, period, local_authorities, note "
        "FROM baselines ORDER BY batch_id"
    ).fetchall()
    return {
        measure: _Stored(share, f"{DFE}, {publication} {period}, {authorities}", note or "")
        for measure, share, publication, period, authorities, note in rows
    }


def with_stored(cur: Any, baselines: Mapping[str, float] | None) -> dict[str, float]:
    """The goals file's [baselines] (the fallback), with every share a DfE table gives in
    its place, read on `cur` (a cursor of the caller's own). A DfE share that is unknown
    (suppressed in its file) leaves the goals file's."""
    out = dict(baselines or {})
    for key, stored in _stored(cur).items():
        if stored.share is not None:
            out[key] = stored.share
    return out


def area_baselines(
    con: Any, baselines: Mapping[str, float], goals_source: str | Path
) -> list[AreaBaseline]:
    """Each of the area's shares with its source: the DfE's table, else the goals file."""
    with con.cursor() as cur:
        stored = _stored(cur)
    cited_goals = f"{GOALS_FILE} ({_shown(goals_source)})"
    out = []
    for key in BASELINE_KEYS:
        dfe = stored.get(key)
        if dfe is not None and dfe.share is not None:
            out.append(AreaBaseline(key, dfe.share, DFE, dfe.cited))
            continue
        note = f"{dfe.cited}: {dfe.note}" if dfe is not None else ""
        if key in baselines:
            out.append(AreaBaseline(key, baselines[key], GOALS_FILE, cited_goals, note))
        else:
            out.append(AreaBaseline(key, None, "", "", note))
    return out


def sources_said(found: list[AreaBaseline], dimensions: Mapping[str, tuple[str, ...]]) -> str:
    """Where each dimension's shares came from, a source once: "sex and ethnicity from DfE,
    …; ethnicity (chinese) from goals file (data/goals.toml)". A dimension with shares from
    two sources names, with each, the shares it gives."""
    cited_of = {b.key: b.cited for b in found if b.value is not None}
    by_source: dict[str, list[str]] = {}
    for dimension, keys in dimensions.items():
        for cited in dict.fromkeys(cited_of[k] for k in keys if k in cited_of):
            mine = [k for k in keys if cited_of.get(k) == cited]
            shares = ", ".join(_short(k) for k in mine)
            said = dimension if len(mine) == len(keys) else f"{dimension} ({shares})"
            by_source.setdefault(cited, []).append(said)
    return "; ".join(f"{_and(said)} from {cited}" for cited, said in by_source.items())


def _short(key: str) -> str:
    return key.removeprefix("ethnicity_").removesuffix("_share").replace("_", " ")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _shown(path: str | Path) -> str:
    """The goals file as a person knows it: relative to where the app runs, if under it."""
    file = Path(path)
    try:
        return str(file.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(file)
