"""Sample size and power of a one-sided Wald test, shared by the asymptotic designs.

With effect ``e`` (alternative minus null, on the test's scale), standard
deviation per patient ``sd0`` under the null and ``sd1`` under the
alternative, and ``z_a = Phi^{-1}(1 - alpha)``:

    n = ceil(((z_a sd0 + z_b sd1) / e)^2),   power = Phi((sqrt(n) |e| - z_a sd0) / sd1).

A null-variance test is ``sd1 = sd0``.
"""

from __future__ import annotations

import math

from scipy.stats import norm


def wald_size(za: float, target: float | None, sd0: float, sd1: float, effect: float) -> int:
    """Smallest n reaching `target` power (0.5 when None), at least 1."""
    zb = float(norm.ppf(target or 0.5))
    # the 1e-9 keeps an exact integer from being rounded up by floating error
    return max(1, math.ceil(((za * sd0 + zb * sd1) / effect) ** 2 - 1e-9))


def wald_power(n: int, za: float, sd0: float, sd1: float, effect: float) -> float:
    """Power at `n` patients."""
    return float(norm.cdf((math.sqrt(n) * abs(effect) - za * sd0) / sd1))
