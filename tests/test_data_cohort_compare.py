"""cohort.compare: the endpoint's arrays reach the right test, and bad groupings are named."""

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
    got = cohort.compare("pfs", by="donor_type")
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
    got = cohort.compare("os", by="disease_status", strata="conditioning")
    assert got.statistic == want.statistic


def test_incidence_endpoint_uses_grays_test_from_the_first_dose(cohort) -> None:
    data = cohort.endpoint("relapse", origin="enrollment")
    assert data.entry is None
    want = bs.gray_test(data.time, data.status, groups_of(cohort, data, "mrd_pre_hsct"))
    got = cohort.compare("relapse", by="mrd_pre_hsct")
    assert isinstance(got, bs.GrayResult)
    assert got.statistic == want.statistic and got.df == 1


def test_unknown_or_incomplete_grouping_is_named(cohort, tmp_path) -> None:
    with pytest.raises(bs.InputError, match=re.escape("'donor' is not a covariate column")):
        cohort.compare("os", by="donor")
    frame = pd.read_csv(bundled("trial"))
    frame.loc[2, "donor_type"] = None
    holes = bs.load_events(frame)
    message = "column 'donor_type' is missing for patient(s) 'BLN-003'"
    with pytest.raises(bs.InputError, match=re.escape(message)):
        holes.compare("os", by="donor_type")
