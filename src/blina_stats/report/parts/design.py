"""Design: what the protocol's sample size can test (power beside size, rules, precision)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..part import Part

if TYPE_CHECKING:
    from ..context import Context

KEY, TITLE = "design", "Design: what the sample size can test"
#: simulated trials per scenario in the report: a Monte Carlo SE of 0.0069 at a size of
#: 0.05 flags sizes above 0.064, enough for the 0.45-0.56 of the exponential-null log-rank
SIZE_TRIALS = 1_000
#: interim looks of the Bayesian alternative (patients with known 2-year status)
BAYES_LOOKS = (20, 40, 60)


def build(ctx: Context) -> Part:
    """The design review of the cohort's size; every alpha one-sided."""
    from ...design.review import review_protocol
    from ...plots.style import figure_of, new_axes

    n_trials = min(ctx.n_trials, SIZE_TRIALS)
    review = review_protocol(
        ctx.cohort.n_patients,
        n_trials=n_trials,
        seed=ctx.seed,
        progress=False if ctx.quiet else None,
    )
    labels = dict(review.method_labels)
    power = review.power.assign(method=review.power["method"].map(labels))
    ranking = review.ranking
    if not ranking.empty:
        ranking = ranking.assign(method=ranking["method"].map(labels))
    ax = new_axes(width=7.0, height=3.6)
    review.plot(ax=ax)
    flagged = [labels[m] for m in review.flagged()]
    notes = [
        f"Power of {review.n} patients ({review.n_evaluable} evaluable with "
        f"{review.dropout:.0%} dropout) for 2-year PFS hypotheses; every alpha is ONE-SIDED.",
        f"Simulated trials: {review.n_trials:,} per scenario (the report uses at most "
        f"{SIZE_TRIALS:,}: Monte Carlo SE 0.0069 at a size of 0.05; `blina-stats design "
        f"--n-trials N` for more), seed {ctx.seed}; a method whose simulated size exceeds "
        "alpha + 2 Monte Carlo SE is flagged and never ranked.",
        *review.rule_text(),
    ]
    if flagged:
        notes.append("Flagged (size above alpha; not ranked): " + "; ".join(flagged) + ".")
    bayes, bayes_json = _bayesian(ctx)
    notes += [bayes.attrs["caption"], *review.sources]
    tables = [
        ("Type I error beside power, by method (one-sided alpha)", ranking, "design_ranking"),
        ("Power by method (formula; size_ok from the simulation)", power, "design_power"),
        ("Smallest detectable 2-year PFS", review.detectable, "design_detectable"),
        ("Simulated type I error and power by scenario", review.simulation, "design_simulation"),
        ("Exact-binomial decision rules", review.rules, "design_rules"),
        ("Null 2-year PFS conditional on event-free at entry", review.null, "design_null"),
        (
            "Precision of the AE rate by day +100 after transplant (exact 95% CI)",
            review.ae_precision,
            "design_ae",
        ),
        ("Bayesian alternative: predictive probability boundaries", bayes, "design_bayes"),
    ]
    return Part(
        KEY,
        TITLE,
        tables=tuple(t for t in tables if not t[1].empty),
        figures=(("Power curves of the 68-patient design", figure_of(ax), "power_curve"),),
        notes=tuple(notes),
        json={"design": {**review.to_dict(), "bayesian": bayes_json}},
    )


def _bayesian(ctx: Context) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Lee & Liu's predictive design for 0.40 vs 0.60 and, with a cut-off, where the trial is."""
    from ...design.predictive import predictive_design, predictive_probability

    n_max = ctx.cohort.n_patients
    looks = [n for n in BAYES_LOOKS if n < n_max]
    d = predictive_design(0.40, 0.60, n_max, interims=looks, theta_t=0.95, theta_l=0.05)
    table = d.boundaries.copy()
    caption = "Bayesian alternative: " + d.describe()
    out: dict[str, Any] = {"design": d.to_dict()}
    if ctx.cohort.cutoff is not None:
        now = predictive_probability(ctx.cohort, d)
        out["at_cutoff"] = {"cutoff": ctx.cohort.cutoff, **now}
        caption += (
            f" At the cut-off {ctx.cohort.cutoff}: {now['successes']} of {now['n_known']} "
            f"patients with known 2-year status progression-free ({now['n_unknown']} not yet "
            f"known); P(p > 0.40 | data) = {now['posterior_probability']:.3f}, predictive "
            f"probability of success {now['predictive_probability']:.3f}: {now['decision']}."
        )
    table.attrs["caption"] = caption
    return table, out
