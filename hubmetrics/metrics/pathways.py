"""The progression funnel: cohorts followed year by year from whole-class teaching, laid out
for people as a table of cohorts and a Sankey's nodes and links."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubmetrics import store
from hubmetrics.disclosure.suppression import is_small, suppress_count, suppress_ratio
from hubmetrics.metrics.filters import Filters
from hubmetrics.metrics.participants import (
    STAGE_LABELS,
    STAGES,
    Flow,
    FunnelStep,
    Progression,
    progression_rows,
)
from hubmetrics.metrics.summary import kept_progression, settle
from hubmetrics.metrics.years import year_label

Shown = int | float | str | None
FUNNEL_COLUMNS = ("Taking part", "Tuition", "Ensemble or choir", "Advanced")


def funnel_rows(progression: Progression, threshold: int | None) -> list[dict[str, Shown]]:
    """One row per cohort and later year: the cohort's size, how many reached each stage, and
    each as a share of the cohort. With `threshold`, small counts (and the shares made from
    them) are `[c]`; the stages overlap (a child in tuition and an ensemble is in both), so
    no count can be worked out from the others."""
    rows: list[dict[str, Shown]] = []
    for step in progression.steps:
        counts = dict(
            zip(
                FUNNEL_COLUMNS,
                (step.taking_part, step.tuition, step.ensemble, step.advanced),
                strict=True,
            )
        )
        row: dict[str, Shown] = {
            "Cohort (first in whole-class teaching)": step.cohort,
            "Year": step.year,
            "Children in the cohort": _count(step.cohort_size, threshold),
        }
        for name, n in counts.items():
            row[name] = _count(n, threshold)
        for name, n in counts.items():
            share = n / step.cohort_size if step.cohort_size else None
            row[f"{name} (% of cohort)"] = (
                share
                if threshold is None
                else suppress_ratio(share, n, step.cohort_size, threshold)
            )
        rows.append(row)
    return rows


@dataclass
class Sankey:
    """A Sankey diagram of one cohort: nodes are (year, stage), links the children who moved
    from one to the next year's. Links of a small number of children are left out (and
    counted in `hidden`) when a threshold is given."""

    cohort: str
    labels: list[str] = field(default_factory=list)
    node_years: list[str] = field(default_factory=list)
    node_stages: list[str] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)
    values: list[int] = field(default_factory=list)
    hidden: int = 0


def cohort_sankey(progression: Progression, cohort: str, threshold: int | None) -> Sankey:
    """The Sankey of `cohort`, its stages in the funnel's order within each year."""
    sankey = Sankey(cohort)
    flows = [f for f in progression.flows if f.cohort == cohort]
    kept = []
    for flow in flows:
        if threshold is not None and is_small(flow.children, threshold):
            sankey.hidden += 1
        else:
            kept.append(flow)
    nodes: dict[tuple[str, str], int] = {}
    wanted = sorted(
        {(f.from_year, f.from_stage) for f in kept} | {(f.to_year, f.to_stage) for f in kept},
        key=lambda node: (node[0], STAGES.index(node[1])),
    )
    for year, stage in wanted:
        nodes[(year, stage)] = len(sankey.labels)
        sankey.labels.append(f"{STAGE_LABELS[stage]} · {year}")
        sankey.node_years.append(year)
        sankey.node_stages.append(stage)
    for flow in kept:
        sankey.sources.append(nodes[(flow.from_year, flow.from_stage)])
        sankey.targets.append(nodes[(flow.to_year, flow.to_stage)])
        sankey.values.append(flow.children)
    return sankey


def _count(n: int, threshold: int | None) -> Shown:
    return n if threshold is None else suppress_count(n, threshold)


def progression(con: Any, filters: Filters | None = None) -> Progression:
    """The progression funnel, cohort by cohort, and the year-to-year flows between stages.

    A later year counts only while there are records in it (in scope); a child with no
    record in a year is at stage `none` that year and can come back later. The whole hub's
    (no filter) is kept after each write (summary.py) and read from there
    while current.
    """
    filters = filters or Filters()
    if filters.is_empty:
        settle(con)  # a recount of the kept rows just after a write
    with store.read_transaction(con) as cur:
        kept = kept_progression(cur) if filters.is_empty else None
        rows, last = kept if kept is not None else progression_rows(cur, filters)
    cohorts: dict[str, int] = {}
    steps: list[FunnelStep] = []
    flows: list[Flow] = []
    for what, cohort, ay, from_stage, to_stage, n, tuition, ensemble, advanced in rows:
        label = year_label(int(cohort))
        if what == "step" and ay == cohort:
            cohorts[label] = int(n)
        elif what == "step":
            size = cohorts[label]
            steps.append(
                FunnelStep(label, year_label(int(ay)), size, int(n), tuition, ensemble, advanced)
            )
        else:
            flows.append(
                Flow(label, year_label(int(ay)), from_stage, year_label(int(ay) + 1), to_stage, n)
            )
    return Progression(
        cohorts=cohorts,
        steps=steps,
        flows=flows,
        last_year=year_label(last) if last is not None else None,
    )
