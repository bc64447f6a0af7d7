"""Exposure to blinatumomab: courses against the protocol, and the swimmer plot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...safety import exposure
from ..captions import patients
from ..part import Part, caption

if TYPE_CHECKING:
    from ..context import Context

KEY, TITLE = "exposure", "Exposure to blinatumomab"

#: short column labels of the by-patient table (17 columns must fit a page's width)
LABELS = {
    "patient_id": "patient",
    "first_dose_day": "first dose (day)",
    "end_of_treatment_day": "end (day)",
    "courses_planned": "courses planned",
    "courses_received": "received",
    "courses_complete": "complete",
    "cumulative_dose_ug": "dose (ug)",
    "planned_dose_ug": "planned (ug)",
    "relative_dose_intensity": "RDI",
    "first_course_in_window": "1st in window",
    "intervals": "intervals",
    "intervals_on_time": "on time",
    "premedication_planned": "premed. planned",
    "premedication_missed": "missed",
    "premedication_unknown": "unknown",
    "interruptions": "interrupted",
    "dose_deviations": "dose deviations",
}


def build(ctx: Context) -> Part:
    """The exposure summary, exposure by patient, and the swimmer plot."""
    from ...plots.style import figure_of, new_axes
    from ...plots.swimmer import plot_swimmer

    cohort = ctx.cohort
    result = exposure(ctx.dosing, cohort)
    summary = result.summary
    ax = new_axes(width=7.0, height=max(4.0, 0.075 * cohort.n_patients + 1.2))
    plot_swimmer(cohort, result, ax)
    who = patients(cohort)
    return Part(
        KEY,
        TITLE,
        tables=(
            (
                f"Exposure summary, {who}, from the first dose to the end of treatment; "
                f"{caption(summary, 'blinatumomab against the protocol')}",
                summary,
                "exposure_summary",
            ),
            (
                f"Exposure by patient, {who}: courses and doses from the first dose to the end "
                "of treatment (days after transplant); RDI: relative dose intensity",
                result.to_frame().rename(columns=LABELS),
                "exposure_by_patient",
            ),
        ),
        figures=(
            (
                f"Swimmer plot, {who}: follow-up from transplant to last contact, courses and "
                "events",
                figure_of(ax),
                "swimmer",
            ),
        ),
        notes=tuple(f"Warning: {w}" for w in ctx.dosing.warnings),
        json={"safety": {"exposure": {"summary": summary.to_dict(orient="records")}}},
    )
