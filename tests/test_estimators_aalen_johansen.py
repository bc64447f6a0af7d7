"""Aalen-Johansen: semantics, the delta-method variance, and lifelines' jitter on ties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import AalenJohansenFitter

import blina_stats as bs

from .conftest import REFERENCE


def test_hand_computed_example_with_a_tie_across_causes() -> None:
    # at t=3 one cause-1 and one cause-2 event enter together among 4 at risk
    ci = bs.cumulative_incidence([2, 3, 3, 5, 7], [1, 2, 1, 0, 1])
    np.testing.assert_allclose(ci.estimate[:, 0], [0.2, 0.4, 0.4, 0.8])
    np.testing.assert_allclose(ci.estimate[:, 1], [0.0, 0.2, 0.2, 0.2])
    np.testing.assert_allclose(ci.survival, [0.8, 0.4, 0.4, 0.0])


def test_at_semantics_before_between_and_beyond() -> None:
    ci = bs.cumulative_incidence([2.0, 3.0, 6.0], [1, 2, 0])
    got = ci.at([0.0, 2.5, 6.0, 7.0], cause=1)
    np.testing.assert_allclose(got["estimate"], [0.0, 1 / 3, 1 / 3, np.nan])
    np.testing.assert_array_equal(got["n_events"], [0, 1, 1, 1])
    np.testing.assert_array_equal(got["n_at_risk"], [3, 2, 1, 0])
    # all patients failed: the curve is final beyond the last time
    final = bs.cumulative_incidence([2.0, 3.0], [1, 2]).at([9.0], cause=2)
    assert final["estimate"].iloc[0] == 0.5


def test_a_cause_without_events_has_a_zero_curve() -> None:
    ci = bs.cumulative_incidence([1, 2, 3], [1, 0, 1], n_causes=3)
    assert ci.causes == (1, 2, 3)
    assert (ci.estimate[:, 1:] == 0).all() and (ci.variance[:, 1:] == 0).all()


def test_all_censored_gives_zero_incidence_and_survival_one() -> None:
    ci = bs.cumulative_incidence([5, 10, 10, 20], [0, 0, 0, 0])
    assert (ci.estimate == 0).all() and (ci.survival == 1).all()


def test_delta_variance_matches_lifelines_on_untied_data() -> None:
    # without ties lifelines does not jitter, and its variance is the same delta method
    rng = np.random.default_rng(7)
    n = 200
    time = rng.permutation(np.arange(1, n + 1)).astype(float)
    status = rng.choice([0, 1, 2], n, p=[0.3, 0.4, 0.3])
    ours = bs.cumulative_incidence(time, status, variance="delta")
    ajf = AalenJohansenFitter(calculate_variance=True).fit(time, status, event_of_interest=1)
    theirs = ajf.variance_.reindex(ours.time).to_numpy().ravel()
    np.testing.assert_allclose(
        ours.estimate[:, 0],
        ajf.cumulative_density_.reindex(ours.time).to_numpy().ravel(),
        atol=1e-12,
    )
    # lifelines divides by n - d = 0 at the last time (NaN); the term is 0 there, as we take it
    ok = np.isfinite(theirs)
    assert ok[:-1].all()
    np.testing.assert_allclose(ours.variance[ok, 0], theirs[ok], rtol=1e-9, atol=1e-14)


def test_lifelines_jitters_ties_while_we_match_cmprsk() -> None:
    data = pd.read_csv(REFERENCE / "estimators_data.csv").query("dataset == 'tied'")
    ref = pd.read_csv(REFERENCE / "estimators_cuminc.csv").query("dataset == 'tied' and cause == 1")
    time, status = data["time"].to_numpy(), data["status"].to_numpy()
    ours = bs.cumulative_incidence(time, status).at(ref["time"], cause=1)
    np.testing.assert_allclose(ours["estimate"], ref["estimate"], rtol=0, atol=1e-10)
    np.random.seed(0)  # noqa: NPY002 - lifelines jitters with numpy's global generator
    with pytest.warns(Warning, match="[Tt]ied"):
        ajf = AalenJohansenFitter(calculate_variance=False).fit(time, status, event_of_interest=1)
    theirs = ajf.cumulative_density_.iloc[:, 0]
    at = theirs.reindex(theirs.index.union(ref["time"])).ffill().reindex(ref["time"]).fillna(0.0)
    assert np.abs(at.to_numpy() - ref["estimate"].to_numpy()).max() > 1e-3
