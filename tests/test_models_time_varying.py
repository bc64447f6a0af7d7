"""Tests for blina_stats.models.time_varying (counting-process data as R ``tmerge``).

The fits against R ``coxph`` are checked with the landmark fits in
tests/test_models_landmark.py (one R script, models_landmark.R, writes both).
"""

from __future__ import annotations

import numpy as np
import pytest

from blina_stats.datasets import load_bmt
from blina_stats.models import time_varying_cox as exported
from blina_stats.models.time_varying import counting_process, time_varying_cox


def test_counting_process_splits_like_tmerge() -> None:
    time = np.array([10.0, 10.0, 10.0, 10.0])
    event = np.array([1, 0, 1, 1])
    # exposure inside, on the last day, at entry (day 0), never
    when = np.array([4.0, 10.0, 0.0, 3.0])
    happened = np.array([True, True, True, False])
    data = counting_process(time, event, {"z": (when, happened)})
    assert data["id"].tolist() == [0, 0, 1, 2, 3]
    assert data["start"].tolist() == [0, 4, 0, 0, 0]
    assert data["stop"].tolist() == [4, 10, 10, 10, 10]
    assert data["event"].tolist() == [0, 1, 0, 1, 1]
    assert data["z"].tolist() == [0, 1, 0, 1, 0]


def test_time_varying_result() -> None:
    bmt = load_bmt()
    res = time_varying_cox(bmt.t2, bmt.d2, {"cgvhd": (bmt.tc, bmt.dc)})
    assert res.n_events == bmt.d2.sum()
    assert res.data.groupby("id")["stop"].max().tolist() == bmt.t2.tolist()
    assert "time-varying" in res._repr_html_()
    with pytest.raises(ValueError, match="`exposures` is empty"):
        time_varying_cox(bmt.t2, bmt.d2, {})


def test_package_exports_the_same_function() -> None:
    assert exported is time_varying_cox
