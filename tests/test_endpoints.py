"""Endpoints: definitions and tie rules on small tables, and every derivable endpoint of
KMsurv::bmt against R survival/cmprsk (tests/reference/bmt_endpoints.R).

Estimates agree to 1e-10, standard errors and interval bounds to 1e-8.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.endpoints import ENDPOINTS, NotEstimable, derive

from .conftest import REFERENCE, run_r_script

EST_TOL = 1e-10
VAR_TOL = 1e-8
EVENTS = REFERENCE / "bmt_events.csv"
R_VALUES = pd.read_csv(REFERENCE / "bmt_endpoints.csv")
DERIVABLE = ("os", "pfs", "relapse", "nrm", "agvhd", "cgvhd")


def table(**columns: list[object]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"patient_id": [f"p{i}" for i in range(1, n + 1)], **columns})


# --- definitions on hand-made tables -------------------------------------------------------


def test_relapse_and_death_on_one_day_is_a_relapse_not_nrm() -> None:
    cohort = bs.load_events(
        table(last_contact_day=[50, 80, 90], relapse_day=[50, None, None], death_day=[50, 80, None])
    )
    relapse = cohort.endpoint("relapse")
    nrm = cohort.endpoint("nrm")
    np.testing.assert_array_equal(relapse.status, [1, 2, 0])
    np.testing.assert_array_equal(nrm.status, [2, 1, 0])
    np.testing.assert_array_equal(relapse.time, [50, 80, 90])
    pfs = cohort.endpoint("pfs")
    np.testing.assert_array_equal(pfs.status, [1, 1, 0])


def test_gvhd_competing_events_and_ties() -> None:
    frame = table(
        last_contact_day=[400, 300, 200, 500],
        relapse_day=[None, 120, None, None],
        death_day=[None, 300, 200, None],
        agvhd_day=[None, 150, 200, 40],
        agvhd_grade=[0, 3, 4, 2],
    )
    cohort = bs.load_events(frame)
    # p2: aGVHD after relapse -> relapse competes; p3: aGVHD on the day of death -> aGVHD
    a = cohort.endpoint("agvhd")
    np.testing.assert_array_equal(a.status, [0, 2, 1, 1])
    np.testing.assert_array_equal(a.time, [400, 120, 200, 40])
    # grade II (p4) is not a III-IV event: followed on to last contact
    a34 = cohort.endpoint("agvhd_3_4")
    np.testing.assert_array_equal(a34.status, [0, 2, 1, 0])
    np.testing.assert_array_equal(a34.time, [400, 120, 200, 500])
    # death only competes: p2's aGVHD after relapse counts
    d = cohort.endpoint("agvhd", gvhd_competing="death")
    np.testing.assert_array_equal(d.status, [0, 1, 1, 1])
    np.testing.assert_array_equal(d.time, [400, 150, 200, 40])


def test_grfs_takes_the_first_qualifying_event() -> None:
    frame = table(
        last_contact_day=[700, 700, 700, 300],
        relapse_day=[500, None, None, None],
        death_day=[None, None, None, None],
        agvhd_day=[30, 20, None, None],
        agvhd_grade=[2, 3, 0, 1],
        cgvhd_day=[200, None, 250, 150],
        cgvhd_severity=["moderate", "none", "mild", "severe"],
    )
    grfs = bs.load_events(frame).endpoint("grfs")
    np.testing.assert_array_equal(grfs.status, [1, 1, 0, 1])
    np.testing.assert_array_equal(grfs.time, [200, 20, 700, 150])


def test_delayed_entry_and_exclusions_account_for_every_patient() -> None:
    frame = table(
        enrollment_day=[70, 80, None, 90, 60],
        last_contact_day=[400, 80, 300, 200, 65],
        relapse_day=[None, None, None, 60, None],
        death_day=[None, None, None, 200, 65],
    )
    cohort = bs.load_events(frame)
    rel = cohort.endpoint("relapse")
    assert rel.n_used == 2
    assert dict(rel.exclusions) == {
        "p2": "no follow-up after enrollment",
        "p3": "enrollment missing",
        "p4": "event on or before enrollment",
    }
    assert rel.n_used + len(rel.exclusions) == rel.n_patients == 5
    np.testing.assert_array_equal(rel.entry, [70, 60])
    nrm = cohort.endpoint("nrm")
    assert dict(nrm.exclusions)["p4"] == "competing event on or before enrollment"
    # from the first dose: time shifted, no entry
    enr = cohort.endpoint("relapse", origin="enrollment")
    assert enr.entry is None
    np.testing.assert_array_equal(enr.time, [330, 5])
    # without delayed entry everyone starts at transplant
    naive = cohort.endpoint("relapse", delayed_entry=False)
    assert naive.n_used == 5 and naive.entry is None
    frame_out = rel.to_frame()
    assert sorted(frame_out["patient_id"]) == [f"p{i}" for i in range(1, 6)]


def test_not_estimable_names_the_missing_column() -> None:
    cohort = bs.load_events(table(last_contact_day=[10, 20], death_day=[10, None]))
    msg = "<DataFrame>: relapse is not estimable: no relapse_date/relapse_day column"
    with pytest.raises(NotEstimable, match=re.escape(msg)):
        cohort.endpoint("relapse")
    with pytest.raises(NotEstimable, match="no enrollment_date/enrollment_day column"):
        cohort.endpoint("os", origin="enrollment")
    out = bs.estimate(cohort)
    assert list(out.index) == list(ENDPOINTS)
    assert out.loc["os", "estimable"]
    assert not out.loc["grfs", "estimable"]
    assert "no agvhd_date/agvhd_day, agvhd_grade" in out.loc["grfs", "reason"]
    assert np.isnan(out.loc["relapse", "estimate"])


def test_unknown_endpoint_and_bad_options() -> None:
    cohort = bs.load_events(table(last_contact_day=[10, 20], death_day=[10, None]))
    with pytest.raises(bs.errors.InputError, match="unknown endpoint 'dfs'"):
        cohort.endpoint("dfs")
    with pytest.raises(bs.errors.InputError, match="origin must be one of"):
        cohort.endpoint("os", origin="diagnosis")
    with pytest.raises(bs.errors.InputError, match="must be a positive number of days"):
        cohort.endpoint("os", horizon=-1)
    with pytest.raises(bs.errors.InputError, match="unknown endpoint 'foo'"):
        bs.estimate(cohort, {"foo": 10})


def test_horizon_beyond_follow_up_is_missing_with_a_reason() -> None:
    cohort = bs.load_events(table(last_contact_day=[10, 20, 30], death_day=[10, None, None]))
    out = bs.estimate(cohort, {"os": 100})
    assert np.isnan(out.loc["os", "estimate"])
    assert out.loc["os", "reason"] == "no patient followed to day 100 (last follow-up day 30)"


def test_arrays_are_read_only() -> None:
    cohort = bs.load_events(table(last_contact_day=[10, 20], death_day=[10, None]))
    os_ = cohort.endpoint("os")
    with pytest.raises(ValueError, match="read-only"):
        os_.time[0] = 1.0


# --- KMsurv::bmt against R ----------------------------------------------------------------


@pytest.fixture(scope="module")
def bmt() -> bs.Cohort:
    return bs.load_events(EVENTS)


def r_rows(endpoint: str, entry: str) -> pd.DataFrame:
    return R_VALUES[(R_VALUES["endpoint"] == endpoint) & (R_VALUES["entry"] == entry)]


@pytest.mark.parametrize("name", [*DERIVABLE, "agvhd_death_only", "cgvhd_death_only"])
def test_bmt_matches_r_without_entry(bmt: bs.Cohort, name: str) -> None:
    base, competing = name.removesuffix("_death_only"), "relapse_or_death"
    if name.endswith("_death_only"):
        competing = "death"
    data = bmt.endpoint(base, gvhd_competing=competing)
    assert data.n_used == 137
    ref = r_rows(name, "none")
    ours = data.at(ref["time"].to_numpy())
    np.testing.assert_allclose(ours["estimate"], ref["estimate"], rtol=0, atol=EST_TOL)
    np.testing.assert_allclose(ours["se"], ref["se"], rtol=0, atol=VAR_TOL)
    if ENDPOINTS[base].kind == "Kaplan-Meier":
        np.testing.assert_allclose(ours["ci_lower"], ref["ci_lower"], rtol=0, atol=VAR_TOL)
        np.testing.assert_allclose(ours["ci_upper"], ref["ci_upper"], rtol=0, atol=VAR_TOL)
        np.testing.assert_array_equal(ours["n_at_risk"], ref["n_at_risk"])


@pytest.mark.parametrize("name", [*DERIVABLE, "agvhd_death_only", "cgvhd_death_only"])
def test_bmt_matches_r_with_delayed_entry(name: str) -> None:
    # platelet recovery (tp) stands in for enrollment: delayed entry at a real, varying day
    cohort = bs.load_events(EVENTS, columns={"tp": "enrollment_day"})
    base = name.removesuffix("_death_only")
    competing = "death" if name.endswith("_death_only") else "relapse_or_death"
    data = cohort.endpoint(base, gvhd_competing=competing)
    assert data.n_used == int(r_rows(name, "counts")["estimate"].iloc[0])
    assert data.n_used + len(data.exclusions) == 137
    ref = r_rows(name, "tp")
    ours = data.at(ref["time"].to_numpy())
    np.testing.assert_allclose(ours["estimate"], ref["estimate"], rtol=0, atol=EST_TOL)
    if ENDPOINTS[base].kind == "Kaplan-Meier":
        np.testing.assert_allclose(ours["se"], ref["se"], rtol=0, atol=VAR_TOL)
        np.testing.assert_allclose(ours["ci_lower"], ref["ci_lower"], rtol=0, atol=VAR_TOL)
        np.testing.assert_allclose(ours["ci_upper"], ref["ci_upper"], rtol=0, atol=VAR_TOL)


def test_bmt_endpoints_without_grades_are_not_estimable(bmt: bs.Cohort) -> None:
    out = bs.estimate(bmt)
    assert out.loc[list(DERIVABLE), "estimable"].all()
    for name, missing in [
        ("agvhd_3_4", "agvhd_grade"),
        ("cgvhd_mod_severe", "cgvhd_severity"),
        ("grfs", "agvhd_grade, cgvhd_severity"),
    ]:
        assert not out.loc[name, "estimable"]
        assert out.loc[name, "reason"] == f"no {missing} column"
    assert [w.column for w in bmt.warnings] == ["agvhd_grade", "cgvhd_severity"]


def test_bmt_original_cgvhd_after_death_is_rejected() -> None:
    # KMsurv::bmt row 127: cGVHD on day 200, death on day 168 (left out of bmt_events.csv)
    frame = pd.read_csv(EVENTS, dtype={"patient_id": str})
    frame.loc[frame["patient_id"] == "bmt-127", "cgvhd_day"] = 200
    msg = (
        "<DataFrame>: patient 'bmt-127': cGVHD onset cgvhd_day (day 200) is after "
        "death_day (day 168)"
    )
    with pytest.raises(bs.SchemaError, match=re.escape(msg)):
        bs.load_events(frame)


def test_derive_is_derive_of_the_cohort(bmt: bs.Cohort) -> None:
    a, b = bmt.endpoint("nrm"), derive(bmt, "nrm")
    np.testing.assert_array_equal(a.time, b.time)
    np.testing.assert_array_equal(a.status, b.status)


@pytest.mark.r
def test_r_script_reproduces_the_committed_values(tmp_path: Path) -> None:
    run_r_script(REFERENCE / "bmt_endpoints.R", tmp_path)
    for name in ("bmt_events.csv", "bmt_endpoints.csv"):
        fresh = pd.read_csv(tmp_path / name)
        committed = pd.read_csv(REFERENCE / name)
        pd.testing.assert_frame_equal(fresh, committed, check_exact=False, rtol=1e-12, atol=1e-14)
