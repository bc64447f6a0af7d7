"""Gray's (1988) k-sample test for equality of cumulative incidence functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import chi2

from ..estimators.validation import as_codes, as_labels, as_time, warn_small_groups

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class GrayResult:
    """Gray's test comparing the cumulative incidence of one cause among k groups.

    Attributes
    ----------
    statistic : float
        ``s' V^{-1} s`` for the scores `score` of the first k - 1 groups.
    df : int
        k - 1.
    pvalue : float
        Upper tail of the chi-square distribution with `df` degrees of freedom.
    cause : int
        The cause whose incidence is compared.
    groups : tuple
        Group labels, sorted.
    score : ndarray, shape (k - 1,)
        Weighted differences between each group's subdistribution hazard and
        the pooled one (the last group is left out), summed over strata.
    variance : ndarray, shape (k - 1, k - 1)
        Their estimated variance matrix.
    n, n_events, n_competing, n_censored : ndarray, shape (k,)
        Patients, events of `cause`, events of other causes and censorings per group.
    rho : float
        Weight exponent: each time is weighted by ``(1 - F(t-)) ** rho``.
    n_strata : int
        Number of strata.
    """

    statistic: float
    df: int
    pvalue: float
    cause: int
    groups: tuple[Any, ...]
    score: FloatArray = field(repr=False)
    variance: FloatArray = field(repr=False)
    n: IntArray
    n_events: IntArray
    n_competing: IntArray
    n_censored: IntArray
    rho: float
    n_strata: int

    @property
    def summary(self) -> pd.DataFrame:
        """Per-group counts: patients, events of `cause`, competing events, censorings."""
        return pd.DataFrame(
            {
                "n": self.n,
                "events": self.n_events,
                "competing": self.n_competing,
                "censored": self.n_censored,
            },
            index=pd.Index(self.groups, name="group"),
        )

    def _repr_html_(self) -> str:
        strata = f", {self.n_strata} strata" if self.n_strata > 1 else ""
        head = (
            f"<p><b>Gray's test</b> for the incidence of cause {self.cause} (rho={self.rho:g}"
            f"{strata}): chi-square {self.statistic:.3f} on {self.df} df, "
            f"p = {self.pvalue:.4g}</p>"
        )
        return head + self.summary.to_html()


def _stratum(
    time: FloatArray, m: IntArray, g: IntArray, ng: int, rho: float
) -> tuple[FloatArray, FloatArray]:
    """Score and variance of one stratum: ``cmprsk``'s Fortran ``crst``, vectorised over times.

    `m` is 0 censored, 1 the cause of interest, 2 another cause; `g` codes 0..ng-1.
    """
    ut, inv = np.unique(time, return_inverse=True)
    cnt = np.zeros((3, ut.size, ng))
    np.add.at(cnt, (m, inv, g), 1.0)
    d1, d2 = cnt[1], cnt[2]
    # at risk at each distinct time: not yet left before it
    left = np.cumsum(cnt.sum(axis=0), axis=0)
    rs = left[-1][None, :] - np.vstack([np.zeros((1, ng)), left[:-1]])
    pos = rs > 0
    nd1 = d1.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        # all-cause Kaplan-Meier per group: skmm left-, skm right-continuous
        skm = np.cumprod(np.where(pos, 1.0 - (d1 + d2) / rs, 1.0), axis=0)
        skmm = np.vstack([np.ones((1, ng)), skm[:-1]])
        f1 = np.cumsum(np.where(pos, skmm * d1 / rs, 0.0), axis=0)
        f1m = np.vstack([np.zeros((1, ng)), f1[:-1]])
        h = np.where(pos, rs / skmm, 0.0)  # Gray's h_r(t), 0 for an empty group
        tr = h.sum(axis=1)
        tq = (h * (1.0 - f1m)).sum(axis=1)
        # pooled incidence: F(t) and F(t-)
        f = np.cumsum(nd1 / tr)
        fm = np.concatenate(([0.0], f[:-1]))
        fb = (1.0 - fm) ** rho
        a = fb[:, None, None] * (
            h[:, :, None] * np.eye(ng)[None] - h[:, :, None] * h[:, None, :] / tr[:, None, None]
        )
        c = np.cumsum(a * (nd1 / (tr * (1.0 - fm)))[:, None, None], axis=0)
        score = (
            fb[:, None] * np.where(pos, d1 - nd1[:, None] * h * (1.0 - f1m) / tq[:, None], 0.0)
        ).sum(axis=0)

        # events of the cause of interest
        ev1 = (nd1 > 0)[:, None] & pos
        t4 = np.where(skm > 0, 1.0 - (1.0 - f[:, None]) / skm, 1.0)
        t5 = np.where(
            nd1[:, None] > 1, 1.0 - (nd1[:, None] - 1.0) / (tr[:, None] * skmm - 1.0), 1.0
        )
        t3 = np.where(ev1, t5 * skmm * nd1[:, None] / (tr[:, None] * rs), 0.0)
        b1 = a - c * t4[:, None, :]  # b1[t, i, k] = a(i,k) - t4(k) c(i,k)
        v3 = (t4**2 * t3).sum(axis=0)
        v2 = np.einsum("tik,tk->ik", b1, t4 * t3)
        v = np.einsum("tik,tjk,tk->ij", b1, b1, t3)

        # events of the other causes
        ev2 = (skm > 0) & (d2 > 0)
        t4 = np.where(ev2, (1.0 - f[:, None]) / skm, 0.0)
        t5 = np.where(d2 > 1, 1.0 - (d2 - 1.0) / (rs - 1.0), 1.0)
        t3 = np.where(ev2, t5 * skmm**2 * d2 / rs**2, 0.0)
        v3 = v3 + (t4**2 * t3).sum(axis=0)
        v2 = v2 - np.einsum("tik,tk->ik", c, t4**2 * t3)
        v = v + np.einsum("tik,tjk,tk->ij", c, c, t4**2 * t3)

    cf = c[-1]
    v = v + (cf * v3[None, :]) @ cf.T + cf @ v2.T + v2 @ cf.T
    return score[: ng - 1], v[: ng - 1, : ng - 1]


def gray_test(
    time: npt.ArrayLike,
    status: npt.ArrayLike,
    group: npt.ArrayLike,
    cause: int = 1,
    strata: npt.ArrayLike | None = None,
    rho: float = 0.0,
) -> GrayResult:
    r"""Compare the cumulative incidence of one cause among k groups (Gray's test).

    Parameters
    ----------
    time : array_like of float
        Follow-up times (non-negative).
    status : array_like of int
        0 = censored, 1..K = the cause of the event at `time`.
    group : array_like
        Group label of each patient (at least two groups).
    cause : int
        The cause whose incidence is compared; every other positive code is a
        competing event.
    strata : array_like, optional
        Stratum labels: scores and variances are computed within strata and summed.
    rho : float
        Weight exponent: each time is weighted by :math:`(1 - \hat F(t-))^\rho`
        (``cmprsk``'s default 0).

    Returns
    -------
    GrayResult
        With ``statistic``, ``df`` and ``pvalue`` as SciPy's test results, and
        per-group counts in ``summary``.

    Notes
    -----
    With :math:`\hat\gamma_g` the estimated subdistribution hazard of `cause`
    in group g and :math:`\hat\gamma_0` the pooled one, the score of group g is

    .. math::

        s_g = \int W(t)\, \{d\hat\Gamma_g(t) - d\hat\Gamma_0(t)\}, \qquad
        W(t) = (1 - \hat F(t-))^\rho\, \frac{n_g(t)\{1 - \hat F_g(t-)\}}{\hat S_g(t-)},

    and the statistic :math:`s^\top \hat V^{-1} s` over the first k - 1 groups
    is referred to :math:`\chi^2_{k-1}`.  The computation (including the
    variance estimator and its correction for tied events) is that of
    ``cmprsk::cuminc``'s Fortran routine ``crstm``; times are not jittered.

    References
    ----------
    Gray, R. J. (1988). A class of K-sample tests for comparing the cumulative
    incidence of a competing risk. Ann Stat 16:1141-1154.

    Examples
    --------
    >>> import blina_stats as bs
    >>> from blina_stats.datasets import load_bmt
    >>> bmt = load_bmt()
    >>> status = bmt["d2"] + 2 * ((bmt["d2"] == 0) & (bmt["d1"] == 1))
    >>> bs.gray_test(bmt["t2"], status, bmt["group"], cause=1).df
    2
    """
    t = as_time(time, "time")
    st = as_codes(status, "status", t.size)
    g, labels = as_labels(group, "group", t.size)
    if len(labels) < 2:
        raise ValueError(f"`group` must have at least two groups, got only {labels!r}")
    cause = int(cause)
    if cause < 1:
        raise ValueError(f"`cause` must be a positive cause code, got {cause!r}")
    if not np.any(st == cause):
        raise ValueError(f"`status` has no events of `cause` {cause}: nothing to compare")
    rho = float(rho)
    if not np.isfinite(rho):
        raise ValueError(f"`rho` must be finite, got {rho!r}")
    if strata is None:
        s, n_strata = np.zeros(t.size, dtype=np.int64), 1
    else:
        s, strata_labels = as_labels(strata, "strata", t.size)
        n_strata = len(strata_labels)
    warn_small_groups(g, labels, "group")
    ng = len(labels)
    m = np.where(st == 0, 0, np.where(st == cause, 1, 2)).astype(np.int64)
    score, var = np.zeros(ng - 1), np.zeros((ng - 1, ng - 1))
    for h in range(n_strata):
        sel = s == h
        sc, v = _stratum(t[sel], m[sel], g[sel], ng, rho)
        score, var = score + sc, var + v
    if not np.all(np.isfinite(var)) or np.linalg.matrix_rank(var) < ng - 1:
        raise ValueError(
            f"`group`: the variance of the scores is singular, so Gray's test is undefined "
            f"(does a group have no events of cause {cause}, or no one at risk when they occur?)"
        )
    stat = float(score @ np.linalg.solve(var, score))
    df = ng - 1
    count = np.bincount
    return GrayResult(
        statistic=stat,
        df=df,
        pvalue=float(chi2.sf(stat, df)),
        cause=cause,
        groups=labels,
        score=score,
        variance=var,
        n=count(g, minlength=ng).astype(np.int64),
        n_events=count(g[m == 1], minlength=ng).astype(np.int64),
        n_competing=count(g[m == 2], minlength=ng).astype(np.int64),
        n_censored=count(g[m == 0], minlength=ng).astype(np.int64),
        rho=rho,
        n_strata=n_strata,
    )
