"""The Aalen-Johansen estimator of cumulative incidence under competing risks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._steps import RiskTable, evaluate, risk_table
from ._validation import as_codes, as_entry, as_time, check_conf
from .intervals import confidence_interval

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

VARIANCES = ("aalen", "delta")


@dataclass(frozen=True)
class CumulativeIncidenceResult:
    """Cumulative incidence of every cause, at every distinct observed time.

    Attributes
    ----------
    time : ndarray, shape (m,)
        Distinct observed times, increasing.
    causes : tuple of int
        The cause codes, 1..K; column k of the 2-d arrays is ``causes[k]``.
    estimate, variance, se, ci_lower, ci_upper : ndarray, shape (m, K)
        Cumulative incidence of each cause just after each time, its variance
        (`variance_method`), standard error and pointwise interval.
    survival : ndarray, shape (m,)
        Probability of no event of any cause (the all-cause Kaplan-Meier);
        ``survival + estimate.sum(axis=1) == 1``.
    n_at_risk, n_censored : ndarray, shape (m,)
        Patients at risk at and censorings at each time.
    n_events : ndarray, shape (m, K)
        Events of each cause at each time.
    conf_type, conf_level, variance_method : str, float, str
        The options used.
    n_patients : int
        Patients in the input.
    """

    time: FloatArray
    causes: tuple[int, ...]
    estimate: FloatArray
    variance: FloatArray
    se: FloatArray
    ci_lower: FloatArray
    ci_upper: FloatArray
    survival: FloatArray
    n_at_risk: IntArray
    n_events: IntArray
    n_censored: IntArray
    conf_type: str
    conf_level: float
    variance_method: str
    n_patients: int
    _table: RiskTable = field(repr=False, compare=False)

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
            se=self.se[:, k],
            ci_lower=self.ci_lower[:, k],
            ci_upper=self.ci_upper[:, k],
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
        events = ", ".join(
            f"cause {c}: {int(self.n_events[:, k].sum())}" for k, c in enumerate(self.causes)
        )
        head = (
            f"<p><b>Aalen-Johansen cumulative incidence</b>: {self.n_patients} patients; "
            f"events {events}; {self.variance_method} variance, {self.conf_type} "
            f"{self.conf_level:.0%} intervals</p>"
        )
        return head + self.to_frame().to_html(float_format=lambda v: f"{v:.4f}")


def _tie_factor(d: IntArray, n: IntArray) -> FloatArray:
    """cmprsk's correction for tied events: 1 - (d - 1) / (n - 1) when d > 1, else 1."""
    return 1.0 - np.maximum(d - 1, 0) / np.maximum(n - 1, 1)


def _aalen_variance(
    weight: FloatArray, s: FloatArray, f: FloatArray, d1: IntArray, d2: IntArray, n: IntArray
) -> FloatArray:
    """Variance of one cause's incidence as ``cmprsk::cuminc`` computes it (Fortran ``cinc``).

    `weight` is ``S(t_{j-1})^2 / n_j^2``; `d1` the cause's events and `d2` the
    competing events at each time.
    """
    with np.errstate(divide="ignore"):
        r = np.where(s > 0, 1.0 / s, 0.0)  # cmprsk drops 1/S terms once S reaches 0
    q = f * r
    c = weight * _tie_factor(d2, n) * d2  # competing events (their terms carry r or q)
    b = weight * _tie_factor(d1, n) * d1  # events of the cause of interest
    v1 = np.cumsum(q * q * c + (1.0 + q) ** 2 * b)
    v2 = np.cumsum(r * (q * c + (1.0 + q) * b))
    v3 = np.cumsum(r * r * (c + b))
    # rounding in the difference can leave -1e-17 where the variance is 0
    var = np.maximum(v1 + f * f * v3 - 2.0 * f * v2, 0.0)
    # cmprsk updates the variance at the cause's own event times only; the
    # exact value is constant in between, so carry it forward from there
    jumps = np.flatnonzero(d1)
    out = np.zeros_like(f)
    if jumps.size:
        out[jumps[0] :] = np.repeat(var[jumps], np.diff(jumps, append=f.size))
    return out


def _delta_variance(
    s_prev: FloatArray, f: FloatArray, d1: IntArray, d: IntArray, n: IntArray
) -> FloatArray:
    """Delta-method variance (Marubini & Valsecchi 1995, eq. 10.11), as cumulative sums."""
    nf = n.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        # where everyone left fails (n == d) the factor (F(t) - F_j) is 0 from then on
        g = np.where((d > 0) & (nf > d), d / (nf * (nf - d)), 0.0)
        h = s_prev * d1 / nf**2
        w = s_prev**2 * d1 * (nf - d1) / nf**3
    # sum_j [(F(t) - F_j)^2 g_j + w_j - 2 (F(t) - F_j) h_j], with F(t) = f
    g_sum, gf_sum, gff_sum = np.cumsum(g), np.cumsum(g * f), np.cumsum(g * f * f)
    h_sum, hf_sum = np.cumsum(h), np.cumsum(h * f)
    var = f**2 * g_sum - 2 * f * gf_sum + gff_sum + np.cumsum(w) - 2 * (f * h_sum - hf_sum)
    return np.maximum(var, 0.0)


def cumulative_incidence(
    time: npt.ArrayLike,
    status: npt.ArrayLike,
    entry: npt.ArrayLike | None = None,
    conf_type: str = "log-log",
    conf_level: float = 0.95,
    *,
    variance: str = "aalen",
    n_causes: int | None = None,
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
    z = check_conf(conf_type, conf_level)
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
    n = table.n_at_risk
    # columns of the (times x causes) arrays are contiguous: each cause is a pass of its own
    dk = np.asfortranarray(table.n_events)
    d = dk[:, 0].copy()
    for k in range(1, causes.size):
        d += dk[:, k]
    surv = np.cumprod(1.0 - d / n, dtype=np.float64)
    s_prev = np.concatenate(([1.0], surv[:-1]))
    est = np.empty(dk.shape, order="F")
    var = np.empty(dk.shape, order="F")
    weight = (s_prev / n) ** 2
    for k in range(causes.size):
        est[:, k] = np.cumsum(s_prev * dk[:, k] / n)
        if variance == "aalen":
            var[:, k] = _aalen_variance(weight, surv, est[:, k], dk[:, k], d - dk[:, k], n)
        else:
            var[:, k] = _delta_variance(s_prev, est[:, k], dk[:, k], d, n)
    se = np.sqrt(var)
    lower, upper = confidence_interval(est, se, conf_type, z)
    return CumulativeIncidenceResult(
        time=table.time,
        causes=tuple(int(c) for c in causes),
        estimate=est,
        variance=var,
        se=se,
        ci_lower=lower,
        ci_upper=upper,
        survival=surv,
        n_at_risk=n,
        n_events=dk,
        n_censored=table.n_censored,
        conf_type=conf_type,
        conf_level=float(conf_level),
        variance_method=variance,
        n_patients=int(t.size),
        _table=table,
    )
