"""Validation of group and strata labels for the tests and models (the public boundary).

Times, statuses and entry times go through the estimators' checks; this module
adds the labels that split patients into groups or strata.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

IntArray = npt.NDArray[np.int64]

_SHOWN = 5


def as_labels(values: Any, name: str, n: int) -> tuple[IntArray, tuple[Any, ...]]:
    """Return integer codes 0..k-1 and the sorted distinct labels of `values`.

    Missing labels (None, NaN) are an error naming `name` and the positions:
    a patient silently dropped from a comparison changes its answer.
    """
    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    if series.ndim != 1:
        raise ValueError(f"`{name}` must be one-dimensional")
    if series.size != n:
        raise ValueError(
            f"`{name}` has {series.size} values but `time` has {n}: lengths must match"
        )
    missing = series.isna().to_numpy()
    if missing.any():
        idx = np.flatnonzero(missing)
        shown = ", ".join(str(i) for i in idx[:_SHOWN])
        more = f" and {idx.size - _SHOWN} more" if idx.size > _SHOWN else ""
        raise ValueError(f"`{name}` has {idx.size} missing value(s), at position(s) {shown}{more}")
    codes, uniques = pd.factorize(series.to_numpy(), sort=True)
    return codes.astype(np.int64), tuple(_plain(u) for u in uniques)


def _plain(value: Any) -> Any:
    """NumPy scalars as Python scalars, so labels print as the user wrote them."""
    return value.item() if isinstance(value, np.generic) else value


def warn_small_groups(codes: IntArray, labels: tuple[Any, ...], name: str) -> None:
    """Warn about groups of one patient: the test's large-sample approximation is poor."""
    sizes = np.bincount(codes, minlength=len(labels))
    for label, size in zip(labels, sizes.tolist(), strict=True):
        if size == 1:
            warnings.warn(
                f"`{name}` group {label!r} has a single patient; the chi-square "
                "approximation of the test is unreliable",
                UserWarning,
                stacklevel=3,
            )
