"""The coefficient table shared by the regression results."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import norm

FloatArray = npt.NDArray[np.float64]

__all__ = ["coefficient_table"]


def coefficient_table(
    names: tuple[str, ...], coef: FloatArray, se: FloatArray, conf_level: float
) -> pd.DataFrame:
    """coef, se, hazard_ratio, ci_lower, ci_upper (of the ratio), z and two-sided p."""
    z = norm.ppf(1 - (1 - conf_level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = coef / se
    return pd.DataFrame(
        {
            "coef": coef,
            "se": se,
            "hazard_ratio": np.exp(coef),
            "ci_lower": np.exp(coef - z * se),
            "ci_upper": np.exp(coef + z * se),
            "z": stat,
            "p": 2 * norm.sf(np.abs(stat)),
        },
        index=pd.Index(names, name="covariate"),
    )
