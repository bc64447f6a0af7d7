"""Landmark alignment of external controls with the trial (no immortal time).

Trial patients are followed from their first dose.  A control enters at a
landmark day after transplant, and only if alive, relapse-free and followed
beyond it (and, with ``gvhd_free=True``, without grade II-IV acute or any
chronic GVHD by then: the table has onsets, not resolutions, so any GVHD
before the landmark counts as active); it is then followed from the
landmark.  ``landmark="fixed"``: one day for every control (by default the
trial's median first-dose day).  ``landmark="matched"``: each control's day is
drawn (seeded) from the trial's first-dose days, and the control is used if
event-free then.  Every control left out is counted with its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..data import Cohort
from ..endpoints import derive
from ..errors import InputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

LANDMARKS = ("fixed", "matched")
#: controls at risk at the landmark below this: no comparison
MIN_CONTROLS = 10


@dataclass(frozen=True)
class Aligned:
    """Both cohorts on one time scale: days from the first dose / the landmark.

    Attributes
    ----------
    trial_ids, control_ids : ndarray of str
        Patients used, cohort order.
    control_landmark : ndarray
        Each used control's landmark day (days since transplant).
    time, status : dict
        Endpoint -> (trial array, control array); status 0/1/2 as the endpoint's.
    excluded : tuple of (cohort, patient_id, reason)
    landmark, landmark_day : str, float
        The kind, and the fixed day (the median drawn day when matched).
    """

    trial_ids: npt.NDArray[np.object_]
    control_ids: npt.NDArray[np.object_]
    control_landmark: FloatArray
    time: dict[str, tuple[FloatArray, FloatArray]]
    status: dict[str, tuple[IntArray, IntArray]]
    excluded: tuple[tuple[str, str, str], ...]
    landmark: str
    landmark_day: float

    @property
    def excluded_counts(self) -> dict[str, int]:
        """``"cohort: reason"`` -> patients left out."""
        out: dict[str, int] = {}
        for cohort, _, reason in self.excluded:
            key = f"{cohort}: {reason}"
            out[key] = out.get(key, 0) + 1
        return out


def _days(frame: pd.DataFrame, column: str) -> FloatArray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return frame[column].to_numpy(dtype=np.float64)


def align(
    trial: Cohort,
    controls: Cohort,
    endpoints: Sequence[str],
    *,
    landmark: str = "fixed",
    landmark_day: float | None = None,
    gvhd_free: bool = False,
    seed: int | np.random.Generator = 0,
) -> Aligned:
    """Trial from the first dose, controls from their landmark; see the module docstring.

    Raises
    ------
    InputError
        The trial table has no first dose (``enrollment_date``), an unknown
        `landmark`, a landmark day that is not positive, or fewer than
        :data:`MIN_CONTROLS` controls at risk at the landmark.
    """
    if landmark not in LANDMARKS:
        raise InputError(f"landmark must be one of {', '.join(LANDMARKS)}, got {landmark!r}")
    if not trial.has_enrollment:
        raise InputError(
            f"{trial.source}: column 'enrollment_date' is needed: trial patients are "
            "followed from their first dose"
        )
    tf, cf = trial.frame, controls.frame
    first_dose = _days(tf, "enrollment_day")
    doses = np.sort(first_dose[np.isfinite(first_dose)])
    ids = cf["patient_id"].astype(str).to_numpy(dtype=object)
    rel, death, last = (
        _days(cf, "relapse_day"),
        _days(cf, "death_day"),
        _days(cf, "last_contact_day"),
    )
    if gvhd_free:
        grade = _days(cf, "agvhd_grade")
        agvhd = np.where(grade >= 2, _days(cf, "agvhd_day"), np.nan)
        gvhd_onset = np.fmin(agvhd, _days(cf, "cgvhd_day"))
    else:
        gvhd_onset = np.full(len(cf), np.nan)
    if landmark == "fixed":
        day = float(np.median(doses)) if landmark_day is None else float(landmark_day)
        if not np.isfinite(day) or day <= 0:
            raise InputError(
                f"landmark_day must be a positive number of days, got {landmark_day!r}"
            )
        lm = np.full(len(cf), day)
    else:
        # drawn independently of the control's outcome (a draw conditional on it would
        # favour early landmarks for early events); not event-free then: excluded
        rng = np.random.default_rng(seed)
        lm = doses[rng.integers(0, doses.size, len(cf))].astype(np.float64)
        day = float(np.median(lm))
    reason = np.full(len(cf), "", dtype=object)
    checks = [
        (death <= lm, "died on or before the landmark"),
        (rel <= lm, "relapsed on or before the landmark"),
        (gvhd_onset <= lm, "GVHD on or before the landmark"),
        (last <= lm, "no follow-up after the landmark"),
    ]
    for hit, why in checks:
        reason[(reason == "") & hit] = why
    use_c = reason == ""
    excluded = [("controls", i, r) for i, r in zip(ids[~use_c], reason[~use_c], strict=True)]
    if use_c.sum() < MIN_CONTROLS:
        where = f"day {day:g}" if landmark == "fixed" else "their matched landmark"
        raise InputError(
            f"{controls.source}: only {int(use_c.sum())} controls are alive, relapse-free and "
            f"followed at {where}; at least {MIN_CONTROLS} are needed"
        )
    t_ids = tf["patient_id"].astype(str).to_numpy(dtype=object)
    use_t = np.ones(len(tf), dtype=bool)
    derived = {}
    for name in endpoints:
        et = derive(trial, name, origin="enrollment")
        ec = derive(controls, name, origin="transplant", delayed_entry=False)
        derived[name] = (et, ec)
        use_t &= pd.Index(t_ids).isin(et.patient_id)
        excluded += [("trial", str(pid), why) for pid, why in et.exclusions]
        gone = use_c & ~pd.Index(ids).isin(ec.patient_id)  # hashed: np.isin on text is slow
        left_out = dict(ec.exclusions)
        excluded += [("controls", str(pid), left_out[pid]) for pid in ids[gone]]
        use_c &= ~gone
    excluded = list(dict.fromkeys(excluded))  # a trial patient left out of several endpoints once
    time, status = {}, {}
    for name, (et, ec) in derived.items():
        # each endpoint's patients, in the order of the patients used by every endpoint
        t_pos = pd.Index(et.patient_id.astype(str)).get_indexer(pd.Index(t_ids[use_t]))
        c_pos = pd.Index(ec.patient_id.astype(str)).get_indexer(pd.Index(ids[use_c]))
        time[name] = (et.time[t_pos], ec.time[c_pos] - lm[use_c])
        status[name] = (et.status[t_pos], ec.status[c_pos])
    return Aligned(
        trial_ids=t_ids[use_t],
        control_ids=ids[use_c],
        control_landmark=lm[use_c],
        time=time,
        status=status,
        excluded=tuple(excluded),
        landmark=landmark,
        landmark_day=day,
    )
