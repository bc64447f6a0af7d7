"""The simulated trial: its data-generating process and its analyses.

References are exact or independent: scipy.stats.binom sums over the
rejection region where the analysis reduces to a binomial count (no censoring
before the landmark, no delayed entry), the models' own survival functions
for the sampled data, and Monte Carlo standard errors for every tolerance
(4 MCSE: a false alarm about 1 in 16,000).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy.stats import binom, norm

import blina_stats as bs
from blina_stats.design import (
    Analysis,
    CureMixture,
    Exponential,
    PiecewiseExponential,
    Scenario,
    Weibull,
    default_scenario,
    sample_trials,
    simulate,
)
from blina_stats.estimators.batched import kaplan_meier_at

N, TRIALS = 68, 4000
NO_CENSORING = {"entry": (0.0, 0.0), "accrual": 365.25, "followup": 731.0}


def within(p_hat: float, p: float, trials: int, k: float = 4.0) -> bool:
    return abs(p_hat - p) <= k * math.sqrt(p * (1 - p) / trials)


def loglog_rejection_region(n: int, s0: float, alpha: float) -> np.ndarray:
    """Counts x of n progression-free at the landmark for which the log-log Wald test rejects.

    Without censoring the Kaplan-Meier estimate is x/n and Greenwood's variance
    is p(1-p)/n; computed here directly from the formula, not via the package.
    """
    x = np.arange(n + 1)
    p = x / n
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(p * (1 - p) / n) / (p * np.abs(np.log(p)))
        z = (np.log(-np.log(s0)) - np.log(-np.log(p))) / se
    z[-1] = np.inf
    return z > norm.ppf(1 - alpha)


@pytest.mark.parametrize(("s0", "s1", "alpha"), [(0.40, 0.60, 0.05), (0.45, 0.60, 0.025)])
def test_no_censoring_reduces_to_binomial_exactly(s0: float, s1: float, alpha: float) -> None:
    res = simulate(
        N,
        default_scenario(s0, s1, **NO_CENSORING),
        Analysis(s0, alpha=alpha),
        n_trials=TRIALS,
        seed=5,
    )
    frame = res.to_frame()
    region = loglog_rejection_region(N, s0, alpha)
    x = np.arange(N + 1)
    for p, column in ((s0, "type_i_error"), (s1, "power")):
        km_exact = binom.pmf(x[region], N, p).sum()
        assert within(frame.loc["km_loglog", column], km_exact, TRIALS)
        d = bs.design.exact_binomial(s0, s1, alpha=alpha, n=N)
        exact = d.attained_alpha if column == "type_i_error" else d.power
        assert within(frame.loc["exact_binomial", column], exact, TRIALS)
    assert res.mean_evaluable == N
    # the analytic exact-binomial power is exact here
    assert abs(frame.loc["exact_binomial", "power_gap_in_mcse"]) < 4


def test_kaplan_meier_of_sampled_trials_is_unbiased_for_the_conditional_survival() -> None:
    # delayed entry 60-90 days, staggered accrual with censoring before the landmark, dropout
    model = CureMixture.from_landmark(0.55, cure=0.40, given=60.0)
    sc = Scenario(null=model, alternative=model, accrual=730.5, followup=365.25, dropout=0.1)
    d = sample_trials(1000, 400, model, sc, seed=9)
    again = sample_trials(1000, 400, model, sc, seed=np.random.default_rng(9))
    np.testing.assert_array_equal(d.time, again.time)  # an int seed or its Generator: one draw
    assert np.all(d.entry < d.time)
    assert 0.05 < np.mean(~d.event & (d.time < 730.5)) < 0.6  # censored before the landmark
    km = kaplan_meier_at(d.time, d.event, d.entry, at=730.5)
    est = km.estimate[np.isfinite(km.estimate)]
    se_mean = est.std(ddof=1) / math.sqrt(est.size)
    assert abs(est.mean() - 0.55) < 4 * se_mean + 0.002  # + small-sample bias of KM, O(1/n)


@pytest.mark.parametrize(
    "model",
    [
        Exponential(0.001),
        Weibull(900.0, 0.8),
        PiecewiseExponential((100.0, 365.0), (0.003, 0.001, 0.0002)),
        CureMixture(0.3, Weibull(500.0, 1.3)),
    ],
    ids=["exponential", "weibull", "piecewise", "cure"],
)
def test_inverse_survival_inverts(model) -> None:
    p = np.linspace(0.99, 0.31, 40)
    t = model.inverse_survival(p)
    np.testing.assert_allclose(model.survival(t), p, rtol=1e-10)
    np.testing.assert_allclose(model.cumhaz(t), -np.log(p), rtol=1e-9)


def test_cure_plateau_and_conditional_calibration() -> None:
    m = CureMixture.from_landmark(0.50, cure=0.35, given=60.0)
    s = m.survival(np.array([730.5, 60.0]))
    assert s[0] / s[1] == pytest.approx(0.50, abs=1e-12)
    assert np.isinf(m.inverse_survival(np.array([0.2]))[0])
    w = Weibull.from_landmark(0.4, shape=0.7, given=60.0)
    sw = w.survival(np.array([730.5, 60.0]))
    assert sw[0] / sw[1] == pytest.approx(0.4, abs=1e-12)


def test_seeded_and_reproducible() -> None:
    sc = default_scenario(0.40, 0.60, dropout=0.1)
    a = simulate(N, sc, Analysis(0.40), n_trials=500, seed=3)
    b = simulate(N, sc, Analysis(0.40), n_trials=500, seed=3, chunk_size=500)
    c = simulate(N, sc, Analysis(0.40), n_trials=500, seed=4)
    np.testing.assert_array_equal(a.rejections_alternative, b.rejections_alternative)
    assert not np.array_equal(a.rejections_alternative, c.rejections_alternative)


def test_output_says_one_sided() -> None:
    res = simulate(N, default_scenario(0.40, 0.60), Analysis(0.40), n_trials=200, seed=1)
    assert res.to_dict()["alpha_sides"] == "one-sided"
    assert "one-sided" in res._repr_html_()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: simulate(1, n_trials=10), "`n` must be an integer of at least 2, got 1"),
        (lambda: simulate(68, n_trials=0), "`n_trials` must be a positive integer, got 0"),
        (lambda: Analysis(s0=1.5), "`s0` must be strictly between 0 and 1, got 1.5"),
        (lambda: Analysis(s0=0.4, alpha=0.7), "`alpha` is one-sided and must be below 0.5"),
        (
            lambda: default_scenario(0.4, 0.6, entry=(90.0, 60.0)),
            "`entry` must be (earliest, latest)",
        ),
        (
            lambda: default_scenario(0.4, 0.6, followup=-1.0),
            "`followup` must be a finite non-negative",
        ),
        (lambda: CureMixture.from_landmark(0.4, cure=0.5), "`cure` (0.5) must be below"),
    ],
)
def test_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        call()
