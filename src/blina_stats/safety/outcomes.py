"""The outcomes that safety monitoring follows, per treated patient in enrollment order.

Each outcome is a nullable boolean Series (``<NA>``: not yet evaluable, i.e.
alive, without the event and followed less than the window; see
:func:`evaluable`) whose
``attrs["window"]`` states, in words, when the event is counted; by default
every outcome counts from each patient's first dose, within 100 days after
it, so that the NRM and the toxicity rules count the same window.
:func:`~blina_stats.safety.monitor` carries the window into its caption.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import Cohort
from ._checks import first_doses


def monitoring_window(days: float, origin: str = "enrollment") -> str:
    """The window of a monitored outcome in words, for captions and :attr:`MonitoringRule.window`.

    ``origin="enrollment"`` (or ``"first_dose"``): ``"within 100 days after the
    first dose"``; ``"transplant"``: ``"from the first dose to day +100 after
    transplant"``; ``"all"``: ``"from the first dose to last contact"``.
    """
    texts = {
        "enrollment": f"within {days:g} days after the first dose",
        "first_dose": f"within {days:g} days after the first dose",
        "transplant": f"from the first dose to day +{days:g} after transplant",
        "all": "from the first dose to last contact",
    }
    if origin not in texts:
        raise ValueError(f"`origin` must be one of {tuple(texts)}, got {origin!r}")
    return texts[origin]


def evaluable(frame: pd.DataFrame, hit: np.ndarray, end: np.ndarray | float) -> np.ndarray:
    """Whose outcome is known by the end of the window: the event, followed to `end`, or dead.

    A patient without the event is evaluable once followed to the window's
    end, or once dead within it: no event can come after death, so the
    answer "no event in the window" is final.  Only the living, followed less
    than the window, are not yet evaluable.
    """
    last = frame["last_contact_day"].to_numpy(dtype=np.float64)
    death = frame["death_day"].to_numpy(dtype=np.float64)
    return np.asarray(hit | (last >= end) | (death <= end), dtype=bool)


def enrollment_order(cohort: Cohort) -> pd.Index:
    """Treated patients in order of first dose (calendar date when known, else day; stable)."""
    f = cohort.frame
    f = f.loc[f["enrollment_day"].notna()]
    if "hsct_date" in f.columns and f["hsct_date"].notna().all():
        key = f["hsct_date"] + pd.to_timedelta(f["enrollment_day"], unit="D")
    else:
        key = f["enrollment_day"]
    order = np.argsort(key.to_numpy(), kind="stable")
    return pd.Index(f["patient_id"].to_numpy()[order], name="patient_id")


def nrm_outcomes(cohort: Cohort, horizon: float = 100.0, origin: str = "enrollment") -> pd.Series:
    """Death without relapse within `horizon` days, per treated patient.

    The horizon counts from each patient's first dose (``origin="enrollment"``,
    the default: within `horizon` days after it), which suits monitoring a
    treatment started 60-90 days after transplant, or from the transplant
    (``origin="transplant"``: by day +`horizon`).  In enrollment order
    (:func:`enrollment_order`); ``<NA>`` when not yet evaluable (alive and
    relapse-free at last contact before the horizon); ``attrs["window"]``
    states the window (:func:`monitoring_window`), which
    :func:`~blina_stats.safety.monitor`
    carries into its caption.  An InputError when no patient of the cohort
    has a first dose.
    """
    if origin not in ("transplant", "enrollment"):
        raise ValueError(f"`origin` must be 'transplant' or 'enrollment', got {origin!r}")
    first_doses(cohort, "safety monitoring follows the patients from their first dose")
    f = cohort.frame.set_index("patient_id").loc[enrollment_order(cohort)]
    death, relapse = f["death_day"].to_numpy(), f["relapse_day"].to_numpy()
    last = f["last_contact_day"].to_numpy()
    end = horizon + (f["enrollment_day"].to_numpy() if origin == "enrollment" else 0.0)
    nrm = (death <= end) & ~(relapse <= death)
    known = nrm | (last >= end) | (relapse <= end)
    out = pd.Series(nrm, index=f.index, dtype="boolean", name="nrm")
    out[~known] = pd.NA
    out.attrs["window"] = (
        monitoring_window(horizon)
        if origin == "enrollment"
        else f"by day +{horizon:g} after transplant"
    )
    return out
