"""Counting at distinct times and step-function lookup, shared by the estimators.

Everything here is O(n log n): one argsort of the times (and a sort of the
entry times), then ``bincount``, ``cumsum`` and ``searchsorted``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class RiskTable:
    """Counts at every distinct observed time.

    Attributes
    ----------
    time : ndarray, shape (m,)
        Distinct values of the observed times, increasing.
    n_at_risk : ndarray, shape (m,)
        Patients with ``entry < time[j] <= observed time``.
    n_events : ndarray, shape (m, K)
        Events of each cause at ``time[j]`` (K = 1 for a survival endpoint).
    n_censored : ndarray, shape (m,)
        Censorings at ``time[j]``.
    sorted_time, sorted_entry : ndarray
        The observed (and entry) times sorted, kept to count the risk set at
        arbitrary times; ``sorted_entry`` is None without delayed entry.
    """

    time: FloatArray
    n_at_risk: IntArray
    n_events: IntArray
    n_censored: IntArray
    sorted_time: FloatArray
    sorted_entry: FloatArray | None

    def at_risk(self, t: FloatArray) -> IntArray:
        """Number at risk at each time in `t`: entered before `t`, still followed at `t`."""
        n = self.sorted_time.size
        still = n - np.searchsorted(self.sorted_time, t, side="left")
        if self.sorted_entry is not None:
            still = still - (n - np.searchsorted(self.sorted_entry, t, side="left"))
        return still.astype(np.int64)


def risk_table(
    time: FloatArray, status: IntArray, causes: IntArray, entry: FloatArray | None
) -> RiskTable:
    """Count patients at risk, events of each cause and censorings at each distinct time.

    Tied times are handled exactly: all events of all causes at one time enter
    together, and the patients censored at that time are still in its risk set
    (censorings are taken to happen just after the events).  `status` holds
    0 (censored) or a code of `causes`, which are 1..K.
    """
    n = time.size
    # numpy's default (vectorised) argsort: the order within tied times does not
    # matter, everything below is counted per distinct time
    order = np.argsort(time)
    srt = time[order]
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(srt[1:], srt[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    utime = srt[starts]
    n_at_risk = n - starts  # observed time >= utime
    sorted_entry = None
    if entry is not None:
        sorted_entry = np.sort(entry)
        n_at_risk = n_at_risk - (n - np.searchsorted(sorted_entry, utime, side="left"))
    # one bincount of (distinct time, status) pairs gives censorings and every cause
    width = int(causes.size) + 1
    group = np.cumsum(new) - 1
    counts = np.bincount(group * width + status[order], minlength=utime.size * width)
    counts = counts.reshape(utime.size, width)
    return RiskTable(
        time=utime,
        n_at_risk=n_at_risk.astype(np.int64),
        n_events=np.asfortranarray(counts[:, 1:]),  # a cause's column is contiguous
        n_censored=counts[:, 0].copy(),
        sorted_time=srt,
        sorted_entry=sorted_entry,
    )


def evaluate(
    table: RiskTable,
    times: npt.ArrayLike,
    *,
    estimate: FloatArray,
    se: FloatArray,
    ci_lower: FloatArray,
    ci_upper: FloatArray,
    n_events: IntArray,
    start: float,
    final: bool,
) -> pd.DataFrame:
    """The step function's value at each of `times`: the ``.at()`` of every result.

    At or after a grid time, the value there; before the first, `start` with
    se 0 (its interval the point); beyond the last observed time NaN, unless
    the curve is `final` (everyone had an event), when it keeps its last value.
    `n_at_risk` counts the patients at risk at each time itself, `n_events`
    the events at or before it.
    """
    t = as_query_times(times)
    idx = step_index(table.time, t)
    before = idx < 0
    safe = np.maximum(idx, 0)
    undefined = (t > table.time[-1]) & (not final)
    columns = {}
    for name, values, first in (
        ("estimate", estimate, start),
        ("se", se, 0.0),
        ("ci_lower", ci_lower, start),
        ("ci_upper", ci_upper, start),
    ):
        columns[name] = np.where(undefined, np.nan, np.where(before, first, values[safe]))
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
