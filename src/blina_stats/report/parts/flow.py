"""Patient flow: the CONSORT flow from the screening log, and engraftment from the daily labs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..part import Part, caption

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from ..context import Context

KEY, TITLE = "flow", "Patient flow (CONSORT) and engraftment"


def build(ctx: Context) -> Part:
    """The flow table and diagram, eligibility, and engraftment incidence (death competing)."""
    from ...eligibility import consort_flow, engraftment_incidence
    from ...plots.style import figure_of, new_axes

    labs = ctx.labs
    flow = consort_flow(ctx.screening, ctx.cohort, labs, endpoints=ctx.derived())
    ax = new_axes(width=7.0, height=5.0)
    flow.plot(ax)
    tables: list[tuple[str, pd.DataFrame, str]] = [
        ("CONSORT flow", flow.to_frame(), "consort"),
        ("Eligibility of the screened patients", flow.eligibility, "eligibility"),
    ]
    figures: list[tuple[str, Figure, str]] = [("CONSORT flow diagram", figure_of(ax), "consort")]
    if labs is not None:
        inc = engraftment_incidence(labs, ctx.cohort)
        summary = inc.summary  # its caption counts the patients left out
        tables.append((caption(summary, "Engraftment (death competing)"), summary, "engraftment"))
        eax = new_axes(height=3.1)
        inc.plot(eax)
        figures.append(("Cumulative incidence of engraftment", figure_of(eax), "engraftment"))
    return Part(
        KEY,
        TITLE,
        tables=tuple(tables),
        figures=tuple(figures),
        json={
            "flow": {
                "screened": flow.n_screened,
                "enrolled": flow.n_enrolled,
                "treated": flow.n_treated,
                "lost_to_follow_up": flow.n_lost_to_follow_up,
            }
        },
    )
