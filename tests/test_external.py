"""external_control: landmark alignment, the comparison, bad input, the command line."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.cli import main
from blina_stats.external import (
    BalanceWarning,
    external_control,
    propensity_weights,
    weighted_curves,
)
from blina_stats.synthetic import bundled
from blina_stats.synthetic.controls import simulate_controls, simulate_external, true_effect

COVARIATES = ["age", "mrd_pre_hsct", "disease_status", "donor_type"]


@pytest.fixture(scope="module")
def cohorts() -> tuple[bs.Cohort, bs.Cohort]:
    return bs.load_events(bundled("trial")), bs.load_events(bundled("controls"))


def _compare(trial: bs.Cohort, controls: bs.Cohort, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BalanceWarning)
        return external_control(trial, controls, COVARIATES, **options)


def test_bundled_controls_are_the_documented_command() -> None:
    made = simulate_controls()
    bundled_csv = pd.read_csv(bundled("controls"))
    assert len(bundled_csv) == 400
    pd.testing.assert_frame_equal(
        pd.read_csv(pd.io.common.StringIO(made.to_csv(index=False, date_format="%Y-%m-%d"))),
        bundled_csv,
    )


def test_comparison_estimates(cohorts) -> None:
    trial, controls = cohorts
    r = _compare(trial, controls, n_boot=200, seed=7)
    f = r.to_frame()
    assert list(f.index) == ["pfs", "os", "relapse", "nrm"]
    # the trial arm is the unweighted trial from the first dose (ATT: weight 1)
    ep = trial.endpoint("pfs", origin="enrollment")
    km = bs.kaplan_meier(ep.time, ep.status).at(730.5)["estimate"].iloc[0]
    assert f.loc["pfs", "trial"] == pytest.approx(km, rel=1e-14)
    # the control arm is the weighted curve of the controls at the landmark
    t_c, s_c = r.aligned.time["relapse"][1], r.aligned.status["relapse"][1]
    w = r.propensity.weights[~r.propensity.treated]
    want = weighted_curves(t_c, s_c, w).at(730.5, "incidence")[0]
    assert f.loc["relapse", "control"] == pytest.approx(want, rel=1e-14)
    assert (f.difference == f.trial - f.control).all()
    assert (f.ci_lower < f.difference).all() and (f.difference < f.ci_upper).all()
    assert (f.hr_ci_lower < f.hazard_ratio).all() and (f.e_value >= 1).all()
    assert (f.n_boot_used == 200).all()
    # seeded: the same intervals again, other ones with another seed
    again = _compare(trial, controls, n_boot=200, seed=7).to_frame()
    pd.testing.assert_frame_equal(f, again)
    other = _compare(trial, controls, n_boot=200, seed=8).to_frame()
    assert not np.allclose(other.ci_lower, f.ci_lower)


def test_covariates_as_text_and_a_progress_bar(cohorts, capsys) -> None:
    trial, controls = cohorts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BalanceWarning)
        a = external_control(trial, controls, ",".join(COVARIATES), n_boot=300, progress=True)
    assert "bootstrap" in capsys.readouterr().err
    b = _compare(trial, controls, n_boot=300)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())


def test_landmark_exclusions_are_counted(cohorts) -> None:
    trial, controls = cohorts
    r = _compare(trial, controls, n_boot=0, landmark_day=80)
    al = r.aligned
    counts = al.excluded_counts
    assert sum(counts.values()) + al.control_ids.size == controls.n_patients
    cf = controls.frame
    dead = int((cf.death_day <= 80).sum())
    assert counts["controls: died on or before the landmark"] == dead
    # every control used is alive, relapse-free and followed beyond day 80
    used = cf.set_index("patient_id").loc[list(al.control_ids)]
    assert (used.last_contact_day > 80).all()
    assert not (used.relapse_day <= 80).any()
    # controls followed from the landmark
    assert (al.time["os"][1] == used.last_contact_day.to_numpy() - 80).all()
    gvhd = _compare(trial, controls, n_boot=0, landmark_day=80, gvhd_free=True).aligned
    assert gvhd.excluded_counts["controls: GVHD on or before the landmark"] > 0
    assert gvhd.control_ids.size < al.control_ids.size
    median = _compare(trial, controls, n_boot=0).aligned.landmark_day
    assert median == np.median(trial.frame.enrollment_day)


def test_matched_landmark_is_drawn_from_first_doses(cohorts) -> None:
    trial, controls = cohorts
    a = _compare(trial, controls, n_boot=0, landmark="matched", seed=1).aligned
    b = _compare(trial, controls, n_boot=0, landmark="matched", seed=1).aligned
    np.testing.assert_array_equal(a.control_landmark, b.control_landmark)
    assert set(a.control_landmark) <= set(trial.frame.enrollment_day)
    assert np.unique(a.control_landmark).size > 5


def test_weighting_recovers_the_true_effect() -> None:
    """Thousands of patients: the weighted difference is within Monte Carlo error of the
    true effect on the trial's patients; the unweighted one is not (confounding)."""
    truth = true_effect(n=400_000)
    trial, controls = simulate_external(8000, 40_000, seed=2)
    r = _compare(bs.load_events(trial), bs.load_events(controls), n_boot=0, landmark="matched")
    f = r.to_frame()
    p_t, p_c = f.trial, f.control
    se = np.sqrt(p_t * (1 - p_t) / f.n_trial + p_c * (1 - p_c) / r.propensity.ess["control"])
    weighted = (f.difference - truth.difference).abs()
    unweighted = (f.trial - f.control_unweighted - truth.difference).abs()
    assert (weighted < 3 * se).all(), weighted / se
    assert (unweighted[["pfs", "nrm"]] > 3 * se[["pfs", "nrm"]]).all(), unweighted / se


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False, date_format="%Y-%m-%d")
    return path


def test_bad_input_one_line_each(cohorts, tmp_path: Path) -> None:
    trial, controls = cohorts
    raw = pd.read_csv(bundled("controls"))
    # a covariate missing in one cohort
    no_donor = bs.load_events(_write(raw.drop(columns="donor_type"), tmp_path / "reg.csv"))
    msg = (
        "reg.csv: covariate 'donor_type' is missing (it is needed in both tables; trial.csv has it)"
    )
    with pytest.raises(bs.InputError, match=re.escape(msg)):
        _compare(trial, no_donor, n_boot=0)
    # no overlap: every control older than every trial patient
    old = bs.load_events(_write(raw.assign(age=raw.age + 100), tmp_path / "old.csv"))
    msg = "trial.csv against old.csv: covariate 'age': no overlap: trial 18-65, controls 118-"
    with pytest.raises(bs.InputError, match=re.escape(msg)):
        _compare(trial, old, n_boot=0)
    # a constant covariate
    with pytest.raises(bs.InputError, match=re.escape("covariate 'ph_status' is constant")):
        frame = pd.DataFrame({"t": [1, 0, 1, 0], "ph_status": ["Ph-"] * 4})
        propensity_weights(frame, "t", ["ph_status"])
    # fewer than ten controls at the landmark
    few = bs.load_events(_write(raw.head(9), tmp_path / "few.csv"))
    f = few.frame
    at_risk = int(
        ((f.last_contact_day > 75.5) & ~(f.relapse_day <= 75.5) & ~(f.death_day <= 75.5)).sum()
    )
    assert at_risk < 10
    msg = f"few.csv: only {at_risk} controls are alive, relapse-free and followed at day 75.5; at"
    with pytest.raises(bs.InputError, match=re.escape(msg)):
        _compare(trial, few, n_boot=0)
    # a categorical level on one side only
    frame = pd.DataFrame({"t": [1, 1, 0, 0, 0], "donor": ["haplo", "MSD", "MSD", "MSD", "MUD"]})
    msg = "covariate 'donor': no overlap: level 'MUD' occurs among the control patients and never"
    with pytest.raises(bs.InputError, match=re.escape(msg)):
        propensity_weights(frame, "t", ["donor"])
    # a missing covariate value names the patient
    frame = pd.DataFrame({"patient_id": ["A", "B", "C"], "t": [1, 0, 0], "age": [40, None, 50]})
    msg = "<DataFrame>: patient 'B': covariate 'age' is missing (1 patients)"
    with pytest.raises(bs.InputError, match=re.escape(msg)):
        propensity_weights(frame, "t", ["age"])
    with pytest.raises(bs.InputError, match=re.escape("estimand must be one of ATT, ATE, ATO")):
        _compare(trial, controls, n_boot=0, estimand="ATX")


def test_imbalance_and_small_ess_warn() -> None:
    rng = np.random.default_rng(0)
    age = np.r_[rng.normal(45, 6, 30), rng.normal(60, 8, 200)]
    frame = pd.DataFrame({"t": np.r_[np.ones(30), np.zeros(200)].astype(int), "age": age})
    with pytest.warns(BalanceWarning, match=re.escape("effective sample size of the control arm")):
        pw = propensity_weights(frame, "t", ["age"])
    assert any("effective sample size" in w.message for w in pw.warnings)
    assert pw.ess["control"] < 100
    # overlap weights balance the means exactly (Li, Morgan & Zaslavsky 2018) ...
    with pytest.warns(BalanceWarning, match=re.escape("effective sample size of the control")):
        ato = propensity_weights(frame, "t", ["age"], estimand="ATO")
    assert abs(ato.balance.loc[("age", ""), "smd_after"]) < 1e-10
    # ... unless the scores are truncated
    with pytest.warns(BalanceWarning) as caught:
        trimmed = propensity_weights(frame, "t", ["age"], trim=0.05, estimand="ATO")
    assert any("covariate 'age' stays imbalanced" in str(w.message) for w in caught)
    assert trimmed.n_trimmed > 0 and trimmed.ps.min() >= 0.05


def test_stabilized_weights_keep_the_estimates() -> None:
    d = pd.read_csv(Path(__file__).parent / "reference" / "external_data.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BalanceWarning)
        a = propensity_weights(d, "arm", ["age", "mrd", "donor"], estimand="ATE")
        b = propensity_weights(d, "arm", ["age", "mrd", "donor"], estimand="ATE", stabilize=True)
    share = d.arm.mean()
    np.testing.assert_allclose(b.weights, a.weights * np.where(d.arm == 1, share, 1 - share))
    pd.testing.assert_frame_equal(a.balance, b.balance)


def test_cli_external(capsys) -> None:
    assert main(["external", "--boot", "20", "--json"]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    doc_names = [e["endpoint"] for e in doc["endpoints"]]
    assert doc_names == ["pfs", "os", "relapse", "nrm"]
    assert doc["n_boot"] == 20 and doc["landmark_day"] == 75.5
    assert "warning: trial.csv against controls.csv" in err
    assert main(["external", "--boot", "0", "--landmark-day", "80"]) == 0
    out, _ = capsys.readouterr()
    assert "landmark fixed (day 80)" in out and "pfs" in out
    assert "horizon 730.5 days from the landmark (trial: from the first dose)" in out
    # the area under an incidence curve is time lost to the event, not survival time
    rows = {line.split()[0]: line for line in out.splitlines() if line.split()[0] in doc_names}
    assert "RMST difference" in rows["pfs"] and "RMST difference" in rows["os"]
    assert "RMTL difference" in rows["relapse"] and "RMTL difference" in rows["nrm"]
    assert [e["restricted_mean"] for e in doc["endpoints"]] == ["RMST", "RMST", "RMTL", "RMTL"]


def test_cli_bad_covariate_is_one_line(capsys) -> None:
    assert main(["external", "--boot", "0", "--covariates", "age,foo"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "blina-stats external: error: trial.csv: covariate 'foo' is missing from both tables"
    )


def test_plots(cohorts) -> None:
    trial, controls = cohorts
    r = _compare(trial, controls, n_boot=0)
    axes = r.plot()
    assert len(axes) == 6 and axes[4].get_xlabel() == "absolute standardised mean difference"
    ax = r.plot("os")
    assert ax.get_title() == "Overall survival (ATT weights)"
    rows = [t.get_text() for t in r.propensity.plot().get_yticklabels()]
    assert rows[0] == "Age (years)"  # the package's labels, as in the report
    assert "MRD before HSCT: positive" in rows or "MRD before HSCT: negative" in rows
    relabelled = r.propensity.plot(labels={"age": "Age at HSCT"}).get_yticklabels()
    assert relabelled[0].get_text() == "Age at HSCT"
    with pytest.raises(ValueError, match=re.escape("unknown endpoint 'grfs'")):
        r.plot("grfs")


@pytest.mark.parametrize(
    ("endpoint", "ylabel"),
    [("pfs", "Progression-free survival"), ("relapse", "Cumulative incidence")],
)
def test_a_panel_is_a_figure_for_a_paper(cohorts, endpoint, ylabel) -> None:
    """Bands, the horizon marked, labelled numbers at risk that say they are patients."""
    from matplotlib.collections import PolyCollection

    trial, controls = cohorts
    r = _compare(trial, controls, n_boot=0)
    ax = r.plot(endpoint)
    assert ax.get_ylabel() == ylabel
    assert ax.get_xlabel() == "Months from first dose (controls: from the landmark)"
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2  # trial and weighted control; the unweighted control has none
    texts = [t.get_text() for t in ax.texts]
    assert "No. at risk" in texts and "weighted control" in texts
    assert "Numbers at risk are patients, not their weights." in texts
    assert sum(t.startswith("2 years: ") for t in texts) == 2  # the horizon, on both curves
    assert any(
        np.allclose(line.get_xdata(), r.horizon) for line in ax.lines if len(line.get_xdata()) == 2
    )
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith("trial (n=") and legend[-1].startswith("unweighted control (n=")
