"""The blinatumomab maintenance schedule as data: courses, doses, windows, premedication.

Every number of the protocol that the safety and exposure code uses lives in
one frozen :class:`Protocol`; a site or a protocol amendment passes its own
(``Protocol(interval_days=91)``) instead of editing constants in code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Protocol:
    """The blinatumomab maintenance schedule of the trial.

    Attributes
    ----------
    daily_doses : tuple of float
        Dose on each day of a course, ug/day: days 1-2 at 8, days 3-7 at 16
        (a 7-day continuous infusion of 96 ug).
    first_course_window : tuple of int
        First course starts this many days after the transplant (inclusive):
        60-90.
    interval_days : int
        Planned start-to-start interval between courses: "every two months",
        taken as 61 days (365.25 / 6 rounded).
    interval_tolerance : int
        A course starting within ``interval_days +/- interval_tolerance`` of
        the previous one is on time.
    last_start_day : int
        No course starts after this day after the transplant ("until one year
        after transplant": 365).
    premedication_days : tuple of int
        Course days with dexamethasone 20 mg one hour before the infusion: 1
        and 3 (the start and the dose step).
    premedication : str
        What the premedication is, for tables.
    ae_window_days : int
        The "day +100" of the adverse-event primary outcome.

    Examples
    --------
    >>> from blina_stats.safety import Protocol
    >>> p = Protocol()
    >>> p.course_dose
    96.0
    >>> p.planned_starts(75).tolist()
    [75.0, 136.0, 197.0, 258.0, 319.0]
    """

    daily_doses: tuple[float, ...] = (8.0, 8.0, 16.0, 16.0, 16.0, 16.0, 16.0)
    first_course_window: tuple[int, int] = (60, 90)
    interval_days: int = 61
    interval_tolerance: int = 7
    last_start_day: int = 365
    premedication_days: tuple[int, ...] = (1, 3)
    premedication: str = "dexamethasone 20 mg 1 h before the infusion"
    ae_window_days: int = 100

    def __post_init__(self) -> None:
        if not self.daily_doses or min(self.daily_doses) <= 0:
            raise ValueError(f"daily_doses must be positive, got {self.daily_doses!r}")
        lo, hi = self.first_course_window
        if not 0 <= lo <= hi:
            raise ValueError(f"first_course_window must be 0 <= start <= end, got {(lo, hi)!r}")
        if self.interval_days < self.course_days:
            raise ValueError(
                f"interval_days {self.interval_days!r} is shorter than a course "
                f"({self.course_days} days)"
            )
        bad = [d for d in self.premedication_days if not 1 <= d <= self.course_days]
        if bad:
            raise ValueError(
                f"premedication_days {bad!r} are outside course days 1-{self.course_days}"
            )

    @property
    def course_days(self) -> int:
        """Infusion days in a course (7)."""
        return len(self.daily_doses)

    @property
    def course_dose(self) -> float:
        """Dose of one complete course, ug (96)."""
        return float(sum(self.daily_doses))

    def dose_on(self, course_day: npt.ArrayLike) -> FloatArray:
        """Planned dose (ug/day) on course day(s) 1..course_days; NaN outside the course."""
        d = np.asarray(course_day, dtype=np.float64)
        doses = np.asarray(self.daily_doses, dtype=np.float64)
        inside = (d >= 1) & (d <= self.course_days) & (d == np.floor(d))
        idx = np.where(inside, d, 1).astype(np.int64) - 1
        return np.where(inside, doses[idx], np.nan)

    def planned_starts(self, first_day: float, stop_day: float = np.inf) -> FloatArray:
        """Planned course start days, counted from an actual first course start.

        Courses every ``interval_days`` from `first_day`, while the start is on
        or before both ``last_start_day`` and `stop_day` (end of treatment:
        relapse, death or last contact).
        """
        if not np.isfinite(first_day):
            return np.empty(0)
        end = min(float(self.last_start_day), float(stop_day))
        n = int(np.floor((end - first_day) / self.interval_days)) + 1 if end >= first_day else 0
        return first_day + self.interval_days * np.arange(max(n, 0), dtype=np.float64)

    def to_frame(self) -> pd.DataFrame:
        """One course day per row: ``course_day``, ``dose_ug``, ``premedication``."""
        days = np.arange(1, self.course_days + 1)
        return pd.DataFrame(
            {
                "course_day": days,
                "dose_ug": np.asarray(self.daily_doses, dtype=np.float64),
                "premedication": np.isin(days, self.premedication_days),
            }
        )

    def describe(self) -> str:
        """The schedule in one sentence, for table captions and reports."""
        steps = []
        doses = list(self.daily_doses)
        start = 0
        for i in range(1, len(doses) + 1):
            if i == len(doses) or doses[i] != doses[start]:
                span = f"day {start + 1}" if i - start == 1 else f"days {start + 1}-{i}"
                steps.append(f"{span} {doses[start]:g} ug/day")
                start = i
        lo, hi = self.first_course_window
        return (
            f"{self.course_days}-day courses ({', '.join(steps)}; {self.course_dose:g} ug), "
            f"first course day {lo}-{hi} after transplant, then every {self.interval_days} "
            f"(+/- {self.interval_tolerance}) days until day {self.last_start_day}; "
            f"{self.premedication} on course days "
            f"{', '.join(str(d) for d in self.premedication_days)}"
        )
