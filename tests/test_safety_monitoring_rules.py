"""Issue 16 items 6-7: NRM thresholds around the expected rate, a minimum of evaluable patients,
operating characteristics with staggered accrual and the 100-day delay, a truncated SPRT on the
NRM rate with person-time, and a separate grade >= 3 CRS/ICANS rule."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats import safety
from blina_stats.safety import (
    crs_icans_outcomes,
    crs_icans_rule,
    delayed_operating_characteristics,
    monitor,
    monitoring_rule,
    nrm_rule,
    operating_characteristics,
    sprt_monitor,
    sprt_operating_characteristics,
    sprt_rule,
)


def test_one_event_in_one_patient_no_longer_stops() -> None:
    # the reviewer: Beta(p0, 1 - p0) with min_patients=1 at 0.10 stops after one event in one
    old = monitoring_rule(0.10, n_max=68)
    assert monitor(old, [True]).attrs["stopped_at"] == 1
    rule = nrm_rule()
    assert monitor(rule, [True]).attrs["stopped_at"] is None
    assert monitor(rule, [True, True] + [False] * 7).attrs["stopped_at"] is None
    assert rule.looks[0] == 10


def test_nrm_rule_is_set_around_the_expected_rate() -> None:
    oc = operating_characteristics(nrm_rule(), [0.05, 0.15], method="exact").set_index("true_rate")
    assert oc.loc[0.05, "prob_stop"] < 0.05  # rarely stops at the expected 5%
    assert oc.loc[0.15, "prob_stop"] > 0.6  # usually stops at the unacceptable 15%


def test_without_delay_the_delayed_simulation_is_the_exact_recursion() -> None:
    rule = nrm_rule()
    rates = [0.05, 0.10, 0.15]
    exact = operating_characteristics(rule, rates, method="exact")
    sim = delayed_operating_characteristics(rule, rates, accrual=1e6, delay=1e-6, n_trials=20_000)
    for (_, e), (_, s) in zip(exact.iterrows(), sim.iterrows(), strict=True):
        se = math.sqrt(e.prob_stop * (1 - e.prob_stop) / 20_000)
        assert abs(s.prob_stop - e.prob_stop) < 4 * se + 1e-9
        assert s.expected_evaluable == pytest.approx(e.expected_n, rel=0.02)


def test_the_100_day_delay_enrols_patients_beyond_those_evaluated() -> None:
    sim = delayed_operating_characteristics(nrm_rule(), [0.15], n_trials=4000, seed=2)
    row = sim.iloc[0]
    assert row.expected_enrolled > row.expected_evaluable
    assert row.expected_overrun > 3  # about 100 days of accrual at 68 patients over 3 years
    assert "100 days after the first dose" in sim.attrs["caption"]


def test_sprt_boundary_is_the_wald_likelihood_ratio() -> None:
    rule = sprt_rule(0.05, 0.15, alpha=0.10, beta=0.10)
    r0, r1 = -math.log(0.95) / 100, -math.log(0.85) / 100
    log_a = math.log(0.9 / 0.1)
    for pt in (500.0, 2000.0, 6800.0):
        d = int(rule.events_to_stop(pt))
        assert d * math.log(r1 / r0) - (r1 - r0) * pt >= log_a - 1e-9
        assert (d - 1) * math.log(r1 / r0) - (r1 - r0) * pt < log_a


def test_sprt_operating_characteristics_against_a_loop_over_trials() -> None:
    rule = sprt_rule(0.05, 0.15, n_max=30)
    got = sprt_operating_characteristics(rule, [0.15], accrual=700.0, n_trials=400, seed=5)
    rng = np.random.default_rng(5)
    enrol = np.sort(rng.uniform(0.0, 700.0, size=(400, 30)), axis=1)
    t = rng.exponential(1.0 / (-math.log(0.85) / 100), size=(400, 30))
    stops = 0
    for i in range(400):  # the reference: one trial at a time, event by event
        frame = pd.DataFrame({"enrolled": enrol[i], "time": np.minimum(t[i], 100.0)})
        frame["event"] = t[i] <= 100.0
        stops += bool(sprt_monitor(rule, frame).attrs["stopped"])
    assert got.loc[0, "prob_stop"] == stops / 400


def test_crs_icans_rule_is_separate_and_counts_its_own_events() -> None:
    cohort = bs.load_events(bs.synthetic.bundled("trial"))
    ae = safety.read_adverse_events(bs.synthetic.bundled("adverse_events"), cohort)
    out = crs_icans_outcomes(ae, cohort)
    assert out.attrs["window"] == "within 100 days after the first dose"
    assert len(out) == cohort.n_patients
    rule = crs_icans_rule()
    assert rule.threshold != nrm_rule().threshold and "CRS or ICANS" in rule.describe()
    status = monitor(rule, out)
    assert status["n_patients"].iloc[-1] == int(out.notna().sum())


def test_bad_sprt_rule() -> None:
    with pytest.raises(ValueError, match=re.escape("need 0 < p0 < p1 < 1, got p0=0.2, p1=0.1")):
        sprt_rule(0.2, 0.1)


def test_report_part_reports_the_unacceptable_rate_and_the_delay() -> None:
    from blina_stats.report.context import Context, Inputs
    from blina_stats.report.parts import monitoring

    part = monitoring.build(Context.load(Inputs.resolve(), n_trials=0, quiet=True))
    mon = part.json["safety"]["monitoring"]
    assert {"nrm", "crs_icans", "toxicity", "nrm_sprt"} <= set(mon)
    delayed = pd.DataFrame(mon["nrm"]["operating_characteristics_delayed"])
    assert (delayed["expected_enrolled"] >= delayed["expected_evaluable"]).all()
    exact = pd.DataFrame(mon["nrm"]["operating_characteristics"]).set_index("true_rate")
    assert f"stops with probability {exact.loc[0.15, 'prob_stop']:.2f} at the unacceptable 15%" in (
        " ".join(part.notes)
    )


def test_crs_icans_outcome_of_an_early_death_is_known() -> None:
    """Bundled BLN-046 dies 27 days after the first dose without CRS/ICANS: a known "no"."""
    cohort = bs.load_events(bs.synthetic.bundled("trial"))
    ae = safety.read_adverse_events(bs.synthetic.bundled("adverse_events"), cohort)
    out = crs_icans_outcomes(ae, cohort)
    f = cohort.frame.set_index("patient_id")
    early = f.index[(f["death_day"] < f["enrollment_day"] + 100) & f["death_day"].notna()]
    assert "BLN-046" in early
    assert out[early].notna().all() and not out["BLN-046"]
    # the only one not evaluable is alive and was last seen 70 days after the first dose
    assert out.index[out.isna()].tolist() == ["BLN-061"]
    assert np.isnan(f.loc["BLN-061", "death_day"])
