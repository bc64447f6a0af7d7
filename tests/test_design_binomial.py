"""Exact binomial (A'Hern 2001) and normal-approximation single-stage designs.

Reference: an independent brute-force search written here with
scipy.stats.binom.cdf, one n and one r at a time (the module vectorises over n
with binom.isf); the A'Hern definition: smallest n with a cut-off r such that
P(X >= r | p0) <= alpha and P(X >= r | p1) >= power.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy.stats import binom

import blina_stats as bs

CASES = [(0.05, 0.20), (0.10, 0.30), (0.20, 0.40), (0.35, 0.55), (0.40, 0.60), (0.45, 0.65)]


def brute_force(p0: float, p1: float, alpha: float, power: float) -> tuple[int, int]:
    for n in range(1, 500):
        for r in range(0, n + 1):
            size = 1.0 - binom.cdf(r - 1, n, p0)
            if size <= alpha:
                if 1.0 - binom.cdf(r - 1, n, p1) >= power:
                    return n, r
                break  # larger r only lowers the power
    raise AssertionError("not found")


@pytest.mark.parametrize(("p0", "p1"), CASES)
@pytest.mark.parametrize(("alpha", "power"), [(0.05, 0.8), (0.025, 0.9)])
def test_exact_design_equals_brute_force(p0: float, p1: float, alpha: float, power: float) -> None:
    d = bs.design.exact_binomial(p0, p1, alpha=alpha, power=power)
    assert (d.n, d.r) == brute_force(p0, p1, alpha, power)
    assert d.attained_alpha <= alpha
    assert d.power >= power
    assert d.solved_for == "n"


def test_power_at_68_is_the_binomial_tail() -> None:
    d = bs.design.exact_binomial(0.40, 0.60, n=68)
    r = d.r
    assert isinstance(r, int) and np.isnan(d.critical_value)
    assert d.to_dict()["r"] == r and d.to_dict()["critical_value"] is None
    assert binom.sf(r - 1, 68, 0.40) <= 0.05 < binom.sf(r - 2, 68, 0.40)
    assert d.power == pytest.approx(binom.sf(r - 1, 68, 0.60), abs=1e-14)
    assert d.solved_for == "power" and d.meets_target is True


def test_normal_approximation_converges_to_exact_power() -> None:
    # for large n the CLT makes the two powers agree; at n = 68 they may differ
    for n in (2000, 4000):
        exact = bs.design.exact_binomial(0.40, 0.43, n=n).power
        approx = bs.design.normal_approximation(0.40, 0.43, n=n).power
        assert abs(exact - approx) < 0.02


def test_normal_approximation_n_is_smallest_meeting_power() -> None:
    d = bs.design.normal_approximation(0.40, 0.60, power=0.80)
    below = bs.design.normal_approximation(0.40, 0.60, n=d.n - 1)
    assert d.power >= 0.80 > below.power


def test_results_say_alpha_is_one_sided() -> None:
    d = bs.design.exact_binomial(0.4, 0.6, n=68)
    assert "one-sided" in str(d)
    assert d.to_dict()["alpha_sides"] == "one-sided"
    assert "alpha (one-sided)" in d.to_frame().columns
    assert np.isfinite(d.to_frame()["power"].iloc[0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"p0": 1.2, "p1": 0.6}, "`p0` must be strictly between 0 and 1, got 1.2"),
        ({"p0": 0.4, "p1": 0.0}, "`p1` must be strictly between 0 and 1, got 0.0"),
        ({"p0": 0.6, "p1": 0.4}, "`p1` (0.4) must be better than `p0` (0.6)"),
        ({"p0": 0.4, "p1": 0.6, "alpha": 0.6}, "`alpha` is one-sided and must be below 0.5"),
        ({"p0": 0.4, "p1": 0.6, "power": None}, "`n` and `power` are both None"),
        ({"p0": 0.4, "p1": 0.6, "n": 0}, "`n` must be a positive integer, got 0"),
        ({"p0": 0.4, "p1": 0.6, "n": 6.5}, "`n` must be a positive integer, got 6.5"),
    ],
)
def test_bad_input_names_the_argument(kwargs: dict, message: str) -> None:
    for f in (bs.design.exact_binomial, bs.design.normal_approximation):
        with pytest.raises(ValueError, match=re.escape(message)):
            f(**kwargs)


def test_asymptotic_designs_have_no_integer_cutoff() -> None:
    d = bs.design.normal_approximation(0.40, 0.60, n=68)
    assert d.r is None and d.critical_value == pytest.approx(1.6448536269514722)
