"""How a file's headings are matched to the contract's columns: by name, by the synonyms kept
beside the contract (synonyms.toml), or as the person mapped them."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hubmetrics.contract.files import FILE_KINDS, FileKind

SYNONYMS_FILE = Path(__file__).with_name("synonyms.toml")
# Words before a heading's own that say nothing of which column it is: "No. of children".
_COUNTING_WORDS = ("number of", "no of", "num of", "number", "no", "total number of")


def normalise_header(name: str) -> str:
    """Loose header matching: case, surrounding spaces, spaces or hyphens vs underscores."""
    return re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip().lower())


def heading_words(heading: str) -> str:
    """A heading by its words alone: case, punctuation and counting words dropped, `%` read
    as "percent" ("No. of children" and "number of children" both give `children`)."""
    text = heading.replace("\ufeff", "").lower().replace("%", " percent ").replace("&", " and ")
    words = " ".join(re.findall(r"[a-z0-9]+", text))
    for lead in _COUNTING_WORDS:
        if words.startswith(lead + " "):
            words = words[len(lead) + 1 :]
            break
    return words.replace(" ", "_")


@functools.cache
def synonyms(kind: str) -> Mapping[str, str]:
    """The synonyms of one kind of file, by their words: heading words -> contract column."""
    table = tomllib.loads(SYNONYMS_FILE.read_text(encoding="utf-8")).get(kind, {})
    return {heading_words(h): column for column, headings in table.items() for h in headings}


def column_for(heading: str, kind: FileKind) -> str | None:
    """The contract column a heading means: its own name, else a synonym; None if neither."""
    name = normalise_header(heading)
    if name in kind.column_names:
        return name
    words = heading_words(heading)
    if words in kind.column_names:
        return words
    return synonyms(kind.name).get(words)


IGNORED = ""  # a person's mapping sends a heading here to leave its column out


@dataclass(frozen=True)
class HeadingMatch:
    """What one heading of a file was taken to mean, and why."""

    position: int
    heading: str
    column: str | None  # None: not a column of the contract (or left out)
    how: str  # "name", "synonym", "chosen", "left out" or "unknown"


@dataclass
class Headings:
    """Every heading of a file matched to the contract."""

    matches: list[HeadingMatch] = field(default_factory=list)

    def renamed(self) -> list[HeadingMatch]:
        """The headings not matched by their own name: the part of the mapping worth saying."""
        return [m for m in self.matches if m.how != "name" and m.heading.strip()]

    def describe(self, *, known_only: bool = False) -> list[str]:
        """`'No. of children' → participants (synonym)` for each heading not its own name;
        with `known_only`, not the unknown headings (their problem says so already)."""
        return [
            f"'{m.heading}' → {m.column} ({m.how})" if m.column else f"'{m.heading}' {m.how}"
            for m in self.renamed()
            if not (known_only and m.how == "unknown")
        ]


def match_headings(
    header: Sequence[str], kind: FileKind, chosen: Mapping[str, str] | None = None
) -> Headings:
    """Match each heading: the person's own choice first (a column name, or IGNORED to leave
    it out), then the heading's own name, then a synonym."""
    chosen = chosen or {}
    matches = []
    for i, heading in enumerate(header):
        if heading in chosen:
            column = chosen[heading] or None
            matches.append(HeadingMatch(i, heading, column, "chosen" if column else "left out"))
            continue
        column = column_for(heading, kind)
        if column is None:
            matches.append(HeadingMatch(i, heading, None, "unknown"))
        elif column == normalise_header(heading):
            matches.append(HeadingMatch(i, heading, column, "name"))
        else:
            matches.append(HeadingMatch(i, heading, column, "synonym"))
    return Headings(matches)


def check_mapping(kind: FileKind, chosen: Mapping[str, str]) -> list[str]:
    """What is wrong with a person's mapping (a column the contract does not have)."""
    return [
        f"'{heading}' is mapped to {column!r}, which is not a column of the {kind.name} file "
        f"(the columns are: {', '.join(kind.column_names)})."
        for heading, column in chosen.items()
        if column and column not in kind.column_names
    ]


def synonym_clashes() -> list[str]:
    """Synonyms that would make one heading mean two columns, or hide a column's own name."""
    table = tomllib.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))
    found = []
    for kind, columns in table.items():
        names = FILE_KINDS[kind].column_names
        seen: dict[str, str] = {}
        for column, headings in columns.items():
            if column not in names:
                found.append(f"{kind}: {column} is not a column")
            for heading in headings:
                words = heading_words(heading)
                if seen.get(words, column) != column:
                    found.append(f"{kind}: {heading!r} means {seen[words]} and {column}")
                if words in names and words != column:
                    found.append(f"{kind}: {heading!r} is the name of {words}")
                seen[words] = column
    return found
