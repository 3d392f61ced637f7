"""What the database holds: counts of current rows by kind."""

from __future__ import annotations

from hubmetrics import store


def loaded_counts(con: store.Connection) -> dict[str, int]:
    """Current partners, schools and activities, and the batches loaded."""
    row = con.execute(
        "SELECT (SELECT count(*) FROM partners), (SELECT count(*) FROM schools), "
        "(SELECT count(*) FROM activities), (SELECT count(*) FROM batches WHERE status = 'loaded')"
    ).fetchone()
    assert row is not None
    return dict(zip(("partners", "schools", "activities", "batches"), map(int, row), strict=True))
