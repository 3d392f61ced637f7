"""Upload page: a refused file of children's records shows back no value from it, anywhere on
the page or in the problem list it offers to download (docs/data-contract.md, "What an
upload shows back"); in any file, a column the contract does not know is never shown.

Every value below is made up: a UPN-shaped A123456789012, child@example.org, NN1 1AA.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from page_helpers import Open, table
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

SECRETS = ("A123456789012", "child@example.org", "NN1 1AA")
HEADER = (
    "participant_ref,partner_id,activity_id,start_date,age_band,sex,ethnicity,postcode_district"
)
GOOD = "p_0123456789abcdef0123,NMPAT,A1,2025-09-08,ks2,F,WBRI,NN1"
EVERY_DETAIL = "A123456789012,NMPAT,A1,2025-09-08,ks2,child@example.org,WBRI,NN1 1AA"

REFUSED = {
    # Each value is refused by a rule of its own cell.
    "participants, every detail in a cell": ("participants", f"{HEADER}\n{GOOD}\n{EVERY_DETAIL}\n"),
    # The line cannot be read: its text was the problem's value.
    "participants, a broken quote": ("participants", f'{HEADER}\n{GOOD}\n"{EVERY_DETAIL}\n'),
    "participants, too many cells": ("participants", f"{HEADER}\n{GOOD},{EVERY_DETAIL}\n"),
    # No header: the first record is read as the headings.
    "participants, no header": ("participants", f"{EVERY_DETAIL}\n{GOOD}\n"),
    # A record of children sent as an activity return is refused by its headings alone...
    "activities, no header": ("activities", f"{EVERY_DETAIL}\n{GOOD}\n"),
    # ... and one with the columns of a return and a child's details beside them.
    "activities, a child's details beside": (
        "activities",
        "partner_id,activity_id,activity_name,activity_type,start_date,age_band,participants,"
        "UPN,Email,Home postcode\n"
        "NMPAT,Z1,Violin,wcet,2025-09-08,ks2,lots,A123456789012,child@example.org,NN1 1AA\n",
    ),
    # Read "as it was" the preview of this one would show the return's own cells.
    "activities, a child's details in its cells": (
        "activities",
        "partner_id,activity_id,activity_name,activity_type,start_date,age_band,participants,"
        "venue_postcode,Date of birth\n"
        "NMPAT,A123456789012,child@example.org,wcet,2025-09-08,ks2,lots,NN1 1AA,2016-03-01\n",
    ),
}


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bytes]]:
    """Every file the page offers to download, by its file name, as the browser would get it."""
    offered: dict[str, bytes] = {}
    keep = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(
        self: MemoryMediaFileStorage,
        data: str | bytes,
        mimetype: str,
        kind: object,
        filename: str | None = None,
    ) -> str:
        if isinstance(data, bytes) and filename:
            offered[filename] = data
        return keep(self, data, mimetype, kind, filename)  # type: ignore[arg-type]

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
    yield offered


def everything_shown(at: AppTest) -> list[str]:
    """The text of every element of the page: its value, body, label, options and help, a
    table's every cell, and the element as sent to the browser."""
    texts = []
    for element in at.main:
        for attr in ("value", "body", "label", "options", "help", "placeholder"):
            value = getattr(element, attr, None)
            if value is None:
                continue
            texts.append(value.to_csv() if hasattr(value, "to_csv") else str(value))
        texts.append(repr(getattr(element, "proto", "")))
    return texts


def upload(open_page: Open, kind: str, text: str) -> AppTest:
    at = open_page("app_pages/upload.py")
    at.selectbox(key="upload_kind").select(kind).run()
    at.file_uploader(key="upload_file").upload("return.csv", text.encode(), "text/csv").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_file_of_childrens_records_shows_no_value_from_it(
    open_page: Open, downloads: dict[str, bytes], case: str
) -> None:
    kind, text = REFUSED[case]
    at = upload(open_page, kind, text)
    assert "cannot be loaded" in at.error[0].value
    problems = downloads["problems-return.csv"].decode()
    assert problems.startswith("severity,line,column,value,what_to_do")
    shown = [*everything_shown(at), problems]
    assert len(shown) > 10
    for secret in SECRETS:
        leaks = [t[:200] for t in shown if secret in t]
        assert not leaks, (secret, leaks)


def test_the_problems_still_say_where_and_what(open_page: Open) -> None:
    """Hiding the values keeps the lines, the contract's columns and the rules."""
    at = upload(open_page, *REFUSED["participants, every detail in a cell"])
    every = table(at, "What to do")
    assert set(every["Value"]) == {""}
    where = set(zip(every["Line"], every["Column"], strict=True))
    assert {(3, "participant_ref"), (3, "sex"), (3, "postcode_district")} <= where
    assert any("looks like a unique pupil number" in m for m in every["What to do"])
    # A file without a header names its headings by their place.
    at = upload(open_page, *REFUSED["participants, no header"])
    columns = set(table(at, "What to do")["Column"])
    assert {"column 1", "column 6", "column 8"} <= columns
    labels = [box.label for box in at.selectbox if box.key and box.key.startswith("upload_heading")]
    assert "Column 1, heading not shown (unknown)" in labels


def test_a_column_the_contract_does_not_know_is_blank_in_the_grid(open_page: Open) -> None:
    """In an activity return a column the contract does not know is not loaded: its cells are
    never shown; the return's own cells are."""
    at = upload(
        open_page,
        "activities",
        "partner_id,activity_id,activity_name,activity_type,start_date,age_band,participants,"
        "Notes,Contact\n"
        "NMPAT,Z1,Violin,wcet,2025-09-08,ks2,lots,Ring A123456789012's mum,child@example.org\n",
    )
    grid = table(at, "What is wrong")
    assert grid["activity_name"].tolist() == ["Violin"]
    assert grid["participants"].tolist() == ["lots"]
    assert grid["Notes"].tolist() == grid["Contact"].tolist() == [""]
    for secret in SECRETS:
        assert not [t for t in everything_shown(at) if secret in t], secret
