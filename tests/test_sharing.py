"""Tables for sharing hide small counts, the cells that would give them away, and their ratios."""

from __future__ import annotations

import csv
import io

from hubmetrics.disclosure.sharing import shareable_csv


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def test_small_counts_and_their_ratios_are_hidden() -> None:
    rows = [
        {"Group": "Corby", "Participations": 120, "FSM pupils": 3, "FSM share": 0.025},
        {"Group": "Kettering", "Participations": 200, "FSM pupils": 40, "FSM share": 0.2},
        {"Group": "Rutland", "Participations": 2, "FSM pupils": 0, "FSM share": 0.0},
    ]
    body = parse(
        shareable_csv(
            rows,
            counts=["Participations", "FSM pupils"],
            ratios={"FSM share": ["Participations", "FSM pupils"]},
        )
    )
    assert body[0] == ["Group", "Participations", "FSM pupils", "FSM share"]
    corby, kettering, rutland = body[1:]
    assert corby[2] == "[c]" and corby[3] == "[c]"  # 3 pupils: hidden, and the share made from it
    assert rutland[1] == "[c]" and rutland[3] == "[c]"  # 2 participations
    assert rutland[2] == "0"  # zero stays 0
    assert kettering[3] == "0.2"
    # Secondary suppression: no column with a total may hold exactly one hidden cell.
    for column in (1, 2):
        assert [r[column] for r in body[1:]].count("[c]") != 1


def test_nothing_small_means_nothing_hidden_and_formulas_are_text() -> None:
    rows = [{"Partner": '=HYPERLINK("http://x")', "Participations": 50}]
    body = parse(shareable_csv(rows, counts=["Participations"]))
    assert body[1] == ['\'=HYPERLINK("http://x")', "50"]
