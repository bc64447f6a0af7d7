"""Blinatumomab exposure against the protocol: courses, dose, intensity, compliance.

From validated dosing records (one row per infusion day) and the cohort,
:func:`exposure` gives one row per course, one row per treated patient and a
cohort summary.  Every protocol number comes from a :class:`Protocol`.

Definitions
-----------
- a course is *received* when it has an infusion with a dose above 0, and
  *complete* when it has ``course_days`` such infusions and the course dose
  (96 ug);
- *planned courses*: those the schedule holds from the patient's first dose
  to the end of treatment (relapse, death or last contact, whichever is
  first, and at most ``last_start_day``), counted every ``interval_days``:
  a patient who stops early for toxicity still has the later courses
  planned, one who relapses does not;
- *relative dose intensity* (RDI): cumulative dose received over the dose
  of the planned courses (Hryniuk & Bush 1984 in spirit; here on the dose
  per planned course, since the infusion is continuous);
- *interruption*: a day without infusion (or with dose 0) between two
  infusions of one course;
- the protocol dose of an infusion is that of its rank in the course (the
  schedule resumes where it stopped after an interruption); a different dose
  is a *dose deviation*;
- *premedication*: dexamethasone on the infusions of rank
  ``premedication_days`` (1 and 3); not recorded is counted apart from missed;
- *interval*: start-to-start days between consecutive courses, on time when
  within ``interval_days +/- interval_tolerance``.

References
----------
Hryniuk, W. and Bush, H. (1984). The importance of dose intensity in
chemotherapy of metastatic breast cancer. J Clin Oncol 2:1281-1288.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import Cohort
from ._checks import first_doses, untreated_count
from .protocol import Protocol
from .records import Dosing, read_dosing

DosingInput = str | Path | pd.DataFrame | Dosing
#: relative dose intensity at or above which a patient counts as fully dosed in the summary
RDI_THRESHOLD = 0.85


@dataclass(frozen=True)
class ExposureResult:
    """Exposure to blinatumomab against the protocol; build it with :func:`exposure`.

    Attributes
    ----------
    by_patient : DataFrame
        One row per treated patient (table order): ``patient_id``,
        ``first_dose_day``, ``end_of_treatment_day``, ``courses_planned``,
        ``courses_received``, ``courses_complete``, ``cumulative_dose_ug``,
        ``planned_dose_ug``, ``relative_dose_intensity``,
        ``first_course_in_window``, ``intervals``, ``intervals_on_time``,
        ``premedication_planned``, ``premedication_missed``,
        ``premedication_unknown``, ``interruptions``, ``dose_deviations``.
    courses : DataFrame
        One row per course received: ``patient_id``, ``course``,
        ``start_day``, ``end_day``, ``infusion_days``, ``dose_ug``,
        ``complete``, ``interruptions``, ``dose_deviations``,
        ``premedication_missed``, ``interval_days``, ``interval_on_time``.
    protocol : Protocol
    source : str
    n_untreated : int
        Patients of the event table without a first dose, not counted (the
        summary's caption says so).
    """

    by_patient: pd.DataFrame = field(repr=False)
    courses: pd.DataFrame = field(repr=False)
    protocol: Protocol = field(repr=False)
    source: str = ""
    n_untreated: int = 0

    def to_frame(self) -> pd.DataFrame:
        """The per-patient table (a copy)."""
        return self.by_patient.copy()

    @property
    def summary(self) -> pd.DataFrame:
        """Cohort summary: columns ``measure``, ``value`` (formatted), ``n``, ``of``.

        ``attrs["caption"]`` states the protocol schedule.
        """
        return exposure_summary(self)

    def __repr__(self) -> str:
        return (
            f"ExposureResult({self.source!r}: {len(self.by_patient)} treated patients, "
            f"{len(self.courses)} courses)"
        )

    def _repr_html_(self) -> str:
        return (
            f"<p><b>Exposure</b> {self.source}: {self.protocol.describe()}</p>"
            + self.summary.to_html(index=False)
        )


def exposure(
    dosing: DosingInput, cohort: Cohort, protocol: Protocol | None = None
) -> ExposureResult:
    """Courses, cumulative dose, dose intensity and compliance per patient.

    Parameters
    ----------
    dosing : str, Path, DataFrame or Dosing
        Dosing records (validated by :func:`read_dosing` unless they already are).
    cohort : Cohort
        The event table: first dose, relapse, death, last contact.
    protocol : Protocol, optional
        The schedule (default :class:`Protocol`).

    Returns
    -------
    ExposureResult
        ``.by_patient``, ``.courses``, ``.summary``; definitions in
        :mod:`blina_stats.safety.exposure`.

    Raises
    ------
    blina_stats.InputError
        The cohort has no first dose (``enrollment_day``) for any patient, or
        the dosing records do not validate (:func:`read_dosing`).

    Examples
    --------
    >>> import blina_stats as bs
    >>> from blina_stats.synthetic import safety as ss
    >>> cohort = bs.load_events(bs.synthetic.bundled("trial"))
    >>> ex = bs.exposure(bs.synthetic.bundled("dosing"), cohort)
    >>> len(ex.by_patient)
    68
    """
    p = protocol or Protocol()
    first = first_doses(cohort, "exposure is counted from the first dose")
    records = read_dosing(dosing, cohort, max_daily_dose=max(p.daily_doses))
    courses = _courses(records.frame, p)
    untreated = int(first.isna().sum())
    return ExposureResult(_patients(courses, cohort, p), courses, p, records.source, untreated)


def _courses(frame: pd.DataFrame, p: Protocol) -> pd.DataFrame:
    """One row per (patient, course) with an infusion above 0 ug."""
    given = frame.loc[frame["dose_ug"] > 0].reset_index(drop=True)
    keys = [given["patient_id"], given["course"]]
    grouped = given.groupby(keys, sort=False)
    rank = grouped.cumcount().to_numpy() + 1
    gap = grouped["infusion_day"].diff().to_numpy()
    planned = p.dose_on(rank)
    deviation = ~np.isclose(given["dose_ug"].to_numpy(), np.nan_to_num(planned, nan=-1.0))
    premed = np.isin(rank, p.premedication_days)
    dex = given["dexamethasone"]
    missed = premed & dex.eq(False).fillna(False).to_numpy(dtype=bool)
    unknown = premed & dex.isna().to_numpy()
    per = pd.DataFrame(
        {
            "patient_id": given["patient_id"],
            "course": given["course"],
            "day": given["infusion_day"],
            "dose": given["dose_ug"],
            "gap": gap > 1,
            "deviation": deviation,
            "premed": premed,
            "missed": missed,
            "unknown": unknown,
        }
    )
    out = (
        per.groupby(["patient_id", "course"], sort=True)
        .agg(
            start_day=("day", "min"),
            end_day=("day", "max"),
            infusion_days=("day", "size"),
            dose_ug=("dose", "sum"),
            interruptions=("gap", "sum"),
            dose_deviations=("deviation", "sum"),
            premedication_planned=("premed", "sum"),
            premedication_missed=("missed", "sum"),
            premedication_unknown=("unknown", "sum"),
        )
        .reset_index()
        .sort_values(["patient_id", "start_day"], kind="stable")
        .reset_index(drop=True)
    )
    out["complete"] = (out["infusion_days"] >= p.course_days) & (
        out["dose_ug"] >= p.course_dose - 1e-9
    )
    prev = out.groupby("patient_id")["start_day"].shift()
    out["interval_days"] = out["start_day"] - prev
    within = (out["interval_days"] - p.interval_days).abs() <= p.interval_tolerance
    out["interval_on_time"] = within.where(prev.notna()).astype("boolean")
    for col in (
        "interruptions",
        "dose_deviations",
        "premedication_planned",
        "premedication_missed",
        "premedication_unknown",
    ):
        out[col] = out[col].astype(np.int64)
    return out


def _patients(courses: pd.DataFrame, cohort: Cohort, p: Protocol) -> pd.DataFrame:
    f = cohort.frame
    f = f.loc[f["enrollment_day"].notna()].reset_index(drop=True)
    ids = f["patient_id"]
    g = courses.groupby("patient_id")
    sums = g[
        [
            "dose_ug",
            "interruptions",
            "dose_deviations",
            "premedication_planned",
            "premedication_missed",
            "premedication_unknown",
        ]
    ].sum()
    counts = g.agg(
        courses_received=("course", "size"),
        courses_complete=("complete", "sum"),
        first_dose_day=("start_day", "min"),
        intervals=("interval_days", "count"),
        intervals_on_time=("interval_on_time", "sum"),
    )
    per = pd.concat([counts, sums], axis=1).reindex(ids)
    first = per["first_dose_day"].fillna(f.set_index("patient_id")["enrollment_day"].reindex(ids))
    end = np.fmin.reduce(
        [
            f["relapse_day"].to_numpy(dtype=np.float64),
            f["death_day"].to_numpy(dtype=np.float64),
            f["last_contact_day"].to_numpy(dtype=np.float64),
        ]
    )
    first_v = first.to_numpy(dtype=np.float64)
    # the number of planned starts from first_v to min(end, last_start_day), every interval
    limit = np.fmin(end, float(p.last_start_day))
    planned = np.where(
        limit >= first_v, np.floor((limit - first_v) / p.interval_days) + 1, 0
    ).astype(np.int64)
    planned = np.maximum(planned, 1)  # the first course is planned for every treated patient
    zero = ("courses_received", "courses_complete", "intervals", "intervals_on_time")
    ints = {c: per[c].fillna(0).to_numpy(dtype=np.int64) for c in zero}
    cum = per["dose_ug"].fillna(0.0).to_numpy(dtype=np.float64)
    lo, hi = p.first_course_window
    out = pd.DataFrame(
        {
            "patient_id": ids.to_numpy(),
            "first_dose_day": first_v,
            "end_of_treatment_day": limit,
            "courses_planned": planned,
            "courses_received": ints["courses_received"],
            "courses_complete": ints["courses_complete"],
            "cumulative_dose_ug": cum,
            "planned_dose_ug": planned * p.course_dose,
            "relative_dose_intensity": cum / (planned * p.course_dose),
            "first_course_in_window": (first_v >= lo) & (first_v <= hi),
            "intervals": ints["intervals"],
            "intervals_on_time": ints["intervals_on_time"],
        }
    )
    for col in (
        "premedication_planned",
        "premedication_missed",
        "premedication_unknown",
        "interruptions",
        "dose_deviations",
    ):
        out[col] = per[col].fillna(0).to_numpy(dtype=np.int64)
    return out


def _median_range(x: np.ndarray, fmt: str = "{:g}") -> str:
    if len(x) == 0:
        return "-"
    return f"{fmt.format(np.median(x))} ({fmt.format(x.min())}-{fmt.format(x.max())})"


def _median_iqr(x: np.ndarray, fmt: str) -> str:
    if len(x) == 0:
        return "-"
    q1, q2, q3 = np.percentile(x, [25, 50, 75])
    return f"{fmt.format(q2)} ({fmt.format(q1)}-{fmt.format(q3)})"


def _n_of(n: int, of: int) -> str:
    return f"{n}/{of} ({100 * n / of:.1f}%)" if of else f"{n}/0"


def exposure_summary(result: ExposureResult) -> pd.DataFrame:
    """The cohort summary of an :class:`ExposureResult` (see :meth:`ExposureResult.summary`)."""
    b, c, p = result.by_patient, result.courses, result.protocol
    n = len(b)
    rdi = b["relative_dose_intensity"].to_numpy()
    lo, hi = p.first_course_window
    rows: list[tuple[str, str, float, float]] = [
        ("Patients treated", f"{n}", n, np.nan),
        (
            "Courses received, median (range)",
            _median_range(b["courses_received"].to_numpy()),
            float(b["courses_received"].sum()),
            np.nan,
        ),
        (
            "Courses received of planned",
            _n_of(int(b["courses_received"].sum()), int(b["courses_planned"].sum())),
            float(b["courses_received"].sum()),
            float(b["courses_planned"].sum()),
        ),
        (
            "Patients receiving every planned course",
            _n_of(int((b["courses_received"] >= b["courses_planned"]).sum()), n),
            float((b["courses_received"] >= b["courses_planned"]).sum()),
            n,
        ),
        (
            "Complete courses (7 days, 96 ug) of received",
            _n_of(int(c["complete"].sum()), len(c)),
            float(c["complete"].sum()),
            len(c),
        ),
        (
            "Cumulative dose, ug, median (IQR)",
            _median_iqr(b["cumulative_dose_ug"].to_numpy(), "{:.0f}"),
            float(np.median(b["cumulative_dose_ug"])) if n else np.nan,
            np.nan,
        ),
        (
            "Relative dose intensity, median (IQR)",
            _median_iqr(rdi, "{:.2f}"),
            float(np.median(rdi)) if n else np.nan,
            np.nan,
        ),
        (
            f"Relative dose intensity >= {RDI_THRESHOLD:g}",
            _n_of(int((rdi >= RDI_THRESHOLD).sum()), n),
            float((rdi >= RDI_THRESHOLD).sum()),
            n,
        ),
        (
            f"First course on days {lo}-{hi} after transplant",
            _n_of(int(b["first_course_in_window"].sum()), n),
            float(b["first_course_in_window"].sum()),
            n,
        ),
        (
            f"Intervals on time ({p.interval_days} +/- {p.interval_tolerance} days)",
            _n_of(int(b["intervals_on_time"].sum()), int(b["intervals"].sum())),
            float(b["intervals_on_time"].sum()),
            float(b["intervals"].sum()),
        ),
        (
            "Premedication doses missed",
            _n_of(int(b["premedication_missed"].sum()), int(b["premedication_planned"].sum())),
            float(b["premedication_missed"].sum()),
            float(b["premedication_planned"].sum()),
        ),
        (
            "Premedication not recorded",
            _n_of(int(b["premedication_unknown"].sum()), int(b["premedication_planned"].sum())),
            float(b["premedication_unknown"].sum()),
            float(b["premedication_planned"].sum()),
        ),
        (
            "Patients with an interruption",
            _n_of(int((b["interruptions"] > 0).sum()), n),
            float((b["interruptions"] > 0).sum()),
            n,
        ),
        (
            "Courses with an interruption",
            _n_of(int((c["interruptions"] > 0).sum()), len(c)),
            float((c["interruptions"] > 0).sum()),
            len(c),
        ),
        (
            "Infusion days off the protocol dose",
            _n_of(int(c["dose_deviations"].sum()), int(c["infusion_days"].sum())),
            float(c["dose_deviations"].sum()),
            float(c["infusion_days"].sum()),
        ),
    ]
    table = pd.DataFrame(rows, columns=["measure", "value", "n", "of"])
    table.attrs["caption"] = f"Blinatumomab exposure against the protocol: {p.describe()}"
    if result.n_untreated:
        table.attrs["caption"] += f"; {untreated_count(result.n_untreated)}"
    return table
