"""The options several commands share: the academic year, the goals file and the as-at date."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from hubmetrics import config
from hubmetrics.hubs import LEAD, HubScope, HubsFileError, load_hubs
from hubmetrics.metrics.goals import Goals, GoalsFileError, load_goals
from hubmetrics.metrics.years import YearError, parse_year, year_label

YEAR_HELP = "the academic year, like 2025/26"
GOALS_HELP = "the goals file (default: $HUBMETRICS_GOALS or data/goals.toml)"
AS_OF_HELP = (
    "today's date for the year in progress (YYYY-MM-DD; default today, or the demo "
    "database's own date)"
)


def add_year_and_goals(parser: argparse.ArgumentParser, *, as_of: bool = False) -> None:
    """Add `--year Y` and `--goals FILE`, and `--as-of YYYY-MM-DD` when the figures judge a
    year in progress."""
    parser.add_argument("--year", required=True, help=YEAR_HELP)
    parser.add_argument("--goals", help=GOALS_HELP)
    if as_of:
        parser.add_argument("--as-of", dest="as_of", help=AS_OF_HELP)


class UsageError(Exception):
    """A mistake in how the command was written: told as `hubmetrics COMMAND: …`, exit 2."""


class CommandRefused(Exception):
    """The command cannot go on (a wrong goals file, say): told the same way, exit 1."""


def told(run: Callable[..., int]) -> Callable[..., int]:
    """`run(…, args)` with its usage mistakes and refusals told on standard error, each as
    one line beginning with the command's name."""

    @functools.wraps(run)
    def telling(*given: Any) -> int:
        args = given[-1]
        try:
            return run(*given)
        except UsageError as exc:
            print(f"hubmetrics {args.command}: {exc}", file=sys.stderr)
            return 2
        except CommandRefused as exc:
            print(f"hubmetrics {args.command}: {exc}", file=sys.stderr)
            return 1

    return telling


def year_of(args: argparse.Namespace) -> str:
    """The academic year asked for, as `2025/26`."""
    try:
        return year_label(parse_year(args.year))
    except YearError as exc:
        raise UsageError(str(exc)) from None


def as_of_of(args: argparse.Namespace) -> date | None:
    """The as-at date asked for, or None for the default."""
    if not getattr(args, "as_of", None):
        return None
    try:
        return date.fromisoformat(args.as_of)
    except ValueError:
        raise UsageError(f"{args.as_of!r} is not a date; write it like 2026-03-01.") from None


def goals_of(args: argparse.Namespace, hub: HubScope | None = None) -> Goals:
    """The goals file asked for, else the hub's own (`hub`, from the hubs file), else the
    default one; read and checked."""
    path = getattr(args, "goals", None)
    if path is None and hub is not None and hub.key is not None:
        path = hub.hubs.hub(hub.key).goals
    try:
        return load_goals(path)
    except GoalsFileError as exc:
        raise CommandRefused(str(exc)) from None


HUB_HELP = (
    "one hub of the lead organisation, by its key in the hubs file "
    f"($HUBMETRICS_HUBS or data/hubs.toml); {LEAD!r} or left out: the lead's whole"
)


def hub_of(args: argparse.Namespace) -> HubScope | None:
    """The hub asked for with `--hub KEY`, or None for the lead organisation's whole."""
    key = getattr(args, "hub", None)
    if key is None or key.strip().lower() == LEAD:
        return None
    try:
        hubs = load_hubs(config.hubs_path())
    except HubsFileError as exc:
        raise CommandRefused(str(exc)) from None
    if not hubs.configured:
        raise UsageError(
            f"--hub {key}: there is no hubs file ({config.hubs_path()}), so there is one hub; "
            "leave --hub out."
        )
    wanted = key.strip().lower()
    if wanted not in hubs.keys:
        raise UsageError(f"{key!r} is not a hub: the hubs are {', '.join(hubs.keys)}.")
    return HubScope(hubs, wanted)
