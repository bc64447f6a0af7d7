"""The simulation's fused inner loop against the unfused path it replaces.

The reference here is the plain composition: :func:`sample_trials` for the
data, :func:`kaplan_meier_at` + :func:`loglog_statistic` for the Kaplan-Meier
test, and the binomial and log-rank counts written out directly.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from blina_stats.design import (
    Analysis,
    CureMixture,
    Exponential,
    Scenario,
    _fast,
    default_scenario,
    sample_trials,
    simulate,
)
from blina_stats.design.binomial import _cutoff
from blina_stats.estimators.batched import kaplan_meier_at, loglog_statistic

SCENARIOS = {
    "default": default_scenario(0.40, 0.60),
    "dropout": default_scenario(0.40, 0.60, dropout=0.2, accrual=900.0, followup=300.0),
    "cure": Scenario(
        null=CureMixture.from_landmark(0.40, cure=0.30, given=60.0),
        alternative=CureMixture.from_landmark(0.60, cure=0.50, given=60.0),
        entry=(30.0, 200.0),  # a wide window: many events before the last entry
        dropout=0.1,
    ),
}


def reference_rejections(seed: int, trials: int, sc: Scenario, an: Analysis, n: int = 68):
    root = np.random.SeedSequence(seed)
    null_model = an.null_model or Exponential.from_landmark(an.s0, an.landmark, sc.entry[0])
    cut = _cutoff(np.arange(n + 1), an.s0, an.alpha)
    cut[0] = 1
    z = norm.ppf(1 - an.alpha)
    out = []
    for model, child in zip((sc.null, sc.alternative), root.spawn(2), strict=True):
        d = sample_trials(trials, n, model, sc, an.landmark, seed=np.random.default_rng(child))
        km = kaplan_meier_at(d.time, d.event, d.entry, at=an.landmark)
        rej_km = np.count_nonzero(loglog_statistic(km.estimate, km.se, an.s0) > z)
        failed = d.event & (d.time <= an.landmark)
        evaluable = (d.admin_end >= an.landmark) & (failed | (d.time >= an.landmark))
        ok = (evaluable & ~failed).sum(axis=1)
        rej_bin = np.count_nonzero(ok >= cut[evaluable.sum(axis=1)])
        e = (null_model.cumhaz(d.time) - null_model.cumhaz(d.entry)).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            rej_lr = np.count_nonzero((e - d.event.sum(axis=1)) / np.sqrt(e) > z)
        out.append([rej_km, rej_bin, rej_lr])
    return np.array(out)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_fused_draw_is_sample_trials(name: str) -> None:
    sc = SCENARIOS[name]
    x, event, v, admin_end = _fast.draw(np.random.default_rng(3), 500, 68, sc.null, sc, 730.5)
    d = sample_trials(500, 68, sc.null, sc, 730.5, seed=3)
    np.testing.assert_array_equal(x, d.time)
    np.testing.assert_array_equal(event, d.event)
    np.testing.assert_array_equal(v, d.entry)
    np.testing.assert_array_equal(admin_end, d.admin_end)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_fused_kaplan_meier_statistic_matches_the_batched_estimator(name: str) -> None:
    sc = SCENARIOS[name]
    an = Analysis(0.40)
    d = sample_trials(3000, 68, sc.null, sc, 730.5, seed=11)
    km = kaplan_meier_at(d.time, d.event, d.entry, at=730.5)
    want = loglog_statistic(km.estimate, km.se, 0.40)
    got = _fast.km_loglog_z(d.time, d.event & (d.time <= 730.5), d.entry, an)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
    fin = np.isfinite(want)
    assert fin.mean() > 0.9
    np.testing.assert_allclose(got[fin], want[fin], rtol=1e-11, atol=1e-11)


def test_fused_kaplan_meier_with_tied_times() -> None:
    # times rounded to whole days: many ties, events before censorings
    sc = SCENARIOS["dropout"]
    d = sample_trials(2000, 68, sc.null, sc, 730.5, seed=4)
    x = np.ceil(d.time)
    v = np.minimum(np.floor(d.entry), x - 1.0)
    km = kaplan_meier_at(x, d.event, v, at=730.5)
    want = loglog_statistic(km.estimate, km.se, 0.40)
    got = _fast.km_loglog_z(x, d.event & (x <= 730.5), v, Analysis(0.40))
    fin = np.isfinite(want)
    np.testing.assert_allclose(got[fin], want[fin], rtol=1e-11, atol=1e-11)
    np.testing.assert_array_equal(np.isfinite(got), fin)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_simulate_rejects_exactly_as_the_unfused_path(name: str) -> None:
    sc, an = SCENARIOS[name], Analysis(0.40)
    res = simulate(68, sc, an, n_trials=4000, seed=8)
    want = reference_rejections(8, 4000, sc, an)
    np.testing.assert_array_equal(res.rejections_null, want[0])
    np.testing.assert_array_equal(res.rejections_alternative, want[1])
