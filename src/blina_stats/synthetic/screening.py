"""A simulated screening log and daily labs, consistent with the simulated trial.

The enrolled patients are those of the bundled ``trial.csv`` (made by
:mod:`blina_stats.synthetic`): their screening rows are derived from the
event table (consent 3-14 days before the first dose, age at consent = the
table's ``age``, ``relapse_history`` = second or later remission,
``mrd_positive_pre_hsct`` = ``mrd_pre_hsct``) and otherwise meet every
criterion; their labs engraft.  Extra screened patients (``SCR-001``...) each
fail one criterion, or two for about one in five, drawn with weights that
put the usual reasons first (active GVHD, relapse before maintenance,
infection, poor graft function, declined consent); a patient with poor graft
function also fails I6, as such a patient would.

Nothing in it is real.  Only what the trial's event table fixes is taken from
it; everything else is drawn from one seeded ``numpy.random.Generator``.
The simulated trial draws ages up to 75 without regard to I2, so an enrolled
patient older than 65 fails I2 here (BLN-038 in the bundled data): the
CONSORT diagram shows such a patient as enrolled although not meeting the
criteria, as a real audit would, rather than the screening log hiding it.

Labs: days 0-35 daily, then twice a week to day 60 (small enough to bundle).
Neutrophils engraft on days 12-24 (G-CSF stops the day before), platelets on
days 12-28 (transfusions below 10 until then), haemoglobin recovers on days
18-40 (the last red-cell transfusion at least 8 days before); ANC >= 1.5 and
platelets >= 50 are reached within 10 days of engraftment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..eligibility.criteria import CRITERIA

BUNDLED_SEED = 20240602
N_FAILURES = 32
#: criterion -> relative frequency among screen failures
FAILURE_WEIGHTS = {
    "I1": 2, "I2": 1, "I3": 3, "I4": 1, "I5": 5, "I6": 2, "I7": 1, "I8": 2, "I9": 4,
    "I10": 1, "E1": 2, "E2": 4, "E3": 1, "E4": 3, "E5": 1, "E6": 6, "E7": 1, "E8": 1,
    "E9": 1, "E10": 1, "E11": 1, "E12": 2,
}  # fmt: skip
LAB_DAYS = np.concatenate([np.arange(36), [39, 43, 46, 50, 53, 57, 60]])


def _yes(x: npt.NDArray[np.bool_]) -> npt.NDArray[np.str_]:
    return np.where(x, "yes", "no")


def _log_rows(
    ids: list[str],
    first_dose: pd.Series,
    age: np.ndarray,
    sex: np.ndarray,
    relapse: np.ndarray,
    mrd: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Screening rows meeting every criterion except (possibly) I1 and I2 as given."""
    n = len(ids)
    dose = pd.to_datetime(first_dose).reset_index(drop=True)
    consent = dose - pd.to_timedelta(rng.integers(3, 15, n), unit="D")
    years = [pd.DateOffset(years=int(a)) for a in age]
    birth = pd.Series([c - y for c, y in zip(consent, years, strict=True)]) - pd.to_timedelta(
        rng.integers(1, 361, n), unit="D"
    )
    women = sex == "F"
    potential = women & ((age < 45) | ((age < 55) & (rng.random(n) < 0.5)))
    test_date = dose - pd.to_timedelta(rng.integers(0, 8, n), unit="D")
    kps = rng.choice([70, 80, 90, 100], n, p=[0.15, 0.35, 0.35, 0.15])
    ecog = np.where(kps >= 90, 0, 1)
    blank = np.full(n, "", dtype=object)
    frame = pd.DataFrame(
        {
            "patient_id": ids,
            "consent_date": consent,
            "birth_date": birth,
            "age": age.astype(int),
            "sex": sex,
            "childbearing_potential": np.where(women, _yes(potential), blank),
            "pregnancy_test": np.where(potential, "negative", blank),
            "pregnancy_test_date": pd.Series(test_date).where(potential),
            "first_dose_date": dose,
            "relapse_history": _yes(relapse),
            "mrd_positive_pre_hsct": _yes(mrd),
            "kps": kps,
            "ecog": ecog,
            "expected_survival_months": rng.choice([6, 12, 24], n),
            "cr_after_hsct": "yes",
            "cns_involvement": "no",
            "serious_organ_damage": "no",
            "consent": "yes",
        }
    )
    for c in CRITERIA.values():
        if c.kind == "exclusion":
            frame[c.columns[0]] = "no"
    frame["pregnant_or_lactating"] = np.where(women, "no", blank)
    return frame


def _labs(ids: list[str], poor: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Daily labs on `LAB_DAYS`; patients flagged `poor` never recover platelets >= 20."""
    n, m = len(ids), LAB_DAYS.size
    day = np.tile(LAB_DAYS, n)
    pid = np.repeat(np.asarray(ids, dtype=object), m)
    e_n = np.repeat(rng.integers(12, 25, n), m)
    e_p = np.repeat(rng.integers(12, 29, n), m)
    e_h = np.repeat(rng.integers(18, 41, n), m)
    bad = np.repeat(poor, m)
    u = rng.random(n * m)
    since_n = np.clip(day - e_n, 0, None)
    recovering = np.minimum(0.6 + 0.25 * since_n, 4.0) * (1 + 0.2 * u)
    anc = np.where(day < e_n, 0.05 + 0.35 * u, recovering)
    anc = np.where(bad, np.where(day < e_n, anc, 0.55 + 0.6 * u), anc)
    gcsf = (day >= 5) & (day < e_n)
    since_p = np.clip(day - e_p, 0, None)
    plt = np.where(day < e_p, 4 + 15 * u, np.minimum(21 + 5 * since_p, 150) * (1 + 0.1 * u))
    plt = np.where(bad, 5 + 14 * u, plt)
    ptx = plt < 10
    hb = np.where(day < e_h, 65 + 14 * u, np.minimum(80 + 1.5 * (day - e_h), 125) + 3 * u)
    rbc = (day < e_h - 7) & (hb < 70)
    return pd.DataFrame(
        {
            "patient_id": pid,
            "day": day,
            "anc": np.round(anc, 2),
            "platelets": np.round(plt).astype(int),
            "hb": np.round(hb).astype(int),
            "gcsf": _yes(gcsf),
            "platelet_transfusion": _yes(ptx),
            "rbc_transfusion": _yes(rbc),
        }
    )


def _changes(row: pd.Series, cid: str, rng: np.random.Generator) -> dict[str, Any]:
    """Cells to set so that `row` fails criterion `cid` (I6 is made in the labs)."""
    if cid == "I1":
        return {"relapse_history": "no", "mrd_positive_pre_hsct": "no"}
    if cid == "I2":
        age = int(rng.integers(66, 71))
        extra = pd.Timedelta(days=int(rng.integers(1, 361)))
        return {"age": age, "birth_date": row["consent_date"] - pd.DateOffset(years=age) - extra}
    if cid == "I9":
        return {"consent": "no", "consent_date": pd.NaT}
    if cid == "I10":
        return {
            "sex": "F",
            "childbearing_potential": "yes",
            "pregnancy_test": "positive",
            "pregnancy_test_date": row["first_dose_date"],
            "pregnant_or_lactating": "no",
        }
    fixed: dict[str, dict[str, Any]] = {
        "I3": {"kps": 50, "ecog": 3},
        "I4": {"expected_survival_months": 2},
        "I5": {"cr_after_hsct": "no"},
        "I6": {},
        "I7": {"cns_involvement": "yes"},
        "I8": {"serious_organ_damage": "yes"},
    }
    return fixed[cid] if cid in fixed else {CRITERIA[cid].columns[0]: "yes"}


def simulate_screening(
    trial: pd.DataFrame, n_failures: int = N_FAILURES, seed: int | np.random.Generator = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate the screening log and the daily labs of a simulated trial.

    Parameters
    ----------
    trial : DataFrame
        The event table of :func:`blina_stats.synthetic.simulate_trial` (or
        ``trial.csv`` read with :func:`pandas.read_csv`): ``patient_id``,
        ``enrollment_date``, ``age``, ``sex``, ``disease_status``, ``mrd_pre_hsct``.
    n_failures : int
        Screened patients not enrolled.
    seed : int or numpy.random.Generator

    Returns
    -------
    (screening, labs) : tuple of DataFrame
        The screening log (:mod:`blina_stats.eligibility.screening`, dates as
        ``datetime64``) and the labs (:mod:`blina_stats.eligibility.engraftment`),
        enrolled patients first.
    """
    rng = np.random.default_rng(seed)
    n = len(trial)
    enrolled = _log_rows(
        list(trial["patient_id"].astype(str)),
        trial["enrollment_date"],
        trial["age"].to_numpy(dtype=int),
        trial["sex"].to_numpy(dtype=object),
        (trial["disease_status"] == "CR2+").to_numpy(),
        (trial["mrd_pre_hsct"] == "positive").to_numpy(),
        rng,
    )
    ids = [f"SCR-{i + 1:03d}" for i in range(n_failures)]
    first = pd.to_datetime(trial["enrollment_date"])
    span = (first.max() - first.min()).days
    dose = first.min() + pd.to_timedelta(rng.integers(0, span + 1, n_failures), unit="D")
    failures = _log_rows(
        ids,
        pd.Series(dose),
        np.clip(np.round(rng.normal(42, 12, n_failures)), 18, 65).astype(int),
        np.where(rng.random(n_failures) < 0.55, "M", "F").astype(object),
        rng.random(n_failures) < 0.5,
        np.ones(n_failures, dtype=bool),
        rng,
    )
    names = list(FAILURE_WEIGHTS)
    p = np.array([FAILURE_WEIGHTS[c] for c in names], dtype=float)
    poor = np.zeros(n_failures, dtype=bool)
    for i in range(n_failures):  # a few dozen rows: clarity over speed
        k = 2 if rng.random() < 0.2 else 1
        for cid in rng.choice(names, size=k, replace=False, p=p / p.sum()):
            for column, value in _changes(failures.iloc[i], str(cid), rng).items():
                failures.at[i, column] = value
            # poor graft function means cytopenias: such a patient also fails I6
            poor[i] |= cid in ("I6", "E4")
    log = pd.concat([enrolled, failures], ignore_index=True)
    labs = _labs(list(log["patient_id"]), np.concatenate([np.zeros(n, dtype=bool), poor]), rng)
    return log, labs


def write(folder: Path, trial_csv: Path) -> tuple[Path, Path]:
    """Write screening.csv and labs.csv for `trial_csv` into `folder`."""
    log, labs = simulate_screening(pd.read_csv(trial_csv), seed=BUNDLED_SEED)
    folder.mkdir(parents=True, exist_ok=True)
    out = (folder / "screening.csv", folder / "labs.csv")
    log.to_csv(out[0], index=False, date_format="%Y-%m-%d")
    labs.to_csv(out[1], index=False)
    return out


def main() -> None:
    """``python -m blina_stats.synthetic.screening [OUT_DIR]``: write the bundled files."""
    import sys

    from .paths import bundled

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else bundled("screening").parent
    for path in write(folder, bundled("trial")):
        print(f"wrote {path}")


if __name__ == "__main__":  # pragma: no cover
    main()
