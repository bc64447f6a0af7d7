"""Counting at distinct times and step-function lookup, shared by the estimators.

The counts are made in :mod:`blina_stats.estimators.counting` (O(n) for whole
days, one sort otherwise); the lookups are ``searchsorted`` on distinct times.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import numpy.typing as npt
import pandas as pd

from .counting import Codes, RiskTable, risk_table_counts
from .intervals import band_at

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def risk_table(
    time: FloatArray, status: Codes, causes: IntArray, entry: FloatArray | None
) -> RiskTable:
    """Count patients at risk, events of each cause and censorings at each distinct time.

    Tied times are handled exactly: all events of all causes at one time enter
    together, and the patients censored at that time are still in its risk set
    (censorings are taken to happen just after the events).  `status` holds
    0 (censored) or a code of `causes`, which are 1..K.  Whole-day times are
    counted without a sort (:mod:`blina_stats.estimators.counting`).
    """
    return risk_table_counts(time, status, int(causes.size) + 1, entry)


def evaluate(
    table: RiskTable,
    times: npt.ArrayLike,
    *,
    estimate: FloatArray,
    variance: FloatArray,
    conf_type: str,
    conf_level: float,
    n_events: IntArray,
    start: float,
    final: bool,
) -> pd.DataFrame:
    """The step function's value at each of `times`: the ``.at()`` of every result.

    At or after a grid time, the value there; before the first, `start` with
    se 0 (its interval the point); beyond the last observed time NaN, unless
    the curve is `final` (everyone had an event), when it keeps its last value.
    The standard error and interval are computed at the rows asked for only
    (elementwise, so they equal the whole curve's ``se``, ``ci_lower`` and
    ``ci_upper`` there).  `n_at_risk` counts the patients at risk at each time
    itself, `n_events` the events at or before it.
    """
    t = as_query_times(times)
    idx = step_index(table.time, t)
    before = idx < 0
    safe = np.maximum(idx, 0)
    undefined = (t > table.time[-1]) & (not final)
    est = estimate[safe]
    se = np.sqrt(variance[safe])
    lower, upper = band_at(est, se, conf_type, conf_level)
    columns = {}
    for name, values, first in (
        ("estimate", est, start),
        ("se", se, 0.0),
        ("ci_lower", lower, start),
        ("ci_upper", upper, start),
    ):
        columns[name] = np.where(undefined, np.nan, np.where(before, first, values))
    columns["n_at_risk"] = table.at_risk(t)
    columns["n_events"] = np.where(before, 0, np.cumsum(n_events)[safe])
    return pd.DataFrame(columns, index=pd.Index(t, name="time"))


def step_index(grid: FloatArray, t: FloatArray) -> IntArray:
    """Index of the last grid time at or before each `t`; -1 before the first."""
    return np.searchsorted(grid, t, side="right").astype(np.int64) - 1


def as_query_times(times: npt.ArrayLike) -> FloatArray:
    """Validate times asked of a fitted curve (finite, one-dimensional)."""
    t = np.atleast_1d(np.asarray(times, dtype=np.float64))
    if t.ndim != 1:
        raise ValueError(f"`times` must be one-dimensional, got shape {t.shape}")
    if np.isnan(t).any():
        raise ValueError("`times` must not contain NaN")
    return t


def lock_arrays(result: object) -> None:
    """Make every array field of a frozen result read-only (frozen does not reach inside arrays).

    Called from ``__post_init__``, as `EndpointData` locks its arrays.
    """
    for f in fields(result):  # type: ignore[arg-type]
        value = getattr(result, f.name)
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
