"""Balance diagnostics of a weighting: standardised mean differences, variance ratios, ESS.

Conventions (stated in every table): the SMD divides the difference of the
(weighted) means by the pooled standard deviation of the *unweighted* arms,
:math:`\\sqrt{(s_1^2 + s_0^2) / 2}`, before and after weighting alike, so that
a change in the SMD is a change in the means only (Austin 2009; cobalt's
``s.d.denom = "pooled"``).  Weighted variances carry the reliability-weights
correction :math:`\\sum w / \\{(\\sum w)^2 - \\sum w^2\\}`, which is the usual
``n - 1`` variance when every weight is 1.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._design import Design

FloatArray = npt.NDArray[np.float64]

#: |SMD| after weighting above this, or an ESS below this fraction of the arm, warns
SMD_LIMIT = 0.1
ESS_FRACTION = 0.5


def weighted_mean_var(x: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Column means and reliability-corrected variances of `x` (n, k) with weights `w` (n,)."""
    sw, sw2 = w.sum(), (w**2).sum()
    mean = (w @ x) / sw
    var = (w @ (x - mean) ** 2) * sw / (sw**2 - sw2)
    return mean, var


def ess(w: FloatArray) -> float:
    """Kish's effective sample size :math:`(\\sum w)^2 / \\sum w^2`."""
    return float(w.sum() ** 2 / (w**2).sum())


def balance_table(d: Design, treated: npt.NDArray[np.bool_], w: FloatArray) -> pd.DataFrame:
    """One row per covariate (and level): means, SMD and variance ratio before and after."""
    x = d.balance
    ones = np.ones(len(w))
    m1, v1 = weighted_mean_var(x[treated], ones[treated])
    m0, v0 = weighted_mean_var(x[~treated], ones[~treated])
    m1w, v1w = weighted_mean_var(x[treated], w[treated])
    m0w, v0w = weighted_mean_var(x[~treated], w[~treated])
    sd = np.sqrt((v1 + v0) / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        vr_before = np.where(d.binary, np.nan, v1 / v0)
        vr_after = np.where(d.binary, np.nan, v1w / v0w)
    index = pd.MultiIndex.from_tuples(d.rows, names=["covariate", "level"])
    return pd.DataFrame(
        {
            "mean_trial": m1,
            "mean_control": m0,
            "mean_trial_weighted": m1w,
            "mean_control_weighted": m0w,
            "smd_before": (m1 - m0) / sd,
            "smd_after": (m1w - m0w) / sd,
            "variance_ratio_before": vr_before,
            "variance_ratio_after": vr_after,
        },
        index=index,
    )
