"""The batched Kaplan-Meier equals ``kaplan_meier(...).at(t)`` trial by trial.

The reference is the package's own single-trial estimator, itself checked
against R's survfit in test_estimators_reference.py; data are random, with
many exact ties (integer times), tied events and censorings, and delayed entry.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

import blina_stats as bs
from blina_stats.estimators.batched import kaplan_meier_at, loglog_statistic

TOL = 1e-12


def reference(time: np.ndarray, event: np.ndarray, entry: np.ndarray | None, t: float) -> dict:
    rows = []
    for i in range(time.shape[0]):
        km = bs.kaplan_meier(time[i], event[i], None if entry is None else entry[i])
        rows.append(km.at([t]).iloc[0])
    return {c: np.array([r[c] for r in rows]) for c in ("estimate", "se", "n_at_risk", "n_events")}


def assert_same(time: np.ndarray, event: np.ndarray, entry: np.ndarray | None, t: float) -> None:
    got = kaplan_meier_at(time, event, entry, at=t)
    ref = reference(time, event, entry, t)
    np.testing.assert_allclose(got.estimate, ref["estimate"], rtol=0, atol=TOL, equal_nan=True)
    np.testing.assert_allclose(got.se, ref["se"], rtol=0, atol=TOL, equal_nan=True)
    np.testing.assert_array_equal(got.n_at_risk, ref["n_at_risk"])
    np.testing.assert_array_equal(got.n_events, ref["n_events"])


def tied_trials(
    rng: np.random.Generator, trials: int, m: int, truncated: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    time = rng.integers(1, 15, size=(trials, m)).astype(float)
    event = rng.integers(0, 2, size=(trials, m))
    entry = None
    if truncated:
        entry = np.floor(rng.uniform(0, 1, size=(trials, m)) * time)
    return time, event, entry


@pytest.mark.parametrize("truncated", [False, True])
@pytest.mark.parametrize("t", [0.5, 3.0, 7.0, 7.5, 14.0, 20.0])
def test_matches_kaplan_meier_on_tied_data(truncated: bool, t: float) -> None:
    rng = np.random.default_rng(20240601)
    time, event, entry = tied_trials(rng, 200, 12, truncated)
    assert_same(time, event, entry, t)


def test_matches_on_continuous_68_patient_trials() -> None:
    rng = np.random.default_rng(7)
    entry = rng.uniform(60, 90, size=(50, 68))
    time = entry + rng.exponential(700, size=(50, 68))
    event = rng.uniform(size=(50, 68)) < 0.7
    assert_same(time, event.astype(int), entry, 730.5)


def test_curve_reaching_zero_and_single_patient_risk_sets() -> None:
    time = np.array([[1.0, 2.0, 2.0], [1.0, 1.0, 1.0], [3.0, 3.0, 5.0]])
    event = np.array([[1, 1, 1], [1, 1, 0], [0, 1, 1]])
    entry = np.array([[0.0, 1.0, 1.5], [0.0, 0.0, 0.0], [0.0, 2.0, 4.0]])
    for t in (0.5, 1.0, 2.0, 4.0, 6.0):
        assert_same(time, event, entry, t)
        assert_same(time, event, None, t)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    m=st.integers(1, 10),
    trials=st.integers(1, 6),
    truncated=st.booleans(),
    t=st.sampled_from([0.0, 1.0, 2.5, 4.0, 6.0, 9.0]),
)
def test_property_equals_single_trial_estimator(
    data: st.DataObject, m: int, trials: int, truncated: bool, t: float
) -> None:
    times = st.integers(1, 8).map(float)
    time = np.array(
        data.draw(
            st.lists(st.lists(times, min_size=m, max_size=m), min_size=trials, max_size=trials)
        )
    )
    event = np.array(
        data.draw(
            st.lists(
                st.lists(st.integers(0, 1), min_size=m, max_size=m),
                min_size=trials,
                max_size=trials,
            )
        )
    )
    entry = None
    if truncated:
        frac = np.array(
            data.draw(
                st.lists(
                    st.lists(st.floats(0, 0.99), min_size=m, max_size=m),
                    min_size=trials,
                    max_size=trials,
                )
            )
        )
        entry = np.floor(frac * time * 2) / 2  # half-day grid: ties with event times too
        entry = np.minimum(entry, time - 0.5)
    assert_same(time, event, entry, t)


@pytest.mark.parametrize("alpha", [0.05, 0.025])
def test_loglog_statistic_rejects_exactly_when_lower_bound_exceeds_s0(alpha: float) -> None:
    # the decision must be that of the one-sided log-log interval of kaplan_meier
    rng = np.random.default_rng(3)
    time, event, entry = tied_trials(rng, 300, 25, True)
    t, s0 = 8.0, 0.35
    got = kaplan_meier_at(time, event, entry, at=t)
    z = loglog_statistic(got.estimate, got.se, s0)
    lower = np.array(
        [
            bs.kaplan_meier(time[i], event[i], entry[i], conf_level=1 - 2 * alpha)
            .at([t])["ci_lower"]
            .iloc[0]
            for i in range(time.shape[0])
        ]
    )
    decided = np.isfinite(lower) & (np.abs(lower - s0) > 1e-9)
    assert decided.sum() > 250
    np.testing.assert_array_equal((z > norm.ppf(1 - alpha))[decided], (lower > s0)[decided])


def test_loglog_statistic_conventions() -> None:
    z = loglog_statistic(np.array([1.0, 0.0, np.nan]), np.array([0.0, np.nan, np.nan]), 0.4)
    assert z[0] == np.inf and z[1] == -np.inf and np.isnan(z[2])
