"""Problems found in an upload: what is wrong, where, and what to do about it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from hubmetrics.disclosure.inert import neutralise_formula

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem in one place of an uploaded file.

    `line` is the line number as in the file (the header is line 1); None for the whole file.
    """

    line: int | None
    column: str | None
    value: str | None
    message: str
    severity: Severity = "error"

    def describe(self) -> str:
        where = f"line {self.line}" if self.line is not None else "the file"
        if self.column:
            where += f", column {self.column}"
        shown = "" if self.value is None else f" (value: {self.value!r})"
        return f"{where}{shown}: {self.message}"


PROBLEM_CSV_HEADER = ("severity", "line", "column", "value", "what_to_do")


def problems_csv(problems: Iterable[Problem]) -> str:
    """The problem list as CSV text, for a person to download and work through."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(PROBLEM_CSV_HEADER)
    for p in problems:
        writer.writerow(
            [
                p.severity,
                "" if p.line is None else p.line,
                p.column or "",
                neutralise_formula(p.value or ""),
                p.message,
            ]
        )
    return out.getvalue()
