"""Bayesian decision rules: posterior probabilities and the Lee & Liu (2008) predictive design.

The operating characteristics are checked against a brute-force enumeration
of all 2^N outcome sequences in R (tests/reference/design_predictive.R,
written for this package; a different algorithm from the Python recursion),
exact to 1e-10.
"""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

import blina_stats as bs
from blina_stats.design import (
    posterior_probability,
    posterior_survival,
    predictive_design,
    predictive_probability,
)
from blina_stats.design.predictive import binary_status
from blina_stats.synthetic.paths import bundled

from .conftest import REFERENCE, run_r_script

PREDICTIVE = pd.read_csv(REFERENCE / "design_predictive.csv")


@pytest.mark.parametrize("row", list(PREDICTIVE.itertuples()), ids=lambda r: f"{r.looks}-{r.rate}")
def test_predictive_design_matches_brute_force_enumeration(row) -> None:
    d = predictive_design(
        row.p0,
        row.p1,
        int(row.N),
        interims=[int(v) for v in row.looks.split()],
        theta_t=row.theta_t,
        theta_l=row.theta_l,
        theta_u=row.theta_u,
        prior=(row.a, row.b),
    )
    assert d.final_r == row.final_r
    null = row.rate == row.p0
    assert (d.type_i_error if null else d.power) == pytest.approx(row.reject, abs=1e-10)
    assert (d.pet_null if null else d.pet_alternative) == pytest.approx(row.pet, abs=1e-10)
    en = d.expected_n_null if null else d.expected_n_alternative
    assert en == pytest.approx(row.expected_n, abs=1e-10)


@pytest.mark.r
def test_r_script_reproduces_predictive_csv(tmp_path) -> None:
    shutil.copy(REFERENCE / "design_predictive.R", tmp_path)
    run_r_script(tmp_path / "design_predictive.R", tmp_path)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "design_predictive.csv"), PREDICTIVE)


def test_predictive_boundaries_are_where_the_predictive_probability_crosses() -> None:
    d = predictive_design(0.40, 0.60, 68, interims=[20, 40, 60], theta_l=0.05)
    for row in d.boundaries.itertuples():
        f = int(row.stop_futility_at_most)
        assert d.predictive(f, row.n) < 0.05 <= d.predictive(f + 1, row.n)
    # the 68-patient design: no efficacy stopping with theta_u = 1
    assert d.boundaries["stop_efficacy_at_least"].isna().all()
    assert 0 < d.pet_null < 1 and d.expected_n_null < d.expected_n_alternative <= 68
    assert "Lee & Liu 2008" in d.describe() and d.to_dict()["final_r"] == d.final_r


def test_posterior_probability_uniform_prior_is_a_binomial_tail() -> None:
    # Beta(1 + x, 1 + n - x) cdf at p0 = P(Bin(n + 1, p0) >= x + 1)
    for x in (20, 27, 35):
        want = binom.cdf(x, 69, 0.40)
        assert posterior_probability(x, 68, 0.40, prior=(1, 1)) == pytest.approx(want, abs=1e-12)


def test_posterior_survival_without_censoring_is_the_binary_posterior() -> None:
    rng = np.random.default_rng(2)
    time = rng.exponential(800.0, size=68)
    time[time > 730.5] = 1000.0  # follow-up beyond 2 years for all survivors
    km = bs.kaplan_meier(time, np.ones(68, dtype=bool) & (time < 1000.0))
    post = posterior_survival(km, 730.5, 0.40, prior=(0.5, 0.5))
    x = int((time > 730.5).sum())
    assert post["effective_n"] == pytest.approx(68, rel=1e-10)
    assert post["effective_successes"] == pytest.approx(x, rel=1e-10)
    want = posterior_probability(x, 68, 0.40, prior=(0.5, 0.5))
    assert post["posterior_probability"] == pytest.approx(want, abs=1e-9)


def test_predictive_probability_at_a_cutoff_of_the_bundled_trial() -> None:
    cohort = bs.load_events(bundled("trial"))
    status = binary_status(cohort)
    d = predictive_design(0.40, 0.60, 68, interims=[20, 40, 60])
    got = predictive_probability(cohort, d)
    known = status.dropna()
    assert got["n_known"] == known.size and got["successes"] == int(known.sum())
    assert got["n_known"] + got["n_unknown"] == status.size
    assert got["posterior_probability"] == pytest.approx(
        posterior_probability(int(known.sum()), known.size, 0.40, d.prior)
    )
    assert got["decision"] in {
        "continue",
        "stop for futility",
        "stop for efficacy",
        "reject H0",
        "do not reject H0",
    }


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: posterior_probability(5, 3, 0.4), "need integers 0 <= successes <= n"),
        (lambda: posterior_probability(1, 3, 0.4, prior=(0, 1)), "`prior` must be two positive"),
        (lambda: predictive_design(0.6, 0.4), "`p1` (0.4) must exceed `p0` (0.6)"),
        (lambda: predictive_design(0.4, 0.6, interims=[40, 20]), "`interims` must be increasing"),
        (lambda: predictive_design(0.4, 0.6, interims=[70]), "`interims` must be integers in"),
        (lambda: predictive_design(0.4, 0.6, theta_t=1.2), "`theta_t` must be in (0, 1)"),
    ],
)
def test_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        call()
