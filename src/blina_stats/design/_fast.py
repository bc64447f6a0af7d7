"""The simulation's inner loop: draw one chunk of trials and analyse it in a few passes.

Same random numbers and the same arithmetic as :func:`sample_trials` followed
by :func:`blina_stats.estimators.batched.kaplan_meier_at`, fused so that each
``(trials, n)`` array is written once and reused (``out=`` buffers):

* the Kaplan-Meier risk set of the ``j``-th sorted time of a row is
  ``n - j`` less the entries at or after it (events sort before censorings at
  a tie, so tied events telescope exactly as the batched estimator's groups);
* ``log(1 - 1/r)`` and Greenwood's ``1/(r(r - 1))`` for integer risk sets
  ``r <= n`` come from two lookup tables instead of a logarithm per patient;
* entries (at most ``entry[1]`` days after transplant) matter only for the
  events before the end of the entry window, a small subset counted directly.

``tests/test_design_simulate.py`` checks the estimates against the batched
estimator and the rejections against the unfused path.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..estimators.batched import loglog_statistic
from .scenario import Analysis, Exponential, Model, Scenario

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ONE = np.uint64(1)


class Buffers:
    """Arrays reused from chunk to chunk.

    A fresh multi-megabyte array is mapped anew by the allocator and costs a
    page fault per 4 kB on first write: about a fifth of the simulation's time.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, int], dtype: type = np.float64) -> np.ndarray:
        size = shape[0] * shape[1]
        a = self._arrays.get(name)
        if a is None or a.size < size or a.dtype != dtype:
            a = self._arrays[name] = np.empty(size, dtype=dtype)
        return a[:size].reshape(shape)


def draw(
    rng: np.random.Generator,
    m: int,
    n: int,
    model: Model,
    sc: Scenario,
    landmark: float,
    buffers: Buffers | None = None,
) -> tuple[FloatArray, npt.NDArray[np.bool_], FloatArray, FloatArray]:
    """``time, event, entry, admin_end`` of `m` trials: the draws of :func:`sample_trials`."""
    shape = (m, n)
    buf = buffers if buffers is not None else Buffers()
    enrol = rng.random(out=buf.get("enrol", shape))
    enrol *= sc.accrual
    v = rng.random(out=buf.get("entry", shape))
    v *= sc.entry[1] - sc.entry[0]
    v += sc.entry[0]
    u = rng.random(out=buf.get("u", shape))
    if isinstance(model, Exponential):  # model.inverse_survival(u * model.survival(v)), in place
        t = np.multiply(-model.rate, v, out=buf.get("time", shape))
        np.exp(t, out=t)
        t *= u
        np.log(t, out=t)
        np.negative(t, out=t)
        t /= model.rate
    else:
        t = model.inverse_survival(u * model.survival(v))
    floor = np.multiply(1e-9, np.add(1.0, v, out=u), out=u)
    floor += v
    np.maximum(t, floor, out=t)  # keep entry < time at rounding edges
    admin_end = np.subtract(sc.accrual + sc.followup, enrol, out=enrol)
    admin_end += v
    censor = sc.censoring(v, admin_end, landmark, rng)
    event = np.less_equal(t, censor, out=buf.get("event", shape, np.bool_))
    x = np.minimum(t, censor, out=t)  # where(event, t, censor), bit for bit
    return x, event, v, admin_end


def _tables(n: int) -> FloatArray:
    """``log(1 - 1/r)`` and ``1/(r(r - 1))`` for risk sets r = 0..n (columns).

    A risk set of one (the curve drops to 0) gets a huge finite logarithm
    instead of -inf, so that a zero weight times it stays 0 in a product;
    its variance term is irrelevant (the variance is NaN at an estimate of 0).
    """
    r = np.arange(n + 1, dtype=np.float64)
    out = np.zeros((n + 1, 2))
    out[2:, 0] = np.log1p(-1.0 / r[2:])
    out[2:, 1] = 1.0 / (r[2:] * (r[2:] - 1.0))
    out[1, 0] = -1e300
    return out


def km_loglog_z(
    x: FloatArray,
    failed: npt.NDArray[np.bool_],
    v: FloatArray,
    an: Analysis,
    buffers: Buffers | None = None,
) -> FloatArray:
    """Log-log Wald statistic of the delayed-entry Kaplan-Meier at the landmark, per row.

    `failed` marks the events at or before the landmark.  Without entries the
    risk set of the j-th sorted time is ``n - j`` in every row, so the sums
    of the log factors and Greenwood terms over the events are one matrix
    product; the first columns, where entries still come in, are then
    corrected on the rows concerned.
    """
    n = x.shape[1]
    L = an.landmark
    buf = buffers if buffers is not None else Buffers()
    keys = np.add(x, 0.0, out=buf.get("keys", x.shape)).view(np.uint64)  # -0.0 -> 0.0
    keys <<= ONE
    keys |= (~failed).view(np.uint8)  # events sort before censorings at a tie
    keys.sort(axis=1)
    low = np.bitwise_and(keys, ONE, out=buf.get("low", x.shape, np.uint64))
    counted = np.equal(low, 0, out=buf.get("counted", x.shape, np.bool_))
    table = _tables(n)
    pos = np.arange(n, 0, -1)
    weights = buf.get("weights", x.shape)
    np.copyto(weights, counted)
    sums = weights @ table[pos]
    last = v.max(axis=1)
    for j in range(n):
        xj = (keys[:, j] >> ONE).view(np.float64)
        early = xj <= last
        if not early.any():
            break
        rows = np.flatnonzero(early & counted[:, j])
        late = np.count_nonzero(v[rows] >= xj[rows, None], axis=1)
        sums[rows] += table[pos[j] - late] - table[pos[j]]
    estimate = np.exp(sums[:, 0])
    with np.errstate(invalid="ignore"):
        variance = np.where(estimate == 0.0, np.nan, estimate**2 * sums[:, 1])
    beyond = (x.max(axis=1) < L) & (estimate > 0.0)
    estimate = np.where(beyond, np.nan, estimate)
    variance = np.where(beyond, np.nan, variance)
    return loglog_statistic(estimate, np.sqrt(variance), an.s0)


def analyse_chunk(
    rng: np.random.Generator,
    m: int,
    n: int,
    model: Model,
    sc: Scenario,
    an: Analysis,
    nulls: tuple[Model, ...],
    cut: IntArray,
    z_crit: float,
    buffers: Buffers | None = None,
) -> tuple[IntArray, float]:
    """Rejections of KM log-log, exact binomial, log-rank (per null); the evaluable total."""
    x, event, v, admin_end = draw(rng, m, n, model, sc, an.landmark, buffers)
    L = an.landmark
    # status at L known: an event by L, or followed to L (potential follow-up reaching L)
    failed = event & (x <= L)
    rej_km = np.count_nonzero(km_loglog_z(x, failed, v, an, buffers) > z_crit)
    reach = admin_end >= L
    successes = np.count_nonzero(reach & (x >= L) & ~failed, axis=1)
    n_eval = np.count_nonzero(reach & failed, axis=1) + successes
    rej_bin = np.count_nonzero(successes >= cut[n_eval])
    observed = np.count_nonzero(event, axis=1)
    rej_lr = []
    for null_model in nulls:
        if isinstance(null_model, Exponential):  # the rate times the person-time from entry
            expected = null_model.rate * (x.sum(axis=1) - v.sum(axis=1))
        else:
            expected = (null_model.cumhaz(x) - null_model.cumhaz(v)).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            z_lr = (expected - observed) / np.sqrt(expected)
        rej_lr.append(np.count_nonzero(z_lr > z_crit))
    return np.array([rej_km, rej_bin, *rej_lr], dtype=np.int64), float(n_eval.sum())
