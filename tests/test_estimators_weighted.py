"""Weighted Kaplan-Meier and Aalen-Johansen, their robust variance, RMST and RMTL, against R."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blina_stats import cumulative_incidence, kaplan_meier
from blina_stats.estimators import RestrictedMean

from .conftest import run_r_script
from .test_estimators_properties import cohorts

REF = Path(__file__).parent / "reference"


def _data(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "weighted_data.csv")


def _check_curves(folder: Path) -> None:
    d = _data(folder)
    km_ref = pd.read_csv(folder / "weighted_km.csv")
    ci_ref = pd.read_csv(folder / "weighted_cuminc.csv")
    for trunc in (False, True):
        entry = d.entry if trunc else None
        # survfit(Surv(entry, time, event) ~ 1, weights = w, id = id, robust = TRUE)
        km = kaplan_meier(d.time, d.event, entry, weights=d.w)
        r = km_ref[km_ref.entry == trunc]
        np.testing.assert_array_equal(km.time, r.time)
        np.testing.assert_allclose(km.estimate, r.estimate, rtol=0, atol=1e-10)
        np.testing.assert_allclose(km.se, r.se, rtol=0, atol=1e-8)
        np.testing.assert_allclose(km.weighted_n_at_risk, r.n_at_risk, rtol=1e-10)
        np.testing.assert_allclose(km.weighted_n_events, r.n_events, rtol=1e-10, atol=1e-10)
        assert km.variance_method == "robust"
        # multi-state survfit(Surv(entry, time, factor(status)) ~ 1, weights = w, id = id)
        ci = cumulative_incidence(d.time, d.status, entry, weights=d.w)
        assert ci.variance_method == "robust"
        for k in (1, 2):
            r = ci_ref[(ci_ref.entry == trunc) & (ci_ref.cause == k)].set_index("time")
            r = r.reindex(ci.time)
            assert not r.estimate.isna().any()
            np.testing.assert_allclose(ci.estimate[:, k - 1], r.estimate, rtol=0, atol=1e-10)
            np.testing.assert_allclose(ci.se[:, k - 1], r.se, rtol=0, atol=1e-8)


def _check_restricted_means(folder: Path) -> None:
    d = _data(folder)
    ref = pd.read_csv(folder / "weighted_rmst.csv")
    assert len(ref) == 24
    for r in ref.itertuples():
        entry = d.entry if r.entry else None
        w = d.w if r.weighted else None
        if r.kind == "km":
            got = kaplan_meier(d.time, d.event, entry, weights=w).rmst(r.tau)
            # unweighted: print(survfit, rmean=)'s se; weighted: the jackknife from influence
            se, method = (r.se_ij, "robust") if r.weighted else (r.se_print, "greenwood")
        else:
            got = cumulative_incidence(d.time, d.status, entry, weights=w).rmtl(r.tau, r.cause)
            se, method = r.se_ij, "robust"
        assert got.estimate == pytest.approx(r.rmean, rel=1e-10)
        assert got.se == pytest.approx(se, rel=1e-8)
        assert got.variance_method == method and got.tau == r.tau


def test_weighted_curves_match_survfit() -> None:
    _check_curves(REF)


def test_restricted_means_match_survfit() -> None:
    _check_restricted_means(REF)


@pytest.mark.r
def test_weighted_match_survfit_live(tmp_path: Path) -> None:
    run_r_script(REF / "weighted.R", tmp_path)
    _check_curves(tmp_path)
    _check_restricted_means(tmp_path)


def test_the_naive_variance_is_not_what_a_weighted_result_reports() -> None:
    # Greenwood on the weighted counts (R's print(rmean=) se) understates the
    # uncertainty of propensity-weighted data; the result reports the robust one
    d = _data(REF)
    ref = pd.read_csv(REF / "weighted_rmst.csv")
    r = ref[(ref.kind == "km") & ref.weighted & ~ref.entry & (ref.tau == 365)].iloc[0]
    got = kaplan_meier(d.time, d.event, weights=d.w).rmst(365)
    assert got.se == pytest.approx(r.se_ij, rel=1e-8)
    assert got.se > 1.2 * r.se_print


def _fields_equal(a: object, b: object) -> None:
    for f in dataclasses.fields(a):  # type: ignore[arg-type]
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y, equal_nan=True), f.name
        elif f.compare:
            assert x == y, f.name


def test_unit_weights_give_todays_results_exactly() -> None:
    d = _data(REF)
    ones = np.ones(len(d))
    for entry in (None, d.entry):
        _fields_equal(
            kaplan_meier(d.time, d.event, entry, weights=ones), kaplan_meier(d.time, d.event, entry)
        )
        _fields_equal(
            cumulative_incidence(d.time, d.status, entry, weights=ones),
            cumulative_incidence(d.time, d.status, entry),
        )
    assert kaplan_meier(d.time, d.event, weights=ones).variance_method == "greenwood"


@settings(deadline=None)
@given(cohorts(max_causes=2), st.sampled_from(["log-log", "log", "plain"]))
def test_unit_weights_are_bit_identical(data: tuple, conf_type: str) -> None:
    time, status, entry = data
    ones = np.ones(time.size)
    _fields_equal(
        kaplan_meier(time, status > 0, entry, conf_type, weights=ones),
        kaplan_meier(time, status > 0, entry, conf_type),
    )
    _fields_equal(
        cumulative_incidence(time, status, entry, conf_type, n_causes=2, weights=ones),
        cumulative_incidence(time, status, entry, conf_type, n_causes=2),
    )


@settings(deadline=None)
@given(cohorts(max_causes=2), st.lists(st.integers(1, 4), min_size=40, max_size=40))
def test_integer_weights_are_replicated_patients(data: tuple, counts: list[int]) -> None:
    time, status, entry = data
    w = np.array(counts[: time.size])
    rep = (np.repeat(time, w), np.repeat(status, w), None if entry is None else np.repeat(entry, w))
    km = kaplan_meier(time, status > 0, entry, weights=w)
    km_rep = kaplan_meier(rep[0], rep[1] > 0, rep[2])
    np.testing.assert_array_equal(km.time, km_rep.time)
    np.testing.assert_allclose(km.estimate, km_rep.estimate, rtol=0, atol=1e-12)
    np.testing.assert_allclose(km.weighted_n_at_risk, km_rep.n_at_risk, atol=1e-9)
    ci = cumulative_incidence(time, status, entry, n_causes=2, weights=w)
    ci_rep = cumulative_incidence(*rep, n_causes=2)
    np.testing.assert_allclose(ci.estimate, ci_rep.estimate, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ci.survival + ci.estimate.sum(axis=1), 1.0, atol=1e-12)


@settings(deadline=None, max_examples=40)  # 2n refits per example
@given(cohorts(max_causes=2), st.lists(st.floats(0.2, 3.0), min_size=40, max_size=40))
def test_robust_variance_is_the_infinitesimal_jackknife(data: tuple, ws: list[float]) -> None:
    # sum_i (w_i dS/dw_i)^2 by central differences, patient by patient
    time, status, entry = data
    w = np.array(ws[: time.size])
    w[0] = w[0] + 0.5  # never all 1
    base = cumulative_incidence(time, status, entry, n_causes=2, weights=w)
    ok = base.survival > 1e-9
    jack_s, jack_f = np.zeros(base.time.size), np.zeros((base.time.size, 2))
    for i in range(time.size):
        step = 1e-6 * w[i]
        up, down = w.copy(), w.copy()
        up[i] += step
        down[i] -= step
        a = cumulative_incidence(time, status, entry, n_causes=2, weights=up)
        b = cumulative_incidence(time, status, entry, n_causes=2, weights=down)
        jack_s += (w[i] * (a.survival - b.survival) / (2 * step)) ** 2
        jack_f += (w[i] * (a.estimate - b.estimate) / (2 * step)) ** 2
    km = kaplan_meier(time, status > 0, entry, weights=w)
    np.testing.assert_allclose(km.variance[ok], jack_s[ok], rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(base.variance[ok], jack_f[ok], rtol=1e-5, atol=1e-12)


def test_zero_weights_are_patients_left_out() -> None:
    d = _data(REF)
    w = d.w.to_numpy().copy()
    w[::7] = 0.0
    keep = w > 0
    full = kaplan_meier(d.time, d.event, d.entry, weights=w)
    part = kaplan_meier(d.time[keep], d.event[keep], d.entry[keep], weights=w[keep])
    got = full.at(part.time)
    np.testing.assert_allclose(got.estimate, part.estimate, atol=1e-14)
    np.testing.assert_allclose(got.se, part.se, atol=1e-14)
    assert full.n_patients == len(d)  # every row kept and counted


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1.0, -0.5, 2.0], "`weights` must be non-negative: 1 position(s): [1]=-0.5"),
        (
            [1.0, 2.0, np.nan],
            "`weights` must be finite (no NaN or infinity): 1 position(s): [2]=nan",
        ),
        (
            [1.0, np.inf, 2.0],
            "`weights` must be finite (no NaN or infinity): 1 position(s): [1]=inf",
        ),
        ([1.0, 2.0], "`weights` has 2 values but `time` has 3: lengths must match"),
    ],
)
def test_bad_weights_are_one_clear_line(weights: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        kaplan_meier([3, 5, 8], [1, 0, 1], weights=weights)
    with pytest.raises(ValueError, match=re.escape(message)):
        cumulative_incidence([3, 5, 8], [1, 2, 1], weights=weights)


def test_restricted_mean_result() -> None:
    km = kaplan_meier([2, 4, 4, 6, 9], [1, 1, 0, 1, 0])
    got = km.rmst(5)
    # area: 1 * 2 + 0.8 * 2 + 0.6 * 1
    assert isinstance(got, RestrictedMean)
    assert got.estimate == pytest.approx(4.2, rel=1e-14)
    assert got.ci_lower < got.estimate < got.ci_upper
    assert got.ci_upper - got.estimate == pytest.approx(1.959963984540054 * got.se)
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.tau = 3.0  # type: ignore[misc]
    ci = cumulative_incidence([2, 4, 4, 6, 9], [1, 2, 0, 1, 0])
    lost = ci.rmtl(5, cause=1)
    assert lost.estimate == pytest.approx(0.2 * 3, rel=1e-14)  # F_1 = 0.2 from day 2
    assert lost.measure == "rmtl" and lost.cause == 1
    with pytest.raises(ValueError, match=re.escape("`tau` must be a positive finite time, got -1")):
        km.rmst(-1)
    with pytest.raises(ValueError, match=re.escape("`cause` must be one of (1, 2), got 3")):
        ci.rmtl(5, cause=3)


def test_times_that_are_not_whole_days_give_the_same_curves() -> None:
    # whole days are looked up in a table, other times found by binary search
    d = _data(REF)
    days = kaplan_meier(d.time, d.event, d.entry, weights=d.w)
    scaled = kaplan_meier(d.time / 7.0 + 0.1, d.event, d.entry / 7.0 + 0.1, weights=d.w)
    np.testing.assert_allclose(scaled.estimate, days.estimate, rtol=0, atol=1e-14)
    np.testing.assert_allclose(scaled.se, days.se, rtol=0, atol=1e-14)
    ci = cumulative_incidence(d.time * 1e6, d.status, weights=d.w)  # past the lookup table
    ref = cumulative_incidence(d.time, d.status, weights=d.w)
    np.testing.assert_allclose(ci.se, ref.se, rtol=0, atol=1e-14)


def test_a_weighted_incidence_refuses_another_variance() -> None:
    message = (
        "`variance='delta'` is not available with `weights`: a weighted incidence "
        "reports the robust (infinitesimal jackknife) variance"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        cumulative_incidence([3, 5, 8], [1, 2, 1], variance="delta", weights=[1, 2, 1])
    # unit weights are the unweighted estimator, whose options all apply
    got = cumulative_incidence([3, 5, 8], [1, 2, 1], variance="delta", weights=[1, 1, 1])
    assert got.variance_method == "delta"


def test_the_html_names_the_variance() -> None:
    d = _data(REF)
    assert "robust" in kaplan_meier(d.time, d.event, weights=d.w)._repr_html_()
    assert "greenwood" in kaplan_meier(d.time, d.event)._repr_html_()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(1, 30), min_size=2, max_size=40),
    st.lists(st.floats(0.05, 5.0), min_size=40, max_size=40),
    st.booleans(),
)
def test_a_weighted_curve_never_goes_below_zero(days, w, entry) -> None:
    # every patient fails: the last risk set is the sum of its own weights, and the curve
    # ends at exactly 0 (running totals subtracted once left -5e-15 here)
    time = np.asarray(days, dtype=float) + 0.5
    weights = np.asarray(w[: time.size])
    start = np.where(np.arange(time.size) % 3 == 0, 0.25, 0.0) if entry else None
    km = kaplan_meier(time, np.ones(time.size, dtype=int), entry=start, weights=weights)
    assert np.all(km.estimate >= 0.0)
    assert km.estimate[-1] == 0.0
    aj = cumulative_incidence(time, np.ones(time.size, dtype=int), entry=start, weights=weights)
    assert np.all(aj.estimate <= 1.0)
