"""What a person may see of the figures: in full, or with small numbers hidden as [c].

One rule for every page, download, report and role (docs/access.md, docs/suppression.md):
staff and admins see true values; a viewer sees every figure suppressed; a partner sees its
own partner's figures in full and the rest suppressed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hubmetrics.disclosure.cross_table import PROTECTED, view_of
from hubmetrics.disclosure.differencing import Protection
from hubmetrics.disclosure.sharing import shareable_rows
from hubmetrics.disclosure.suppression import (
    DEFAULT_THRESHOLD,
    SUPPRESSED,
    suppress_count,
    suppress_ratio,
)
from hubmetrics.metrics import METRICS, Filters, MetricValue
from hubmetrics.metrics.status import has_data
from hubmetrics.people.access import Person, sees_in_full

Published = int | float | str | None  # a figure as it may be shown: a number, "[c]" or None

# Counts that are not counts of children (schools, partners, genres): never suppressed.
NOT_PEOPLE = frozenset(
    {"partners_active", "state_schools", "schools_engaged", "cold_spot_schools", "genre_count"}
)


def share_behind(key: str) -> str | None:
    """The share metric a representation (or an external comparison) is made from, if any.

    Its counts decide whether the representation may be shown.
    """
    definition = METRICS[key]
    if definition.kind in ("representation", "external") and definition.uses:
        return definition.uses[0]
    return None


def published_metric(
    value: MetricValue, threshold: int = DEFAULT_THRESHOLD, *, share: MetricValue | None = None
) -> Published:
    """A metric as it may be published: the value, `[c]`, or None for no data.

    A count of children from 1 to the threshold is `[c]`, and so is a ratio made from one
    (a representation by the counts of its share: pass that share as `share`).
    """
    if not has_data(value):
        return None
    definition = METRICS[value.key]
    number = value.value
    if isinstance(number, dict):
        raise ValueError(f"{value.key} is a breakdown, not one figure")
    if definition.unit == "count":
        if value.key in NOT_PEOPLE or not isinstance(number, int):
            return number
        return suppress_count(number, threshold)
    if definition.kind in ("continuation", "unique_continuation") or (
        definition.kind == "ratio" and definition.source == "activities"
    ):
        return suppress_ratio(number, value.numerator, value.denominator, threshold)
    if definition.kind in ("representation", "external"):
        if share is None:
            raise ValueError(f"{value.key} needs its share ({share_behind(value.key)}) to publish")
        return suppress_ratio(number, share.numerator, share.denominator, threshold)
    return number


def figure_for(
    person: Person,
    value: MetricValue,
    values: Mapping[str, MetricValue],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    partner_id: str | None = None,
) -> Any:
    """A metric as `person` may see it. `values` are the metrics of the same scope (a
    representation needs its share); `partner_id` is the partner the figure is about (the
    view's partner filter), None for the whole hub."""
    if sees_in_full(person, partner_id):
        return value.value
    behind = share_behind(value.key)
    return published_metric(value, threshold, share=values[behind] if behind else None)


def known_partner(person: Person) -> str | None:
    """The partner whose figures `person` sees in full (a partner account), else None: the
    cross-table's protection is worked out for what each kind of reader already knows."""
    return person.partner_id if person.role == "partner" else None


def figure_in_view(
    person: Person,
    value: MetricValue,
    values: Mapping[str, MetricValue],
    filters: Filters,
    protection: Protection | None,
    threshold: int = DEFAULT_THRESHOLD,
) -> Any:
    """A metric under the sidebar's `filters` as `person` may see it: `figure_for`, and
    `[c]` where the year's `protection` (from `cross_table.protection` for the person's
    `known_partner`) hides the view, so that no hidden count can be had by subtracting
    views (docs/suppression.md)."""
    if sees_in_full(person, filters.partner_id):
        return value.value
    if protection is not None and hidden_in(protection, value.key, filters):
        return SUPPRESSED
    return figure_for(person, value, values, threshold, partner_id=filters.partner_id)


def hidden_in(protection: Protection, key: str, filters: Filters) -> bool:
    """True when the protection hides metric `key` under `filters`."""
    return key in PROTECTED and protection.is_hidden(view_of(key, filters))


def threshold_for(
    person: Person, threshold: int = DEFAULT_THRESHOLD, *, partner_id: str | None = None
) -> int | None:
    """The threshold small numbers are hidden at for `person`, or None: they see the
    figures (about `partner_id`; None, the whole hub) in full, so nothing is hidden.

    For the figures that take a threshold of None as "in full" (the participant records'
    funnel, Sankey and profile, and `published_at`).
    """
    return None if sees_in_full(person, partner_id) else threshold


def published_at(value: MetricValue, threshold: int | None) -> Published:
    """A metric at a threshold from `threshold_for` (None: its true value).

    A count of children from 1 to the threshold is `[c]`; any other figure is `[c]` when
    its numerator or denominator is. Unlike `published_metric`, a figure with no activity
    rows behind it is shown as it is (0 participations stay 0).
    """
    number = value.value
    if isinstance(number, dict):
        raise ValueError(f"{value.key} is a breakdown, not one figure")
    if threshold is None or number is None:
        return number
    if METRICS[value.key].unit == "count":
        return suppress_count(number if isinstance(number, int) else None, threshold)
    ratio = number if isinstance(number, float) else None
    return suppress_ratio(ratio, value.numerator, value.denominator, threshold)


def count_at(n: int | float | None, threshold: int | None) -> int | str | None:
    """A count of children at a threshold from `threshold_for`: `[c]` from 1 to it."""
    count = int(n) if n is not None else None
    return count if threshold is None else suppress_count(count, threshold)


def rows_for(
    person: Person,
    rows: Sequence[Mapping[str, object]],
    *,
    counts: Sequence[str] = (),
    ratios: Mapping[str, Sequence[str]] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    partner_id: str | None = None,
    partner_of: Callable[[Mapping[str, object]], str | None] | None = None,
    at_most: int | None = None,
) -> list[dict[str, object]]:
    """A table as `person` may see it: as is, or with small counts (and the cells that would
    give them away, and ratios made from them) hidden exactly as a shared download hides them.

    `partner_id` is the partner the whole table is about (None: the whole hub). `partner_of`
    says whose a row is, for a table of partners: a partner then sees its own row in full and
    the other rows suppressed among themselves. With `at_most`, only the first that many rows
    (hidden as in the whole table), fresh dicts like the rest.
    """
    if sees_in_full(person, partner_id):
        return [dict(r) for r in rows[:at_most]]
    if partner_of is None:
        return shareable_rows(
            rows, counts=counts, ratios=ratios, threshold=threshold, at_most=at_most
        )
    others = [r for r in rows if not sees_in_full(person, partner_of(r))]
    hidden = iter(shareable_rows(others, counts=counts, ratios=ratios, threshold=threshold))
    return [dict(r) if sees_in_full(person, partner_of(r)) else next(hidden) for r in rows][
        :at_most
    ]
