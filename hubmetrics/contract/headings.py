"""How a file's headings are matched to the contract's column names."""

from __future__ import annotations

import re


def normalise_header(name: str) -> str:
    """Loose header matching: case, surrounding spaces, spaces or hyphens vs underscores."""
    return re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip().lower())
