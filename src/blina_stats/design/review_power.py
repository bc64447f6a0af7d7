"""Analytic power of each method of the design review, and the smallest detectable effect.

Every alpha is **one-sided**.  The Kaplan-Meier test's power is given with
the mixed variance (Nagashima et al. 2021: the null variance in the critical
value, the alternative's in the spread) as the default; the null-variance
formula is kept beside it because it overstates the simulated power.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pandas as pd
from scipy.optimize import brentq
from scipy.stats import binom, norm

from .binomial import exact_binomial
from .km_fixed_time import km_fixed_time
from .one_sample_logrank import one_sample_logrank

METHODS = (
    "exact_binomial",
    "normal_approximation",
    "km_loglog_mixed",
    "km_loglog_null",
    "one_sample_logrank",
)
METHOD_LABELS = {
    "exact_binomial": "exact binomial (A'Hern)",
    "normal_approximation": "normal approximation",
    "km_loglog_mixed": "KM log-log, mixed variance (Nagashima; default)",
    "km_loglog_null": "KM log-log, null variance (overstates power)",
    "one_sample_logrank": "one-sample log-rank (Wu), exponential null",
}
#: points of each power curve in the figure
CURVE_POINTS = 24
#: the simulated test behind each analytic method (None: its size is exact, not simulated)
SIMULATED_TEST = {
    "exact_binomial": "exact_binomial",
    "normal_approximation": None,
    "km_loglog_mixed": "km_loglog",
    "km_loglog_null": "km_loglog",
    "one_sample_logrank": "one_sample_logrank",
}


def power_functions(
    n: int,
    s0: float,
    alpha: float,
    *,
    landmark: float,
    accrual: float,
    followup: float,
    entry_start: float,
) -> dict[str, Callable[[float], float]]:
    """Power at `n` as a function of the alternative 2-year PFS, for every method."""
    time = landmark - entry_start

    def logrank(s1: float) -> float:
        median0 = math.log(2) * time / -math.log(s0)
        hr = math.log(s1) / math.log(s0)
        return one_sample_logrank(
            median0=median0,
            shape=1.0,
            hazard_ratio=hr,
            accrual=accrual,
            followup=followup,
            alpha=alpha,
            n=n,
        ).power

    def km(variance: str) -> Callable[[float], float]:
        return lambda s1: (
            km_fixed_time(
                s0,
                s1,
                time=time,
                accrual=accrual,
                followup=followup,
                alpha=alpha,
                n=n,
                conf_type="log-log",
                variance=variance,
            ).power
        )

    # the binomial powers in closed form at fixed n: the same numbers as exact_binomial and
    # normal_approximation (tests check it), without their per-call overhead in the searches
    r = int(exact_binomial(s0, min(s0 + 0.1, 0.999), alpha=alpha, n=n).r or 0)
    za = float(norm.ppf(1 - alpha))

    def normal(s1: float) -> float:
        sd0, sd1 = math.sqrt(s0 * (1 - s0)), math.sqrt(s1 * (1 - s1))
        return float(norm.cdf((math.sqrt(n) * (s1 - s0) - za * sd0) / sd1))

    return {
        "exact_binomial": lambda s1: float(binom.sf(r - 1, n, s1)),
        "normal_approximation": normal,
        "km_loglog_mixed": km("mixed"),
        "km_loglog_null": km("null"),
        "one_sample_logrank": logrank,
    }


def smallest_detectable(f: Callable[[float], float], s0: float, target: float) -> float:
    """Smallest alternative with power at least `target` (NaN if none below 0.999)."""
    lo, hi = s0 + 1e-6, 0.999
    if f(hi) < target:
        return float("nan")
    if f(lo) >= target:
        return lo
    return float(brentq(lambda s: f(s) - target, lo, hi, xtol=1e-6))


def power_grid(
    n: int,
    n_eval: int,
    s0: Sequence[float],
    s1: Sequence[float],
    alphas: Sequence[float],
    targets: Sequence[float],
    *,
    landmark: float,
    accrual: float,
    followup: float,
    entry_start: float,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The power table, the smallest detectable effects and the power curves."""
    start = entry_start
    rows, det = [], []
    for a in alphas:
        for p0 in s0:
            f_n = power_functions(
                n, p0, a, landmark=landmark, accrual=accrual, followup=followup, entry_start=start
            )
            f_e = power_functions(
                n_eval,
                p0,
                a,
                landmark=landmark,
                accrual=accrual,
                followup=followup,
                entry_start=start,
            )
            for p1 in s1:
                if p1 <= p0:
                    continue
                for m in METHODS:
                    rows.append(
                        {
                            "alpha": a,
                            "s0": p0,
                            "s1": p1,
                            "method": m,
                            "power": f_n[m](p1),
                            "power_dropout": f_e[m](p1),
                        }
                    )
            for target in targets:
                for m in METHODS:
                    det.append(
                        {
                            "alpha": a,
                            "target_power": target,
                            "s0": p0,
                            "method": m,
                            "s1_at_n": smallest_detectable(f_n[m], p0, target),
                            "s1_at_n_evaluable": smallest_detectable(f_e[m], p0, target),
                        }
                    )
    curve = []
    mid = sorted(s0)[len(s0) // 2]
    for a in alphas:
        f_n = power_functions(
            n, mid, a, landmark=landmark, accrual=accrual, followup=followup, entry_start=start
        )
        for i in range(1, CURVE_POINTS + 1):
            p1 = mid + (0.85 - mid) * i / CURVE_POINTS
            for m in METHODS:
                curve.append({"method": m, "alpha": a, "s0": mid, "s1": p1, "power": f_n[m](p1)})
    return pd.DataFrame(rows), pd.DataFrame(det), pd.DataFrame(curve)
