"""Weighted Cox (``coxph(weights=, robust=TRUE)``) and Fine-Gray (``finegray`` + ``coxph``)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lifelines.exceptions import StatisticalWarning

from blina_stats import cox_regression, fine_gray

from .conftest import run_r_script

REF = Path(__file__).parent / "reference"


def _check(folder: Path) -> None:
    d = pd.read_csv(folder / "weighted_data.csv")
    ref = pd.read_csv(folder / "weighted_cox.csv")
    for trunc in (False, True):
        # coxph(Surv(entry, time, event) ~ x1 + x2, weights = w, id = id, robust = TRUE)
        fit = cox_regression(
            d.time,
            d.event,
            d[["x1", "x2"]],
            entry=d.entry if trunc else None,
            weights=d.w,
            robust=True,
        )
        r = ref[(ref.model == "cox") & (ref.entry == trunc)]
        assert fit.names == tuple(r.term)
        np.testing.assert_allclose(fit.coef, r.coef, rtol=0, atol=1e-6)
        np.testing.assert_allclose(fit.se, r.se, rtol=0, atol=1e-6)
        assert fit.robust
    # finegray(Surv(time, st) ~ ., weights = w) + coxph(weights = fgwt, robust = TRUE, breslow)
    fg = fine_gray(d.time, d.status, d[["x1", "x2"]], cause=1, weights=d.w)
    r = ref[ref.model == "fine_gray"]
    np.testing.assert_allclose(fg.coef, r.coef, rtol=0, atol=1e-6)
    np.testing.assert_allclose(fg.se, r.se, rtol=0, atol=1e-6)
    assert fg.variance_method == "coxph"


def test_weighted_models_match_r() -> None:
    _check(REF)


@pytest.mark.r
def test_weighted_models_match_r_live(tmp_path: Path) -> None:
    run_r_script(REF / "weighted.R", tmp_path)
    _check(tmp_path)


def test_robust_weighted_cox_gives_no_advice_to_be_robust() -> None:
    d = pd.read_csv(REF / "weighted_data.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cox_regression(d.time, d.event, d[["x1"]], weights=d.w, robust=True)
    # model-based errors with propensity-like weights are biased: lifelines says so
    with pytest.warns(StatisticalWarning, match="weights are not integers"):
        cox_regression(d.time, d.event, d[["x1"]], weights=d.w)


def test_unit_weights_give_the_unweighted_fine_gray_exactly() -> None:
    d = pd.read_csv(REF / "weighted_data.csv")
    a = fine_gray(d.time, d.status, d[["x1", "x2"]], weights=np.ones(len(d)))
    b = fine_gray(d.time, d.status, d[["x1", "x2"]])
    for name in ("coef", "se", "variance", "naive_variance", "baseline_jumps"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.variance_method == b.variance_method == "crr"


def test_bad_fine_gray_weights_are_one_clear_line() -> None:
    with pytest.raises(
        ValueError, match=re.escape("`weights` must be non-negative: 1 position(s): [1]=-1.0")
    ):
        fine_gray(
            [3, 5, 8, 9],
            [1, 2, 1, 0],
            np.array([[0.1], [0.2], [0.5], [0.3]]),
            weights=[1, -1, 1, 1],
        )
    with pytest.raises(TypeError, match=re.escape("`weights` with `cengroup` is not supported")):
        fine_gray(
            [3, 5, 8, 9],
            [1, 2, 1, 0],
            np.array([[0.1], [0.2], [0.5], [0.3]]),
            weights=[1, 2, 1, 1],
            cengroup=[0, 0, 1, 1],
        )
