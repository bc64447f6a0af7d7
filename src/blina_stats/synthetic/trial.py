"""A simulated trial: blinatumomab maintenance after allogeneic transplant for B-ALL.

Each transplanted patient gets a complete history in whole days since the
transplant (relapse, non-relapse death, death after relapse, acute GVHD with
its grade, chronic GVHD with its severity) from parametric hazards whose
defaults follow published post-transplant adult ALL series.  Patients alive
and in remission on their enrollment day (60-90 days after transplant), with a
history of relapse or MRD before transplant (inclusion I1), are enrolled;
calendar dates come from a uniform accrual, and follow-up is cut by loss to
follow-up and the data cut-off.  :func:`true_values` gives the
quantities the estimates converge to.

Defaults (all overridable through ``**rates`` of :func:`simulate_trial`):

=========================  =======  ==================================================
rate                       default  meaning, and source
=========================  =======  ==================================================
``relapse_2y``             0.30     2-year relapse probability without competing death
                                    (MRD-negative CR1); 2-year relapse 24-41%:
                                    Giebel et al. 2017, Greil et al. 2021
``relapse_shape``          0.8      Weibull shape: the hazard falls after the first year
``relapse_hr_mrd``         2.0      hazard ratio for MRD before transplant
``relapse_hr_cr2``         1.5      hazard ratio for second or later remission
``nrm_2y``                 0.15     2-year non-relapse mortality without competing
                                    relapse; 13-28%: Giebel et al. 2017, Greil et al. 2021
``nrm_shape``              0.6      Weibull shape: most NRM is early
``nrm_hr_severe_agvhd``    3.0      NRM hazard ratio after onset of grade III-IV aGVHD
``post_relapse_median``    165      median survival after relapse, days (5.5 months,
                                    Spyridonidis et al. 2012)
``agvhd_prob``             0.35     grade II-IV aGVHD ever (31%: Greil et al. 2021)
``agvhd_median_onset``     35       median onset, days (log-normal, sd-log 0.6)
``agvhd_severe_fraction``  0.35     grade III-IV among II-IV (a third of grade 4)
``cgvhd_prob``             0.40     chronic GVHD ever (Holtan et al. 2015; Greil 2021)
``cgvhd_median_onset``     200      median onset, days (log-normal, sd-log 0.45)
``cgvhd_mod_severe``       0.65     moderate or severe among cGVHD (27% of patients
                                    moderate/severe: Greil et al. 2021)
``mrd_positive``           0.35     MRD-positive before transplant, among transplanted
``cr2``                    0.25     transplanted in second or later remission (a
                                    history of relapse), among transplanted; only
                                    patients with one or both are enrolled
                                    (protocol inclusion I1)
``loss_per_year``          0.03     loss to follow-up, per year after enrollment
``accrual_years``          2.5      uniform accrual of enrollments
``followup_years``         1.0      data cut-off after the last enrollment
=========================  =======  ==================================================

The GVHD course and its four rates: :mod:`blina_stats.synthetic.gvhd`.

References
----------
Giebel, S. et al. (2017). Improving results of allogeneic hematopoietic cell
transplantation for adults with acute lymphoblastic leukemia in first complete
remission: an analysis from the Acute Leukemia Working Party of the EBMT.
Haematologica 102:139-149.
Greil, C. et al. (2021). Prognostic factors for survival after allogeneic
transplantation in acute lymphoblastic leukemia. Bone Marrow Transplant
56:841-852.
Spyridonidis, A. et al. (2012). Outcomes and prognostic factors of adults with
acute lymphoblastic leukemia who relapse after allogeneic hematopoietic cell
transplantation. Leukemia 26:1211-1217.
Holtan, S. G. et al. (2015). Composite end point of graft-versus-host
disease-free, relapse-free survival after allogeneic hematopoietic cell
transplantation. Blood 125:1333-1339.
Gaballa, M. R. et al. (2022). Blinatumomab maintenance after allogeneic
hematopoietic cell transplantation for B-lineage acute lymphoblastic
leukemia. Blood 139:1908-1919.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._constants import DAYS_PER_YEAR as YEAR
from .._constants import TWO_YEARS
from ..data.schema import days_to_timedelta
from . import gvhd

FloatArray = npt.NDArray[np.float64]

DEFAULT_RATES: Mapping[str, float] = {
    "relapse_2y": 0.30,
    "relapse_shape": 0.8,
    "relapse_hr_mrd": 2.0,
    "relapse_hr_cr2": 1.5,
    "nrm_2y": 0.15,
    "nrm_shape": 0.6,
    "nrm_hr_severe_agvhd": 3.0,
    "post_relapse_median": 165.0,
    "agvhd_prob": 0.35,
    "agvhd_median_onset": 35.0,
    "agvhd_severe_fraction": 0.35,
    "cgvhd_prob": 0.40,
    "cgvhd_median_onset": 200.0,
    "cgvhd_mod_severe": 0.65,
    "mrd_positive": 0.35,
    "cr2": 0.25,
    "loss_per_year": 0.03,
    "accrual_years": 2.5,
    "followup_years": 1.0,
    **gvhd.GVHD_RATES,  # the GVHD course: rates in blina_stats.synthetic.gvhd
}
#: enrollment (first blinatumomab dose) window, days after transplant
ENROLLMENT_WINDOW = (60, 90)
#: the bundled data set: made by ``python -m blina_stats.synthetic`` (see bundled/README.md)
BUNDLED_SEED = 20240601


def _rates(overrides: Mapping[str, float]) -> dict[str, float]:
    unknown = sorted(set(overrides) - set(DEFAULT_RATES))
    if unknown:
        raise ValueError(f"unknown rate(s) {unknown}: expected some of {sorted(DEFAULT_RATES)}")
    return {**DEFAULT_RATES, **{k: float(v) for k, v in overrides.items()}}


def _weibull_scale(p_two_years: float, shape: float) -> float:
    """Scale so that P(T <= 2 years) = p: (730.5 / scale)^shape = -log(1 - p)."""
    return TWO_YEARS / (-np.log1p(-p_two_years)) ** (1.0 / shape)


def _histories(
    n: int, rng: np.random.Generator, r: Mapping[str, float], course_rng: np.random.Generator
) -> dict[str, Any]:
    """Complete (uncensored) histories of `n` patients, whole days; GVHD course: `course_rng`."""
    mrd = rng.random(n) < r["mrd_positive"]
    cr2 = rng.random(n) < r["cr2"]
    enrollment = rng.integers(ENROLLMENT_WINDOW[0], ENROLLMENT_WINDOW[1] + 1, n).astype(float)
    # acute GVHD: grade II-IV with probability agvhd_prob, log-normal onset
    agvhd = rng.random(n) < r["agvhd_prob"]
    onset_a = r["agvhd_median_onset"] * np.exp(0.6 * rng.standard_normal(n))
    severe = rng.random(n) < r["agvhd_severe_fraction"]
    grade_if = np.where(severe, np.where(rng.random(n) < 1 / 3, 4.0, 3.0), 2.0)
    low_grade = (rng.random(n) < 0.4).astype(float)  # grade 0 or 1 when no II-IV
    # chronic GVHD
    cgvhd = rng.random(n) < r["cgvhd_prob"]
    onset_c = r["cgvhd_median_onset"] * np.exp(0.45 * rng.standard_normal(n))
    u = rng.random(n)
    mod_sev = u < r["cgvhd_mod_severe"]
    severity_if = np.where(
        mod_sev, np.where(u < r["cgvhd_mod_severe"] * 0.3, "severe", "moderate"), "mild"
    )
    # relapse: Weibull with proportional hazards for MRD and CR2
    hr = np.where(mrd, r["relapse_hr_mrd"], 1.0) * np.where(cr2, r["relapse_hr_cr2"], 1.0)
    k_r = r["relapse_shape"]
    relapse = _weibull_scale(r["relapse_2y"], k_r) * (rng.exponential(size=n) / hr) ** (1 / k_r)
    # NRM: Weibull whose hazard is multiplied after onset of grade III-IV aGVHD;
    # invert H*(t) = H(t) + (hr - 1) (H(t) - H(a)) for t > a
    k_n, s_n = r["nrm_shape"], _weibull_scale(r["nrm_2y"], r["nrm_shape"])
    target = rng.exponential(size=n)
    a = np.where(agvhd & (grade_if >= 3), onset_a, np.inf)
    h_a = (a / s_n) ** k_n
    h_a0 = np.where(np.isfinite(h_a), h_a, 0.0)
    h_t = np.where(target <= h_a, target, h_a0 + (target - h_a0) / r["nrm_hr_severe_agvhd"])
    nrm = s_n * h_t ** (1 / k_n)
    after = rng.exponential(r["post_relapse_median"] / np.log(2), n)
    relapsed = relapse < nrm
    # whole days; ceil keeps the order of events (a death may share its relapse's day)
    relapse_day = np.where(relapsed, np.ceil(relapse), np.nan)
    death_day = np.where(relapsed, np.ceil(relapse + after), np.ceil(nrm))
    a_day = np.ceil(onset_a)
    c_day = np.ceil(onset_c)
    rises = gvhd.course(n, course_rng, r)
    h = {
        "enrollment": enrollment,
        "relapse": relapse_day,
        "death": death_day,
        "agvhd": np.where(agvhd & (a_day <= death_day), a_day, np.nan),
        "agvhd_latent_grade": np.where(agvhd, grade_if, low_grade),
        "low_grade": low_grade,
        "cgvhd": np.where(cgvhd & (c_day <= death_day), c_day, np.nan),
        "severity": np.where(cgvhd, severity_if, "none"),
        "mrd": mrd,
        "cr2": cr2,
        # protocol I1: a history of relapse (transplanted in CR2+) or MRD-positive
        # before transplant; and alive and relapse-free on the enrollment day
        "eligible": (mrd | cr2) & (np.fmin(relapse_day, death_day) > enrollment),
        "grade1": np.where(a_day <= death_day, a_day, np.nan),  # grade I only: its onset
        **rises,
    }
    return {**h, **gvhd.grade_onsets(h)}


def _enrolled(
    n: int, rng: np.random.Generator, r: Mapping[str, float], course_rng: np.random.Generator
) -> dict[str, Any]:
    """Histories of the first `n` transplanted patients eligible at their enrollment day."""
    parts: list[dict[str, Any]] = []
    have = 0
    while have < n:  # batches, not patients: about one batch in practice
        h = _histories(int(1.5 * (n - have)) + 20, rng, r, course_rng)
        keep = h["eligible"]
        parts.append({k: v[keep] for k, v in h.items()})
        have += int(keep.sum())
    return {k: np.concatenate([p[k] for p in parts])[:n] for k in parts[0]}


def simulate_trial(
    n: int = 68, seed: int | np.random.Generator = 0, **rates: float
) -> pd.DataFrame:
    """Simulate the trial's per-patient event table, with calendar dates.

    Parameters
    ----------
    n : int
        Patients enrolled.
    seed : int or numpy.random.Generator
        Seed of the ``numpy.random.Generator`` that draws everything.
    **rates : float
        Overrides of `DEFAULT_RATES` (see the module docstring for each rate's
        meaning and published source).

    Returns
    -------
    DataFrame
        The event table of :mod:`blina_stats.data.schema`: ``patient_id``,
        ``hsct_date``, ``enrollment_date``, ``last_contact_date``,
        ``relapse_date``, ``death_date``, ``agvhd_date``, ``agvhd_grade``,
        ``agvhd_3_4_date``, ``cgvhd_date``, ``cgvhd_severity``,
        ``cgvhd_mod_severe_date`` (dates as ``datetime64``, NaT: not
        happened by last contact) and covariates ``age``, ``sex``,
        ``disease_status`` (CR1 / CR2+), ``mrd_pre_hsct``, ``ph_status``,
        ``donor_type``, ``conditioning``.

    Notes
    -----
    A transplanted patient's relapse time is Weibull (proportional hazards
    for MRD and CR2+); non-relapse death is Weibull with its hazard
    multiplied after the onset of grade III-IV aGVHD; death after relapse is
    exponential.  GVHD onsets are log-normal among those who develop it, and
    are recorded only before death.  Patients alive and relapse-free on their
    enrollment day (uniform on days 60-90) are enrolled.  Enrollments are
    uniform over ``accrual_years`` from 2022-01-03; the data cut-off is
    ``followup_years`` after the last; loss to follow-up is exponential.

    Examples
    --------
    >>> from blina_stats.synthetic import simulate_trial
    >>> simulate_trial(68, seed=1).shape[0]
    68
    """
    return _simulate(n, seed, rates)[0]


def simulate_gvhd_episodes(
    n: int = 68, seed: int | np.random.Generator = 0, **rates: float
) -> pd.DataFrame:
    """The GVHD episodes of the trial :func:`simulate_trial` makes with these arguments.

    Returns
    -------
    DataFrame
        One row per episode or grade change seen by last contact
        (:mod:`blina_stats.data.gvhd`): ``patient_id``, ``kind``, ``onset_date``,
        ``grade``, ``severity``; the trial's GVHD columns are derived from it.

    Examples
    --------
    >>> from blina_stats.synthetic import simulate_gvhd_episodes
    >>> sorted(simulate_gvhd_episodes(68, seed=1)["kind"].unique())
    ['acute', 'chronic']
    """
    return _simulate(n, seed, rates)[1]


def simulate_both(
    n: int = 68, seed: int | np.random.Generator = 0, **rates: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The event table and the GVHD episodes of one simulated trial (as the two above)."""
    return _simulate(n, seed, rates)


def _simulate(
    n: int, seed: int | np.random.Generator, rates: Mapping[str, float]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The event table and the GVHD episodes of one simulated trial."""
    if int(n) < 1:
        raise ValueError(f"`n` must be a positive number of patients, got {n!r}")
    r = _rates(rates)
    rng = np.random.default_rng(seed)
    course_rng = rng.spawn(1)[0]  # its own stream: the other columns do not move
    h = _enrolled(int(n), rng, r, course_rng)
    n = int(n)
    start = pd.Timestamp("2022-01-03")
    accrual = np.sort(np.floor(rng.uniform(0, r["accrual_years"] * YEAR, n)))
    cutoff = accrual.max() + r["followup_years"] * YEAR  # days since the first enrollment
    enrollment = h["enrollment"]
    hsct = accrual - enrollment  # days since the first enrollment
    admin = np.floor(cutoff - hsct)
    lost = enrollment + np.ceil(rng.exponential(YEAR / max(r["loss_per_year"], 1e-12), n))
    censor = np.fmin(admin, lost)
    death = np.where(h["death"] <= censor, h["death"], np.nan)
    last = np.fmin(h["death"], censor)
    ids = [f"BLN-{i + 1:03d}" for i in range(n)]
    episodes, g = gvhd.observed(h, last, ids)
    age = np.clip(np.round(rng.normal(42, 14, n)), 18, 65).astype(int)  # inclusion I2: 16-65
    rows = {
        "patient_id": ids,
        "hsct_date": _dates(start, hsct),
        "enrollment_date": _dates(start, hsct + enrollment),
        "last_contact_date": _dates(start, hsct + last),
        "relapse_date": _dates(
            start, hsct + np.where(h["relapse"] <= censor, h["relapse"], np.nan)
        ),
        "death_date": _dates(start, hsct + death),
        "agvhd_date": _dates(start, hsct + g["agvhd_day"]),
        "agvhd_grade": g["agvhd_grade"],
        "agvhd_3_4_date": _dates(start, hsct + g["agvhd_3_4_day"]),
        "cgvhd_date": _dates(start, hsct + g["cgvhd_day"]),
        "cgvhd_severity": g["cgvhd_severity"],
        "cgvhd_mod_severe_date": _dates(start, hsct + g["cgvhd_mod_severe_day"]),
        "age": age,
        "sex": np.where(rng.random(n) < 0.55, "M", "F"),
        "disease_status": np.where(h["cr2"], "CR2+", "CR1"),
        "mrd_pre_hsct": np.where(h["mrd"], "positive", "negative"),
        "ph_status": np.where(rng.random(n) < 0.3, "Ph+", "Ph-"),
        "donor_type": rng.choice(["MSD", "MUD", "haplo", "MMUD"], n, p=[0.3, 0.4, 0.25, 0.05]),
        "conditioning": np.where(rng.random(n) < 0.7, "MAC", "RIC"),
    }
    day0 = pd.Series(hsct, index=ids).reindex(episodes["patient_id"]).to_numpy()
    onset = _dates(start, day0 + episodes.pop("onset_day").to_numpy())
    episodes.insert(2, "onset_date", onset.to_numpy())
    return pd.DataFrame(rows), episodes


def _dates(start: pd.Timestamp, days: FloatArray) -> pd.Series:
    return pd.Series(start + days_to_timedelta(days))


def true_values(
    horizons: Mapping[str, float] | None = None,
    *,
    origin: str = "transplant",
    gvhd_competing: str = "relapse_or_death",
    n: int = 400_000,
    seed: int = 0,
    **rates: float,
) -> pd.Series:
    """What the endpoint estimates converge to, from `n` complete simulated histories.

    With ``origin="enrollment"`` the truth is the probability among enrolled
    patients free of the endpoint's events at enrollment.  With
    ``origin="transplant"`` and delayed entry at enrollment, the estimators
    identify the hazards after the earliest enrollment day (60), so the truth
    is conditional on being free of the endpoint's events on day 60 among
    the transplanted patients who meet inclusion I1 (relapse history or MRD);
    overall survival is left out there, because enrollment requires remission
    and the mix of relapsed patients at risk then depends on the enrollment day.

    Returns
    -------
    Series
        Endpoint name -> survival probability (Kaplan-Meier endpoints) or
        cumulative incidence (Aalen-Johansen endpoints) at its horizon.
    """
    from ..endpoints import ENDPOINTS, KAPLAN_MEIER, outcome
    from ..endpoints.gvhd import gvhd_days

    r = _rates(rates)
    rng = np.random.default_rng(seed)
    course_rng = rng.spawn(1)[0]
    if origin == "transplant":
        h = _histories(n, rng, r, course_rng)
        i1 = h["mrd"] | h["cr2"]  # only patients meeting inclusion I1 are ever enrolled
        h = {k: v[i1] for k, v in h.items()}
        n = int(i1.sum())
    else:
        h = _enrolled(n, rng, r, course_rng)
    days = {  # complete histories: no one is censored
        "relapse_day": h["relapse"],
        "death_day": h["death"],
        "agvhd_day": h["agvhd"],
        "agvhd_grade": h["agvhd_latent_grade"],
        "cgvhd_day": h["cgvhd"],
        "cgvhd_severity": h["severity"],
        "last_contact_day": np.full(n, np.inf),
        "agvhd_3_4_day": h["agvhd_3_4"],
        "cgvhd_mod_severe_day": h["cgvhd_mod_severe"],
    }
    days.update(gvhd_days({**days, "enrollment_day": h["enrollment"]}))
    start = np.full(n, float(ENROLLMENT_WINDOW[0])) if origin == "transplant" else h["enrollment"]
    out = {}
    for name, ep in ENDPOINTS.items():
        if (origin == "transplant" and name == "os") or ep.fixed_origin not in (None, origin):
            continue  # agvhd_emergent: from the first dose only
        horizon = (horizons or {}).get(name, ep.horizon)
        # the endpoint's own rules; exclusion reasons do not apply to complete histories
        time, status, _ = outcome(days, ep, gvhd_competing=gvhd_competing)
        free = ~(time <= start)  # free of the event and its competing event at the start
        if origin == "transplant" and ep.competing_rule == "gvhd":  # from day 0, no entry
            free = h["eligible"]  # every enrolled patient (gvhd_entry="transplant")
        end = horizon if origin == "transplant" else start + horizon
        own = (status == 1) & (time <= end)
        p = float(own[free].mean())
        out[name] = 1.0 - p if ep.kind == KAPLAN_MEIER else p
    return pd.Series(out, name="true_value")
