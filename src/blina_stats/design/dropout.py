"""Dropout: patients lost before the landmark contribute no 2-year status."""

from __future__ import annotations

import math

from ._checks import probability


def inflate_for_dropout(n: int, dropout: float) -> int:
    """Patients to enrol so that ``n`` remain evaluable when a fraction `dropout` is lost.

    ``ceil(n / (1 - dropout))``; e.g. 10% dropout turns 61 evaluable into 68 enrolled.
    `dropout` is the expected fraction lost before the landmark, in [0, 1).
    """
    if int(n) != n or n < 1:
        raise ValueError(f"`n` must be a positive integer, got {n!r}")
    d = 0.0 if dropout == 0 else probability("dropout", dropout)
    return math.ceil(n / (1.0 - d) - 1e-9)


def evaluable(n: int, dropout: float) -> int:
    """Patients expected to remain evaluable out of `n` enrolled: ``floor(n (1 - dropout))``."""
    if int(n) != n or n < 1:
        raise ValueError(f"`n` must be a positive integer, got {n!r}")
    d = 0.0 if dropout == 0 else probability("dropout", dropout)
    return max(1, math.floor(n * (1.0 - d) + 1e-9))
