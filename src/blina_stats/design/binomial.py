"""Single-stage designs for a proportion: exact binomial (A'Hern) and normal approximation.

For the trial the proportion is 2-year progression-free survival among the
patients followed for 2 years.  Alpha is **one-sided** throughout.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import binom, norm

from ._checks import alpha_one_sided, better, solve_for
from ._result import DesignResult
from ._wald import wald_power, wald_size

#: largest n searched when solving for the sample size
N_MAX = 20_000


def exact_binomial(
    p0: float, p1: float, *, alpha: float = 0.05, power: float | None = 0.80, n: int | None = None
) -> DesignResult:
    r"""Exact single-stage design: reject H0 when at least `r` of `n` succeed.

    Solves for whichever of `n` / `power` is None.  The cut-off is the
    smallest `r` with :math:`P(X \ge r \mid p_0) \le \alpha`; the design is
    the smallest `n` whose cut-off gives :math:`P(X \ge r \mid p_1) \ge`
    `power` (A'Hern 2001).

    Parameters
    ----------
    p0 : float
        Proportion under H0 (the rate that must be excluded), in (0, 1).
    p1 : float
        Proportion under H1 (the rate worth detecting), ``p1 > p0``.
    alpha : float
        **One-sided** significance level: the size ``P(X >= r | p0)`` is at most `alpha`.
    power : float or None
        Target power; None to compute the power at `n`.
    n : int or None
        Sample size; None to find the smallest reaching `power`.

    Returns
    -------
    DesignResult
        With ``n``, the integer cut-off ``r`` (reject H0 when at least `r` of
        `n` succeed; ``critical_value`` is NaN), ``attained_alpha`` (exact size),
        ``power`` (exact power at `p1`).

    Notes
    -----
    Power is not monotone in `n` for exact tests (the saw-tooth of Chernick &
    Liu 2002): the smallest `n` is returned, as in A'Hern's tables, and a
    larger `n` may have lower power.

    References
    ----------
    A'Hern, R. P. (2001). Sample size tables for exact single-stage phase II
    designs. Statistics in Medicine 20:859-866.

    Examples
    --------
    >>> import blina_stats as bs
    >>> d = bs.design.exact_binomial(0.40, 0.60, alpha=0.05, power=0.80)
    >>> (d.n, d.r)
    (42, 23)
    """
    p0, p1 = better(p0, p1)
    a = alpha_one_sided(alpha)
    what, given, target = solve_for(n, power)
    if given is not None:
        size = given
    else:
        ns = np.arange(1, N_MAX + 1)
        r = _cutoff(ns, p0, a)
        pw = binom.sf(r - 1, ns, p1)
        ok = np.flatnonzero((pw >= (target or 0.0)) & (r <= ns))
        if ok.size == 0:
            raise ValueError(f"no n up to {N_MAX} reaches power {target!r}: p1 too close to p0")
        size = int(ns[ok[0]])
    r_n = int(_cutoff(np.array([size]), p0, a)[0])
    return DesignResult(
        method="exact binomial (A'Hern 2001)",
        n=size,
        power=float(binom.sf(r_n - 1, size, p1)),
        alpha=a,
        attained_alpha=float(binom.sf(r_n - 1, size, p0)),
        target_power=target,
        solved_for=what,
        critical_value=float("nan"),
        r=r_n,
        parameters={"p0": p0, "p1": p1},
        reference="A'Hern RP (2001). Statistics in Medicine 20:859-866",
    )


def _cutoff(ns: np.ndarray, p0: float, alpha: float) -> np.ndarray:
    """Smallest r with P(X >= r | n, p0) <= alpha, for each n (n + 1 when none)."""
    r = binom.isf(alpha, ns, p0).astype(np.int64) + 1
    # guard the floating-point edges of isf in both directions
    r = r + (binom.sf(r - 1, ns, p0) > alpha)
    r = r - ((r >= 1) & (binom.sf(r - 2, ns, p0) <= alpha))
    return np.asarray(np.minimum(r, ns + 1), dtype=np.int64)


def normal_approximation(
    p0: float, p1: float, *, alpha: float = 0.05, power: float | None = 0.80, n: int | None = None
) -> DesignResult:
    r"""One-sample test of a proportion by the normal approximation (Fleming 1982).

    .. math::

        n = \left(\frac{z_{1-\alpha}\sqrt{p_0(1-p_0)} + z_{1-\beta}\sqrt{p_1(1-p_1)}}
            {p_1 - p_0}\right)^2

    with `alpha` **one-sided**.  Shown for comparison: A'Hern (2001) explains
    why the exact design is preferable.

    Parameters
    ----------
    p0, p1, alpha, power, n
        As :func:`exact_binomial`.

    Returns
    -------
    DesignResult
        ``critical_value`` is ``z_{1-alpha}``; ``attained_alpha`` is NaN.

    References
    ----------
    Fleming, T. R. (1982). One-sample multiple testing procedure for phase II
    clinical trials. Biometrics 38:143-151.
    A'Hern, R. P. (2001). Statistics in Medicine 20:859-866.
    """
    p0, p1 = better(p0, p1)
    a = alpha_one_sided(alpha)
    what, given, target = solve_for(n, power)
    za = float(norm.ppf(1 - a))
    s0, s1 = math.sqrt(p0 * (1 - p0)), math.sqrt(p1 * (1 - p1))
    size = given if given is not None else wald_size(za, target, s0, s1, p1 - p0)
    pw = wald_power(size, za, s0, s1, p1 - p0)
    return DesignResult(
        method="normal approximation (Fleming 1982)",
        n=size,
        power=pw,
        alpha=a,
        attained_alpha=float("nan"),
        target_power=target,
        solved_for=what,
        critical_value=za,
        parameters={"p0": p0, "p1": p1},
        reference="Fleming TR (1982). Biometrics 38:143-151",
    )
