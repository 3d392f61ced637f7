"""Text made inert before it leaves or is shown: no formula, link, tag or maths from data."""

from __future__ import annotations

import re


def neutralise_formula(text: str) -> str:
    """Make a cell that a spreadsheet would run as a formula into plain text."""
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


# Every character that markdown, or Streamlit's additions to it (colours, icons, emoji,
# maths), could act on.
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:&=^])")
# GitHub-flavoured markdown makes a link of any address written out (https://…, www.…,
# someone@…) after escapes are read, so escaping cannot stop it: a word joiner (U+2060,
# unseen) inside `://`, after `www` and before `@` does.
_ADDRESS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\\\.)|(?=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def markdown_text(text: str) -> str:
    """Text from data (a partner's, school's or area's name, a file name), to place inside
    markdown: shown exactly as written, never as a link, a tag, bold, an icon or a formula."""
    escaped = _MARKUP.sub(r"\\\1", " ".join(text.split()))
    return _ADDRESS.sub(WORD_JOINER, escaped)


def chart_text(text: str) -> str:
    """Text from data, for a plotly chart's words (labels, ticks, hover): plotly reads a few
    HTML tags in them (a link among them), and writes &lt; &gt; &amp; as the characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
