"""Design: what the protocol's sample size can test (power, detectable PFS, simulated trials)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..part import Part

if TYPE_CHECKING:
    from ..context import Context

KEY, TITLE = "design", "Design: what the sample size can test"


def build(ctx: Context) -> Part:
    """The design review of the cohort's size; every alpha one-sided."""
    from ...design.review import METHOD_LABELS, review_protocol
    from ...plots.style import figure_of, new_axes

    review = review_protocol(
        ctx.cohort.n_patients,
        n_trials=ctx.n_trials,
        seed=ctx.seed,
        progress=False if ctx.quiet else None,
    )
    power = review.power.assign(method=review.power["method"].map(METHOD_LABELS))
    ax = new_axes(width=7.0, height=3.6)
    review.plot(ax=ax)
    return Part(
        KEY,
        TITLE,
        tables=(
            ("Power by method (one-sided alpha)", power, "design_power"),
            ("Smallest detectable 2-year PFS", review.detectable, "design_detectable"),
            ("Simulated type I error and power", review.simulation, "design_simulation"),
        ),
        figures=(("Power curves of the 68-patient design", figure_of(ax), "power_curve"),),
        notes=(
            f"Power of {review.n} patients ({review.n_evaluable} evaluable with "
            f"{review.dropout:.0%} dropout) for 2-year PFS hypotheses; every alpha is "
            "ONE-SIDED. Simulated trials: " + f"{ctx.n_trials:,} per scenario, seed {ctx.seed}.",
        ),
        json={"design": review.to_dict()},
    )
