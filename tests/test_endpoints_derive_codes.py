"""Endpoints at registry scale: exclusion reasons as codes, no copy of the table per endpoint.

The text of a reason is made only when it is read (``exclusions``,
``excluded``); an endpoint using every patient hands the cohort's own
columns (read-only views) to the estimator; :func:`derive_all` reads the
fields the rules need once for all endpoints.
"""

from __future__ import annotations

import importlib
from collections import Counter

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.data.cohort import table_of
from blina_stats.endpoints import ENDPOINTS, EndpointData, derive, derive_all
from blina_stats.endpoints.endpoint_data import Exclusions

DERIVE_MODULE = importlib.import_module("blina_stats.endpoints.derive")


def messy() -> bs.Cohort:
    """Patients excluded for several reasons, one enrolled after the cut-off."""
    frame = pd.DataFrame(
        {
            "patient_id": ["a", "b", "c", "d", "e", "f", "g"],
            "hsct_date": ["2022-01-01"] * 7,
            "enrollment_date": [
                "2022-02-01", "", "2022-02-01", "2022-03-01", "2022-02-01", "2022-02-01",
                "2022-08-01",
            ],
            "last_contact_date": [
                "2022-06-01", "2022-06-01", "2022-02-01", "2022-06-01", "2022-06-01",
                "2022-06-01", "2022-09-01",
            ],
            "relapse_date": ["", "", "", "2022-02-10", "", "2022-04-01", ""],
            "death_date": ["", "", "", "", "", "2022-06-01", ""],
            "agvhd_date": ["", "", "", "", "", "", ""],
            "agvhd_grade": [0, 0, 0, 2, 0, 0, 0],
            "cgvhd_date": ["", "", "", "", "2022-03-01", "", ""],
            "cgvhd_severity": ["none", None, "none", "mild", None, "none", "none"],
        }
    )  # fmt: skip
    return bs.load_events(frame, cutoff="2022-07-01")


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_reasons_read_from_codes_are_every_patient_left_out(name: str) -> None:
    cohort = messy()
    data = derive_all(cohort)[name]
    if not isinstance(data, EndpointData):  # agvhd_emergent: no grade III-IV onset column
        assert data.code == "missing_column"
        return
    pairs = data.exclusions
    assert [p for p, _ in pairs][-1:] == ["g"]  # after the cut-off: listed last
    assert sorted([*data.patient_id.tolist(), *(p for p, _ in pairs)]) == list("abcdefg")
    assert data.excluded == dict(Counter(r for _, r in pairs))
    assert data.n_excluded == len(pairs) == data.n_patients - data.n_used
    assert all(r for _, r in pairs)


def test_the_messy_cohort_excludes_for_several_reasons() -> None:
    data = derive(messy(), "relapse")
    assert data.exclusions == (
        ("b", "enrollment missing"),
        ("c", "no follow-up after enrollment"),
        ("d", "event on or before enrollment"),
        ("g", "enrolled after the data cut-off"),
    )
    assert list(data.excluded) == [
        "enrollment missing",
        "no follow-up after enrollment",
        "event on or before enrollment",
        "enrolled after the data cut-off",
    ]


def test_counts_keep_the_order_reasons_first_occur_and_merge_one_text() -> None:
    ids = np.array(["p1", "p2", "p3", "p4", "p5"], dtype=object)
    codes = np.array([3, 0, 1, 3, 2], dtype=np.int8)
    ex = Exclusions(ids, codes, ("", "x", "y", "z"), (("p9", "y"),))
    assert ex.pairs() == (("p1", "z"), ("p3", "x"), ("p4", "z"), ("p5", "y"), ("p9", "y"))
    assert ex.counts() == {"z": 2, "x": 1, "y": 2}
    assert list(ex.counts()) == ["z", "x", "y"]
    same = Exclusions(ids, codes, ("", "x", "z", "z"))
    assert list(same.counts().items()) == [("z", 3), ("x", 1)]


def test_an_endpoint_using_everyone_shares_the_cohorts_columns() -> None:
    cohort = bs.load_events(bs.synthetic.simulate_trial(300, seed=4))
    data = derive(cohort, "os")
    assert data.n_used == cohort.n_patients
    frame = table_of(cohort)
    assert data.entry is not None
    assert np.shares_memory(data.entry, frame["enrollment_day"].to_numpy())
    assert np.shares_memory(data.patient_id, frame["patient_id"].to_numpy(dtype=object))
    for a in (data.entry, data.patient_id, data.time, data.status):
        assert not a.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        data.entry[0] = 0.0


def test_everyone_used_equals_the_masked_arrays() -> None:
    """The no-copy path gives the arrays a mask of all True would."""
    cohort = bs.load_events(bs.synthetic.simulate_trial(300, seed=4))
    data = derive(cohort, "os")
    frame = table_of(cohort)
    everyone = np.ones(cohort.n_patients, dtype=bool)
    np.testing.assert_array_equal(data.entry, frame["enrollment_day"].to_numpy()[everyone])
    assert data.patient_id.tolist() == list(cohort.patient_ids)


def test_derive_all_reads_the_rule_fields_once(monkeypatch: pytest.MonkeyPatch) -> None:
    cohort = bs.load_events(bs.synthetic.bundled("trial"))
    calls: list[str] = []
    real = DERIVE_MODULE.rule_days

    def counting(frame: object, relapse_definition: str) -> dict[str, object]:
        calls.append(relapse_definition)
        return real(frame, relapse_definition)

    monkeypatch.setattr(DERIVE_MODULE, "rule_days", counting)
    derive_all(cohort)
    assert calls == ["hematologic"]
    calls.clear()
    derive(cohort, "os")
    derive(cohort, "pfs")
    assert calls == ["hematologic", "hematologic"]  # alone, each derive reads its own


def test_shared_fields_give_the_same_endpoints_as_one_at_a_time() -> None:
    cohort = bs.load_events(bs.synthetic.simulate_trial(400, seed=9))
    together = derive_all(cohort)
    for name, data in together.items():
        alone = derive(cohort, name) if isinstance(data, EndpointData) else None
        if alone is None or not isinstance(data, EndpointData):
            continue
        np.testing.assert_array_equal(data.time, alone.time)
        np.testing.assert_array_equal(data.status, alone.status)
        assert data.exclusions == alone.exclusions
        assert data.at_horizon() == alone.at_horizon()
