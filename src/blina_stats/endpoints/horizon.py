"""Is a horizon where an estimate says something?  Before the first entry or with no patient
at risk, a Kaplan-Meier estimate is 1 (an incidence 0) with 0 at risk: a horizon in years
typed for days (``horizons={"pfs": 2}``) must not pass silently."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def horizon_problem(
    name: str,
    horizon: float,
    time: npt.NDArray[np.float64],
    entry: npt.NDArray[np.float64] | None,
) -> str:
    """Why `horizon` (days from the origin) is not informative for endpoint `name`, or ``""``.

    Parameters
    ----------
    name : str
        The endpoint, for the message.
    horizon : float
        Days from the origin.
    time, entry : ndarray
        Follow-up and delayed-entry times of the patients used (days from
        the origin); `entry` None when everyone enters at the origin.

    Returns
    -------
    str
        ``""`` when some patient is at risk at the horizon; otherwise, e.g.
        ``"horizon 2 days for pfs: before any patient entered (first entry
        at day 60); horizons are in days"``.  A patient is at risk at `t`
        when ``entry < t <= time`` (the estimators' convention).
    """
    start = np.zeros_like(time) if entry is None else entry
    head = f"horizon {horizon:g} days for {name}: "
    tail = "; horizons are in days"
    if horizon <= float(start.min()):
        return f"{head}before any patient entered (first entry at day {start.min():g}){tail}"
    if horizon > float(time.max()):
        return f"{head}beyond all follow-up (last follow-up at day {time.max():g}){tail}"
    if not np.any((start < horizon) & (time >= horizon)):
        return f"{head}no patient at risk at day {horizon:g}{tail}"
    return ""
