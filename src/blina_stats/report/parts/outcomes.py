"""Outcomes: every endpoint at its horizon; GVHD with entry at the first dose as a sensitivity.

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
    """The outcome table (GVHD from transplant); GVHD again with entry at the first dose."""
    table = ctx.estimates()
    tables = [("Endpoints at their horizons", endpoint_summary(table), "endpoints")]
    notes: list[str] = []
    json = {}
    absent = table.index[~table["estimable"]].tolist()
    message = "not estimable: " + "; ".join(f"{n} ({table.loc[n, 'reason']})" for n in absent)
    if ctx.cohort.has_enrollment and ctx.origin == "transplant":
        # GVHD mostly starts before the first dose (days 60-90): the headline counts
        # it from the transplant; entry at enrollment is conditional on being GVHD-free then
        gvhd = tuple(n for n in GVHD_ENDPOINTS if bool(table.loc[n, "estimable"]))
        if gvhd:
            options = {**ctx.options, "gvhd_entry": "enrollment"}
            conditional = ctx.estimates(gvhd, gvhd_entry="enrollment")
            notes.append(
                "GVHD endpoints count from the transplant for every enrolled patient, without "
                "delayed entry, as transplant registries report them; the sensitivity table "
                "enters patients at the first dose (conditional on being free of GVHD then)."
            )
            tables.append(
                (
                    "Sensitivity: GVHD with entry at the first dose (conditional)",
                    endpoint_summary(conditional),
                    "endpoints_gvhd_entry_at_first_dose",
                )
            )
            json["sensitivity_gvhd_entry_at_first_dose"] = to_json(
                ctx.cohort, conditional, options
            )["endpoints"]
    return Part(
        KEY,
        TITLE,
        tables=tuple(tables),
        notes=tuple(notes),
        json=json,
        status="partial" if absent else "ok",
        message=message if absent else "",
    )
