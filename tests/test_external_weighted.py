"""Weighted curves batched over weight vectors: weights 1 give the package's own estimators,
resampling counts give the estimators on the resampled rows, rows are independent."""

from __future__ import annotations

import numpy as np
import pytest

import blina_stats as bs
from blina_stats.external import e_value, weighted_curves, weighted_hazard_ratio
from blina_stats.synthetic import bundled


@pytest.fixture(scope="module")
def trial() -> bs.Cohort:
    return bs.load_events(bundled("trial"))


@pytest.mark.parametrize("name", ["pfs", "os"])
def test_weights_one_equal_kaplan_meier(trial: bs.Cohort, name: str) -> None:
    ep = trial.endpoint(name, origin="enrollment")
    km = bs.kaplan_meier(ep.time, ep.status)
    c = weighted_curves(ep.time, ep.status, np.ones(ep.time.size))
    np.testing.assert_array_equal(c.time, km.time)
    np.testing.assert_allclose(c.survival[0], km.estimate, rtol=1e-14, atol=0)
    np.testing.assert_array_equal(c.n_at_risk[0], km.n_at_risk)
    for t in (100.0, 365.25, 730.5):
        assert c.at(t)[0] == pytest.approx(float(km.at(t)["estimate"].iloc[0]), rel=1e-14)


@pytest.mark.parametrize("name", ["relapse", "nrm"])
def test_weights_one_equal_cumulative_incidence(trial: bs.Cohort, name: str) -> None:
    ep = trial.endpoint(name, origin="enrollment")
    aj = bs.cumulative_incidence(ep.time, ep.status, n_causes=2)
    c = weighted_curves(ep.time, ep.status, np.ones(ep.time.size))
    np.testing.assert_array_equal(c.time, aj.time)
    np.testing.assert_allclose(c.incidence[0], aj.estimate[:, 0], rtol=1e-13, atol=1e-15)


def test_counts_equal_resampled_rows(trial: bs.Cohort) -> None:
    ep = trial.endpoint("relapse", origin="enrollment")
    rng = np.random.default_rng(3)
    n = ep.time.size
    counts = rng.multinomial(n, np.full(n, 1 / n), size=4).astype(float)
    batch = weighted_curves(ep.time, ep.status, counts)
    for b in range(4):
        rows = np.repeat(np.arange(n), counts[b].astype(int))
        aj = bs.cumulative_incidence(ep.time[rows], ep.status[rows], n_causes=2)
        km = bs.kaplan_meier(ep.time[rows], (ep.status[rows] > 0).astype(int))
        for t in (200.0, 730.5):
            want = float(aj.at(t)["estimate"].iloc[0])  # cause 1
            assert batch.at(t, "incidence")[b] == pytest.approx(want, rel=1e-12)
            assert batch.at(t)[b] == pytest.approx(float(km.at(t)["estimate"].iloc[0]), rel=1e-12)


def test_rows_are_independent_and_rmst_is_the_area() -> None:
    rng = np.random.default_rng(0)
    time = rng.integers(1, 400, 60).astype(float)
    status = rng.integers(0, 3, 60)
    w = rng.uniform(0.1, 2, (3, 60))
    batch = weighted_curves(time, status, w)
    for b in range(3):
        one = weighted_curves(time, status, w[b])
        k = np.searchsorted(one.time, 300.0, side="right")
        np.testing.assert_allclose(batch.survival[b], one.survival[0], rtol=1e-15)
        # the area of the step function by a fine grid
        grid = np.arange(0, 300, 0.01) + 0.005
        steps = np.r_[1.0, one.survival[0][:k]][np.searchsorted(one.time[:k], grid, side="right")]
        assert batch.restricted_mean(300.0)[b] == pytest.approx(steps.sum() * 0.01, rel=1e-6)


def test_beyond_follow_up_is_nan() -> None:
    c = weighted_curves([5.0, 10.0, 20.0], [1, 0, 0], np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]]))
    assert np.isnan(c.at(15.0)[1]) and not np.isnan(c.at(15.0)[0])
    assert np.isnan(c.restricted_mean(15.0)[1])


def test_hazard_ratio_weights_one_equal_cox_regression(trial: bs.Cohort) -> None:
    ep = trial.endpoint("pfs", origin="enrollment")
    arm = trial.frame.set_index("patient_id").loc[ep.patient_id, "mrd_pre_hsct"] == "positive"
    hr = weighted_hazard_ratio(arm.to_numpy(int), ep.time, ep.status == 1, np.ones(ep.time.size))
    cox = bs.cox_regression(ep.time, ep.status, arm.to_numpy(int)[:, None], robust=True)
    assert hr.coef == pytest.approx(float(cox.coef[0]), rel=1e-6)
    assert hr.se == pytest.approx(float(cox.se[0]), rel=1e-6)


def test_e_value() -> None:
    # VanderWeele & Ding (2017): a risk ratio of 3.9 has E-value 7.26; interval 1.8 -> 3.0
    ev, ev_ci = e_value(3.9, 1.8, 8.7, rare=True)
    assert ev == pytest.approx(3.9 + np.sqrt(3.9 * 2.9))
    assert ev_ci == pytest.approx(1.8 + np.sqrt(1.8 * 0.8))
    # protective: the reciprocal; an interval holding 1 gives 1
    assert e_value(0.5, 0.3, 1.2, rare=True) == pytest.approx((2 + np.sqrt(2), 1.0))
    # a common outcome: the hazard ratio turned into a risk ratio first
    rr = (1 - 0.5 ** np.sqrt(2.0)) / (1 - 0.5 ** np.sqrt(0.5))
    assert e_value(2.0, 1.5, 3.0)[0] == pytest.approx(rr + np.sqrt(rr * (rr - 1)))
