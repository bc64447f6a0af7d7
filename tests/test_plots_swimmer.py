"""Swimmer plot: one bar per patient, courses and events where the data put them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from blina_stats.plots import save
from blina_stats.plots.swimmer import plot_swimmer
from blina_stats.safety import exposure

from .safety_fixtures import cohort, dosing


def test_bars_markers_and_order() -> None:
    c = cohort()
    ax = plot_swimmer(c, exposure(dosing(), c))
    bars = ax.patches
    assert len(bars) == 5
    widths = sorted(b.get_width() for b in bars)
    assert widths == [60, 95, 150, 300, 400]
    # longest follow-up on top: P1 (400 days) has the highest y
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ys = ax.get_yticks()
    assert labels[int(np.argmax(ys))] == "P1"
    assert labels[int(np.argmin(ys))] == "P5"
    # seven courses drawn as segments from their first to the day after their last infusion
    segments = [s for coll in ax.collections for s in getattr(coll, "get_segments", list)()]
    starts = sorted(seg[0][0] for seg in segments)
    assert starts == [65, 70, 80, 90, 126, 135, 215]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:2] == ["Follow-up after transplant", "Blinatumomab course"]
    assert "Alive at last contact" in legend


def test_death_relapse_and_arrows() -> None:
    c = cohort()
    ax = plot_swimmer(c, legend=False)
    points = [coll.get_offsets() for coll in ax.collections if len(coll.get_offsets())]
    xs = sorted(float(x) for off in points for x in np.asarray(off)[:, 0])
    # relapse P3 day 200, death P2 day 150, arrows after last contact of the four alive
    assert 200.0 in xs and 150.0 in xs
    assert sum(x > 60 and x < 70 for x in xs) == 1  # P5's arrow just past day 60
    assert ax.get_legend() is None


def test_save_writes_png_and_pdf(tmp_path: Path) -> None:
    c = cohort()
    paths = save(plot_swimmer(c, exposure(dosing(), c).courses).figure, tmp_path / "swimmer")
    assert [p.suffix for p in paths] == [".png", ".pdf"]
    assert all(p.stat().st_size > 1000 for p in paths)


def test_bad_exposure() -> None:
    with pytest.raises(TypeError, match="ExposureResult or a DataFrame"):
        plot_swimmer(cohort(), exposure=[1, 2])
    with pytest.raises(ValueError, match="start_day"):
        plot_swimmer(cohort(), exposure=pd.DataFrame({"patient_id": ["P1"]}))
