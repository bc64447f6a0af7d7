"""Tests for blina_stats.eligibility.consort: the flow counted by hand on a small trial."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.eligibility.consort import consort_flow
from blina_stats.errors import InputError
from blina_stats.synthetic import bundled


def _log() -> pd.DataFrame:
    """Seven screened men: A-D enrolled (D aged 70), E fails I3 and E6, F fails E2, G unknown."""
    base: dict[str, Any] = {
        "consent_date": "2022-03-01", "age": 40, "sex": "M", "relapse_history": "yes",
        "mrd_positive_pre_hsct": "no", "kps": 80, "ecog": 1, "expected_survival_months": 12,
        "cr_after_hsct": "yes", "cns_involvement": "no", "serious_organ_damage": "no",
        **{c.columns[0]: "no" for c in bs.eligibility.CRITERIA.values() if c.kind == "exclusion"},
    }  # fmt: skip
    rows = [{**base, "patient_id": p} for p in "ABCDEFG"]
    rows[3]["age"] = 70
    rows[4].update(kps=50, ecog=3, active_gvhd="yes")
    rows[5]["uncontrolled_infection"] = "yes"
    rows[6]["hiv"] = None
    return pd.DataFrame(rows)


def _events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "patient_id": list("ABCD"),
            "hsct_date": ["2022-01-01"] * 4,
            "enrollment_date": ["2022-03-05", "2022-03-06", None, "2022-03-07"],
            # cut-off 2023-01-01; B last seen 100 days before it, alive: lost (window 90)
            "last_contact_date": ["2023-01-01", "2022-09-23", "2022-12-01", "2022-06-01"],
            "death_date": [None, None, None, "2022-06-01"],
            "relapse_date": [None, None, None, "2022-05-01"],
        }
    )


def test_counts_by_hand() -> None:
    flow = consort_flow(_log(), _events(), endpoints=("os", "relapse"))
    assert flow.n_screened == 7
    assert flow.n_not_enrolled == 3
    assert flow.not_enrolled_failed == 2
    assert dict(flow.failed_by_criterion) == {"I3": 1, "E2": 1, "E6": 1}
    assert list(flow.failed_by_criterion) == ["I3", "E2", "E6"]  # protocol order
    assert flow.not_enrolled_unknown == 1 and flow.not_enrolled_eligible == 0
    assert flow.n_enrolled == 4
    # no labs: I6 is unknown for everyone, so enrolled patients are "not assessable"
    assert flow.enrolled_not_eligible == (("D", ("I2",)),)
    assert [p for p, _ in flow.enrolled_unknown] == ["A", "B", "C"]
    assert flow.n_treated == 3  # C has no first dose
    assert flow.n_lost_to_follow_up == 1
    assert flow.cutoff_date == pd.Timestamp("2023-01-01")
    # C has no enrollment: every endpoint starting at enrollment leaves C out
    assert flow.analysed.loc["os", "n_analysed"] == 3
    assert flow.analysed.loc["os", "excluded"] == {"enrollment missing": 1}
    frame = flow.to_frame()
    assert frame.loc[frame["item"] == "assessed for eligibility", "n"].item() == 7
    assert frame.loc[frame["item"] == "E6 active GVHD", "n"].item() == 1
    assert "CONSORT" in flow._repr_html_()


def test_lost_to_follow_up_options() -> None:
    assert consort_flow(_log(), _events(), lost_window_days=120).n_lost_to_follow_up == 0
    flow = consort_flow(_log(), _events(), cutoff_date="2023-06-01")
    assert flow.n_lost_to_follow_up == 3  # A, B, C alive and last seen > 90 days before
    events = _events().assign(lost_to_follow_up=["no", "no", "yes", "no"])
    assert consort_flow(_log(), events).n_lost_to_follow_up == 1
    days = pd.DataFrame({"patient_id": list("ABCD"), "last_contact_day": [1, 2, 3, 4]})
    assert consort_flow(_log(), days).n_lost_to_follow_up is None
    bad = _events().assign(lost_to_follow_up=["no", "perhaps", "no", "no"])
    with pytest.raises(InputError, match=re.escape("patient 'B': lost_to_follow_up 'perhaps'")):
        consort_flow(_log(), bad)


def test_lost_to_follow_up_with_a_last_contact_centuries_before_the_cutoff() -> None:
    # a sentinel year: the nanosecond gap to the cut-off overflowed (OverflowError)
    events = _events()
    events.loc[1, ["hsct_date", "enrollment_date", "last_contact_date"]] = [
        "1722-01-01",
        "1722-03-06",
        "1722-09-23",
    ]
    flow = consort_flow(_log(), events)
    assert flow.n_lost_to_follow_up == 1  # B, alive and last seen three centuries before


def test_enrolled_patient_missing_from_the_log() -> None:
    events = _events()
    events.loc[0, "patient_id"] = "Z"
    with pytest.raises(
        InputError, match=re.escape("enrolled patient(s) 'Z' are not in the screening log")
    ):
        consort_flow(_log(), events)
    with pytest.raises(InputError, match="lost_window_days must be"):
        consort_flow(_log(), _events(), lost_window_days=-1)


def test_bundled_flow_matches_the_analysis() -> None:
    log, labs = bundled("screening"), bundled("labs")
    cohort = bs.load_events(bs.synthetic.bundled("trial"))
    flow = consort_flow(log, cohort, labs)
    table = bs.estimate(cohort)
    np.testing.assert_array_equal(
        flow.analysed["n_analysed"].to_numpy(), table["n_used"].to_numpy()
    )
    assert flow.n_enrolled == cohort.n_patients == 68
    assert flow.n_screened == flow.n_enrolled + flow.n_not_enrolled
    assert flow.n_not_enrolled == (
        flow.not_enrolled_failed + flow.not_enrolled_unknown + flow.not_enrolled_eligible
    )
