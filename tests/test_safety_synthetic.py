"""The bundled synthetic safety data: reproducible, and consistent with trial.csv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import blina_stats as bs
from blina_stats.safety import read_adverse_events, read_dosing
from blina_stats.synthetic import safety as ss


def test_command_reproduces_the_bundled_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "blina_stats.synthetic.safety", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in ("adverse_events", "dosing"):
        path = bs.synthetic.bundled(name)
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), name


def test_bundled_files_validate_against_the_trial() -> None:
    cohort = bs.load_events(bs.synthetic.bundled("trial"))
    paths = {name: bs.synthetic.bundled(name) for name in ("adverse_events", "dosing")}
    ae = read_adverse_events(paths["adverse_events"], cohort).frame
    dosing = read_dosing(paths["dosing"], cohort).frame
    f = cohort.frame.set_index("patient_id")
    # the first course starts on each patient's first-dose day
    first = dosing.groupby("patient_id")["infusion_day"].min()
    np.testing.assert_array_equal(first.to_numpy(), f.loc[first.index, "enrollment_day"])
    assert set(first.index) == set(f.index[f["enrollment_day"].notna()])
    # no infusion on or after relapse or death
    stop = np.fmin(f["relapse_day"], f["death_day"]).reindex(dosing["patient_id"]).to_numpy()
    assert not (dosing["infusion_day"].to_numpy() >= stop).any()
    # every onset from the first dose; fatal events only on non-relapse deaths
    start = f["enrollment_day"].reindex(ae["patient_id"]).to_numpy()
    assert (ae["onset_day"].to_numpy() >= start).all()
    fatal = ae.loc[ae["grade"] == 5, "patient_id"]
    assert f.loc[fatal, "death_day"].notna().all() and f.loc[fatal, "relapse_day"].isna().all()


def test_seeded_and_rates_roughly_as_published() -> None:
    a1, d1 = ss.simulate_safety(seed=5)
    a2, d2 = ss.simulate_safety(seed=5)
    pd.testing.assert_frame_equal(a1, a2)
    pd.testing.assert_frame_equal(d1, d2)
    # pooled over seeds, CRS in about 8% of patients at most (less with short follow-up)
    crs = [
        ss.simulate_safety(seed=s)[0]
        .query("term == 'Cytokine release syndrome'")["patient_id"]
        .nunique()
        for s in range(8)
    ]
    assert 0.02 < np.mean(crs) / 68 < 0.10
