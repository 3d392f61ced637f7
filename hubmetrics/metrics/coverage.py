"""What the database holds: counts of current rows, and what a year's figures stand on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubmetrics import store
from hubmetrics.metrics.years import parse_year, year_bounds


def loaded_counts(con: store.Connection) -> dict[str, int]:
    """Current partners, schools, activities and participant records, and the batches loaded."""
    row = con.execute(
        "SELECT (SELECT count(*) FROM partners), (SELECT count(*) FROM schools), "
        "(SELECT count(*) FROM activities), (SELECT count(*) FROM participants), "
        "(SELECT count(*) FROM batches WHERE status = 'loaded')"
    ).fetchone()
    assert row is not None
    names = ("partners", "schools", "activities", "participant records", "batches")
    return dict(zip(names, map(int, row), strict=True))


@dataclass(frozen=True)
class DataCoverage:
    """What the figures for a year stand on."""

    academic_year: str
    returns: int  # partner-and-term returns with at least one activity in the year
    partners_returned: int
    partners_known: int
    last_upload: datetime | None


def data_coverage(con: store.Connection, year: str) -> DataCoverage:
    """Returns received for `year` (a partner's activities in one term count as one return)."""
    row = con.execute(
        """
        SELECT count(DISTINCT (partner_id, term)), count(DISTINCT partner_id),
               (SELECT count(*) FROM partners),
               (SELECT max(submitted_at) FROM batches WHERE status = 'loaded')
        FROM activities WHERE start_date >= ? AND start_date < ?
        """,
        # A date range, not `academic_year = ?`: the range skips whole blocks of rows, and
        # no year label is made for each of two million rows.
        list(year_bounds(parse_year(year))),
    ).fetchone()
    assert row is not None
    return DataCoverage(year, int(row[0]), int(row[1]), int(row[2]), row[3])
