"""Image regression of the main report figures (matplotlib's image comparison).

The baselines live in tests/baseline_images/. After a deliberate change of a
figure, look at the new images, then regenerate the baselines with

    make baselines

(``BLINA_REGENERATE_BASELINES=1 .venv/bin/python -m pytest tests/test_plots_regression.py``)
and commit them with a message saying what changed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from matplotlib.testing.compare import compare_images

import blina_stats as bs
from blina_stats.report.parts.figures import FIGURES
from blina_stats.synthetic import bundled

BASELINE = Path(__file__).parent / "baseline_images"
REGENERATE = os.environ.get("BLINA_REGENERATE_BASELINES") == "1"
TOLERANCE = 2.0  # RMS over 0-255 grey levels: catches a moved curve or label, not anti-aliasing


@pytest.mark.parametrize("name", ["os", "pfs", "relapse_nrm", "agvhd", "cgvhd"])
def test_figure_matches_its_baseline(name: str, tmp_path: Path) -> None:
    cohort = bs.load_events(bundled("trial"))
    fig = FIGURES[name][1](cohort.endpoint)
    actual = tmp_path / f"{name}.png"
    fig.savefig(actual, dpi=100)
    expected = BASELINE / f"{name}.png"
    if REGENERATE:
        expected.write_bytes(actual.read_bytes())
        pytest.skip(f"regenerated {expected}")
    assert expected.exists(), f"no baseline {expected}: run `make baselines`"
    diff = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert diff is None, diff
