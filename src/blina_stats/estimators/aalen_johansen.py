"""The Aalen-Johansen estimator of cumulative incidence under competing risks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._incidence import BLOCK, block
from ._steps import RiskTable, evaluate, lock_arrays, risk_table
from .intervals import PointwiseBand
from .validation import as_codes, as_entry, as_time, check_conf
from .weighted import Subjects, WeightedCounts, as_weights, unit
from .weighted_results import WeightedIncidence, weighted_result

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

VARIANCES = ("aalen", "delta")


@dataclass(frozen=True)
class CumulativeIncidenceResult(PointwiseBand, WeightedIncidence):
    """Cumulative incidence of every cause, at every distinct observed time.

    Attributes
    ----------
    time : ndarray, shape (m,)
        Distinct observed times, increasing.
    causes : tuple of int
        The cause codes, 1..K; column k of the 2-d arrays is ``causes[k]``.
    estimate, variance, se, ci_lower, ci_upper : ndarray, shape (m, K)
        Cumulative incidence of each cause just after each time, its variance
        (`variance_method`), standard error and pointwise interval (`se` and
        the interval computed from `variance` when first read, and kept:
        `blina_stats.estimators.intervals.PointwiseBand`).
    survival : ndarray, shape (m,)
        Probability of no event of any cause (the all-cause Kaplan-Meier);
        ``survival + estimate.sum(axis=1) == 1``.
    n_at_risk, n_censored : ndarray, shape (m,)
        Patients at risk at and censorings at each time.
    n_events : ndarray, shape (m, K)
        Events of each cause at each time.
    conf_type, conf_level, variance_method : str, float, str
        The options used; `variance_method` ``"robust"``: weighted (`weighted_n_at_risk`).
    n_patients : int
        Patients in the input.
    """

    time: FloatArray
    causes: tuple[int, ...]
    estimate: FloatArray
    variance: FloatArray
    survival: FloatArray
    n_at_risk: IntArray
    n_events: IntArray
    n_censored: IntArray
    conf_type: str
    conf_level: float
    variance_method: str
    n_patients: int
    _table: RiskTable = field(repr=False, compare=False)
    _subjects: Subjects | None = field(default=None, repr=False, compare=False)
    _weighted: WeightedCounts | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        lock_arrays(self)

    def _column(self, cause: int) -> int:
        if cause not in self.causes:
            raise ValueError(f"`cause` must be one of {self.causes}, got {cause!r}")
        return self.causes.index(cause)

    def at(self, times: npt.ArrayLike, cause: int = 1) -> pd.DataFrame:
        """Cumulative incidence of `cause` at `times`.

        Between observed times the value at or before `t` is returned; before
        the first time it is 0 with se 0.  Beyond the last observed time it is
        NaN (no patient followed: as ``cmprsk::timepoints``) unless every
        patient had an event, in which case the curve is final and kept.

        Returns
        -------
        DataFrame indexed by ``time`` with columns ``estimate``, ``se``,
        ``ci_lower``, ``ci_upper``, ``n_at_risk`` (patients at risk at `t`)
        and ``n_events`` (cumulative events of `cause` at or before `t`).
        """
        k = self._column(cause)
        return evaluate(
            self._table,
            times,
            estimate=self.estimate[:, k],
            variance=self.variance[:, k],
            conf_type=self.conf_type,
            conf_level=self.conf_level,
            n_events=self.n_events[:, k],
            start=0.0,
            final=bool(self.survival[-1] == 0),
        )

    def to_frame(self, cause: int | None = None) -> pd.DataFrame:
        """The step function in long form: one row per time (and cause), indexed by time."""
        ks = range(len(self.causes)) if cause is None else [self._column(cause)]
        frames = [
            pd.DataFrame(
                {
                    "cause": self.causes[k],
                    "n_at_risk": self.n_at_risk,
                    "n_events": self.n_events[:, k],
                    "n_censored": self.n_censored,
                    "estimate": self.estimate[:, k],
                    "variance": self.variance[:, k],
                    "se": self.se[:, k],
                    "ci_lower": self.ci_lower[:, k],
                    "ci_upper": self.ci_upper[:, k],
                    "survival": self.survival,
                },
                index=pd.Index(self.time, name="time"),
            )
            for k in ks
        ]
        return pd.concat(frames) if len(frames) > 1 else frames[0]

    def plot(self, ax: Axes | None = None, cause: int = 1, **kwargs: Any) -> Axes:
        """Draw the incidence of `cause` with its band; see `blina_stats.plots.plot_incidence`."""
        from ..plots.survival import plot_incidence

        return plot_incidence(self, ax=ax, cause=cause, **kwargs)

    def _repr_html_(self) -> str:
        from .._html import horizon_table, html_result

        def of(cause: int) -> Callable[[list[float]], pd.DataFrame]:
            return lambda t: self.at(t, cause=cause)[["estimate", "ci_lower", "ci_upper"]]

        last = float(self.time[-1]) if self.time.size else 0.0
        key = horizon_table(last, {f"cause {c}": of(c) for c in self.causes})
        events = ", ".join(
            f"cause {c}: {int(self.n_events[:, k].sum())}" for k, c in enumerate(self.causes)
        )
        method = (
            f"{self.variance_method} variance, {self.conf_type} {self.conf_level:.0%} intervals"
        )
        facts = [("patients", str(self.n_patients)), ("events", events), ("method", method)]
        return html_result("Aalen-Johansen cumulative incidence", facts, key, self.to_frame())


def cumulative_incidence(
    time: npt.ArrayLike,
    status: npt.ArrayLike,
    entry: npt.ArrayLike | None = None,
    conf_type: str = "log-log",
    conf_level: float = 0.95,
    *,
    variance: str = "aalen",
    n_causes: int | None = None,
    weights: npt.ArrayLike | None = None,
) -> CumulativeIncidenceResult:
    r"""Aalen-Johansen cumulative incidence of every cause of failure.

    Parameters
    ----------
    time : array_like of float
        Follow-up times (non-negative).
    status : array_like of int
        0 = censored, 1..K = the cause of the event at `time`.
    entry : array_like of float, optional
        Delayed-entry (left-truncation) times, ``entry < time``.
    conf_type : {"log-log", "log", "plain", "arcsine", "logit"}
        Transform of the pointwise interval, applied to the incidence F:
        ``log-log`` gives ``F ** exp(+-z * se / (F * log F))`` as tidycmprsk.
    conf_level : float
        Confidence level, in (0, 1).
    variance : {"aalen", "delta"}
        ``aalen`` (default) is the variance ``cmprsk::cuminc`` reports (Aalen
        1978, with cmprsk's correction for ties); ``delta`` the delta-method
        variance of Marubini & Valsecchi (1995).
    n_causes : int, optional
        Number of causes K; by default the largest code in `status` (at least 1).
        Give it so that a cause with no event still has its (zero) curve.
    weights : array_like of float, optional
        Case weights, one per patient: unless all are 1 (the unweighted result, bit
        for bit) the robust variance (`variance` ignored), as R's multi-state
        ``survfit(weights=, id=)``; see :mod:`blina_stats.estimators.weighted`.

    Returns
    -------
    CumulativeIncidenceResult
        Every cause's incidence at every distinct time, with ``.at(times, cause)``,
        ``.to_frame()`` and ``.plot()``.

    Notes
    -----
    With :math:`n_j` at risk, :math:`d_{kj}` events of cause k and
    :math:`d_j = \sum_k d_{kj}` at distinct time :math:`t_j`, and
    :math:`\hat S` the all-cause Kaplan-Meier,

    .. math::

        \hat F_k(t) = \sum_{t_j \le t} \hat S(t_{j-1}) \frac{d_{kj}}{n_j}.

    Ties are exact: all causes' events at one time enter together, and
    censorings at that time are counted after them.  Nothing is jittered, so
    survival plus all incidences is one at every time.

    References
    ----------
    Aalen, O. O. and Johansen, S. (1978). An empirical transition matrix for
    non-homogeneous Markov chains based on censored observations. Scand J Stat
    5:141-150.
    Aalen, O. (1978). Nonparametric estimation of partial transition
    probabilities in multiple decrement models. Ann Stat 6:534-545.
    Gray, R. J. (1988). A class of K-sample tests for comparing the cumulative
    incidence of a competing risk. Ann Stat 16:1141-1154.
    Marubini, E. and Valsecchi, M. G. (1995). Analysing Survival Data from
    Clinical Trials and Observational Studies. Wiley.

    Examples
    --------
    >>> import blina_stats as bs
    >>> ci = bs.cumulative_incidence([2, 3, 3, 5, 7], [1, 2, 1, 0, 1])
    >>> float(ci.at([4], cause=1)["estimate"].iloc[0])
    0.4
    """
    t = as_time(time, "time")
    st = as_codes(status, "status", t.size)
    ent = as_entry(entry, t)
    check_conf(conf_type, conf_level)
    if variance not in VARIANCES:
        raise ValueError(f"`variance` must be one of {VARIANCES}, got {variance!r}")
    k_max = int(st.max())
    if n_causes is not None:
        if int(n_causes) < max(k_max, 1):
            raise ValueError(
                f"`n_causes` is {n_causes!r} but `status` has cause code {k_max}: "
                "codes must be 0..n_causes"
            )
        k_max = int(n_causes)
    causes = np.arange(1, max(k_max, 1) + 1)
    table = risk_table(t, st, causes, ent)
    subjects = Subjects(t, st, ent, None if weights is None else as_weights(weights, t.size))
    if subjects.weights is not None and not unit(subjects.weights):
        return weighted_result(
            CumulativeIncidenceResult, table, subjects, causes, conf_type, conf_level, variance
        )
    n = table.n_at_risk
    m, n_k = n.size, causes.size
    dk = table.n_events  # Fortran order: a cause's column is contiguous
    # Every float array of the result in one block: a block of several MB is
    # backed by huge pages, where many arrays of 10^5 times would each be
    # page-faulted in (20x slower here than the arithmetic itself).  The
    # arithmetic runs over blocks of times with scratch space of one block:
    # each block is finished while it is in cache, and no scratch as long as
    # the curve is faulted in, or kept.  The standard errors and intervals are
    # computed from the variance when first read (`PointwiseBand`).
    rows = np.empty((2 * n_k + 1, m))
    est, var = (rows[i * n_k : (i + 1) * n_k].T for i in range(2))
    surv = rows[2 * n_k]
    scratch = np.empty((9, min(m, BLOCK)))
    d = np.empty(min(m, BLOCK), dtype=np.int64)  # events of all causes, a block at a time
    sums = np.zeros((n_k, 7))  # running sums of each cause: incidence, variance terms
    s_last = np.ones(1)
    for i in range(0, m, BLOCK):
        at = slice(i, min(i + BLOCK, m))
        d_at = d[: at.stop - i]
        np.copyto(d_at, dk[at, 0])
        for k in range(1, n_k):
            d_at += dk[at, k]
        block(scratch, s_last, sums, n[at], d_at, dk[at], surv[at], est[at], var[at], variance)
    return CumulativeIncidenceResult(
        time=table.time,
        causes=tuple(int(c) for c in causes),
        estimate=est,
        variance=var,
        survival=surv,
        n_at_risk=n,
        n_events=dk,
        n_censored=table.n_censored,
        conf_type=conf_type,
        conf_level=float(conf_level),
        variance_method=variance,
        n_patients=int(t.size),
        _table=table,
        _subjects=replace(subjects, weights=None),
    )
