"""The design review as readable text (every alpha one-sided)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .review import ProtocolReview

NOT_RANKED = "size above alpha at some null: NOT RANKED"


def review_text(review: ProtocolReview) -> str:
    """Tables of the review: power beside size, rules, detectable effects, precision, sources."""
    r = review
    labels = dict(r.method_labels)
    bad = set(r.flagged())
    named = {m: (f"{labels[m]} [{NOT_RANKED}]" if m in bad else labels[m]) for m in labels}
    methods = [m for m in labels if m in set(r.power["method"])]
    wide = r.power.pivot_table(
        index=["alpha", "s0", "s1"], columns="method", values="power", sort=False
    )[methods].rename(columns=named)
    det = r.detectable.pivot_table(
        index=["alpha", "target_power", "s0"],
        columns="method",
        values="s1_at_n",
        sort=False,
    )[methods].rename(columns=named)
    parts = [
        f"Design review: n = {r.n} ({r.n_evaluable} evaluable with {r.dropout:.0%} dropout); "
        f"landmark {r.landmark:g} days after transplant; accrual {r.accrual:g} days, follow-up "
        f"{r.followup:g} days after the last enrolment; entry {r.entry[0]:g}-{r.entry[1]:g} "
        "days after transplant.",
        "All alphas are ONE-SIDED.",
        "",
        "Exact-binomial decision rule:",
        *[f"  {t}" for t in r.rule_text()],
        "",
        "Null 2-year PFS conditional on being event-free at entry (the trial's estimand):",
        r.null.round(4).to_string(index=False) if not r.null.empty else "  (none)",
    ]
    if not r.ranking.empty:
        rank = r.ranking.assign(method=r.ranking["method"].map(labels))
        parts += [
            "",
            f"Type I error beside power ({r.n_trials:,} simulated trials per scenario; "
            "flag: size > alpha + 2 MCSE; flagged methods are never ranked):",
            rank.round(4).to_string(index=False),
        ]
        if bad:
            parts.append(
                "  Flagged: "
                + "; ".join(labels[m] for m in labels if m in bad)
                + ". Their power is not power at level alpha."
            )
    parts += [
        "",
        f"Power at n = {r.n} by formula (rows: one-sided alpha, null and alternative):",
        wide.round(3).to_string(),
        "",
        f"Smallest detectable 2-year PFS at n = {r.n} (the alternative for which n is the "
        "required size):",
        det.round(3).to_string(),
    ]
    if not r.simulation.empty:
        cols = [
            "scenario",
            "s0",
            "s1",
            "test",
            "type_i_error",
            "type_i_error_mcse",
            "power",
            "power_mcse",
            "analytic_power",
            "size_ok",
        ]
        parts += [
            "",
            "Simulated trials by scenario:",
            r.simulation[cols].round(4).to_string(index=False),
        ]
    parts += [
        "",
        f"Precision of the non-hematologic AE rate by day +100 after transplant at n = {r.n} "
        "(exact 95% Clopper-Pearson interval):",
        r.ae_precision.round(3).to_string(index=False),
        "",
        "Sources of the hypotheses:",
        *[f"  - {s}" for s in r.sources],
    ]
    return "\n".join(parts)
