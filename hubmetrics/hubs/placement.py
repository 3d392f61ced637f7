"""Which hub an activity belongs to, as SQL: by its school, else its venue, else its partner."""

from __future__ import annotations

from typing import Any

from hubmetrics.hubs.areas import Hub, HubScope, HubsFile

# A venue postcode as its district (outward code): "NN1 2AB", "nn12ab" and "NN1" all give
# NN1. The inward code is always a digit and two letters, so dropping the last three
# characters of a full postcode leaves the district whether or not it was written with a space.
_COMPACT = "upper(replace(trim({p}), ' ', ''))"


def postcode_district(column: str) -> str:
    """SQL for the postcode district of the postcode in `column` (a fixed column name)."""
    compact = _COMPACT.format(p=column)
    return f"CASE WHEN length({compact}) >= 5 THEN left({compact}, length({compact}) - 3) ELSE nullif({compact}, '') END"


def hub_of_activity(hubs: HubsFile, row: str = "a") -> tuple[str, list[Any]]:
    """SQL (with its parameters) for the key of the hub that the activity `row` belongs to,
    or NULL when it belongs to none.

    The school's local authority decides first (a URN not in the schools list, or a school in
    no hub's area, decides nothing); then the venue's postcode district; then the partner's
    home hub. The order of the hubs does not matter, since no local authority, district or
    partner is in two hubs (the hubs file is refused otherwise).
    """
    if not hubs.hubs:
        return "CAST(NULL AS VARCHAR)", []
    # safe: `row` is a fixed alias chosen by the caller, never user input
    school_area = f"(SELECT lower(s.local_authority) FROM schools s WHERE s.urn = {row}.school_urn)"  # noqa: S608
    district = postcode_district(f"{row}.venue_postcode")
    whens: list[str] = []
    params: list[Any] = []
    for column, of in (
        (school_area, lambda h: [a.lower() for a in h.local_authorities]),
        (district, lambda h: list(h.postcode_districts)),
        (f"{row}.partner_id", lambda h: list(h.home_partners)),
    ):
        for hub in hubs.hubs:
            values = of(hub)
            if not values:
                continue
            whens.append(f"WHEN list_contains(?, {column}) THEN ?")
            params += [values, hub.key]
    tail = "?" if hubs.home_hub else "CAST(NULL AS VARCHAR)"
    if hubs.home_hub:
        params.append(hubs.home_hub)
    return f"(CASE {' '.join(whens)} ELSE {tail} END)", params


def in_hub(hubs: HubsFile, hub: Hub | None, row: str = "a") -> tuple[str, list[Any]]:
    """A WHERE clause keeping the activities of `hub` (None: those placed in no hub)."""
    expr, params = hub_of_activity(hubs, row)
    if hub is None:
        return f"{expr} IS NULL", params
    return f"{expr} = ?", [*params, hub.key]


def in_scope(scope: HubScope, row: str = "a") -> tuple[str, list[Any]]:
    """A WHERE clause keeping the activities of a hub scope."""
    hub = None if scope.key is None else scope.hubs.hub(scope.key)
    return in_hub(scope.hubs, hub, row)


def schools_in_scope(scope: HubScope, alias: str = "s") -> tuple[str, list[Any]]:
    """A WHERE clause keeping the schools a hub scope counts (its local authorities'; for
    the activities placed in no hub, the schools of no hub's local authority)."""
    if scope.key is None:
        areas = [a.lower() for a in scope.every_hubs_areas]
        return f"NOT list_contains(?, lower({alias}.local_authority))", [areas]
    areas = [a.lower() for a in scope.local_authorities]
    return f"list_contains(?, lower({alias}.local_authority))", [areas]
