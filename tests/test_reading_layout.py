"""The line layout read beside DuckDB: its line count and whether any line is blank."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubmetrics.ingest.reading import _has_two_line_feeds, _Layout


def layout_of(data: bytes) -> _Layout:
    layout = _Layout(data)
    layout.run()
    return layout


@given(st.binary(max_size=64) | st.lists(st.sampled_from([b"a", b",", b"\n", b"\r"])).map(b"".join))
@settings(max_examples=400)
def test_two_line_feeds_found_as_bytes_find_finds_them(data: bytes) -> None:
    assert _has_two_line_feeds(data) is (b"\n\n" in data)


@pytest.mark.parametrize(
    ("data", "lines", "blank"),
    [
        (b"h\na\nb\n", 3, False),
        (b"h\na\nb", 3, False),
        (b"h\n\na\n", 3, True),  # an empty line after the header
        (b"h\na\n\n", 3, True),  # at the end: an odd offset
        (b"h\r\na\r\n\r\nb\r\n", 4, True),  # a blank line in a file ending lines CRLF
        (b"h\r\na\r\nb\r\n", 3, False),
        (b"\n\n", 2, True),
        (b"", 1, False),
    ],
)
def test_lines_and_blank_lines(data: bytes, lines: int, blank: bool) -> None:
    layout = layout_of(data)
    assert (layout.lines, layout.blank_lines) == (lines, blank)
