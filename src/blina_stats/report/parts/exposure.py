"""Exposure to blinatumomab: courses against the protocol, and the swimmer plot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...safety import exposure
from ..part import Part, caption

if TYPE_CHECKING:
    from ..context import Context

KEY, TITLE = "exposure", "Exposure to blinatumomab"


def build(ctx: Context) -> Part:
    """The exposure summary, exposure by patient, and the swimmer plot."""
    from ...plots.style import figure_of, new_axes
    from ...plots.swimmer import plot_swimmer

    cohort = ctx.cohort
    result = exposure(ctx.dosing, cohort)
    summary = result.summary
    ax = new_axes(width=7.0, height=max(4.0, 0.075 * cohort.n_patients + 1.2))
    plot_swimmer(cohort, result, ax)
    return Part(
        KEY,
        TITLE,
        tables=(
            (caption(summary, "Exposure"), summary, "exposure_summary"),
            ("Exposure by patient", result.to_frame(), "exposure_by_patient"),
        ),
        figures=(("Swimmer plot: follow-up, courses and events", figure_of(ax), "swimmer"),),
        notes=tuple(f"Warning: {w}" for w in ctx.dosing.warnings),
        json={"safety": {"exposure": {"summary": summary.to_dict(orient="records")}}},
    )
