"""One-sample log-rank design (Wu 2015).

Published: Wu, J. (2015) Pharm Stat 14:26-33, example reproduced by the
reference implementation (R package logRank1s by X. Yuan, SampleSize/power
examples): alpha = 0.05 one-sided, power 0.8, accrual 5, follow-up 3, null
Weibull median 9 and shape 1.22, hazard ratio 1/1.75: n = 88, power at 88 = 0.803.
Grid: R's integrate over follow-up time (tests/reference/design_formulas.R),
including shapes below 1 whose hazard is infinite at 0.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

import blina_stats as bs

from .conftest import REFERENCE, run_r_script

WU_REF = pd.read_csv(REFERENCE / "design_formulas_wu.csv")


def test_wu_2015_example() -> None:
    kw = {"median0": 9, "shape": 1.22, "hazard_ratio": 1 / 1.75, "accrual": 5, "followup": 3}
    assert bs.design.one_sample_logrank(**kw).n == 88
    assert round(bs.design.one_sample_logrank(**kw, n=88).power, 3) == 0.803


@pytest.mark.parametrize(
    "row", list(WU_REF.itertuples()), ids=lambda r: f"k{r.k}-d{r.delta:.2f}-a{r.alpha}"
)
def test_against_r_integrate(row) -> None:
    kw = {
        "median0": row.m0,
        "shape": row.k,
        "hazard_ratio": row.delta,
        "accrual": row.ta,
        "followup": row.tf,
        "alpha": row.alpha,
    }
    d = bs.design.one_sample_logrank(**kw, power=row.power)
    assert d.n == row.n_required
    assert d.details["p0"] == pytest.approx(row.p0, rel=1e-8)
    assert d.details["p00"] == pytest.approx(row.p00, rel=1e-8)
    at68 = bs.design.one_sample_logrank(**kw, n=int(row.n))
    assert at68.power == pytest.approx(row.power_at_n, abs=1e-8)


@pytest.mark.r
def test_r_script_reproduces_reference_csv(tmp_path) -> None:
    shutil.copy(REFERENCE / "design_formulas.R", tmp_path)
    run_r_script(tmp_path / "design_formulas.R", tmp_path)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "design_formulas_wu.csv"), WU_REF)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hazard_ratio": 1.2}, "`hazard_ratio` must be strictly between 0 and 1"),
        ({"median0": 0}, "`median0` must be a finite positive time, got 0"),
        ({"followup": -1}, "`followup` must be a finite positive time, got -1"),
        ({"n": None, "power": None}, "`n` and `power` are both None"),
    ],
)
def test_bad_input(kwargs: dict, message: str) -> None:
    args = {"median0": 1.5, "shape": 1.0, "hazard_ratio": 0.6, "accrual": 2.0, "followup": 2.0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=re.escape(message)):
        bs.design.one_sample_logrank(**args)


def test_dropout_inflation() -> None:
    assert bs.design.inflate_for_dropout(61, 0.10) == 68
    assert bs.design.evaluable(68, 0.10) == 61
    assert bs.design.inflate_for_dropout(60, 0.0) == 60
    with pytest.raises(ValueError, match=re.escape("`dropout` must be strictly between 0 and 1")):
        bs.design.inflate_for_dropout(60, 1.0)
