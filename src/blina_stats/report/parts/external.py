"""External control: the trial against the weighted registry (``--controls`` only).

Not one of :data:`~blina_stats.report.parts.PARTS`: it exists only when a
control table is given, so :func:`for_controls` makes the part for one file
(``KEY``, ``TITLE`` and ``build(ctx)`` like every part module).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..part import Part

if TYPE_CHECKING:
    from ..context import Context

KEY, TITLE = "external", "External control"
#: covariates of the report's propensity model
COVARIATES = ("age", "mrd_pre_hsct", "disease_status", "donor_type")
N_BOOT = 2000


@dataclass(frozen=True)
class ExternalPart:
    """The part for one control table: ``KEY``, ``TITLE``, ``build`` as a part module has."""

    controls: Path
    KEY: str = KEY
    TITLE: str = TITLE

    def build(self, ctx: Context) -> Part:
        return build(ctx, self.controls)


def for_controls(path: str | Path) -> ExternalPart:
    """The "External control" part comparing the report's cohort with the table at `path`."""
    return ExternalPart(Path(path))


def build(ctx: Context, controls: Path) -> Part:
    """Difference, restricted means, hazard ratio and balance against the weighted controls."""
    import warnings

    from ...data import load_events
    from ...external import BalanceWarning, external_control
    from ...plots.style import figure_of

    cohort = load_events(controls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BalanceWarning)  # kept in result.warnings: notes below
        result = external_control(ctx.cohort, cohort, COVARIATES, n_boot=N_BOOT, seed=ctx.seed)
    table = result.to_frame()[
        [
            "label",
            "trial",
            "control",
            "control_unweighted",
            "difference",
            "ci_lower",
            "ci_upper",
            "restricted_mean",
            "rmst_difference",
            "rmst_ci_lower",
            "rmst_ci_upper",
            "hazard_ratio",
            "hr_ci_lower",
            "hr_ci_upper",
            "e_value",
            "n_trial",
            "n_control",
        ]
    ]
    balance = result.propensity.balance.reset_index()
    # rows named for readers (the JSON keeps the columns' names)
    raw = list(zip(balance["covariate"], balance["level"], strict=True))
    balance["level"] = [ctx.labels.level(c, lev) if lev else lev for c, lev in raw]
    balance["covariate"] = [ctx.labels.column(c) for c, _ in raw]
    axes = result.plot(labels=ctx.labels)
    al = result.aligned
    notes = [
        f"{ctx.cohort.source} (from the first dose) against {cohort.source} (alive and "
        f"relapse-free at the landmark, day {al.landmark_day:g}, and followed from it), "
        f"{result.estimand} propensity weights on "
        f"{', '.join(ctx.labels.column(c) for c in COVARIATES)} (logistic model); "
        f"differences trial - weighted control at {result.horizon:g} days with percentile "
        f"bootstrap intervals ({result.n_boot} replicates resampling both cohorts and "
        f"refitting the propensity model, seed {result.seed}); restricted means to the same "
        "horizon: the restricted mean survival time (RMST) for survival endpoints, the "
        "restricted mean time lost to the event (RMTL) for incidence endpoints, in days; "
        "hazard ratios from a weighted Cox model with robust errors (cause-specific for "
        "incidence endpoints); E-values (VanderWeele & Ding 2017) for the hazard ratios.",
        "Effective sample size: "
        + ", ".join(f"{arm} {v:.1f}" for arm, v in result.propensity.ess.items()),
        *(f"Excluded: {k}: {n}" for k, n in al.excluded_counts.items()),
        *(f"Warning: {w}" for w in result.warnings),
    ]
    return Part(
        KEY,
        TITLE,
        tables=(
            (
                f"Trial ({al.trial_ids.size} treated patients, from the first dose) against the "
                f"weighted external control ({al.control_ids.size} controls, from the "
                f"landmark), at {result.horizon:g} days",
                table,
                "external_control",
            ),
            ("Covariate balance before and after weighting", balance, "external_balance"),
        ),
        figures=(
            (
                f"Trial ({al.trial_ids.size} treated patients, from the first dose) against the "
                f"{result.estimand}-weighted external control ({al.control_ids.size} controls, "
                "from the landmark) and the unweighted control (dotted): pointwise "
                f"{result.conf_level:.0%} bands (the weighted control's robust, its weights "
                f"taken as known; the bootstrap interval of the difference is in the table), "
                f"each arm marked at {result.horizon:g} days; the Love plot of covariate balance",
                figure_of(axes[0]),
                "external_control",
            ),
        ),
        notes=tuple(notes),
        json={"external_control": result.to_dict()},
    )
