"""The counting floors of the estimator benchmark: what whole-day data allow, written plainly.

Each sketch computes the same output as ours (estimate, variance, standard
error and log-log interval at every distinct day) with one ``np.bincount`` of
(day, status) keys and the textbook arithmetic on the distinct days: no input
checks, no result object, no blocking.  They are the issue's "counting sketch
with identical output"; `check` asserts that they agree with ours to 1e-12
before anything is timed, so a floor that computed less could not pass.
"""

from __future__ import annotations

import numpy as np

Z95 = 1.959963984540054


def _counts(t: np.ndarray, status: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Counts of each status at each day seen, and the number at risk there."""
    day = t.astype(np.int64)
    counts = np.bincount(day * width + status, minlength=(int(day.max()) + 1) * width)
    counts = counts.reshape(-1, width)
    total = counts[:, 0].copy()
    for k in range(1, width):
        total += counts[:, k]
    seen = np.flatnonzero(total)
    at_risk = t.size - np.concatenate(([0], np.cumsum(total[seen])[:-1]))
    return counts[seen], at_risk


def loglog(p: np.ndarray, se: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """``p ** exp(-+ z se / (p log p))``; the point where se is 0, NaN where undefined."""
    with np.errstate(all="ignore"):
        half = z * se / (p * np.log(p))
        lower = np.clip(p ** np.exp(-half), 0.0, p)
        upper = np.clip(p ** np.exp(half), p, 1.0)
    point = se == 0
    lower[point], upper[point] = p[point], p[point]
    undefined = ~np.isfinite(se) | ((p >= 1) & (se > 0))
    lower[undefined] = upper[undefined] = np.nan
    return lower, upper


def km_sketch(t: np.ndarray, event: np.ndarray) -> dict[str, np.ndarray]:
    """Kaplan-Meier with Greenwood's variance and the log-log interval, by counting."""
    counts, n = _counts(t, event.astype(np.int64), 2)
    d = counts[:, 1]
    estimate = np.cumprod(1.0 - d / n)
    with np.errstate(all="ignore"):
        variance = estimate**2 * np.cumsum(d / (n * (n - d)))
    variance[estimate == 0] = np.nan
    se = np.sqrt(variance)
    lower, upper = loglog(estimate, se)
    return {"estimate": estimate, "se": se, "ci_lower": lower, "ci_upper": upper}


def aj_sketch(t: np.ndarray, status: np.ndarray) -> dict[str, np.ndarray]:
    """Aalen-Johansen of causes 1 and 2 with cmprsk's variance and the log-log interval.

    The variance is that of ``cmprsk::cuminc`` (Fortran ``cinc``): with
    ``q = F / S``, tie-corrected terms ``c`` (competing) and ``b`` (own),
    ``Var F = v1 + F^2 v3 - 2 F v2``.
    """
    counts, n = _counts(t, status, 3)
    d = counts[:, 1] + counts[:, 2]
    surv = np.cumprod(1.0 - d / n)
    s_prev = np.concatenate(([1.0], surv[:-1]))
    weight = (s_prev / n) ** 2
    with np.errstate(divide="ignore"):
        r = np.where(surv > 0, 1.0 / surv, 0.0)
    n1 = np.maximum(n - 1.0, 1.0)

    def tied(x: np.ndarray) -> np.ndarray:
        return weight * x * (1.0 - np.maximum(x - 1.0, 0.0) / n1)

    out: dict[str, list[np.ndarray]] = {"estimate": [], "se": [], "ci_lower": [], "ci_upper": []}
    for k in (1, 2):
        own = counts[:, k]
        f = np.minimum(np.cumsum(s_prev * own / n), 1.0)
        c, b = tied(d - own), tied(own)
        q = f * r
        v1 = np.cumsum(q * q * c + (1 + q) ** 2 * b)
        v2 = np.cumsum(r * (q * c + (1 + q) * b))
        v3 = np.cumsum(r * r * (c + b))
        se = np.sqrt(np.maximum(v1 + f * f * v3 - 2 * f * v2, 0.0))
        lower, upper = loglog(f, se)
        for name, value in zip(out, (f, se, lower, upper), strict=True):
            out[name].append(value)
    return {name: np.column_stack(values) for name, values in out.items()}


def check(sketch: dict[str, np.ndarray], ours: object) -> None:
    """Raise unless the sketch's output equals ours (1e-12): it is a floor of the same job."""
    for name, value in sketch.items():
        np.testing.assert_allclose(
            value, getattr(ours, name), rtol=0, atol=1e-12, equal_nan=True, err_msg=name
        )
