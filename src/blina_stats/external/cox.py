"""The weighted hazard ratio of trial against control: a Cox model on one binary covariate.

A minimal weighted Cox fit (Efron ties, case weights, Newton-Raphson on the
one coefficient) with the robust sandwich variance of R
``coxph(Surv(time, status) ~ arm, weights = w, robust = TRUE)``
(``tests/reference/external_cox.R``: 1e-6).  The robust variance is the one
is R's: dfbeta residuals (Efron score residuals over the information)
times the weights, squared and summed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]

MAX_ITER = 30
TOL = 1e-10


@dataclass(frozen=True)
class WeightedHazardRatio:
    """exp(coef) of the arm (1 trial, 0 control), with its robust interval.

    Attributes
    ----------
    coef, se : float
        Log hazard ratio and its robust standard error.
    hazard_ratio, ci_lower, ci_upper : float
        exp(coef) and its Wald interval at `conf_level`.
    p_value : float
        Two-sided robust Wald test of no difference.
    conf_level : float
    n_events : int
    """

    coef: float
    se: float
    hazard_ratio: float
    ci_lower: float
    ci_upper: float
    p_value: float
    conf_level: float
    n_events: int


class _Slots(NamedTuple):
    """Efron's slots: a tied time with d events is d slots k = 0..d-1, in which the
    events of that time are at risk with weight 1 - k/d (R ``coxscore2.c``)."""

    ut: FloatArray  # distinct event times
    inv: npt.NDArray[np.intp]  # each event's distinct time
    d: npt.NDArray[np.intp]  # events at each distinct time
    first: npt.NDArray[np.intp]  # each distinct time's first slot
    slot: npt.NDArray[np.intp]  # each slot's distinct time
    frac: FloatArray  # k/d of each slot
    s0: FloatArray  # weighted risk set of each slot
    s1: FloatArray  # and its sum of x
    mean_w: FloatArray  # mean case weight of the events of each slot's time


def _slots(
    wr: FloatArray, x: FloatArray, time: FloatArray, event: npt.NDArray[np.bool_], w: FloatArray
) -> _Slots:
    """The slots of the events, with risk weights `wr` (case weight times exp(beta x))."""
    ut, inv, d = np.unique(time[event], return_inverse=True, return_counts=True)
    order = np.argsort(time, kind="stable")
    cum = np.vstack([np.cumsum(np.column_stack([wr, wr * x])[order][::-1], axis=0)[::-1], [0, 0]])
    risk = cum[np.searchsorted(time[order], ut, side="left")]  # S0, S1 (x binary: S2 = S1)
    ev = np.zeros((ut.size, 3))
    np.add.at(ev, inv, np.column_stack([wr, wr * x, w])[event])
    slot = np.repeat(np.arange(ut.size), d)
    first = np.concatenate(([0], np.cumsum(d)[:-1]))
    frac = (np.arange(slot.size) - np.repeat(first, d)) / d[slot]
    s0 = risk[slot, 0] - frac * ev[slot, 0]
    s1 = risk[slot, 1] - frac * ev[slot, 1]
    return _Slots(ut, inv, d, first, slot, frac, s0, s1, ev[slot, 2] / d[slot])


def _efron(
    beta: float, x: FloatArray, time: FloatArray, event: npt.NDArray[np.bool_], w: FloatArray
) -> tuple[float, float, float]:
    """Weighted Efron log partial likelihood, score and information at `beta`."""
    sl = _slots(w * np.exp(beta * x), x, time, event, w)
    s0, mean_w = sl.s0, sl.mean_w
    xbar = sl.s1 / s0
    we = w[event]
    loglik = float((we * beta * x[event]).sum() - (mean_w * np.log(s0)).sum())
    score = float((we * x[event]).sum() - (mean_w * xbar).sum())
    info = float((mean_w * (xbar - xbar**2)).sum())
    return loglik, score, info


def _score_residuals(
    beta: float, x: FloatArray, time: FloatArray, event: npt.NDArray[np.bool_], w: FloatArray
) -> FloatArray:
    """Efron score residuals of each patient (R ``residuals(fit, type = "score")``), by slot."""
    r = np.exp(beta * x)
    sl = _slots(w * r, x, time, event, w)
    ut, inv, d, first, frac = sl.ut, sl.inv, sl.d, sl.first, sl.frac
    xbar = sl.s1 / sl.s0
    h = sl.mean_w / sl.s0  # hazard increment of each slot
    hh, hx = np.add.reduceat(h, first), np.add.reduceat(h * xbar, first)
    ah, ahx = np.add.reduceat(frac * h, first), np.add.reduceat(frac * h * xbar, first)
    mean_xbar = np.add.reduceat(xbar, first) / d
    cum_h, cum_hx = np.r_[0.0, np.cumsum(hh)], np.r_[0.0, np.cumsum(hx)]
    upto = np.searchsorted(ut, time, side="right")  # event times <= time_i
    resid = -r * (x * cum_h[upto] - cum_hx[upto])
    j, k = inv, np.flatnonzero(event)
    # an event at t is at risk in slot k with weight 1 - k/d only: add back k/d
    resid[k] += r[k] * (x[k] * ah[j] - ahx[j]) + x[k] - mean_xbar[j]
    return resid


def weighted_hazard_ratio(
    arm: npt.ArrayLike,
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    weights: npt.ArrayLike,
    conf_level: float = 0.95,
) -> WeightedHazardRatio:
    """Hazard ratio of ``arm == 1`` against ``arm == 0`` from a weighted Cox model.

    Parameters
    ----------
    arm : array_like of {0, 1}
        1 trial, 0 control.
    time : array_like
        Follow-up from the landmark.
    event : array_like of bool
        The event (a competing event is a censoring here: the cause-specific hazard).
    weights : array_like
        Case weights (the propensity weights).
    conf_level : float
        Level of the interval.

    Returns
    -------
    WeightedHazardRatio

    Notes
    -----
    Newton-Raphson on the weighted Efron partial likelihood (Therneau &
    Grambsch 2000, section 7.2), from 0; the variance is the sandwich
    :math:`\\mathcal I^{-1} (\\sum_i w_i^2 U_i^2) \\mathcal I^{-1}` with
    :math:`U_i` the Efron score residuals (Lin & Wei 1989; Binder 1992).

    References
    ----------
    Lin, D. Y. and Wei, L. J. (1989). The robust inference for the Cox
    proportional hazards model. JASA 84:1074-1078.
    Binder, D. A. (1992). Fitting Cox's proportional hazards models from survey
    data. Biometrika 79:139-147.
    """
    x = np.asarray(arm, dtype=np.float64)
    t = np.asarray(time, dtype=np.float64)
    e = np.asarray(event).astype(bool)
    w = np.asarray(weights, dtype=np.float64)
    beta = 0.0
    for _ in range(MAX_ITER):
        _, score, info = _efron(beta, x, t, e, w)
        step = score / info
        # halve a step that would overshoot (a sparse arm can make the first one large)
        while abs(step) > 5.0:
            step /= 2.0
        beta += step
        if abs(step) < TOL:
            break
    _, _, info = _efron(beta, x, t, e, w)
    resid = _score_residuals(beta, x, t, e, w)
    var = np.array([[np.sum((w * resid / info) ** 2)]])
    se = float(np.sqrt(var[0, 0]))
    z = float(stats.norm.ppf(0.5 + conf_level / 2))
    return WeightedHazardRatio(
        coef=beta,
        se=se,
        hazard_ratio=float(np.exp(beta)),
        ci_lower=float(np.exp(beta - z * se)),
        ci_upper=float(np.exp(beta + z * se)),
        p_value=float(2 * stats.norm.sf(abs(beta) / se)),
        conf_level=conf_level,
        n_events=int(e.sum()),
    )


def e_value(
    hazard_ratio: float, ci_lower: float, ci_upper: float, rare: bool = False
) -> tuple[float, float]:
    """E-value of a hazard ratio and of its interval limit nearer 1 (VanderWeele & Ding 2017).

    The minimum strength of association (risk-ratio scale) an unmeasured
    confounder would need with both the arm and the outcome to explain the
    estimate away.  A common outcome (``rare=False``, above 15% by the
    horizon) first turns the hazard ratio into an approximate risk ratio,
    :math:`RR = (1 - 0.5^{\\sqrt{HR}}) / (1 - 0.5^{\\sqrt{1/HR}})`; then
    :math:`E = RR^* + \\sqrt{RR^* (RR^* - 1)}` with :math:`RR^* = \\max(RR, 1/RR)`.
    The interval's E-value is 1 when the interval holds 1.

    References
    ----------
    VanderWeele, T. J. and Ding, P. (2017). Sensitivity analysis in
    observational research: introducing the E-value. Annals of Internal
    Medicine 167:268-274.
    """

    def rr(hr: float) -> float:
        if rare:
            return hr
        return float((1 - 0.5 ** np.sqrt(hr)) / (1 - 0.5 ** np.sqrt(1 / hr)))

    def ev(r: float) -> float:
        r = max(r, 1 / r)
        return float(r + np.sqrt(r * (r - 1)))

    if not np.isfinite(hazard_ratio) or hazard_ratio <= 0:
        return float("nan"), float("nan")
    point = ev(rr(hazard_ratio))
    if ci_lower <= 1.0 <= ci_upper:
        return point, 1.0
    near = ci_upper if hazard_ratio < 1 else ci_lower
    return point, ev(rr(near))
