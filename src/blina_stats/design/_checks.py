"""Argument checks shared by the design functions (the public boundary).

Each message names the caller's argument, shows the bad value and says why.
"""

from __future__ import annotations

import math
from typing import Any


def probability(name: str, value: Any) -> float:
    """A probability strictly between 0 and 1."""
    try:
        p = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must be a number, got {value!r}") from None
    if not 0.0 < p < 1.0:
        raise ValueError(f"`{name}` must be strictly between 0 and 1, got {value!r}")
    return p


def alpha_one_sided(value: Any) -> float:
    """A one-sided significance level in (0, 0.5)."""
    a = probability("alpha", value)
    if a >= 0.5:
        raise ValueError(f"`alpha` is one-sided and must be below 0.5, got {value!r}")
    return a


def better(p0: Any, p1: Any, names: tuple[str, str] = ("p0", "p1")) -> tuple[float, float]:
    """Null and alternative probabilities, the alternative strictly better."""
    a, b = probability(names[0], p0), probability(names[1], p1)
    if b <= a:
        raise ValueError(
            f"`{names[1]}` ({p1!r}) must be better than `{names[0]}` ({p0!r}): the test is "
            f"one-sided, H0: S <= {names[0]} against H1: S >= {names[1]}"
        )
    return a, b


def time_value(name: str, value: Any, *, positive: bool = False) -> float:
    """A finite, non-negative (or positive) time."""
    try:
        t = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must be a number, got {value!r}") from None
    if not math.isfinite(t) or t < 0 or (positive and t == 0):
        kind = "positive" if positive else "non-negative"
        raise ValueError(f"`{name}` must be a finite {kind} time, got {value!r}")
    return t


def solve_for(n: Any, power: Any) -> tuple[str, int | None, float | None]:
    """Which of `n` / `power` to solve for; the other validated.

    With `n` given the power at `n` is computed and `power`, if given, is kept
    as the target it is compared with.  With `n` None the smallest `n`
    reaching `power` is found.
    """
    target = None if power is None else probability("power", power)
    if n is None:
        if target is None:
            raise ValueError(
                "`n` and `power` are both None: leave exactly one of them out (None) "
                "to solve for it"
            )
        return "n", None, target
    try:
        size = int(n)
    except (TypeError, ValueError):
        raise ValueError(f"`n` must be a positive integer, got {n!r}") from None
    if size != n or size < 1:
        raise ValueError(f"`n` must be a positive integer, got {n!r}")
    return "power", size, target
