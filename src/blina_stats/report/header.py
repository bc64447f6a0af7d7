"""The lines at the head of ``report.html`` and ``report.docx``: source, data cut-off, intervals."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..data import Cohort


def data_cutoff(cohort: Cohort) -> str:
    """The data cut-off in words, saying where it comes from.

    The cut-off given to :func:`blina_stats.load_events` (``--cutoff``) when
    there is one; else the latest date the event table records (transplant
    date plus the latest day of any event or contact), named as such; else,
    for a table of days without dates, that it is not known.
    """
    if cohort.cutoff:
        return f"{cohort.cutoff} (the cut-off given)"
    frame = cohort.frame
    if "hsct_date" not in frame.columns or frame["hsct_date"].isna().all():
        return "not known (the event table gives days since transplant, not dates)"
    days = frame[[c for c in frame.columns if c.endswith("_day")]].to_numpy(dtype=np.float64)
    latest = np.nanmax(np.where(np.isnan(days), -np.inf, days), axis=1)
    hsct = pd.to_datetime(frame["hsct_date"])
    # in float day numbers: a day count far out of range must not overflow a timestamp
    ordinal = np.array([d.toordinal() if not pd.isna(d) else np.nan for d in hsct])
    end = np.nanmax(ordinal + np.maximum(latest, 0))
    if not np.isfinite(end) or end > dt.date.max.toordinal():
        return "not known (the latest day in the event table is past the year 9999)"
    when = dt.date.fromordinal(int(end))
    return f"{when.isoformat()} (no cut-off given: the latest date in the event table)"


def header_lines(cohort: Cohort, intervals: str) -> list[str]:
    """``Data: FILE, N patients``, ``Data cut-off: ...``, ``Intervals: ...``."""
    return [
        f"Data: {cohort.source}, {cohort.n_patients} patients",
        f"Data cut-off: {data_cutoff(cohort)}",
        f"Intervals: {intervals}",
    ]
