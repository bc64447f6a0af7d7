"""A truncated sequential probability ratio test on the NRM rate, with person-time.

The stopping rule BMT CTN trials use for early mortality: NRM within the
window is modelled as exponential with rate :math:`\\lambda`; H0 the
expected rate :math:`\\lambda_0`, H1 the unacceptable :math:`\\lambda_1`.
After :math:`D` events in :math:`T` patient-days of follow-up (each patient
contributing up to the window) the log likelihood ratio is
:math:`D \\log(\\lambda_1/\\lambda_0) - (\\lambda_1 - \\lambda_0) T`; the
trial stops for excess NRM when it reaches :math:`\\log\\{(1-\\beta)/\\alpha\\}`,
i.e. when

.. math:: D \\ge h + s\\,T, \\quad
          s = \\frac{\\lambda_1 - \\lambda_0}{\\log(\\lambda_1/\\lambda_0)}, \\quad
          h = \\frac{\\log\\{(1-\\beta)/\\alpha\\}}{\\log(\\lambda_1/\\lambda_0)} .

Only the upper (safety) boundary is used, and the test is truncated at the
trial's last patient: the nominal alpha is therefore conservative, and the
operating characteristics are simulated.  Rates come from window
probabilities: :math:`\\lambda = -\\log(1 - p)/w`.

References
----------
Wald, A. (1945). Sequential tests of statistical hypotheses. Annals of
Mathematical Statistics 16:117-186.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd


@dataclass(frozen=True)
class SPRTRule:
    """Stop when events ``D >= intercept + slope * T`` (T patient-days); see module notes.

    Attributes
    ----------
    p0, p1 : float
        Expected and unacceptable probabilities of the event within the window.
    window : float
        Days of follow-up per patient counted (100 after the first dose).
    alpha, beta : float
        Nominal error rates of the SPRT.
    rate0, rate1 : float
        The exponential rates per day.
    slope, intercept : float
        The boundary.
    n_max : int
        Patients monitored (truncation).
    """

    p0: float
    p1: float
    window: float
    alpha: float
    beta: float
    rate0: float
    rate1: float
    slope: float
    intercept: float
    n_max: int

    def describe(self) -> str:
        return (
            f"Truncated SPRT for NRM within {self.window:g} days after the first dose: "
            f"exponential rate for {self.p0:.0%} vs {self.p1:.0%} in the window, nominal "
            f"alpha {self.alpha:g}, beta {self.beta:g}; stop when events >= "
            f"{self.intercept:.3f} + {self.slope * 100:.5f} x (patient-days / 100), up to "
            f"{self.n_max} patients"
        )

    def events_to_stop(self, person_days: npt.ArrayLike) -> np.ndarray:
        """Smallest number of events that stops the trial at `person_days` of follow-up."""
        t = np.asarray(person_days, dtype=np.float64)
        return np.ceil(self.intercept + self.slope * t - 1e-12).astype(np.int64)

    def boundary(self, patients: npt.ArrayLike = (10, 20, 30, 40, 50, 60, 68)) -> pd.DataFrame:
        """Events that stop the trial after `patients` patients each followed the full window."""
        n = np.asarray(patients, dtype=np.float64)
        table = pd.DataFrame(
            {
                "patients_full_window": n.astype(np.int64),
                "person_days": n * self.window,
                "stop_if_events_at_least": self.events_to_stop(n * self.window),
            }
        )
        table.attrs["caption"] = self.describe()
        return table


def sprt_rule(
    p0: float = 0.05,
    p1: float = 0.15,
    *,
    window: float = 100.0,
    alpha: float = 0.10,
    beta: float = 0.10,
    n_max: int = 68,
) -> SPRTRule:
    """The truncated SPRT boundary for NRM (see the module notes for the formula).

    Parameters
    ----------
    p0, p1 : float
        Expected and unacceptable probabilities of NRM within `window` days.
    window : float
        Days after the first dose each patient is followed for the rule.
    alpha, beta : float
        Nominal SPRT error rates; the boundary is ``log((1 - beta)/alpha)``.
    n_max : int
        Patients monitored.

    Returns
    -------
    SPRTRule

    Examples
    --------
    >>> from blina_stats.safety import sprt_rule
    >>> int(sprt_rule(0.05, 0.15).boundary([20])["stop_if_events_at_least"].iloc[0])
    4
    """
    if not 0 < p0 < p1 < 1:
        raise ValueError(f"need 0 < p0 < p1 < 1, got p0={p0!r}, p1={p1!r}")
    if not (0 < alpha < 1 and 0 < beta < 1):
        raise ValueError(f"alpha and beta must be in (0, 1), got {alpha!r}, {beta!r}")
    if not window > 0 or int(n_max) < 1:
        raise ValueError(f"need window > 0 and n_max >= 1, got {window!r}, {n_max!r}")
    r0, r1 = -math.log1p(-p0) / window, -math.log1p(-p1) / window
    log_ratio = math.log(r1 / r0)
    return SPRTRule(
        float(p0),
        float(p1),
        float(window),
        float(alpha),
        float(beta),
        r0,
        r1,
        (r1 - r0) / log_ratio,
        math.log((1 - beta) / alpha) / log_ratio,
        int(n_max),
    )


def sprt_operating_characteristics(
    rule: SPRTRule,
    rates: npt.ArrayLike,
    *,
    accrual: float = 3 * 365.25,
    n_trials: int = 10_000,
    seed: int | np.random.Generator = 0,
) -> pd.DataFrame:
    """Probability of stopping under true window NRM probabilities, simulated in calendar time.

    Patients enrol uniformly over `accrual` days; NRM times are exponential
    (the window probability given); each patient contributes follow-up up to
    the window.  The rule is checked at each event's calendar time with the
    person-time accrued by then (crossings happen only at events).

    Returns
    -------
    DataFrame
        ``true_rate``, ``prob_stop``, ``mc_se``, ``expected_enrolled`` (at the stop, or all).
    """
    p = np.atleast_1d(np.asarray(rates, dtype=np.float64))
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError(f"rates must be in (0, 1), got {p.tolist()!r}")
    rng = np.random.default_rng(seed)
    n, m, w = rule.n_max, int(n_trials), rule.window
    rows = []
    for q in p:
        enrol = np.sort(rng.uniform(0.0, accrual, size=(m, n)), axis=1)
        t = rng.exponential(1.0 / (-math.log1p(-q) / w), size=(m, n))
        event = t <= w
        follow = np.minimum(t, w)
        cal = np.where(event, enrol + t, np.inf)  # calendar time of each event
        order = np.sort(cal, axis=1)
        k = int(event.sum(axis=1).max())
        stop_time = np.full(m, np.inf)
        for j in range(k):  # the j-th event of each trial (a few columns)
            c = order[:, j]
            live = np.isfinite(c) & ~np.isfinite(stop_time)
            if not live.any():
                continue
            cc = c[live, None]
            pt = np.clip(cc - enrol[live], 0.0, follow[live]).sum(axis=1)
            hit = (j + 1) >= rule.intercept + rule.slope * pt
            idx = np.flatnonzero(live)[hit]
            stop_time[idx] = c[idx]
        stopped = np.isfinite(stop_time)
        enrolled = np.count_nonzero(enrol <= stop_time[:, None], axis=1)
        prob = float(stopped.mean())
        rows.append(
            {
                "true_rate": float(q),
                "prob_stop": prob,
                "mc_se": float(np.sqrt(prob * (1 - prob) / m)),
                "expected_enrolled": float(enrolled.mean()),
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["caption"] = rule.describe() + f" ({m:,} simulated trials per rate)"
    return table


def sprt_monitor(rule: SPRTRule, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Apply the SPRT to observed data, at each event in calendar order.

    Parameters
    ----------
    outcomes : DataFrame
        One row per patient: ``enrolled`` (calendar day of the first dose),
        ``time`` (days from the first dose to NRM or the end of follow-up,
        at most the window) and ``event`` (bool).

    Returns
    -------
    DataFrame
        One row per event: ``calendar_day``, ``events``, ``person_days``,
        ``stop_if_events_at_least``, ``stop``; ``attrs["stopped"]``.
    """
    e = outcomes["enrolled"].to_numpy(dtype=np.float64)
    t = np.minimum(outcomes["time"].to_numpy(dtype=np.float64), rule.window)
    d = outcomes["event"].to_numpy(dtype=bool) & (outcomes["time"].to_numpy() <= rule.window)
    cal = np.sort(e[d] + t[d])
    pt = np.clip(cal[:, None] - e[None, :], 0.0, t[None, :]).sum(axis=1)
    need = rule.events_to_stop(pt)
    k = np.arange(1, cal.size + 1)
    table = pd.DataFrame(
        {
            "calendar_day": cal,
            "events": k,
            "person_days": pt,
            "stop_if_events_at_least": need,
            "stop": k >= need,
        }
    )
    table.attrs["stopped"] = bool(table["stop"].any())
    table.attrs["caption"] = rule.describe()
    return table
