"""The example notebooks run top to bottom (a broken example fails CI) and show their figures."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
#: a cell that draws: a result's ``.plot(...)`` or a ``plot_*`` function
PLOTS = re.compile(r"(\.|\b)plot(_\w+)?\(")


def plot_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of the code cells that draw a figure."""
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and PLOTS.search(c.source)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_shows_every_figure(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the kernel picks Jupyter's own inline backend, as for a user (not a headless one set here)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        "notebooks are stored without outputs"
    )
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    without_image = [
        i
        for i in plot_cells(nb)
        if not any("image/png" in o.get("data", {}) for o in nb.cells[i].outputs)
    ]
    assert without_image == [], f"plot cells without a figure: {without_image}"


def test_the_analysis_notebook_has_plot_cells() -> None:
    nb = nbformat.read(NOTEBOOKS[0].with_name("analysis.ipynb"), as_version=4)
    assert len(plot_cells(nb)) >= 3


def test_there_is_a_notebook() -> None:
    assert NOTEBOOKS


def test_the_manuscript_notebook_goes_from_a_site_file_to_word() -> None:
    nb = nbformat.read(NOTEBOOKS[0].with_name("manuscript.ipynb"), as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    steps = ('date_format="%d/%m/%Y"', "bs.estimate(", 'cohort.plot("pfs", by=', "bs.fine_gray(")
    for step in (*steps, "bs.to_docx("):
        assert step in source, step
    assert len(plot_cells(nb)) >= 1
