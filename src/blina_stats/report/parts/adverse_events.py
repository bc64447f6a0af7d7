"""Adverse events: non-hematologic events to day +100 (both readings of the window), CRS, ICANS."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ...safety import (
    adverse_event_table,
    crs_table,
    icans_table,
    worst_grade_table,
)
from ..part import Part, caption

if TYPE_CHECKING:
    from ..context import Context

KEY, TITLE = "safety", "Adverse events"


def build(ctx: Context) -> Part:
    """Tables by term, class, seriousness, relatedness and worst grade, and the bar chart."""
    from ...plots.adverse_events import plot_adverse_events
    from ...plots.style import figure_of, new_axes

    ae, cohort = ctx.adverse_events, ctx.cohort
    tables: list[tuple[str, pd.DataFrame, str]] = []
    for window in ("transplant", "first_dose"):
        for grade in (1, 3):
            t = adverse_event_table(ae, cohort, window=window, grade_min=grade, by="term")
            name = f"ae_{window}_grade{grade}"
            tables.append((caption(t, name), t, name))
    by_soc = adverse_event_table(ae, cohort, by="soc")
    tables.append((caption(by_soc, "by class"), by_soc, "ae_by_soc"))
    for only in ("serious", "related"):
        t = adverse_event_table(ae, cohort, only=only)
        tables.append((caption(t, only), t, f"ae_{only}"))
    worst = worst_grade_table(ae, cohort)
    tables.append((caption(worst, "worst grade"), worst, "ae_worst_grade"))
    for name, fn in (("crs", crs_table), ("icans", icans_table)):
        t = fn(ae, cohort)
        tables.append((caption(t, name.upper()), t, f"ae_{name}"))
    any_grade, grade3 = tables[0][1], tables[1][1]
    n_treated = int(any_grade["n_treated"].iloc[0]) if len(any_grade) else 0
    ax = new_axes(width=5.0, height=3.6)
    plot_adverse_events(
        any_grade, grade3, ax, title=f"To day +100 after transplant; {n_treated} treated patients"
    )
    overall = adverse_event_table(ae, cohort, by="any")
    return Part(
        KEY,
        TITLE,
        tables=tuple(tables),
        figures=(
            (
                f"Non-hematologic adverse events, {n_treated} treated patients: patients with "
                "an event of any grade and of grade >= 3 by class, onset from the first dose "
                "to day +100 after transplant",
                figure_of(ax),
                "adverse_events",
            ),
        ),
        notes=(
            "The protocol's 'day +100' is read after the transplant (default) and, as a "
            "sensitivity reading, 100 days after the first dose; each table states its window. "
            "Events before the first dose are not treatment-emergent and are not counted.",
            *(f"Warning: {w}" for w in ae.warnings),
        ),
        json={
            "safety": {
                "adverse_events": {
                    "primary_window": "day +100 after transplant",
                    "any_nonhematologic": overall.to_dict(orient="records"),
                    "by_term_any_grade": any_grade.to_dict(orient="records"),
                    "by_term_grade3": grade3.to_dict(orient="records"),
                }
            }
        },
    )
