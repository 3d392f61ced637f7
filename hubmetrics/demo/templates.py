"""The upload templates: each file kind's header and two example rows."""

from __future__ import annotations

from pathlib import Path

from hubmetrics.contract import ACTIVITIES, PARTICIPANTS, PARTNERS, SCHOOLS
from hubmetrics.demo.files import write_csv

_TEMPLATE_ROWS: dict[str, tuple[tuple[str, ...], ...]] = {
    "partners": (
        ("EXAMPLE-TRUST", "Example Music Trust", "arts_organisation", "https://example.org/trust"),
        ("EXAMPLE-CHOIR", "Example Community Choir", "community", "https://example.org/choir"),
    ),
    "schools": (
        (
            "999991",
            "Example Primary School",
            "primary",
            "West Northamptonshire",
            "Northampton",
            "ZZ99 9ZZ",
            "52.24000",
            "-0.90000",
            "210",
            "18.5",
            "14.2",
            "5",
            "no",
            "yes",
        ),
        (
            "999992",
            "Example Village Academy",
            "secondary",
            "North Northamptonshire",
            "East Northamptonshire",
            "ZZ99 9ZY",
            "52.40000",
            "-0.55000",
            "850",
            "9.0",
            "12.0",
            "8",
            "yes",
            "yes",
        ),
    ),
    "activities": (
        (
            "EXAMPLE-TRUST",
            "EX-001",
            "Example Year 4 whole-class violin",
            "wcet",
            "classical",
            "beginner",
            "2025-09-08",
            "2026-07-17",
            "999991",
            "",
            "ks2",
            "28",
            "28",
            "",
            "14",
            "14",
            "5",
            "4",
            "1",
            "0",
            "3",
            "6",
            "0",
            "30",
            "30",
        ),
        (
            "EXAMPLE-CHOIR",
            "EX-002",
            "Example community youth choir",
            "choir",
            "choral",
            "intermediate",
            "13/09/2025",
            "13/12/2025",
            "",
            "ZZ99 9ZZ",
            "ks3",
            "18",
            "6",
            "",
            "12",
            "6",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "12",
            "18",
        ),
    ),
    # Example pseudonyms in the hub's format (`p_` and 20 hexadecimal characters).
    "participants": (
        (
            "p_4f1c0a9e6b2d83a57c10",
            "EXAMPLE-TRUST",
            "EX-001",
            "2025-09-08",
            "ks2",
            "F",
            "Y",
            "K",
            "N",
            "N",
            "N",
            "N",
            "WBRI",
            "ZZ99",
            "999991",
        ),
        (
            "p_9a07d2e15c3b48f6e021",
            "EXAMPLE-TRUST",
            "EX-001",
            "2025-09-08",
            "ks2",
            "M",
            "",
            "N",
            "N",
            "",
            "Y",
            "",
            "APKN",
            "ZZ99",
            "999991",
        ),
    ),
}


def write_templates(folder: Path) -> list[Path]:
    """Write an upload template for each file kind: the contract header and two example rows."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in (PARTNERS, SCHOOLS, ACTIVITIES, PARTICIPANTS):
        rows = _TEMPLATE_ROWS[kind.name]
        assert all(len(row) == len(kind.column_names) for row in rows)
        path = folder / f"{kind.name}.csv"
        write_csv(path, kind.column_names, rows)
        written.append(path)
    return written
