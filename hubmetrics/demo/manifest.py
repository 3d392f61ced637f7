"""The demo's manifest: its files in load order, who sent each and when; and reading it."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

SYNTHETIC_NOTE = "Synthetic demo data — no real children, schools' figures invented"
MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("file_name", "kind", "partner_id", "submitted_by", "received_on", "note")


@dataclass(frozen=True)
class DemoFile:
    """One demo file and how it would have arrived at the hub."""

    file_name: str
    kind: str
    partner_id: str | None
    submitted_by: str
    received_on: dt.date


def read_manifest(folder: Path) -> list[DemoFile]:
    """The demo files listed in `folder`'s manifest.csv, in load order."""
    with (folder / MANIFEST_NAME).open(encoding="utf-8", newline="") as handle:
        return [
            DemoFile(
                file_name=row["file_name"],
                kind=row["kind"],
                partner_id=row["partner_id"] or None,
                submitted_by=row["submitted_by"],
                received_on=dt.date.fromisoformat(row["received_on"]),
            )
            for row in csv.DictReader(handle)
        ]
