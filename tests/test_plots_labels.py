"""Labels that hide nothing (issue 14, finding 7), the numbers at risk under delayed entry, and
percent ticks with the decimals their step needs."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.path import Path
from matplotlib.text import Text

import blina_stats as bs
from blina_stats.datasets import load_bmt
from blina_stats.plots.at_risk import AT_RISK_GID, LATER_ENTRY_NOTE
from blina_stats.plots.axes import percent_formatter
from blina_stats.plots.marks import HORIZON_LINE_GID, PlacedLabel
from blina_stats.plots.style import figure_of, new_axes
from blina_stats.report.parts.figures import FIGURES
from blina_stats.synthetic import bundled

from .test_plots_groups import GROUP_FIGURES


@pytest.fixture(scope="module")
def trial() -> bs.Cohort:
    return bs.load_events(bundled("trial"))


def _curves(ax) -> list[Path]:
    """Every drawn line in display coordinates (the stepped curves, error bars), not the
    dotted line at a horizon."""
    out = []
    for line in ax.get_lines():
        if line.get_gid() == HORIZON_LINE_GID or line.get_linestyle() in ("None", ""):
            continue
        out.append(line.get_transform().transform_path(line.get_path()))
    return out


def _figures(trial: bs.Cohort) -> dict[str, object]:
    report = {name: make for name, (_, make) in FIGURES.items()}
    figs: dict[str, object] = {n: figure_of(f(trial)) for n, f in GROUP_FIGURES.items()}  # type: ignore[arg-type]
    figs.update({f"report_{n}": make(trial.endpoint) for n, make in report.items()})
    return figs


def test_no_label_hides_a_curve(trial: bs.Cohort) -> None:
    checked = 0
    for name, fig in _figures(trial).items():
        fig.draw_without_rendering()  # type: ignore[attr-defined]
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        for ax in fig.axes:  # type: ignore[attr-defined]
            curves = _curves(ax)
            for label in [t for t in ax.texts if isinstance(t, PlacedLabel)]:
                box = Text.get_window_extent(label, renderer)
                for path in curves:
                    inside = box.count_contains(path.vertices)
                    assert inside == 0, (name, label.get_text())
                    assert not path.intersects_bbox(box, filled=False), (name, label.get_text())
                checked += 1
    assert checked >= 12


def test_a_label_is_moved_off_a_curve_through_its_first_place() -> None:
    ax = new_axes()
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 1)
    # a curve right through the first place of the label (above and to the right of the mark)
    ax.plot([0, 100], [0.55, 0.55], color="k")
    bs.plots.mark_horizon(ax, 50.0, 0.5, 0.45, 0.52, color="C0", name="day +50")
    fig = figure_of(ax)
    fig.draw_without_rendering()
    (label,) = [t for t in ax.texts if isinstance(t, PlacedLabel)]
    box = Text.get_window_extent(label, fig.canvas.get_renderer())
    (path,) = [
        p for p in _curves(ax) if len(p.vertices) == 2 and p.vertices[0, 1] == p.vertices[1, 1]
    ]
    assert not path.intersects_bbox(box, filled=False)
    assert label.xy == (50.0, 0.5)  # the mark stays; only its label moves


def test_delayed_entry_counts_at_month_0_include_patients_entering_later(trial: bs.Cohort) -> None:
    data = trial.endpoint("pfs")
    assert data.entry is not None and data.result.at([0.0])["n_at_risk"].iloc[0] == 0
    ax = trial.plot("pfs")
    table = [t for t in ax.texts if t.get_gid() == AT_RISK_GID]
    counts = [t for t in table if t.get_text().isdigit()]
    ticks = [t.xy[0] for t in counts]
    # still followed at the tick or still to enter: every patient whose follow-up is not over
    expected = [int((data.time >= t).sum()) for t in ticks]
    assert [int(t.get_text()) for t in counts] == expected
    assert expected[0] == data.n_used
    assert LATER_ENTRY_NOTE in [t.get_text() for t in table]
    # at a tick everyone has entered by, the count is the risk set of the estimator
    later = [i for i, t in enumerate(ticks) if t > data.entry.max()]
    assert later and all(
        expected[i] == data.result.at([ticks[i]])["n_at_risk"].iloc[0] for i in later
    )


def test_no_footnote_without_delayed_entry(trial: bs.Cohort) -> None:
    bmt = load_bmt()
    for ax in (
        bs.kaplan_meier(bmt["t1"], bmt["d1"]).plot(),
        trial.plot("pfs", delayed_entry=False),
    ):
        assert LATER_ENTRY_NOTE not in [t.get_text() for t in ax.texts]


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (0.025, ["0%", "2.5%", "5.0%", "7.5%", "10.0%"]),
        (0.1, ["0%", "10%", "20%", "30%", "40%"]),
        (0.05, ["0%", "5%", "10%", "15%", "20%"]),
    ],
)
def test_percent_ticks_keep_the_decimal_of_their_step(step: float, expected: list[str]) -> None:
    ticks = np.arange(5) * step
    assert percent_formatter().format_ticks(ticks) == expected


def test_an_incidence_axis_in_2_5_percent_steps_reads_so() -> None:
    ci = bs.cumulative_incidence([10, 20, 30, 40, 50] * 8, [1] + [0] * 39)
    ax = ci.plot(ylim=0.1)
    ax.set_yticks(np.arange(5) * 0.025)
    figure_of(ax).draw_without_rendering()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0%", "2.5%", "5.0%", "7.5%", "10.0%"]


def test_a_label_is_placed_once_per_layout_whatever_the_formats(
    trial: bs.Cohort, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the search ran on every draw, and a legend at loc="best" asks every text for its
    # extent on each draw: 9 of the report's 20 s of savefig under a profile
    from blina_stats.plots.style import save

    searches: list[PlacedLabel] = []
    place = PlacedLabel._place

    def counted(self: PlacedLabel, renderer: object) -> object:
        searches.append(self)
        return place(self, renderer)  # type: ignore[arg-type]

    monkeypatch.setattr(PlacedLabel, "_place", counted)
    ax = trial.plot("pfs", by="mrd_pre_hsct", pvalue=True, horizon=True)
    fig = figure_of(ax)
    labels = [t for t in ax.texts if isinstance(t, PlacedLabel)]
    assert len(labels) >= 3
    save(fig, tmp_path / "pfs", formats=("png",))
    after_png = len(searches)
    assert {id(t) for t in searches} == {id(t) for t in labels}
    places = [(t.xy, t.xyann) for t in labels]
    save(fig, tmp_path / "again", formats=("png", "pdf"))
    assert len(searches) == after_png  # the same layouts at 72 and 300 dpi: no new search
    assert [(t.xy, t.xyann) for t in labels] == places
    ax.set_ylim(0.0, 0.9)  # a new layout: placed again
    fig.draw_without_rendering()
    assert len(searches) > after_png
