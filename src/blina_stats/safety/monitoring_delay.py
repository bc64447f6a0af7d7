"""Operating characteristics of a monitoring rule with staggered accrual and delayed outcomes.

An outcome "within 100 days after the first dose" is known only when it
happens (an event) or 100 days after the first dose (no event), while
patients keep enrolling.  The rule is checked whenever an outcome becomes
known, on the patients evaluable then; by the time it stops, more patients
have been enrolled (and exposed) than were evaluated.  Simulated here:
enrolment uniform over `accrual` days, event times uniform within the window
(any time in it is as likely: what matters is the delay), vectorised over
trials.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from .monitoring import MonitoringRule, _full_boundary


def delayed_operating_characteristics(
    rule: MonitoringRule,
    rates: npt.ArrayLike,
    *,
    accrual: float = 3 * 365.25,
    delay: float = 100.0,
    n_trials: int = 10_000,
    seed: int | np.random.Generator = 0,
) -> pd.DataFrame:
    """Probability of stopping and patients enrolled at the stop, with outcomes known late.

    Parameters
    ----------
    rule : MonitoringRule
    rates : array_like
        True event rates within the window.
    accrual : float
        Days over which the ``rule.n_max`` patients enrol (uniformly).
    delay : float
        Length of the outcome window (days after the first dose): an event
        is known when it happens, its absence `delay` days after enrolment.
    n_trials : int
        Simulated trials per rate.
    seed : int or numpy.random.Generator

    Returns
    -------
    DataFrame
        ``true_rate``, ``prob_stop``, ``mc_se``, ``expected_evaluable`` (outcomes
        known when the rule stops, or all), ``expected_enrolled`` (patients
        enrolled by then: at least as many), ``expected_overrun`` (their
        difference given a stop; NaN when it never stops), ``accrual_days``,
        ``delay_days``.
    """
    p = np.atleast_1d(np.asarray(rates, dtype=np.float64))
    if np.any((p < 0) | (p > 1)):
        raise ValueError(f"rates must be in [0, 1], got {p.tolist()!r}")
    if not accrual >= 0 or not delay > 0:
        raise ValueError(f"need accrual >= 0 and delay > 0, got {accrual!r} and {delay!r}")
    rng = np.random.default_rng(seed)
    n, m = rule.n_max, int(n_trials)
    bound = _full_boundary(rule)
    rows = []
    for rate in p:  # a few rates; every trial of a rate at once
        enrol = np.sort(rng.uniform(0.0, accrual, size=(m, n)), axis=1)
        event = rng.random((m, n)) < rate
        known = enrol + np.where(event, rng.uniform(0.0, delay, size=(m, n)), delay)
        order = np.argsort(known, axis=1)
        ev = np.take_along_axis(event, order, axis=1)
        when = np.take_along_axis(known, order, axis=1)
        crossed = np.cumsum(ev, axis=1) >= bound[None, :]
        stopped = crossed.any(axis=1)
        at = np.where(stopped, crossed.argmax(axis=1), n - 1)
        stop_time = np.where(stopped, when[np.arange(m), at], np.inf)
        enrolled = np.count_nonzero(enrol <= stop_time[:, None], axis=1)
        evaluated = at + 1
        prob = float(stopped.mean())
        rows.append(
            {
                "true_rate": float(rate),
                "prob_stop": prob,
                "mc_se": float(np.sqrt(prob * (1 - prob) / m)),
                "expected_evaluable": float(evaluated.mean()),
                "expected_enrolled": float(enrolled.mean()),
                "expected_overrun": float((enrolled - evaluated)[stopped].mean())
                if stopped.any()
                else float("nan"),
                "accrual_days": float(accrual),
                "delay_days": float(delay),
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["caption"] = (
        rule.describe() + f"; staggered accrual over {accrual:g} days, outcomes known when "
        f"they occur or {delay:g} days after the first dose ({m:,} simulated trials per rate)"
    )
    return table
