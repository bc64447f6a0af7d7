"""Case-weighted Kaplan-Meier and Aalen-Johansen arithmetic, with the robust variance.

`kaplan_meier(..., weights=)` and `cumulative_incidence(..., weights=)` call
here when the weights are not all 1 (all 1: the unweighted code, so the result
is the same to the last bit).  A weighted result reports the robust
(infinitesimal-jackknife, sandwich) variance: the sum over patients of their
squared weighted influence, as R's ``survfit(weights=, id=)`` (robust by
default for non-integer weights; ``survfit(..., robust=TRUE)``).  Greenwood's
and Aalen's formulas treat weighted counts as if they were patients, which is
wrong for propensity weights.

The influence of patient i on the hazard increment at distinct time
:math:`t_l` is :math:`(dN_{il} - Y_{il} h_l) / N_l`, with :math:`N_l, D_l` the
weighted numbers at risk and failing and :math:`h_l = D_l / N_l`; on the
survival :math:`-S(t) A_i(t)`, :math:`A_i(t) = \\sum_{t_l \\le t}(dN_{il} - Y_{il}
h_l)/(N_l - D_l)`, and on the incidence of cause k
:math:`-\\sum_l a_{il}(F_k(t) - F_k(t_l)) + \\sum_{t_j \\le t} S(t_{j-1})(dN_{ikj}
- Y_{ij} h_{kj}) / N_j` (the derivative of the Aalen-Johansen product).  For a
patient still followed (or already out) each is an affine function of a few
running sums, so every variance is O(n log n) with no patients-by-times matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._steps import RiskTable
from .validation import as_time

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Subjects:
    """The per-patient arrays a result was estimated from (kept for ``rmst``/``rmtl``)."""

    time: FloatArray
    status: IntArray
    entry: FloatArray | None
    weights: FloatArray | None


@dataclass(frozen=True)
class WeightedCounts:
    """Weighted numbers at risk and of events (of each cause) at every distinct time."""

    n_at_risk: FloatArray
    n_events: FloatArray


def as_weights(weights: npt.ArrayLike, n: int) -> FloatArray:
    """Case weights: finite, non-negative, one per row (a clear error naming the first bad one)."""
    w = as_time(weights, "weights")
    if w.size != n:
        raise ValueError(f"`weights` has {w.size} values but `time` has {n}: lengths must match")
    return w


def unit(weights: FloatArray) -> bool:
    """True when every weight is exactly 1: the unweighted estimator applies, bit for bit."""
    return bool(np.all(weights == 1.0))


@dataclass(frozen=True)
class _Index:
    """Each patient's first distinct time at risk (`start`) and exit time (`stop`)."""

    start: IntArray  # first j with time[j] > entry (0 without entry)
    stop: IntArray  # j with time[j] == the patient's time


def _index(table: RiskTable, subjects: Subjects) -> _Index:
    grid = table.time
    stop = _lookup(grid, subjects.time)
    if subjects.entry is None:
        start = np.zeros(stop.size, dtype=np.int64)
    else:
        start = np.searchsorted(grid, subjects.entry, side="right").astype(np.int64)
    return _Index(start=start, stop=stop)


def _lookup(grid: FloatArray, time: FloatArray) -> IntArray:
    """Position of each time in the grid of distinct times (which holds all of them).

    Whole days (the usual trial data) by a table lookup, O(n); otherwise a
    binary search, whose random access costs more than the rest of the fit.
    """
    top = grid[-1]
    if top < 8 * time.size + 1024 and np.all(grid == np.floor(grid)):
        table = np.zeros(int(top) + 1, dtype=np.int64)
        table[grid.astype(np.int64)] = np.arange(grid.size)
        return table[time.astype(np.int64)]
    return np.searchsorted(grid, time).astype(np.int64)


def weighted_counts(
    table: RiskTable, subjects: Subjects, n_causes: int, ix: _Index | None = None
) -> WeightedCounts:
    """Weighted risk sets and events: ``N_j = sum w_i Y_i(t_j)``, ``D_kj = sum w_i dN_ik(t_j)``."""
    m = table.time.size
    w = _weights(subjects)
    ix = ix or _index(table, subjects)
    # at risk at j: stop >= j and not start > j, both as suffix sums, so that the last
    # risk set is the sum of its own weights and a curve that ends with every patient
    # failing reaches exactly 0 (running totals subtracted leave -5e-15 there)
    stop_after = np.cumsum(np.bincount(ix.stop, weights=w, minlength=m)[::-1])[::-1]
    start_after = np.cumsum(np.bincount(ix.start, weights=w, minlength=m + 1)[::-1])[::-1]
    n = stop_after - start_after[1:]
    d = np.zeros((m, n_causes))
    for k in range(n_causes):
        sel = subjects.status == k + 1
        d[:, k] = np.bincount(ix.stop[sel], weights=w[sel], minlength=m)
    return WeightedCounts(n_at_risk=np.maximum(n, 0.0), n_events=d)


def _shifted(values: FloatArray, index: IntArray) -> FloatArray:
    """``values[index - 1]``, 0 where `index` is 0 (a running sum before the first time)."""
    return np.concatenate(([0.0], values))[index]


def _pointwise(
    ix: _Index,
    w2: FloatArray,
    m: int,
    ongoing: tuple[FloatArray, FloatArray, FloatArray, FloatArray | None],
    exited: tuple[FloatArray, FloatArray, FloatArray | None],
) -> FloatArray:
    """``sum_i w_i^2 U_i(t_k)^2`` at every k from the affine form of each patient's influence.

    While followed (``start_i <= k < stop_i``): ``U = alpha_k + beta_k x_i + y_i``;
    after leaving (``k >= stop_i``): ``U = gamma_k p_i + q_i``; before entry 0.
    """
    alpha, beta, x, y = ongoing
    gamma, p, q = exited
    zero = np.zeros(m)

    def followed(v: FloatArray | None) -> FloatArray:
        if v is None:  # a term known to be 0 (the Kaplan-Meier has no y and no q)
            return zero
        on = np.cumsum(np.bincount(ix.start, weights=w2 * v, minlength=m + 1)[:m])
        off = np.cumsum(np.bincount(ix.stop, weights=w2 * v, minlength=m))
        return np.asarray(on - off, dtype=np.float64)  # entered by k, not yet left at k

    def out(v: FloatArray | None) -> FloatArray:
        if v is None:
            return zero
        return np.cumsum(np.bincount(ix.stop, weights=w2 * v, minlength=m))

    one = np.ones_like(x)
    total = (
        alpha**2 * followed(one)
        + beta**2 * followed(x * x)
        + followed(None if y is None else y * y)
        + 2.0 * alpha * beta * followed(x)
        + 2.0 * alpha * followed(y)
        + 2.0 * beta * followed(None if y is None else x * y)
        + gamma**2 * out(p * p)
        + 2.0 * gamma * out(None if q is None else p * q)
        + out(None if q is None else q * q)
    )
    return np.maximum(total, 0.0)  # rounding in the expansion can leave -1e-20


def _integrated(
    ix: _Index,
    width: FloatArray,
    ongoing: tuple[FloatArray, FloatArray, FloatArray, FloatArray | None],
    exited: tuple[FloatArray, FloatArray, FloatArray | None],
) -> FloatArray:
    """Each patient's ``sum_k width_k U_i(t_k)``: the influence on an area under the curve."""
    alpha, beta, x, y = ongoing
    gamma, p, q = exited

    def span(v: FloatArray, lo: IntArray, hi: IntArray) -> FloatArray:
        c = np.concatenate(([0.0], np.cumsum(v)))
        return c[np.maximum(hi, lo)] - c[lo]

    m = width.size
    end = np.full(ix.stop.size, m, dtype=np.int64)
    lo, hi = ix.start, np.maximum(ix.stop, ix.start)
    u = span(width * alpha, lo, hi) + x * span(width * beta, lo, hi)
    u += p * span(width * gamma, ix.stop, end)
    if y is not None:
        u += y * span(width, lo, hi)
    if q is not None:
        u += q * span(width, ix.stop, end)
    return u


@dataclass(frozen=True)
class _Hazard:
    """The per-time pieces every influence is built from."""

    g_cum: FloatArray  # running sum of D / (N (N - D))
    c: FloatArray  # 1 / (N - D), 0 where nobody is left (its terms vanish there)


def _hazard(counts: WeightedCounts) -> _Hazard:
    n = counts.n_at_risk
    d = counts.n_events.sum(axis=1)
    rest = n - d
    alive = rest > 1e-12 * np.maximum(n, 1e-300)
    c = np.zeros_like(n)
    np.divide(1.0, rest, out=c, where=alive)
    h = np.zeros_like(n)
    np.divide(d, n, out=h, where=n > 0)
    return _Hazard(g_cum=np.cumsum(h * c), c=c)


def _survival_parts(
    table: RiskTable,
    subjects: Subjects,
    counts: WeightedCounts,
    surv: FloatArray,
    ix: _Index | None = None,
) -> tuple[_Index, tuple[FloatArray, ...], tuple[FloatArray, ...]]:
    ix = ix or _index(table, subjects)
    hz = _hazard(counts)
    ge = _shifted(hz.g_cum, ix.start)
    event = (subjects.status > 0).astype(np.float64)
    p = event * hz.c[ix.stop] - (hz.g_cum[ix.stop] - ge)
    # influence on S: S_k (G_k - G(entry)) while followed, -S_k p_i after (no y, no q)
    return ix, (surv * hz.g_cum, -surv, ge, None), (-surv, p, None)  # type: ignore[return-value]


def survival_variance(
    table: RiskTable,
    subjects: Subjects,
    counts: WeightedCounts,
    surv: FloatArray,
    ix: _Index | None = None,
) -> FloatArray:
    """Robust variance of the weighted Kaplan-Meier at every distinct time (NaN once S is 0)."""
    ix, ongoing, exited = _survival_parts(table, subjects, counts, surv, ix)
    w = _weights(subjects)
    var = _pointwise(ix, w * w, table.time.size, ongoing, exited)  # type: ignore[arg-type]
    var[surv == 0] = np.nan
    return var


def _incidence_parts(
    table: RiskTable,
    subjects: Subjects,
    counts: WeightedCounts,
    surv: FloatArray,
    f: FloatArray,
    k: int,
    ix: _Index | None = None,
) -> tuple[_Index, tuple[FloatArray, ...], tuple[FloatArray, ...]]:
    ix = ix or _index(table, subjects)
    hz = _hazard(counts)
    n = counts.n_at_risk
    s_prev = np.concatenate(([1.0], surv[:-1]))
    b = np.zeros_like(n)
    np.divide(s_prev, n, out=b, where=n > 0)
    hk = np.zeros_like(n)
    np.divide(counts.n_events[:, k], n, out=hk, where=n > 0)
    g = np.diff(hz.g_cum, prepend=0.0)
    gf_cum = np.cumsum(g * f)
    bh_cum = np.cumsum(b * hk)
    ge, gfe, bhe = (_shifted(v, ix.start) for v in (hz.g_cum, gf_cum, bh_cum))
    j = ix.stop
    event = (subjects.status > 0).astype(np.float64)
    own = (subjects.status == k + 1).astype(np.float64)
    p = event * hz.c[j] - (hz.g_cum[j] - ge)
    q = event * hz.c[j] * f[j] - (gf_cum[j] - gfe) + own * b[j] - (bh_cum[j] - bhe)
    alpha = f * hz.g_cum - gf_cum - bh_cum
    return ix, (alpha, f, -ge, gfe + bhe), (-f, p, q)


def incidence_variance(
    table: RiskTable,
    subjects: Subjects,
    counts: WeightedCounts,
    surv: FloatArray,
    f: FloatArray,
    k: int,
    ix: _Index | None = None,
) -> FloatArray:
    """Robust variance of the weighted Aalen-Johansen incidence of cause ``k + 1``."""
    ix, ongoing, exited = _incidence_parts(table, subjects, counts, surv, f, k, ix)
    w = _weights(subjects)
    return _pointwise(ix, w * w, table.time.size, ongoing, exited)  # type: ignore[arg-type]


def area_variance(
    table: RiskTable,
    subjects: Subjects,
    counts: WeightedCounts,
    surv: FloatArray,
    width: FloatArray,
    f: FloatArray | None = None,
    k: int = 0,
) -> float:
    """Robust variance of ``sum_k width_k S(t_k)`` (or of the incidence `f` of cause ``k + 1``).

    The integral of each patient's influence, squared, weighted and summed:
    the infinitesimal-jackknife variance of a restricted mean.
    """
    if f is None:
        ix, ongoing, exited = _survival_parts(table, subjects, counts, surv)
    else:
        ix, ongoing, exited = _incidence_parts(table, subjects, counts, surv, f, k)
    u = _integrated(ix, width, ongoing, exited)  # type: ignore[arg-type]
    w = _weights(subjects)
    return float(np.sum((w * u) ** 2))


def _weights(subjects: Subjects) -> FloatArray:
    return subjects.weights if subjects.weights is not None else np.ones(subjects.time.size)


def weighted_survival(
    table: RiskTable, subjects: Subjects
) -> tuple[WeightedCounts, FloatArray, FloatArray]:
    """Weighted Kaplan-Meier: counts, ``S(t_j) = prod (1 - D_l / N_l)`` and its robust variance."""
    ix = _index(table, subjects)
    counts = weighted_counts(table, subjects, 1, ix)
    surv = _product(counts)
    return counts, surv, survival_variance(table, subjects, counts, surv, ix)


def weighted_incidence(
    table: RiskTable, subjects: Subjects, n_causes: int
) -> tuple[WeightedCounts, FloatArray, FloatArray, FloatArray]:
    """Weighted Aalen-Johansen: counts, all-cause survival, incidences (m, K), robust variances."""
    ix = _index(table, subjects)
    counts = weighted_counts(table, subjects, n_causes, ix)
    surv = _product(counts)
    s_prev = np.concatenate(([1.0], surv[:-1]))
    n = counts.n_at_risk
    share = np.zeros_like(counts.n_events)
    np.divide(counts.n_events, n[:, None], out=share, where=n[:, None] > 0)
    est = np.minimum(np.cumsum(s_prev[:, None] * share, axis=0), 1.0)
    var = np.column_stack(
        [
            incidence_variance(table, subjects, counts, surv, est[:, k], k, ix)
            for k in range(n_causes)
        ]
    )
    return counts, surv, est, var


def _product(counts: WeightedCounts) -> FloatArray:
    n = counts.n_at_risk
    d = counts.n_events.sum(axis=1)
    h = np.zeros_like(n)
    np.divide(d, n, out=h, where=n > 0)
    return np.asarray(np.cumprod(1.0 - h), dtype=np.float64)
