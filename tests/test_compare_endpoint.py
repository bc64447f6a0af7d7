"""compare_endpoint: the endpoint's arrays reach the right test, and bad groupings are named;
Cohort.compare delegates to it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.synthetic import bundled


@pytest.fixture(scope="module")
def cohort() -> bs.Cohort:
    return bs.load_events(bundled("trial"))


def groups_of(cohort: bs.Cohort, data: bs.EndpointData, col: str) -> np.ndarray:
    frame = cohort.frame.set_index("patient_id")
    return frame.loc[list(data.patient_id), col].astype(str).to_numpy()


def test_survival_endpoint_uses_the_log_rank_test_with_delayed_entry(cohort) -> None:
    data = cohort.endpoint("pfs")
    assert data.entry is not None
    want = bs.logrank_test(
        data.time, data.status, groups_of(cohort, data, "donor_type"), entry=data.entry
    )
    got = bs.compare_endpoint(cohort, "pfs", by="donor_type")
    assert isinstance(got, bs.LogrankResult)
    assert (got.statistic, got.df, got.pvalue) == (want.statistic, want.df, want.pvalue)


def test_strata_are_passed_on(cohort) -> None:
    data = cohort.endpoint("os")
    want = bs.logrank_test(
        data.time,
        data.status,
        groups_of(cohort, data, "disease_status"),
        strata=groups_of(cohort, data, "conditioning"),
        entry=data.entry,
    )
    got = bs.compare_endpoint(cohort, "os", by="disease_status", strata="conditioning")
    assert got.statistic == want.statistic


def test_incidence_endpoint_uses_grays_test_from_the_first_dose(cohort) -> None:
    data = cohort.endpoint("relapse", origin="enrollment")
    assert data.entry is None
    want = bs.gray_test(data.time, data.status, groups_of(cohort, data, "mrd_pre_hsct"))
    got = bs.compare_endpoint(cohort, "relapse", by="mrd_pre_hsct")
    assert isinstance(got, bs.GrayResult)
    assert got.statistic == want.statistic and got.df == 1


def test_unknown_or_incomplete_grouping_is_named(cohort, tmp_path) -> None:
    with pytest.raises(bs.InputError, match=re.escape("'donor' is not a covariate column")):
        bs.compare_endpoint(cohort, "os", by="donor")
    frame = pd.read_csv(bundled("trial"))
    frame.loc[2, "donor_type"] = None
    holes = bs.load_events(frame)
    message = "column 'donor_type' is missing for patient(s) 'BLN-003'"
    with pytest.raises(bs.InputError, match=re.escape(message)):
        bs.compare_endpoint(holes, "os", by="donor_type")


def test_delayed_entry_false_keeps_grays_test_on_time_from_transplant(cohort) -> None:
    data = cohort.endpoint("relapse", delayed_entry=False)
    want = bs.gray_test(data.time, data.status, groups_of(cohort, data, "mrd_pre_hsct"))
    got = bs.compare_endpoint(cohort, "relapse", by="mrd_pre_hsct", delayed_entry=False)
    assert got.statistic == want.statistic


def test_cohort_compare_delegates(cohort, monkeypatch) -> None:
    import blina_stats.compare

    calls = []

    def fake(*args, **kwargs):
        calls.append((args, kwargs))
        return "result"

    monkeypatch.setattr(blina_stats.compare, "compare_endpoint", fake)
    assert cohort.compare("os", "sex", "conditioning", origin="enrollment") == "result"
    assert calls == [((cohort, "os", "sex", "conditioning"), {"origin": "enrollment"})]
    monkeypatch.undo()
    a = cohort.compare("relapse", by="mrd_pre_hsct")
    b = bs.compare_endpoint(cohort, "relapse", by="mrd_pre_hsct")
    assert (a.statistic, a.df, a.pvalue) == (b.statistic, b.df, b.pvalue)


def test_compare_endpoint_is_exported() -> None:
    from blina_stats.compare import compare_endpoint

    assert bs.compare_endpoint is compare_endpoint
    assert "compare_endpoint" in bs.__all__
