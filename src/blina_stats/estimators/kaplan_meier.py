"""The Kaplan-Meier estimator with Greenwood variance, delayed entry and exact ties."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._steps import RiskTable, evaluate, lock_arrays, risk_table
from .intervals import PointwiseBand
from .validation import as_entry, as_flags, as_time, check_conf
from .weighted import Subjects, WeightedCounts, as_weights, unit
from .weighted_results import WeightedSurvival, weighted_result

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: R's ``quantile.survfit`` tolerance for "the curve equals p over an interval".
_QUANTILE_TOL = float(np.sqrt(np.finfo(np.float64).eps))


@dataclass(frozen=True)
class Quantile:
    """A survival-time quantile with its Brookmeyer-Crowley interval (NaN: not reached)."""

    probability: float
    estimate: float
    ci_lower: float
    ci_upper: float


@dataclass(frozen=True)
class KaplanMeierResult(PointwiseBand, WeightedSurvival):
    """The Kaplan-Meier step function at every distinct observed time.

    Attributes
    ----------
    time : ndarray
        Distinct observed times (events and censorings), increasing.
    estimate : ndarray
        Survival probability just after each time, S(t).
    variance, se : ndarray
        Variance of S(t) (`variance_method`) and its square root (NaN once S reaches 0).
    ci_lower, ci_upper : ndarray
        Pointwise interval of `conf_type` at `conf_level`.  `se` and the
        interval are computed from `variance` when first read, and kept
        (`blina_stats.estimators.intervals.PointwiseBand`).
    n_at_risk, n_events, n_censored : ndarray
        Patients at risk at, events at and censorings at each time.
    conf_type, conf_level : str, float
        The interval's transform and level.
    reverse : bool
        True for the reverse Kaplan-Meier (censoring as the event): the
        distribution of potential follow-up.
    n_patients : int
        Patients in the input.
    variance_method : str
        ``"greenwood"``, or ``"robust"`` (infinitesimal jackknife) for a
        weighted estimate; the counts stay numbers of patients, the weighted
        ones are `weighted_n_at_risk` and `weighted_n_events`.
    """

    time: FloatArray
    estimate: FloatArray
    variance: FloatArray
    n_at_risk: IntArray
    n_events: IntArray
    n_censored: IntArray
    conf_type: str
    conf_level: float
    reverse: bool
    n_patients: int
    _table: RiskTable = field(repr=False, compare=False)
    variance_method: str = "greenwood"
    _subjects: Subjects | None = field(default=None, repr=False, compare=False)
    _weighted: WeightedCounts | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        lock_arrays(self)

    def at(self, times: npt.ArrayLike) -> pd.DataFrame:
        """Evaluate the step function at `times`.

        Between observed times the value at or before `t` is returned; before
        the first time the estimate is 1 with se 0.  Beyond the last observed
        time the curve is undefined (NaN) unless it reached 0, in which case it
        stays 0.

        Returns
        -------
        DataFrame indexed by ``time`` with columns ``estimate``, ``se``,
        ``ci_lower``, ``ci_upper``, ``n_at_risk`` (patients at risk at `t`, as
        R's ``summary(survfit, times=)``) and ``n_events`` (cumulative events
        at or before `t`).
        """
        return evaluate(
            self._table,
            times,
            estimate=self.estimate,
            variance=self.variance,
            conf_type=self.conf_type,
            conf_level=self.conf_level,
            n_events=self.n_events,
            start=1.0,
            final=bool(self.estimate[-1] == 0),
        )

    def to_frame(self) -> pd.DataFrame:
        """The whole step function, one row per distinct time."""
        return pd.DataFrame(
            {
                "n_at_risk": self.n_at_risk,
                "n_events": self.n_events,
                "n_censored": self.n_censored,
                "estimate": self.estimate,
                "variance": self.variance,
                "se": self.se,
                "ci_lower": self.ci_lower,
                "ci_upper": self.ci_upper,
            },
            index=pd.Index(self.time, name="time"),
        )

    def quantile(self, probability: float) -> Quantile:
        """Time by which a fraction `probability` has failed, with its interval.

        The interval is Brookmeyer and Crowley's: the times where the
        pointwise interval of S(t) contains ``1 - probability``.  Where S(t)
        equals ``1 - probability`` over an interval, the midpoint is taken, as
        R's ``quantile.survfit`` does.

        References
        ----------
        Brookmeyer, R. and Crowley, J. (1982). A confidence interval for the
        median survival time. Biometrics 38:29-41.
        """
        p = float(probability)
        if not 0.0 < p < 1.0:
            raise ValueError(f"`probability` must be strictly between 0 and 1, got {probability!r}")
        x = np.concatenate(([0.0], self.time))
        return Quantile(
            probability=p,
            estimate=_findq(x, 1.0 - self.estimate, p),
            ci_lower=_findq(x, 1.0 - self.ci_lower, p),
            ci_upper=_findq(x, 1.0 - self.ci_upper, p),
        )

    @property
    def median(self) -> Quantile:
        """Median time with its Brookmeyer-Crowley interval (median follow-up if reversed)."""
        return self.quantile(0.5)

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw the curve with its band and censoring ticks (`blina_stats.plots.plot_survival`)."""
        from ..plots.survival import plot_survival

        return plot_survival(self, ax=ax, **kwargs)

    def _repr_html_(self) -> str:
        from .._html import horizons_within, html_result

        med = self.median
        what = "Reverse Kaplan-Meier (follow-up)" if self.reverse else "Kaplan-Meier"
        at = horizons_within(float(self.time[-1]) if self.time.size else 0.0)
        cols = ["estimate", "ci_lower", "ci_upper", "n_at_risk"]
        key = self.at([t for t, _ in at])[cols] if at else None
        if key is not None:
            key.index = pd.Index([label for _, label in at], name="horizon")
        lo, hi = (f"{v:.4g}" if np.isfinite(v) else "NR" for v in (med.ci_lower, med.ci_upper))
        median = (
            f"{med.estimate:.4g} ({self.conf_level:.0%} CI {lo}-{hi})"
            if np.isfinite(med.estimate)
            else "not reached"
        )
        var = self.variance_method
        facts = [
            ("patients", str(self.n_patients)),
            ("events", str(int(self.n_events.sum()))),
            ("median", median),
            ("method", f"{self.conf_type} {self.conf_level:.0%} intervals, {var} variance"),
        ]
        return html_result(what, facts, key, self.to_frame())


def _findq(x: FloatArray, y: FloatArray, p: float, tol: float = _QUANTILE_TOL) -> float:
    """First x where the non-decreasing step function y reaches p (R's ``survival:::findq``)."""
    y = np.concatenate(([0.0], y))
    finite = np.isfinite(y)
    if not finite.any() or y[finite].max() < p:
        return float("nan")
    xmax = x[-1]
    # keep the first time each distinct value (NaN included) is attained
    keys = np.where(finite, y, np.inf)
    _, first = np.unique(keys, return_index=True)
    first.sort()
    xd, yd = x[first], y[first]
    ok = np.isfinite(yd)
    pos = np.flatnonzero(ok)
    # R finds the crossing with approx(), which sorts the knots: on a
    # non-monotone confidence band that is the smallest band value >= p
    order = np.argsort(yd[ok], kind="stable")
    knots_sorted = yd[ok][order]

    def first_at_least(shift: float) -> float:
        knots = knots_sorted + shift
        k = np.searchsorted(knots, p, side="left")
        return float(xd[pos[order[k]]]) if k < knots.size and knots[0] <= p else float("nan")

    lo = first_at_least(tol)
    hi = first_at_least(-tol)
    if np.isfinite(yd[-1]) and abs(p - yd[-1]) < tol:
        return float((lo + xmax) / 2.0)
    return float((lo + hi) / 2.0)


#: Distinct times whose arithmetic runs at once (two rows of scratch space).
_BLOCK = 1 << 15


def _greenwood(
    d: IntArray,
    n: IntArray,
    scratch: FloatArray,
    carry: FloatArray,
    estimate: FloatArray,
    variance: FloatArray,
) -> None:
    """Kaplan-Meier and Greenwood's variance at one block of times, into `estimate`, `variance`.

    `carry` holds the survival and Greenwood's sum before the block and is
    updated; products and sums run sequentially, so blocks give, to the last
    bit, what all the times at once would.
    """
    nf, work = scratch[:, : n.size]
    np.copyto(nf, n)  # as floats once, not in every division
    np.divide(d, nf, out=work)
    np.subtract(1.0, work, out=work)
    work[0] *= carry[0]
    np.cumprod(work, out=estimate)
    carry[0] = estimate[-1]
    # Greenwood: sum d / (n (n - d)): 0 without events (n >= 1 at every
    # observed time), infinite once n == d
    np.subtract(nf, d, out=work)
    work *= nf
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(d, work, out=work)
        work[0] += carry[1]
        np.cumsum(work, out=variance)
        carry[1] = variance[-1]
        variance *= estimate  # inf * 0 once the curve reaches 0: NaN, as in R
        variance *= estimate
    if estimate[-1] == 0:  # non-increasing: only then can a value be 0
        np.copyto(variance, np.nan, where=estimate == 0)


def kaplan_meier(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    entry: npt.ArrayLike | None = None,
    conf_type: str = "log-log",
    conf_level: float = 0.95,
    reverse: bool = False,
    *,
    weights: npt.ArrayLike | None = None,
) -> KaplanMeierResult:
    r"""Kaplan-Meier estimate of the survival function.

    Parameters
    ----------
    time : array_like of float
        Follow-up times (non-negative).
    event : array_like of {0, 1} or bool
        1 where the patient had the event at `time`, 0 where censored.
    entry : array_like of float, optional
        Delayed-entry (left-truncation) times, ``entry < time``: a patient is
        at risk at ``t`` when ``entry < t <= time``.
    conf_type : {"log-log", "log", "plain", "arcsine", "logit"}
        Transform of the pointwise interval.  The default ``log-log`` is that of
        SAS and lifelines; R's ``survfit`` defaults to ``log``.
    conf_level : float
        Confidence level, in (0, 1).
    reverse : bool
        Estimate the censoring distribution instead (reverse Kaplan-Meier);
        its median is the median potential follow-up (Schemper & Smith 1996).
    weights : array_like of float, optional
        Case weights (finite, non-negative, one per patient), e.g. propensity
        weights.  Unless all are 1 (then the result is the unweighted one,
        bit for bit) the estimate uses weighted counts and reports the robust
        variance (``variance_method="robust"``), as R's ``survfit(weights=,
        id=)``; see :mod:`blina_stats.estimators.weighted`.

    Returns
    -------
    KaplanMeierResult
        The step function at every distinct time, with ``.at``, ``.to_frame``,
        ``.median``, ``.quantile`` and ``.plot``.

    Notes
    -----
    With :math:`d_j` events among :math:`n_j` at risk at distinct time :math:`t_j`,

    .. math::

        \hat S(t) = \prod_{t_j \le t} (1 - d_j / n_j), \qquad
        \widehat{\operatorname{Var}} \hat S(t) = \hat S(t)^2
            \sum_{t_j \le t} \frac{d_j}{n_j (n_j - d_j)}.

    Censorings tied with events are counted after them (still at risk).
    The intervals and their undefined cases follow R's ``survfit``; see
    :mod:`blina_stats.estimators.intervals`.

    References
    ----------
    Kaplan, E. L. and Meier, P. (1958). Nonparametric estimation from
    incomplete observations. JASA 53:457-481.
    Greenwood, M. (1926). The natural duration of cancer. Reports on Public
    Health and Medical Subjects 33. HMSO.
    Schemper, M. and Smith, T. L. (1996). A note on quantifying follow-up in
    studies of failure time. Controlled Clinical Trials 17:343-346.

    Examples
    --------
    >>> import blina_stats as bs
    >>> km = bs.kaplan_meier([3, 5, 5, 8, 12], [1, 1, 0, 1, 0])
    >>> float(km.at([6])["estimate"].iloc[0])
    0.6
    """
    t = as_time(time, "time")
    ev = as_flags(event, "event", t.size)
    ent = as_entry(entry, t)
    check_conf(conf_type, conf_level)
    w = None if weights is None else as_weights(weights, t.size)
    if reverse:
        ev = 1 - ev
    table = risk_table(t, ev, np.array([1]), ent)
    if w is not None and not unit(w):
        subjects = Subjects(t, ev.astype(np.int64), ent, w)
        return weighted_result(
            KaplanMeierResult, table, subjects, None, conf_type, conf_level, reverse=reverse
        )
    d = table.n_events[:, 0]
    n = table.n_at_risk
    # the result's two float arrays in one block (several MB are backed by huge
    # pages instead of page-faulting each array in), computed a block of times
    # at a time with scratch space of one block: each block is finished while
    # in cache, and the result keeps no scratch (se and the interval are
    # computed from the variance when first read)
    estimate, variance = np.empty((2, n.size))
    scratch = np.empty((2, min(n.size, _BLOCK)))
    carry = np.array([1.0, 0.0])  # the survival and Greenwood's sum before the block
    for i in range(0, n.size, _BLOCK):
        at = slice(i, min(i + _BLOCK, n.size))
        _greenwood(d[at], n[at], scratch, carry, estimate[at], variance[at])
    return KaplanMeierResult(
        time=table.time,
        estimate=estimate,
        variance=variance,
        n_at_risk=n,
        n_events=d,
        n_censored=table.n_censored,
        conf_type=conf_type,
        conf_level=float(conf_level),
        reverse=reverse,
        n_patients=int(t.size),
        _table=table,
    )
