"""The `hubmetrics metrics` command: every metric and goal status for a year, as text or JSON."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from typing import Any

from hubmetrics.cli.options import (
    HUB_HELP,
    UsageError,
    add_year_and_goals,
    as_of_of,
    goals_of,
    hub_of,
    told,
    year_of,
)
from hubmetrics.contract import AGE_BANDS
from hubmetrics.metrics.compute import MetricValue, compute_metrics
from hubmetrics.metrics.filters import Filters
from hubmetrics.metrics.formatting import format_value
from hubmetrics.metrics.registry import METRICS
from hubmetrics.metrics.status import GoalResult, evaluate_goals

STATUS_WORDS = {
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    "no_data": "no data",
}


COMMANDS = ("metrics",)


def add_commands(subparsers: Any) -> argparse.ArgumentParser:
    """Add `metrics --year Y [--partner ID] [--la NAME] [--age-band B] [--json]`."""
    parser = subparsers.add_parser(
        "metrics", help="every metric and goal status for an academic year"
    )
    parser.add_argument("--partner", help="only this partner's activities (partner_id)")
    parser.add_argument("--la", help="only activities at schools in this local authority")
    parser.add_argument("--age-band", dest="age_band", help="only this age band")
    parser.add_argument("--hub", help=HUB_HELP)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_year_and_goals(parser, as_of=True)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run `hubmetrics metrics` on the database, read-only."""
    from hubmetrics import store

    return run_on(store.connect_read_only(args.db), args)


@told
def run_on(con: Any, args: argparse.Namespace) -> int:
    """Run `hubmetrics metrics`: 0 printed, 1 the goals file is wrong, 2 a usage mistake."""
    label = year_of(args)
    hub = hub_of(args)
    filters = replace(_filters(con, args), hub=hub)
    as_of = as_of_of(args)
    goals = goals_of(args, hub)
    from hubmetrics.store import as_of as recorded_as_of

    values = compute_metrics(con, label, filters, baselines=goals.baselines)
    results = evaluate_goals(con, goals, label, filters, as_of=as_of or recorded_as_of(con))
    if args.json:
        print(json.dumps(metrics_json(label, filters, values, results), indent=2))
    else:
        print(metrics_text(label, filters, values, results))
    return 0


def metrics_json(
    year: str, filters: Filters, values: dict[str, MetricValue], results: list[GoalResult]
) -> dict[str, Any]:
    """The machine-readable output: year, filters, every metric, every goal."""
    return {
        "academic_year": year,
        "filters": filters.as_dict(),
        "metrics": {key: value.as_json() for key, value in values.items()},
        "goals": [g.as_json() for g in results],
    }


def metrics_text(
    year: str, filters: Filters, values: dict[str, MetricValue], results: list[GoalResult]
) -> str:
    """A readable table of every metric and every goal's indicators."""
    chosen = [f"{k.replace('_', ' ')} {v}" for k, v in filters.as_dict().items() if v]
    lines = [f"Metrics for {year}" + (f" ({', '.join(chosen)})" if chosen else " (whole hub)")]
    lines.append("")
    lines.append(f"{'metric':<34} {'value':>12}  made from")
    for key, value in values.items():
        if isinstance(value.value, dict):  # by age band, or a funnel's stages
            lines.append(f"{key:<34}")
            for part, n in value.value.items():
                lines.append(f"  {part:<32} {n:>12,}")
            continue
        lines.append(f"{key:<34} {format_value(key, value.value):>12}  {_made_from(value)}")
    lines.append("")
    lines.append("Goals")
    for goal in results:
        lines.append(f"{goal.number}. {goal.title}")
        for ind in goal.indicators:
            expected = format_value(ind.metric, ind.expected)
            line = (
                f"   {ind.metric:<31} {format_value(ind.metric, ind.value):>12}  "
                f"expected {expected} ({ind.direction}), target "
                f"{format_value(ind.metric, ind.target)} by {ind.target_year}: "
                f"{STATUS_WORDS[ind.status]}"
            )
            lines.append(line)
            if ind.comparison is not None:
                c = ind.comparison
                lines.append(
                    f"   {'':<31} {format_value(ind.metric, _plain(c.value)):>12}  "
                    f"in {c.academic_year} up to {c.until:%d/%m/%Y}"
                )
            if ind.note:
                lines.append(f"   {'':<31} {ind.note}")
    return "\n".join(lines)


def _made_from(value: MetricValue) -> str:
    parts = []
    if value.numerator is not None and value.denominator is not None:
        if isinstance(value.numerator, int) and isinstance(value.denominator, int):
            parts.append(f"{value.numerator:,} / {value.denominator:,}")
        elif METRICS[value.key].kind == "ratio":  # a baseline: estimated pupils / pupils
            parts.append(f"{value.numerator:,.1f} / {value.denominator:,}")
        else:  # a representation: one share over another
            parts.append(f"{value.numerator:.4f} / {value.denominator:.4f}")
    if value.skipped:
        parts.append(f"skipped {value.skipped:,}: {METRICS[value.key].skipped_means}")
    return "; ".join(parts)


def _plain(value: MetricValue) -> Any:
    return value.value if not isinstance(value.value, dict) else None


def _filters(con: Any, args: argparse.Namespace) -> Filters:
    band = args.age_band
    if band is not None:
        band = band.strip().lower().replace(" ", "_").replace("-", "_")
        if band not in AGE_BANDS:
            raise UsageError(
                f"{args.age_band!r} is not an age band: use one of {', '.join(AGE_BANDS)}."
            )
    partner = args.partner
    if partner is not None:
        known = _list(
            con,
            "SELECT partner_id FROM partners UNION SELECT partner_id FROM activities ORDER BY 1",
        )
        found = [p for p in known if p.lower() == partner.strip().lower()]
        if not found:
            raise UsageError(
                f"There is no partner {partner!r}. The partners are: {', '.join(known) or 'none'}."
            )
        partner = found[0]
    la = args.la
    if la is not None:
        known = _list(con, "SELECT DISTINCT local_authority FROM schools ORDER BY 1")
        found = [x for x in known if x.lower() == la.strip().lower()]
        if not found:
            raise UsageError(
                f"There is no local authority {la!r} in the schools list. The local "
                f"authorities are: {', '.join(known) or 'none (load a schools list first)'}."
            )
        la = found[0]
    return Filters(partner_id=partner, local_authority=la, age_band=band)


def _list(con: Any, sql: str) -> list[str]:
    with con.cursor() as cur:
        return [str(r[0]) for r in cur.execute(sql).fetchall()]
