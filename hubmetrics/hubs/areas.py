"""The hubs file: each hub's name, local authorities, postcode districts and goals file."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The key of the whole lead organisation's view (every hub, and anything placed in none).
LEAD = "all"
# The label of activities that belong to no hub: counted in the lead organisation's figures
# and shown as a line of their own wherever figures are set out hub by hub.
NOT_PLACED = "Not placed in a hub"

TOP_LEVEL = ("lead", "hub")
LEAD_KEYS = ("name", "goals", "home_hub")
HUB_KEYS = ("key", "name", "local_authorities", "postcode_districts", "home_partners", "goals")
_KEY = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


class HubsFileError(Exception):
    """The hubs file cannot be used; `problems` lists every mistake, each in plain words."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        count = len(self.problems)
        super().__init__(
            f"The hubs file {source} has {count} mistake{'s' if count != 1 else ''}:\n{lines}"
        )


@dataclass(frozen=True)
class Hub:
    """One music education hub: its own area, its own goals file and its own return."""

    key: str
    name: str
    local_authorities: tuple[str, ...]
    postcode_districts: tuple[str, ...] = ()
    home_partners: tuple[str, ...] = ()
    goals: Path | None = None


@dataclass(frozen=True)
class HubsFile:
    """Every hub of the lead organisation, in the file's order.

    `home_hub` is the hub of a partner no hub names among its `home_partners`; None leaves
    such a partner's unplaced activities in no hub (`NOT_PLACED`). `goals` is the goals file
    the lead organisation's combined view is judged against (None: the app's own).
    `configured` is False when there is no hubs file: one hub, covering everything.
    """

    lead_name: str
    hubs: tuple[Hub, ...]
    home_hub: str | None = None
    goals: Path | None = None
    source: str = ""
    configured: bool = True

    @property
    def several(self) -> bool:
        """True when there is more than one hub, so a hub can be chosen."""
        return len(self.hubs) > 1

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(h.key for h in self.hubs)

    def hub(self, key: str) -> Hub:
        """The hub with this key; a KeyError names the hubs there are."""
        for hub in self.hubs:
            if hub.key == key:
                return hub
        raise KeyError(f"{key!r} is not a hub: the hubs are {', '.join(self.keys) or 'none'}")

    def name_of(self, key: str | None) -> str:
        """The display name of a hub key, or of the lead organisation for None / LEAD."""
        if key is None or key == LEAD:
            return self.lead_name
        return self.hub(key).name


@dataclass(frozen=True)
class HubScope:
    """A figure narrowed to one hub (`key`), or to the activities placed in no hub (None),
    with the hubs file whose rules place each activity."""

    hubs: HubsFile
    key: str | None

    @property
    def label(self) -> str:
        return NOT_PLACED if self.key is None else self.hubs.name_of(self.key)

    @property
    def local_authorities(self) -> tuple[str, ...]:
        """The local authorities whose schools this scope counts (for the unplaced: none of
        the hubs' own, see `outside`)."""
        return () if self.key is None else self.hubs.hub(self.key).local_authorities

    @property
    def every_hubs_areas(self) -> tuple[str, ...]:
        return tuple(a for h in self.hubs.hubs for a in h.local_authorities)


def single_hub(name: str = "the hub") -> HubsFile:
    """What the app knows with no hubs file: one hub, which is also the whole lead."""
    return HubsFile(lead_name=name, hubs=(), configured=False)


def load_hubs(path: str | Path | None) -> HubsFile:
    """Read the hubs file at `path`; with no path, or no such file, one hub covering all."""
    if path is None:
        return single_hub()
    file = Path(path)
    if not file.exists():
        return single_hub()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HubsFileError(str(file), [f"it cannot be read as UTF-8 text ({exc})"]) from None
    return parse_hubs(text, source=str(file), folder=file.parent)


def parse_hubs(text: str, source: str = "hubs.toml", folder: Path | None = None) -> HubsFile:
    """Check the text of a hubs file; raise HubsFileError listing every mistake."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise HubsFileError(source, [f"it is not valid TOML ({exc})"]) from None
    problems: list[str] = []
    for key in data:
        if key not in TOP_LEVEL:
            problems.append(f"[{key}] is not a section of the hubs file; use [lead] and [[hub]]")
    lead = data.get("lead", {})
    if not isinstance(lead, dict):
        problems.append("[lead] must be a table")
        lead = {}
    _unknown_keys(lead, LEAD_KEYS, "[lead]", problems)
    lead_name = _text(lead.get("name"), "[lead] name", problems) or "the lead organisation"
    entries = data.get("hub")
    if not isinstance(entries, list) or not entries:
        problems.append("there must be at least one [[hub]] table")
        entries = []
    hubs = [_hub(entry, n, folder, problems) for n, entry in enumerate(entries, start=1)]
    found = [h for h in hubs if h is not None]
    _no_overlaps(found, problems)
    home = lead.get("home_hub")
    if home is not None and home not in {h.key for h in found}:
        problems.append(f"[lead] home_hub {home!r} is not the key of a [[hub]]")
    goals = _path(lead.get("goals"), "[lead] goals", folder, problems)
    if problems:
        raise HubsFileError(source, problems)
    return HubsFile(lead_name, tuple(found), home, goals, source)


def _hub(entry: Any, n: int, folder: Path | None, problems: list[str]) -> Hub | None:
    where = f"[[hub]] number {n}"
    if not isinstance(entry, dict):
        problems.append(f"{where} must be a table")
        return None
    _unknown_keys(entry, HUB_KEYS, where, problems)
    key = entry.get("key")
    if not isinstance(key, str) or not _KEY.match(key) or key == LEAD:
        problems.append(
            f"{where}: key must be a short name in lower case letters, digits and dashes "
            f"(used in the address, e.g. 'rutland'), and not {LEAD!r}"
        )
        return None
    where = f"[[hub]] {key!r}"
    name = _text(entry.get("name"), f"{where} name", problems)
    areas = _names(entry.get("local_authorities"), f"{where} local_authorities", problems)
    if not areas:
        problems.append(f"{where}: local_authorities must name at least one local authority")
    districts = _names(entry.get("postcode_districts", []), f"{where} postcode_districts", problems)
    for d in districts:
        if not _DISTRICT.match(d.upper()):
            problems.append(f"{where}: {d!r} is not a postcode district (e.g. LE15, NN1)")
    partners = _names(entry.get("home_partners", []), f"{where} home_partners", problems)
    goals = _path(entry.get("goals"), f"{where} goals", folder, problems)
    return Hub(
        key=key,
        name=name or key,
        local_authorities=tuple(areas),
        postcode_districts=tuple(d.upper() for d in districts),
        home_partners=tuple(partners),
        goals=goals,
    )


def _no_overlaps(hubs: list[Hub], problems: list[str]) -> None:
    """A local authority, district, partner or key may belong to one hub only."""
    for what in ("key", "local_authorities", "postcode_districts", "home_partners"):
        owner: dict[str, str] = {}
        for hub in hubs:
            values = (hub.key,) if what == "key" else getattr(hub, what)
            for value in values:
                folded = value.casefold()
                if folded in owner and owner[folded] != hub.key:
                    problems.append(f"{value!r} is in both {owner[folded]!r} and {hub.key!r}")
                elif folded in owner and what == "key":
                    problems.append(f"two [[hub]] tables have the key {value!r}")
                owner.setdefault(folded, hub.key)


def _unknown_keys(
    table: Mapping[str, Any], known: tuple[str, ...], where: str, out: list[str]
) -> None:
    for key in table:
        if key not in known:
            out.append(f"{where}: {key!r} is not a setting; the settings are {', '.join(known)}")


def _text(value: Any, where: str, problems: list[str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where} must be text")
        return ""
    return value.strip()


def _names(value: Any, where: str, problems: list[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where} must be a list of names in quotes")
        return []
    return [v.strip() for v in value]


def _path(value: Any, where: str, folder: Path | None, problems: list[str]) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where} must be a file name in quotes")
        return None
    path = Path(value)
    if not path.is_absolute() and folder is not None:
        path = folder / path
    if not path.exists():
        problems.append(f"{where}: there is no file {path}")
    return path
