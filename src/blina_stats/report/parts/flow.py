"""Patient flow: the CONSORT flow from the screening log, and engraftment from the daily labs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..captions import patients
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
    counts = (
        f"{flow.n_screened} screened, {flow.n_enrolled} enrolled, {flow.n_treated} treated patients"
    )
    tables: list[tuple[str, pd.DataFrame, str]] = [
        (f"CONSORT flow from screening to follow-up: {counts}", flow.to_frame(), "consort"),
        (
            f"Eligibility of the {flow.n_screened} screened patients: the criteria each failed",
            flow.eligibility,
            "eligibility",
        ),
    ]
    figures: list[tuple[str, Figure, str]] = [
        (f"CONSORT flow diagram: {counts}", figure_of(ax), "consort")
    ]
    if labs is not None:
        inc = engraftment_incidence(labs, ctx.cohort)
        summary = inc.summary  # its caption counts the patients left out
        text = caption(summary, "Engraftment (death competing)")
        who = patients(ctx.cohort, len(inc.data))
        text = f"{text}; {who} with daily labs, from transplant (day 0)"
        tables.append((text, summary, "engraftment"))
        eax = new_axes(height=3.1)
        inc.plot(eax)
        figures.append((f"Cumulative incidence of e{text[1:]}", figure_of(eax), "engraftment"))
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
