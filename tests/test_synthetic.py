"""The simulated trial: reproducible, valid, realistic, and its estimates converge to the truth."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.synthetic import BUNDLED_SEED, ENROLLMENT_WINDOW, simulate_trial, true_values


def test_same_seed_same_trial() -> None:
    pd.testing.assert_frame_equal(simulate_trial(30, seed=5), simulate_trial(30, seed=5))
    assert not simulate_trial(30, seed=5).equals(simulate_trial(30, seed=6))


def test_bundled_file_is_what_the_documented_command_makes(tmp_path: Path) -> None:
    out = tmp_path / "trial.csv"
    subprocess.run([sys.executable, "-m", "blina_stats.synthetic", str(out)], check=True)
    assert out.read_bytes() == bs.synthetic.bundled("trial").read_bytes()
    readme = (bs.synthetic.bundled("trial").parent / "README.md").read_text()
    assert f"seed={BUNDLED_SEED}" in readme


def test_simulated_table_is_valid_and_realistic() -> None:
    frame = simulate_trial(400, seed=11)
    cohort = bs.load_events(frame)
    assert cohort.warnings == ()
    f = cohort.frame
    assert f["enrollment_day"].between(*ENROLLMENT_WINDOW).all()
    # enrolled patients are alive and in remission at the first dose
    assert not (f["relapse_day"] <= f["enrollment_day"]).any()
    assert not (f["death_day"] <= f["enrollment_day"]).any()
    assert set(f["agvhd_grade"]) <= {0.0, 1.0, 2.0, 3.0, 4.0}
    assert (f.loc[f["agvhd_day"].notna(), "agvhd_grade"] >= 2).all()
    assert set(f["cgvhd_severity"]) <= {"none", "mild", "moderate", "severe"}
    assert frame["hsct_date"].min() < frame["enrollment_date"].min()


def test_unknown_rate_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown rate\(s\) \['relapse_rate'\]"):
        simulate_trial(10, seed=1, relapse_rate=0.2)


def test_rates_move_the_trial() -> None:
    low = bs.estimate(bs.load_events(simulate_trial(2000, seed=3, relapse_2y=0.1)))
    high = bs.estimate(bs.load_events(simulate_trial(2000, seed=3, relapse_2y=0.5)))
    assert high.loc["relapse", "estimate"] > low.loc["relapse", "estimate"] + 0.2


@pytest.mark.parametrize("origin", ["transplant", "enrollment"])
def test_estimates_converge_to_the_true_values(origin: str) -> None:
    """5,000 simulated patients: every estimate within 4 standard errors of the truth.

    The truth comes from 400,000 complete (uncensored) histories; its Monte
    Carlo error (< 0.001) is small beside the estimates' standard errors.
    """
    cohort = bs.load_events(simulate_trial(5000, seed=1))
    est = bs.estimate(cohort, origin=origin)
    truth = true_values(origin=origin)
    z = (est.loc[truth.index, "estimate"] - truth) / est.loc[truth.index, "se"]
    assert np.abs(z).max() < 4, z.round(2).to_dict()
    # agvhd_emergent is timed from the first dose only
    assert len(truth) == (8 if origin == "transplant" else 10)


def test_bundled_names_every_file_and_rejects_others() -> None:
    for name in bs.synthetic.BUNDLED:
        assert bs.synthetic.bundled(name).is_file()
    with pytest.raises(ValueError, match=re.escape("unknown bundled file 'trials': expected one")):
        bs.synthetic.bundled("trials")
