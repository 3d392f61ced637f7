"""The retention period: children's participant records older than it, listed and purged.

`[retention] participant_records_years = N` in the goals file keeps the current academic year
(of the as-at date) and the N before it. Older records go by the academic year of their
start date, whole years at a time, so a year's figures are never left half-counted: the
rows (current and row history), their lines in the kept originals, and the warnings and
corrections at those lines. A rolled-back participant batch (no figure uses it) loaded
before the first year kept has its original emptied of every record. The activity returns
and their figures are never touched. See docs/privacy.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from hubmetrics import store
from hubmetrics.ingest.originals import (
    KeptOriginal,
    RowKey,
    Where,
    blank,
    forget_lines,
    lines_for,
    participant_originals,
    rewriting,
)
from hubmetrics.metrics import summary
from hubmetrics.metrics.years import year_bounds, year_label, year_of
from hubmetrics.people import audit
from hubmetrics.people.access import Person
from hubmetrics.people.privacy import HeldLines, require_privacy

_AY = "year(start_date) - CASE WHEN month(start_date) < 9 THEN 1 ELSE 0 END"


@dataclass(frozen=True)
class RetentionPlan:
    """What the retention period takes out as things stand."""

    years: int
    as_of: date
    first_kept: int  # the start year of the first academic year kept
    by_year: dict[str, tuple[int, int]] = field(default_factory=dict)  # (current, history)
    originals: list[HeldLines] = field(default_factory=list)
    emptied: list[tuple[KeptOriginal, frozenset[Where]]] = field(default_factory=list)
    unread: list[KeptOriginal] = field(default_factory=list)

    @property
    def cutoff(self) -> date:
        """The first day kept: records that start before it go."""
        return year_bounds(self.first_kept)[0]

    @property
    def records(self) -> int:
        return sum(c + h for c, h in self.by_year.values())

    @property
    def empty(self) -> bool:
        return not self.by_year and not self.originals and not self.emptied

    def said(self, *, done: bool = False) -> list[str]:
        """The plan (or, `done`, what was purged) in sentences."""
        kept = year_label(self.first_kept)
        go = "went" if done else "go"
        lines = [
            f"participant_records_years = {self.years}, as at {self.as_of:%d/%m/%Y}: the records "
            f"of {kept} and later are kept; those of academic years before {kept} {go}."
        ]
        if self.empty:
            return [*lines, "Nothing is older than that: nothing to purge."]
        for year, (current, history) in sorted(self.by_year.items()):
            lines.append(
                f"  {year}: {current + history:,} records ({current:,} current, "
                f"{history:,} in row history)"
            )
        for held in self.originals:
            kept_file = held.original
            lines.append(
                f"  batch {kept_file.batch_id} ({kept_file.file_name}): {len(held.where):,} "
                "lines of its kept original emptied"
            )
        for kept_file, _ in self.emptied:
            lines.append(
                f"  batch {kept_file.batch_id} ({kept_file.file_name}, rolled back): its kept "
                "original emptied of every record"
            )
        lines += [
            f"  the kept original of batch {k.batch_id} ({k.file_name}) is missing or cannot be "
            "read, so it could not be checked"
            for k in self.unread
        ]
        return [*lines, "The activity returns and their figures are not changed."]

    def detail(self) -> str:
        """The audit trail's line: counts and batches."""
        batches = ", ".join(str(h.original.batch_id) for h in self.originals) or "none"
        emptied = ", ".join(str(k.batch_id) for k, _ in self.emptied) or "none"
        return (
            f"participant_records_years = {self.years} as at {self.as_of.isoformat()}: "
            f"{self.records} records of academic years before {year_label(self.first_kept)}; "
            f"lines emptied in the kept originals of batches {batches}; rolled-back "
            f"originals emptied: {emptied}"
        )


def plan_on(cur: store.Connection, years: int, as_of: date) -> RetentionPlan:
    """What `years` of retention takes out, read on `cur` (inside a transaction)."""
    if years < 1:
        raise ValueError(f"The retention period must be 1 year or more, not {years}.")
    plan = RetentionPlan(years, as_of, year_of(as_of) - years)
    cutoff = plan.cutoff
    for ay, current, history in cur.execute(
        f"SELECT {_AY} AS ay, count(*) FILTER (WHERE replaced_by IS NULL), "  # noqa: S608 - fixed SQL
        "count(*) FILTER (WHERE replaced_by IS NOT NULL) FROM participant_row "
        "WHERE start_date < ? GROUP BY ay ORDER BY ay",
        [cutoff],
    ).fetchall():
        plan.by_year[year_label(int(ay))] = (int(current), int(history))
    old: dict[int, list[RowKey]] = {}
    for batch_id, *key in cur.execute(
        "SELECT batch_id, participant_ref, activity_id, start_date FROM participant_row "
        "WHERE start_date < ? AND participant_ref IS NOT NULL",
        [cutoff],
    ).fetchall():
        old.setdefault(int(batch_id), []).append(RowKey(*key))
    loaded_before = {
        int(b)
        for (b,) in cur.execute(
            "SELECT batch_id FROM batch WHERE kind = 'participants' AND status = 'rolled_back' "
            "AND submitted_at < ?",
            [cutoff],
        ).fetchall()
    }
    for original in participant_originals(cur):
        if original.found is None:
            plan.unread.append(original)
        elif original.batch_id in loaded_before:
            every = _every_record(original)
            if every:
                plan.emptied.append((original, every))
        elif original.batch_id in old:
            where, own = lines_for(cur, original, old[original.batch_id])
            plan.originals.append(HeldLines(original, frozenset(where), frozenset(own)))
    return plan


def _every_record(original: KeptOriginal) -> frozenset[Where]:
    """Every record of an original but the first of each sheet (a CSV file's header)."""
    firsts: dict[str | None, int] = {}
    for record in original.found or []:
        firsts.setdefault(record.sheet, record.line)
    return frozenset(r.where for r in original.found or [] if firsts[r.sheet] != r.line)


def plan_as(
    con: store.Connection, person: Person, years: int, *, as_of: date | None = None, via: str
) -> RetentionPlan:
    """What a purge would take out now, for `person` (admins only); nothing is changed."""
    require_privacy(con, person, "retention", via)
    with store.read_transaction(con, hold_writers=True) as cur:
        return plan_on(cur, years, as_of or store.as_of(cur))


class _NothingToPurge(Exception):
    """Rolls back a purge that found nothing, so that the data version stays."""


def purge_as(
    con: store.Connection, person: Person, years: int, *, as_of: date | None = None, via: str
) -> RetentionPlan:
    """Purge what the retention period takes out, for `person` (admins only), in one write,
    recorded in the audit trail; the kept summary is recounted. Returns what went."""
    require_privacy(con, person, "retention", via)
    try:
        with rewriting(con) as rewrites, store.write_transaction(con) as cur:
            plan = plan_on(cur, years, as_of or store.as_of(cur))
            if plan.empty:
                raise _NothingToPurge
            cur.execute("DELETE FROM participant_row WHERE start_date < ?", [plan.cutoff])
            for held in plan.originals:
                kept = held.original
                if held.where:
                    rewrites.replace(
                        cur, kept.batch_id, kept.stored_name, blank(kept.data, held.where)
                    )
                forget_lines(cur, kept.batch_id, held.own_lines)
            for kept, every in plan.emptied:
                rewrites.replace(cur, kept.batch_id, kept.stored_name, blank(kept.data, every))
                forget_lines(cur, kept.batch_id, None)
            audit.append(cur, person, "retention", detail=plan.detail(), via=via)
    except _NothingToPurge:
        audit.record(con, person, "retention", detail=f"{plan.detail()} (nothing)", via=via)
        return plan
    summary.refresh_quietly(con)
    return plan
