"""The historical (null) curve of the one-sample tests, and the null the trial can test.

Patients enter this trial 60-90 days after transplant alive and
progression-free, so its 2-year PFS is conditional on being event-free at
entry; published post-transplant series report PFS from transplant.  The
null 2-year PFS the trial tests is therefore ``S0(730.5) / S0(landmark)``
for the historical curve ``S0`` (:func:`conditional_null`), and the
one-sample log-rank test needs the whole historical curve, not only one
point of it: an exponential through one point extrapolates a constant
hazard past a cure plateau and its size is far above alpha (see
:func:`blina_stats.design.review.review_protocol`).

A historical curve is one of the models of :mod:`blina_stats.design.scenario`
(exponential, Weibull, piecewise exponential, cure mixture), given by its
parameters or fitted here by maximum likelihood to a historical event table
(:func:`fit_historical`: time from transplant, event indicator).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from .._constants import TWO_YEARS
from ._checks import probability, time_value
from .scenario import CureMixture, Exponential, Model, PiecewiseExponential, Weibull

KINDS = ("exponential", "weibull", "piecewise", "cure")


def conditional_null(s_horizon: float, s_landmark: float) -> float:
    """Null survival at the horizon given event-free at the landmark: ``s_horizon / s_landmark``.

    Parameters
    ----------
    s_horizon : float
        Historical survival at the horizon (2-year PFS from transplant).
    s_landmark : float
        Historical survival at the landmark (entry: day +60 PFS from transplant).

    Returns
    -------
    float

    Examples
    --------
    >>> from blina_stats.design import conditional_null
    >>> round(conditional_null(0.36, 0.90), 3)
    0.4
    """
    sh = probability("s_horizon", s_horizon)
    sl = probability("s_landmark", s_landmark)
    if sh > sl:
        raise ValueError(
            f"`s_horizon` ({s_horizon!r}) cannot exceed `s_landmark` ({s_landmark!r}): "
            "survival does not increase"
        )
    return sh / sl


def historical_null(
    model: Model, *, horizon: float = TWO_YEARS, landmark: float = 60.0
) -> dict[str, float]:
    """The unconditional and conditional null of a historical curve.

    Returns
    -------
    dict
        ``s_horizon`` (from transplant), ``s_landmark``, ``s0`` (their ratio:
        the conditional null the trial tests), ``horizon``, ``landmark``.
    """
    h = time_value("horizon", horizon, positive=True)
    lm = time_value("landmark", landmark)
    s = model.survival(np.array([h, lm], dtype=np.float64))
    return {
        "s_horizon": float(s[0]),
        "s_landmark": float(s[1]),
        "s0": conditional_null(float(s[0]), float(s[1])),
        "horizon": h,
        "landmark": lm,
    }


def fit_historical(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    kind: str = "cure",
    *,
    breaks: Sequence[float] = (180.0, 365.25),
) -> Model:
    """Fit a historical curve to an event table by maximum likelihood.

    Parameters
    ----------
    time : array_like
        Days from transplant to progression/death or censoring (positive).
    event : array_like of bool or {0, 1}
        1 for progression or death.
    kind : {"exponential", "weibull", "piecewise", "cure"}
        The model: ``"cure"`` is a cure mixture with an exponential latent
        time; ``"piecewise"`` has its rate changes at `breaks` (closed form:
        events over person-time in each interval).
    breaks : sequence of float
        Interval ends of the piecewise-exponential model.

    Returns
    -------
    Exponential, Weibull, PiecewiseExponential or CureMixture
    """
    t = np.asarray(time, dtype=np.float64)
    d = np.asarray(event, dtype=np.float64)
    if t.ndim != 1 or t.shape != d.shape or t.size == 0:
        raise ValueError("`time` and `event` must be non-empty one-dimensional and the same length")
    if not np.all(np.isfinite(t)) or np.any(t <= 0):
        raise ValueError("`time` must be finite and positive (days from transplant)")
    if not np.all(np.isin(d, (0.0, 1.0))):
        raise ValueError("`event` must be 0/1 or boolean")
    if d.sum() == 0:
        raise ValueError("the historical table has no event: no curve can be fitted")
    if kind == "exponential":
        return Exponential(float(d.sum() / t.sum()))
    if kind == "piecewise":
        b = np.asarray(sorted(breaks), dtype=np.float64)
        edges = np.concatenate(([0.0], b, [np.inf]))
        exposure = np.clip(t[:, None], edges[None, :-1], edges[None, 1:]) - edges[None, :-1]
        j = np.searchsorted(b, t, side="left")
        events = np.bincount(j, weights=d, minlength=len(edges) - 1)
        rates = events / np.maximum(exposure.sum(axis=0), 1e-300)
        return PiecewiseExponential(tuple(float(x) for x in b), tuple(float(r) for r in rates))
    scale = float(np.mean(t))
    if kind == "weibull":

        def nll(p: np.ndarray) -> float:
            lam, k = math.exp(p[0]) * scale, math.exp(p[1])
            z = t / lam
            return -float(np.sum(d * (math.log(k / lam) + (k - 1) * np.log(z)) - z**k))

        fit = minimize(
            nll,
            np.zeros(2),
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000},
        )
        return Weibull(math.exp(fit.x[0]) * scale, math.exp(fit.x[1]))
    if kind == "cure":

        def nll_cure(p: np.ndarray) -> float:
            c = 1.0 / (1.0 + math.exp(-p[0]))
            rate = math.exp(p[1]) / scale
            lat = np.exp(-rate * t)
            dens = (1 - c) * rate * lat
            surv = c + (1 - c) * lat
            return -float(np.sum(d * np.log(dens) + (1 - d) * np.log(surv)))

        fit = minimize(
            nll_cure,
            np.zeros(2),
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000},
        )
        cure = 1.0 / (1.0 + math.exp(-fit.x[0]))
        return CureMixture(cure, Exponential(math.exp(fit.x[1]) / scale))
    raise ValueError(f"`kind` must be one of {KINDS}, got {kind!r}")
