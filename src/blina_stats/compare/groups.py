"""The groups a comparison is made between: levels of a covariate, bins of a numeric one,
and the reference level of a subgroup analysis.

A comparison between more than :data:`MAX_LEVELS` groups is refused (``by="age"``
would run a 31-group log-rank test); ``bins=`` groups a numeric covariate first.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

from ..errors import InputError

#: more groups than this are refused: give ``bins=``
MAX_LEVELS = 10

Bins = int | Sequence[float] | None


def bin_values(
    values: pd.Series, bins: int | Sequence[float], column: str, source: str
) -> pd.Series:
    """Numeric `values` as labelled groups: ``"<40"``, ``"40-54"``, ``">=55"``.

    Parameters
    ----------
    values : Series
        A numeric covariate (missing values stay missing).
    bins : int or sequence of float
        Cut points (increasing; each group is ``[c[i-1], c[i])``, a value at a
        cut point going to the upper group), or a number ``k >= 2`` of quantile
        groups, cut at the sample quantiles ``i/k`` (``method="inverted_cdf"``:
        observed values), duplicates merged.
    column, source : str
        For messages.

    Returns
    -------
    Series
        Labels as strings, in the order of `values`.  With integer values and
        cut points, ``[40, 55)`` reads ``"40-54"``; otherwise ``"40-<55"``.
    """
    x = pd.to_numeric(values, errors="coerce")
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise InputError(f"{source}: bins= needs a numeric column, {column!r} is not")
    present = x.dropna().to_numpy(dtype=np.float64)
    if isinstance(bins, int | np.integer):
        if bins < 2:
            raise InputError(f"{source}: bins= must be at least 2 quantile groups, got {bins!r}")
        q = np.arange(1, int(bins)) / int(bins)
        cuts = np.unique(np.quantile(present, q, method="inverted_cdf"))
        cuts = cuts[cuts > present.min()]  # no empty lowest group
    else:
        cuts = np.asarray(list(bins), dtype=np.float64)
        if cuts.size == 0 or np.any(np.diff(cuts) <= 0) or not np.isfinite(cuts).all():
            raise InputError(
                f"{source}: bins= for {column!r} must be increasing cut points, got {list(bins)!r}"
            )
    whole = bool(np.all(present == np.round(present)) and np.all(cuts == np.round(cuts)))

    def span(lo: float, hi: float) -> str:
        return f"{lo:g}-{hi - 1:g}" if whole else f"{lo:g}-<{hi:g}"

    labels = [f"<{cuts[0]:g}"]
    labels += [span(lo, hi) for lo, hi in pairwise(cuts.tolist())]
    labels.append(f">={cuts[-1]:g}")
    index = np.searchsorted(cuts, x.to_numpy(dtype=np.float64), side="right")
    out = pd.Series(np.asarray(labels, dtype=object)[index], index=values.index, name=column)
    return out.where(x.notna())


def check_levels(values: pd.Series, column: str, source: str) -> None:
    """Refuse more than :data:`MAX_LEVELS` groups, suggesting ``bins=``."""
    n = int(values.nunique())
    if n > MAX_LEVELS:
        raise InputError(
            f"{source}: column {column!r} has {n} levels, more than {MAX_LEVELS} groups to "
            "compare; give bins= (cut points such as bins=[40, 55], or a number of quantile "
            "groups such as bins=3)"
        )


def reference_level(values: pd.Series, reference: object = None) -> tuple[str, str]:
    """The reference level of a subgroup analysis, and why (for captions).

    The largest group unless `reference` names one; a tie in size goes to the
    first level in sorted order (as text), and the reason says so.

    Returns
    -------
    (str, str)
        The level (as text) and e.g. ``"largest group, 30 patients"``,
        ``"largest group, 20 patients; tie with 'MUD' broken by sorted order"``
        or ``"named"``.
    """
    counts = values.astype(str).value_counts()
    if reference is not None:
        if str(reference) not in counts.index:
            raise InputError(
                f"reference {reference!r} is not a level of {values.name!r} "
                f"(levels {sorted(counts.index)!r})"
            )
        return str(reference), "named"
    top = int(counts.max())
    tied = sorted(str(level) for level in counts.index[counts == top])
    why = f"largest group, {top} patients"
    if len(tied) > 1:
        why += f"; tie with {', '.join(map(repr, tied[1:]))} broken by sorted order"
    return tied[0], why
