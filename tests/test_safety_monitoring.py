"""Beta-binomial monitoring: boundaries against direct integration of the posterior,
operating characteristics against brute-force enumeration of every outcome sequence."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from blina_stats.safety import (
    monitor,
    monitoring_rule,
    nrm_outcomes,
    operating_characteristics,
)

from .safety_fixtures import cohort


def _tail(p0: float, a: float, b: float, k: int, m: int) -> float:
    """Pr(p > p0 | k of m) by numerical integration of the unnormalised posterior."""

    def dens(p: float) -> float:
        return float(p ** (a + k - 1) * (1 - p) ** (b + m - k - 1))

    top = integrate.quad(dens, p0, 1, epsabs=1e-13, epsrel=1e-11)[0]
    bottom = top + integrate.quad(dens, 0, p0, epsabs=1e-13, epsrel=1e-11)[0]
    return top / bottom


def _brute_boundary(p0: float, a: float, b: float, tau: float, m: int) -> int | None:
    for k in range(m + 1):
        if _tail(p0, a, b, k, m) > tau:
            return k
    return None


@pytest.mark.parametrize(
    ("p0", "prior", "tau"),
    [(0.20, None, 0.90), (0.15, (1.0, 1.0), 0.95), (0.30, (0.6, 1.4), 0.80)],
)
def test_boundaries_match_integrated_posterior(
    p0: float, prior: tuple[float, float] | None, tau: float
) -> None:
    rule = monitoring_rule(p0, prior=prior, probability=tau, n_max=25)
    a, b = prior or (p0, 1 - p0)
    table = rule.to_frame()
    for m, k in zip(table["n_patients"], table["stop_if_at_least"], strict=True):
        expected = _brute_boundary(p0, a, b, tau, int(m))
        assert (None if pd.isna(k) else int(k)) == expected, m


def test_looks_every_cohort() -> None:
    rule = monitoring_rule(0.2, n_max=23, min_patients=5, cohort_size=5)
    assert rule.looks.tolist() == [5, 10, 15, 20, 23]


def _brute_oc(rule_bound: np.ndarray, n: int, rate: float) -> tuple[float, float]:
    """P(stop) and E[N] by enumerating all 2^n outcome sequences."""
    p_stop = e_n = 0.0
    for seq in itertools.product((0, 1), repeat=n):
        prob = rate ** sum(seq) * (1 - rate) ** (n - sum(seq))
        k, stopped_at = 0, n
        for m, x in enumerate(seq, start=1):
            k += x
            if k >= rule_bound[m - 1]:
                stopped_at = m
                p_stop += prob
                break
        e_n += prob * stopped_at
    return p_stop, e_n


@pytest.mark.parametrize("cohort_size", [1, 3])
def test_exact_oc_matches_enumeration(cohort_size: int) -> None:
    n = 11
    rule = monitoring_rule(0.2, n_max=n, cohort_size=cohort_size)
    bound = np.full(n, n + 1)
    bound[rule.looks - 1] = rule.boundaries
    rates = [0.05, 0.2, 0.35, 0.6]
    oc = operating_characteristics(rule, rates, method="exact")
    for rate, row in zip(rates, oc.itertuples(), strict=True):
        p_stop, e_n = _brute_oc(bound, n, rate)
        assert row.prob_stop == pytest.approx(p_stop, abs=1e-12)
        assert row.expected_n == pytest.approx(e_n, abs=1e-10)


def test_simulation_agrees_with_exact_and_is_seeded() -> None:
    rule = monitoring_rule(0.2, n_max=68)
    rates = [0.1, 0.2, 0.3]
    exact = rule.operating_characteristics(rates, method="exact")
    sim = rule.operating_characteristics(rates, n_trials=20_000, seed=3)
    se = np.sqrt(exact["prob_stop"] * (1 - exact["prob_stop"]) / 20_000)
    assert (np.abs(sim["prob_stop"] - exact["prob_stop"]) < 4 * se + 1e-12).all()
    np.testing.assert_allclose(sim["expected_n"], exact["expected_n"], rtol=0.02)
    again = rule.operating_characteristics(rates, n_trials=20_000, seed=3)
    assert sim.equals(again)
    # more events, more stopping
    assert exact["prob_stop"].is_monotonic_increasing
    assert exact["expected_n"].is_monotonic_decreasing


def test_monitor_stops_at_the_boundary() -> None:
    rule = monitoring_rule(0.2, n_max=10)
    # one event in one patient: Pr(p > 0.2) below 0.9, so no stop; two in two: above
    assert _tail(0.2, 0.2, 0.8, 1, 1) < 0.9 < _tail(0.2, 0.2, 0.8, 2, 2)
    out = monitor(rule, [True, True, False])
    assert out["events"].tolist() == [1, 2, 2]
    assert out["stop"].tolist()[:2] == [False, True]
    assert out.attrs["stopped_at"] == 2
    np.testing.assert_allclose(
        out["posterior_probability"], [_tail(0.2, 0.2, 0.8, 1, 1), _tail(0.2, 0.2, 0.8, 2, 2),
                                       _tail(0.2, 0.2, 0.8, 2, 3)], rtol=1e-8
    )  # fmt: skip
    quiet = monitor(rule, [False, None, False])
    assert len(quiet) == 2 and quiet.attrs["stopped_at"] is None


def test_nrm_outcomes() -> None:
    # enrollment order P3 (65), P1 (70), P2 (80), P4 (90); P2 died on day 150 in remission,
    # P3 relapsed on day 200, P4 was last seen on day 95
    by_day_100 = nrm_outcomes(cohort(), origin="transplant")
    assert by_day_100.tolist()[:3] == [False, False, False]
    assert by_day_100.isna().tolist() == [False, False, False, True]
    out = nrm_outcomes(cohort(), horizon=200, origin="transplant")
    assert out.index.tolist() == ["P3", "P1", "P2", "P4"]
    assert out.tolist()[:3] == [False, False, True]
    # from the first dose: P2 (first dose day 80) dies on day 150, within 100 days of it
    late = nrm_outcomes(cohort(), horizon=100)  # the default origin: the first dose
    assert late.tolist()[:3] == [False, False, True]
    assert late.isna().tolist() == [False, False, False, True]  # P4: seen to day 95 only


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 1.2}, "threshold must be a rate"),
        ({"threshold": 0.2, "probability": 1.0}, "probability must be in"),
        ({"threshold": 0.2, "prior": (0.0, 1.0)}, "prior must be two positive"),
        ({"threshold": 0.2, "min_patients": 0}, "min_patients"),
    ],
)
def test_bad_rules(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        monitoring_rule(**kwargs)  # type: ignore[arg-type]
