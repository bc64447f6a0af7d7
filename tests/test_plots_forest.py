"""Tests for blina_stats.plots.forest."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from blina_stats import fine_gray
from blina_stats.datasets import load_bmt
from blina_stats.plots import save
from blina_stats.plots.forest import plot_forest


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "hazard_ratio": [0.5, 1.4],
            "ci_lower": [0.3, 0.9],
            "ci_upper": [0.9, 2.2],
            "p": [0.01, 0.2],
        },
        index=["MRD only", "unrelated donor"],
    )


def test_rows_top_to_bottom_on_log_scale() -> None:
    ax = plot_forest(_table())
    assert ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ticks = ax.get_yticks()
    assert labels[int(np.argmax(ticks))] == "MRD only"  # first row on top
    texts = [t.get_text() for t in ax.texts]
    assert "0.50 (0.30-0.90)  p=0.010" in texts


def test_from_result_and_dict(tmp_path: Path) -> None:
    bmt = load_bmt()
    status = np.where(bmt.d2 == 1, 1, np.where(bmt.d1 == 1, 2, 0))
    fit = fine_gray(bmt.t2, status, bmt[["z1", "z8"]])
    ax = fit.plot()
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    by_height = sorted(zip(ax.get_yticks(), ticks, strict=True))
    assert [label for _, label in by_height] == ["z8", "z1"]  # z1 on top
    ax = plot_forest({"relapse": fit, "other": _table()})
    assert "relapse: z1" in [t.get_text() for t in ax.get_yticklabels()]
    written = save(ax.figure, tmp_path / "forest")
    assert [p.suffix for p in written] == [".png", ".pdf"]
    assert all(p.stat().st_size > 1000 for p in written)
    assert written[0].read_bytes()[:4] == b"\x89PNG"
    assert written[1].read_bytes()[:4] == b"%PDF"


def test_bad_input() -> None:
    tab = _table()
    tab.loc["MRD only", "ci_upper"] = np.inf
    with pytest.raises(
        ValueError, match=re.escape("non-finite hazard ratios or limits in row(s) ['MRD only']")
    ):
        plot_forest(tab)
    with pytest.raises(ValueError, match=re.escape("lacks column(s) ['ci_lower']")):
        plot_forest(_table().drop(columns="ci_lower"))
    with pytest.raises(TypeError, match="must be a DataFrame"):
        plot_forest([1, 2])


def test_reference_rows_and_counts() -> None:
    tab = pd.DataFrame(
        {
            "reference": [True, False, False],
            "n": [29, 6, 25],
            "events": [17, 3, 12],
            "hazard_ratio": [1.0, 0.68, 0.70],
            "ci_lower": [np.nan, 0.20, 0.33],
            "ci_upper": [np.nan, 2.33, 1.48],
            "p": [np.nan, 0.537, 0.355],
        },
        index=["donor: MUD (reference)", "donor: MMUD", "donor: MSD"],
    )
    ax = plot_forest(tab)
    texts = [t.get_text() for t in ax.texts]
    assert texts[:4] == ["29 / 17", "1 (reference)", "6 / 3", "0.68 (0.20-2.33)  p=0.537"]
    assert texts[-2:] == ["n / events", "HR (95% CI)"]
    # the reference: an open marker at 1, no interval
    (marker,) = [line for line in ax.lines if line.get_markerfacecolor() == "white"]
    assert list(marker.get_xdata()) == [1.0] and list(marker.get_ydata()) == [2]
    tab.loc["donor: MMUD", "ci_upper"] = np.nan  # only a reference may lack its limits
    with pytest.raises(ValueError, match=re.escape("in row(s) ['donor: MMUD']")):
        plot_forest(tab)
