"""Survival and incidence figures: what a reader sees is what the estimators say."""

from __future__ import annotations

import numpy as np
import pytest

import blina_stats as bs
from blina_stats.datasets import load_bmt
from blina_stats.plots import save


@pytest.fixture(scope="module")
def bmt():
    return load_bmt()


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_kaplan_meier_figure_has_band_ticks_at_risk_and_horizon(bmt, tmp_path) -> None:
    km = bs.kaplan_meier(bmt["t1"], bmt["d1"])
    ax = km.plot(horizon=730.5, horizon_name="2 years")
    texts = _texts(ax)
    row = km.at([730.5]).iloc[0]
    assert f"2 years: {100 * row['estimate']:.1f}%" in "".join(texts)
    assert f"CI {100 * row['ci_lower']:.1f}-{100 * row['ci_upper']:.1f}" in "".join(texts)
    ticks = ax.get_xticks()
    at_risk = [int(t) for t in texts if t.isdigit()]
    assert at_risk == km.at(ticks)["n_at_risk"].tolist()
    assert len(ax.collections) >= 1  # the confidence band
    paths = save(ax.figure, tmp_path / "os")
    assert [p.suffix for p in paths] == [".png", ".pdf"]
    assert all(p.stat().st_size > 10_000 for p in paths)


def test_incidence_figure_draws_each_cause_and_the_total(bmt) -> None:
    status = bmt["d2"] + 2 * ((bmt["d3"] == 1) & (bmt["d2"] == 0))
    ci = bs.cumulative_incidence(bmt["t2"], status)
    ax = ci.plot(cause=[1, 2], label=["Relapse", "NRM"], stacked_total="Relapse or death")
    labels = [line.get_label() for line in ax.get_lines()]
    assert {"Relapse", "NRM", "Relapse or death"} <= set(labels)
    total = next(ln for ln in ax.get_lines() if ln.get_label() == "Relapse or death")
    np.testing.assert_allclose(total.get_ydata()[-1], ci.estimate[-1].sum())


def test_plot_onto_a_given_axes() -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    out = bs.kaplan_meier([1, 2, 3], [1, 0, 1]).plot(ax=ax, at_risk=False)
    assert out is ax


def test_unknown_keywords_are_refused_and_style_keywords_pass_through(bmt) -> None:
    km = bs.kaplan_meier(bmt["t1"], bmt["d1"])
    with pytest.raises(TypeError, match="horizn"):
        km.plot(horizn=730.5)
    ax = km.plot(linestyle="--", linewidth=2.5, alpha=0.5, at_risk=False)
    line = ax.get_lines()[0]
    assert (line.get_linestyle(), line.get_linewidth(), line.get_alpha()) == ("--", 2.5, 0.5)
    ci = bs.cumulative_incidence(bmt["t2"], bmt["d2"])
    with pytest.raises(TypeError, match="colour"):
        ci.plot(colour="red")
    ax = ci.plot(linestyle=":", at_risk=False)
    assert ax.get_lines()[0].get_linestyle() == ":"
