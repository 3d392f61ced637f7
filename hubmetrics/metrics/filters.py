"""The filters a figure can be narrowed by: partner, local authority and age band."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hubmetrics import hubs
from hubmetrics.contract import AGE_BANDS
from hubmetrics.hubs import HubScope


class FilterError(ValueError):
    """A filter value that cannot be used; the message says which values can."""


@dataclass(frozen=True)
class Filters:
    """Narrow a metric to one partner, one local authority (of the school), one age band or
    one hub of the lead organisation (`hub`, see hubmetrics.hubs).

    `local_authority` is the local authority of the school where the activity happened
    (activities.school_urn joined to the current schools list); with it set, activities
    without a known school are left out. None means "not narrowed".
    """

    partner_id: str | None = None
    local_authority: str | None = None
    age_band: str | None = None
    hub: HubScope | None = None

    def __post_init__(self) -> None:
        if self.age_band is not None and self.age_band not in AGE_BANDS:
            raise FilterError(
                f"{self.age_band!r} is not an age band: use one of {', '.join(AGE_BANDS)}."
            )
        for name in ("partner_id", "local_authority"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise FilterError(f"The {name} filter must be a name, not {value!r}.")

    @property
    def is_empty(self) -> bool:
        """True when nothing is narrowed: the whole hub."""
        return (
            self.partner_id is None
            and self.local_authority is None
            and self.age_band is None
            and self.hub is None
        )

    def as_dict(self) -> dict[str, str | None]:
        """The filters as a plain dictionary (for JSON); a hub by its key ("" for the
        activities placed in no hub). The hub is left out when not narrowed, so a single hub's
        output is as it always was."""
        out: dict[str, str | None] = {
            "partner_id": self.partner_id,
            "local_authority": self.local_authority,
            "age_band": self.age_band,
        }
        if self.hub is not None:
            out["hub"] = self.hub.key or ""
        return out


def scope_where(
    filters: Filters, lo: date | None, hi: date | None, row: str = "a"
) -> tuple[str, list[Any]]:
    """WHERE clauses for a date range and the filters, with parameters, over a row `row` with
    start_date, partner_id and age_band (an activity `a`, or a participant record whose
    activity is `a`). The local authority is that of the activity's school."""
    clauses: list[str] = ["TRUE"]
    params: list[Any] = []
    if lo is not None:
        clauses.append(f"{row}.start_date >= ?")
        params.append(lo)
    if hi is not None:
        clauses.append(f"{row}.start_date < ?")
        params.append(hi)
    if filters.partner_id is not None:
        clauses.append(f"{row}.partner_id = ?")
        params.append(filters.partner_id)
    if filters.local_authority is not None:
        clauses.append("a.school_urn IN (SELECT urn FROM schools WHERE local_authority = ?)")
        params.append(filters.local_authority)
    if filters.age_band is not None:
        clauses.append(f"{row}.age_band = ?")
        params.append(filters.age_band)
    if filters.hub is not None:
        clause, more = hubs.in_scope(filters.hub, "a")
        clauses.append(clause)
        params += more
    return " AND ".join(clauses), params


def schools_where(filters: Filters, alias: str = "s") -> tuple[str, list[Any]]:
    """A WHERE clause over the schools list (`alias`) for the filters that narrow it: the
    local authority and the hub (a partner or an age band leaves the list whole)."""
    clauses: list[str] = ["TRUE"]
    params: list[Any] = []
    if filters.local_authority is not None:
        clauses.append(f"{alias}.local_authority = ?")
        params.append(filters.local_authority)
    if filters.hub is not None:
        clause, more = hubs.schools_in_scope(filters.hub, alias)
        clauses.append(clause)
        params += more
    return " AND ".join(clauses), params


def combine(outer: Filters, inner: Filters) -> Filters | None:
    """Both sets of filters at once, or None when they exclude each other (no rows can match)."""
    merged: dict[str, Any] = {}
    for name in ("partner_id", "local_authority", "age_band", "hub"):
        a, b = getattr(outer, name), getattr(inner, name)
        if a is not None and b is not None and a != b:
            return None
        merged[name] = a if a is not None else b
    return Filters(**merged)
