"""Estimand controls (issue 13 items 9-11): last-assessment censoring, intercurrent events, MRD."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.endpoints import derive
from blina_stats.errors import InputError

from .conftest import run_r_script

REF = Path(__file__).parent / "reference"
SCENARIOS: dict[str, dict[str, Any]] = {
    "assessment": {},
    "gap90": {"assessment_gap": 90.0},
    "dli_censor": {"intercurrent": {"dli": "censor"}},
    "dli_composite": {"intercurrent": {"dli": "composite"}},
    "dli_censor_nt_composite": {"intercurrent": {"dli": "censor", "new_therapy": "composite"}},
    "mrd": {"relapse_definition": "hematologic_or_mrd"},
}


def one(**cols: Any) -> bs.Cohort:
    """One-patient-per-entry table in days since transplant."""
    n = len(cols["last_contact_day"])
    return bs.load_events(pd.DataFrame({"patient_id": [f"p{i}" for i in range(n)], **cols}))


def row(data: Any, pid: str) -> tuple[float, int]:
    f = data.to_frame().set_index("patient_id")
    return float(f.loc[pid, "time"]), int(f.loc[pid, "status"])


# --- item 9: censoring at the last disease assessment -------------------------------------


def test_alive_without_relapse_censored_at_last_assessment_for_pfs_and_relapse_only() -> None:
    cohort = one(
        last_contact_day=[500, 400, 300],
        relapse_day=[np.nan, 350, np.nan],
        death_day=[np.nan, np.nan, 300],
        last_assessment_day=[365, 200, 100],
    )
    pfs = derive(cohort, "pfs")
    assert row(pfs, "p0") == (365.0, 0)  # censored at the assessment, not at day 500
    assert row(pfs, "p1") == (350.0, 1)  # a relapse counts at its date
    assert row(pfs, "p2") == (300.0, 1)  # a death counts whenever it occurs (no gap given)
    assert pfs.recoded == {"censored at last assessment": 1}
    assert row(derive(cohort, "relapse"), "p0") == (365.0, 0)
    assert row(derive(cohort, "os"), "p0") == (500.0, 0)  # OS keeps last contact
    assert row(derive(cohort, "nrm"), "p0") == (500.0, 0)


def test_assessment_gap_censors_a_late_death_at_the_last_assessment() -> None:
    cohort = one(
        last_contact_day=[300, 150],
        death_day=[300, 150],
        relapse_day=[np.nan, np.nan],
        last_assessment_day=[100, 100],
    )
    pfs = derive(cohort, "pfs", assessment_gap=90)
    assert row(pfs, "p0") == (100.0, 0)  # 200 days after the last assessment: > 90
    assert row(pfs, "p1") == (150.0, 1)  # 50 days after: an event
    assert row(derive(cohort, "relapse", assessment_gap=90), "p0") == (100.0, 0)


def test_missing_last_assessment_warns_and_keeps_last_contact() -> None:
    cohort = one(
        last_contact_day=[500, 400],
        relapse_day=[np.nan, np.nan],
        death_day=[np.nan, np.nan],
        last_assessment_day=[365, np.nan],
    )
    assert [str(w) for w in cohort.warnings] == [
        "<DataFrame>: patient 'p1': last_assessment_day is empty: censored at last contact for "
        "PFS and relapse (no assessment date to censor at)"
    ]
    assert row(derive(cohort, "pfs"), "p1") == (400.0, 0)


def test_last_assessment_after_last_contact_is_an_error() -> None:
    msg = (
        "<DataFrame>: patient 'p0': last_assessment_day (day 600) is after "
        "last_contact_day (day 500)"
    )
    with pytest.raises(bs.data.SchemaError, match=re.escape(msg)):
        one(last_contact_day=[500], last_assessment_day=[600])


# --- item 10: intercurrent events ---------------------------------------------------------


def ic_cohort() -> bs.Cohort:
    return one(
        last_contact_day=[500, 400, 300, 200],
        relapse_day=[np.nan, 250, np.nan, np.nan],
        death_day=[np.nan, np.nan, np.nan, 200],
        dli_day=[100, 250, 300, np.nan],
    )


def test_treatment_policy_is_the_default_and_ignores_the_event() -> None:
    a = derive(ic_cohort(), "pfs")
    b = derive(ic_cohort(), "pfs", intercurrent={"dli": "treatment_policy"})
    assert a.recoded == {} and np.array_equal(a.time, b.time) and np.array_equal(a.status, b.status)
    assert a.intercurrent == {
        "dli": "treatment_policy",
        "second_hsct": "treatment_policy",
        "new_therapy": "treatment_policy",
    }


def test_censor_ends_follow_up_at_the_event() -> None:
    data = derive(ic_cohort(), "pfs", intercurrent={"dli": "censor"})
    assert row(data, "p0") == (100.0, 0)
    assert row(data, "p1") == (250.0, 1)  # relapse on the DLI day: the event is kept
    assert row(data, "p2") == (300.0, 0)
    assert data.recoded == {"censored at dli": 1}


def test_composite_is_an_event_for_km_and_a_competing_event_for_incidence() -> None:
    pfs = derive(ic_cohort(), "pfs", intercurrent={"dli": "composite"})
    assert row(pfs, "p0") == (100.0, 1)
    assert row(pfs, "p1") == (250.0, 1)
    assert row(pfs, "p2") == (300.0, 1)  # DLI on the day of censoring: a failure
    assert pfs.recoded == {"dli as failure (composite)": 2}
    rel = derive(ic_cohort(), "relapse", intercurrent={"dli": "composite"})
    assert row(rel, "p0") == (100.0, 2) and row(rel, "p1") == (250.0, 1)


@pytest.mark.parametrize(
    ("option", "msg"),
    [
        (
            {"dli": "while_on"},
            "intercurrent dli=while_on: the strategy must be one of "
            "treatment_policy, censor, composite",
        ),
        (
            {"dlli": "censor"},
            "unknown intercurrent event 'dlli': expected one of dli, second_hsct, new_therapy",
        ),
        (
            {"second_hsct": "censor"},
            "intercurrent second_hsct=censor needs a second_hsct_date "
            "or second_hsct_day column; the table has neither",
        ),
    ],
)
def test_bad_intercurrent_options(option: dict[str, str], msg: str) -> None:
    with pytest.raises(InputError, match=re.escape(msg)):
        derive(ic_cohort(), "os", intercurrent=option)


# --- item 11: MRD recurrence ----------------------------------------------------------------


def test_mrd_recurrence_is_a_relapse_only_when_asked() -> None:
    cohort = one(
        last_contact_day=[500, 400],
        relapse_day=[np.nan, 300],
        death_day=[np.nan, np.nan],
        mrd_relapse_day=[200, 350],
    )
    assert row(derive(cohort, "relapse"), "p0") == (500.0, 0)
    data = derive(cohort, "relapse", relapse_definition="hematologic_or_mrd")
    assert row(data, "p0") == (200.0, 1) and row(data, "p1") == (300.0, 1)
    assert data.relapse_definition == "hematologic_or_mrd"


def test_mrd_definition_needs_the_column_and_a_known_name() -> None:
    cohort = one(last_contact_day=[500])
    msg = (
        "relapse_definition 'hematologic_or_mrd' needs an mrd_relapse_date or "
        "mrd_relapse_day column; the table has neither"
    )
    with pytest.raises(InputError, match=re.escape(msg)):
        derive(cohort, "os", relapse_definition="hematologic_or_mrd")
    with pytest.raises(InputError, match=re.escape("relapse_definition must be one of")):
        derive(cohort, "os", relapse_definition="molecular")


# --- R ----------------------------------------------------------------------------------------


def _check(folder: Path) -> None:
    cohort = bs.load_events(folder / "intercurrent_data.csv")
    ref = pd.read_csv(folder / "intercurrent.csv")
    assert set(ref["scenario"]) == set(SCENARIOS)
    for (scenario, name), rows in ref.groupby(["scenario", "endpoint"]):
        data = derive(cohort, name, **SCENARIOS[scenario])
        got = data.at(rows["time"].to_numpy())
        np.testing.assert_allclose(got["estimate"], rows["estimate"], rtol=0, atol=1e-10)
        np.testing.assert_allclose(got["se"] ** 2, rows["variance"], rtol=0, atol=1e-8)


def test_matches_r_recoded_data() -> None:
    _check(REF)


def test_matches_r_recoded_data_live(tmp_path: Path) -> None:
    run_r_script(REF / "intercurrent.R", tmp_path)
    _check(tmp_path)


def test_each_scenario_changes_something() -> None:
    """The reference would not show a strategy that changes nothing."""
    cohort = bs.load_events(REF / "intercurrent_data.csv")
    base = {n: derive(cohort, n, intercurrent={}) for n in ("os", "pfs", "relapse", "nrm")}
    for scenario, kw in SCENARIOS.items():
        if scenario == "assessment":
            continue
        changed = [
            not np.array_equal(derive(cohort, n, **kw).status, base[n].status)
            or not np.array_equal(derive(cohort, n, **kw).time, base[n].time)
            for n in base
        ]
        assert any(changed), scenario
    assert base["pfs"].recoded["censored at last assessment"] > 0
