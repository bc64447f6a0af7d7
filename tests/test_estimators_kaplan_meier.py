"""Kaplan-Meier: the step function's semantics, and agreement with lifelines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter

import blina_stats as bs


def test_hand_computed_example() -> None:
    # 6 patients, events at 1, 2, 3, 5; censored at 2 (tied with an event) and 4
    km = bs.kaplan_meier([1, 2, 2, 3, 4, 5], [1, 1, 0, 1, 0, 1])
    np.testing.assert_array_equal(km.n_at_risk, [6, 5, 3, 2, 1])
    want = np.cumprod([5 / 6, 4 / 5, 2 / 3, 1.0, 0.0])
    np.testing.assert_allclose(km.estimate, want, rtol=0, atol=1e-15)
    gw = np.cumsum([1 / (6 * 5), 1 / (5 * 4), 1 / (3 * 2)])
    np.testing.assert_allclose(km.variance[:3], want[:3] ** 2 * gw, rtol=1e-14)


def test_at_between_before_and_beyond_the_observed_times() -> None:
    km = bs.kaplan_meier([2.0, 4.0, 6.0], [1, 0, 0])
    got = km.at([0.0, 1.9, 2.0, 5.0, 6.0, 6.5])
    np.testing.assert_allclose(got["estimate"], [1, 1, 2 / 3, 2 / 3, 2 / 3, np.nan])
    np.testing.assert_array_equal(got["n_events"], [0, 0, 1, 1, 1, 1])
    np.testing.assert_array_equal(got["n_at_risk"], [3, 3, 3, 1, 1, 0])
    # a curve that reached 0 stays 0 beyond its last time
    done = bs.kaplan_meier([2.0, 4.0], [1, 1]).at([10.0])
    assert done["estimate"].iloc[0] == 0.0


def test_reverse_kaplan_meier_swaps_events_and_censorings() -> None:
    time, event = np.array([3, 5, 5, 8, 12, 13.0]), np.array([1, 0, 1, 1, 0, 0])
    rev = bs.kaplan_meier(time, event, reverse=True)
    direct = bs.kaplan_meier(time, 1 - event)
    np.testing.assert_array_equal(rev.estimate, direct.estimate)
    assert rev.reverse and rev.median.estimate == direct.median.estimate


def test_median_is_midpoint_when_the_curve_sits_at_one_half() -> None:
    # S = 0.5 on [2, 4): R's quantile.survfit gives (2 + 4) / 2
    km = bs.kaplan_meier([1, 2, 4, 5], [1, 0, 1, 0])
    assert km.estimate[0] == 0.75
    km = bs.kaplan_meier([1, 2, 4, 5], [1, 1, 1, 0])
    assert km.median.estimate == 3.0


def test_median_not_reached_is_nan() -> None:
    assert np.isnan(bs.kaplan_meier([1, 2, 3, 4], [1, 0, 0, 0]).median.estimate)


def test_to_frame_and_html() -> None:
    km = bs.kaplan_meier([1, 2, 2, 3], [1, 1, 0, 0])
    frame = km.to_frame()
    assert list(frame.columns) == [
        "n_at_risk",
        "n_events",
        "n_censored",
        "estimate",
        "variance",
        "se",
        "ci_lower",
        "ci_upper",
    ]
    assert frame.index.name == "time"
    assert "Kaplan-Meier" in km._repr_html_()


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("entry", [False, True])
def test_agrees_with_lifelines_survival_and_interval(seed: int, entry: bool) -> None:
    rng = np.random.default_rng(seed)
    n = 300
    time = np.round(rng.exponential(100, n), 0) + 1
    event = rng.random(n) < 0.7
    start = np.floor(time * rng.choice([0, 0, 0.3, 0.6], n)) if entry else None
    ours = bs.kaplan_meier(time, event, entry=start)
    kmf = KaplanMeierFitter().fit(time, event, entry=start)
    t = ours.time
    np.testing.assert_allclose(
        ours.estimate, kmf.survival_function_at_times(t).to_numpy(), atol=1e-12
    )
    ci = kmf.confidence_interval_.reindex(t)  # lifelines: log-log (exponential Greenwood) interval
    live = ours.se > 0
    np.testing.assert_allclose(ours.ci_lower[live], ci.iloc[:, 0].to_numpy()[live], atol=1e-10)
    np.testing.assert_allclose(ours.ci_upper[live], ci.iloc[:, 1].to_numpy()[live], atol=1e-10)
    table = kmf.event_table.reindex(t)
    np.testing.assert_array_equal(ours.n_events, table["observed"].to_numpy())
    if not entry:
        np.testing.assert_array_equal(ours.n_at_risk, table["at_risk"].to_numpy())


def test_accepts_pandas_and_bool() -> None:
    km = bs.kaplan_meier(pd.Series([3.0, 1.0]), pd.Series([True, False]))
    assert km.estimate.tolist() == [1.0, 0.0]
