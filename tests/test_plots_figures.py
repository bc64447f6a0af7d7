"""Figures are made through pyplot (Jupyter shows them); headless use closes them."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

import blina_stats as bs
from blina_stats.datasets import load_bmt
from blina_stats.plots.forest import plot_forest
from blina_stats.plots.style import closing_new_figures, figure_of, new_axes, style
from blina_stats.report import build_report
from blina_stats.report.part import Part, build_part
from blina_stats.report.write import write_part
from blina_stats.synthetic import bundled

SRC = Path(__file__).parents[1] / "src" / "blina_stats"


@pytest.fixture(scope="module")
def cohort() -> bs.Cohort:
    return bs.load_events(bundled("trial"))


def _plots(cohort: bs.Cohort) -> dict[str, object]:
    bmt = load_bmt()
    cox = bs.cox_regression(bmt["t2"], bmt["d3"], bmt[["z1", "z3"]])
    return {
        "kaplan_meier": lambda: bs.kaplan_meier(bmt["t1"], bmt["d1"]).plot(),
        "endpoint": lambda: cohort.endpoint("pfs").plot(horizon=730.5),
        "endpoint_result": lambda: cohort.endpoint("os").result.plot(),
        "incidence": lambda: cohort.endpoint("relapse").result.plot(cause=[1, 2]),
        "cox_forest": lambda: cox.plot(),
        "plot_forest": lambda: plot_forest(cox),
        "schoenfeld": lambda: bs.cox_zph(cox).plot("z1"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "kaplan_meier",
        "endpoint",
        "endpoint_result",
        "incidence",
        "cox_forest",
        "plot_forest",
        "schoenfeld",
    ],
)
def test_a_plot_without_ax_is_on_a_pyplot_figure(name: str, cohort: bs.Cohort) -> None:
    before = set(plt.get_fignums())
    ax = _plots(cohort)[name]()
    fig = figure_of(ax)
    # pyplot's figure manager holds it: the inline backend shows it at the end of the cell
    assert set(plt.get_fignums()) - before == {fig.number}
    assert plt.gcf() is fig
    assert fig.get_layout_engine() is not None  # still the constrained publication layout


def test_no_figure_is_made_outside_pyplot() -> None:
    # a bare matplotlib Figure is invisible in Jupyter: every figure comes from style.new_figure
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if re.search(r"\bFigure\(|plt\.subplots?\(", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_closing_new_figures_closes_only_the_figures_opened_inside() -> None:
    kept = plt.figure()
    with closing_new_figures():
        new_axes()
        new_axes()
    assert plt.get_fignums() == [kept.number]
    with closing_new_figures(on_error_only=True):
        ax = new_axes()
    assert figure_of(ax).number in plt.get_fignums()
    with pytest.raises(RuntimeError, match=re.escape("boom")), closing_new_figures(True):
        new_axes()
        raise RuntimeError("boom")
    assert plt.get_fignums() == [kept.number, figure_of(ax).number]


def test_a_report_part_leaves_no_open_figure(tmp_path: Path) -> None:
    before = plt.get_fignums()
    part = Part("k", "Title", figures=(("A figure", figure_of(new_axes()), "fig"),))
    _, written = write_part(part, tmp_path)
    assert [p.name for p in written] == ["fig.png", "fig.pdf"]
    assert plt.get_fignums() == before


def test_a_failed_report_part_leaves_no_open_figure() -> None:
    before = plt.get_fignums()

    def build(ctx: object) -> Part:
        new_axes()
        raise ValueError("cannot draw")

    ctx = SimpleNamespace(cohort=SimpleNamespace(source="trial.csv"))
    part = build_part("k", "Title", build, ctx)  # type: ignore[arg-type]
    assert part.status == "missing"
    assert plt.get_fignums() == before


def test_the_report_leaves_no_open_figure(tmp_path: Path) -> None:
    before = plt.get_fignums()
    result = build_report(bundled("trial"), out=tmp_path / "out", quiet=True, n_trials=0)
    assert any(p.suffix == ".png" for p in result.files)
    assert plt.get_fignums() == before


def test_the_style_keeps_the_interactive_mode_the_block_left() -> None:
    # Jupyter's inline backend switches interactive mode on while the first figure loads it
    # (inside the style); undoing that would hide every later figure of the notebook
    was = mpl.is_interactive()
    try:
        with style():
            mpl.interactive(not was)
        assert mpl.is_interactive() is (not was)
    finally:
        mpl.interactive(was)
