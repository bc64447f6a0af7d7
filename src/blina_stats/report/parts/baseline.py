"""Patients and follow-up: Table 1 and the median follow-up from transplant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..captions import patients
from ..part import Part
from ..tables import baseline_table, follow_up

if TYPE_CHECKING:
    from ..context import Context

KEY, TITLE = "baseline", "Patients and follow-up"


def build(ctx: Context) -> Part:
    """Baseline characteristics and follow-up (reverse Kaplan-Meier of OS from transplant)."""
    # follow-up counts from the transplant for every patient, whatever the report's origin
    os_ = ctx.endpoint("os", origin="transplant", delayed_entry=False)
    dose = ctx.endpoint("os", origin="enrollment") if ctx.cohort.has_enrollment else None
    fu = follow_up(os_, dose)
    who = patients(ctx.cohort)
    return Part(
        KEY,
        TITLE,
        tables=(
            (
                f"Baseline characteristics, {who}, at transplant: median (range) or n (%)",
                baseline_table(ctx.cohort, ctx.labels),
                "baseline",
            ),
            (
                f"Median follow-up, {who}, from transplant"
                + (" and from the first dose" if dose is not None else "")
                + " to last contact",
                fu,
                "follow_up",
            ),
        ),
        json={"follow_up": fu.to_dict(orient="index")},
    )
