"""Deriving endpoints from a cohort: delayed entry, exclusions, not-estimable reasons as
data, derive_all, and every derivable endpoint of KMsurv::bmt against R survival/cmprsk
(tests/reference/bmt_endpoints.R).

Estimates agree to 1e-10, standard errors and interval bounds to 1e-8.
"""

from __future__ import annotations

import importlib
import pickle
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.endpoints import ENDPOINTS, EndpointData, NotEstimable, derive, derive_all

from .conftest import REFERENCE, run_r_script

EST_TOL = 1e-10
VAR_TOL = 1e-8
EVENTS = REFERENCE / "bmt_events.csv"
R_VALUES = pd.read_csv(REFERENCE / "bmt_endpoints.csv")
DERIVABLE = ("os", "pfs", "relapse", "nrm", "agvhd", "cgvhd")
DERIVE_MODULE = importlib.import_module("blina_stats.endpoints.derive")


def table(**columns: list[object]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"patient_id": [f"p{i}" for i in range(1, n + 1)], **columns})


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


def test_not_estimable_carries_code_and_reason_without_agvhd_grade() -> None:
    frame = table(
        last_contact_day=[100, 150],
        relapse_day=[None, None],
        death_day=[None, 150],
        agvhd_day=[20, None],
    )
    cohort = bs.load_events(frame)
    with pytest.raises(NotEstimable) as info:
        derive(cohort, "agvhd_3_4", horizon=50)
    exc = info.value
    assert (exc.code, exc.reason) == ("missing_column", "no agvhd_grade column")
    assert (exc.endpoint, exc.source, exc.horizon, exc.n_patients) == (
        "agvhd_3_4",
        "<DataFrame>",
        50.0,
        2,
    )
    assert str(exc) == "<DataFrame>: agvhd_3_4 is not estimable: no agvhd_grade column"
    assert isinstance(exc, bs.InputError) and bs.NotEstimable is NotEstimable


def test_not_estimable_when_no_patient_is_left() -> None:
    # every death falls on the enrollment day: nobody is at risk after the first dose
    frame = table(enrollment_day=[10, 20], last_contact_day=[10, 20], death_day=[10, 20])
    cohort = bs.load_events(frame)
    msg = "<DataFrame>: os is not estimable: no patient left"
    with pytest.raises(NotEstimable, match=re.escape(msg)) as info:
        cohort.endpoint("os")
    assert (info.value.code, info.value.reason) == ("no_patient_left", "no patient left")
    assert info.value.n_patients == 2
    again = pickle.loads(pickle.dumps(info.value))
    assert (str(again), again.code, again.reason) == (
        str(info.value),
        "no_patient_left",
        "no patient left",
    )


def test_unknown_endpoint_and_bad_options() -> None:
    cohort = bs.load_events(table(last_contact_day=[10, 20], death_day=[10, None]))
    with pytest.raises(bs.errors.InputError, match="unknown endpoint 'dfs'"):
        cohort.endpoint("dfs")
    with pytest.raises(bs.errors.InputError, match="origin must be one of"):
        cohort.endpoint("os", origin="diagnosis")
    with pytest.raises(bs.errors.InputError, match="must be a positive number of days"):
        cohort.endpoint("os", horizon=-1)
    with pytest.raises(bs.errors.InputError, match=re.escape("unknown endpoint 'foo'")):
        derive_all(cohort, horizons={"foo": 10})
    with pytest.raises(bs.errors.InputError, match=re.escape("unknown endpoint 'dfs'")):
        derive_all(cohort, ["os", "dfs"])


def test_arrays_are_read_only() -> None:
    cohort = bs.load_events(table(last_contact_day=[10, 20], death_day=[10, None]))
    os_ = cohort.endpoint("os")
    with pytest.raises(ValueError, match="read-only"):
        os_.time[0] = 1.0


# --- derive_all ------------------------------------------------------------------------------


def test_derive_all_derives_each_endpoint_once(monkeypatch: pytest.MonkeyPatch) -> None:
    cohort = bs.load_events(bs.synthetic.bundled("trial"))
    calls: list[str] = []
    real = DERIVE_MODULE.derive

    def counting(cohort: bs.Cohort, name: str, **options: Any) -> EndpointData:
        calls.append(name)
        return real(cohort, name, **options)

    monkeypatch.setattr(DERIVE_MODULE, "derive", counting)
    derived = derive_all(cohort)
    assert calls == list(ENDPOINTS)
    assert list(derived) == list(ENDPOINTS)
    calls.clear()
    derive_all(cohort, ["nrm", "os", "nrm"])
    assert calls == ["nrm", "os"]
    calls.clear()
    bs.estimate(cohort)
    assert calls == list(ENDPOINTS)


def test_derive_all_gives_the_data_or_why_not(bmt: bs.Cohort) -> None:
    derived = derive_all(bmt, horizons={"nrm": 365.25}, gvhd_competing="death")
    for name in DERIVABLE:
        data = derived[name]
        assert isinstance(data, EndpointData)
        want = derive(bmt, name, gvhd_competing="death", horizon=365.25 if name == "nrm" else None)
        np.testing.assert_array_equal(data.time, want.time)
        np.testing.assert_array_equal(data.status, want.status)
        assert data.horizon == want.horizon
    assert derived["nrm"].horizon == 365.25  # type: ignore[union-attr]
    grfs = derived["grfs"]
    assert isinstance(grfs, NotEstimable)
    assert (grfs.code, grfs.reason) == ("missing_column", "no agvhd_grade, cgvhd_severity column")


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
    # GVHD with entry at the first dose: gvhd_entry="enrollment" (the default counts from day 0)
    data = cohort.endpoint(base, gvhd_competing=competing, gvhd_entry="enrollment")
    assert data.n_used == int(r_rows(name, "counts")["estimate"].iloc[0])
    assert data.n_used + len(data.exclusions) == 137
    ref = r_rows(name, "tp")
    ours = data.at(ref["time"].to_numpy())
    np.testing.assert_allclose(ours["estimate"], ref["estimate"], rtol=0, atol=EST_TOL)
    if ENDPOINTS[base].kind == "Kaplan-Meier":
        np.testing.assert_allclose(ours["se"], ref["se"], rtol=0, atol=VAR_TOL)
        np.testing.assert_allclose(ours["ci_lower"], ref["ci_lower"], rtol=0, atol=VAR_TOL)
        np.testing.assert_allclose(ours["ci_upper"], ref["ci_upper"], rtol=0, atol=VAR_TOL)


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


def test_counts_at_the_horizon_are_integers() -> None:
    cohort = bs.load_events(bs.synthetic.bundled("trial"))
    h = cohort.endpoint("pfs").at_horizon()
    assert type(h["n_at_risk"]) is int and type(h["n_events"]) is int
    assert type(h["estimate"]) is float
