"""Simulated registry controls (no maintenance) and a trial from the same outcome model.

One outcome model for everyone, in days since transplant: relapse is Weibull
(shape 0.8, 2-year probability 0.30 without competing death) with hazard
ratios 2.0 for MRD before transplant and 1.5 for second or later remission;
non-relapse death is Weibull (shape 0.6, 2-year 0.15) with hazard ratios 1.3
per 10 years of age (about 45) and 1.5 for a haploidentical donor; death
after relapse is exponential (median 165 days).  Maintenance multiplies the
relapse hazard by ``maintenance_hr`` (0.5) from the first dose on: the known
true effect.  GVHD onsets are drawn but do not change the hazards.

The populations differ (the confounding an external comparison must undo):
registry patients are older (age mean 50 against 42), more often
MRD-positive (0.55 against 0.35) and more often transplanted from a haplo
donor (0.40 against 0.25); everyone meets the trial's inclusion I1 (MRD before
transplant or transplanted in CR2+), as a registry extract would be
selected.  Trial patients start maintenance on a day drawn
uniformly from 60-90 and are enrolled only if alive and relapse-free then.

The bundled ``bundled/controls.csv`` (400 registry patients) was made by::

    python -m blina_stats.synthetic.controls

:func:`true_effect` gives the effect on the trial's patients (ATT) that the
weighted comparison converges to.  The bundled ``trial.csv``
(:mod:`blina_stats.synthetic.trial`) shares the relapse and NRM rates but has
no maintenance effect and no age or donor effect built in: the bundled pair
is a demonstration; the known effect is checked on :func:`simulate_external`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._constants import TWO_YEARS
from ..data.schema import days_to_timedelta

FloatArray = npt.NDArray[np.float64]

#: the bundled registry: made by ``python -m blina_stats.synthetic.controls``
CONTROLS_SEED = 20261202
MAINTENANCE_HR = 0.5
#: covariate distributions: trial and registry (age mean, MRD-positive, CR2+, haplo donor)
POPULATIONS: Mapping[str, Mapping[str, float]] = {
    "trial": {"age": 42.0, "mrd": 0.35, "cr2": 0.25, "haplo": 0.25},
    "registry": {"age": 50.0, "mrd": 0.55, "cr2": 0.25, "haplo": 0.40},
}
_DONORS = ("MSD", "MUD", "MMUD")  # the non-haplo donors, in proportion 0.3 : 0.4 : 0.05


def _scale(p: float, shape: float) -> float:
    return TWO_YEARS / (-np.log1p(-p)) ** (1.0 / shape)


def _histories(
    n: int,
    rng: np.random.Generator,
    population: str,
    first_dose: FloatArray | None,
    maintenance_hr: float,
) -> dict[str, Any]:
    """Complete histories; maintenance from `first_dose` (None: untreated)."""
    pop = POPULATIONS[population]
    age = np.clip(np.round(rng.normal(pop["age"], 12.0, n)), 18, 80)
    mrd = rng.random(n) < pop["mrd"]
    cr2 = rng.random(n) < pop["cr2"]
    haplo = rng.random(n) < pop["haplo"]
    other = rng.choice(_DONORS, n, p=np.array([0.3, 0.4, 0.05]) / 0.75)
    e_rel, e_nrm, e_after = rng.exponential(size=(3, n))
    k_r, s_r = 0.8, _scale(0.30, 0.8)
    hr = np.where(mrd, 2.0, 1.0) * np.where(cr2, 1.5, 1.0)
    target = e_rel / hr  # baseline cumulative hazard to reach
    if first_dose is not None:
        # H*(t) = H(t) before the first dose s, H(s) + m (H(t) - H(s)) after: invert
        h_s = (first_dose / s_r) ** k_r
        target = np.where(target <= h_s, target, h_s + (target - h_s) / maintenance_hr)
    relapse = s_r * target ** (1 / k_r)
    k_n, s_n = 0.6, _scale(0.15, 0.6)
    hr_n = 1.3 ** ((age - 45.0) / 10.0) * np.where(haplo, 1.5, 1.0)
    nrm = s_n * (e_nrm / hr_n) ** (1 / k_n)
    relapsed = relapse < nrm
    relapse_day = np.where(relapsed, np.ceil(relapse), np.nan)
    death_day = np.where(relapsed, np.ceil(relapse + e_after * 165.0 / np.log(2)), np.ceil(nrm))
    return {
        "age": age.astype(int),
        "mrd": mrd,
        "cr2": cr2,
        "donor": np.where(haplo, "haplo", other),
        "relapse": relapse_day,
        "death": death_day,
    }


def _selected(
    n: int, rng: np.random.Generator, population: str, maintenance_hr: float
) -> dict[str, Any]:
    """`n` patients meeting the trial's inclusion I1 (MRD before transplant or CR2+);
    trial patients also alive and relapse-free at their first dose."""
    parts, have = [], 0
    while have < n:  # batches, not patients
        m = 2 * (n - have) + 20
        trial = population == "trial"
        dose = rng.integers(60, 91, m).astype(np.float64)
        h = _histories(m, rng, population, dose if trial else None, maintenance_hr)
        keep = h["mrd"] | h["cr2"]
        if trial:
            h["first_dose"] = dose
            keep &= np.fmin(h["relapse"], h["death"]) > dose
        parts.append({k: v[keep] for k, v in h.items()})
        have += int(keep.sum())
    return {k: np.concatenate([p[k] for p in parts])[:n] for k in parts[0]}


def _table(h: Mapping[str, Any], rng: np.random.Generator, prefix: str) -> pd.DataFrame:
    """The event table (trial.csv's format) of complete histories, censored at random."""
    n = h["age"].size
    start = h.get("first_dose", np.zeros(n))
    admin = start + np.floor(rng.uniform(365.0, 4 * 365.0, n))
    lost = start + np.ceil(rng.exponential(365.25 / 0.03, n))
    censor = np.fmin(admin, lost)
    last = np.fmin(h["death"], censor)
    seen = lambda day: np.where(day <= last, day, np.nan)  # noqa: E731
    agvhd = rng.random(n) < 0.35
    a_day = seen(np.where(agvhd, np.ceil(35.0 * np.exp(0.6 * rng.standard_normal(n))), np.nan))
    grade = np.where(
        np.isnan(a_day), rng.integers(0, 2, n), rng.choice([2, 3, 4], n, p=[0.65, 0.23, 0.12])
    )
    cgvhd = rng.random(n) < 0.40
    c_day = seen(np.where(cgvhd, np.ceil(200.0 * np.exp(0.45 * rng.standard_normal(n))), np.nan))
    severity = np.where(
        np.isnan(c_day), "none", rng.choice(["mild", "moderate", "severe"], n, p=[0.35, 0.45, 0.2])
    )
    hsct = pd.Timestamp("2018-01-02") + days_to_timedelta(np.floor(rng.uniform(0, 4 * 365.0, n)))

    def date(days: FloatArray) -> pd.Series:
        return pd.Series(hsct + days_to_timedelta(days))

    cols: dict[str, Any] = {
        "patient_id": [f"{prefix}-{i + 1:03d}" for i in range(n)],
        "hsct_date": pd.Series(hsct),
    }
    if "first_dose" in h:
        cols["enrollment_date"] = date(start)
    cols |= {
        "last_contact_date": date(last),
        "relapse_date": date(seen(h["relapse"])),
        "death_date": date(seen(h["death"])),
        "agvhd_date": date(a_day),
        "agvhd_grade": grade,
        "agvhd_3_4_date": date(np.where(grade >= 3, a_day, np.nan)),
        "cgvhd_date": date(c_day),
        "cgvhd_severity": severity,
        "cgvhd_mod_severe_date": date(
            np.where(np.isin(severity, ["moderate", "severe"]), c_day, np.nan)
        ),
        "age": h["age"],
        "sex": np.where(rng.random(n) < 0.55, "M", "F"),
        "disease_status": np.where(h["cr2"], "CR2+", "CR1"),
        "mrd_pre_hsct": np.where(h["mrd"], "positive", "negative"),
        "ph_status": np.where(rng.random(n) < 0.3, "Ph+", "Ph-"),
        "donor_type": h["donor"],
        "conditioning": np.where(rng.random(n) < 0.7, "MAC", "RIC"),
    }
    return pd.DataFrame(cols)


def simulate_controls(
    n: int = 400, seed: int | np.random.Generator = CONTROLS_SEED
) -> pd.DataFrame:
    """Registry patients without maintenance, in the event-table format of ``trial.csv``.

    Parameters
    ----------
    n : int
        Transplanted patients (every one, whatever happened before any landmark).
    seed : int or numpy.random.Generator

    Returns
    -------
    DataFrame
        The columns of :func:`~blina_stats.synthetic.simulate_trial` but
        ``enrollment_date`` (controls get no first dose); ids ``REG-001``...

    Examples
    --------
    >>> simulate_controls(50, seed=1).shape[0]
    50
    """
    rng = np.random.default_rng(seed)
    return _table(_selected(int(n), rng, "registry", MAINTENANCE_HR), rng, "REG")


def simulate_external(
    n_trial: int = 68,
    n_controls: int = 400,
    seed: int | np.random.Generator = 0,
    maintenance_hr: float = MAINTENANCE_HR,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A trial (maintenance) and registry controls from the one outcome model above."""
    rng = np.random.default_rng(seed)
    trial = _table(_selected(int(n_trial), rng, "trial", maintenance_hr), rng, "TRL")
    controls = _table(_selected(int(n_controls), rng, "registry", maintenance_hr), rng, "REG")
    return trial, controls


def true_effect(
    horizon: float = TWO_YEARS,
    maintenance_hr: float = MAINTENANCE_HR,
    n: int = 400_000,
    seed: int = 0,
) -> pd.DataFrame:
    """The effect of maintenance on the trial's patients (ATT), from complete histories.

    Each endpoint's probability `horizon` days after the first dose among
    trial patients with maintenance, and the same patients' without it
    (common random numbers: the same draws, the hazard ratio set to 1).

    Returns
    -------
    DataFrame
        Index ``pfs``, ``os``, ``relapse``, ``nrm``; columns ``trial``,
        ``untreated``, ``difference`` (trial - untreated; survival for pfs/os,
        cumulative incidence for relapse/nrm).
    """
    out = {}
    for arm, hr in (("trial", maintenance_hr), ("untreated", 1.0)):
        # the same draws in both arms: maintenance only lengthens time to relapse, so the
        # same patients are enrolled (alive and relapse-free at the first dose) in both
        h = _selected(n, np.random.default_rng(seed), "trial", hr)
        end = h["first_dose"] + horizon
        relapse = h["relapse"] <= end
        out[arm] = {
            "pfs": float(np.mean(np.fmin(h["relapse"], h["death"]) > end)),
            "os": float(np.mean(h["death"] > end)),
            "relapse": float(np.mean(relapse)),
            "nrm": float(np.mean(np.isnan(h["relapse"]) & (h["death"] <= end))),
        }
    frame = pd.DataFrame(out)
    frame["difference"] = frame["trial"] - frame["untreated"]
    return frame


if __name__ == "__main__":  # pragma: no cover
    from .paths import bundled

    path = bundled("controls")
    simulate_controls().to_csv(path, index=False, date_format="%Y-%m-%d")
    print(f"wrote {path}")
