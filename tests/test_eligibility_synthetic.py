"""The bundled synthetic screening log and labs: reproducible, valid, consistent with trial.csv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

import blina_stats as bs
from blina_stats.eligibility import check_eligibility, engraftment, read_labs, read_screening
from blina_stats.synthetic import bundled
from blina_stats.synthetic.screening import BUNDLED_SEED, simulate_screening


def test_bundled_files_are_what_the_documented_command_makes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "blina_stats.synthetic.screening", str(tmp_path)], check=True
    )
    for path in (bundled("screening"), bundled("labs")):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
        assert path.stat().st_size < 400_000
    readme = (bundled("screening").parent / "README_screening.md").read_text()
    assert f"seed={BUNDLED_SEED}" in readme
    assert (
        ".venv/bin/python -m blina_stats.synthetic.screening src/blina_stats/synthetic/bundled"
        in readme
    )


def test_same_seed_same_log() -> None:
    trial = pd.read_csv(bs.synthetic.bundled("trial")).head(10)
    a, b = simulate_screening(trial, 5, seed=3), simulate_screening(trial, 5, seed=3)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])


def test_enrolled_pass_except_what_trial_csv_implies_and_failures_fail() -> None:
    log_path, labs_path = bundled("screening"), bundled("labs")
    trial = pd.read_csv(bs.synthetic.bundled("trial"))
    out = check_eligibility(log_path, labs_path).set_index("patient_id")
    assert not out["unknown"].map(bool).any()
    enrolled = out.loc[trial["patient_id"]]
    # what the event table fixes, applied by hand: I1 from remission and MRD, I2 from age
    no_i1 = (trial["disease_status"] == "CR1") & (trial["mrd_pre_hsct"] == "negative")
    expected = [
        tuple(c for c, bad in (("I1", i1), ("I2", not 16 <= age <= 65)) if bad)
        for i1, age in zip(no_i1, trial["age"], strict=True)
    ]
    assert list(enrolled["failed"]) == expected
    failures = out.drop(index=trial["patient_id"])
    assert len(failures) == len(out) - len(trial) > 20
    assert failures["failed"].map(len).ge(1).all()
    assert not failures["eligible"].any()
    # the log reads back with the same ids and the labs cover every screened patient
    assert read_screening(log_path).patient_ids == tuple(out.index)
    assert set(read_labs(labs_path).patient_ids) == set(out.index)


def test_enrolled_labs_engraft_before_enrollment() -> None:
    trial = pd.read_csv(bs.synthetic.bundled("trial"))
    per = engraftment(bundled("labs")).set_index("patient_id").loc[trial["patient_id"]]
    assert per["reconstituted"].all()
    assert per["neutrophil_engraftment_day"].between(0, 30).all()
    assert (per["platelet_engraftment_day"] <= 35).all()
