"""Curves by group (issue 14, finding 2): one legend with n and events a group, one
numbers-at-risk table with a labelled row a group in its colour, aligned with the ticks, the
package's own p-value in a corner, and no text on top of another."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.text import Text

import blina_stats as bs
from blina_stats.datasets import load_bmt
from blina_stats.errors import InputError
from blina_stats.plots import plot_incidence, plot_survival
from blina_stats.plots.at_risk import AT_RISK_GID
from blina_stats.plots.marks import PVALUE_GID
from blina_stats.plots.style import figure_of
from blina_stats.synthetic import bundled


@pytest.fixture(scope="module")
def trial() -> bs.Cohort:
    return bs.load_events(bundled("trial"))


@pytest.fixture(scope="module")
def bmt():
    return load_bmt()


def _km_groups(bmt) -> dict[str, bs.KaplanMeierResult]:
    return {
        f"group {g}": bs.kaplan_meier(rows["t1"], rows["d1"]) for g, rows in bmt.groupby("group")
    }


def _relapse_status(rows) -> np.ndarray:
    return (rows["d2"] + 2 * ((rows["d3"] == 1) & (rows["d2"] == 0))).to_numpy()


def _ci_groups(bmt) -> dict[str, bs.CumulativeIncidenceResult]:
    return {
        f"group {g}": bs.cumulative_incidence(rows["t2"], _relapse_status(rows))
        for g, rows in bmt.groupby("group")
    }


def _fmt(p: float) -> str:
    """The report's p-value convention: 0.041, <0.001."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def _pvalue(ax) -> str:
    (text,) = [t for t in ax.texts if t.get_gid() == PVALUE_GID]
    return text.get_text()


def test_one_legend_gives_n_and_events_of_each_group(bmt) -> None:
    ax = plot_survival(_km_groups(bmt))
    expected = [
        f"group {g} (n={len(rows)}, {int(rows['d1'].sum())} events)"
        for g, rows in bmt.groupby("group")
    ]
    assert _legend(ax) == expected


def test_one_at_risk_table_a_labelled_row_a_group_in_its_colour_under_the_ticks(bmt) -> None:
    groups = _km_groups(bmt)
    ax = plot_survival(groups)
    table = [t for t in ax.texts if t.get_gid() == AT_RISK_GID]
    assert [t.get_text() for t in table].count("No. at risk") == 1
    ticks = ax.get_xticks()
    ticks = ticks[(ticks >= ax.get_xlim()[0]) & (ticks <= ax.get_xlim()[1])]
    curves = {ln.get_label().split(" (")[0]: to_hex(ln.get_color()) for ln in ax.get_lines()}
    rows_y = set()
    for name, km in groups.items():
        (row_label,) = [t for t in table if t.get_text() == name]
        colour = to_hex(row_label.get_color())
        assert colour == curves[name]
        y = row_label.xyann[1]
        rows_y.add(y)
        cells = [t for t in table if t.xyann[1] == y and t.get_text().isdigit()]
        assert [t.xy[0] for t in cells] == ticks.tolist()  # under the ticks
        assert [int(t.get_text()) for t in cells] == km.at(ticks)["n_at_risk"].tolist()
        assert {to_hex(t.get_color()) for t in cells} == {colour}
    assert len(rows_y) == len(groups)


def test_a_list_of_results_takes_labels(bmt) -> None:
    groups = _km_groups(bmt)
    ax = plot_survival(list(groups.values()), labels=["ALL", "AML low", "AML high"])
    assert [s.split(" (")[0] for s in _legend(ax)] == ["ALL", "AML low", "AML high"]
    with pytest.raises(ValueError, match=re.escape("a list of 3 results needs labels=")):
        plot_survival(list(groups.values()))
    with pytest.raises(ValueError, match=re.escape("a mapping's keys are its labels")):
        plot_survival(groups, labels=["a", "b", "c"])


def test_the_pvalue_shown_is_the_test_given(bmt) -> None:
    test = bs.logrank_test(bmt["t1"], bmt["d1"], bmt["group"])
    assert test.pvalue < 0.001
    ax = plot_survival(_km_groups(bmt), pvalue=test)
    assert _pvalue(ax) == "Log-rank p < 0.001"
    ax = plot_survival(_km_groups(bmt), pvalue=0.0412)
    assert _pvalue(ax) == "p = 0.041"
    status = _relapse_status(bmt)
    tests = [bs.gray_test(bmt["t2"], status, bmt["group"], cause=c) for c in (1, 2)]
    ax = plot_incidence(_ci_groups(bmt), cause=[1, 2], label=["Relapse", "TRM"], pvalue=tests)
    assert _pvalue(ax) == (
        f"Gray's test\nRelapse: {_fmt(tests[0].pvalue)}\nTRM: {_fmt(tests[1].pvalue)}"
    )
    assert _pvalue(plot_incidence(_ci_groups(bmt), pvalue=tests[0])) == (
        f"Gray's test {_fmt(tests[0].pvalue)}"
    )


def test_a_figure_computes_no_test(bmt) -> None:
    with pytest.raises(TypeError, match=re.escape("a figure computes no test")):
        plot_survival(_km_groups(bmt), pvalue=True)


def test_cohort_plot_by_compares_as_cohort_compare(trial: bs.Cohort) -> None:
    # pfs has delayed entry at enrollment: the log-rank test keeps it, as the curves do
    assert trial.endpoint("pfs").entry is not None
    for endpoint in ("pfs", "relapse"):
        test = trial.compare(endpoint, by="mrd_pre_hsct")
        ax = trial.plot(endpoint, by="mrd_pre_hsct", pvalue=True)
        name = "Log-rank" if endpoint == "pfs" else "Gray's test"
        assert _pvalue(ax) == f"{name} {_fmt(test.pvalue)}", endpoint


def test_each_cause_drawn_gets_its_gray_test_from_the_first_dose(trial: bs.Cohort) -> None:
    data = bs.endpoints.derive(trial, "relapse", origin="enrollment")
    mrd = trial.frame.set_index("patient_id").loc[list(data.patient_id), "mrd_pre_hsct"]
    tests = [bs.gray_test(data.time, data.status, mrd.to_numpy(), cause=c) for c in (1, 2)]
    ax = trial.plot("relapse", by="mrd_pre_hsct", cause=[1, 2], pvalue=True)
    assert _pvalue(ax) == (
        f"Gray's test\nRelapse: {_fmt(tests[0].pvalue)}\n"
        f"Death without prior relapse: {_fmt(tests[1].pvalue)}"
    )
    assert ax.get_xlabel() == bs.endpoints.labels.axis_label("enrollment")
    with pytest.raises(ValueError, match=re.escape("pvalue=True compares groups")):
        trial.plot("relapse", pvalue=True)


def test_cohort_plot_without_by_is_the_endpoints_curve(trial: bs.Cohort) -> None:
    km = trial.endpoint("os").result
    ax = trial.plot("os")
    (curve,) = [ln for ln in ax.get_lines() if ln.get_drawstyle() == "steps-post"]
    np.testing.assert_array_equal(curve.get_ydata()[1:], km.estimate)
    assert ax.get_legend() is None


def test_cohort_plot_by_estimates_each_group_of_the_endpoints_patients(trial: bs.Cohort) -> None:
    data = trial.endpoint("pfs")
    mrd = trial.frame.set_index("patient_id").loc[list(data.patient_id), "mrd_pre_hsct"]
    ax = trial.plot("pfs", by="mrd_pre_hsct")
    curves = [ln for ln in ax.get_lines() if ln.get_drawstyle() == "steps-post"]
    for level, curve in zip(("negative", "positive"), curves, strict=True):
        m = (mrd == level).to_numpy()
        km = bs.kaplan_meier(data.time[m], data.status[m], entry=data.entry[m])
        np.testing.assert_array_equal(curve.get_ydata()[1:], km.estimate)
        assert curve.get_label() == f"{level} (n={m.sum()}, {int(km.n_events.sum())} events)"
    assert ax.get_legend().get_title().get_text() == "MRD before HSCT"  # its display label


def test_bins_keep_their_order(trial: bs.Cohort) -> None:
    ax = trial.plot("os", by="age", bins=[40, 55])
    assert [s.split(" (")[0] for s in _legend(ax)] == ["<40", "40-54", ">=55"]
    ax = trial.plot("os", by="donor_type", reference="MUD")
    assert _legend(ax)[0].startswith("MUD (")


def test_cohort_plot_refuses_an_unknown_or_missing_covariate(trial: bs.Cohort) -> None:
    with pytest.raises(InputError, match=re.escape("trial.csv: 'mrd' is not a covariate column")):
        trial.plot("os", by="mrd")
    frame = trial.frame
    frame.loc[3, "sex"] = None
    cohort = bs.load_events(frame)
    who = frame.loc[3, "patient_id"]
    with pytest.raises(
        InputError, match=re.escape(f"column 'sex' is missing for patient(s) {who!r}")
    ):
        cohort.plot("os", by="sex")


#: the group figures of the bundled trial that every check below draws
GROUP_FIGURES: dict[str, Callable[[bs.Cohort], object]] = {
    "km_2_groups": lambda c: c.plot("pfs", by="mrd_pre_hsct", pvalue=True, horizon=True),
    "km_3_groups": lambda c: c.plot("os", by="age", bins=[40, 55], pvalue=True, horizon=True),
    "incidence_2_causes_2_groups": lambda c: c.plot(
        "relapse", by="mrd_pre_hsct", cause=[1, 2], pvalue=True
    ),
    "incidence_marked": lambda c: c.plot("relapse", by="disease_status", horizon=True),
    "single": lambda c: c.plot("pfs", horizon=True),
}


def visible_texts(fig) -> list[Text]:
    """Every text the reader sees: tick labels only of the ticks inside the view."""
    ticks = {}
    for ax in fig.axes:
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                shown = min(lo, hi) - 1e-9 <= tick.get_loc() <= max(lo, hi) + 1e-9
                for label in (tick.label1, tick.label2):
                    ticks[id(label)] = shown
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and ticks.get(id(t), True)
    ]


def overlapping(fig) -> list[tuple[str, str]]:
    """The pairs of visible texts whose boxes overlap, after drawing `fig`."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), Text.get_window_extent(t, renderer)) for t in visible_texts(fig)]
    return [(a, b) for (a, x), (b, y) in itertools.combinations(boxes, 2) if x.overlaps(y)]


def test_the_overlap_check_sees_the_issues_two_tables_on_top_of_each_other(bmt) -> None:
    # the reviewer's way before by=: two calls on one axes, each writing its own table
    groups = list(_km_groups(bmt).values())
    ax = plot_survival(groups[0])
    plot_survival(groups[1], ax)
    assert ("No. at risk", "No. at risk") in overlapping(figure_of(ax))
    assert overlapping(figure_of(plot_survival(_km_groups(bmt)))) == []


@pytest.mark.parametrize("name", list(GROUP_FIGURES))
def test_no_two_texts_overlap_and_none_leaves_the_figure(trial: bs.Cohort, name: str) -> None:
    fig = figure_of(GROUP_FIGURES[name](trial))  # type: ignore[arg-type]
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    texts = visible_texts(fig)
    boxes = [(t.get_text(), Text.get_window_extent(t, renderer)) for t in texts]
    assert len(boxes) > 20
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), (name, a, b)
    for text, box in boxes:
        assert box.x0 >= 0 and box.y0 >= 0, (name, text)
        assert box.x1 <= fig.bbox.x1 and box.y1 <= fig.bbox.y1, (name, text)


def test_an_incidence_figure_names_its_event_as_the_protocol_writes_it(trial: bs.Cohort) -> None:
    """The legend read "Grade ii-iv acute gvhd" (str.capitalize); by group nothing named it."""
    alone = trial.plot("agvhd")
    assert [t.get_text() for t in alone.get_legend().get_texts()] == ["Grade II-IV acute GVHD"]
    assert alone.get_ylabel() == "Cumulative incidence"
    grouped = trial.plot("agvhd", by="mrd_pre_hsct")
    assert grouped.get_ylabel() == "Cumulative incidence of grade II-IV acute GVHD"
    assert trial.plot("relapse", by="sex").get_ylabel() == "Cumulative incidence of relapse"
    both = trial.plot("relapse", by="sex", cause=[1, 2])  # the legend names the causes
    assert both.get_ylabel() == "Cumulative incidence"
