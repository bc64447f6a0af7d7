"""Tests for blina_stats.plots.consort: every number of the flow is on the figure."""

from __future__ import annotations

from pathlib import Path

import blina_stats as bs
from blina_stats.eligibility.consort import consort_flow
from blina_stats.plots import save
from blina_stats.plots.consort import plot_consort
from blina_stats.synthetic import bundled


def _flow() -> bs.eligibility.consort.ConsortFlow:
    log, labs = bundled("screening"), bundled("labs")
    return consort_flow(log, bs.synthetic.bundled("trial"), labs)


def test_boxes_and_numbers() -> None:
    flow = _flow()
    ax = plot_consort(flow)
    text = "\n".join(t.get_text() for t in ax.texts)
    assert f"Assessed for eligibility\n(n = {flow.n_screened})" in text
    assert f"Not enrolled (n = {flow.n_not_enrolled})" in text
    assert f"Enrolled\n(n = {flow.n_enrolled})" in text
    assert f"Received blinatumomab\n(n = {flow.n_treated})" in text
    assert f"Lost to follow-up (n = {flow.n_lost_to_follow_up})" in text
    for cid, n in flow.failed_by_criterion.items():
        assert f"{cid} {bs.eligibility.CRITERIA[cid].reason} (n = {n})" in text
        assert flow.criterion_reasons[cid] == bs.eligibility.CRITERIA[cid].reason
    os_n = int(flow.analysed.loc["os", "n_analysed"])
    assert f"Overall survival: n = {os_n}" in text
    boxes = {p.get_gid() for p in ax.patches if p.get_gid()}
    assert {"box-screened", "side-screened", "box-enrolled", "box-analysed"} <= boxes
    # the diagram sits inside its axes
    assert ax.get_ylim()[0] >= max(p.get_y() + p.get_height() for p in ax.patches if p.get_gid())


def test_saves_png_and_pdf(tmp_path: Path) -> None:
    written = save(plot_consort(_flow()).figure, tmp_path / "consort")
    assert [p.suffix for p in written] == [".png", ".pdf"]
    assert written[0].read_bytes()[:4] == b"\x89PNG"
    assert written[1].read_bytes()[:4] == b"%PDF"
    again = save(_flow().plot().figure, tmp_path / "again")
    assert again[1].read_bytes() == written[1].read_bytes()  # same figure, same bytes


def test_the_plot_reads_only_the_flow() -> None:
    import ast
    import inspect

    import blina_stats.plots.consort as module

    imported = [
        n.module or ""
        for n in ast.walk(ast.parse(inspect.getsource(module)))
        if isinstance(n, ast.ImportFrom)
    ]
    assert not any("criteria" in m for m in imported)
