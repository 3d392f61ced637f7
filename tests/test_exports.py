"""Safe CSV: formulas from uploads neutralised, numbers kept, small counts suppressed."""

from __future__ import annotations

import csv
import io

import pytest

from hubmetrics.disclosure.exports import BOM, table_csv
from hubmetrics.disclosure.suppression import SUPPRESSED

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "@SUM(A1:A2)",
    "-2+3",
    "\tcmd",
    "\rcmd",
    "=1+1",
]


def parse(text: str) -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :], newline="")))


def test_bom_crlf_and_header_order() -> None:
    text = table_csv([{"name": "Zoë’s band", "n": 12}, {"n": 3, "extra": "x"}])
    assert text.startswith("\ufeffname,n,extra\r\n")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    assert text.endswith("\r\n")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert parse(text) == [["name", "n", "extra"], ["Zoë’s band", "12", ""], ["", "3", "x"]]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_neutralised(hostile: str) -> None:
    rows = parse(table_csv([{"activity_name": hostile, "participants": 10}]))
    assert rows[1][0] == "'" + hostile
    assert rows[1][1] == "10"


def test_hostile_header_is_neutralised() -> None:
    rows = parse(table_csv([{"=cmd": "a"}]))
    assert rows[0] == ["'=cmd"]


def test_numbers_stay_numbers() -> None:
    rows = parse(table_csv([{"a": -2, "b": -0.5, "c": 0, "d": 1.25, "e": None, "f": "-"}]))
    assert rows[1] == ["-2", "-0.5", "0", "1.25", "", "'-"]


def test_ordinary_text_is_unchanged() -> None:
    rows = parse(table_csv([{"name": "Corby Primary, NN17", "note": 'said "hello"'}]))
    assert rows[1] == ["Corby Primary, NN17", 'said "hello"']


def test_empty() -> None:
    assert table_csv([]) == BOM + "\r\n"


def test_primary_suppression_only() -> None:
    data = [
        {"la": "North", "fsm": 3, "send": 20},
        {"la": "West", "fsm": 0, "send": 30},
    ]
    rows = parse(table_csv(data, suppress_columns=["fsm"], secondary=False))
    assert rows[1] == ["North", SUPPRESSED, "20"]  # send is not a suppressed column
    assert rows[2] == ["West", "0", "30"]


def test_secondary_suppression_across_the_listed_columns() -> None:
    data = [
        {"la": "North", "fsm": 3, "send": 20, "lac": 40},
        {"la": "West", "fsm": 12, "send": 30, "lac": 50},
        {"la": "South", "fsm": 15, "send": 35, "lac": 60},
    ]
    rows = parse(table_csv(data, suppress_columns=["fsm", "send"]))
    # the 3 is hidden; its row (fsm, send) and its column would give it away
    assert rows[1] == ["North", SUPPRESSED, SUPPRESSED, "40"]
    assert rows[2][1] == SUPPRESSED  # the column's complement: the smallest other (12)
    assert rows[2][2] == SUPPRESSED  # and then that row's complement
    assert rows[3] == ["South", "15", "35", "60"]


def test_suppressed_columns_must_hold_counts() -> None:
    with pytest.raises(ValueError, match="not a count"):
        table_csv([{"n": "five"}], suppress_columns=["n"])
    with pytest.raises(ValueError, match="No column"):
        table_csv([{"n": 5}], suppress_columns=["m"])
    # whole floats (DuckDB sums can be) are counts; None stays empty
    rows = parse(table_csv([{"n": 2.0}, {"n": None}, {"n": 9}], suppress_columns=["n"]))
    assert [r[0] for r in rows[1:]] == [SUPPRESSED, "", SUPPRESSED]


def test_threshold_is_used() -> None:
    rows = parse(table_csv([{"n": 6}, {"n": 60}], suppress_columns=["n"], threshold=6))
    assert rows[1] == [SUPPRESSED]
