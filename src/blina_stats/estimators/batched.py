"""Kaplan-Meier at one fixed time for many simulated trials at once.

The simulation of a single-arm trial analyses 10^5 trials of 68 patients; a
Python loop over trials calling :func:`blina_stats.kaplan_meier` would take
minutes.  Here every trial is a row of a 2-d array and the whole batch is
handled by a few sorts and cumulative sums along the rows.

Exact ties without grouping: at a distinct time with ``d`` events among ``n``
at risk, the Kaplan-Meier factor and the Greenwood term telescope over the
tied events taken one at a time with risk sets ``n, n - 1, ..., n - d + 1``,

.. math::

    \\prod_{k=0}^{d-1} \\Bigl(1 - \\frac{1}{n-k}\\Bigr) = 1 - \\frac{d}{n}, \\qquad
    \\sum_{k=0}^{d-1} \\frac{1}{(n-k)(n-k-1)} = \\frac{d}{n(n-d)},

so sorting each row by time and giving the ``j``-th sorted patient the risk
set "patients from its tie group on, less the group's events sorted before it,
less those entering later" reproduces :func:`blina_stats.kaplan_meier` exactly (to
rounding).  The results agree with ``kaplan_meier(...).at(time)`` row by row;
``tests/test_estimators_batched.py`` checks it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class BatchedKaplanMeier:
    """Kaplan-Meier estimates at one time, one per row (simulated trial).

    Attributes
    ----------
    time : float
        The time the curves are evaluated at.
    estimate : ndarray, shape (trials,)
        S(time); NaN where the row's last observed time is before `time` and
        its curve has not reached 0 (as :meth:`KaplanMeierResult.at`).
    variance, se : ndarray, shape (trials,)
        Greenwood variance and its square root (NaN once the curve is 0).
    n_at_risk : ndarray, shape (trials,)
        Patients with ``entry < time <= observed time``.
    n_events : ndarray, shape (trials,)
        Events at or before `time`.
    """

    time: float
    estimate: FloatArray
    variance: FloatArray
    se: FloatArray
    n_at_risk: IntArray
    n_events: IntArray


def kaplan_meier_at(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    entry: npt.ArrayLike | None = None,
    *,
    at: float,
) -> BatchedKaplanMeier:
    """Kaplan-Meier estimate and Greenwood variance at time `at` for every row.

    Parameters
    ----------
    time : array_like, shape (trials, patients)
        Observed times (event or censoring), one trial per row.
    event : array_like of {0, 1} or bool, same shape
        1 where the patient had the event at `time`.
    entry : array_like, same shape, optional
        Delayed-entry times, ``entry < time``; at risk at ``t`` when
        ``entry < t <= time``.
    at : float
        The fixed time of interest.

    Returns
    -------
    BatchedKaplanMeier

    Notes
    -----
    Inputs are trusted (this is the inner loop of the simulation): the public
    single-trial boundary is :func:`blina_stats.kaplan_meier`.  Cost is one
    sort of each row (two with delayed entry); memory is a few arrays of the
    input's shape, so callers bound it by passing chunks of trials.

    References
    ----------
    Kaplan, E. L. and Meier, P. (1958). Nonparametric estimation from
    incomplete observations. JASA 53:457-481.
    Greenwood, M. (1926). The natural duration of cancer. Reports on Public
    Health and Medical Subjects 33. HMSO.
    """
    x = np.atleast_2d(np.asarray(time, dtype=np.float64))
    ev = np.atleast_2d(np.asarray(event)).astype(bool)
    trials, m = x.shape
    t = float(at)
    # sort each row by time with its events before its censorings at a tie
    keys = np.sort(_sort_keys(x, ~ev), axis=1)
    xs, es = _decode(keys), (keys & np.uint64(1)) == 0
    # the j-th sorted patient's risk set: patients from the start g of its tie
    # group on, less the events of the group sorted before it (telescoping)
    pos = np.arange(m, dtype=np.int64)[None, :]
    new = np.ones((trials, m), dtype=bool)
    np.not_equal(xs[:, 1:], xs[:, :-1], out=new[:, 1:])
    g = np.maximum.accumulate(np.where(new, pos, 0), axis=1)
    before = np.cumsum(es, axis=1, dtype=np.int64) - es
    n_j = m - g - (before - np.take_along_axis(before, g, axis=1))
    if entry is not None:
        v = np.atleast_2d(np.asarray(entry, dtype=np.float64))
        n_j = n_j - _count_entries_at_or_after(xs, v)
    counted = es & (xs <= t)
    with np.errstate(divide="ignore", invalid="ignore"):
        nf = n_j.astype(np.float64)
        # only where counted: most patients are censored or beyond the landmark
        log_factor = np.log1p(-1.0 / nf, where=counted, out=np.zeros_like(nf))
        green = np.divide(1.0, nf * (nf - 1.0), where=counted, out=np.zeros_like(nf))
        estimate = np.exp(log_factor.sum(axis=1))
        gsum = green.sum(axis=1)
        variance = estimate**2 * gsum
    variance = np.where(estimate == 0.0, np.nan, variance)
    beyond = (xs[:, -1] < t) & (estimate > 0.0)
    estimate = np.where(beyond, np.nan, estimate)
    variance = np.where(beyond, np.nan, variance)
    n_at_risk = (x >= t).sum(axis=1)
    if entry is not None:
        n_at_risk = n_at_risk - (v >= t).sum(axis=1)
    return BatchedKaplanMeier(
        time=t,
        estimate=estimate,
        variance=variance,
        se=np.sqrt(variance),
        n_at_risk=n_at_risk.astype(np.int64),
        n_events=counted.sum(axis=1).astype(np.int64),
    )


def _bits(values: FloatArray) -> npt.NDArray[np.uint64]:
    """The IEEE-754 bit patterns of non-negative floats, read as unsigned integers.

    They are in the order of the values and below 2**63, so shifted left by
    one they stay exact in 64 bits with room for a flag below.
    """
    return np.ascontiguousarray(values + 0.0).view(np.uint64)  # + 0.0 turns -0.0 into 0.0


def _sort_keys(values: FloatArray, flag: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint64]:
    """Unsigned keys that sort as ``(value, flag)``: the float's bits shifted left, flag below.

    Sorting the keys with numpy's vectorised integer sort is an order of
    magnitude faster than an argsort of the rows.
    """
    return np.asarray((_bits(values) << np.uint64(1)) | flag.astype(np.uint64), dtype=np.uint64)


def _decode(keys: npt.NDArray[np.uint64]) -> FloatArray:
    """The values of :func:`_sort_keys`' keys."""
    return np.asarray((keys >> np.uint64(1)).view(np.float64), dtype=np.float64)


def _count_entries_at_or_after(xs: FloatArray, v: FloatArray) -> IntArray:
    """For each sorted time ``xs[i, j]``, the entries ``v[i, :] >= xs[i, j]``.

    One sort of the row's times and entries together, times first at a tie,
    so an entry equal to a time sorts after it (not yet at risk at that
    time).  Tied times are equal, so the k-th time of this sort has the value
    of ``xs[i, k]``; it sits at position ``pos[k]`` with ``pos[k] - k`` entries
    before it.
    """
    trials, m = xs.shape
    one = np.uint64(1)
    keys = np.empty((trials, 2 * m), dtype=np.uint64)
    np.left_shift(_bits(xs), one, out=keys[:, :m])
    np.left_shift(_bits(v), one, out=keys[:, m:])
    keys[:, m:] |= one  # entries sort after times equal to them
    keys.sort(axis=1)
    pos = np.nonzero((keys & one) == 0)[1].reshape(trials, m)
    return np.asarray(m - (pos - np.arange(m)[None, :]), dtype=np.int64)


def loglog_statistic(estimate: FloatArray, se: FloatArray, s0: float) -> FloatArray:
    r"""One-sided Wald statistic on the log(-log) scale for H0: S(t) <= s0.

    .. math::

        Z = \frac{\log(-\log s_0) - \log(-\log \hat S)}{\widehat{se}(\hat S) /
            (\hat S \, |\log \hat S|)}

    Large values favour better survival; ``Z > z_{1-alpha}`` exactly when the
    one-sided ``1 - alpha`` log-log lower confidence bound of S(t) (Borgan &
    Liestol 1990, as in :func:`blina_stats.kaplan_meier`) exceeds `s0`.
    By the same conventions: an estimate of 1 with se 0 gives ``+inf``,
    an estimate of 0 ``-inf``, an undefined estimate NaN (never rejects).
    """
    est = np.asarray(estimate, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        loglog = np.log(-np.log(est))
        scale = se / (est * np.abs(np.log(est)))
        z = (np.log(-np.log(s0)) - loglog) / scale
    z = np.where(est == 1.0, np.inf, z)
    z = np.where(est == 0.0, -np.inf, z)
    return np.asarray(z, dtype=np.float64)
