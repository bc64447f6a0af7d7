"""Tests for blina_stats.models.cox against R ``survival::coxph`` (Efron ties).

Reference values: tests/reference/models_cox.R writes models_cox.csv and the
synthetic data with delayed entry models_cox_data.csv.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lifelines.exceptions import ConvergenceWarning

from blina_stats import cox_regression
from blina_stats.datasets import load_bmt
from blina_stats.models import GlobalTestResult

from .conftest import run_r_script

REF = Path(__file__).parent / "reference"


def _check(folder: Path) -> None:
    ref = pd.read_csv(folder / "models_cox.csv")
    syn = pd.read_csv(folder / "models_cox_data.csv")
    bmt = load_bmt()
    cov = pd.DataFrame({"z1": bmt.z1, "z8": bmt.z8, "disease": bmt.group.astype(str)})
    fits = {
        # coxph(Surv(t2, d3) ~ z1 + z8 + disease, data = bmt)
        "bmt_dfs": cox_regression(bmt.t2, bmt.d3, cov),
        # ... robust = TRUE, id = seq_len(nrow(bmt))
        "bmt_dfs_robust": cox_regression(bmt.t2, bmt.d3, cov, robust=True),
        # coxph(Surv(entry, time, event) ~ x1 + x2 + strata(site), data = syn)
        "syn_entry_strata": cox_regression(
            syn.time, syn.event, syn[["x1", "x2"]], entry=syn.entry, strata=syn.site
        ),
        # coxph(Surv(entry, time, event) ~ x1 + x2, data = syn, id = ..., robust = TRUE)
        "syn_entry_robust": cox_regression(
            syn.time, syn.event, syn[["x1", "x2"]], entry=syn.entry, robust=True
        ),
    }
    for case, fit in fits.items():
        r = ref[ref.case == case]
        assert len(r) == len(fit.names)
        np.testing.assert_allclose(fit.coef, r.coef, rtol=1e-6, err_msg=case)
        np.testing.assert_allclose(fit.se, r.se, rtol=1e-6, err_msg=case)
        np.testing.assert_allclose(fit.loglik, r.loglik.iloc[0], rtol=1e-9, err_msg=case)
        np.testing.assert_allclose(fit.loglik_null, r.loglik_null.iloc[0], rtol=1e-9)


def test_matches_coxph() -> None:
    _check(REF)


@pytest.mark.r
def test_matches_coxph_live(tmp_path: Path) -> None:
    run_r_script(REF / "models_cox.R", tmp_path)
    _check(tmp_path)


def test_cluster_of_single_rows_equals_robust() -> None:
    bmt = load_bmt()
    a = cox_regression(bmt.t2, bmt.d3, bmt[["z1", "z8"]], robust=True)
    b = cox_regression(bmt.t2, bmt.d3, bmt[["z1", "z8"]], cluster=np.arange(len(bmt)))
    np.testing.assert_allclose(a.se, b.se, rtol=1e-12)
    assert b.robust


def test_summary_prediction_and_repr() -> None:
    bmt = load_bmt()
    fit = cox_regression(bmt.t2, bmt.d3, bmt[["z8"]])
    row = fit.summary.loc["z8"]
    assert row.ci_lower < row.hazard_ratio < row.ci_upper
    lr = fit.likelihood_ratio_test
    assert isinstance(lr, GlobalTestResult) and lr.name == "likelihood ratio"
    assert lr.df == 1 and lr.statistic > 0 and 0 < lr.pvalue < 1
    assert lr.statistic == pytest.approx(2 * (fit.loglik - fit.loglik_null))
    with pytest.raises(AttributeError):
        lr.pvalue = 0.5  # type: ignore[misc]
    surv = fit.predict(pd.DataFrame({"z8": [0, 1]}))
    assert np.all(surv[1] <= surv[0])  # z8 raises the hazard
    assert "Cox regression" in fit._repr_html_()


def test_bad_input() -> None:
    bmt = load_bmt()
    cov = bmt[["z1", "z8"]].copy()
    cov.loc[5, "z8"] = np.nan
    with pytest.raises(
        ValueError, match=re.escape("column 'z8' has 1 missing value(s), in row(s) 5")
    ):
        cox_regression(bmt.t2, bmt.d3, cov)
    cov = pd.DataFrame({"a": bmt.z1, "b": bmt.z8, "c": bmt.z1 - 2 * bmt.z8})
    with pytest.raises(ValueError, match=re.escape("column 'c' is collinear with ['a', 'b']")):
        cox_regression(bmt.t2, bmt.d3, cov)
    with pytest.raises(ValueError, match="`event` has no events"):
        cox_regression(bmt.t2, np.zeros(len(bmt)), bmt[["z1"]])
    with pytest.raises(ValueError, match=re.escape("`covariates` has 3 rows but `time` has 137")):
        cox_regression(bmt.t2, bmt.d3, pd.DataFrame({"a": [1, 2, 3]}))


def test_level_without_events_warns() -> None:
    bmt = load_bmt()
    flag = (bmt.d3 == 0).astype(float)  # 1 only for patients without events
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cox_regression(bmt.t2, bmt.d3, pd.DataFrame({"flag": flag}))
    messages = [str(w.message) for w in caught]
    assert any("covariate 'flag': no events among patients with flag == 1" in m for m in messages)
    # lifelines' own convergence warning reaches the user too
    assert any(issubclass(w.category, ConvergenceWarning) for w in caught)


def test_summary_is_the_one_coefficient_table() -> None:
    bmt = load_bmt()
    fit = cox_regression(bmt.t2, bmt.d3, bmt[["z1"]])
    assert isinstance(fit.summary, pd.DataFrame)
    assert not hasattr(fit, "to_frame")  # it only repeated `summary`


def test_predict_is_survival_and_needs_one_baseline() -> None:
    bmt = load_bmt()
    fit = cox_regression(bmt.t2, bmt.d3, bmt[["z8"]])
    surv = fit.predict({"z8": [0]})
    assert surv.index.equals(fit.baseline_cumulative_hazard.index)
    assert np.all(np.diff(surv[0].to_numpy()) <= 0) and 0 < surv[0].iloc[-1] < 1
    stratified = cox_regression(bmt.t2, bmt.d3, bmt[["z8"]], strata=bmt.group)
    with pytest.raises(ValueError, match=re.escape("predict needs an unstratified model")):
        stratified.predict({"z8": [0]})
