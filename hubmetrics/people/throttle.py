"""Failed password sign-ins, counted in memory by (where from, which address): guessing stops the guesser alone."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FAILED_SIGN_INS = 5
HOLD_MINUTES = 15
MAX_REMEMBERED = 20_000  # pairs kept; beyond this the oldest are forgotten first


@dataclass
class _Tries:
    failures: int
    first: datetime
    held_until: datetime | None = None


@dataclass(frozen=True)
class Hold:
    """A pair held from now: after how many failures, and until when."""

    failures: int
    until: datetime


class Throttle:
    """Counts failed sign-ins per (client address, email typed), in this process only.

    Five failures within fifteen minutes from one address for one email hold that pair for
    fifteen minutes: its attempts are refused, even with the right password. The account
    itself is never locked, so a guesser elsewhere cannot keep its owner out, and nothing
    is written to the database for a failure (the one writer stays free for uploads).
    """

    def __init__(self) -> None:
        self._tries: dict[tuple[str, str], _Tries] = {}
        self._lock = threading.Lock()

    def held_until(self, client: str, email: str, now: datetime) -> datetime | None:
        """When the pair may try again, while it is held; None when it may try now."""
        with self._lock:
            tries = self._tries.get((client, email))
            if tries is None or tries.held_until is None:
                return None
            if tries.held_until > now:
                return tries.held_until
            del self._tries[(client, email)]  # the hold ran out: a fresh start
            return None

    def failed(self, client: str, email: str, now: datetime) -> Hold | None:
        """Count a failure; the hold it starts, if it is the one that starts one."""
        window = timedelta(minutes=HOLD_MINUTES)
        with self._lock:
            tries = self._tries.get((client, email))
            if tries is None or tries.held_until is not None or now - tries.first > window:
                tries = _Tries(0, now)
            tries.failures += 1
            self._tries.pop((client, email), None)
            self._tries[(client, email)] = tries  # newest last, so the oldest go first
            self._forget_oldest()
            if tries.failures < MAX_FAILED_SIGN_INS:
                return None
            tries.held_until = now + window
            return Hold(tries.failures, tries.held_until)

    def succeeded(self, client: str, email: str) -> int:
        """Forget the pair; how many failures came before this success."""
        with self._lock:
            tries = self._tries.pop((client, email), None)
        return tries.failures if tries else 0

    def forget(self, email: str) -> None:
        """Forget every pair for `email` (its password was just set)."""
        with self._lock:
            for key in [k for k in self._tries if k[1] == email]:
                del self._tries[key]

    def _forget_oldest(self) -> None:
        while len(self._tries) > MAX_REMEMBERED:
            del self._tries[next(iter(self._tries))]


_throttles: dict[str, Throttle] = {}
_throttles_lock = threading.Lock()


def throttle_for(database: object) -> Throttle:
    """The throttle of one database (its path): one per hub, kept for the process's life."""
    with _throttles_lock:
        return _throttles.setdefault(str(database), Throttle())
