"""The k-sample log-rank test (and its G-rho family), stratified, with delayed entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import chi2

from ..estimators.validation import as_codes, as_entry, as_labels, as_time, warn_small_groups

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class LogrankResult:
    """A k-sample log-rank (G-rho) test.

    Attributes
    ----------
    statistic : float
        The chi-square statistic ``(O - E)' V^- (O - E)`` over all groups but one.
    df : int
        Degrees of freedom: groups with a positive expected count, minus one.
    pvalue : float
        Upper tail of the chi-square distribution with `df` degrees of freedom.
    groups : tuple
        The group labels, sorted; the order of the arrays below.
    n : ndarray, shape (k,)
        Patients in each group.
    observed, expected : ndarray, shape (k,)
        (Weighted) observed and expected events in each group, summed over strata.
    variance : ndarray, shape (k, k)
        Variance matrix of ``observed - expected``.
    rho : float
        The G-rho weight exponent (0: log-rank, 1: Peto-Peto/Prentice-Wilcoxon).
    n_strata : int
        Number of strata.
    """

    statistic: float
    df: int
    pvalue: float
    groups: tuple[Any, ...]
    n: IntArray
    observed: FloatArray
    expected: FloatArray
    variance: FloatArray = field(repr=False)
    rho: float
    n_strata: int

    @property
    def summary(self) -> pd.DataFrame:
        """Per-group table as R's ``print.survdiff``: N, Observed, Expected, chi contributions."""
        o, e = self.observed, self.expected
        with np.errstate(divide="ignore", invalid="ignore"):
            return pd.DataFrame(
                {
                    "n": self.n,
                    "observed": o,
                    "expected": e,
                    "(O-E)^2/E": (o - e) ** 2 / e,
                    "(O-E)^2/V": (o - e) ** 2 / np.diag(self.variance),
                },
                index=pd.Index(self.groups, name="group"),
            )

    def _repr_html_(self) -> str:
        name = "Log-rank" if self.rho == 0 else f"G-rho (rho={self.rho:g})"
        strata = f", {self.n_strata} strata" if self.n_strata > 1 else ""
        head = (
            f"<p><b>{name} test</b>{strata}: chi-square {self.statistic:.3f} on "
            f"{self.df} df, p = {self.pvalue:.4g}</p>"
        )
        return head + self.summary.to_html(float_format=lambda v: f"{v:.3f}")


def _at_risk(
    event_times: FloatArray, time: FloatArray, entry: FloatArray | None, groups: IntArray, k: int
) -> FloatArray:
    """Patients of each group with ``entry < t <= time`` at each event time: shape (m, k)."""
    out = np.empty((event_times.size, k))
    for g in range(k):
        sel = groups == g
        tg = np.sort(time[sel])
        count = tg.size - np.searchsorted(tg, event_times, side="left")
        if entry is not None:
            eg = np.sort(entry[sel])
            count = count - (eg.size - np.searchsorted(eg, event_times, side="left"))
        out[:, g] = count
    return out


def _stratum(
    time: FloatArray,
    event: IntArray,
    groups: IntArray,
    entry: FloatArray | None,
    k: int,
    rho: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Observed, expected and variance of one stratum (``survival``'s C routine survdiff2)."""
    dead = event == 1
    ut, inv = np.unique(time[dead], return_inverse=True)
    if ut.size == 0:
        return np.zeros(k), np.zeros(k), np.zeros((k, k))
    d_g = np.zeros((ut.size, k))
    np.add.at(d_g, (inv, groups[dead]), 1.0)
    n_g = _at_risk(ut, time, entry, groups, k)
    d = d_g.sum(axis=1)
    n = n_g.sum(axis=1)
    if rho != 0:
        # left-continuous Kaplan-Meier of the pooled stratum
        km = np.cumprod(1.0 - d / n)
        w = np.concatenate(([1.0], km[:-1])) ** rho
    else:
        w = np.ones(ut.size)
    obs = (w[:, None] * d_g).sum(axis=0)
    exp = (w[:, None] * d_g.sum(axis=1, keepdims=True) * n_g / n[:, None]).sum(axis=0)
    # hypergeometric variance; a lone patient at risk contributes none
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(n > 1, w**2 * d * (n - d) / (n * (n - 1.0)), 0.0)
    var = np.einsum("t,tj->j", c, n_g)
    v = np.diag(var) - np.einsum("t,tj,tk->jk", c / n, n_g, n_g)
    return obs, exp, v


def logrank_test(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    group: npt.ArrayLike,
    strata: npt.ArrayLike | None = None,
    entry: npt.ArrayLike | None = None,
    *,
    rho: float = 0.0,
) -> LogrankResult:
    r"""Compare survival among k groups with the (stratified) log-rank test.

    Parameters
    ----------
    time : array_like of float
        Follow-up times (non-negative).
    event : array_like of {0, 1}
        1 = event at `time`, 0 = censored.
    group : array_like
        Group label of each patient (any hashable values; at least two groups).
    strata : array_like, optional
        Stratum label of each patient: observed and expected counts and their
        variance are computed within strata and summed.
    entry : array_like of float, optional
        Delayed-entry (left-truncation) times, ``entry < time``: a patient is in
        the risk set at ``t`` when ``entry < t <= time``.
    rho : float
        Weight exponent of the Harrington-Fleming G-rho family: each event time
        is weighted by ``S(t-) ** rho`` (pooled Kaplan-Meier within stratum).
        0 (default) is the log-rank test, 1 the Peto-Peto modification of the
        Gehan-Wilcoxon test, as R ``survdiff``.

    Returns
    -------
    LogrankResult
        With ``statistic``, ``df``, ``pvalue`` (as SciPy's test results),
        per-group ``observed``, ``expected`` and the ``summary`` table.

    Notes
    -----
    At each distinct event time :math:`t` of a stratum, with :math:`n_{gt}` at
    risk and :math:`d_{gt}` events in group g, :math:`n_t = \sum_g n_{gt}`,
    :math:`d_t = \sum_g d_{gt}` and weight :math:`w_t`,

    .. math::

        O_g - E_g = \sum_t w_t \left(d_{gt} - d_t \frac{n_{gt}}{n_t}\right), \qquad
        V_{gh} = \sum_t w_t^2 \frac{d_t (n_t - d_t)}{n_t (n_t - 1)}
                 \frac{n_{gt}}{n_t}\left(\delta_{gh} n_t - n_{ht}\right),

    summed over strata.  The statistic uses the groups with a positive
    expected count and drops the first of them, as ``survival::survdiff``.
    Tied events all enter at their time; censorings at an event time are
    still at risk then.  R's ``survdiff`` has no delayed entry; with it the
    statistic equals the score test of ``coxph(Surv(entry, time, event) ~
    group)`` when there are no tied event times.

    References
    ----------
    Mantel, N. (1966). Evaluation of survival data and two new rank order
    statistics arising in its consideration. Cancer Chemother Rep 50:163-170.
    Harrington, D. P. and Fleming, T. R. (1982). A class of rank test
    procedures for censored survival data. Biometrika 69:553-566.

    Examples
    --------
    >>> import blina_stats as bs
    >>> from blina_stats.datasets import load_bmt
    >>> bmt = load_bmt()
    >>> res = bs.logrank_test(bmt["t2"], bmt["d3"], bmt["group"])
    >>> res.df
    2
    """
    t = as_time(time, "time")
    ev = as_codes(event, "event", t.size, max_code=1)
    ent = as_entry(entry, t)
    g, labels = as_labels(group, "group", t.size)
    if len(labels) < 2:
        raise ValueError(f"`group` must have at least two groups, got only {labels!r}")
    rho = float(rho)
    if not np.isfinite(rho) or rho < 0:
        raise ValueError(f"`rho` must be a finite non-negative number, got {rho!r}")
    if strata is None:
        s, n_strata = np.zeros(t.size, dtype=np.int64), 1
    else:
        s, strata_labels = as_labels(strata, "strata", t.size)
        n_strata = len(strata_labels)
    if ev.sum() == 0:
        raise ValueError("`event` has no events: the log-rank test needs at least one")
    warn_small_groups(g, labels, "group")
    k = len(labels)
    obs, exp, var = np.zeros(k), np.zeros(k), np.zeros((k, k))
    for h in range(n_strata):
        sel = s == h
        o, e, v = _stratum(t[sel], ev[sel], g[sel], None if ent is None else ent[sel], k, rho)
        obs, exp, var = obs + o, exp + e, var + v
    keep = np.flatnonzero(exp > 0)
    if keep.size < 2:
        raise ValueError(
            "`group`: fewer than two groups have patients at risk at an event time, "
            "so there is nothing to compare"
        )
    u = (obs - exp)[keep[1:]]
    vv = var[np.ix_(keep[1:], keep[1:])]
    try:
        stat = float(u @ np.linalg.solve(vv, u))
    except np.linalg.LinAlgError:
        raise ValueError(
            "`group`: the variance matrix of observed minus expected is singular "
            "(groups never at risk together at an event time)"
        ) from None
    df = int(keep.size - 1)
    return LogrankResult(
        statistic=stat,
        df=df,
        pvalue=float(chi2.sf(stat, df)),
        groups=labels,
        n=np.bincount(g, minlength=k).astype(np.int64),
        observed=obs,
        expected=exp,
        variance=var,
        rho=rho,
        n_strata=n_strata,
    )
