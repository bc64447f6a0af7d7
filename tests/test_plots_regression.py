"""Image regression of the main report figures (matplotlib's image comparison).

The baselines live in tests/baseline_images/. After a deliberate change of a
figure, look at the new images, then regenerate the baselines with

    make baselines

(``BLINA_REGENERATE_BASELINES=1 .venv/bin/python -m pytest tests/test_plots_regression.py``)
and commit them with a message saying what changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.testing.compare import compare_images

import blina_stats as bs
from blina_stats.plots.style import figure_of
from blina_stats.report.parts.figures import FIGURES
from blina_stats.synthetic import bundled

BASELINE = Path(__file__).parent / "baseline_images"
REGENERATE = os.environ.get("BLINA_REGENERATE_BASELINES") == "1"
TOLERANCE = 2.0  # RMS over 0-255 grey levels: catches a moved curve or label, not anti-aliasing


#: the figures by group of the bundled trial: 2- and 3-group KM, 2 causes x 2 groups
GROUPS: dict[str, Callable[[bs.Cohort], Axes]] = {
    "pfs_by_mrd": lambda c: c.plot("pfs", by="mrd_pre_hsct", pvalue=True, horizon=True),
    "os_by_age": lambda c: c.plot("os", by="age", bins=[40, 55], pvalue=True),
    "relapse_nrm_by_mrd": lambda c: c.plot("relapse", by="mrd_pre_hsct", cause=[1, 2], pvalue=True),
}


def _draw(name: str) -> Figure:
    cohort = bs.load_events(bundled("trial"))
    if name in GROUPS:
        return figure_of(GROUPS[name](cohort))
    return FIGURES[name][1](cohort.endpoint)


@pytest.mark.parametrize("name", ["os", "pfs", "relapse_nrm", "agvhd", "cgvhd", *GROUPS])
def test_figure_matches_its_baseline(name: str, tmp_path: Path) -> None:
    fig = _draw(name)
    actual = tmp_path / f"{name}.png"
    fig.savefig(actual, dpi=100)
    expected = BASELINE / f"{name}.png"
    if REGENERATE:
        expected.write_bytes(actual.read_bytes())
        pytest.skip(f"regenerated {expected}")
    assert expected.exists(), f"no baseline {expected}: run `make baselines`"
    diff = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert diff is None, diff
