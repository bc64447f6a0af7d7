"""Bayesian decision rules for the binary 2-year PFS: posterior and predictive probabilities.

A ``Beta(a, b)`` prior on the 2-year PFS rate ``p``; after ``x`` of ``n``
patients progression-free at 2 years the posterior is
``Beta(a + x, b + n - x)``.  :func:`posterior_probability` is
``P(p > p0 | data)``; :func:`posterior_survival` does the same for a censored
Kaplan-Meier estimate; :func:`predictive_design` is the predictive
probability design of Lee & Liu (2008), exact by enumeration.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from scipy.stats import beta

from ._checks import probability

if TYPE_CHECKING:
    from ..estimators import KaplanMeierResult


def _prior(prior: tuple[float, float]) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in prior)
    except (TypeError, ValueError):
        raise ValueError(f"`prior` must be two positive Beta parameters, got {prior!r}") from None
    if not (a > 0 and b > 0 and np.isfinite(a) and np.isfinite(b)):
        raise ValueError(f"`prior` must be two positive Beta parameters, got {prior!r}")
    return a, b


def posterior_probability(
    successes: int, n: int, p0: float, prior: tuple[float, float] = (0.5, 0.5)
) -> float:
    """``P(p > p0 | x successes of n)`` under a ``Beta(a, b)`` prior.

    Parameters
    ----------
    successes, n : int
        Patients progression-free at 2 years, and patients with known status.
    p0 : float
        Null 2-year PFS.
    prior : (float, float)
        Beta prior (default Jeffreys, ``(0.5, 0.5)``).

    Returns
    -------
    float

    Examples
    --------
    >>> from blina_stats.design import posterior_probability
    >>> round(posterior_probability(35, 68, 0.40, prior=(0.4, 0.6)), 4)
    0.9707
    """
    if int(n) != n or n < 0 or int(successes) != successes or not 0 <= successes <= n:
        raise ValueError(f"need integers 0 <= successes <= n, got successes={successes!r}, n={n!r}")
    a, b = _prior(prior)
    return float(beta.sf(probability("p0", p0), a + successes, b + n - successes))


def posterior_survival(
    result: KaplanMeierResult,
    horizon: float,
    s0: float,
    prior: tuple[float, float] = (0.5, 0.5),
) -> dict[str, float]:
    r"""``P(S(horizon) > s0 | data)`` for a censored endpoint: a beta matched to Kaplan-Meier.

    Parameters
    ----------
    result : KaplanMeierResult
        The Kaplan-Meier estimate (e.g. ``bs.estimate(cohort, "pfs").result``).
    horizon : float
        Time of the survival probability (the result's time scale).
    s0 : float
        Null survival at `horizon`.
    prior : (float, float)
        Beta prior on ``S(horizon)``.

    Returns
    -------
    dict
        ``estimate``, ``variance`` (Greenwood), ``effective_n`` and
        ``effective_successes`` (the beta's pseudo-data), ``posterior_probability``.

    Notes
    -----
    The Kaplan-Meier estimate :math:`\hat S` and its Greenwood variance
    :math:`V` are matched by a binomial sample of effective size
    :math:`n^* = \hat S (1 - \hat S) / V` with :math:`x^* = n^* \hat S`
    successes (without censoring :math:`n^*` is the number of patients and
    :math:`x^*` the survivors, and the rule is :func:`posterior_probability`);
    the posterior is ``Beta(a + x*, b + n* - x*)``.  The approximation is a
    method-of-moments match; it treats the Kaplan-Meier estimate as binomial
    information about :math:`S`.

    References
    ----------
    Kaplan, E. L. and Meier, P. (1958). JASA 53:457-481.
    Greenwood, M. (1926). Reports on Public Health and Medical Subjects 33.
    """
    a, b = _prior(prior)
    row = result.at([float(horizon)]).iloc[0]
    s, se = float(row["estimate"]), float(row["se"])
    if not np.isfinite(s):
        raise ValueError(f"the Kaplan-Meier estimate at {horizon!r} is not defined")
    var = se**2
    if var > 0 and 0 < s < 1:
        n_eff = s * (1 - s) / var
    else:  # no spread (all events or none at the horizon): the patients at risk carry it
        n_eff = float(result.at([0.0]).iloc[0]["n_at_risk"])
    x_eff = n_eff * s
    return {
        "estimate": s,
        "variance": var,
        "effective_n": n_eff,
        "effective_successes": x_eff,
        "posterior_probability": float(
            beta.sf(probability("s0", s0), a + x_eff, b + n_eff - x_eff)
        ),
    }


def final_cutoff(p0: float, n_max: int, theta_t: float, prior: tuple[float, float]) -> int:
    """Smallest total successes ``r`` at ``n_max`` with ``P(p > p0 | r, n_max) > theta_t``."""
    a, b = prior
    r = np.arange(n_max + 1)
    ok = beta.sf(p0, a + r, b + n_max - r) > theta_t
    return int(r[ok][0]) if ok.any() else n_max + 1


def looks_of(interims: Sequence[int] | None, n_max: int) -> np.ndarray:
    """Interim sample sizes, validated (default: every 10 patients)."""
    looks = np.arange(10, n_max, 10) if interims is None else np.asarray(interims)
    if looks.size and (
        np.any(looks != np.round(looks)) or np.any(looks < 1) or np.any(looks >= n_max)
    ):
        raise ValueError(f"`interims` must be integers in 1..n_max - 1, got {list(looks)!r}")
    if np.any(np.diff(looks) <= 0):
        raise ValueError(f"`interims` must be increasing, got {list(looks)!r}")
    return looks.astype(np.int64)
