"""The `hubmetrics` command line: one module per group of commands."""

from __future__ import annotations

from hubmetrics.cli.main import main

__all__ = ["main"]
