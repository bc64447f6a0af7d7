"""The Cohort: immutable, one row per patient, everything a later analysis needs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs


@pytest.fixture(scope="module")
def cohort() -> bs.Cohort:
    return bs.load_events(bs.synthetic.bundled("trial"))


def test_frame_is_a_copy(cohort: bs.Cohort) -> None:
    f = cohort.frame
    f.loc[0, "death_day"] = -1.0
    f["new"] = 1
    assert cohort.frame.loc[0, "death_day"] != -1.0
    assert "new" not in cohort.frame.columns


def test_cohort_is_frozen(cohort: bs.Cohort) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        cohort.source = "other.csv"  # type: ignore[misc]


def test_one_row_per_patient_with_covariates_as_read(cohort: bs.Cohort) -> None:
    raw = pd.read_csv(bs.synthetic.bundled("trial"))
    f = cohort.frame
    assert cohort.n_patients == len(raw) == 68
    assert list(f["patient_id"]) == list(raw["patient_id"])
    for col in ("age", "sex", "disease_status", "mrd_pre_hsct", "donor_type", "conditioning"):
        assert col in cohort.covariates
        pd.testing.assert_series_equal(f[col], raw[col], check_names=False)
    # days since transplant computed from the dates, independently here
    days = (pd.to_datetime(raw["relapse_date"]) - pd.to_datetime(raw["hsct_date"])).dt.days
    np.testing.assert_array_equal(f["relapse_day"], days.to_numpy(dtype=float))
    assert (pd.to_datetime(raw["hsct_date"]) == f["hsct_date"]).all()


def test_flags_and_source(cohort: bs.Cohort) -> None:
    assert cohort.source == "trial.csv"
    assert cohort.has_enrollment and cohort.has_agvhd_grade and cohort.has_cgvhd_severity
    assert cohort.warnings == ()
    assert repr(cohort) == "Cohort('trial.csv': 68 patients, 7 covariates, 0 warnings)"
    assert "<b>Cohort</b>" in cohort._repr_html_()


def test_endpoint_result_and_accounting(cohort: bs.Cohort) -> None:
    for name in bs.ENDPOINTS:
        data = cohort.endpoint(name)
        assert data.n_used + len(data.exclusions) == cohort.n_patients
        assert data.result.n_patients == data.n_used
        assert data.definition.name == name
        assert data.time.shape == data.status.shape == data.patient_id.shape
        h = data.at_horizon()
        assert set(h) == {"estimate", "se", "ci_lower", "ci_upper", "n_at_risk", "n_events"}
        assert "excluded" in data._repr_html_()


def test_cohort_imports_no_analysis_at_module_level() -> None:
    # the Cohort holds data; endpoints and compare are reached only by lazy delegates
    import ast
    import inspect

    import blina_stats.data.cohort as module

    tree = ast.parse(inspect.getsource(module))
    imported = []
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.ImportFrom):
            imported.append(node.module or "")
    assert not [m for m in imported if m.startswith(("endpoints", "compare"))]
    assert "readers" in imported and "schema" in imported
