"""Tests for blina_stats.compare.logrank against R ``survival::survdiff``.

Reference values: tests/reference/compare_logrank.R writes compare_logrank.csv,
compare_logrank_groups.csv and the synthetic data compare_logrank_data.csv.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blina_stats import logrank_test
from blina_stats.datasets import load_bmt

from .conftest import run_r_script

REF = Path(__file__).parent / "reference"


def _cases(data: pd.DataFrame) -> dict[str, dict]:
    bmt = load_bmt()
    return {
        # survdiff(Surv(t2, d3) ~ group, data = bmt)
        "bmt_dfs_group": {"time": bmt.t2, "event": bmt.d3, "group": bmt.group},
        # survdiff(Surv(t1, d1) ~ group + strata(z8), data = bmt)
        "bmt_death_group_strata_z8": {
            "time": bmt.t1,
            "event": bmt.d1,
            "group": bmt.group,
            "strata": bmt.z8,
        },
        # survdiff(Surv(t2, d3) ~ group, data = bmt, rho = 1)
        "bmt_dfs_group_rho1": {"time": bmt.t2, "event": bmt.d3, "group": bmt.group, "rho": 1.0},
        # survdiff(Surv(time, event) ~ group, data = syn)
        "syn_ties": {"time": data.time, "event": data.event, "group": data.group},
        # survdiff(Surv(time, event) ~ group + strata(stratum), data = syn)
        "syn_ties_strata": {
            "time": data.time,
            "event": data.event,
            "group": data.group,
            "strata": data.stratum,
        },
        # ... rho = 0.5
        "syn_ties_strata_rho0.5": {
            "time": data.time,
            "event": data.event,
            "group": data.group,
            "strata": data.stratum,
            "rho": 0.5,
        },
        # coxph(Surv(entry_u, time_u, event) ~ factor(group) + strata(stratum))$score
        "syn_entry_strata": {
            "time": data.time_u,
            "event": data.event,
            "group": data.group,
            "strata": data.stratum,
            "entry": data.entry_u,
        },
    }


def _check(folder: Path) -> None:
    data = pd.read_csv(folder / "compare_logrank_data.csv")
    ref = pd.read_csv(folder / "compare_logrank.csv").set_index("case")
    groups = pd.read_csv(folder / "compare_logrank_groups.csv")
    cases = _cases(data)
    assert set(cases) == set(ref.index)
    for case, kwargs in cases.items():
        res = logrank_test(**kwargs)
        row = ref.loc[case]
        np.testing.assert_allclose(res.statistic, row.statistic, rtol=1e-8, err_msg=case)
        np.testing.assert_allclose(res.pvalue, row.pvalue, rtol=1e-8, atol=1e-12, err_msg=case)
        assert res.df == row.df
        g = groups[groups.case == case]
        if len(g):
            np.testing.assert_allclose(res.observed, g.observed, rtol=1e-10, err_msg=case)
            np.testing.assert_allclose(res.expected, g.expected, rtol=1e-10, err_msg=case)


def test_matches_survdiff() -> None:
    _check(REF)


@pytest.mark.r
def test_matches_survdiff_live(tmp_path: Path) -> None:
    run_r_script(REF / "compare_logrank.R", tmp_path)
    _check(tmp_path)


def test_summary_table() -> None:
    bmt = load_bmt()
    res = logrank_test(bmt.t2, bmt.d3, bmt.group)
    tab = res.summary
    assert list(tab.index) == [1, 2, 3]
    assert tab["observed"].sum() == pytest.approx(tab["expected"].sum())
    assert tab["n"].tolist() == [38, 54, 45]
    assert "Log-rank test" in res._repr_html_()
    assert not hasattr(res, "to_frame")  # it only repeated `summary`


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 8), st.integers(0, 1), st.sampled_from("abc")),
        min_size=6,
        max_size=40,
    )
)
def test_labels_do_not_matter(rows: list[tuple[int, int, str]]) -> None:
    time, event, group = (np.array(c) for c in zip(*rows, strict=True))
    if event.sum() == 0 or np.unique(group).size < 2:
        return
    renamed = np.array([{"a": "z", "b": "y", "c": "x"}[g] for g in group])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # single-patient groups are fine here
        try:
            a = logrank_test(time, event, group)
        except ValueError:
            return
        b = logrank_test(time, event, renamed)
    assert a.statistic == pytest.approx(b.statistic, rel=1e-9, abs=1e-12)


def test_stratified_single_stratum_equals_unstratified() -> None:
    bmt = load_bmt()
    a = logrank_test(bmt.t2, bmt.d3, bmt.group)
    b = logrank_test(bmt.t2, bmt.d3, bmt.group, strata=np.zeros(len(bmt)))
    assert a.statistic == pytest.approx(b.statistic, rel=1e-12)


def test_bad_input() -> None:
    with pytest.raises(
        ValueError, match=re.escape("`group` has 1 missing value(s), at position(s) 2")
    ):
        logrank_test([1, 2, 3], [1, 0, 1], ["a", "b", None])
    with pytest.raises(ValueError, match="at least two groups"):
        logrank_test([1, 2, 3], [1, 0, 1], ["a", "a", "a"])
    with pytest.raises(ValueError, match="`event` has no events"):
        logrank_test([1, 2, 3], [0, 0, 0], ["a", "b", "a"])
    with pytest.raises(ValueError, match=re.escape("`event` must be 0 or 1")):
        logrank_test([1, 2, 3], [0, 2, 0], ["a", "b", "a"])
    with pytest.warns(UserWarning, match="`group` group 'b' has a single patient"):
        logrank_test([1, 2, 3, 4], [1, 1, 0, 1], ["a", "b", "a", "a"])


def test_group_without_events_is_allowed() -> None:
    # a group with no events still has expected events: the test is defined
    res = logrank_test([1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 0, 0], ["a", "a", "a", "b", "b", "b"])
    assert res.observed.tolist() == [3.0, 0.0]
    assert np.isfinite(res.statistic) and res.statistic > 0
