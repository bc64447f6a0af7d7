"""Precision of a binary co-primary endpoint: the non-hematologic AE rate by day +100.

The rate counts events by day +100 after transplant (the protocol's window).

The AE endpoint is estimated, not tested: what 68 patients buy is the width
of its exact (Clopper-Pearson) confidence interval.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import beta, binom


def clopper_pearson(
    x: np.ndarray, n: int, conf_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Exact two-sided interval of ``x`` successes among ``n`` (Clopper & Pearson 1934)."""
    a = 1.0 - conf_level
    x = np.asarray(x, dtype=np.float64)
    lo = np.where(x > 0, beta.ppf(a / 2, x, n - x + 1), 0.0)
    hi = np.where(x < n, beta.ppf(1 - a / 2, x + 1, n - x), 1.0)
    return lo, hi


def ae_precision(
    n: int = 68,
    rates: Sequence[float] = (0.05, 0.10, 0.20, 0.30, 0.40, 0.50),
    *,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Width of the exact confidence interval for an AE rate at `n` patients, by true rate.

    Parameters
    ----------
    n : int
        Evaluable patients (68).
    rates : sequence of float
        True AE rates.
    conf_level : float
        Two-sided confidence level of the Clopper-Pearson interval.

    Returns
    -------
    DataFrame
        ``true_rate``, ``events`` (the most likely count, ``round(n p)``),
        ``lower``, ``upper``, ``width`` (the interval at that count) and
        ``expected_width`` (averaged over the binomial distribution of the count).

    References
    ----------
    Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial
    limits illustrated in the case of the binomial. Biometrika 26:404-413.

    Examples
    --------
    >>> from blina_stats.design import ae_precision
    >>> ae_precision(68, [0.3])["events"].tolist()
    [20]
    """
    if int(n) != n or n < 1:
        raise ValueError(f"`n` must be a positive integer, got {n!r}")
    if not 0 < conf_level < 1:
        raise ValueError(f"`conf_level` must be in (0, 1), got {conf_level!r}")
    p = np.asarray(rates, dtype=np.float64)
    if p.ndim != 1 or np.any((p <= 0) | (p >= 1)):
        raise ValueError(f"`rates` must be rates strictly between 0 and 1, got {list(rates)!r}")
    n = int(n)
    x = np.arange(n + 1)
    lo_all, hi_all = clopper_pearson(x, n, conf_level)
    width_all = hi_all - lo_all
    expected = binom.pmf(x[None, :], n, p[:, None]) @ width_all
    k = np.rint(n * p).astype(np.int64)
    return pd.DataFrame(
        {
            "true_rate": p,
            "n": n,
            "events": k,
            "lower": lo_all[k],
            "upper": hi_all[k],
            "width": width_all[k],
            "expected_width": expected,
        }
    )
