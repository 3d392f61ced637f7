"""The filters a figure can be narrowed by: partner, local authority and age band."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from hubmetrics.contract import AGE_BANDS


class FilterError(ValueError):
    """A filter value that cannot be used; the message says which values can."""


@dataclass(frozen=True)
class Filters:
    """Narrow a metric to one partner, one local authority (of the school) or one age band.

    `local_authority` is the local authority of the school where the activity happened
    (activities.school_urn joined to the current schools list); with it set, activities
    without a known school are left out. None means "not narrowed".
    """

    partner_id: str | None = None
    local_authority: str | None = None
    age_band: str | None = None

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
        return self.partner_id is None and self.local_authority is None and self.age_band is None

    def as_dict(self) -> dict[str, str | None]:
        """The filters as a plain dictionary (for JSON)."""
        return asdict(self)


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
    return " AND ".join(clauses), params


def combine(outer: Filters, inner: Filters) -> Filters | None:
    """Both sets of filters at once, or None when they exclude each other (no rows can match)."""
    merged: dict[str, str | None] = {}
    for name in ("partner_id", "local_authority", "age_band"):
        a, b = getattr(outer, name), getattr(inner, name)
        if a is not None and b is not None and a != b:
            return None
        merged[name] = a if a is not None else b
    return Filters(**merged)
