"""The monitoring rules the report proposes: NRM around its expected rate, CRS/ICANS grade >= 3.

The protocol states no stopping rule.  Here the thresholds sit around the
rates expected in this population rather than at permissive round numbers:

* NRM within 100 days after the first dose: **expected about 5%**
  (:data:`NRM_EXPECTED`) in patients enrolled alive and relapse-free 60-90
  days after transplant, most early transplant mortality having happened
  before enrolment.  This is the working value of the design review
  (issue 16); the protocol must cite the centre's or registry's figure for
  its own population.  The rule stops when ``P(rate > 0.10 | data) > 0.90``
  (twice the expected rate) under a ``Beta(0.1, 1.9)`` prior (mean 0.05,
  worth two patients), from 10 evaluable patients on: one early death can
  no longer stop the trial; the unacceptable rate is 0.15 (three times the
  expected).
* CRS or ICANS of grade >= 3 (ASTCT grading, Lee et al. 2019) within 100
  days after the first dose: a separate rule, stopping when
  ``P(rate > 0.15 | data) > 0.90`` from 10 patients, prior Beta(0.1, 1.9);
  unacceptable rate 0.25.

The time-to-event NRM rule is :func:`~blina_stats.safety.sprt.sprt_rule`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import Cohort
from ..data._dates import days_between
from .monitoring import MonitoringRule, monitoring_rule
from .outcomes import enrollment_order, evaluable, monitoring_window
from .protocol import Protocol
from .worst_grade import CRS_TERMS, ICANS_TERMS, AEInput, _worst

NRM_EXPECTED, NRM_THRESHOLD, NRM_UNACCEPTABLE = 0.05, 0.10, 0.15
CRS_THRESHOLD, CRS_UNACCEPTABLE = 0.15, 0.25
PRIOR = (0.1, 1.9)
MIN_PATIENTS = 10
OC_RATES = (0.05, 0.10, 0.15, 0.20, 0.25)


def nrm_rule(n_max: int = 68, *, window: str | None = None) -> MonitoringRule:
    """The proposed NRM rule (see the module notes for the choices)."""
    return _proposed(NRM_THRESHOLD, "non-relapse death", n_max, window)


def crs_icans_rule(n_max: int = 68, *, window: str | None = None) -> MonitoringRule:
    """The proposed grade >= 3 CRS/ICANS rule (see the module notes)."""
    return _proposed(CRS_THRESHOLD, "grade >= 3 CRS or ICANS", n_max, window)


def _proposed(threshold: float, outcome: str, n_max: int, window: str | None) -> MonitoringRule:
    """A proposed rule: stop when P(rate > threshold) > 0.90 under PRIOR, from MIN_PATIENTS."""
    return monitoring_rule(
        threshold,
        prior=PRIOR,
        probability=0.90,
        n_max=n_max,
        min_patients=min(MIN_PATIENTS, n_max),
        outcome=outcome,
        window=window,
    )


def crs_icans_outcomes(
    ae: AEInput, cohort: Cohort, grade_min: int = 3, *, protocol: Protocol | None = None
) -> pd.Series:
    """Per treated patient: CRS or ICANS of grade >= `grade_min` within 100 days of the first dose.

    Nullable boolean Series in enrollment order, ``<NA>`` when not yet
    evaluable (alive, no such event and last contact before the window ends;
    a death in the window without the event is a known "no");
    ``attrs["window"]`` states the window.
    """
    worst, _ = _worst(ae, cohort, "first_dose", (*CRS_TERMS, *ICANS_TERMS), True, None, protocol)
    order = enrollment_order(cohort)
    f = cohort.frame.set_index("patient_id").loc[order]
    days = (protocol or Protocol()).ae_window_days
    end = f["enrollment_day"].to_numpy(dtype=np.float64) + days
    hit = worst.reindex(order).fillna(0).to_numpy() >= grade_min
    known = evaluable(f, hit, end)
    out = pd.Series(hit, index=order, dtype="boolean", name="crs_icans")
    out[~known] = pd.NA
    out.attrs["window"] = monitoring_window(days, "first_dose")
    return out


def nrm_person_time(cohort: Cohort, window: float = 100.0) -> pd.DataFrame:
    """What the NRM SPRT needs, per treated patient in enrollment order.

    ``enrolled``: calendar day of the first dose (days since the first
    transplant of the cohort); ``time``: days from the first dose to
    non-relapse death, relapse (after which NRM cannot occur) or last
    contact, at most `window`; ``event``: non-relapse death within `window`.
    """
    f = cohort.frame.set_index("patient_id").loc[enrollment_order(cohort)]
    enrol = f["enrollment_day"].to_numpy(dtype=np.float64)
    # in days: no overflow for transplants centuries apart (a sentinel year)
    start = days_between(f["hsct_date"], f["hsct_date"].min())
    death = f["death_day"].to_numpy(dtype=np.float64)
    relapse = f["relapse_day"].to_numpy(dtype=np.float64)
    last = f["last_contact_day"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        nrm = (death - enrol <= window) & ~(relapse <= death)
        end = np.where(nrm, death, np.fmin(np.fmin(last, relapse), death))
    return pd.DataFrame(
        {
            "enrolled": start + enrol,
            "time": np.minimum(end - enrol, window),
            "event": nrm,
        },
        index=f.index,
    )
