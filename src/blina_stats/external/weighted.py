"""Weighted Kaplan-Meier and Aalen-Johansen, batched over weight vectors.

In a bootstrap of an external comparison the patients' times never change:
only their weights do (a replicate's resampling counts times its refitted
propensity weights).  So each cohort's times are sorted once, and a batch of
weight vectors (replicates, patients) gives every replicate's weighted
numbers at risk and of events by one sum per tie group
(``np.add.reduceat``) and one reversed cumulative sum.  With every weight 1
the curves equal :func:`blina_stats.kaplan_meier` and
:func:`blina_stats.cumulative_incidence` (``tests/test_external_weighted.py``);
with case weights they equal R ``survfit(weights = w)``
(``tests/reference/external_weighted.R``).

Times are from the landmark (or first dose): nobody enters late here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class WeightedCurves:
    """Weighted step functions at each distinct time, one row per weight vector.

    Attributes
    ----------
    time : ndarray, shape (k,)
        Distinct observed times, increasing (censorings included).
    n_at_risk : ndarray, shape (b, k)
        Weighted number at risk at each time (time >= t).
    n_event : ndarray, shape (b, k)
        Weighted events of cause 1 (the event) at each time.
    n_competing : ndarray, shape (b, k)
        Weighted events of cause 2 (the competing event).
    survival : ndarray, shape (b, k)
        Weighted Kaplan-Meier of being free of both causes, just after each time.
    incidence : ndarray, shape (b, k)
        Weighted Aalen-Johansen cumulative incidence of cause 1.
    last : ndarray, shape (b,)
        The largest time with a positive weight.
    """

    time: FloatArray
    n_at_risk: FloatArray
    n_event: FloatArray
    n_competing: FloatArray
    survival: FloatArray
    incidence: FloatArray
    last: FloatArray

    def at(self, t: float, what: str = "survival") -> FloatArray:
        """`what` (``"survival"`` or ``"incidence"``) at time `t` per row.

        NaN where `t` is beyond the row's last time and the curve has not
        reached its end (0 survival), as :meth:`KaplanMeierResult.at`.
        """
        curve = self.survival if what == "survival" else self.incidence
        k = int(np.searchsorted(self.time, t, side="right"))
        start = 0.0 if what == "incidence" else 1.0
        value = np.full(curve.shape[0], start) if k == 0 else curve[:, k - 1].copy()
        beyond = (self.last < t) & (self.survival[:, -1] > 0.0)
        value[beyond] = np.nan
        return value

    def restricted_mean(self, tau: float, what: str = "survival") -> FloatArray:
        """Area under `what` from 0 to `tau` per row: the RMST, or the time lost to cause 1.

        The step function integrated exactly; NaN where `tau` is beyond the
        row's last time (the curve is unknown up to `tau`).
        """
        curve = self.survival if what == "survival" else self.incidence
        k = int(np.searchsorted(self.time, tau, side="right"))
        start = 0.0 if what == "incidence" else 1.0
        b = curve.shape[0]
        knots = np.concatenate(([0.0], self.time[:k], [tau]))
        values = np.column_stack([np.full(b, start), curve[:, :k]])
        area = values @ np.diff(knots)
        beyond = (self.last < tau) & (self.survival[:, -1] > 0.0)
        return np.where(beyond, np.nan, area)


def weighted_curves(
    time: npt.ArrayLike, status: npt.ArrayLike, weights: npt.ArrayLike
) -> WeightedCurves:
    """Weighted survival and cumulative incidence for every row of `weights`.

    Parameters
    ----------
    time : array_like, shape (n,)
        Follow-up, from the landmark; positive.
    status : array_like of int, shape (n,)
        0 censored, 1 the event, 2 the competing event (a survival endpoint
        has no 2: its curve is then ``survival``).
    weights : array_like, shape (n,) or (b, n)
        Non-negative case weights; one curve per row.

    Returns
    -------
    WeightedCurves

    Notes
    -----
    At each distinct time :math:`t_j`, with weighted numbers at risk
    :math:`Y_j = \\sum_i w_i 1\\{T_i \\ge t_j\\}` and of events
    :math:`d_{cj} = \\sum_i w_i 1\\{T_i = t_j, \\delta_i = c\\}`,

    .. math::

        \\hat S(t) = \\prod_{t_j \\le t} \\Bigl(1 - \\frac{d_{1j} + d_{2j}}{Y_j}\\Bigr),
        \\qquad
        \\hat F_1(t) = \\sum_{t_j \\le t} \\hat S(t_{j-1}) \\frac{d_{1j}}{Y_j}.

    A time with no weight at risk adds nothing.  Inputs are trusted (callers
    derive them from a validated cohort).

    References
    ----------
    Aalen, O. O. and Johansen, S. (1978). An empirical transition matrix for
    non-homogeneous Markov chains based on censored observations.
    Scandinavian Journal of Statistics 5:141-150.
    Xie, J. and Liu, C. (2005). Adjusted Kaplan-Meier estimator and log-rank
    test with inverse probability of treatment weighting for survival data.
    Statistics in Medicine 24:3089-3110.
    """
    t = np.asarray(time, dtype=np.float64)
    st = np.asarray(status, dtype=np.int64)
    w = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    order = np.argsort(t, kind="stable")
    ts, ss, ws = t[order], st[order], w[:, order]
    new = np.ones(ts.size, dtype=bool)
    new[1:] = ts[1:] != ts[:-1]
    starts = np.flatnonzero(new)
    ut = ts[starts]
    total = np.add.reduceat(ws, starts, axis=1)
    d1 = np.add.reduceat(ws * (ss == 1), starts, axis=1)
    d2 = np.add.reduceat(ws * (ss == 2), starts, axis=1)
    at_risk = np.cumsum(total[:, ::-1], axis=1)[:, ::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        h1 = np.where(at_risk > 0, d1 / at_risk, 0.0)
        h2 = np.where(at_risk > 0, d2 / at_risk, 0.0)
    surv = np.cumprod(1.0 - h1 - h2, axis=1)
    before = np.column_stack([np.ones(w.shape[0]), surv[:, :-1]])
    cif = np.cumsum(before * h1, axis=1)
    positive = ws > 0
    last_idx = ts.size - 1 - np.argmax(positive[:, ::-1], axis=1)
    last = np.where(positive.any(axis=1), ts[last_idx], -np.inf)
    return WeightedCurves(ut, at_risk, d1, d2, np.asarray(surv, dtype=np.float64), cif, last)
