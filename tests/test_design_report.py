"""The report's design section: size beside power, the Bayesian alternative, and at a cut-off."""

from __future__ import annotations

import json

import pytest

import blina_stats as bs
from blina_stats._json import dumps
from blina_stats.design.predictive import binary_status, predictive_design
from blina_stats.report.context import Context, Inputs
from blina_stats.report.parts import design as part
from blina_stats.synthetic.paths import bundled


@pytest.fixture(scope="module")
def built():
    inputs = Inputs.resolve(bundled("trial"))
    ctx = Context.load(inputs, cutoff="2024-06-30", n_trials=500, quiet=True)
    return ctx, part.build(ctx)


def test_design_part_shows_size_flags_and_the_bayesian_rule(built) -> None:
    _ctx, p = built
    keys = [t[2] for t in p.tables]
    assert {"design_ranking", "design_rules", "design_null", "design_ae", "design_bayes"} <= set(
        keys
    )
    text = " ".join(p.notes)
    assert "not ranked" in text and "reject H0 when at least" in text
    payload = json.loads(dumps(p.json))["design"]
    assert "one_sample_logrank" in payload["flagged"]
    assert payload["n_trials"] == 500


def test_posterior_and_predictive_probability_at_the_cutoff(built) -> None:
    ctx, p = built
    at = p.json["design"]["bayesian"]["at_cutoff"]
    assert at["cutoff"] == "2024-06-30"
    status = binary_status(ctx.cohort).dropna()
    assert at["n_known"] == status.size and at["successes"] == int(status.sum())
    d = predictive_design(0.40, 0.60, ctx.cohort.n_patients, interims=[20, 40, 60])
    want = bs.design.posterior_probability(int(status.sum()), status.size, 0.40, d.prior)
    assert at["posterior_probability"] == pytest.approx(want, abs=1e-12)
    caption = {t[2]: t[1] for t in p.tables}["design_bayes"].attrs["caption"]
    assert "At the cut-off 2024-06-30" in caption and "predictive" in caption
