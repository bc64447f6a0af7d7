"""The Aalen-Johansen arithmetic on counts at distinct times, block by block.

:func:`blina_stats.estimators.cumulative_incidence` counts, then hands each
block of distinct times to :func:`block`, which carries the survival and the
running sums from one block to the next.  Products and sums run sequentially,
so the blocks give, to the last bit, what all the times at once would.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Distinct times whose arithmetic runs at once (scratch space of 9 such rows).
BLOCK = 1 << 15


def _tied(d: IntArray, n1: FloatArray, weight: FloatArray, out: FloatArray) -> FloatArray:
    """``weight * d * (1 - (d - 1) / (n - 1))`` into `out`: cmprsk's tie-corrected term.

    `n1` is ``max(n - 1, 1)``; the correction applies when ``d > 1`` (for
    ``d <= 1`` the factor is 1).
    """
    np.subtract(d, 1.0, out=out)
    np.maximum(out, 0.0, out=out)
    out /= n1
    np.subtract(1.0, out, out=out)
    out *= d
    out *= weight
    return out


def _aalen_variance(
    weight: FloatArray,
    r: FloatArray,
    f: FloatArray,
    d1: IntArray,
    d2: IntArray,
    n1: FloatArray,
    out: FloatArray,
    work: FloatArray,
    sums: FloatArray | None = None,
) -> None:
    """Variance of one cause's incidence as ``cmprsk::cuminc`` computes it (Fortran ``cinc``).

    Writes into `out`.  `weight` is ``S(t_{j-1})^2 / n_j^2``, `r` is ``1 / S(t_j)``
    (0 once S is 0, where cmprsk drops those terms), `d1` the cause's events
    and `d2` the competing events at each time, `n1` ``max(n - 1, 1)``;
    `work` is scratch space of shape (4, m).  With ``q = F r``,
    ``c, b`` the tie-corrected competing and own terms,

    ``v1 = sum q^2 c + (1 + q)^2 b``, ``v2 = sum r (q c + (1 + q) b)``,
    ``v3 = sum r^2 (c + b)`` and ``Var F = v1 + F^2 v3 - 2 F v2``.

    cmprsk updates the variance at the cause's own event times only.  At a
    competing event the terms added cancel exactly (``q = F r``), so the value
    here between the cause's events equals cmprsk's up to rounding (1e-16).
    The arithmetic runs in place: at 10^5 times the allocation of temporaries,
    not the arithmetic, is what costs.  `sums` (v1, v2, v3 before these times)
    carries the three running sums from one block of times to the next.
    """
    carry = np.zeros(3) if sums is None else sums
    c, b, q, v3 = work
    _tied(d2, n1, weight, c)  # competing events (their terms carry r or q)
    _tied(d1, n1, weight, b)  # events of the cause of interest
    np.multiply(f, r, out=q)
    np.add(c, b, out=v3)
    v3 *= r
    v3 *= r
    _running_sum(v3, carry, 2)
    c *= q  # q c
    np.add(q, 1.0, out=out)  # 1 + q
    b *= out  # (1 + q) b
    out *= b  # (1 + q)^2 b
    q *= c  # q^2 c
    out += q
    _running_sum(out, carry, 0)  # v1
    c += b
    c *= r
    _running_sum(c, carry, 1)  # v2
    v3 *= f
    v3 *= f
    out += v3
    c *= f
    c *= 2.0
    out -= c
    # rounding in the difference can leave -1e-17 where the variance is 0
    np.maximum(out, 0.0, out=out)


def _running_sum(x: FloatArray, sums: FloatArray, i: int) -> None:
    """Cumulative sum of `x` in place, continuing from ``sums[i]``, which it updates.

    The sum is sequential, so adding the carry to the first term gives, block
    after block, exactly the sum over all the times at once.
    """
    x[0] += sums[i]
    np.cumsum(x, out=x)
    sums[i] = x[-1]


def _delta_variance(
    s_prev: FloatArray,
    f: FloatArray,
    d1: IntArray,
    d: IntArray,
    n: IntArray,
    sums: FloatArray | None = None,
) -> FloatArray:
    """Delta-method variance (Marubini & Valsecchi 1995, eq. 10.11), as cumulative sums.

    `sums` carries the six running sums from one block of times to the next.
    """
    carry = np.zeros(6) if sums is None else sums
    nf = n.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        # where everyone left fails (n == d) the factor (F(t) - F_j) is 0 from then on
        g = np.where((d > 0) & (nf > d), d / (nf * (nf - d)), 0.0)
        h = s_prev * d1 / nf**2
        w = s_prev**2 * d1 * (nf - d1) / nf**3
    # sum_j [(F(t) - F_j)^2 g_j + w_j - 2 (F(t) - F_j) h_j], with F(t) = f
    g_sum, gf_sum, gff_sum, h_sum, hf_sum, w_sum = terms = [g, g * f, g * f * f, h, h * f, w]
    for i, x in enumerate(terms):
        _running_sum(x, carry, i)
    var = f**2 * g_sum - 2 * f * gf_sum + gff_sum + w_sum - 2 * (f * h_sum - hf_sum)
    return np.maximum(var, 0.0)


def block(
    scratch: FloatArray,
    s_last: FloatArray,
    sums: FloatArray,
    n: IntArray,
    d: IntArray,
    dk: IntArray,
    surv: FloatArray,
    est: FloatArray,
    var: FloatArray,
    variance: str,
) -> None:
    """Survival, incidences and variances at one block of times, into `surv`, `est`, `var`.

    `s_last` (the survival before the block) and `sums` (each cause's running
    sums) carry from block to block; products and sums run sequentially, so
    the result is that of all the times at once, to the last bit.
    """
    b = n.size
    work = scratch[:4, :b]
    s_prev, nf, weight, r, n1 = scratch[4:, :b]
    np.copyto(nf, n)  # as floats once, not in every division
    np.divide(d, nf, out=work[0])
    np.subtract(1.0, work[0], out=work[0])
    work[0, 0] *= s_last[0]
    np.cumprod(work[0], out=surv)
    s_prev[0] = s_last[0]
    s_prev[1:] = surv[:-1]
    s_last[0] = surv[-1]
    if variance == "aalen":
        np.divide(s_prev, nf, out=weight)
        weight *= weight
        r[:] = 0.0
        np.divide(1.0, surv, out=r, where=surv > 0)
        np.subtract(nf, 1.0, out=n1)
        np.maximum(n1, 1.0, out=n1)
    for k in range(dk.shape[1]):
        np.multiply(s_prev, dk[:, k], out=work[0])
        work[0] /= nf
        _running_sum(work[0], sums[k], 0)
        # a running sum of n increments can pass 1 by an ulp (7 events: 1 + 2.2e-16)
        np.minimum(work[0], 1.0, out=est[:, k])
        if variance == "aalen":
            _aalen_variance(
                weight, r, est[:, k], dk[:, k], d - dk[:, k], n1, var[:, k], work, sums[k, 1:4]
            )
        else:
            var[:, k] = _delta_variance(s_prev, est[:, k], dk[:, k], d, n, sums[k, 1:])
