"""The simulated GVHD course: grades reached over time, and the GVHD episodes table.

Each simulated patient's acute GVHD starts at grade II (or at its maximum
grade), and a grade III-IV case may reach grade III-IV only some days after
the onset, often after the first blinatumomab dose (days 60-90); chronic GVHD
may start mild and become moderate or severe later, on treatment.  Patients
whose acute GVHD never reaches grade II may have a grade I episode.  The
episodes table (one row per episode or grade change, the format of
:mod:`blina_stats.data.gvhd`) is what a site records; the event table's GVHD
columns are derived from it, so the two always agree.

=============================  =======  ============================================
rate                           default  meaning, and source
=============================  =======  ============================================
``agvhd_rise_fraction``        0.5      among grade III-IV cases, the fraction that
                                        start at grade II and reach III-IV later
``agvhd_rise_mean_days``       21       mean days from onset to grade III-IV
                                        (exponential, at least 1 day)
``cgvhd_rise_fraction``        0.5      among moderate/severe cGVHD, the fraction
                                        that start mild
``cgvhd_rise_mean_days``       90       mean days from mild to moderate/severe
=============================  =======  ============================================

These four are assumptions of this synthetic trial, not published estimates:
no source reports onset-to-maximum-grade intervals for this population.
They are chosen so that the worsening usually falls within the first
weeks of acute GVHD (MAGIC staging is taken weekly, Harris et al. 2016) and
within months for chronic GVHD (Jagasia et al. 2015).  In 400,000 simulated
histories, 29% of the grade II to III-IV worsenings reach III-IV after the
first dose (21% of those whose grade II began before it: the issue-13 case)
and almost every cGVHD worsening does: the flares the treatment-emergent
endpoint asks about.  The grade II-IV
onset, the maximum grade and the cGVHD onset keep the rates of
:mod:`blina_stats.synthetic.trial`, and the draws here come from their own
stream (a child of the trial's generator), so adding them left every other
column of the bundled trial unchanged.  The NRM hazard still rises from the
onset of the aGVHD episode that reaches grade III-IV.

References
----------
Harris, A. C. et al. (2016). Biol Blood Marrow Transplant 22:4-10.
Jagasia, M. H. et al. (2015). Biol Blood Marrow Transplant 21:389-401.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]

GVHD_RATES: Mapping[str, float] = {
    "agvhd_rise_fraction": 0.5,
    "agvhd_rise_mean_days": 21.0,
    "cgvhd_rise_fraction": 0.5,
    "cgvhd_rise_mean_days": 90.0,
}
_SEVERITY_RANK = {"none": 0, "mild": 1, "moderate": 2, "severe": 3}


def course(n: int, rng: np.random.Generator, r: Mapping[str, float]) -> dict[str, FloatArray]:
    """Days from the first onset to grade III-IV and to moderate/severe (0: at onset)."""

    def rise(fraction: float, mean: float) -> FloatArray:
        later = rng.random(n) < fraction
        return np.where(later, np.ceil(np.fmax(rng.exponential(mean, n), 1e-9)), 0.0)

    return {
        "agvhd_rise": rise(r["agvhd_rise_fraction"], r["agvhd_rise_mean_days"]),
        "cgvhd_rise": rise(r["cgvhd_rise_fraction"], r["cgvhd_rise_mean_days"]),
    }


def grade_onsets(h: Mapping[str, Any]) -> dict[str, FloatArray]:
    """Complete histories' first day of grade III-IV and of moderate/severe (NaN: none)."""
    severe = h["agvhd_latent_grade"] >= 3
    mod_sev = np.isin(h["severity"], ("moderate", "severe"))
    a3 = np.where(severe, h["agvhd"] + h["agvhd_rise"], np.nan)
    cms = np.where(mod_sev, h["cgvhd"] + h["cgvhd_rise"], np.nan)
    return {
        "agvhd_3_4": np.where(a3 <= h["death"], a3, np.nan),
        "cgvhd_mod_severe": np.where(cms <= h["death"], cms, np.nan),
    }


def observed(h: Mapping[str, Any], last: FloatArray, ids: list[str]) -> tuple[pd.DataFrame, dict]:
    """The episodes seen by last contact, and the event table's GVHD fields derived from them.

    Returns
    -------
    (DataFrame, dict)
        The episodes (``patient_id``, ``kind``, ``onset_day``, ``grade``,
        ``severity``; sorted by patient and onset) and the per-patient
        ``agvhd_day``, ``agvhd_grade``, ``agvhd_3_4_day``, ``cgvhd_day``,
        ``cgvhd_severity``, ``cgvhd_mod_severe_day`` (days since transplant).
    """
    n = len(ids)
    grade, sev = h["agvhd_latent_grade"], np.asarray(h["severity"], dtype=object)
    onsets = grade_onsets(h)
    a3, cms = onsets["agvhd_3_4"], onsets["cgvhd_mod_severe"]
    rows: list[tuple[int, str, float, float, object]] = []

    def add(mask: npt.NDArray[np.bool_], kind: str, day: FloatArray, g: Any, s: Any) -> None:
        for i in np.flatnonzero(mask & (day <= last)):
            rows.append((int(i), kind, float(day[i]), _at(g, int(i)), _at(s, int(i))))

    first_a = np.where(h["agvhd_rise"] > 0, np.fmin(grade, 2.0), grade)
    add(~np.isnan(h["agvhd"]), "acute", h["agvhd"], first_a, None)
    add((grade >= 3) & (h["agvhd_rise"] > 0), "acute", a3, grade, None)
    one = np.isnan(h["agvhd"]) & (h["low_grade"] >= 1)
    add(one, "acute", np.where(one, h["grade1"], np.nan), 1.0, None)
    mod_sev = np.isin(sev, ("moderate", "severe"))
    first_c = np.where(mod_sev & (h["cgvhd_rise"] > 0), "mild", sev)
    add(~np.isnan(h["cgvhd"]), "chronic", h["cgvhd"], np.nan, first_c)
    add(mod_sev & (h["cgvhd_rise"] > 0), "chronic", cms, np.nan, sev)
    ep = pd.DataFrame(rows, columns=["row", "kind", "onset_day", "grade", "severity"])
    ep = ep.sort_values(["row", "onset_day", "kind"], kind="stable").reset_index(drop=True)
    row = ep["row"].to_numpy()
    acute, g = ep["kind"].eq("acute").to_numpy(), ep["grade"].to_numpy(dtype=np.float64)
    rank = ep["severity"].map(_SEVERITY_RANK).to_numpy(dtype=np.float64)
    day = ep["onset_day"].to_numpy(dtype=np.float64)

    def first(mask: np.ndarray) -> FloatArray:
        out = np.full(n, np.inf)
        np.minimum.at(out, row[mask], day[mask])
        return np.where(np.isinf(out), np.nan, out)

    def highest(values: np.ndarray, mask: np.ndarray) -> FloatArray:
        out = np.zeros(n)
        np.maximum.at(out, row[mask], values[mask])
        return out

    names = np.array(list(_SEVERITY_RANK), dtype=object)
    fields = {
        "agvhd_day": first(acute & (g >= 2)),
        "agvhd_grade": highest(g, acute).astype(int),
        "agvhd_3_4_day": first(acute & (g >= 3)),
        "cgvhd_day": first(~acute),
        "cgvhd_severity": names[highest(rank, ~acute).astype(int)],
        "cgvhd_mod_severe_day": first(~acute & (rank >= 2)),
    }
    ep.insert(0, "patient_id", np.asarray(ids, dtype=object)[row])
    ep["grade"] = ep["grade"].astype("Int64")
    return ep.drop(columns="row"), fields


def _at(value: Any, i: int) -> Any:
    return value[i] if isinstance(value, np.ndarray) else value
