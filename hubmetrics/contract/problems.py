"""Problems found in an upload: what is wrong, where, and what to do about it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
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
    # What the rule says of every cell it finds, where `message` names this cell's own
    # details (a suggestion, other lines); None when the message says it already.
    rule: str | None = None

    @property
    def explanation(self) -> str:
        """The rule's plain-English explanation and what to do, the same for every cell."""
        return self.rule or self.message

    def describe(self) -> str:
        where = f"line {self.line}" if self.line is not None else "the file"
        if self.column:
            where += f", column {self.column}"
        shown = "" if self.value is None else f" (value: {self.value!r})"
        return f"{where}{shown}: {self.message}"


PROBLEM_CSV_HEADER = ("severity", "line", "column", "value", "what_to_do")


def problems_csv(problems: Iterable[Problem]) -> str:
    """The problem list as CSV text, for a person to download and work through.

    Every text cell is neutralised, the headings too: a column may be named by the file's
    own heading (`=HYPERLINK(...)`), and a message may begin with what the file said."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_formula(h) for h in PROBLEM_CSV_HEADER])
    for p in problems:
        texts = (p.severity, p.column or "", p.value or "", p.message)
        severity, column, value, message = (neutralise_formula(t) for t in texts)
        writer.writerow([severity, "" if p.line is None else p.line, column, value, message])
    return out.getvalue()


# The grouped form shows this many lines of each group, then "and N more".
LINES_SHOWN = 5


@dataclass(frozen=True)
class ProblemGroup:
    """Every problem of one rule in one column: how many cells, the first few lines, and
    one explanation of what is wrong and what to do."""

    severity: Severity
    column: str | None
    explanation: str
    cells: int
    lines: tuple[int, ...] = field(default=())  # the first few, in file order
    line_count: int = 0  # every line the group's cells are on

    @property
    def more(self) -> int:
        """How many of the group's lines are not among `lines`."""
        return self.line_count - len(self.lines)

    def where(self) -> str:
        """`line 7`, `lines 2, 5 and 9`, `lines 2, 3, 4, 5, 6 and 294 more`, or `the file`."""
        if not self.lines:
            return "the file"
        shown = [f"{line:,}" for line in self.lines]
        if self.more:
            return f"lines {', '.join(shown)} and {self.more:,} more"
        if len(shown) == 1:
            return f"line {shown[0]}"
        return f"lines {', '.join(shown[:-1])} and {shown[-1]}"

    def describe(self) -> str:
        """One line for the command line: where, which column, how many cells, what to do."""
        column = f", column {self.column}" if self.column else ""
        cells = f" ({self.cells:,} cells)" if self.cells > 1 else ""
        return f"{self.where()}{column}{cells}: {self.explanation}"


def grouped(problems: Iterable[Problem], *, lines_shown: int = LINES_SHOWN) -> list[ProblemGroup]:
    """The problems grouped by severity, column and rule: errors first, then each group in
    the order its first cell comes in the file. No cell's value is repeated in a group."""
    groups: dict[tuple[Severity, str | None, str], list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.severity, p.column, p.explanation), []).append(p)
    made = []
    for (severity, column, explanation), found in groups.items():
        lines = sorted({p.line for p in found if p.line is not None})
        made.append(
            ProblemGroup(
                severity=severity,
                column=column,
                # A cell alone keeps its own message (a suggestion, say).
                explanation=found[0].message if len(found) == 1 else explanation,
                cells=len(found),
                lines=tuple(lines[:lines_shown]),
                line_count=len(lines),
            )
        )
    first = {"error": 0, "warning": 1}
    return sorted(made, key=lambda g: (first[g.severity], g.lines[:1] or (0,), g.column or ""))


def group_rows(problems: Iterable[Problem]) -> list[dict[str, object]]:
    """The grouped problems as a table's rows: kind, column, cells, where, what to do."""
    return [
        {
            "Kind": g.severity.capitalize(),
            "Column": g.column or "(the whole file)",
            "Cells": g.cells,
            "Where": g.where(),
            "What is wrong and what to do": g.explanation,
        }
        for g in grouped(problems)
    ]
