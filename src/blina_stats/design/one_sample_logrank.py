"""The one-sample log-rank test with a Weibull null and uniform accrual (Wu 2015).

Alpha is **one-sided**: H0 the patients' hazard is the historical one,
H1 it is `hazard_ratio` times it (``hazard_ratio < 1``: better).
"""

from __future__ import annotations

import math

from scipy.integrate import quad
from scipy.stats import norm

from ._checks import alpha_one_sided, solve_for, time_value
from ._result import DesignResult
from ._wald import wald_power, wald_size


def _moments(
    median0: float, shape: float, delta: float, accrual: float, followup: float
) -> tuple[float, float, float]:
    r"""Wu's p0 = E[Lambda0(X)] and p00 = E[Lambda0(X)^2 / 2] under H1, and p1 = delta p0.

    Integrals over the null cumulative hazard :math:`u = \Lambda_0(t)`, which
    removes the Weibull hazard's singularity at 0 for shapes below 1:
    :math:`p_0 = \int_0^{\Lambda_0(\tau)} e^{-\delta u} G(t(u))\,du` and
    :math:`p_{00} = \int u\, e^{-\delta u} G(t(u))\,du`.
    """
    ln2 = math.log(2.0)
    tau = accrual + followup

    def cumhaz(t: float) -> float:
        return ln2 * (t / median0) ** shape

    def time_of(u: float) -> float:
        return median0 * (u / ln2) ** (1.0 / shape)

    uf = cumhaz(followup)
    # G = 1 up to the end of follow-up of the last patient enrolled
    p0 = -math.expm1(-delta * uf) / delta
    p00 = (1.0 - math.exp(-delta * uf) * (1.0 + delta * uf)) / delta**2
    if accrual > 0:
        ut = cumhaz(tau)

        def g(u: float) -> float:
            return (tau - time_of(u)) / accrual

        p0 += quad(lambda u: math.exp(-delta * u) * g(u), uf, ut, epsabs=1e-13, epsrel=1e-12)[0]
        p00 += quad(lambda u: u * math.exp(-delta * u) * g(u), uf, ut, epsabs=1e-13, epsrel=1e-12)[
            0
        ]
    return p0, p00, delta * p0


def one_sample_logrank(
    *,
    median0: float,
    shape: float,
    hazard_ratio: float,
    accrual: float,
    followup: float,
    alpha: float = 0.05,
    power: float | None = 0.80,
    n: int | None = None,
) -> DesignResult:
    r"""Sample size or power of the one-sample log-rank test (Wu 2015).

    Parameters
    ----------
    median0 : float
        Median of the historical (null) Weibull distribution
        :math:`S_0(t) = \exp(-\log 2\,(t/m_0)^k)`.
    shape : float
        Weibull shape `k` (1: exponential).
    hazard_ratio : float
        Hazard ratio of the new treatment against the null, in (0, 1).
    accrual, followup : float
        Uniform accrual duration and follow-up after the last enrolment.
    alpha : float
        **One-sided** significance level.
    power : float or None
        Target power; None to compute the power at `n`.
    n : int or None
        Sample size; None to find the smallest reaching `power`.

    Returns
    -------
    DesignResult
        ``details`` holds Wu's ``p0``, ``p1``, ``p00``, ``p01`` and ``sigma``.

    Notes
    -----
    The test statistic is :math:`Z = (E - O)/\sqrt{E}` with `O` the observed
    events and :math:`E = \sum_i \Lambda_0(X_i)`; H0 is rejected when
    :math:`Z > z_{1-\alpha}`.  With :math:`\omega = p_1 - p_0` and
    :math:`\sigma^2 = p_1 - p_1^2 + 2p_{00} - p_0^2 - 2p_{01} + 2p_0p_1`,

    .. math::

        n = \frac{(\sqrt{p_0}\, z_{1-\alpha} + \sigma z_{1-\beta})^2}{\omega^2}.

    References
    ----------
    Wu, J. (2015). Sample size calculation for the one-sample log-rank test.
    Pharmaceutical Statistics 14:26-33.
    Finkelstein, D. M., Muzikansky, A. and Schoenfeld, D. A. (2003). Comparing
    survival of a sample to that of a standard population. JNCI 95:1434-1439.

    Examples
    --------
    >>> import blina_stats as bs
    >>> bs.design.one_sample_logrank(median0=9, shape=1.22, hazard_ratio=1 / 1.75,
    ...                              accrual=5, followup=3).n
    88
    """
    m0 = time_value("median0", median0, positive=True)
    k = time_value("shape", shape, positive=True)
    try:
        delta = float(hazard_ratio)
    except (TypeError, ValueError):
        raise ValueError(f"`hazard_ratio` must be a number, got {hazard_ratio!r}") from None
    if not 0.0 < delta < 1.0:
        raise ValueError(
            f"`hazard_ratio` must be strictly between 0 and 1 (the new treatment better, "
            f"one-sided test), got {hazard_ratio!r}"
        )
    acc = time_value("accrual", accrual)
    fu = time_value("followup", followup, positive=True)
    a = alpha_one_sided(alpha)
    what, given, target = solve_for(n, power)
    p0, p00, p1 = _moments(m0, k, delta, acc, fu)
    p01 = delta * p00
    omega = p1 - p0
    sigma = math.sqrt(p1 - p1**2 + 2 * p00 - p0**2 - 2 * p01 + 2 * p0 * p1)
    za = float(norm.ppf(1 - a))
    sd0 = math.sqrt(p0)
    size = wald_size(za, target, sd0, sigma, omega) if given is None else given
    pw = wald_power(size, za, sd0, sigma, omega)
    return DesignResult(
        method="one-sample log-rank (Wu 2015)",
        n=size,
        power=pw,
        alpha=a,
        attained_alpha=float("nan"),
        target_power=target,
        solved_for=what,
        critical_value=za,
        parameters={
            "median0": m0,
            "shape": k,
            "hazard_ratio": delta,
            "accrual": acc,
            "followup": fu,
        },
        details={"p0": p0, "p1": p1, "p00": p00, "p01": p01, "sigma": sigma},
        reference="Wu J (2015). Pharmaceutical Statistics 14:26-33",
    )
