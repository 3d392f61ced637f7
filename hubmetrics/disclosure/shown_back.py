"""What an upload shows back to the person who sent it: never a child's details."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from hubmetrics.contract.files import PARTICIPANTS, PSEUDONYM_RE
from hubmetrics.contract.headings import Headings, column_for, heading_words
from hubmetrics.contract.problems import Problem

# Shapes of a child's details, found anywhere in a text (docs/data-contract.md, "What an
# upload shows back"). A UPN is a letter and 12 digits standing on their own.
_UPN = r"(?<![A-Za-z0-9])[A-Za-z][0-9]{12}(?![A-Za-z0-9])"
_EMAIL = r"[^\s,;:'\"<>()\[\]]+@[^\s,;:'\"<>()\[\]]+\.[A-Za-z]{2,}"
_POSTCODE = r"(?<![A-Za-z0-9])[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}(?![A-Za-z0-9])"
_PSEUDONYM = rf"(?<![A-Za-z0-9]){PSEUDONYM_RE}(?![A-Za-z0-9])"
_IDENTIFYING = re.compile("|".join((_UPN, _EMAIL, _POSTCODE, _PSEUDONYM)))
NOT_SHOWN = "[not shown]"

# Headings that name a child's details (by their words, as `heading_words` gives them).
CHILD_HEADINGS = frozenset(
    {
        "upn",
        "unique_pupil_number",
        "pupil_number",
        "pupil_no",
        "pupil_id",
        "date_of_birth",
        "dob",
        "birth_date",
        "birthdate",
        "email",
        "e_mail",
        "email_address",
        "first_name",
        "forename",
        "forenames",
        "surname",
        "last_name",
        "family_name",
        "full_name",
        "child_name",
        "pupil_name",
        "student_name",
        "home_postcode",
        "home_address",
    }
)


def looks_identifying(text: str) -> bool:
    """Whether the text holds something shaped like a UPN, an email address, a full postcode
    or one of the hub's pseudonyms."""
    return _IDENTIFYING.search(text) is not None


def masked(text: str) -> str:
    """The text with everything shaped like a child's details replaced by [not shown]."""
    return _IDENTIFYING.sub(NOT_SHOWN, text)


def holds_child_records(kind: str, headings: Iterable[str]) -> bool:
    """Whether a file is treated as records of children: sent as participant records, or with
    a heading that reads as participant_ref, names a child's details (UPN, date of birth,
    email…), or is itself shaped like one (the first line was a record, not headings)."""
    if kind == "participants":
        return True
    for heading in headings:
        if column_for(heading, PARTICIPANTS) == "participant_ref":
            return True
        if heading_words(heading) in CHILD_HEADINGS or looks_identifying(heading):
            return True
    return False


@dataclass(frozen=True)
class ShownBack:
    """What of one upload the page may show: the cells of the contract's columns, or (for
    records of children) none; and the headings that are named by their place instead."""

    child_records: bool
    hidden: dict[str, str] = field(default_factory=dict)  # heading as written -> "column 5"
    by_place: dict[int, str] = field(default_factory=dict)  # position -> "column 5"
    not_loaded: frozenset[int] = frozenset()  # positions of columns the contract does not know

    def heading(self, position: int, heading: str) -> str:
        """How the heading at `position` is shown."""
        return self.by_place.get(position, heading)

    def shows_cells(self, position: int) -> bool:
        """Whether the cells of the column at `position` may be shown."""
        return not self.child_records and position not in self.not_loaded

    def problem(self, p: Problem) -> Problem:
        """The problem as it may be shown and downloaded: a value only of a cell of the
        contract's columns, and never from records of children; no hidden heading."""
        column = self.hidden.get(p.column, p.column) if p.column else p.column
        keep_value = not self.child_records and p.column is not None and p.column == column
        message = p.rule if self.child_records and p.rule else p.message
        for heading, place in self.hidden.items():
            said = f"'{heading}'"
            if message.startswith(said):
                message = f"The heading of {place} (not shown)" + message[len(said) :]
            message = message.replace(said, f"the heading of {place} (not shown)")
        return replace(
            p,
            column=None if column is None else masked(column),
            value=p.value if keep_value else None,
            message=masked(message),
            rule=None if p.rule is None else masked(p.rule),
        )

    def problems(self, problems: Iterable[Problem]) -> list[Problem]:
        return [self.problem(p) for p in problems]


def shown_back(kind: str, headings: Headings) -> ShownBack:
    """What the page may show back of an upload of `kind` with these headings.

    For records of children a heading is shown only when it reads as one of the contract's
    columns by its own name or a synonym; for any file, a heading shaped like a child's
    details is not shown. Either is named by its place in the file."""
    written = [m.heading for m in headings.matches]
    child = holds_child_records(kind, written)
    by_place: dict[int, str] = {}
    for m in headings.matches:
        known = m.column is not None and m.how in ("name", "synonym")
        if m.heading.strip() and ((child and not known) or looks_identifying(m.heading)):
            by_place[m.position] = f"column {m.position + 1}"
    hidden = {m.heading: by_place[m.position] for m in headings.matches if m.position in by_place}
    not_loaded = frozenset(m.position for m in headings.matches if m.column is None)
    return ShownBack(child, hidden, by_place, not_loaded)
