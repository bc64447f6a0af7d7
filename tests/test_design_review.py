"""The protocol review and ``blina-stats design``.

The review's numbers come from the design functions (tested against published
values elsewhere); here: they are consistent with those functions, the
detectable effect is where the power crosses the target, and the command
writes a table, JSON and the figure, saying alpha is one-sided.
"""

from __future__ import annotations

import json

import pytest

import blina_stats as bs
from blina_stats.cli import main
from blina_stats.design.review import review_protocol


@pytest.fixture(scope="module")
def review() -> bs.design.review.ProtocolReview:
    return review_protocol(68, s0=(0.40,), s1=(0.60,), alphas=(0.05,), n_trials=300, seed=1)


def test_power_matches_design_functions(review) -> None:
    row = review.power[review.power["method"] == "exact_binomial"].iloc[0]
    assert row["power"] == pytest.approx(bs.design.exact_binomial(0.40, 0.60, n=68).power)
    assert row["power_dropout"] == pytest.approx(bs.design.exact_binomial(0.40, 0.60, n=61).power)


def test_detectable_is_where_power_crosses_target(review) -> None:
    d = review.detectable
    row = d[(d["method"] == "exact_binomial") & (d["target_power"] == 0.8)].iloc[0]
    s1 = row["s1_at_n"]
    assert bs.design.exact_binomial(0.40, s1 + 1e-5, n=68).power >= 0.8
    assert bs.design.exact_binomial(0.40, s1 - 1e-4, n=68).power < 0.8
    # fewer evaluable patients need a larger effect
    assert row["s1_at_n_evaluable"] > s1


def test_simulation_rows_for_both_scenarios(review) -> None:
    assert set(review.simulation["scenario"]) == {"formula assumptions", "realistic"}
    assert review.to_dict()["alpha_sides"] == "one-sided"
    assert "ONE-SIDED" in review.to_text()


def test_command_json_and_figure(tmp_path, capsys) -> None:
    code = main(
        [
            "design",
            "--s0",
            "0.4",
            "--s1",
            "0.6",
            "--alpha",
            "0.05",
            "--n-trials",
            "200",
            "--json",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["alpha_sides"] == "one-sided" and out["n"] == 68
    for name in ("power_curve.png", "power_curve.pdf", "design_review.json"):
        assert (tmp_path / name).stat().st_size > 1000


def test_command_table(capsys) -> None:
    assert main(["design", "--s0", "0.4", "--s1", "0.6", "--n-trials", "0"]) == 0
    text = capsys.readouterr().out
    assert "ONE-SIDED" in text and "Smallest detectable" in text


def test_method_labels_travel_inside_the_review() -> None:
    import ast
    import inspect

    import blina_stats.plots.power as module
    from blina_stats.design.review import METHOD_LABELS, review_protocol

    review = review_protocol(n_trials=0, s0=(0.40,), s1=(0.60,), alphas=(0.05,))
    assert dict(review.method_labels) == METHOD_LABELS
    assert list(review.method_labels) == list(dict.fromkeys(review.curve["method"]))
    runtime = [
        n.module or ""
        for n in ast.walk(ast.parse(inspect.getsource(module.plot_power_curves)))
        if isinstance(n, ast.ImportFrom)
    ]
    assert runtime == []  # the figure reads only the review it is given
