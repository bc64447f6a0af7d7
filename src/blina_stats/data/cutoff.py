"""A data cut-off: the table as it was known on one date (administrative censoring).

:func:`apply_cutoff` is run by :func:`blina_stats.load_events` (``cutoff=``)
on the validated table, in days since transplant.  For each patient the
cut-off is day ``cutoff - hsct_date``:

* a patient transplanted or enrolled (first dose) after the cut-off is left
  out of the cohort, with the reason (``"enrolled after the data cut-off"``;
  every endpoint lists the patient among its exclusions);
* an event dated after the cut-off (relapse, death, GVHD onset, last
  assessment, intercurrent event, MRD recurrence) is ignored: it had not been
  reported by then.  An event on the cut-off day counts;
* follow-up that went on after the cut-off (last contact, or a death, after
  it) ends at the cut-off: the patient was alive and followed then;
* the maximum aGVHD grade (cGVHD severity) of a patient whose onset is after
  the cut-off is not used (unknown at the cut-off); the grade of an onset
  before it may have been reached after it, which is said.

Every change is counted, by kind, in the cohort's warnings and
``Cohort.cutoff_changes``; nothing changes silently.  A table without dates
(only ``*_day`` columns) cannot take a cut-off: a one-line error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ._cells import ValidationWarning
from ._columns import GRADE, SEVERITY, TIMED
from ._dates import as_days, days_between

__all__ = ["CutoffResult", "apply_cutoff", "parse_cutoff"]

#: the reasons a patient is left out by the cut-off
TRANSPLANTED_AFTER = "transplanted after the data cut-off"
ENROLLED_AFTER = "enrolled after the data cut-off"
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHAT = {
    "relapse": "relapses",
    "death": "deaths",
    "agvhd": "aGVHD onsets",
    "cgvhd": "cGVHD onsets",
    "last_assessment": "last disease assessments",
    "dli": "DLIs",
    "second_hsct": "second transplants",
    "new_therapy": "new anti-leukaemic therapies",
    "mrd_relapse": "MRD recurrences",
    "agvhd_3_4": "grade III-IV aGVHD onsets",
    "cgvhd_mod_severe": "moderate/severe cGVHD onsets",
}


@dataclass(frozen=True)
class CutoffResult:
    """The table at the cut-off.

    Attributes
    ----------
    frame : DataFrame
        The patients kept, every change applied.
    excluded : tuple of (patient_id, reason)
        The patients left out.
    changes : dict
        Kind of change -> number of patients (``"enrolled after the data
        cut-off"``, ``"relapse after the data cut-off ignored"``, ``"follow-up
        truncated at the data cut-off"``...); only kinds that happened.
    warnings : tuple of ValidationWarning
        One per kind of change, with its count.
    """

    frame: pd.DataFrame
    excluded: tuple[tuple[str, str], ...]
    changes: dict[str, int]
    warnings: tuple[ValidationWarning, ...]


def parse_cutoff(value: Any, source: str) -> dt.date:
    """A cut-off given as ``YYYY-MM-DD`` text, a date or a Timestamp; one-line error otherwise."""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(f"{source}: cutoff {value!r} is not a date: give it as YYYY-MM-DD")


def apply_cutoff(
    frame: pd.DataFrame,
    present: frozenset[str],
    cutoff: Any,
    source: str,
    names: Mapping[str, str] | None = None,
) -> CutoffResult:
    """The validated table as it was known at `cutoff`.

    Parameters
    ----------
    frame : DataFrame
        :class:`~blina_stats.data.schema.ValidatedTable`'s frame.
    present : frozenset of str
        The events and fields the table holds.
    cutoff : str, date or Timestamp
        The data cut-off (``"2023-06-30"``).
    source : str
        The file name messages start with.
    names : mapping, optional
        Schema column -> the user's column name.

    Returns
    -------
    CutoffResult

    Raises
    ------
    InputError
        The cut-off is not a date; the table has no dates (``hsct_date``); a
        patient's transplant date is empty; the cut-off is before every
        transplant or every enrollment.
    """
    names = dict(names or {})
    when = parse_cutoff(cutoff, source)
    col = names.get("hsct_date", "hsct_date")
    if "hsct_date" not in frame.columns:
        raise InputError(
            f"{source}: cutoff {when.isoformat()} needs dates, and the table has no hsct_date "
            "column (its times are days since transplant, which no calendar date can cut)"
        )
    hsct = pd.to_datetime(frame["hsct_date"])
    empty = hsct.isna().to_numpy()
    if empty.any():
        pid = frame["patient_id"].iloc[int(np.argmax(empty))]
        raise InputError(
            f"{source}: patient {pid!r}: {col} is empty, and cutoff {when.isoformat()} needs "
            "every patient's transplant date"
        )
    # in days: 1700 to 2000 overflows in nanoseconds, and 2262-04-12 is beyond them
    day0 = as_days(hsct)
    cut = days_between(np.datetime64(when, "D"), day0)
    if (cut < 0).all():
        raise InputError(
            f"{source}: cutoff {when.isoformat()} is before every transplant (the first "
            f"{col} is {hsct.min().date().isoformat()})"
        )
    out = frame.copy()
    changes: dict[str, int] = {}
    enr = out["enrollment_day"].to_numpy(dtype=np.float64)
    reason = np.where(cut < 0, TRANSPLANTED_AFTER, np.where(enr > cut, ENROLLED_AFTER, ""))
    if "enrollment" in present and (reason != "").all():
        # each patient's own enrollment date, not the smallest day after the first transplant
        first_day = np.nanmin(day0.astype(np.int64) + enr)
        first = np.datetime64(int(first_day), "D").astype(dt.date)
        raise InputError(
            f"{source}: cutoff {when.isoformat()} is before every enrollment (the first "
            f"is {first.isoformat()}): no patient is left"
        )
    for r in (TRANSPLANTED_AFTER, ENROLLED_AFTER):
        if (reason == r).any():
            changes[r] = int((reason == r).sum())
    lc = out["last_contact_day"].to_numpy(dtype=np.float64)
    death = out["death_day"].to_numpy(dtype=np.float64)
    # alive at the cut-off when followed, or dead, after it: follow-up ends there
    truncate = (reason == "") & ((lc > cut) | (death > cut))
    for event in TIMED:
        if event in ("enrollment", "last_contact") or f"{event}_day" not in out.columns:
            continue
        day = out[f"{event}_day"].to_numpy(dtype=np.float64)
        late = (reason == "") & (day > cut)
        if late.any():
            changes[f"{event} after the data cut-off ignored"] = int(late.sum())
            out[f"{event}_day"] = np.where(late, np.nan, day)
    if truncate.any():
        changes["follow-up truncated at the data cut-off"] = int(truncate.sum())
        out["last_contact_day"] = np.where(truncate, cut, lc)
    _grades_at_cutoff(out, frame, present, reason == "", cut, truncate, changes)
    keep = reason == ""
    ids = out["patient_id"].to_numpy(dtype=object)
    excluded = tuple(zip(ids[~keep].tolist(), reason[~keep].tolist(), strict=True))
    warnings = tuple(
        ValidationWarning(source, None, "cutoff", _say(kind, n, when, names))
        for kind, n in changes.items()
    )
    if not changes:
        warnings = (
            ValidationWarning(
                source,
                None,
                "cutoff",
                f"data cut-off {when.isoformat()}: after every patient's follow-up; it changes "
                "nothing",
            ),
        )
    return CutoffResult(out.loc[keep].reset_index(drop=True), excluded, changes, warnings)


def _grades_at_cutoff(
    out: pd.DataFrame,
    frame: pd.DataFrame,
    present: frozenset[str],
    kept: np.ndarray,
    cut: np.ndarray,
    truncate: np.ndarray,
    changes: dict[str, int],
) -> None:
    """Grade/severity of a GVHD ignored with its onset; one kept that may be later, said."""
    for event, field in (("agvhd", GRADE), ("cgvhd", SEVERITY)):
        if field not in present:
            continue
        day = frame[f"{event}_day"].to_numpy(dtype=np.float64)
        dropped = kept & (day > cut)
        if dropped.any():
            blank: Any = np.nan if field == GRADE else None
            out[field] = out[field].where(~dropped, blank)
            changes[f"{field} not used (onset after the data cut-off)"] = int(dropped.sum())
        worse = f"{'agvhd_3_4' if field == GRADE else 'cgvhd_mod_severe'}_day"
        if worse in frame.columns:
            # grade III-IV (moderate/severe) reached after the cut-off: not known at it
            later = kept & (day <= cut) & (frame[worse].to_numpy(dtype=np.float64) > cut)
            if later.any():
                known: Any = np.minimum(out[field], 2.0) if field == GRADE else "mild"
                out[field] = out[field].where(~later, known)
                changes[f"{field} lowered to its value at the data cut-off"] = int(later.sum())
        maybe_later = kept & (day <= cut) & truncate
        if maybe_later.any():
            changes[f"{field} recorded may have been reached after the data cut-off"] = int(
                maybe_later.sum()
            )


def _say(kind: str, n: int, when: dt.date, names: Mapping[str, str]) -> str:
    """One warning line of the changes of one kind."""
    head = f"data cut-off {when.isoformat()}: "
    pts = f"{n} patient{'s' if n != 1 else ''}"
    if kind in (TRANSPLANTED_AFTER, ENROLLED_AFTER):
        return head + f"{pts} {kind.removesuffix(' the data cut-off')} it left out"
    if kind.startswith("follow-up"):
        return head + f"follow-up of {pts} ends at it (administrative censoring)"
    if kind.endswith("ignored"):
        event = kind.split(" after")[0]
        col = names.get(f"{event}_date", f"{event}_date")
        return head + f"{pts}: {_WHAT[event]} after it ignored ({col})"
    field = kind.split(" ")[0]
    col = names.get(field, field)
    if "not used" in kind:
        return head + f"{pts}: {col} not used (onset after the cut-off, grade unknown then)"
    return (
        head + f"{pts} with onset before it keep {col} as recorded, which may have been "
        "reached after it"
    )
