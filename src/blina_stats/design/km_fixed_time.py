"""Test of survival at a fixed time from the Kaplan-Meier estimate (Nagashima et al. 2021).

Exponential survival, uniform accrual over `accrual`, analysis `followup`
after the last enrolment; alpha is **one-sided** (H0: S(time) <= s0).
"""

from __future__ import annotations

import math

from scipy.special import exp1
from scipy.stats import norm

from ._checks import alpha_one_sided, better, solve_for, time_value
from ._result import DesignResult
from ._wald import wald_power, wald_size

#: the transformations g, named as the estimators' ``conf_type`` (``"plain"``: none)
CONF_TYPES = ("log-log", "arcsine", "logit", "log", "plain")
VARIANCES = ("null", "mixed")


def log_variance(hazard: float, time: float, accrual: float, followup: float) -> float:
    r"""Asymptotic ``n * Var(log KM(time))`` for exponential survival and uniform accrual.

    .. math::

        \sigma^2_{\log}(t) = \int_0^t \frac{\lambda\, e^{\lambda u}}{G(u)}\, du,
        \quad G(u) = \begin{cases} 1 & u \le f \\ (a + f - u)/a & f < u < a + f \end{cases}

    where ``G`` is the probability of potential follow-up beyond ``u``.  Closed
    form: :math:`e^{\lambda \min(t, f)} - 1` plus, for ``t > f``,
    :math:`\lambda a e^{\lambda(a+f)} [E_1(\lambda(a + f - t)) - E_1(\lambda a)]`.
    """
    lam, t, a, f = hazard, time, accrual, followup
    if t <= f:
        return math.expm1(lam * t)
    b = a + f
    tail = lam * a * math.exp(lam * b) * (float(exp1(lam * (b - t))) - float(exp1(lam * a)))
    return math.expm1(lam * f) + tail


def _transform(name: str, s: float) -> tuple[float, float]:
    """g(S) and the factor turning ``n Var(log S)`` into ``n Var(g(S))``: (g'(S) S)^2."""
    if name == "log-log":
        return math.log(-math.log(s)), 1.0 / math.log(s) ** 2
    if name == "arcsine":
        return math.asin(math.sqrt(s)), s / (4.0 * (1.0 - s))
    if name == "logit":
        return math.log(s / (1.0 - s)), 1.0 / (1.0 - s) ** 2
    if name == "log":
        return math.log(s), 1.0
    return s, s * s  # plain: no transformation


def _sigmas(
    s0: float, s1: float, time: float, accrual: float, followup: float, conf_type: str
) -> tuple[float, float, float]:
    """Effect on the transformed scale and the null and alternative asymptotic SDs."""
    g0, k0 = _transform(conf_type, s0)
    g1, k1 = _transform(conf_type, s1)
    v0 = log_variance(-math.log(s0) / time, time, accrual, followup)
    v1 = log_variance(-math.log(s1) / time, time, accrual, followup)
    return abs(g1 - g0), math.sqrt(k0 * v0), math.sqrt(k1 * v1)


def km_fixed_time(
    s0: float,
    s1: float,
    *,
    time: float,
    accrual: float,
    followup: float,
    alpha: float = 0.05,
    power: float | None = 0.80,
    conf_type: str = "log-log",
    n: int | None = None,
    variance: str = "null",
) -> DesignResult:
    r"""Sample size or power of the test of S(time) based on the Kaplan-Meier estimate.

    Solves for whichever of `n` / `power` is None.

    Parameters
    ----------
    s0, s1 : float
        Survival at `time` under H0 and H1, ``s1 > s0`` (H0: S <= s0, **one-sided**).
    time : float
        The landmark (e.g. 2 years), in the same unit as `accrual` and `followup`.
    accrual : float
        Duration of uniform accrual (0: everyone enrolled at once).
    followup : float
        Follow-up after the last enrolment (analysis at ``accrual + followup``).
    alpha : float
        **One-sided** significance level.
    power : float or None
        Target power; None to compute the power at `n`.
    conf_type : {"log-log", "arcsine", "logit", "log", "plain"}
        The transformation g of the Kaplan-Meier estimate, named as the
        ``conf_type`` of :func:`blina_stats.kaplan_meier` (``"plain"``: none).
    n : int or None
        Sample size; None to find the smallest reaching `power`.
    variance : {"null", "mixed"}
        Which asymptotic variances enter (:math:`\sigma_0`, :math:`\sigma_1` below):
        ``"null"`` is the proposal of Nagashima et al. (and of their web
        calculator), :math:`\sigma_0` throughout; ``"mixed"`` the classical
        form (SWOG's calculator for the log transform, R's
        SampleSizeSingleArmSurvival for arcsine): :math:`\sigma_0` sets the
        critical value, :math:`\sigma_1` the spread under H1.  The Wald test
        rejects near ``s0``, where the Greenwood variance is close to the null
        one, so ``"mixed"`` is the large-sample power of the test as analysed;
        the simulation (:func:`blina_stats.design.simulate`) shows by how much
        ``"null"`` overstates it.

    Returns
    -------
    DesignResult
        ``details`` holds ``effect`` (:math:`|g(s_1) - g(s_0)|`), ``sigma0``, ``sigma1``.

    Notes
    -----
    With :math:`\varepsilon = |g(s_1) - g(s_0)|` and :math:`\sigma_j^2 =
    g'(s_j)^2 s_j^2 \sigma^2_{\log}(t)` (see :func:`log_variance`),

    .. math::

        n_\text{null} = \frac{(z_{1-\alpha} + z_{1-\beta})^2 \sigma_0^2}{\varepsilon^2},\quad
        n_\text{mixed} = \frac{(z_{1-\alpha}\sigma_0 + z_{1-\beta}\sigma_1)^2}{\varepsilon^2}.

    The test is the one-sided Wald test on the g scale; for ``log-log`` it
    rejects exactly when the one-sided ``1 - alpha`` log-log lower confidence
    bound of S(time) exceeds `s0` (the analysis the simulation runs).

    References
    ----------
    Nagashima, K., Noma, H., Sato, Y. and Gosho, M. (2021). Sample size
    calculations for single-arm survival studies using transformations of the
    Kaplan-Meier estimator. Pharmaceutical Statistics 20:499-511.
    Borgan, O. and Liestol, K. (1990). A note on confidence intervals and bands
    for the survival function based on transformations. Scand J Stat 17:35-41.

    Examples
    --------
    >>> import blina_stats as bs
    >>> bs.design.km_fixed_time(0.90, 0.96, time=18, accrual=24, followup=24,
    ...                         conf_type="arcsine").n
    107
    """
    s0, s1 = better(s0, s1, ("s0", "s1"))
    a = alpha_one_sided(alpha)
    if conf_type not in CONF_TYPES:
        raise ValueError(f"`conf_type` must be one of {CONF_TYPES}, got {conf_type!r}")
    if variance not in VARIANCES:
        raise ValueError(f"`variance` must be one of {VARIANCES}, got {variance!r}")
    t = time_value("time", time, positive=True)
    acc = time_value("accrual", accrual)
    fu = time_value("followup", followup)
    if t >= acc + fu and not (acc == 0 and t <= fu):
        why = "with no accrual period" if acc == 0 else f"accrual + followup = {acc + fu!r}"
        raise ValueError(
            f"`followup` ({followup!r}) is too short for the landmark `time` ({time!r}) "
            f"{why}: no patient would be followed to the landmark"
        )
    what, given, target = solve_for(n, power)
    eps, sig0, sig1 = _sigmas(s0, s1, t, acc, fu, conf_type)
    za = float(norm.ppf(1 - a))
    sd1 = sig0 if variance == "null" else sig1
    size = wald_size(za, target, sig0, sd1, eps) if given is None else given
    pw = wald_power(size, za, sig0, sd1, eps)
    return DesignResult(
        method=f"Kaplan-Meier at a fixed time, {conf_type}, {variance} variance "
        "(Nagashima et al. 2021)",
        n=size,
        power=pw,
        alpha=a,
        attained_alpha=float("nan"),
        target_power=target,
        solved_for=what,
        critical_value=za,
        parameters={
            "s0": s0,
            "s1": s1,
            "time": t,
            "accrual": acc,
            "followup": fu,
            "conf_type": conf_type,
            "variance": variance,
        },
        details={"effect": eps, "sigma0": sig0, "sigma1": sig1},
        reference="Nagashima K, Noma H, Sato Y, Gosho M (2021). Pharm Stat 20:499-511",
    )
