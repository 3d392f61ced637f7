"""Text made inert before it leaves: no cell a spreadsheet would run as a formula."""

from __future__ import annotations


def neutralise_formula(text: str) -> str:
    """Make a cell that a spreadsheet would run as a formula into plain text."""
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
