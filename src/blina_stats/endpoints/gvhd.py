"""GVHD rules that read more than one field: treatment-emergent aGVHD, and timing notes.

Treatment-emergent acute GVHD (``agvhd_emergent``)
--------------------------------------------------
The safety question of a maintenance trial: does acute GVHD of grade II-IV
appear, or get worse into a higher band of II-IV, once blinatumomab has
started?

* **Event**: the first day after the first dose (strictly after
  ``enrollment_day``) on which the patient reaches a band of grade II-IV
  acute GVHD (MAGIC) not reached on or before the first dose: the onset of
  grade II-IV (``agvhd_day``) when it is after the first dose, otherwise
  the first day of grade III-IV (``agvhd_3_4_day``) when that is after the
  first dose (a rise from grade II before the dose to grade III-IV on
  treatment).  A patient at grade III-IV before the first dose cannot have
  the event (a rise from III to IV is not seen in these fields) and stays at
  risk.  A flare back to a band already reached before the dose does not
  count.
* **Origin**: the first dose (``enrollment_day``); time is days after it,
  whatever the ``origin`` option.
* **Window**: from the first dose to the horizon, 365.25 days after it (the
  whole maintenance period); patients are censored at last contact.
* **Competing events**: relapse or death, whichever comes first after the
  first dose (a relapse or death on the day of the event: the event).
* **Population**: every patient with a first dose and follow-up after it;
  patients whose relapse precedes the first dose, or grade II-IV without an
  onset date, are left out with the reason.
* **Needs** the grade-specific onset ``agvhd_3_4_date``/``_day`` or the GVHD
  episodes table (which gives it); without either it is not estimable, since
  a rise from grade II to III-IV on treatment could not be told from a grade
  III-IV onset before it.

The convention follows the treatment-emergent adverse event of ICH E9(R1)
and E3: new, or worse than at baseline, after the first dose.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..errors import InputError

FloatArray = npt.NDArray[np.float64]

#: endpoint -> (the grade-specific onset it reads, the note when that onset is not given)
_TIMING: dict[str, tuple[tuple[str, str], ...]] = {
    "agvhd_3_4": (
        ("agvhd_3_4", "grade III-IV aGVHD timed at the onset of grade II-IV: no "
         "agvhd_3_4_date/agvhd_3_4_day column or GVHD episodes table"),
    ),
    "cgvhd_mod_severe": (
        ("cgvhd_mod_severe", "moderate/severe cGVHD timed at the onset of any cGVHD: no "
         "cgvhd_mod_severe_date/cgvhd_mod_severe_day column or GVHD episodes table"),
    ),
}  # fmt: skip
_TIMING["grfs"] = _TIMING["agvhd_3_4"] + _TIMING["cgvhd_mod_severe"]


def emergent_day(
    agvhd_day: npt.ArrayLike, agvhd_3_4_day: npt.ArrayLike, enrollment_day: npt.ArrayLike
) -> FloatArray:
    """Day (since transplant) of treatment-emergent grade II-IV aGVHD, NaN when none.

    Parameters
    ----------
    agvhd_day, agvhd_3_4_day, enrollment_day : array_like
        Per patient: first onset of grade II-IV, first day of grade III-IV,
        and the first dose, days since transplant (NaN: none).

    Returns
    -------
    ndarray
        The onset of grade II-IV when it is after the first dose; otherwise
        the first day of grade III-IV when that is after the first dose.

    Examples
    --------
    >>> emergent_day([30, 40, 100], [80, 50, 120], [60, 60, 60]).tolist()
    [80.0, nan, 100.0]
    """
    first = np.asarray(agvhd_day, dtype=np.float64)
    severe = np.asarray(agvhd_3_4_day, dtype=np.float64)
    enr = np.asarray(enrollment_day, dtype=np.float64)
    return np.where(first > enr, first, np.where(severe > enr, severe, np.nan))


def gvhd_days(frame: Mapping[str, Any] | pd.DataFrame) -> dict[str, FloatArray]:
    """The derived GVHD fields the rules read besides the cohort's own: ``agvhd_emergent_day``."""
    return {
        "agvhd_emergent_day": emergent_day(
            frame["agvhd_day"], frame["agvhd_3_4_day"], frame["enrollment_day"]
        )
    }


#: the ``gvhd_entry`` option: GVHD from the transplant (headline) or entry at the first dose
GVHD_ENTRIES = ("transplant", "enrollment")


def from_transplant(is_gvhd: bool, gvhd_entry: str) -> bool:
    """A GVHD endpoint counted from the transplant without delayed entry (``gvhd_entry``)."""
    if gvhd_entry not in GVHD_ENTRIES:
        raise InputError(f"gvhd_entry must be one of {GVHD_ENTRIES}, got {gvhd_entry!r}")
    return is_gvhd and gvhd_entry == "transplant"


def episodes_hint(columns: list[str]) -> str:
    """What a missing grade-specific onset column can also come from."""
    return " (nor a GVHD episodes table)" if any("3_4" in c for c in columns) else ""


def timing_notes(name: str, present: frozenset[str]) -> tuple[str, ...]:
    """What an endpoint says about its GVHD timing: at the first onset when not given."""
    return tuple(note for field, note in _TIMING.get(name, ()) if field not in present)
