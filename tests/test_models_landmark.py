"""Tests for blina_stats.models.landmark against R ``coxph`` (landmark subset, ``tmerge``).

The one R script also fits the time-varying models (blina_stats.models.time_varying),
checked here with the landmark fits; tests/test_models_time_varying.py tests the rest.

Reference values: tests/reference/models_landmark.R writes models_landmark.csv.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from blina_stats.datasets import load_bmt
from blina_stats.models.landmark import landmark_cox
from blina_stats.models.time_varying import time_varying_cox

from .conftest import run_r_script

REF = Path(__file__).parent / "reference"


def _check(folder: Path) -> None:
    ref = pd.read_csv(folder / "models_landmark.csv")
    bmt = load_bmt()
    agvhd = {"agvhd": (bmt.ta, bmt.da)}
    cgvhd = {"cgvhd": (bmt.tc, bmt.dc)}
    fits = {
        # coxph(Surv(t2 - 100, d3) ~ agvhd + z1, data = subset(bmt, t2 > 100))
        "landmark100_dfs": landmark_cox(bmt.t2, bmt.d3, 100, bmt[["z1"]], agvhd),
        # ... censored at day 1000, robust
        "landmark100_dfs_h1000_robust": landmark_cox(
            bmt.t2, bmt.d3, 100, bmt[["z1"]], agvhd, horizon=1000, robust=True
        ),
        # coxph(Surv(tstart, tstop, relapse) ~ cgvhd + z1 + z8, data = tmerge(...))
        "tv_cgvhd_relapse": time_varying_cox(bmt.t2, bmt.d2, cgvhd, bmt[["z1", "z8"]]),
        # ... ~ cgvhd, id = id, robust = TRUE
        "tv_cgvhd_relapse_robust": time_varying_cox(bmt.t2, bmt.d2, cgvhd, robust=True),
    }
    for case, res in fits.items():
        r = ref[ref.case == case]
        model = getattr(res, "model", res)
        n = res.n_at_landmark if hasattr(res, "n_at_landmark") else res.n_rows
        assert n == r.n.iloc[0], case
        assert list(model.names) == r.term.tolist()
        np.testing.assert_allclose(model.coef, r.coef, rtol=1e-6, atol=1e-9, err_msg=case)
        np.testing.assert_allclose(model.se, r.se, rtol=1e-6, err_msg=case)
        np.testing.assert_allclose(model.loglik, r.loglik.iloc[0], rtol=1e-9, err_msg=case)
        np.testing.assert_allclose(model.loglik_null, r.loglik_null.iloc[0], rtol=1e-9)


def test_matches_coxph() -> None:
    _check(REF)


@pytest.mark.r
def test_matches_coxph_live(tmp_path: Path) -> None:
    run_r_script(REF / "models_landmark.R", tmp_path)
    _check(tmp_path)


def test_landmark_counts_and_bad_input() -> None:
    bmt = load_bmt()
    res = landmark_cox(bmt.t2, bmt.d3, 100, exposures={"agvhd": (bmt.ta, bmt.da)})
    assert res.n_patients == 137 and res.n_at_landmark == (bmt.t2 > 100).sum()
    assert res.exposed["agvhd"] == ((bmt.t2 > 100) & (bmt.da == 1) & (bmt.ta <= 100)).sum()
    assert "Landmark analysis" in res._repr_html_()
    with pytest.raises(ValueError, match="no patient is followed beyond it"):
        landmark_cox(bmt.t2, bmt.d3, 10_000, exposures={"agvhd": (bmt.ta, bmt.da)})
    with pytest.raises(ValueError, match=re.escape("`horizon` 50 must be after the landmark 100")):
        landmark_cox(bmt.t2, bmt.d3, 100, bmt[["z1"]], horizon=50)
    with pytest.raises(ValueError, match=re.escape("`exposures['agvhd'] time` must be finite")):
        landmark_cox(bmt.t2, bmt.d3, 100, exposures={"agvhd": (bmt.ta.where(bmt.ta > 5), bmt.da)})
