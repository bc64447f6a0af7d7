"""Runs of consecutive calendar days in the daily labs, found without a loop over rows.

Rows are sorted by patient (``code``, 0..n-1) then day.  Used by
:func:`blina_stats.eligibility.engraftment.engraftment`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd


def first_run_day(
    code: npt.NDArray[np.int64],
    day: npt.NDArray[np.int64],
    good: npt.NDArray[np.bool_],
    k: int,
    support: npt.NDArray[np.bool_],
    free_before: int,
    n_patients: int,
) -> npt.NDArray[np.float64]:
    """Per patient, the first day starting `k` consecutive good calendar days (NaN: none).

    Rows are sorted by patient then day.  With ``free_before > 0`` the start
    day must also have no support on the `free_before` days before it.
    """
    n = day.size
    idx = np.arange(n)
    prev_ok = np.zeros(n, dtype=bool)
    prev_ok[1:] = (code[1:] == code[:-1]) & (day[1:] == day[:-1] + 1) & good[:-1]
    starts = good & ~prev_ok
    start_idx = np.maximum.accumulate(np.where(starts, idx, 0))
    length = np.where(good, idx - start_idx + 1, 0)
    # a row closing k good days marks the candidate start k-1 rows (= days) back
    cand = np.flatnonzero(length >= k) - (k - 1)
    if free_before > 0 and cand.size:
        last = last_support_before(code, day, support)
        ok = np.isnan(last[cand]) | (last[cand] < day[cand] - free_before)
        cand = cand[ok]
    out = np.full(n_patients, np.nan)
    # reversed assignment leaves each patient's earliest candidate
    out[code[cand][::-1]] = day[cand][::-1]
    return out


def last_support_before(
    code: npt.NDArray[np.int64], day: npt.NDArray[np.int64], support: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    """For each row, the patient's last day with support strictly before it (NaN: none)."""
    marked = pd.Series(np.where(support, day, np.nan))
    last = marked.groupby(code).ffill()
    prev = last.groupby(code).shift(1)
    return np.asarray(prev.to_numpy(dtype=np.float64), dtype=np.float64)


def reached(
    code: npt.NDArray[np.int64],
    hit: npt.NDArray[np.bool_],
    last_day: npt.NDArray[np.float64],
    n: int,
    by_day: int,
) -> pd.Series:
    """True if reached; False if not and labs go to `by_day` or later; NA otherwise."""
    reached = np.zeros(n, dtype=bool)
    reached[code[hit]] = True
    out = pd.Series(reached, dtype="boolean")
    out[~reached & ~(last_day >= by_day)] = pd.NA
    return out
