"""A database from before the area baselines, opened read-only, still gives its figures."""

from __future__ import annotations

from pathlib import Path

from hubmetrics import store
from hubmetrics.metrics.compute import compute_metrics

GOALS_FILE = {"global_majority_share": 0.25}


def test_metrics_on_a_database_not_yet_upgraded(loaded_db: store.Connection) -> None:
    path = store.database_path(loaded_db)
    assert isinstance(path, Path)
    upgraded = compute_metrics(loaded_db, "2025/26", baselines=GOALS_FILE)
    loaded_db.execute("DROP VIEW baselines")  # as a database made before migration 9 has none
    loaded_db.close()
    read = store.connect_read_only(path)
    try:
        old = compute_metrics(read, "2025/26", baselines=GOALS_FILE)
    finally:
        read.close()
    assert old["participations"].value == 28 + 40 + 12
    # The goals file's share stands: the same representation as on the upgraded database.
    assert (
        old["global_majority_representation"].value
        == upgraded["global_majority_representation"].value
    )
    assert old["global_majority_representation"].value is not None
