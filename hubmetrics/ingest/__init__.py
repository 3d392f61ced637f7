"""Reading, checking and loading the hub's uploaded files, each as a batch that can be undone."""

from __future__ import annotations

from hubmetrics.ingest.load import LoadResult, check_file, load_file

__all__ = ["LoadResult", "check_file", "load_file"]
