"""The hubs a lead organisation runs: which activities belong to which hub."""

from __future__ import annotations

from hubmetrics.hubs.areas import (
    LEAD,
    NOT_PLACED,
    Hub,
    HubsFile,
    HubsFileError,
    load_hubs,
    parse_hubs,
    single_hub,
)
from hubmetrics.hubs.placement import hub_of_activity, in_hub, postcode_district

__all__ = [
    "LEAD",
    "NOT_PLACED",
    "Hub",
    "HubsFile",
    "HubsFileError",
    "hub_of_activity",
    "in_hub",
    "load_hubs",
    "parse_hubs",
    "postcode_district",
    "single_hub",
]
