"""Adverse events and dosing records for the simulated trial (the bundled ``trial.csv``).

Given an event table, :func:`simulate_safety` draws for every treated patient
the blinatumomab courses actually given (the protocol's schedule with
realistic deviations) and the adverse events, consistent with the table:
the same patients, the first course on the first-dose day, infusions only
while alive, in remission and in follow-up, every onset between the first
dose and last contact, a fatal (grade 5) event only on a recorded
non-relapse death.

Dosing deviations (per course unless said): a later start than planned
(``late_course`` 12%, 8-25 days late; otherwise +/- 2 days), an interruption
of 1-3 days (``interruption`` 6%), a course stopped after 2-5 days
(``early_stop`` 4%), stopping treatment for good after a course
(``discontinue`` 6%: toxicity, GVHD or choice), a step dose kept at 8 ug
(2% of infusion days from day 3), dexamethasone missed (4% of premedication
days).

Adverse events: each term of :data:`AE_TERMS` happens to a patient with its
probability over the treatment period (scaled down for shorter follow-up),
with its grade distribution; infusion-linked terms (CRS, neurotoxicity,
pyrexia, tremor, headache, infusion reaction, hypotension) start on days 1-7
of a course given (the first course in 60% of cases), others at a
front-loaded time after the first dose (Beta(0.8, 1.6) over the on-study
period, at most 300 days).  Rates are those of blinatumomab in remission
(maintenance) rather than in relapsed disease, where CRS and neurotoxicity
follow tumour burden:

- cytokine release syndrome 8% (5% grade 1 in the maintenance series of
  Gaballa et al. 2022; 3% in MRD-positive remission, Gökbuget et al. 2018;
  14%, 3-5% grade >= 3, in relapsed disease, Kantarjian et al. 2017);
- neurotoxicity (ICANS) 8%, a sixth grade >= 3 (5% grade 2 in Gaballa et al.
  2022; grade 3-4 neurologic events 13% in Gökbuget et al. 2018 and 9.4% in
  Kantarjian et al. 2017);
- pyrexia 30% and headache 20% (55% and 23% in Kantarjian et al. 2017, with
  active leukaemia);
- infections: CMV reactivation 25% (post-transplant, Teira et al. 2016),
  upper respiratory 15%, lung 8%, urinary 6%, sepsis 4% (grade >= 3
  infections 34% in relapsed disease, Kantarjian et al. 2017);
- neutrophil count decreased 25%, mostly grade 3-4 (grade 4 neutropenia 19%,
  Gaballa et al. 2022), and other terms as listed in :data:`AE_TERMS`.

References
----------
Gaballa, M. R. et al. (2022). Blinatumomab maintenance after allogeneic
hematopoietic cell transplantation for B-lineage acute lymphoblastic
leukemia. Blood 139:1908-1919.
Gökbuget, N. et al. (2018). Blinatumomab for minimal residual disease in
adults with B-cell precursor acute lymphoblastic leukemia. Blood
131:1522-1531.
Kantarjian, H. et al. (2017). Blinatumomab versus chemotherapy for advanced
acute lymphoblastic leukemia. N Engl J Med 376:836-847.
Teira, P. et al. (2016). Early cytomegalovirus reactivation remains
associated with increased transplant-related mortality in the current era:
a CIBMTR analysis. Blood 127:2427-2438.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..data import Cohort, load_events
from ..safety.protocol import Protocol
from .paths import bundled

#: seed of the bundled files (``python -m blina_stats.synthetic.safety``, README_safety.md)
BUNDLED_SEED = 20240602

_COURSE = "course"
_ANY = "any"
_INF = "Infections and infestations"
_GEN = "General disorders and administration site conditions"
_NERV = "Nervous system disorders"
_GI = "Gastrointestinal disorders"
_IMM = "Immune system disorders"
_INJ = "Injury, poisoning and procedural complications"
_SKIN = "Skin and subcutaneous tissue disorders"
_INV = "Investigations"
_BLOOD = "Blood and lymphatic system disorders"
_VASC = "Vascular disorders"


class AETerm(NamedTuple):
    """One simulated term: its class, probability per patient, timing and relatedness."""

    term: str
    soc: str
    probability: float
    grades: tuple[float, float, float, float]  # P(grade 1..4), normalised
    timing: str  # "course": onset on course days `onset_days`; "any": after the first dose
    related: float  # P(related to blinatumomab)
    onset_days: tuple[int, int] = (0, 0)


ICANS = "Immune effector cell-associated neurotoxicity syndrome"
#: the simulated terms (rates and sources in the module docstring)
AE_TERMS: tuple[AETerm, ...] = (
    AETerm("Cytokine release syndrome", _IMM, 0.08, (0.65, 0.27, 0.08, 0), _COURSE, 0.95, (1, 2)),
    AETerm(ICANS, _NERV, 0.08, (0.5, 0.34, 0.16, 0), _COURSE, 0.9, (2, 7)),
    AETerm("Tremor", _NERV, 0.10, (0.8, 0.2, 0, 0), _COURSE, 0.8, (1, 7)),
    AETerm("Headache", _NERV, 0.20, (0.7, 0.28, 0.02, 0), _COURSE, 0.6, (1, 7)),
    AETerm("Pyrexia", _GEN, 0.30, (0.6, 0.33, 0.07, 0), _COURSE, 0.8, (1, 3)),
    AETerm("Infusion related reaction", _INJ, 0.05, (0.5, 0.4, 0.1, 0), _COURSE, 0.95, (1, 2)),
    AETerm("Hypotension", _VASC, 0.05, (0.4, 0.4, 0.2, 0), _COURSE, 0.7, (1, 3)),
    AETerm("Fatigue", _GEN, 0.25, (0.6, 0.35, 0.05, 0), _ANY, 0.3),
    AETerm("Edema limbs", _GEN, 0.08, (0.7, 0.3, 0, 0), _ANY, 0.1),
    AETerm("Nausea", _GI, 0.20, (0.7, 0.27, 0.03, 0), _ANY, 0.2),
    AETerm("Diarrhea", _GI, 0.18, (0.6, 0.3, 0.1, 0), _ANY, 0.1),
    AETerm("Rash maculo-papular", _SKIN, 0.12, (0.6, 0.3, 0.1, 0), _ANY, 0.3),
    AETerm("Alanine aminotransferase increased", _INV, 0.12, (0.5, 0.2, 0.25, 0.05), _ANY, 0.4),
    AETerm("Cytomegalovirus infection reactivation", _INF, 0.25, (0.3, 0.4, 0.3, 0), _ANY, 0.05),
    AETerm("Upper respiratory infection", _INF, 0.15, (0.4, 0.55, 0.05, 0), _ANY, 0.1),
    AETerm("Lung infection", _INF, 0.08, (0, 0.3, 0.6, 0.1), _ANY, 0.2),
    AETerm("Urinary tract infection", _INF, 0.06, (0.3, 0.5, 0.2, 0), _ANY, 0.05),
    AETerm("Sepsis", _INF, 0.04, (0, 0, 0.6, 0.4), _ANY, 0.2),
    AETerm("Neutrophil count decreased", _INV, 0.25, (0.1, 0.2, 0.4, 0.3), _ANY, 0.7),
    AETerm("Platelet count decreased", _INV, 0.15, (0.3, 0.3, 0.25, 0.15), _ANY, 0.5),
    AETerm("Anemia", _BLOOD, 0.15, (0.3, 0.4, 0.3, 0), _ANY, 0.3),
    AETerm("Febrile neutropenia", _BLOOD, 0.05, (0, 0, 0.9, 0.1), _ANY, 0.5),
)
#: fatal events on non-relapse deaths: probability of one, and its terms
FATAL = (0.6, ("Sepsis", "Lung infection"))
DEVIATIONS = {
    "late_course": 0.12,
    "interruption": 0.06,
    "early_stop": 0.04,
    "discontinue": 0.06,
    "step_dose_missed": 0.02,
    "dexamethasone_missed": 0.04,
}
_HORIZON = 300  # days after the first dose over which non-infusion events are spread


def _courses(
    f: pd.DataFrame, protocol: Protocol, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Course start days (patients x courses), which were given, and the treatment stop day."""
    n = len(f)
    first = f["enrollment_day"].to_numpy(dtype=np.float64)
    # no infusion on or after relapse or death, none after last contact
    stop = np.fmin(f["relapse_day"].to_numpy(), f["death_day"].to_numpy())
    stop = np.where(np.isnan(stop), np.inf, stop)
    last = f["last_contact_day"].to_numpy(dtype=np.float64)
    lo = protocol.first_course_window[0]
    k = int(np.ceil((protocol.last_start_day - lo) / protocol.interval_days)) + 2
    late = rng.random((n, k)) < DEVIATIONS["late_course"]
    jitter = np.where(late, rng.integers(8, 26, (n, k)), rng.integers(-2, 3, (n, k)))
    gaps = protocol.interval_days + jitter
    gaps[:, 0] = 0
    starts = first[:, None] + np.cumsum(gaps, axis=1)
    # stop for good after a course: the number of courses before stopping is geometric
    keep_going = rng.geometric(DEVIATIONS["discontinue"], n)
    given = (
        (starts <= protocol.last_start_day)
        & (starts < stop[:, None])
        & (starts <= last[:, None])
        & (np.arange(k)[None, :] < keep_going[:, None])
        & ~np.isnan(first)[:, None]
    )
    given[:, 0] = ~np.isnan(first)  # the first dose is the enrollment day by definition
    return starts, given, stop


def _dosing(
    f: pd.DataFrame,
    starts: np.ndarray,
    given: np.ndarray,
    stop: np.ndarray,
    protocol: Protocol,
    rng: np.random.Generator,
) -> pd.DataFrame:
    n, k = starts.shape
    d = protocol.course_days
    day_idx = np.arange(d)[None, None, :]
    # an interruption of 1-3 days before course day j shifts days j.. later
    interrupted = rng.random((n, k)) < DEVIATIONS["interruption"]
    at = rng.integers(1, d, (n, k))
    gap = np.where(interrupted, rng.integers(1, 4, (n, k)), 0)
    shift = np.where(day_idx >= at[..., None], gap[..., None], 0)
    early = rng.random((n, k)) < DEVIATIONS["early_stop"]
    length = np.where(early, rng.integers(2, 6, (n, k)), d)
    day = starts[..., None] + day_idx + shift
    alive = (day < stop[:, None, None]) | ((day_idx == 0) & (starts[..., None] == day))
    on = given[..., None] & (day_idx < length[..., None]) & alive
    on &= day <= f["last_contact_day"].to_numpy()[:, None, None]
    dose = np.broadcast_to(protocol.dose_on(day_idx + 1), day.shape).copy()
    step = dose < np.max(protocol.daily_doses)
    kept_low = (~step) & (day_idx >= 2) & (rng.random(day.shape) < DEVIATIONS["step_dose_missed"])
    dose = np.where(kept_low, np.min(protocol.daily_doses), dose)
    premed_day = np.isin(day_idx + 1, protocol.premedication_days)
    dex = premed_day & (rng.random(day.shape) >= DEVIATIONS["dexamethasone_missed"])
    pat, course, _ = np.nonzero(on)
    hsct = pd.to_datetime(f["hsct_date"]).to_numpy()[pat]
    return pd.DataFrame(
        {
            "patient_id": f["patient_id"].to_numpy()[pat],
            "course": course + 1,
            "infusion_date": pd.Series(hsct + pd.to_timedelta(day[on], unit="D")),
            "dose_ug": dose[on],
            "dexamethasone": np.where(dex[on], "yes", "no"),
        }
    )


def _adverse_events(
    f: pd.DataFrame,
    starts: np.ndarray,
    given: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    n = len(f)
    first = f["enrollment_day"].to_numpy(dtype=np.float64)
    last = f["last_contact_day"].to_numpy(dtype=np.float64)
    span = np.clip(np.fmin(last - first, _HORIZON), 0, None)
    parts = []
    n_given = given.sum(axis=1)
    for t in AE_TERMS:  # terms, not patients
        p = 1.0 - (1.0 - t.probability) ** (span / _HORIZON)
        hit = (rng.random(n) < p) & (n_given > 0)
        grade = 1 + np.searchsorted(np.cumsum(t.grades) / np.sum(t.grades), rng.random(n))
        if t.timing == _COURSE:
            pick = np.where(
                rng.random(n) < 0.6, 0, np.floor(rng.random(n) * n_given).astype(np.int64)
            )
            pick = np.clip(pick, 0, starts.shape[1] - 1)
            lo, hi = t.onset_days
            onset = starts[np.arange(n), pick] + rng.integers(lo - 1, hi, n)
        else:
            onset = first + np.floor(rng.beta(0.8, 1.6, n) * (span + 1))
        hit &= onset <= last
        related = rng.random(n) < t.related
        parts.append(
            pd.DataFrame(
                {
                    "i": np.flatnonzero(hit),
                    "term": t.term,
                    "soc": t.soc,
                    "grade": grade[hit],
                    "onset_day": onset[hit],
                    "related": related[hit],
                }
            )
        )
    # a fatal infection on some non-relapse deaths
    death, relapse = f["death_day"].to_numpy(), f["relapse_day"].to_numpy()
    nrm = ~np.isnan(death) & np.isnan(relapse) & (rng.random(n) < FATAL[0])
    term = np.asarray(FATAL[1])[rng.integers(0, len(FATAL[1]), n)]
    onset = np.fmax(first, death - rng.integers(0, 8, n))
    parts.append(
        pd.DataFrame(
            {
                "i": np.flatnonzero(nrm),
                "term": term[nrm],
                "soc": _INF,
                "grade": 5,
                "onset_day": onset[nrm],
                "related": False,
            }
        )
    )
    ae = pd.concat(parts, ignore_index=True)
    g = ae["grade"].to_numpy()
    u = rng.random(len(ae))
    serious = (g >= 4) | ((g == 3) & (u < 0.7)) | ((g == 2) & (u < 0.05))
    order = ae.sort_values(["i", "onset_day", "term"], kind="stable").index.to_numpy()
    ae, serious = ae.loc[order].reset_index(drop=True), serious[order]
    hsct = pd.to_datetime(f["hsct_date"]).to_numpy()[ae["i"].to_numpy()]
    return pd.DataFrame(
        {
            "patient_id": f["patient_id"].to_numpy()[ae["i"].to_numpy()],
            "term": ae["term"],
            "soc": ae["soc"],
            "grade": ae["grade"].astype(np.int64),
            "onset_date": pd.Series(hsct + pd.to_timedelta(ae["onset_day"], unit="D")),
            "serious": np.where(serious, "yes", "no"),
            "related": np.where(ae["related"].to_numpy(dtype=bool), "yes", "no"),
        }
    )


def simulate_safety(
    trial: Cohort | str | Path | pd.DataFrame | None = None,
    seed: int | np.random.Generator = BUNDLED_SEED,
    protocol: Protocol | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate adverse events and dosing records consistent with an event table.

    Parameters
    ----------
    trial : Cohort, path or DataFrame, optional
        The event table (with ``hsct_date``); by default the bundled
        trial.csv.
    seed : int or numpy.random.Generator
        Seed of the ``numpy.random.Generator`` that draws everything.
    protocol : Protocol, optional
        The schedule the courses follow (default :class:`Protocol`).

    Returns
    -------
    adverse_events, dosing : DataFrame
        ``patient_id, term, soc, grade, onset_date, serious, related`` and
        ``patient_id, course, infusion_date, dose_ug, dexamethasone`` in the
        formats :func:`blina_stats.safety.read_adverse_events` and
        :func:`blina_stats.safety.read_dosing` read.

    Examples
    --------
    >>> from blina_stats.synthetic.safety import simulate_safety
    >>> ae, dosing = simulate_safety(seed=1)
    >>> int(dosing["course"].min())
    1
    """
    cohort = trial if isinstance(trial, Cohort) else load_events(trial or bundled("trial"))
    f = cohort.frame
    if "hsct_date" not in f.columns:
        raise ValueError("simulate_safety needs an event table with hsct_date (calendar dates)")
    protocol = protocol or Protocol()
    rng = np.random.default_rng(seed)
    starts, given, stop = _courses(f, protocol, rng)
    dosing = _dosing(f, starts, given, stop, protocol, rng)
    ae = _adverse_events(f, starts, given, rng)
    return ae, dosing


def main() -> None:
    """Write the bundled files: ``python -m blina_stats.synthetic.safety [OUT_DIR]``."""
    import sys

    paths = {name: bundled(name) for name in ("adverse_events", "dosing")}
    if len(sys.argv) > 1:
        folder = Path(sys.argv[1])
        paths = {k: folder / v.name for k, v in paths.items()}
    ae, dosing = simulate_safety(seed=BUNDLED_SEED)
    ae.to_csv(paths["adverse_events"], index=False, date_format="%Y-%m-%d")
    dosing.to_csv(paths["dosing"], index=False, date_format="%Y-%m-%d")
    for p in paths.values():
        print(f"wrote {p}")


if __name__ == "__main__":  # pragma: no cover
    main()
