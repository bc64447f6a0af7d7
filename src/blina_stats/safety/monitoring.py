"""Bayesian continuous safety monitoring (Thall-Simon style beta-binomial stopping rules).

The protocol states no stopping rule; this module gives one for excess
non-relapse mortality or grade >= 3 non-hematologic toxicity.  With a
``Beta(a, b)`` prior on the event rate :math:`p`, after :math:`k` events in
the first :math:`m` evaluable patients the posterior is
``Beta(a + k, b + m - k)``, and the trial stops when

.. math:: \\Pr(p > p_0 \\mid k, m) > \\tau ,

with :math:`p_0` the highest acceptable rate and :math:`\\tau` the required
posterior probability (0.90 by default).  Since the posterior tail grows
with :math:`k`, the rule is a boundary: stop if at least :math:`k_m` events
among the first :math:`m` patients.  Its operating characteristics
(probability of stopping, expected number of patients) under a grid of true
rates come from vectorised simulation or from the exact recursion over the
number of events.

Outcomes are taken as known when the next patient is evaluated; in practice
an outcome by day +100 is known only 100 days later, so the rule is applied
to evaluable patients in enrollment order (:func:`monitor`); the outcomes
monitored, each with its window, are in :mod:`blina_stats.safety.outcomes`.

References
----------
Thall, P. F. and Simon, R. (1994). Practical Bayesian guidelines for phase
IIB clinical trials. Biometrics 50:337-349.
Thall, P. F., Simon, R. and Estey, E. H. (1995). Bayesian sequential
monitoring designs for single-arm clinical trials with multiple outcomes.
Statistics in Medicine 14:357-379.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class MonitoringRule:
    """A beta-binomial stopping rule; build it with :func:`monitoring_rule`.

    Attributes
    ----------
    threshold : float
        :math:`p_0`, the highest acceptable event rate.
    prior : tuple of float
        ``(a, b)`` of the Beta prior.
    probability : float
        :math:`\\tau`: stop when :math:`\\Pr(p > p_0 \\mid data) > \\tau`.
    n_max : int
        Patients monitored.
    looks : ndarray of int
        Numbers of evaluable patients at which the rule is checked.
    boundaries : ndarray of int
        For each look, stop if at least this many events; ``n_max + 1`` when
        stopping is impossible there.
    outcome : str
        What is counted, for captions.
    window : str or None
        When it is counted (``"within 100 days after the first dose"``), as
        stated in every caption; None when not given.
    """

    threshold: float
    prior: tuple[float, float]
    probability: float
    n_max: int
    looks: IntArray = field(repr=False)
    boundaries: IntArray = field(repr=False)
    outcome: str = "event"
    window: str | None = None

    def posterior_probability(self, events: npt.ArrayLike, patients: npt.ArrayLike) -> np.ndarray:
        """:math:`\\Pr(p > p_0 \\mid k, m)` for `events` k among `patients` m."""
        k = np.asarray(events, dtype=np.float64)
        m = np.asarray(patients, dtype=np.float64)
        a, b = self.prior
        return np.asarray(stats.beta.sf(self.threshold, a + k, b + m - k), dtype=np.float64)

    def to_frame(self) -> pd.DataFrame:
        """The boundary: ``n_patients``, ``stop_if_at_least`` (``<NA>``: cannot stop yet)."""
        stop = pd.array(self.boundaries, dtype="Int64")
        stop[self.boundaries > self.looks] = pd.NA
        table = pd.DataFrame({"n_patients": self.looks, "stop_if_at_least": stop})
        table.attrs["caption"] = self.describe()
        return table

    def describe(self) -> str:
        a, b = self.prior
        what = self.outcome if self.window is None else f"{self.outcome} {self.window}"
        return (
            f"Stop for {what} if Pr(rate > {self.threshold:g} | data) > "
            f"{self.probability:g}, prior Beta({a:g}, {b:g}), up to {self.n_max} patients "
            "(Thall, Simon & Estey 1995)"
        )

    def operating_characteristics(
        self,
        rates: npt.ArrayLike,
        *,
        method: str = "simulation",
        n_trials: int = 10_000,
        seed: int | np.random.Generator = 0,
    ) -> pd.DataFrame:
        """See :func:`operating_characteristics`."""
        return operating_characteristics(self, rates, method=method, n_trials=n_trials, seed=seed)

    def _repr_html_(self) -> str:
        frame = self.to_frame().dropna()
        return f"<p>{self.describe()}</p>" + frame.to_html(index=False)


def monitoring_rule(
    threshold: float,
    *,
    prior: tuple[float, float] | None = None,
    probability: float = 0.90,
    n_max: int = 68,
    min_patients: int = 1,
    cohort_size: int = 1,
    outcome: str = "event",
    window: str | None = None,
) -> MonitoringRule:
    """The stopping boundary of a Thall-Simon style beta-binomial monitoring rule.

    Parameters
    ----------
    threshold : float
        :math:`p_0`: the highest acceptable rate of the event (e.g. 0.20 for
        non-relapse mortality by day +100).
    prior : (float, float), optional
        Beta prior ``(a, b)``; default ``(p0, 1 - p0)``: centred on the
        threshold, worth one patient (a weak prior, as Thall, Simon & Estey
        1995 recommend for the experimental arm).
    probability : float
        :math:`\\tau` in (0, 1): stop when the posterior probability that the
        rate exceeds the threshold is above it.
    n_max : int
        Patients monitored (the trial's 68).
    min_patients : int
        First look (no stopping before this many evaluable patients).
    cohort_size : int
        Look after every `cohort_size` patients (1: continuous monitoring),
        and always at `n_max`.
    outcome : str
        Name of the event, for captions.
    window : str, optional
        When the event is counted, for captions (:func:`monitoring_window`
        gives the text; the outcomes of :func:`~blina_stats.safety.nrm_outcomes` and
        :func:`~blina_stats.safety.toxicity_outcomes` carry theirs in
        ``attrs["window"]``, which :func:`monitor` checks against it).

    Returns
    -------
    MonitoringRule
        ``.to_frame()`` gives the boundary; ``.operating_characteristics(rates)``.

    Notes
    -----
    The boundary at :math:`m` patients is the smallest :math:`k` with
    ``beta.sf(p0, a + k, b + m - k) > probability``.

    References
    ----------
    Thall, P. F., Simon, R. and Estey, E. H. (1995). Statistics in Medicine
    14:357-379.

    Examples
    --------
    >>> from blina_stats.safety import monitoring_rule
    >>> rule = monitoring_rule(0.20, n_max=10)
    >>> rule.to_frame().dropna().head(3).to_numpy().tolist()
    [[2, 2], [3, 2], [4, 3]]
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be a rate in (0, 1), got {threshold!r}")
    if not 0 < probability < 1:
        raise ValueError(f"probability must be in (0, 1), got {probability!r}")
    a, b = prior if prior is not None else (threshold, 1.0 - threshold)
    if not (a > 0 and b > 0):
        raise ValueError(f"prior must be two positive Beta parameters, got {(a, b)!r}")
    if int(n_max) < 1 or not 1 <= int(min_patients) <= int(n_max) or int(cohort_size) < 1:
        raise ValueError(
            "need n_max >= 1, 1 <= min_patients <= n_max and cohort_size >= 1, got "
            f"n_max={n_max!r}, min_patients={min_patients!r}, cohort_size={cohort_size!r}"
        )
    n_max, first, step = int(n_max), int(min_patients), int(cohort_size)
    looks = np.unique(np.r_[np.arange(first, n_max + 1, step), n_max]).astype(np.int64)
    k = np.arange(n_max + 1)
    m = looks[:, None]
    tail = stats.beta.sf(threshold, a + k[None, :], b + np.maximum(m - k[None, :], 0))
    stop = (tail > probability) & (k[None, :] <= m)
    # first k that stops (the tail grows with k); n_max + 1 when none does
    boundaries = np.where(stop.any(axis=1), stop.argmax(axis=1), n_max + 1).astype(np.int64)
    return MonitoringRule(
        float(threshold),
        (float(a), float(b)),
        float(probability),
        n_max,
        looks,
        boundaries,
        outcome,
        window,
    )


def _full_boundary(rule: MonitoringRule) -> IntArray:
    """Boundary at every patient 1..n_max (never stopping between looks)."""
    full = np.full(rule.n_max, rule.n_max + 1, dtype=np.int64)
    full[rule.looks - 1] = rule.boundaries
    return full


def operating_characteristics(
    rule: MonitoringRule,
    rates: npt.ArrayLike,
    *,
    method: str = "simulation",
    n_trials: int = 10_000,
    seed: int | np.random.Generator = 0,
) -> pd.DataFrame:
    """Probability of stopping and expected sample size under true event rates.

    Parameters
    ----------
    rule : MonitoringRule
    rates : array_like
        True event rates.
    method : {"simulation", "exact"}
        Vectorised simulation of `n_trials` trials per rate, or the exact
        forward recursion over the number of events among patients not yet
        stopped.
    n_trials : int
        Simulated trials per rate.
    seed : int or numpy.random.Generator

    Returns
    -------
    DataFrame
        ``true_rate``, ``prob_stop``, ``expected_n`` (patients treated when
        the trial stops, or ``n_max``), ``mc_se`` (Monte Carlo standard
        error of ``prob_stop``; 0 for ``"exact"``), ``method``.
    """
    p = np.atleast_1d(np.asarray(rates, dtype=np.float64))
    if np.any((p < 0) | (p > 1)):
        raise ValueError(f"rates must be in [0, 1], got {p.tolist()!r}")
    bound = _full_boundary(rule)
    if method == "exact":
        stop_at = _exact_stop_probabilities(bound, p)
        prob = stop_at.sum(axis=1)
        n_at = np.arange(1, rule.n_max + 1)
        expected = stop_at @ n_at + (1 - prob) * rule.n_max
        se = np.zeros_like(prob)
    elif method == "simulation":
        rng = np.random.default_rng(seed)
        prob, expected = np.empty(len(p)), np.empty(len(p))
        for j, rate in enumerate(p):  # a few rates; every trial of a rate at once
            cum = np.cumsum(rng.random((int(n_trials), rule.n_max)) < rate, axis=1)
            crossed = cum >= bound[None, :]
            stopped = crossed.any(axis=1)
            n_used = np.where(stopped, crossed.argmax(axis=1) + 1, rule.n_max)
            prob[j], expected[j] = stopped.mean(), n_used.mean()
        se = np.sqrt(prob * (1 - prob) / int(n_trials))
    else:
        raise ValueError(f"method must be 'simulation' or 'exact', got {method!r}")
    table = pd.DataFrame(
        {"true_rate": p, "prob_stop": prob, "expected_n": expected, "mc_se": se, "method": method}
    )
    table.attrs["caption"] = rule.describe()
    return table


def _exact_stop_probabilities(bound: IntArray, rates: np.ndarray) -> np.ndarray:
    """P(stop at patient m) for each rate (rows) and m = 1..n (columns), by recursion.

    ``alive[k]`` is the probability of k events among the first m patients
    without having stopped; each patient moves it one step, then the mass at
    or above the boundary stops.
    """
    n = len(bound)
    alive = np.zeros((len(rates), n + 1))
    alive[:, 0] = 1.0
    out = np.zeros((len(rates), n))
    q = rates[:, None]
    k = np.arange(n + 1)
    for m in range(n):  # patients within one trial: n steps of an O(n) update
        alive = alive * (1 - q) + np.concatenate([np.zeros((len(rates), 1)), alive[:, :-1]], 1) * q
        over = k >= bound[m]
        out[:, m] = alive[:, over].sum(axis=1)
        alive[:, over] = 0.0
    return out


def monitor(rule: MonitoringRule, outcomes: pd.Series | Sequence[bool]) -> pd.DataFrame:
    """Apply a rule to observed outcomes in enrollment order.

    Parameters
    ----------
    rule : MonitoringRule
    outcomes : Series or sequence of bool
        One per patient in enrollment order (a Series keeps its index as the
        patient); missing values (not yet evaluable) are skipped.  A Series
        from :func:`~blina_stats.safety.nrm_outcomes` or
        :func:`~blina_stats.safety.toxicity_outcomes` states its window in
        ``attrs["window"]``: the rule takes it when it has none, and a rule
        stating another window is a ValueError.

    Returns
    -------
    DataFrame
        One row per evaluable patient: ``patient`` , ``n_patients``,
        ``events``, ``posterior_probability`` (:math:`\\Pr(p > p_0)`),
        ``stop_if_at_least`` (``<NA>``: no look or cannot stop),
        ``stop`` (the boundary is reached); ``attrs["stopped_at"]`` is the
        first patient count at which the rule stops, or None;
        ``attrs["window"]`` the window counted (or None);
        ``attrs["not_evaluable"]`` the patients skipped (their index labels);
        ``attrs["caption"]`` the rule, its window and the patients not yet evaluable.
    """
    counted = outcomes.attrs.get("window") if isinstance(outcomes, pd.Series) else None
    if counted is not None and rule.window not in (None, counted):
        raise ValueError(
            f"the rule is stated for {rule.outcome} {rule.window} but the outcomes count "
            f"{counted}: build the rule with window={counted!r}"
        )
    if rule.window is None and counted is not None:
        rule = replace(rule, window=counted)
    s = outcomes if isinstance(outcomes, pd.Series) else pd.Series(list(outcomes))
    s = s.astype("boolean")
    not_evaluable = tuple(s.index[s.isna()].tolist())
    skipped = len(not_evaluable)
    s = s.dropna()
    if len(s) > rule.n_max:
        raise ValueError(f"{len(s)} evaluable patients but the rule monitors {rule.n_max}")
    x = s.to_numpy(dtype=bool)
    m = np.arange(1, len(x) + 1)
    k = np.cumsum(x)
    bound = _full_boundary(rule)[: len(x)]
    at = pd.array(bound, dtype="Int64")
    at[bound > m] = pd.NA
    stop = k >= bound
    table = pd.DataFrame(
        {
            "patient": s.index.to_numpy(),
            "n_patients": m,
            "events": k,
            "posterior_probability": rule.posterior_probability(k, m),
            "stop_if_at_least": at,
            "stop": stop,
        }
    )
    table.attrs["stopped_at"] = int(m[stop.argmax()]) if stop.any() else None
    table.attrs["window"] = rule.window
    table.attrs["not_evaluable"] = not_evaluable
    table.attrs["caption"] = rule.describe()
    if skipped:
        table.attrs["caption"] += (
            f"; {skipped} patient{'s' if skipped > 1 else ''} not yet evaluable not counted"
        )
    return table
