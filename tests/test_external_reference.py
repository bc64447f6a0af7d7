"""blina_stats.external against R: glm propensity scores and weights, SMDs by hand,
weighted survfit (Kaplan-Meier, multi-state Aalen-Johansen, RMST) and weighted
coxph with robust = TRUE.

Reference values: tests/reference/external.R writes external_data.csv and
external_{ps,coef,smd,km,ms,rmst,cox}.csv.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from blina_stats.external import (
    BalanceWarning,
    propensity_weights,
    weighted_curves,
    weighted_hazard_ratio,
)

from .conftest import run_r_script

REF = Path(__file__).parent / "reference"
COVARIATES = ["age", "mrd", "donor"]


def _fit(d: pd.DataFrame, estimand: str = "ATT"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BalanceWarning)
        return propensity_weights(d, "arm", COVARIATES, estimand=estimand)


def _check(folder: Path) -> None:
    d = pd.read_csv(folder / "external_data.csv")
    ps = pd.read_csv(folder / "external_ps.csv")
    # glm(arm ~ age + factor(mrd) + factor(donor), family = binomial): fitted and weights
    for estimand in ("ATT", "ATE", "ATO"):
        pw = _fit(d, estimand)
        np.testing.assert_allclose(pw.ps, ps.ps, rtol=0, atol=1e-8)
        np.testing.assert_allclose(pw.weights, ps[estimand.lower()], rtol=1e-8)
    pw = _fit(d)
    coef = pd.read_csv(folder / "external_coef.csv").set_index("term").coef
    # terms named alike in both (R's level order of donor follows its locale)
    for term in ("age", "factor(mrd)positive"):
        ours = term.replace("factor(", "").replace(")", "")
        np.testing.assert_allclose(pw.coef[ours], coef[term], rtol=1e-8)
    # SMDs and variance ratios computed by hand in R
    smd = pd.read_csv(folder / "external_smd.csv")
    keys = [(c.split("=")[0], c.split("=")[1] if "=" in c else "") for c in smd.column]
    bal = pw.balance.loc[keys]
    np.testing.assert_allclose(bal.smd_before, smd.smd_before, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(bal.smd_after, smd.smd_after, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        bal.variance_ratio_after.iloc[0], smd.variance_ratio_after.iloc[0], rtol=1e-10
    )
    np.testing.assert_allclose(pw.ess["control"], smd.ess_control.iloc[0], rtol=1e-10)
    # survfit(Surv(time, status == 1) ~ 1, weights = w)
    km = pd.read_csv(folder / "external_km.csv")
    c = weighted_curves(d.time, np.where(d.status == 1, 1, 0), d.w)
    np.testing.assert_allclose(c.time, km.time)
    np.testing.assert_allclose(c.survival[0], km.surv, rtol=1e-10)
    np.testing.assert_allclose(c.n_at_risk[0], km.n_risk, rtol=1e-10)
    # print(fit, rmean = 730.5)
    rmst = pd.read_csv(folder / "external_rmst.csv")
    np.testing.assert_allclose(c.restricted_mean(730.5), rmst.rmst, rtol=1e-8)
    # survfit(Surv(time, factor(status, 0:2)) ~ 1, weights = w): pstate of each cause
    ms = pd.read_csv(folder / "external_ms.csv")
    both = weighted_curves(d.time, d.status, d.w)
    swapped = weighted_curves(d.time, np.array([0, 2, 1])[d.status], d.w)
    np.testing.assert_allclose(both.incidence[0], ms.cif1, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(swapped.incidence[0], ms.cif2, rtol=1e-10, atol=1e-14)
    # coxph(Surv(time, status == ev) ~ arm, weights = wt, robust = TRUE)
    cox = pd.read_csv(folder / "external_cox.csv").set_index("case")
    cases = {"att_event": (ps.att, 1), "w_event": (d.w, 1), "att_competing": (ps.att, 2)}
    for case, (w, ev) in cases.items():
        hr = weighted_hazard_ratio(d.arm, d.time, d.status == ev, w)
        np.testing.assert_allclose(hr.coef, cox.loc[case, "coef"], rtol=1e-6, err_msg=case)
        np.testing.assert_allclose(hr.se, cox.loc[case, "se"], rtol=1e-6, err_msg=case)


def test_matches_r() -> None:
    _check(REF)


@pytest.mark.r
def test_matches_r_live(tmp_path: Path) -> None:
    run_r_script(REF / "external.R", tmp_path)
    _check(tmp_path)
