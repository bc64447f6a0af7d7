"""Tests for blina_stats.compare.gray against R ``cmprsk::cuminc(...)$Tests``.

Reference values: tests/reference/compare_gray.R writes compare_gray.csv and the
synthetic tied data compare_gray_data.csv.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from blina_stats import gray_test
from blina_stats.datasets import load_bmt

from .conftest import run_r_script

REF = Path(__file__).parent / "reference"


def _bmt_status() -> tuple[pd.DataFrame, np.ndarray]:
    bmt = load_bmt()
    # relapse (1), death in remission (2), as in compare_gray.R
    return bmt, np.where(bmt.d2 == 1, 1, np.where(bmt.d1 == 1, 2, 0))


def _check(folder: Path) -> None:
    syn = pd.read_csv(folder / "compare_gray_data.csv")
    ref = pd.read_csv(folder / "compare_gray.csv")
    bmt, status = _bmt_status()
    cases = {
        # cuminc(bmt$t2, bmt$status, bmt$group)
        "bmt_group": {"time": bmt.t2, "status": status, "group": bmt.group},
        # ... rho = 1
        "bmt_group_rho1": {"time": bmt.t2, "status": status, "group": bmt.group, "rho": 1.0},
        # ... strata = bmt$z8
        "bmt_group_strata_z8": {
            "time": bmt.t2,
            "status": status,
            "group": bmt.group,
            "strata": bmt.z8,
        },
        # cuminc(bmt$t2, bmt$status, bmt$z8)
        "bmt_z8": {"time": bmt.t2, "status": status, "group": bmt.z8},
        # cuminc(syn$time, syn$status, syn$group)
        "syn_ties": {"time": syn.time, "status": syn.status, "group": syn.group},
        # cuminc(syn$time, syn$status, syn$group, strata = syn$stratum, rho = 0.5)
        "syn_ties_strata_rho0.5": {
            "time": syn.time,
            "status": syn.status,
            "group": syn.group,
            "strata": syn.stratum,
            "rho": 0.5,
        },
    }
    assert set(cases) == set(ref.case)
    for row in ref.itertuples():
        res = gray_test(**cases[row.case], cause=row.cause)
        msg = f"{row.case} cause {row.cause}"
        np.testing.assert_allclose(res.statistic, row.statistic, rtol=1e-8, err_msg=msg)
        np.testing.assert_allclose(res.pvalue, row.pvalue, rtol=1e-8, atol=1e-12, err_msg=msg)
        assert res.df == row.df


def test_matches_cuminc() -> None:
    _check(REF)


@pytest.mark.r
def test_matches_cuminc_live(tmp_path: Path) -> None:
    run_r_script(REF / "compare_gray.R", tmp_path)
    _check(tmp_path)


def test_summary_counts() -> None:
    bmt, status = _bmt_status()
    res = gray_test(bmt.t2, status, bmt.group)
    tab = res.summary
    assert tab["n"].sum() == len(bmt)
    assert tab["events"].sum() == (status == 1).sum()
    assert tab["competing"].sum() == (status == 2).sum()
    assert "Gray's test" in res._repr_html_()
    assert not hasattr(res, "to_frame")  # it only repeated `summary`


def test_order_of_rows_does_not_matter() -> None:
    bmt, status = _bmt_status()
    perm = np.random.default_rng(1).permutation(len(bmt))
    a = gray_test(bmt.t2, status, bmt.group)
    b = gray_test(bmt.t2.to_numpy()[perm], status[perm], bmt.group.to_numpy()[perm])
    assert a.statistic == pytest.approx(b.statistic, rel=1e-12)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match=re.escape("`status` has no events of `cause` 3")):
        gray_test([1, 2, 3], [1, 2, 0], ["a", "b", "a"], cause=3)
    with pytest.raises(ValueError, match=re.escape("`group` has 1 missing value(s)")):
        gray_test([1, 2, 3], [1, 2, 0], ["a", np.nan, "a"])
    with pytest.raises(ValueError, match="at least two groups"):
        gray_test([1, 2, 3], [1, 2, 0], [1, 1, 1])
    with pytest.warns(UserWarning, match="`group` group 'b' has a single patient"):
        gray_test([1, 2, 3, 4, 5], [1, 2, 1, 1, 0], ["a", "b", "a", "a", "a"])
