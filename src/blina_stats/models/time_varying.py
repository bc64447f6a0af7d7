"""Cox regression with exposures switching on during follow-up (no immortal-time bias).

An exposure that happens during follow-up (acute GVHD, chronic GVHD, MRD
conversion) must not be treated as known at time zero: here each patient's
exposure switches on at the day it happens (counting-process data, as R's
``tmerge``).  `blina_stats.models.landmark` fixes exposures at a landmark instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..estimators.validation import as_codes, as_entry, as_time
from ._design import Exposures, as_exposure, as_frame, build_design, warn_no_events
from ._robust import robust_variance
from ._summary import coefficient_table

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TimeVaryingCoxResult:
    """A Cox model with exposures switching on during follow-up.

    Attributes
    ----------
    coef, se : ndarray
        Log hazard ratios and standard errors (robust, clustered on patient, if asked).
    variance : ndarray
        Their variance matrix.
    names : tuple of str
        Coefficient names: the exposures, then the baseline covariates.
    loglik, loglik_null : float
        Partial log-likelihood at the estimate and at zero.
    n_patients, n_rows, n_events : int
        Patients, counting-process rows and events.
    robust : bool
        Whether `se` is the robust sandwich estimate.
    conf_level : float
        Level of the intervals in `summary`.
    data : DataFrame
        The counting-process data fitted: ``id``, ``start``, ``stop``, ``event``
        and the covariates, one row per patient and exposure period.
    """

    coef: FloatArray
    se: FloatArray
    variance: FloatArray = field(repr=False)
    names: tuple[str, ...]
    loglik: float
    loglik_null: float
    n_patients: int
    n_rows: int
    n_events: int
    robust: bool
    conf_level: float
    data: pd.DataFrame = field(repr=False, compare=False)

    @property
    def summary(self) -> pd.DataFrame:
        """Coefficients: coef, se, hazard_ratio, ci_lower, ci_upper, z, p."""
        return coefficient_table(self.names, self.coef, self.se, self.conf_level)

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Forest plot of the hazard ratios."""
        from ..plots.forest import plot_forest

        return plot_forest(self.summary, ax=ax, **kwargs)

    def _repr_html_(self) -> str:
        from .._html import html_result

        se = "robust" if self.robust else "model-based"
        facts = [
            ("patients", f"{self.n_patients} ({self.n_rows} periods)"),
            ("events", str(self.n_events)),
            ("method", f"Efron ties, {se} errors"),
        ]
        key = self.summary[["hazard_ratio", "ci_lower", "ci_upper", "p"]]
        return html_result("Cox regression with time-varying exposures", facts, key, None)


def counting_process(
    time: FloatArray,
    event: npt.NDArray[np.int64],
    exposures: dict[str, tuple[FloatArray, npt.NDArray[np.bool_]]],
    entry: FloatArray | None = None,
) -> pd.DataFrame:
    """Split each patient's follow-up at the exposure days (as R's ``tmerge`` with ``tdc``).

    An exposure at day ``s`` with ``start < s < stop`` splits the interval;
    the exposure is 1 on intervals starting at or after ``s``.  An exposure at
    or before entry counts from the start; one on the last day does not count.
    """
    n = time.size
    start0 = np.zeros(n) if entry is None else entry
    pid = [np.arange(n)]
    cuts = [start0]
    for when, happened in exposures.values():
        inside = happened & (when > start0) & (when < time)
        pid.append(np.flatnonzero(inside))
        cuts.append(when[inside])
    p_all, c_all = np.concatenate(pid), np.concatenate(cuts)
    order = np.lexsort((c_all, p_all))
    p_all, c_all = p_all[order], c_all[order]
    dup = np.concatenate(([False], (p_all[1:] == p_all[:-1]) & (c_all[1:] == c_all[:-1])))
    p_all, c_all = p_all[~dup], c_all[~dup]
    last = np.concatenate((p_all[1:] != p_all[:-1], [True]))
    stop = np.where(last, time[p_all], np.roll(c_all, -1))
    out = {
        "id": p_all,
        "start": c_all,
        "stop": stop,
        "event": np.where(last, event[p_all], 0),
    }
    for name, (when, happened) in exposures.items():
        out[name] = (happened[p_all] & (when[p_all] <= c_all)).astype(np.float64)
    return pd.DataFrame(out)


def time_varying_cox(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    exposures: Exposures,
    covariates: Any = None,
    *,
    entry: npt.ArrayLike | None = None,
    robust: bool = False,
    conf_level: float = 0.95,
) -> TimeVaryingCoxResult:
    r"""Cox regression with exposures switching on during follow-up (``CoxTimeVaryingFitter``).

    Parameters
    ----------
    time, event : array_like
        The endpoint (e.g. time to relapse, relapse indicator).
    exposures : mapping of name to (exposure_time, exposure_event)
        Each exposure (e.g. ``{"cgvhd": (bmt.tc, bmt.dc)}``) becomes a 0/1
        covariate that is 0 until the exposure day and 1 from then on.
    covariates : DataFrame, dict or array_like, optional
        Baseline covariates, constant over each patient's follow-up.
    entry : array_like, optional
        Delayed-entry times.
    robust : bool
        Robust standard errors clustered on patient (R ``coxph(..., id = id,
        robust = TRUE)``); computed here with exact Efron residuals.
    conf_level : float
        Level of the intervals.

    Returns
    -------
    TimeVaryingCoxResult
        Coefficients (``summary``) and the counting-process ``data`` fitted.

    Notes
    -----
    The hazard at day t depends on :math:`Z(t) = 1\{s \le t\}`, s the exposure
    day, so exposed patients contribute unexposed time until s: no immortal
    time.  Estimates equal R's ``coxph(Surv(tstart, tstop, event) ~ ...)`` on
    ``tmerge(..., z = tdc(s))`` data (Efron ties).

    References
    ----------
    Therneau, T. M. and Grambsch, P. M. (2000). Modeling Survival Data:
    Extending the Cox Model, ch. 3. Springer.
    Suissa, S. (2008). Immortal time bias in pharmacoepidemiology. Am J
    Epidemiol 167:492-499.

    Examples
    --------
    >>> from blina_stats.datasets import load_bmt
    >>> from blina_stats.models.time_varying import time_varying_cox
    >>> bmt = load_bmt()
    >>> res = time_varying_cox(bmt.t2, bmt.d2, {"cgvhd": (bmt.tc, bmt.dc)})
    >>> res.names
    ('cgvhd',)
    """
    from lifelines import CoxTimeVaryingFitter

    t = as_time(time, "time")
    ev = as_codes(event, "event", t.size, max_code=1)
    ent = as_entry(entry, t)
    level = float(conf_level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"`conf_level` must be strictly between 0 and 1, got {conf_level!r}")
    if ev.sum() == 0:
        raise ValueError("`event` has no events: a Cox model needs at least one")
    if not exposures:
        raise ValueError("`exposures` is empty: give at least one (time, event) pair")
    exp = {name: as_exposure(name, pair, t.size) for name, pair in exposures.items()}
    data = counting_process(t, ev, exp, ent)
    names = list(exp)
    if covariates is not None:
        base = as_frame(covariates, t.size)
        clash = [c for c in base.columns if c in exp or c in ("id", "start", "stop", "event")]
        if clash:
            raise ValueError(f"`covariates` column(s) {clash!r} clash with exposure or data names")
        design, xb = build_design(base)
        for j, col in enumerate(design.names):
            data[col] = xb[data["id"].to_numpy(), j]
        names += list(design.names)
    x = data[names].to_numpy(np.float64)
    build_design(data[names], "exposures and covariates")  # constant or collinear columns
    warn_no_events(x, tuple(names), data["event"].to_numpy() == 1, "events")

    ctv = CoxTimeVaryingFitter(alpha=1.0 - level)
    ctv.fit(
        data[["id", "start", "stop", "event", *names]],
        event_col="event",
        start_col="start",
        stop_col="stop",
        id_col="id",
        fit_options={"precision": 1e-14, "r_precision": 1e-15},
    )
    coef = ctv.params_[names].to_numpy(np.float64)
    # lifelines labels only the rows of this matrix
    var = ctv.variance_matrix_.loc[names].to_numpy(np.float64)[
        :, [list(ctv.params_.index).index(c) for c in names]
    ]
    if robust:
        var = robust_variance(
            x,
            data["stop"].to_numpy(np.float64),
            data["event"].to_numpy() == 1,
            data["start"].to_numpy(np.float64),
            None,
            None,
            data["id"].to_numpy(np.int64),
            coef,
            var,
        )
    lr = ctv.log_likelihood_ratio_test()
    ll = float(ctv.log_likelihood_)
    return TimeVaryingCoxResult(
        coef=coef,
        se=np.sqrt(np.diag(var)),
        variance=var,
        names=tuple(names),
        loglik=ll,
        loglik_null=ll - float(lr.test_statistic) / 2.0,
        n_patients=int(t.size),
        n_rows=len(data),
        n_events=int(data["event"].sum()),
        robust=bool(robust),
        conf_level=level,
        data=data,
    )
