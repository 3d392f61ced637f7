"""What loading a checked file will change: new rows, rows it replaces, and the headline
figures of each year it touches, before and after, worked out inside the check's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from hubmetrics import store
from hubmetrics.ingest.apply import apply_batch
from hubmetrics.ingest.validate import Staged
from hubmetrics.metrics.compute import activity_metrics_on, years_with_data
from hubmetrics.metrics.registry import METRICS

__all__ = ["HEADLINE", "Forecast", "HeadlineChange", "forecast_load"]

# The figures a person sees move before they confirm a load (each defined once, in the
# registry): participations, and the state-funded schools reached.
HEADLINE = ("participations", "schools_engaged")


@dataclass(frozen=True)
class HeadlineChange:
    """One headline figure of one academic year, before the load and after it."""

    year: str
    key: str
    label: str
    before: int | float | None
    after: int | float | None


@dataclass(frozen=True)
class Forecast:
    """What confirming the load will do."""

    new_rows: int  # rows with keys not loaded before
    replaced_rows: int  # current rows with the same keys, which these rows replace
    figures: tuple[HeadlineChange, ...]


def forecast_load(
    con: store.Connection, cur: store.Connection, staged: Staged, batch_id: int
) -> Forecast:
    """Make the staged batch current on `cur` (inside a check's transaction, which rolls back)
    and compare the headline figures with the committed ones read through `con`.

    The years compared are those of the file's activities; for any other file, which moves
    no activity, the latest year with data (a schools list changes which schools count)."""
    replaced = apply_batch(
        cur,
        staged,
        batch_id,
        partner_id=None,
        file_name="(checked, not loaded)",
        stored_name="",
        sha256="",
        file_bytes=0,
        encoding="",
        submitted_by=None,
        submitted_at=None,
    )
    years = _years_touched(cur, staged, batch_id)
    after = {year: activity_metrics_on(cur, year, HEADLINE) for year in years}
    with store.read_transaction(con) as committed:
        before = {year: activity_metrics_on(committed, year, HEADLINE) for year in years}
    figures = tuple(
        HeadlineChange(
            year, key, METRICS[key].label, _number(before[year][key]), _number(after[year][key])
        )
        for year in years
        for key in HEADLINE
    )
    return Forecast(staged.rows - replaced, replaced, figures)


def _years_touched(cur: store.Connection, staged: Staged, batch_id: int) -> list[str]:
    if staged.kind.name == "activities":
        rows = cur.execute(
            "SELECT DISTINCT academic_year FROM activities WHERE batch_id = ? "
            "ORDER BY academic_year",
            [batch_id],
        ).fetchall()
        if rows:
            return [str(r[0]) for r in rows]
    every = years_with_data(cur)
    return every[-1:]


def _number(value: object) -> int | float | None:
    number = getattr(value, "value", None)
    return number if isinstance(number, int | float) else None
