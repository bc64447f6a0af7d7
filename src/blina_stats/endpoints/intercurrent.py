"""Estimand controls: censoring at the last disease assessment, intercurrent events, MRD relapse.

Applied by :func:`blina_stats.endpoints.derive` to each endpoint's time and
status (days since transplant), in this order:

1. **Relapse definition** (``relapse_definition=``): ``"hematologic"``
   (default) uses ``relapse_day``; ``"hematologic_or_mrd"`` the first of
   ``relapse_day`` and ``mrd_relapse_day`` (MRD recurrence), for every
   endpoint that reads relapse (PFS, relapse, NRM, GRFS, the GVHD competing
   events).
2. **Censoring at the last disease assessment** (the table has
   ``last_assessment_date``/``_day``): for PFS and relapse, a patient alive
   without relapse (censored) is censored at the last assessment instead of
   last contact, as the FDA guidance (2018, Table A: "no progression:
   censored at the date of last assessment") asks; a relapse counts at its
   date.  A death without relapse counts whenever it occurs (the guidance's
   "death before the first assessment" and "death between adequate
   assessment visits": an event at death), unless ``assessment_gap=DAYS`` is
   given: a death more than that many days after the last assessment is
   then censored at the last assessment (the guidance's "death after more
   than one missed visit"; give twice the assessment interval).  Other
   endpoints (OS, NRM, GVHD, GRFS) keep last contact.
3. **Intercurrent events** (ICH E9(R1); ``intercurrent={"dli": "censor"}``),
   each ``dli``, ``second_hsct`` or ``new_therapy`` with one strategy:
   ``"treatment_policy"`` (default: the event is ignored), ``"censor"``
   (follow-up ends at the event: a while-on-treatment estimand; the patient
   is censored there when it comes before the endpoint's event, competing
   event or censoring) or ``"composite"`` (the event is a failure: an event
   of a Kaplan-Meier endpoint, a competing event of an incidence endpoint,
   at its day when it comes before, or on the day of a censoring).  An
   endpoint's own event on the day of the intercurrent event is kept.
   Applied to every endpoint, after step 2 (so an intercurrent event after
   a patient's censoring at the last assessment changes nothing).

Every patient recoded is counted per endpoint (:attr:`EndpointData.recoded`
and the ``recoded`` field of the JSON).

References
----------
U.S. Food and Drug Administration (2018). Clinical Trial Endpoints for the
Approval of Cancer Drugs and Biologics: Guidance for Industry, Table A
(date of progression or censoring for PFS).
ICH (2019). E9(R1) Addendum on estimands and sensitivity analysis in
clinical trials.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..errors import InputError
from .definitions import KAPLAN_MEIER, Endpoint

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

RELAPSE_DEFINITIONS = ("hematologic", "hematologic_or_mrd")
STRATEGIES = ("treatment_policy", "censor", "composite")
#: intercurrent event -> what it is (the column is ``<event>_date``/``<event>_day``)
INTERCURRENT_EVENTS = {
    "dli": "donor lymphocyte infusion",
    "second_hsct": "second transplant",
    "new_therapy": "other anti-leukaemic therapy",
}
#: endpoints censored at the last disease assessment when the table gives it
ASSESSMENT_CENSORED = ("pfs", "relapse")


def check_options(
    present: frozenset[str],
    intercurrent: Mapping[str, str] | None,
    relapse_definition: str,
    assessment_gap: float | None,
) -> dict[str, str]:
    """The strategy of every intercurrent event (defaults filled); InputError for a bad one."""
    if relapse_definition not in RELAPSE_DEFINITIONS:
        raise InputError(
            f"relapse_definition must be one of {RELAPSE_DEFINITIONS}, got {relapse_definition!r}"
        )
    if relapse_definition == "hematologic_or_mrd" and "mrd_relapse" not in present:
        raise InputError(
            "relapse_definition 'hematologic_or_mrd' needs an mrd_relapse_date or "
            "mrd_relapse_day column; the table has neither"
        )
    if assessment_gap is not None and not (np.isfinite(assessment_gap) and assessment_gap > 0):
        raise InputError(
            f"assessment_gap must be a positive number of days, got {assessment_gap!r}"
        )
    out = dict.fromkeys(INTERCURRENT_EVENTS, "treatment_policy")
    for event, strategy in (intercurrent or {}).items():
        if event not in INTERCURRENT_EVENTS:
            raise InputError(
                f"unknown intercurrent event {event!r}: expected one of "
                f"{', '.join(INTERCURRENT_EVENTS)}"
            )
        if strategy not in STRATEGIES:
            raise InputError(
                f"intercurrent {event}={strategy}: the strategy must be one of "
                f"{', '.join(STRATEGIES)}"
            )
        if strategy != "treatment_policy" and event not in present:
            raise InputError(
                f"intercurrent {event}={strategy} needs a {event}_date or {event}_day column; "
                "the table has neither"
            )
        out[event] = strategy
    return out


def relapse_days(frame: pd.DataFrame, relapse_definition: str) -> FloatArray:
    """Per patient, the relapse day under `relapse_definition`."""
    rel = frame["relapse_day"].to_numpy(dtype=np.float64)
    if relapse_definition == "hematologic_or_mrd":
        return np.fmin(rel, frame["mrd_relapse_day"].to_numpy(dtype=np.float64))
    return rel


def recode(
    ep: Endpoint,
    time: FloatArray,
    status: IntArray,
    frame: pd.DataFrame,
    present: frozenset[str],
    relapse: FloatArray,
    strategies: Mapping[str, str],
    assessment_gap: float | None = None,
) -> tuple[FloatArray, IntArray, dict[str, int]]:
    """Steps 2 and 3 of the module's rules: the new time and status, and the patients recoded.

    Parameters
    ----------
    ep : Endpoint
    time, status : ndarray
        As :func:`~blina_stats.endpoints.outcome` gives them (days since transplant).
    frame : DataFrame
        The cohort's frame (``last_assessment_day``, ``<event>_day``).
    present : frozenset of str
        The events the table holds.
    relapse : ndarray
        The relapse day under the relapse definition.
    strategies : mapping
        Intercurrent event -> strategy, as :func:`check_options` returns.
    assessment_gap : float, optional
        Days after the last assessment beyond which a death is censored at it.

    Returns
    -------
    time, status : ndarray
    recoded : dict
        Change -> number of patients (``"censored at last assessment"``,
        ``"censored at dli"``, ``"dli as failure (composite)"``).
    """
    time, status = time.copy(), status.copy()
    recoded: dict[str, int] = {}
    if ep.name in ASSESSMENT_CENSORED and "last_assessment" in present:
        la = frame["last_assessment_day"].to_numpy(dtype=np.float64)
        hit = (status == 0) & (la < time)
        if assessment_gap is not None:
            death = ~(relapse == time) & (status == (1 if ep.kind == KAPLAN_MEIER else 2))
            late = death & (time - la > assessment_gap)
            if late.any():
                recoded["death more than assessment_gap after last assessment censored"] = int(
                    late.sum()
                )
            hit |= late
        if hit.any():
            recoded["censored at last assessment"] = int(hit.sum())
        time = np.where(hit, la, time)
        status = np.where(hit, 0, status)
    fail = 1 if ep.kind == KAPLAN_MEIER else 2
    for event, strategy in strategies.items():
        if strategy == "treatment_policy":
            continue
        day = frame[f"{event}_day"].to_numpy(dtype=np.float64)
        if strategy == "censor":
            hit = day < time
            what = f"censored at {event}"
            status = np.where(hit, 0, status)
        else:
            hit = (day < time) | ((day == time) & (status == 0))
            what = f"{event} as failure (composite)"
            status = np.where(hit, fail, status)
        time = np.where(hit, day, time)
        if hit.any():
            recoded[what] = int(hit.sum())
    return time, status.astype(np.int64), recoded


def censoring_rule(has_assessment: bool, options: Mapping[str, Any]) -> str:
    """The censoring of PFS and relapse, in words (for the JSON and the tables)."""
    if not has_assessment:
        return "PFS and relapse censored at last contact (no last_assessment column)"
    gap = options.get("assessment_gap")
    deaths = (
        "a death counts whenever it occurs"
        if gap is None
        else f"a death more than {gap:g} days after the last assessment is censored at it"
    )
    return (
        "PFS and relapse: alive without relapse censored at the last disease assessment "
        f"(FDA 2018, Table A); a relapse counts at its date; {deaths}"
    )
