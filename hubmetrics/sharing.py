"""Tables as they leave the app for sharing: small counts, and ratios made from them, hidden."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hubmetrics.exports import suppress_rows, table_csv
from hubmetrics.suppression import DEFAULT_THRESHOLD, SUPPRESSED, is_small


def shareable_csv(
    rows: Sequence[Mapping[str, object]],
    *,
    counts: Sequence[str] = (),
    ratios: Mapping[str, Sequence[str]] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> str:
    """CSV of `rows` fit to share (docs/suppression.md).

    `counts` are columns of counts of children: small ones are hidden, with the second cells
    that would give them away. Each column of `ratios` names the counts it was made from, and
    is hidden in any row where one of those is small. Formulas are neutralised.
    """
    return table_csv(
        _ratios_hidden(rows, ratios or {}, threshold), suppress_columns=counts, threshold=threshold
    )


def shareable_rows(
    rows: Sequence[Mapping[str, object]],
    *,
    counts: Sequence[str] = (),
    ratios: Mapping[str, Sequence[str]] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> list[dict[str, object]]:
    """The same rows as `shareable_csv` writes, as rows (small numbers as `[c]`)."""
    return suppress_rows(
        _ratios_hidden(rows, ratios or {}, threshold), suppress_columns=counts, threshold=threshold
    )


def _ratios_hidden(
    rows: Sequence[Mapping[str, object]],
    ratios: Mapping[str, Sequence[str]],
    threshold: int,
) -> list[dict[str, object]]:
    return [
        {
            column: SUPPRESSED
            if column in ratios
            and any(is_small(_number(row.get(c)), threshold) for c in ratios[column])
            else value
            for column, value in row.items()
        }
        for row in rows
    ]


def _number(value: object) -> int | float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None
