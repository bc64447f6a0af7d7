"""GVHD endpoints timed at the grade-specific onsets, and treatment-emergent aGVHD (issue 13).

Against R (tests/reference/gvhd_episodes.R): every GVHD day derived by hand in R
from the episodes table, then cmprsk::cuminc / survfit.  Estimates agree to
1e-10, standard errors to 1e-8.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.cli import main
from blina_stats.endpoints import ENDPOINTS, NotEstimable, derive, outcome, to_json
from blina_stats.endpoints.gvhd import emergent_day

from .conftest import REFERENCE, run_r_script

EST_TOL = 1e-10
VAR_TOL = 1e-8
EVENTS = REFERENCE / "gvhd_events.csv"
EPISODES = REFERENCE / "gvhd_episodes.csv"
R_VALUES = pd.read_csv(REFERENCE / "gvhd_endpoints.csv")


@pytest.fixture(scope="module")
def cohort() -> bs.Cohort:
    return bs.load_events(EVENTS, gvhd=EPISODES)


def r_rows(endpoint: str, entry: str) -> pd.DataFrame:
    return R_VALUES[(R_VALUES["endpoint"] == endpoint) & (R_VALUES["entry"] == entry)]


GRADED = ("agvhd", "agvhd_3_4", "cgvhd", "cgvhd_mod_severe", "grfs")


@pytest.mark.parametrize("name", GRADED)
def test_episode_derived_endpoints_match_r_from_transplant(cohort: bs.Cohort, name: str) -> None:
    data = derive(cohort, name, delayed_entry=False)
    ref = r_rows(name, "none")
    assert data.n_used == int(ref["n_used"].iloc[0]) == 300
    ours = data.at(ref["time"].to_numpy())
    np.testing.assert_allclose(ours["estimate"], ref["estimate"], rtol=0, atol=EST_TOL)
    np.testing.assert_allclose(ours["se"], ref["se"], rtol=0, atol=VAR_TOL)


@pytest.mark.parametrize("name", GRADED)
def test_episode_derived_endpoints_match_r_with_delayed_entry(cohort: bs.Cohort, name: str) -> None:
    data = derive(cohort, name, gvhd_entry="enrollment")  # the GVHD endpoints' sensitivity
    ref = r_rows(name, "enrollment")
    assert data.n_used == int(ref["n_used"].iloc[0])
    ours = data.at(ref["time"].to_numpy())
    np.testing.assert_allclose(ours["estimate"], ref["estimate"], rtol=0, atol=EST_TOL)
    if ENDPOINTS[name].kind == "Kaplan-Meier":
        np.testing.assert_allclose(ours["se"], ref["se"], rtol=0, atol=VAR_TOL)


def test_emergent_matches_r_from_the_first_dose(cohort: bs.Cohort) -> None:
    data = derive(cohort, "agvhd_emergent", origin="transplant")  # the option cannot move it
    assert data.origin == "enrollment" and data.horizon == 365.25 and data.entry is None
    ref = r_rows("agvhd_emergent", "first_dose")
    assert data.n_used == int(ref["n_used"].iloc[0])
    ours = data.at(ref["time"].to_numpy())
    np.testing.assert_allclose(ours["estimate"], ref["estimate"], rtol=0, atol=EST_TOL)
    np.testing.assert_allclose(ours["se"], ref["se"], rtol=0, atol=VAR_TOL)
    assert data.at_horizon()["n_events"] > 0


def test_the_reference_data_has_the_cases_that_matter(cohort: bs.Cohort) -> None:
    f = cohort.frame
    enr = f["enrollment_day"]
    # grade II before the first dose and III-IV on treatment (the exclusion case)
    assert ((f["agvhd_day"] <= enr) & (f["agvhd_3_4_day"] > enr)).sum() >= 2
    assert (f["agvhd_day"] > enr).sum() >= 2  # onset on treatment
    assert (f["agvhd_3_4_day"] > f["agvhd_day"]).sum() >= 5  # III-IV later than II


def test_reference_data_is_the_documented_simulation() -> None:
    events, episodes = bs.synthetic.simulate_both(300, seed=13)
    frame = bs.load_events(events).frame
    committed = pd.read_csv(EVENTS, dtype={"patient_id": str})
    cols = ["enrollment_day", "last_contact_day", "relapse_day", "death_day"]
    np.testing.assert_array_equal(frame[cols].to_numpy(), committed[cols].to_numpy())
    assert len(episodes) == len(pd.read_csv(EPISODES))


@pytest.mark.r
def test_r_script_reproduces_the_committed_values(tmp_path: Path) -> None:
    for name in ("gvhd_events.csv", "gvhd_episodes.csv"):
        (tmp_path / name).write_bytes((REFERENCE / name).read_bytes())
    run_r_script(REFERENCE / "gvhd_episodes.R", tmp_path)
    fresh = pd.read_csv(tmp_path / "gvhd_endpoints.csv")
    committed = pd.read_csv(REFERENCE / "gvhd_endpoints.csv")
    pd.testing.assert_frame_equal(fresh, committed, check_exact=False, rtol=1e-12, atol=1e-14)


def test_emergent_day_rule() -> None:
    # onset after the dose; II before and III-IV after; both before; III-IV only before
    got = emergent_day([70, 30, 30, 30, np.nan], [np.nan, 80, 50, 30, np.nan], [60] * 5)
    np.testing.assert_array_equal(got, [70, 80, np.nan, np.nan, np.nan])


def table(**columns: list[object]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"patient_id": [f"p{i}" for i in range(1, n + 1)], **columns})


def test_emergent_competing_events_and_exclusions() -> None:
    frame = table(
        enrollment_day=[60, 60, 60, 60],
        last_contact_day=[300, 300, 200, 300],
        relapse_day=[None, 100, None, 50],
        death_day=[None, None, 200, None],
        agvhd_day=[100, 150, None, None],
        agvhd_grade=[2, 3, 0, 0],
        agvhd_3_4_day=[None, 150, None, None],
    )
    data = derive(bs.load_events(frame), "agvhd_emergent")
    # p1 the event 40 days after the dose; p2 relapse first (competing); p3 death competing
    np.testing.assert_array_equal(data.time, [40, 40, 140])
    np.testing.assert_array_equal(data.status, [1, 2, 2])
    assert data.exclusions == (("p4", "competing event on or before enrollment"),)


def test_emergent_is_not_estimable_without_grade_specific_onsets() -> None:
    frame = table(enrollment_day=[60, 70], last_contact_day=[300, 300], agvhd_day=[100, None])
    frame["agvhd_grade"], frame["relapse_day"], frame["death_day"] = [3, 0], None, None
    cohort = bs.load_events(frame)
    msg = (
        "<DataFrame>: agvhd_emergent is not estimable: no agvhd_3_4_date/agvhd_3_4_day "
        "column (nor a GVHD episodes table)"
    )
    with pytest.raises(NotEstimable, match=re.escape(msg)):
        derive(cohort, "agvhd_emergent")


def test_first_onset_timing_is_said_in_the_table_and_json() -> None:
    frame = table(
        enrollment_day=[60, 60],
        last_contact_day=[800, 800],
        relapse_day=[None, None],
        death_day=[None, None],
        agvhd_day=[100, 120],
        agvhd_grade=[3, 2],
        cgvhd_day=[200, None],
        cgvhd_severity=["severe", "none"],
    )
    cohort = bs.load_events(frame)
    assert [w.column for w in cohort.warnings] == ["agvhd_3_4_date", "cgvhd_mod_severe_date"]
    table_ = bs.estimate(cohort, endpoints=("agvhd", "agvhd_3_4", "cgvhd_mod_severe", "grfs"))
    note = "grade III-IV aGVHD timed at the onset of grade II-IV: no agvhd_3_4_date/agvhd_3_4_day"
    assert table_.loc["agvhd_3_4", "reason"].startswith(note)
    assert (
        note in table_.loc["grfs", "reason"]
        and "moderate/severe cGVHD timed" in (table_.loc["grfs", "reason"])
    )
    assert table_.loc["agvhd", "reason"] == ""
    doc = to_json(cohort, table_, {})
    assert doc["endpoints"]["cgvhd_mod_severe"]["reason"].startswith(
        "moderate/severe cGVHD timed at the onset of any cGVHD"
    )
    assert derive(cohort, "agvhd_3_4").notes == (note + " column or GVHD episodes table",)


def test_outcome_falls_back_to_the_first_onset_only_when_the_field_is_absent() -> None:
    days = {
        "agvhd_day": [30.0],
        "agvhd_grade": [4.0],
        "relapse_day": [np.nan],
        "death_day": [np.nan],
        "last_contact_day": [200.0],
    }
    assert outcome(days, "agvhd_3_4").time.tolist() == [30.0]
    assert outcome({**days, "agvhd_3_4_day": [90.0]}, "agvhd_3_4").time.tolist() == [90.0]


@pytest.mark.parametrize("name", ["agvhd", "agvhd_3_4", "cgvhd", "cgvhd_mod_severe"])
def test_gvhd_headline_counts_from_transplant_and_the_conditional_is_an_option(
    cohort: bs.Cohort, name: str
) -> None:
    headline = derive(cohort, name)
    assert headline.entry is None and headline.n_used == 300 and headline.exclusions == ()
    ref = r_rows(name, "none")
    ours = headline.at(ref["time"].to_numpy())
    np.testing.assert_allclose(ours["estimate"], ref["estimate"], rtol=0, atol=EST_TOL)
    np.testing.assert_allclose(ours["se"], ref["se"], rtol=0, atol=VAR_TOL)
    conditional = derive(cohort, name, gvhd_entry="enrollment")
    assert conditional.entry is not None
    assert conditional.n_used == int(r_rows(name, "enrollment")["n_used"].iloc[0]) < 300
    # other endpoints keep their delayed entry whatever gvhd_entry says
    assert derive(cohort, "grfs").entry is not None and derive(cohort, "nrm").entry is not None


def test_gvhd_entry_is_checked_and_written_in_the_json(cohort: bs.Cohort) -> None:
    msg = "gvhd_entry must be one of ('transplant', 'enrollment'), got 'first_dose'"
    with pytest.raises(bs.InputError, match=re.escape(msg)):
        derive(cohort, "agvhd", gvhd_entry="first_dose")


def test_cli_gvhd_entry(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["estimate", str(EVENTS), "--gvhd", str(EPISODES), "--json"]
    assert main(base) == 0
    headline = json.loads(capsys.readouterr().out)
    assert main([*base, "--gvhd-entry", "enrollment"]) == 0
    conditional = json.loads(capsys.readouterr().out)
    assert (headline["gvhd_entry"], conditional["gvhd_entry"]) == ("transplant", "enrollment")
    assert headline["endpoints"]["agvhd"]["n_used"] == 300
    assert conditional["endpoints"]["agvhd"]["n_used"] < 300
    assert headline["endpoints"]["nrm"] == conditional["endpoints"]["nrm"]
