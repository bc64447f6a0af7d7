"""Notebook views of results: a compact summary, the step table collapsed, text escaped."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

import blina_stats as bs
from blina_stats.synthetic import bundled


def _rows(html: str) -> int:
    return html.count("<tr>")


def test_kaplan_meier_view_shows_the_horizons_and_collapses_the_steps() -> None:
    data = bs.load_events(bundled("trial")).endpoint("pfs")
    html = data.result._repr_html_()
    head, _, steps = html.partition("<details>")
    assert "patients 68; events 36; median 661 (95% CI 399-NR)" in head
    assert "log-log 95% intervals" in head
    # the four horizons only, before the collapsed table
    assert re.findall(r"<th>(day 100|6 months|1 year|2 years)</th>", head) == [
        "day 100",
        "6 months",
        "1 year",
        "2 years",
    ]
    assert _rows(head) == 4
    n_steps = len(data.result.to_frame())
    assert f"<summary>step table ({n_steps} rows)</summary>" in steps
    assert _rows(steps) == n_steps
    estimate = data.result.at([100.0]).estimate.iloc[0]
    assert f"<td>{estimate:.4g}</td>" in head


def test_cumulative_incidence_view_gives_each_cause_at_the_horizons() -> None:
    res = bs.load_events(bundled("trial")).endpoint("relapse").result
    html = res._repr_html_()
    head, _, steps = html.partition("<details>")
    assert "<th>cause 1 estimate</th>" in head and "<th>cause 2 estimate</th>" in head
    assert _rows(head) == 4
    assert _rows(steps) == len(res.to_frame())


def test_a_short_follow_up_shows_only_the_horizons_it_reaches() -> None:
    res = bs.kaplan_meier([10, 20, 150], [1, 0, 1])
    head = res._repr_html_().partition("<details>")[0]
    assert "<th>day 100</th>" in head and "6 months" not in head
    assert "median 150" in head


def test_model_views_are_compact_and_escape_the_users_text() -> None:
    rng = np.random.default_rng(7)
    n = 80
    cov = pd.DataFrame(
        {"arm": rng.choice(["<b>A</b>", "B & C"], size=n), "age": rng.normal(50, 9, n)}
    )
    time, event = rng.exponential(300, n), rng.random(n) < 0.7
    html = bs.cox_regression(time, event, cov)._repr_html_()
    assert "<b>A</b>" not in html.replace("<b>Cox regression</b>", "")
    assert "arm[B &amp; C]" in html
    assert "rows 80; events" in html and "efron ties" in html and "<details>" not in html
    status = np.where(event, rng.integers(1, 3, n), 0)
    fg = bs.fine_gray(time, status, cov)._repr_html_()
    assert "arm[B &amp; C]" in fg and "competing" in fg
    cohort = bs.load_events(bundled("trial"))
    fit = bs.cox_regression(cohort, "pfs", ["mrd_pre_hsct"])
    assert "endpoint pfs (from transplant)" in fit._repr_html_()
    zph = bs.cox_zph(fit)._repr_html_()
    assert "<th>GLOBAL</th>" in zph and "g(t) = km" in zph


def test_landmark_and_time_varying_views_escape_exposure_names() -> None:
    from blina_stats.datasets import load_bmt
    from blina_stats.models import landmark_cox, time_varying_cox

    bmt = load_bmt()
    name = "<i>aGVHD</i> & more"
    res = landmark_cox(bmt.t2, bmt.d3, 100, exposures={name: (bmt.ta, bmt.da)})
    html = res._repr_html_()
    assert "<i>" not in html and "&lt;i&gt;aGVHD&lt;/i&gt; &amp; more" in html
    assert f"{res.n_at_landmark} of 137 patients" in html
    tv = time_varying_cox(bmt.t2, bmt.d2, {name: (bmt.tc, bmt.dc)})._repr_html_()
    assert "<i>" not in tv and "time-varying" in tv
