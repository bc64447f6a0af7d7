"""Efron score residuals and the robust (sandwich) variance of a Cox model.

lifelines' own sandwich estimator ignores tied event times and delayed entry
(its ``_compute_score_within_strata`` says so), so the robust variance is
computed here, vectorised, as R ``survival`` does (``coxscore2.c``, Efron ties).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _stratum_scores(
    x: FloatArray,
    time: FloatArray,
    event: npt.NDArray[np.bool_],
    entry: FloatArray | None,
    w: FloatArray,
    beta: FloatArray,
) -> FloatArray:
    """Efron score residuals of one stratum (unweighted, as R's ``residuals(type="score")``)."""
    n, p = x.shape
    r = np.exp(x @ beta)
    ut, inv, d = np.unique(time[event], return_inverse=True, return_counts=True)
    if ut.size == 0:
        return np.zeros((n, p))
    wr = w * r
    z = np.column_stack([wr, wr[:, None] * x])  # S0 and S1 terms

    def sums_from(bounds: FloatArray, values: FloatArray) -> FloatArray:
        # sum of z over rows with value >= each bound
        order = np.argsort(values, kind="stable")
        cum = np.vstack([np.cumsum(z[order][::-1], axis=0)[::-1], np.zeros((1, z.shape[1]))])
        return cum[np.searchsorted(values[order], bounds, side="left")]

    risk = sums_from(ut, time)
    if entry is not None:
        risk = risk - sums_from(ut, entry)  # at risk when entry < t <= time
    dsum = np.zeros((ut.size, 1 + p))
    np.add.at(dsum, inv, z[event])
    wsum = np.zeros(ut.size)
    np.add.at(wsum, inv, w[event])
    # Efron: expand each event time into d "slots" k = 0..d-1
    slot_time = np.repeat(np.arange(ut.size), d)
    starts = np.concatenate(([0], np.cumsum(d)[:-1]))
    k = np.arange(slot_time.size) - np.repeat(starts, d)
    frac = k / d[slot_time]
    s = risk[slot_time] - frac[:, None] * dsum[slot_time]
    s0, s1 = s[:, 0], s[:, 1:]
    xbar = s1 / s0[:, None]
    h = (wsum / d)[slot_time] / s0  # hazard increment of each slot
    # per event time: sum_k h_k, sum_k h_k xbar_k, and the same weighted by k/d
    hh = np.add.reduceat(h, starts)
    hx = np.add.reduceat(h[:, None] * xbar, starts, axis=0)
    ah = np.add.reduceat(frac * h, starts)
    ahx = np.add.reduceat((frac * h)[:, None] * xbar, starts, axis=0)
    mean_xbar = np.add.reduceat(xbar, starts, axis=0) / d[:, None]

    cum_h = np.concatenate(([0.0], np.cumsum(hh)))
    cum_hx = np.vstack([np.zeros((1, p)), np.cumsum(hx, axis=0)])
    upto = np.searchsorted(ut, time, side="right")  # event times <= time_i
    if entry is not None:
        start = np.searchsorted(ut, entry, side="right")  # event times <= entry_i: not at risk
    else:
        start = np.zeros(n, dtype=np.intp)
    h_i = cum_h[upto] - cum_h[start]
    hx_i = cum_hx[upto] - cum_hx[start]
    resid = -r[:, None] * (x * h_i[:, None] - hx_i)
    # a death at t is at risk in slot k with weight 1 - k/d only: add back k/d
    j = inv
    ev = np.flatnonzero(event)
    resid[ev] += r[ev, None] * (x[ev] * ah[j][:, None] - ahx[j])
    resid[ev] += x[ev] - mean_xbar[j]
    return resid


def robust_variance(
    x: FloatArray,
    time: FloatArray,
    event: npt.NDArray[np.bool_],
    entry: FloatArray | None,
    strata: IntArray | None,
    weights: FloatArray | None,
    cluster: IntArray | None,
    beta: FloatArray,
    variance: FloatArray,
) -> FloatArray:
    """Sandwich variance ``D' D`` with ``D`` the (cluster-summed, weighted) dfbeta residuals."""
    n, p = x.shape
    w = np.ones(n) if weights is None else weights
    resid = np.zeros((n, p))
    groups = np.zeros(n, dtype=np.int64) if strata is None else strata
    for g in np.unique(groups):
        sel = groups == g
        resid[sel] = _stratum_scores(
            x[sel], time[sel], event[sel], None if entry is None else entry[sel], w[sel], beta
        )
    dfbeta = (resid * w[:, None]) @ variance
    if cluster is not None:
        summed = np.zeros((int(cluster.max()) + 1, p))
        np.add.at(summed, cluster, dfbeta)
        dfbeta = summed
    return np.asarray(dfbeta.T @ dfbeta, dtype=np.float64)
