"""Every curve of every report figure is marked at its own endpoint's horizon, with the outcome
table's estimate and a label from the figure's origin."""

from __future__ import annotations

import itertools

import pytest
from matplotlib.text import Annotation

import blina_stats as bs
from blina_stats.endpoints.labels import horizon_label
from blina_stats.plots.survival import MARK_GID
from blina_stats.report.parts.figures import FIGURES
from blina_stats.synthetic import bundled

#: the endpoints whose curves each figure marks
SHOWN = {
    "os": ("os",),
    "pfs": ("pfs",),
    "grfs": ("grfs",),
    "relapse_nrm": ("relapse", "nrm"),
    "agvhd": ("agvhd", "agvhd_3_4"),
    "cgvhd": ("cgvhd", "cgvhd_mod_severe"),
}


@pytest.fixture(scope="module")
def trial() -> bs.Cohort:
    return bs.load_events(bundled("trial"))


def _marks(fig) -> list[Annotation]:
    return [
        t
        for ax in fig.axes
        for t in ax.texts
        if isinstance(t, Annotation) and t.get_gid() == MARK_GID
    ]


def test_every_figure_is_checked() -> None:
    assert set(SHOWN) == set(FIGURES)


@pytest.mark.parametrize("origin", ["transplant", "enrollment"])
@pytest.mark.parametrize("name", list(SHOWN))
def test_each_curve_is_marked_at_its_own_horizon_with_the_tables_estimate(
    trial: bs.Cohort, name: str, origin: str
) -> None:
    table = bs.estimate(trial, endpoints=SHOWN[name], origin=origin)

    def endpoint(n: str) -> bs.endpoints.EndpointData:
        return bs.endpoints.derive(trial, n, origin=origin)

    marks = _marks(FIGURES[name][1](endpoint))
    assert len(marks) == len(SHOWN[name])
    for mark, (ep, row) in zip(marks, table.iterrows(), strict=True):
        horizon, value = mark.xy
        assert horizon == row["horizon_days"], ep
        assert value == pytest.approx(row["estimate"], rel=0, abs=1e-12), ep
        words = horizon_label(row["horizon_days"], origin, short=True)
        assert mark.get_text().startswith(f"{words}: {100 * row['estimate']:.1f}%"), ep
        if origin == "enrollment":
            assert "day +" not in mark.get_text()


def test_nrm_is_marked_at_six_months_not_at_relapses_two_years(trial: bs.Cohort) -> None:
    nrm = bs.estimate(trial, endpoints=("nrm",)).loc["nrm"]
    marks = _marks(FIGURES["relapse_nrm"][1](trial.endpoint))
    (mark,) = [m for m in marks if m.xy[0] == nrm["horizon_days"]]
    assert mark.get_text().startswith(f"6 months: {100 * nrm['estimate']:.1f}%")
    assert (
        nrm["horizon_days"]
        != bs.estimate(trial, endpoints=("relapse",)).loc["relapse", "horizon_days"]
    )


@pytest.mark.parametrize("origin", ["transplant", "enrollment"])
@pytest.mark.parametrize("name", list(SHOWN))
def test_mark_labels_do_not_overlap(trial: bs.Cohort, name: str, origin: str) -> None:
    fig = FIGURES[name][1](lambda n: bs.endpoints.derive(trial, n, origin=origin))
    fig.draw_without_rendering()
    boxes = [m.get_window_extent() for m in _marks(fig)]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), name


def test_two_marks_at_one_horizon_are_moved_apart() -> None:
    from blina_stats.plots import mark_horizon
    from blina_stats.plots.style import new_axes

    ax = new_axes()
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 1)
    mark_horizon(ax, 50.0, 0.30, 0.2, 0.4, color="C0", name="day +50")
    mark_horizon(ax, 50.0, 0.29, 0.2, 0.4, color="C1", name="day +50")
    first, second = _marks(ax.get_figure())
    assert not first.get_window_extent().overlaps(second.get_window_extent())
    assert second.xy == (50.0, 0.29)  # the mark stays; only its label moves
