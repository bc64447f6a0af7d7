"""Outcomes: every endpoint at its horizon, and GVHD counted from transplant as a sensitivity table.

Which question each row answers (event, competing events, origin, horizon) is
the endpoint's definition in :mod:`blina_stats.endpoints`; the table states
the method and horizon of each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...endpoints import to_json
from ..part import Part
from ..tables import endpoint_summary

if TYPE_CHECKING:
    from ..context import Context

KEY, TITLE = "endpoints", "Outcomes"
GVHD_ENDPOINTS = ("agvhd", "agvhd_3_4", "cgvhd", "cgvhd_mod_severe")


def build(ctx: Context) -> Part:
    """The outcome table; with entry at the first dose, GVHD again without delayed entry."""
    table = ctx.estimates()
    tables = [("Endpoints at their horizons", endpoint_summary(table), "endpoints")]
    notes: list[str] = []
    json = {}
    absent = table.index[~table["estimable"]].tolist()
    message = "not estimable: " + "; ".join(f"{n} ({table.loc[n, 'reason']})" for n in absent)
    if ctx.cohort.has_enrollment and ctx.origin == "transplant":
        # GVHD mostly starts before the first dose (days 60-90): with entry at
        # enrollment the estimate is conditional on being GVHD-free then
        gvhd = tuple(n for n in GVHD_ENDPOINTS if bool(table.loc[n, "estimable"]))
        if gvhd:
            options = {**ctx.options, "delayed_entry": False}
            plain = ctx.estimates(gvhd, delayed_entry=False)
            notes.append(
                "GVHD endpoints with entry at the first dose are conditional on being free "
                "of GVHD then; the sensitivity table counts GVHD from the transplant for "
                "every enrolled patient (no delayed entry), as transplant registries report it."
            )
            tables.append(
                (
                    "Sensitivity: GVHD from transplant without delayed entry",
                    endpoint_summary(plain),
                    "endpoints_gvhd_from_transplant",
                )
            )
            json["sensitivity_gvhd_no_delayed_entry"] = to_json(ctx.cohort, plain, options)[
                "endpoints"
            ]
    return Part(
        KEY,
        TITLE,
        tables=tuple(tables),
        notes=tuple(notes),
        json=json,
        status="partial" if absent else "ok",
        message=message if absent else "",
    )
