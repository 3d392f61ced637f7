"""The hubs a lead organisation runs: which activities belong to which hub."""

from __future__ import annotations

from hubmetrics.hubs.areas import (
    LEAD,
    NOT_PLACED,
    Hub,
    HubScope,
    HubsFile,
    HubsFileError,
    load_hubs,
    parse_hubs,
    single_hub,
)
from hubmetrics.hubs.placement import (
    hub_of_activity,
    in_hub,
    in_scope,
    postcode_district,
    schools_in_scope,
)

__all__ = [
    "LEAD",
    "NOT_PLACED",
    "Hub",
    "HubScope",
    "HubsFile",
    "HubsFileError",
    "hub_of_activity",
    "in_hub",
    "in_scope",
    "load_hubs",
    "parse_hubs",
    "postcode_district",
    "schools_in_scope",
    "single_hub",
]
