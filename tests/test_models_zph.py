"""Tests for blina_stats.models.zph against R ``survival::cox.zph`` (survival 3.x).

Reference values: tests/reference/models_zph.R writes models_zph.csv (chisq, df,
p per term and GLOBAL), models_zph_resid.csv (scaled Schoenfeld residuals) and
the synthetic data with delayed entry and tied times models_zph_data.csv.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats import cox_regression, cox_zph
from blina_stats.datasets import load_bmt
from blina_stats.models import ProportionalHazardsTest

from .conftest import run_r_script

REF = Path(__file__).parent / "reference"


def _fits(folder: Path) -> dict[str, bs.CoxResult]:
    syn = pd.read_csv(folder / "models_zph_data.csv")
    bmt = load_bmt()
    cov = pd.DataFrame({"z1": bmt.z1, "z8": bmt.z8, "disease": bmt.group.astype(str)})
    return {
        # coxph(Surv(t2, d3) ~ z1 + z8 + disease, data = bmt)
        "bmt_dfs": cox_regression(bmt.t2, bmt.d3, cov),
        # coxph(Surv(time, event) ~ x1 + x2 + site, data = syn)
        "syn_plain": cox_regression(syn.time, syn.event, syn[["x1", "x2", "site"]]),
        # coxph(Surv(entry, time, event) ~ x1 + x2 + site, data = syn)
        "syn_entry": cox_regression(
            syn.time, syn.event, syn[["x1", "x2", "site"]], entry=syn.entry
        ),
        # coxph(Surv(entry, time, event) ~ x1 + x2 + strata(site), data = syn)
        "syn_entry_strata": cox_regression(
            syn.time, syn.event, syn[["x1", "x2"]], entry=syn.entry, strata=syn.site
        ),
        # coxph(Surv(entry, time, event) ~ x1 + x2 + site, data = syn, weights = w)
        "syn_entry_weights": cox_regression(
            syn.time, syn.event, syn[["x1", "x2", "site"]], entry=syn.entry, weights=syn.w
        ),
    }


def _check(folder: Path) -> None:
    ref = pd.read_csv(folder / "models_zph.csv")
    resid = pd.read_csv(folder / "models_zph_resid.csv")
    for case, fit in _fits(folder).items():
        for transform in ("km", "identity"):
            # cox.zph(fit, transform = transform)
            zph = cox_zph(fit, transform)
            what = f"{case}, {transform}"
            r = ref[(ref.case == case) & (ref["transform"] == transform)]
            assert list(zph.table.index) == list(r.term), what
            np.testing.assert_allclose(zph.table.chisq, r.chisq, rtol=1e-6, err_msg=what)
            np.testing.assert_allclose(zph.table.p, r.p, rtol=1e-6, atol=1e-12, err_msg=what)
            assert zph.table.df.tolist() == r.df.tolist(), what
            rr = resid[(resid.case == case) & (resid["transform"] == transform)]
            y = rr.pivot(index="row", columns="term", values="y")[list(zph.terms)]
            first = rr[rr.term == zph.terms[0]]
            np.testing.assert_allclose(zph.x, first.x, rtol=1e-9, atol=1e-12, err_msg=what)
            np.testing.assert_allclose(zph.time, first.time, rtol=1e-12, err_msg=what)
            np.testing.assert_allclose(zph.residuals, y, rtol=1e-6, atol=1e-8, err_msg=what)


def test_matches_cox_zph() -> None:
    _check(REF)


@pytest.mark.r
def test_matches_cox_zph_live(tmp_path: Path) -> None:
    run_r_script(REF / "models_zph.R", tmp_path)
    _check(tmp_path)


def test_a_waning_effect_is_detected_and_a_constant_one_is_not() -> None:
    rng = np.random.default_rng(20261201)
    n = 600
    x = rng.integers(0, 2, n)
    # hazard ratio 4 before day 100, 1/4 after: far from proportional
    early = rng.exponential(100 / np.where(x == 1, 4.0, 1.0))
    late = 100 + rng.exponential(100 / np.where(x == 1, 0.25, 1.0))
    time = np.where(early < 100, early, late)
    crossing = cox_zph(cox_regression(time, np.ones(n), pd.DataFrame({"x": x})))
    assert crossing.table.loc["x", "p"] < 0.01
    steady = rng.exponential(100 / np.where(x == 1, 2.0, 1.0))
    assert (
        cox_zph(cox_regression(steady, np.ones(n), pd.DataFrame({"x": x}))).table.loc["x", "p"]
        > 1e-3
    )


def test_cohort_form_terms_and_bad_transform() -> None:
    cohort = bs.load_events(bs.synthetic.bundled("trial"))
    zph = cox_zph(cox_regression(cohort, "pfs", ["donor_type", "age"]))
    assert isinstance(zph, ProportionalHazardsTest)
    assert list(zph.table.index) == ["donor_type", "age", "GLOBAL"]
    assert zph.table.df.tolist() == [3, 1, 4]
    assert zph.residuals.shape == (zph.time.size, 2)
    assert zph.time.size == cohort.endpoint("pfs").result.n_events.sum()
    with pytest.raises(ValueError, match=re.escape("`transform` must be one of ['km', 'identity'")):
        cox_zph(cox_regression(cohort, "pfs", ["age"]), transform="kaplan")


def test_plot_draws_the_residuals_smoother_and_band(tmp_path: Path) -> None:
    from blina_stats.plots import save

    cohort = bs.load_events(bs.synthetic.bundled("trial"))
    zph = cox_zph(cox_regression(cohort, "pfs", ["donor_type", "age"]))
    ax = zph.plot("age")
    points = ax.collections[0].get_offsets()
    assert len(points) == zph.time.size
    smoother, lower, upper, flat = ax.lines
    assert np.all(lower.get_ydata() < smoother.get_ydata())
    assert np.all(smoother.get_ydata() < upper.get_ydata())
    assert flat.get_ydata()[0] == pytest.approx(zph.coef[1])
    assert ax.get_title() == f"age: p = {zph.table.loc['age', 'p']:.3f}"
    # km scale: ticks labelled with times of events
    labels = [float(t.get_text()) for t in ax.get_xticklabels()]
    assert labels[0] == pytest.approx(zph.time.min(), rel=1e-3)
    assert save(ax.figure, tmp_path / "zph")[0].stat().st_size > 1000
    with pytest.raises(ValueError, match=re.escape("give `term`, one of ['donor_type', 'age']")):
        zph.plot()
    with pytest.raises(ValueError, match=re.escape("`term` 'sex' is not a term of the model")):
        zph.plot("sex")
