"""What the board pack says, gathered from the engine and suppressed as it may be published."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hubmetrics import store
from hubmetrics.disclosure.cross_table import protection
from hubmetrics.disclosure.differencing import Protection
from hubmetrics.disclosure.suppression import SUPPRESSED, suppress_count
from hubmetrics.disclosure.visibility import Published, hidden_in, published_metric, share_behind
from hubmetrics.metrics import (
    ColdSpotSchool,
    Filters,
    MetricValue,
    cold_spot_school_list,
    compute_metrics,
    years_with_data,
)
from hubmetrics.metrics.formatting import format_published
from hubmetrics.metrics.goals import Goals
from hubmetrics.metrics.reach import PartnerContribution, partner_contributions
from hubmetrics.metrics.status import GoalResult, IndicatorResult, evaluate_goals
from hubmetrics.metrics.years import parse_year, same_date_last_year, year_label
from hubmetrics.metrics.years import year_of as academic_year_of

HUB_NAME = "Northamptonshire Music Education Hub"
TITLE = "Board pack"
STATUS_WORDS = {
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "no_data": "No data",
}
RETURN_WORDS = {
    "received": "Returned",
    "missing": "Not returned",
    "not_expected": "None expected",
}
# The hard-to-reach groups set against the area: (name, share, area baseline, representation).
# The global majority's area share is the goals file's, so it has no baseline metric.
# The methods page defines these besides every indicator's metric.
EXPLAINED = (
    "participations_by_age_band",
    "cyp_participations",
    "adult_participations",
    "fsm_share",
    "fsm_baseline",
    "fsm_representation",
    "send_share",
    "send_baseline",
    "send_representation",
    "global_majority_share",
    "global_majority_representation",
    "lac_participants",
    "state_schools",
    "schools_engaged",
    "school_coverage",
    "cold_spot_schools",
)
COLD_SPOTS_LISTED = 10  # a longer cold-spot list is summed up, with the largest schools named
COLD_SPOTS_ALL = 15  # up to this many, every cold-spot school is named


class BoardPackError(Exception):
    """The board pack cannot be made for this year; the message says why in plain words."""


# --- the figures, as they may be published ---------------------------------------------------


@dataclass
class Figures:
    """The engine's figures for the pack, and each one as it may be published.

    Every number comes from the metric engine. `published` hides a small count of children
    (and a ratio made from one) as `[c]`; a figure that a table with totals had to hide
    (secondary suppression) is hidden wherever else the pack prints it.
    """

    con: Any
    goals: Goals
    year: str
    _cache: dict[tuple[str, Filters, date | None], dict[str, MetricValue]] = field(
        default_factory=dict
    )
    _settled: dict[tuple[str, str, date | None], Published] = field(default_factory=dict)
    _guards: dict[str, Protection] = field(default_factory=dict)

    @property
    def threshold(self) -> int:
        return self.goals.suppression_threshold

    def values(
        self, year: str | None = None, scope: Filters | None = None, until: date | None = None
    ) -> dict[str, MetricValue]:
        """compute_metrics for a year (default the pack's), scope and cut-off date, cached."""
        key = (year or self.year, scope or Filters(), until)
        if key not in self._cache:
            self._cache[key] = compute_metrics(
                self.con, key[0], key[1], baselines=self.goals.baselines, until=until
            )
        return self._cache[key]

    def guard(self, year: str | None = None) -> Protection:
        """The views of a year hidden from any reader, so that the pack and the pages
        together give no hidden count away by subtraction (docs/suppression.md)."""
        year = year or self.year
        if year not in self._guards:
            self._guards[year] = protection(self.con, year, threshold=self.threshold)
        return self._guards[year]

    def settle(self, key: str, value: Published) -> None:
        """Fix how the whole hub's `key` for the pack's year is printed (a table decided it)."""
        self._settled[(key, self.year, None)] = value

    def published(
        self,
        value: MetricValue,
        year: str | None = None,
        scope: Filters | None = None,
        until: date | None = None,
    ) -> Published:
        """The figure as the pack may print it: the value, `[c]`, or None for no data."""
        year = year or self.year
        scope = scope or Filters()
        settled = (value.key, year, until)
        if scope.is_empty and settled in self._settled:
            return self._settled[settled]
        if hidden_in(self.guard(year), value.key, scope):
            return SUPPRESSED
        behind = share_behind(value.key)
        share = self.values(year, scope, until)[behind] if behind else None
        return published_metric(value, self.threshold, share=share)

    def text(
        self,
        value: MetricValue,
        year: str | None = None,
        scope: Filters | None = None,
        until: date | None = None,
    ) -> str:
        """The published figure in words: formatted as everywhere else, `[c]` or "no data"."""
        return show(value.key, self.published(value, year, scope, until))

    def count_text(self, n: int | None) -> str:
        """A count of children from the engine (a share's numerator, say) as it may be printed."""
        return show("participations", suppress_count(n, self.threshold))


def show(key: str, value: Any) -> str:
    """A published figure (or a figure never hidden) as text: `[c]` stays, None is "no data"."""
    return format_published(key, value)


# --- the sections' contents -----------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One indicator now and at the point it is compared with."""

    goal: int
    indicator: IndicatorResult
    previous: MetricValue | None
    previous_year: str
    until: date | None


@dataclass
class Pack:
    """Everything the board pack prints, gathered from the engine before any drawing."""

    year: str
    as_of: date
    in_progress: bool
    demo: bool
    figures: Figures
    results: list[GoalResult]
    comparisons: list[Comparison]
    previous_year: str
    until: date | None
    partners: list[PartnerContribution]
    cold_spots: list[ColdSpotSchool]

    @property
    def threshold(self) -> int:
        return self.figures.threshold


def gather(con: Any, year: str, goals: Goals, as_of: date) -> Pack:
    """Every figure of the pack, from the metric engine, for academic `year`."""
    label = year_label(parse_year(year))
    known = years_with_data(con)
    if label not in known:
        have = ", ".join(known) if known else "none (load activity returns first)"
        raise BoardPackError(
            f"There are no activities in {label}, so there is nothing to report. "
            f"Years with activities: {have}."
        )
    figures = Figures(con, goals, label)
    in_progress = academic_year_of(as_of) == parse_year(label)
    results = evaluate_goals(con, goals, label, as_of=as_of)
    previous_year = year_label(parse_year(label) - 1)
    until = same_date_last_year(as_of) if in_progress else None
    if in_progress:
        comparisons = [
            Comparison(
                g.number,
                i,
                i.comparison.value if i.comparison else None,
                previous_year,
                until,
            )
            for g in results
            for i in g.indicators
        ]
    else:
        before = evaluate_goals(con, goals, previous_year, as_of=as_of)
        comparisons = [
            Comparison(g.number, i, p.detail, previous_year, None)
            for g, b in zip(results, before, strict=True)
            for i, p in zip(g.indicators, b.indicators, strict=True)
        ]
    return Pack(
        year=label,
        as_of=as_of,
        in_progress=in_progress,
        demo=store.is_demo(con),
        figures=figures,
        results=results,
        comparisons=comparisons,
        previous_year=previous_year,
        until=until,
        partners=partner_contributions(con, label, as_of=as_of),
        cold_spots=cold_spot_school_list(con, label),
    )
