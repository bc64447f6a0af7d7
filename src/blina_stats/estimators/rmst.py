"""Restricted mean survival time and restricted mean time lost to a cause, with variances.

``km.rmst(tau)`` is the area under the Kaplan-Meier curve up to `tau`;
``ci.rmtl(tau, cause)`` the area under a cumulative incidence curve, the mean
time lost to that cause before `tau` (Andersen 2013).  Both are returned as a
`RestrictedMean` with a normal (Wald) interval, as survRM2 gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .weighted import Subjects, WeightedCounts, area_variance, weighted_counts

if TYPE_CHECKING:
    from .aalen_johansen import CumulativeIncidenceResult
    from .kaplan_meier import KaplanMeierResult

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RestrictedMean:
    """A restricted mean (of time alive and event-free, or of time lost to a cause).

    Attributes
    ----------
    estimate, se : float
        The area under the curve up to `tau` and its standard error.
    ci_lower, ci_upper : float
        ``estimate -+ z se`` at `conf_level` (survRM2's interval).
    tau : float
        The truncation time.
    conf_level : float
        Level of the interval (that of the curve).
    measure : str
        ``"rmst"`` (area under S) or ``"rmtl"`` (area under the incidence of `cause`).
    cause : int
        The cause for ``"rmtl"``; 0 for ``"rmst"``.
    variance_method : str
        ``"greenwood"`` (R's ``print(survfit, rmean=)`` formula, the unweighted
        Kaplan-Meier) or ``"robust"`` (infinitesimal jackknife: weighted
        curves and every incidence curve).
    """

    estimate: float
    se: float
    ci_lower: float
    ci_upper: float
    tau: float
    conf_level: float
    measure: str
    cause: int
    variance_method: str


def _tau(tau: float) -> float:
    value = float(tau)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"`tau` must be a positive finite time, got {tau!r}")
    return value


def _widths(time: FloatArray, tau: float) -> tuple[FloatArray, FloatArray]:
    """Width of each step up to `tau`: the first from 0 to ``time[0]``, the last to `tau`.

    The curve keeps its last value from the last observed time to `tau`, as
    R's ``print(survfit, rmean=tau)``.
    """
    knots = np.minimum(np.concatenate(([0.0], time)), tau)
    ends = np.concatenate((knots[1:], [tau]))
    return np.maximum(ends - knots, 0.0), knots


def _result(
    estimate: float, var: float, tau: float, level: float, measure: str, cause: int, method: str
) -> RestrictedMean:
    se = float(np.sqrt(var))
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    return RestrictedMean(
        estimate=float(estimate),
        se=se,
        ci_lower=float(estimate - z * se),
        ci_upper=float(estimate + z * se),
        tau=tau,
        conf_level=level,
        measure=measure,
        cause=cause,
        variance_method=method,
    )


def rmst(km: KaplanMeierResult, tau: float) -> RestrictedMean:
    r"""Restricted mean survival time :math:`\int_0^\tau \hat S(t)\,dt` with its variance.

    Parameters
    ----------
    km : KaplanMeierResult
        The curve (``km.rmst(tau)`` calls this).
    tau : float
        Truncation time (positive); beyond the last observed time the curve
        keeps its last value.

    Returns
    -------
    RestrictedMean
        estimate, se, ci_lower, ci_upper, tau, conf_level, measure ``"rmst"``.

    Notes
    -----
    Unweighted: with :math:`A_j = \int_{t_j}^\tau \hat S`, the variance is
    :math:`\sum_{t_j \le \tau} A_j^2 d_j / (n_j (n_j - d_j))`, R's
    ``print(survfit, rmean = tau)`` and survRM2's.  Weighted: the robust
    (infinitesimal jackknife) variance, :math:`\sum_i (w_i \int_0^\tau
    U_i(t)\,dt)^2` with :math:`U_i` patient i's influence on :math:`\hat S`.

    References
    ----------
    Royston, P. and Parmar, M. K. B. (2013). Restricted mean survival time: an
    alternative to the hazard ratio for the design and analysis of randomized
    trials with a time-to-event outcome. BMC Med Res Methodol 13:152.
    Uno, H. et al. (2014). Moving beyond the hazard ratio in quantifying the
    between-group difference in survival analysis. J Clin Oncol 32:2380-2385.
    """
    t = _tau(tau)
    width, _ = _widths(km.time, t)
    values = np.concatenate(([1.0], km.estimate))
    estimate = float(np.sum(width * values))
    if km._subjects is not None and km._subjects.weights is not None:
        counts = km._weighted or weighted_counts(km._table, km._subjects, 1)
        var = area_variance(km._table, km._subjects, counts, km.estimate, width[1:])
        return _result(estimate, var, t, km.conf_level, "rmst", 0, "robust")
    n = km.n_at_risk.astype(np.float64)
    d = km.n_events.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        hh = np.where(n - d == 0, 0.0, d / (n * (n - d)))
    after = np.cumsum((width * values)[::-1])[::-1][1:]  # area from t_j to tau
    hh = np.where(km.time <= t, hh, 0.0)
    area = np.where(km.time <= t, after, 0.0)
    return _result(estimate, float(np.sum(area**2 * hh)), t, km.conf_level, "rmst", 0, "greenwood")


def rmtl(ci: CumulativeIncidenceResult, tau: float, cause: int = 1) -> RestrictedMean:
    r"""Restricted mean time lost to `cause` before `tau`: :math:`\int_0^\tau \hat F_k(t)\,dt`.

    Parameters
    ----------
    ci : CumulativeIncidenceResult
        The incidence curves (``ci.rmtl(tau, cause)`` calls this).
    tau : float
        Truncation time (positive).
    cause : int
        The cause whose incidence is integrated.

    Returns
    -------
    RestrictedMean
        estimate, se, ci_lower, ci_upper, tau, conf_level, measure ``"rmtl"``, cause.

    Notes
    -----
    The estimate is R's restricted mean time in state `cause` of a
    multi-state ``survfit`` (``print(fit, rmean = tau)``).  The variance is
    the infinitesimal jackknife, :math:`\sum_i (w_i \int_0^\tau U_i(t)\,dt)^2`
    with :math:`U_i` patient i's influence on the Aalen-Johansen estimate
    (unit weights when unweighted), the pseudo-observation variance of
    Andersen (2013); R computes it from ``influence.pstate``.

    References
    ----------
    Andersen, P. K. (2013). Decomposition of number of life years lost
    according to causes of death. Stat Med 32:5278-5285.
    """
    t = _tau(tau)
    k = ci._column(cause)
    width, _ = _widths(ci.time, t)
    values = np.concatenate(([0.0], ci.estimate[:, k]))
    estimate = float(np.sum(width * values))
    subjects: Subjects | None = ci._subjects
    if subjects is None:
        raise ValueError("this incidence result keeps no patient data: refit it to get `rmtl`")
    counts: WeightedCounts = ci._weighted or weighted_counts(ci._table, subjects, len(ci.causes))
    var = area_variance(
        ci._table, subjects, counts, ci.survival, width[1:], f=ci.estimate[:, k], k=k
    )
    return _result(estimate, var, t, ci.conf_level, "rmtl", int(cause), "robust")
