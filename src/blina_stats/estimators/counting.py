"""Counts at distinct times, by the cheapest route the data allow.

Two routes give the same :class:`RiskTable`
(integer counts, so the estimators' arithmetic on them is identical to the
last bit):

* ``"counting"``: times (and entry times) that are whole days, as trial and
  registry data are.  One ``np.bincount`` over (day, status) keys, no sort:
  O(n + days).  Chosen automatically when every time is a whole number and
  the largest day is small enough for the count array to stay within the size
  of the input; the check runs block by block and gives up at the first block
  holding a fraction, so continuous times cost one block.
* ``"sort"``: any other times.  One sort per cause of packed ``(time, cause
  flag)`` keys (an ``argsort`` and its gathers beyond `PACKED_CAUSES` causes),
  then running counts read at the ends of the ties; without ties (continuous
  times) the sorted flags are the counts.

`counting_path` says which route a given input takes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: Status codes: int64, or the uint8 view of a boolean event array.
Codes = npt.NDArray[np.integer]

__all__ = ["RiskTable", "counting_path", "risk_table_counts"]

#: Elements per block: a block's time, status and key arrays stay in L2 cache.
BLOCK = 1 << 17
#: Times looked at before the first block is converted to days.
PROBE = 64


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
        arbitrary times; ``sorted_entry`` is None without delayed entry.  With
        `time_count` (and `entry_count`) they hold each distinct value once
        and the counts say how many patients have it, so a result keeps
        arrays as long as its distinct times, not as long as its input.
    time_count, entry_count : ndarray, optional
        Patients at each value of `sorted_time` and `sorted_entry`; None when
        those hold one value per patient.
    path : str
        How the counts were made: ``"counting"`` (whole days, no sort) or
        ``"sort"``; see :mod:`blina_stats.estimators.counting`.
    """

    time: FloatArray
    n_at_risk: IntArray
    n_events: IntArray
    n_censored: IntArray
    sorted_time: FloatArray
    sorted_entry: FloatArray | None
    time_count: IntArray | None = None
    entry_count: IntArray | None = None
    path: str = "sort"

    def at_risk(self, t: FloatArray) -> IntArray:
        """Number at risk at each time in `t`: entered before `t`, still followed at `t`."""
        still = _at_or_after(self.sorted_time, self.time_count, t)
        if self.sorted_entry is not None:
            still = still - _at_or_after(self.sorted_entry, self.entry_count, t)
        return still.astype(np.int64)

    def followed(self, t: FloatArray) -> IntArray:
        """Patients whose follow-up is not over at each `t` (time >= t), entered or not yet."""
        return _at_or_after(self.sorted_time, self.time_count, t).astype(np.int64)


def _at_or_after(values: FloatArray, count: IntArray | None, t: FloatArray) -> IntArray:
    """How many of the (sorted) `values`, each `count` times, are at or after each `t`."""
    idx = np.searchsorted(values, t, side="left")
    if count is None:
        return values.size - idx
    after = np.zeros(count.size + 1, dtype=np.int64)
    np.cumsum(count[::-1], out=after[-2::-1])
    return after[idx]


def counting_path(time: FloatArray, n_status: int, entry: FloatArray | None = None) -> str:
    """``"counting"`` for whole days a count array of the input's size can hold, else ``"sort"``.

    `n_status` is the number of status codes (2 for event/censored).  The
    estimators call :func:`risk_table_counts`, which takes the same decision.
    """
    ok = _day_limit(time, n_status) and (entry is None or _day_limit(entry, 1))
    if not ok:
        return "sort"
    whole = all(_whole(time[i : i + BLOCK]) for i in range(0, time.size, BLOCK))
    if whole and entry is not None:
        whole = all(_whole(entry[i : i + BLOCK]) for i in range(0, entry.size, BLOCK))
    return "counting" if whole else "sort"


def _day_limit(time: FloatArray, width: int) -> bool:
    """True when a count array of ``(max day + 1) * width`` stays within the input's size."""
    if time.size == 0:
        return False
    hi = float(time.max())
    return (hi + 1.0) * width <= max(2 * time.size, 1 << 17)


def _whole(block: FloatArray) -> bool:
    return bool(np.array_equal(block.astype(np.int64), block))


def risk_table_counts(
    time: FloatArray, status: Codes, width: int, entry: FloatArray | None
) -> RiskTable:
    """The risk table of `time`, `status` (codes ``0..width-1``) and `entry`, by either route."""
    table = None
    # a few times first: continuous times are turned away without converting a block
    if _day_limit(time, width) and _whole(time[:PROBE]) and (entry is None or _day_limit(entry, 1)):
        table = _by_day(time, status, width, entry)
    if table is None:
        table = _by_sort(time, status, width, entry)
    return table


def _by_day(
    time: FloatArray, status: Codes, width: int, entry: FloatArray | None
) -> RiskTable | None:
    """Counts by ``bincount`` of (day, status); None as soon as a time is not a whole day."""
    n = time.size
    days = int(time.max()) + 1
    counts = np.zeros(days * width, dtype=np.int64)
    for i in range(0, n, BLOCK):
        tb = time[i : i + BLOCK]
        day = tb.astype(np.int64)
        if not np.array_equal(day, tb):
            return None
        day *= width
        day += status[i : i + BLOCK]
        counts += np.bincount(day, minlength=counts.size)
    entry_days = None
    if entry is not None:
        entry_days = np.zeros(int(entry.max()) + 1, dtype=np.int64)
        for i in range(0, n, BLOCK):
            eb = entry[i : i + BLOCK]
            eday = eb.astype(np.int64)
            if not np.array_equal(eday, eb):
                return None
            entry_days += np.bincount(eday, minlength=entry_days.size)
    table = counts.reshape(days, width)
    # column by column: a reduction or gather along rows of `width` counts costs
    # ten times one along a column of days
    total = table[:, 0].copy()
    for k in range(1, width):
        total += table[:, k]
    seen = np.flatnonzero(total)
    uentry = ecount = None
    if entry_days is not None:
        eseen = np.flatnonzero(entry_days)
        uentry, ecount = eseen.astype(np.float64), entry_days[eseen]
    events = np.empty((seen.size, width - 1), dtype=np.int64, order="F")
    for k in range(1, width):  # a cause's column is contiguous
        np.take(table[:, k], seen, out=events[:, k - 1])
    censored = table[:, 0].take(seen)
    return _table(
        seen.astype(np.float64), total[seen], censored, events, n, uentry, ecount, "counting"
    )


#: Up to this many causes, one sort of packed keys per cause beats an argsort
#: and its gathers (an argsort of 10^7 doubles costs eight sorts here).
PACKED_CAUSES = 3


def _by_sort(time: FloatArray, status: Codes, width: int, entry: FloatArray | None) -> RiskTable:
    """Counts after sorting: a running count of each cause read at the ends of the ties."""
    n = time.size
    causes = width - 1
    uentry = ecount = None
    if entry is not None:
        uentry, ecount = np.unique(entry, return_counts=True)
        ecount = ecount.astype(np.int64)
    if causes > PACKED_CAUSES:
        return _by_argsort(time, status, width, uentry, ecount)
    # non-negative doubles sort as their bit patterns; the top (sign) bit is 0,
    # so shifting it out makes room for a cause's flag: one sort of one array
    # per cause instead of an argsort and its gathers
    key = _packed(time, status, 1, width)
    key.sort()
    # cause 1's flags, in time order, into the first column of what are the
    # counts when there are no ties (its other columns are not touched otherwise)
    counts = np.empty((n, causes), dtype=np.int64, order="F")
    flag = counts[:, 0]
    np.bitwise_and(key, np.uint64(1), out=flag.view(np.uint64))
    key >>= np.uint64(1)
    srt = key.view(np.float64)
    flags = _CauseFlags(time, status, width)
    ends = _tie_ends(srt)
    if ends is None:  # continuous times: each patient is a distinct time
        for k in range(2, width):  # the flags are the counts
            flags.into(k, counts[:, k - 1])
        return _table(srt, None, _censored(1, counts), counts, n, uentry, ecount, "sort")
    starts, last, total = ends
    events = np.empty((starts.size, causes), dtype=np.int64, order="F")
    for k in range(1, width):
        if k > 1:  # cause k's flags over cause k - 1's: one buffer for all causes
            flags.into(k, flag)
        np.cumsum(flag, out=flag)
        _per_time(flag, last, events[:, k - 1])
    return _table(srt[starts], total, _censored(total, events), events, n, uentry, ecount, "sort")


def _tie_ends(srt: FloatArray) -> tuple[IntArray, IntArray, IntArray] | None:
    """Each distinct sorted time's first and last position and its patients; None without ties."""
    n = srt.size
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(srt[1:], srt[:-1], out=new[1:])
    if new.all():
        return None
    starts = np.flatnonzero(new)
    del new
    last = np.empty_like(starts)  # position of each distinct time's last patient
    np.subtract(starts[1:], 1, out=last[:-1])
    last[-1] = n - 1
    total = last - starts
    total += 1
    return starts, last, total


def _per_time(running: IntArray, last: IntArray, out: IntArray) -> None:
    """Events at each distinct time into `out`: the running count at its last patient
    less that before its first."""
    np.take(running, last, out=out)
    out[1:] -= out[:-1]


def _censored(total: IntArray | int, events: IntArray) -> IntArray:
    """Patients at each time less its events of every cause, a cause's column at a time."""
    censored = np.subtract(total, events[:, 0])
    for k in range(1, events.shape[1]):
        censored -= events[:, k]
    return censored


class _CauseFlags:
    """A cause's 0/1 flags in time order, by one sort of keys flagged by that cause.

    The keys of every cause sort the same times in the same order, so the
    flags of cause k line up with those of cause 1 (the sort that made the
    times); one scratch array serves every cause.
    """

    def __init__(self, time: FloatArray, status: Codes, width: int) -> None:
        self.time, self.status, self.width = time, status, width
        self.scratch: npt.NDArray[np.uint64] | None = None

    def into(self, k: int, out: IntArray) -> None:
        """Write cause `k`'s flags, in time order, into `out`."""
        self.scratch = _packed(self.time, self.status, k, self.width, out=self.scratch)
        self.scratch.sort()
        np.bitwise_and(self.scratch, np.uint64(1), out=out.view(np.uint64))


def _packed(
    time: FloatArray,
    status: Codes,
    k: int,
    width: int,
    out: npt.NDArray[np.uint64] | None = None,
) -> npt.NDArray[np.uint64]:
    """``time``'s bits shifted up one, with the lowest bit 1 where `status` is cause `k`."""
    key = np.left_shift(time.view(np.uint64), np.uint64(1), out=out)
    if width == 2:  # the 0/1 status is the flag (viewed unsigned when 8 bytes wide)
        np.bitwise_or(key, status.view(np.uint64) if status.itemsize == 8 else status, out=key)
    else:
        np.bitwise_or(key, status == k, out=key)
    return key


def _by_argsort(
    time: FloatArray,
    status: Codes,
    width: int,
    uentry: FloatArray | None,
    ecount: IntArray | None,
) -> RiskTable:
    """Counts after one argsort, for many causes: a running count of each, in one buffer."""
    n = time.size
    order = np.argsort(time)
    srt = time[order]
    small = status.astype(np.int8) if width <= 127 else status
    ordered = small[order]
    del order
    ends = _tie_ends(srt)
    if ends is None:
        return _untied(srt, ordered, width, uentry, ecount)
    starts, last, total = ends
    running = np.empty(n, dtype=np.int64)
    events = np.empty((starts.size, width - 1), dtype=np.int64, order="F")
    for k in range(1, width):
        np.cumsum(ordered == k, dtype=np.int64, out=running)
        _per_time(running, last, events[:, k - 1])
    return _table(srt[starts], total, _censored(total, events), events, n, uentry, ecount, "sort")


def _untied(
    srt: FloatArray,
    ordered: npt.NDArray[np.integer],
    width: int,
    uentry: FloatArray | None,
    ecount: IntArray | None,
) -> RiskTable:
    """The table of distinct times: each sorted status is its time's count, no running sums."""
    n = srt.size
    events = np.empty((n, width - 1), dtype=np.int64, order="F")
    for k in range(1, width):
        np.equal(ordered, k, out=events[:, k - 1], casting="unsafe")
    return _table(srt, None, _censored(1, events), events, n, uentry, ecount, "sort")


def _table(
    utime: FloatArray,
    total: IntArray | None,
    censored: IntArray,
    events: IntArray,
    n: int,
    uentry: FloatArray | None,
    ecount: IntArray | None,
    path: str,
) -> RiskTable:
    """The risk table from the patients, censorings and events at each distinct time.

    `total` None: one patient at each time (no ties).
    """
    # observed time >= utime[j]: everyone less those whose time came before
    if total is None:
        n_at_risk = np.arange(n, 0, -1, dtype=np.int64)
    else:
        n_at_risk = np.empty(utime.size, dtype=np.int64)
        n_at_risk[0] = n
        np.subtract(n, np.cumsum(total[:-1]), out=n_at_risk[1:])
    if uentry is not None and ecount is not None:
        # less those entering at or after utime[j] (not yet at risk there)
        entered_from = _from(ecount)
        n_at_risk -= entered_from[np.searchsorted(uentry, utime, side="left")]
    return RiskTable(
        time=utime,
        n_at_risk=n_at_risk,
        n_events=events,
        n_censored=censored,
        sorted_time=utime,
        sorted_entry=uentry,
        time_count=total,
        entry_count=ecount,
        path=path,
    )


def _from(count: IntArray) -> IntArray:
    """``out[j]`` = sum of ``count[j:]``, with a final 0: how many at or after position j."""
    out = np.zeros(count.size + 1, dtype=np.int64)
    np.cumsum(count[::-1], out=out[-2::-1])
    return out
