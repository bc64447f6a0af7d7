"""The review shows size beside power, flags the miscalibrated log-rank test, never ranks it.

The reviewer's numbers (issue 16): under the plateau scenario the one-sample
log-rank test with the exponential null has size 0.451 / 0.509 / 0.558 for
s0 = 0.35 / 0.40 / 0.45; with the cure-mixture (historical) null 0.041-0.045.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy.stats import binom, binomtest

from blina_stats.design import ae_precision, conditional_null, fit_historical, historical_null
from blina_stats.design.review import review_protocol
from blina_stats.design.review_simulation import simulate_pairs, size_limit
from blina_stats.design.scenario import CureMixture, Exponential, PiecewiseExponential

SETTINGS = {
    "accrual": 3 * 365.25,
    "followup": 2 * 365.25,
    "dropout": 0.10,
    "landmark": 730.5,
    "entry": (60.0, 90.0),
}
TRIALS = 4000


@pytest.fixture(scope="module")
def sims():
    pairs = [(0.35, 0.55), (0.40, 0.60), (0.45, 0.65)]
    return simulate_pairs(
        68, pairs, 0.05, n_trials=TRIALS, seed=20261202, progress=False, **SETTINGS
    )


@pytest.mark.parametrize(("s0", "reviewer"), [(0.35, 0.451), (0.40, 0.509), (0.45, 0.558)])
def test_exponential_null_size_under_the_plateau(sims, s0: float, reviewer: float) -> None:
    real = sims[(sims["scenario"] == "realistic") & (sims["s0"] == s0)].set_index("test")
    size = real.loc["one_sample_logrank", "type_i_error"]
    se = math.sqrt(reviewer * (1 - reviewer) / TRIALS)
    assert abs(size - reviewer) < 4 * se + 0.02  # the reviewer's own MC error unknown: +0.02
    assert not real.loc["one_sample_logrank", "size_ok"]
    hist = real.loc["one_sample_logrank_historical", "type_i_error"]
    assert abs(hist - 0.043) < 4 * math.sqrt(0.05 * 0.95 / TRIALS)
    assert real.loc["one_sample_logrank_historical", "size_ok"]


def test_size_limit_is_alpha_plus_two_mcse() -> None:
    assert size_limit(0.05, 4000) == pytest.approx(0.05 + 2 * math.sqrt(0.05 * 0.95 / 4000))


@pytest.fixture(scope="module")
def review():
    return review_protocol(68, n_trials=2000, seed=3, progress=False)


def test_flagged_method_is_never_ranked(review) -> None:
    assert "one_sample_logrank" in review.flagged()
    r = review.ranking
    bad = r[r["method"] == "one_sample_logrank"]
    assert (~bad["size_ok"]).all() and bad["rank"].isna().all()
    # the best-ranked method at each pair has an acceptable simulated size
    best = r[r["rank"] == 1]
    assert best["size_ok"].all() and set(best["size_from"]) == {"simulated"}
    assert (
        review.power.loc[review.power["method"] == "one_sample_logrank", "size_ok"].eq(False).all()
    )
    text = review.to_text()
    assert "NOT RANKED" in text and "Type I error beside power" in text
    assert review.to_dict()["flagged"] == review.flagged()


def test_mixed_variance_default_with_simulated_power_beside(review) -> None:
    p = review.power
    row = p[(p["s0"] == 0.40) & (p["s1"] == 0.60) & (p["alpha"] == 0.05)].set_index("method")
    assert "default" in review.method_labels["km_loglog_mixed"]
    sim = row.loc["km_loglog_mixed", "simulated_power"]
    assert np.isfinite(sim)
    # the null-variance formula is further above the simulated power than the mixed one
    assert row.loc["km_loglog_null", "power"] - sim > row.loc["km_loglog_mixed", "power"] - sim


def test_exact_binomial_rule_is_printed(review) -> None:
    # smallest r with P(X >= r | n = 68, p = 0.40) <= 0.05, from scipy directly
    r = next(k for k in range(69) if binom.sf(k - 1, 68, 0.40) <= 0.05)
    assert f"reject H0 when at least {r} of 68 are progression-free at 2 years" in review.to_text()
    assert r == 35


def test_ae_precision_grid_is_the_exact_interval() -> None:
    grid = ae_precision(68, [0.1, 0.3, 0.5])
    for row in grid.itertuples():
        ci = binomtest(int(row.events), 68).proportion_ci(0.95, method="exact")
        assert row.lower == pytest.approx(ci.low, abs=1e-10)
        assert row.upper == pytest.approx(ci.high, abs=1e-10)
        assert row.width == pytest.approx(ci.high - ci.low, abs=1e-10)
    assert grid["width"].is_monotonic_increasing  # rates below 0.5


def test_conditional_null_and_historical_route() -> None:
    assert conditional_null(0.36, 0.90) == pytest.approx(0.40)
    m = CureMixture(0.30, Exponential(0.003))
    h = historical_null(m, landmark=60.0)
    s = m.survival(np.array([730.5, 60.0]))
    assert h["s0"] == pytest.approx(s[0] / s[1], abs=1e-14)
    with pytest.raises(ValueError, match=re.escape("`s_horizon` (0.9) cannot exceed")):
        conditional_null(0.9, 0.5)


def test_fit_historical_recovers_the_curve() -> None:
    rng = np.random.default_rng(7)
    true = CureMixture(0.35, Exponential(0.004))
    t = true.inverse_survival(rng.uniform(size=20_000))
    c = rng.uniform(300, 2500, size=t.size)
    time, event = np.minimum(t, c), t <= c
    fit = fit_historical(time, event, "cure")
    assert fit.cure == pytest.approx(0.35, abs=0.02)
    assert fit.latent.rate == pytest.approx(0.004, rel=0.05)
    pw = fit_historical(time, event, "piecewise", breaks=(100.0,))
    assert isinstance(pw, PiecewiseExponential)
    early = event & (time <= 100)
    assert pw.rates[0] == pytest.approx(early.sum() / np.minimum(time, 100).sum(), rel=1e-12)
    with pytest.raises(ValueError, match=re.escape("`kind` must be one of")):
        fit_historical(time, event, "lognormal")


def test_review_power_functions_are_the_design_functions() -> None:
    import blina_stats as bs
    from blina_stats.design.review_power import power_functions

    kw = {"landmark": 730.5, "accrual": 1095.75, "followup": 730.5, "entry_start": 60.0}
    for n, s0, a in ((68, 0.40, 0.05), (61, 0.35, 0.025)):
        f = power_functions(n, s0, a, **kw)
        for s1 in (0.5, 0.6, 0.7):
            exact = bs.design.exact_binomial(s0, s1, alpha=a, n=n).power
            normal = bs.design.normal_approximation(s0, s1, alpha=a, n=n).power
            assert f["exact_binomial"](s1) == pytest.approx(exact, abs=1e-14)
            assert f["normal_approximation"](s1) == pytest.approx(normal, abs=1e-14)
