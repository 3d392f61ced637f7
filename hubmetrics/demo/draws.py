"""Small random draws for the demo generator: a weighted pick, binomial and Poisson counts."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence


def pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def binom(rng: random.Random, n: int, p: float) -> int:
    """A binomial draw (random.binomialvariate arrives only in Python 3.12)."""
    p = min(max(p, 0.0), 1.0)
    if n <= 60:
        return sum(1 for _ in range(n) if rng.random() < p)
    value = round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))
    return min(n, max(0, value))


def poisson(rng: random.Random, lam: float) -> int:
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))
