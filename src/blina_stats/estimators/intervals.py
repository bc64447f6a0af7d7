"""Pointwise confidence intervals for a probability estimated with a standard error.

The transforms are those of R's ``survival:::survfit_confint``; applied to a
survival probability they reproduce ``survfit(conf.type=...)`` and applied to a
cumulative incidence the ``log-log`` one is the interval of tidycmprsk
(Pintilie 2006), ``p ** exp(+-z * se / (p * log(p)))``.

Conventions where the transform is undefined, stated once here:

* ``se == 0`` (no event yet, so the estimate is exactly 0 or 1 with no
  uncertainty): the interval is the point, ``[p, p]``.  R returns ``NA`` for
  ``log-log`` at ``p == 1``.
* ``se`` not finite (Kaplan-Meier after the curve reached 0: Greenwood's sum
  is infinite): the bounds are NaN, as in R.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import numpy.typing as npt

from .validation import check_conf

FloatArray = npt.NDArray[np.float64]

#: Rows of a curve computed at once (see `confidence_interval`).
_BLOCK = 1 << 15


def confidence_interval(
    p: FloatArray,
    se: FloatArray,
    conf_type: str,
    z: float,
    out: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Lower and upper pointwise bounds for probabilities `p` with standard errors `se`.

    Parameters
    ----------
    p : ndarray
        Estimated probabilities in [0, 1].
    se : ndarray
        Their standard errors (on the probability scale).
    conf_type : {"log-log", "log", "plain", "arcsine", "logit"}
        The transform; see the module docstring.
    z : float
        Normal quantile, ``Phi^{-1}(1 - (1 - conf_level) / 2)``.
    out : (ndarray, ndarray), optional
        Arrays of `p`'s shape to write the bounds into.

    Returns
    -------
    lower, upper : ndarray
        Bounds with ``0 <= lower <= p <= upper <= 1``; NaN where the interval
        is undefined (a NaN standard error, or ``p = 1`` with a positive standard
        error under log-log and logit, whose transforms are infinite there, as
        in R's ``survfit``).

    References
    ----------
    Borgan, O. and Liestol, K. (1990). A note on confidence intervals and bands
    for the survival function based on transformations. Scand J Stat 17:35-41.
    Pintilie, M. (2006). Competing Risks: A Practical Perspective. Wiley.
    """
    p = np.asarray(p, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    lower, upper = (np.empty_like(p), np.empty_like(p)) if out is None else out
    if p.ndim and p.shape[0] > _BLOCK:
        # a long curve in blocks of rows: the temporaries stay in cache instead of
        # being faulted in as arrays as long as the curve
        for i in range(0, p.shape[0], _BLOCK):
            rows = slice(i, i + _BLOCK)
            confidence_interval(p[rows], se[rows], conf_type, z, out=(lower[rows], upper[rows]))
        return lower, upper
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "log-log":
            # p ** exp(-+half), the same as exp(-exp(log(-log p) -+ half)), in place
            log_p = np.log(p)
            np.multiply(p, log_p, out=upper)
            np.divide(se, upper, out=upper)
            upper *= -z  # -half
            np.exp(upper, out=lower)  # exp(-half)
            np.divide(log_p, lower, out=upper)
            np.multiply(log_p, lower, out=lower)
            np.exp(lower, out=lower)
            np.exp(upper, out=upper)
        elif conf_type == "plain":
            np.maximum(p - z * se, 0.0, out=lower)
            np.minimum(p + z * se, 1.0, out=upper)
        elif conf_type == "log":
            half = z * se / p
            np.exp(np.log(p) - half, out=lower)
            np.minimum(np.exp(np.log(p) + half), 1.0, out=upper)
        elif conf_type == "logit":
            half = z * se / (p * (1.0 - p))
            logit = np.log(p / (1.0 - p))
            np.subtract(1.0, 1.0 / (1.0 + np.exp(logit - half)), out=lower)
            np.subtract(1.0, 1.0 / (1.0 + np.exp(logit + half)), out=upper)
        elif conf_type == "arcsine":
            half = 0.5 * z * se / np.sqrt(p * (1.0 - p))
            root = np.arcsin(np.sqrt(p))
            np.square(np.sin(np.maximum(root - half, 0.0)), out=lower)
            np.square(np.sin(np.minimum(root + half, np.pi / 2)), out=upper)
        else:  # pragma: no cover - validated at the boundary
            raise ValueError(f"unknown conf_type {conf_type!r}")
    if conf_type == "log-log":
        # p ** a with a > 0 lies in [0, 1]: rounding can only cross p
        np.minimum(lower, p, out=lower)
        np.maximum(upper, p, out=upper)
    else:  # np.clip's bounds, without its Python-level dispatch (NaN stays NaN)
        np.maximum(lower, 0.0, out=lower)
        np.minimum(lower, p, out=lower)
        np.maximum(upper, p, out=upper)
        np.minimum(upper, 1.0, out=upper)
    if p.size and se.min() > 0 and se.max() < np.inf and p.max() < 1.0:
        return lower, upper  # no point intervals and none undefined: three reductions say so
    point = se == 0
    np.copyto(lower, p, where=point)
    np.copyto(upper, p, where=point)
    undefined = np.isfinite(se, out=point)
    np.logical_not(undefined, out=undefined)
    if conf_type in ("log-log", "logit"):
        # log(-log p) and log(p / (1 - p)) are infinite at p = 1: no interval (as R)
        undefined |= (p >= 1.0) & (se > 0)
    np.copyto(lower, np.nan, where=undefined)
    np.copyto(upper, np.nan, where=undefined)
    return lower, upper


class PointwiseBand:
    """A curve's standard error and pointwise interval, computed from its variance when asked.

    A Kaplan-Meier or incidence result stores its step function: `estimate`,
    `variance` and the counts.  `se` (``sqrt(variance)``) and `ci_lower`,
    `ci_upper` (`confidence_interval` of `conf_type` at `conf_level`) are
    functions of them: each is computed the first time it is read, over the
    whole curve, and then kept, read-only.  A fit that is only evaluated at a
    few times (``.at()``, which computes them at those rows alone) or tested
    never holds three more arrays as long as the curve; one that is drawn
    computes them once.  The values are those an eager computation gives, to
    the last bit (elementwise operations on the same inputs).
    """

    estimate: FloatArray
    variance: FloatArray
    conf_type: str
    conf_level: float

    @cached_property
    def _band(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        # the three arrays in one block (one allocation faulted in, not three),
        # laid out as the estimate (an incidence's causes are columns of
        # contiguous times), filled by the blocks of `confidence_interval`
        est = self.estimate
        by_column = est.ndim > 1 and not est.flags.c_contiguous
        block = np.empty((3, *(est.shape[::-1] if by_column else est.shape)))
        se, lower, upper = (b.T if by_column else b for b in block)
        np.sqrt(self.variance, out=se)
        band_at(est, se, self.conf_type, self.conf_level, out=(lower, upper))
        for values in (block, se, lower, upper):  # views made before keep their flag
            values.setflags(write=False)
        return se, lower, upper

    @property
    def se(self) -> FloatArray:
        """Standard error of `estimate`, ``sqrt(variance)``."""
        return self._band[0]

    @property
    def ci_lower(self) -> FloatArray:
        """Lower bound of the pointwise interval at each time (`conf_type`, `conf_level`)."""
        return self._band[1]

    @property
    def ci_upper(self) -> FloatArray:
        """Upper bound of the pointwise interval at each time."""
        return self._band[2]


def band_at(
    estimate: FloatArray,
    se: FloatArray,
    conf_type: str,
    conf_level: float,
    out: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """`confidence_interval` of `conf_type` at `conf_level` (validated there), into `out`."""
    z = check_conf(conf_type, conf_level)
    return confidence_interval(estimate, se, conf_type, z, out=out)
