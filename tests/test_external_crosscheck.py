"""The external-control package's batched weighted estimators against the package's own
weighted estimators (written independently): the same weighted curves and hazard ratio."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.external import weighted_curves, weighted_hazard_ratio


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20261202)
    n = 240
    time = rng.integers(1, 900, n).astype(float)  # ties on whole days
    status = rng.choice([0, 1, 2], n, p=[0.4, 0.4, 0.2])
    weights = rng.gamma(2.0, 0.5, n)
    arm = rng.integers(0, 2, n)
    return time, status, weights, arm


def test_weighted_survival_equals_kaplan_meier_weights(data) -> None:
    time, status, w, _ = data
    km = bs.kaplan_meier(time, (status > 0).astype(int), weights=w)
    c = weighted_curves(time, status, w)
    np.testing.assert_array_equal(c.time, km.time)
    np.testing.assert_allclose(c.survival[0], km.estimate, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(c.n_at_risk[0], km.weighted_n_at_risk, rtol=1e-12)
    assert c.restricted_mean(730.5)[0] == pytest.approx(km.rmst(730.5).estimate, rel=1e-12)


def test_weighted_incidence_equals_cumulative_incidence_weights(data) -> None:
    time, status, w, _ = data
    aj = bs.cumulative_incidence(time, status, n_causes=2, weights=w)
    c = weighted_curves(time, status, w)
    np.testing.assert_allclose(c.incidence[0], aj.estimate[:, 0], rtol=1e-12, atol=1e-15)
    assert c.restricted_mean(730.5, "incidence")[0] == pytest.approx(
        aj.rmtl(730.5, cause=1).estimate, rel=1e-12
    )


def test_weighted_hazard_ratio_equals_cox_regression_robust(data) -> None:
    time, status, w, arm = data
    event = (status == 1).astype(int)
    hr = weighted_hazard_ratio(arm, time, event, w)
    fit = bs.cox_regression(
        time, event, pd.DataFrame({"arm": arm.astype(float)}), weights=w, robust=True
    )
    assert hr.coef == pytest.approx(float(np.asarray(fit.coef)[0]), abs=1e-7)
    assert hr.se == pytest.approx(float(np.asarray(fit.se)[0]), rel=1e-6)
