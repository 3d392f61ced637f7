"""Participations beside individual children, wherever the hub has participant records."""

from __future__ import annotations

from hubmetrics.app import format as fmt
from hubmetrics.metrics import METRICS, MetricValue

# The counts of participations a reader could mistake for a number of children.
PARTICIPATION_COUNTS = (
    "participations",
    "cyp_participations",
    "school_age_participations",
    "early_years_participations",
)
CHILDREN = "unique_cyp"


def children_beside(values: dict[str, MetricValue], key: str = "cyp_participations") -> str | None:
    """A sentence setting participations beside individual children, or None where there
    are no participant records in scope (then there is nothing to set beside them)."""
    children = values[CHILDREN]
    if children.value is None or key not in PARTICIPATION_COUNTS:
        return None
    return (
        f"**{fmt.figure(key, values[key].value)} {METRICS[key].label.lower()}** count a child "
        "once for every activity (three activities, three participations). The participant "
        f"records show **{fmt.figure(CHILDREN, children.value)} individual children and young "
        "people**, each counted once — from the partners that send records only."
    )
