"""The summary table (estimate = summary_table(derive_all)) and the JSON contract."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.endpoints import ENDPOINTS, ESTIMATE_COLUMNS, derive_all, summary_table
from blina_stats.endpoints.summary import CONF_LEVEL, CONF_TYPE, to_json
from blina_stats.errors import HorizonWarning

from .conftest import REFERENCE

DERIVABLE = ("os", "pfs", "relapse", "nrm", "agvhd", "cgvhd")


def table(**columns: list[object]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"patient_id": [f"p{i}" for i in range(1, n + 1)], **columns})


@pytest.fixture(scope="module")
def trial() -> bs.Cohort:
    return bs.load_events(bs.synthetic.bundled("trial"))


@pytest.fixture(scope="module")
def bmt() -> bs.Cohort:
    return bs.load_events(REFERENCE / "bmt_events.csv")


def test_not_estimable_rows_give_the_reason() -> None:
    cohort = bs.load_events(table(last_contact_day=[10, 20], death_day=[10, None]))
    with pytest.warns(HorizonWarning, match=re.escape("horizon 730.5 days for os: beyond all")):
        out = bs.estimate(cohort)
    assert list(out.index) == list(ENDPOINTS)
    assert list(out.columns) == list(ESTIMATE_COLUMNS)
    assert out.loc["os", "estimable"]
    assert not out.loc["grfs", "estimable"]
    assert "no agvhd_date/agvhd_day, agvhd_grade" in out.loc["grfs", "reason"]
    assert np.isnan(out.loc["relapse", "estimate"])
    assert out.loc["relapse", "reason"] == "no relapse_date/relapse_day column"
    assert (out.loc["relapse", "n_used"], out.loc["relapse", "n_excluded"]) == (0, 2)


def test_unknown_endpoint_in_horizons() -> None:
    cohort = bs.load_events(table(last_contact_day=[10, 20], death_day=[10, None]))
    with pytest.raises(bs.errors.InputError, match=re.escape("unknown endpoint 'foo'")):
        bs.estimate(cohort, {"foo": 10})


def test_horizon_beyond_follow_up_is_missing_with_a_reason() -> None:
    cohort = bs.load_events(table(last_contact_day=[10, 20, 30], death_day=[10, None, None]))
    message = (
        "horizon 100 days for os: beyond all follow-up (last follow-up at day 30); "
        "horizons are in days"
    )
    with pytest.warns(HorizonWarning, match=re.escape(message)):
        out = bs.estimate(cohort, {"os": 100})
    assert np.isnan(out.loc["os", "estimate"])
    assert out.loc["os", "reason"] == message


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


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"origin": "enrollment"},
        {"gvhd_competing": "death", "delayed_entry": False},
        {"conf_type": "plain", "conf_level": 0.9},
    ],
)
def test_summary_of_derive_all_is_estimate(trial: bs.Cohort, bmt: bs.Cohort, options) -> None:
    for cohort in (trial, bmt):
        pd.testing.assert_frame_equal(
            summary_table(derive_all(cohort, **options)),
            bs.estimate(cohort, **options),
            check_exact=True,
        )
    horizons = {"nrm": 365.25, "agvhd_3_4": 50.0}
    names = ("grfs", "nrm", "agvhd_3_4")
    pd.testing.assert_frame_equal(
        summary_table(derive_all(bmt, names, horizons, **options)),
        bs.estimate(bmt, horizons, endpoints=names, **options),
        check_exact=True,
    )
    assert bs.estimate(bmt, horizons, endpoints=names).loc["agvhd_3_4", "horizon_days"] == 50.0


def test_json_contract(trial: bs.Cohort) -> None:
    tab = bs.estimate(trial, conf_type=CONF_TYPE, conf_level=CONF_LEVEL)
    options = {"origin": "transplant", "delayed_entry": True, "gvhd_competing": "relapse_or_death"}
    doc = to_json(trial, tab, options)
    assert json.loads(json.dumps(doc)) == doc  # plain JSON, no NaN
    assert list(doc) == [
        "n_patients",
        "source",
        "origin",
        "delayed_entry",
        "gvhd_competing",
        "conf_type",
        "conf_level",
        "cutoff",
        "cutoff_changes",
        "relapse_definition",
        "intercurrent",
        "assessment_gap",
        "pfs_censoring",
        "warnings",
        "endpoints",
    ]
    assert (doc["n_patients"], doc["conf_type"], doc["conf_level"]) == (68, "log-log", 0.95)
    nrm = doc["endpoints"]["nrm"]
    assert math.isclose(nrm["estimate"], tab.loc["nrm", "estimate"], rel_tol=0, abs_tol=0)
    assert isinstance(nrm["n_events"], int) and nrm["estimable"] is True


def test_json_contract_writes_missing_figures_as_null() -> None:
    cohort = bs.load_events(table(last_contact_day=[10, 20, 30], death_day=[10, None, None]))
    with pytest.warns(HorizonWarning, match=re.escape("horizon 100 days for os: beyond all")):
        doc = to_json(cohort, bs.estimate(cohort, {"os": 100}), {})
    assert doc["endpoints"]["os"]["estimate"] is None
    assert doc["endpoints"]["relapse"]["n_at_risk"] is None
    assert doc["endpoints"]["relapse"]["estimable"] is False
