"""What the regression results share: the coefficient table and the global-test result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import chi2, norm

FloatArray = npt.NDArray[np.float64]

__all__ = ["GlobalTestResult", "coefficient_table", "display_labels"]


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


@dataclass(frozen=True)
class GlobalTestResult:
    """A chi-square test that all coefficients of a model are zero.

    Attributes
    ----------
    statistic : float
        The chi-square statistic.
    df : int
        Degrees of freedom (the number of coefficients).
    pvalue : float
        Upper tail of the chi-square distribution with `df` degrees of freedom.
    name : str
        Which test: ``"likelihood ratio"`` or ``"Wald"``.
    """

    statistic: float
    df: int
    pvalue: float
    name: str

    @classmethod
    def chi_square(cls, statistic: float, df: int, name: str) -> GlobalTestResult:
        """The test with its p-value from the chi-square distribution on `df` df."""
        return cls(float(statistic), int(df), float(chi2.sf(statistic, df)), name)


def display_labels(levels: Mapping[str, Sequence[object]], labels: Any) -> Any:
    """The row labels of a model's forest plot: `labels` as given when a list (one a row),
    else the covariates' display labels (:func:`blina_stats.data.labels.covariate_labels`,
    the user's `labels` over the package's, with the words of `levels`)."""
    if labels is not None and not isinstance(labels, Mapping):
        return labels
    from ..data.labels import covariate_labels

    return covariate_labels(labels, levels)


def labelled_key(
    summary: pd.DataFrame, levels: Mapping[str, Sequence[object]], columns: Sequence[str]
) -> pd.DataFrame:
    """The hazard ratios a notebook shows, with a first column of display labels when a term's
    covariate has one (``mrd_pre_hsct[positive]`` -> "MRD before HSCT: positive"); the
    index stays the term names, by which `summary` is read."""
    from ..data.labels import covariate_labels

    labels = covariate_labels(levels=levels)
    known = set(labels) | set(labels.levels)  # a column without a label: its term as it is
    rows = {c: labels.row(c) for c in columns if c not in levels and c in known}
    rows |= {
        f"{c}[{lev}]": labels.row(c, lev)
        for c, lv in levels.items()
        if c in known
        for lev in lv[1:]
    }
    key = summary[["hazard_ratio", "ci_lower", "ci_upper", "p"]]
    shown = [rows.get(str(t), str(t)) for t in key.index]
    if shown == [str(t) for t in key.index]:
        return key
    return key.assign(label=shown)[["label", *key.columns]]
