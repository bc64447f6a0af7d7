"""Invariants of the estimators, on random tied and left-truncated data (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import blina_stats as bs


@st.composite
def cohorts(
    draw: st.DrawFn, max_causes: int = 3
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    n = draw(st.integers(1, 40))
    # few distinct values, so ties between events, causes and censorings are common
    time = np.array(draw(st.lists(st.integers(1, 12), min_size=n, max_size=n)), dtype=float)
    status = np.array(draw(st.lists(st.integers(0, max_causes), min_size=n, max_size=n)))
    entry = None
    if draw(st.booleans()):
        frac = np.array(
            draw(st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.9]), min_size=n, max_size=n))
        )
        entry = np.floor(time * frac)  # often equal to other patients' event times
    return time, status, entry


@given(cohorts())
@settings(max_examples=150, deadline=None)
def test_survival_plus_incidences_is_one(data) -> None:
    time, status, entry = data
    ci = bs.cumulative_incidence(time, status, entry=entry)
    total = ci.survival + ci.estimate.sum(axis=1)
    np.testing.assert_allclose(total, 1.0, rtol=0, atol=1e-12)


@given(cohorts(), st.randoms(use_true_random=False))
@settings(max_examples=100, deadline=None)
def test_row_order_does_not_change_any_result(data, rnd) -> None:
    time, status, entry = data
    perm = np.array(rnd.sample(range(time.size), time.size))
    shuffled_entry = None if entry is None else entry[perm]
    a = bs.cumulative_incidence(time, status, entry=entry).to_frame()
    b = bs.cumulative_incidence(time[perm], status[perm], entry=shuffled_entry).to_frame()
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())
    k1 = bs.kaplan_meier(time, status > 0, entry=entry).to_frame()
    k2 = bs.kaplan_meier(time[perm], status[perm] > 0, entry=shuffled_entry).to_frame()
    np.testing.assert_array_equal(k1.to_numpy(), k2.to_numpy())


CONF_TYPES = ["log-log", "log", "plain", "arcsine", "logit"]


def _in_unit_interval(estimate: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
    """0 <= lower <= estimate <= upper <= 1 exactly; a bound is a number or NaN, never inf."""
    assert ((estimate >= 0) & (estimate <= 1)).all(), estimate.max()
    for bound in (lower, upper):
        assert not np.isinf(bound).any()
    ok = ~np.isnan(lower) & ~np.isnan(upper)
    assert (np.isnan(lower) == np.isnan(upper)).all()
    assert (lower[ok] >= 0).all() and (upper[ok] <= 1).all()
    assert (lower[ok] <= estimate[ok]).all() and (estimate[ok] <= upper[ok]).all()


@given(cohorts(), st.sampled_from(CONF_TYPES))
@example(
    data=(np.array([10.0, 15, 17, 21, 23, 26, 27]), np.ones(7, int), None), conf_type="log-log"
)
@settings(max_examples=150, deadline=None)
def test_estimates_and_bounds_stay_in_unit_interval(data, conf_type) -> None:
    time, status, entry = data
    km = bs.kaplan_meier(time, status > 0, entry=entry, conf_type=conf_type)
    ci = bs.cumulative_incidence(time, status, entry=entry, conf_type=conf_type)
    _in_unit_interval(km.estimate, km.ci_lower, km.ci_upper)
    _in_unit_interval(ci.estimate, ci.ci_lower, ci.ci_upper)


@pytest.mark.parametrize("conf_type", CONF_TYPES)
def test_every_patient_failing_of_one_cause_ends_at_one(conf_type: str) -> None:
    # the boundary issue: 7 distinct event times summed to 1.0000000000000002, upper bound inf
    for n in range(1, 200):
        ci = bs.cumulative_incidence(np.arange(1.0, n + 1), np.ones(n, int), conf_type=conf_type)
        assert 1.0 - 1e-14 <= ci.estimate[-1, 0] <= 1.0
        _in_unit_interval(ci.estimate, ci.ci_lower, ci.ci_upper)


@given(cohorts())
@settings(max_examples=150, deadline=None)
def test_kaplan_meier_is_the_one_cause_aalen_johansen_complement(data) -> None:
    time, status, entry = data
    event = (status > 0).astype(int)
    km = bs.kaplan_meier(time, event, entry=entry)
    ci = bs.cumulative_incidence(time, event, entry=entry, n_causes=1)
    np.testing.assert_allclose(1.0 - ci.estimate[:, 0], km.estimate, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ci.survival, km.estimate)


@given(cohorts(), st.integers(1, 1000))
@settings(max_examples=100, deadline=None)
def test_a_constant_shift_of_all_times_shifts_the_curve(data, shift) -> None:
    time, status, entry = data
    moved_entry = None if entry is None else entry + shift
    a = bs.cumulative_incidence(time, status, entry=entry)
    b = bs.cumulative_incidence(time + shift, status, entry=moved_entry)
    np.testing.assert_array_equal(a.time + shift, b.time)
    np.testing.assert_array_equal(a.estimate, b.estimate)
    np.testing.assert_array_equal(a.variance, b.variance)
    np.testing.assert_array_equal(a.n_at_risk, b.n_at_risk)


@given(cohorts(), st.lists(st.floats(0, 15, allow_nan=False), min_size=1, max_size=10))
@settings(max_examples=100, deadline=None)
def test_numbers_at_risk_count_patients_entered_before_and_followed_at_t(data, ts) -> None:
    time, status, entry = data
    t = np.array(ts)
    got = bs.kaplan_meier(time, status > 0, entry=entry).at(t)["n_at_risk"].to_numpy()
    start = np.full(time.size, -np.inf) if entry is None else entry
    want = ((start[None, :] < t[:, None]) & (time[None, :] >= t[:, None])).sum(axis=1)
    np.testing.assert_array_equal(got, want)
