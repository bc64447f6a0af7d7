"""Outcomes: every endpoint at its horizon, OS/PFS/relapse/NRM from both time origins, and GVHD
with entry at the first dose as a sensitivity table (the headline counts from transplant).

Which question each row answers (event, competing events, origin, horizon) is
the endpoint's definition in :mod:`blina_stats.endpoints`; the table states
the method, the horizon and the time origin of each, in the words of
:mod:`blina_stats.endpoints.labels`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...endpoints import to_json
from ...endpoints.labels import origin_label
from ..captions import patients
from ..part import Part
from ..tables import by_origin, endpoint_summary

if TYPE_CHECKING:
    import pandas as pd

    from ..context import Context

KEY, TITLE = "endpoints", "Outcomes"
GVHD_ENDPOINTS = ("agvhd", "agvhd_3_4", "cgvhd", "cgvhd_mod_severe")
#: the endpoints reported from both time origins
BOTH_ORIGINS = ("os", "pfs", "relapse", "nrm")
#: the key of ``estimates.json`` holding BOTH_ORIGINS from the origin the report was not run from
OTHER_ORIGIN_KEY = "endpoints_other_origin"


def build(ctx: Context) -> Part:
    """The outcome table (GVHD from transplant); both origins for OS, PFS, relapse and NRM;
    GVHD again with entry at the first dose."""
    table = ctx.estimates()
    who = patients(ctx.cohort)
    since = origin_label(ctx.origin, ctx.cohort.has_enrollment)
    if ctx.origin == "transplant" and ctx.cohort.has_enrollment:
        since += "; GVHD from transplant, every patient from day 0"
    head = f"Endpoints at their horizons, {who}, {since}; each row's horizon as stated"
    tables = [(head, endpoint_summary(table), "endpoints")]
    notes: list[str] = []
    json = {}
    absent = table.index[~table["estimable"]].tolist()
    message = "not estimable: " + "; ".join(f"{n} ({table.loc[n, 'reason']})" for n in absent)
    if ctx.cohort.has_enrollment:
        caption, frame, doc = _both_origins(ctx)
        tables.append((caption, frame, "endpoints_both_origins"))
        json[OTHER_ORIGIN_KEY] = doc
        notes.append(
            "From transplant, each patient enters the risk set at the first dose (every "
            "endpoint but the GVHD headline, below): each estimate is conditional on being alive "
            "and free of the endpoint's event and its competing events at the first dose (no "
            "immortal time before it counts). From the first dose, time starts at the first "
            "dose for every patient."
        )
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
                    f"Sensitivity: GVHD endpoints at their horizons, {who}, from transplant, "
                    "entry at the first dose (conditional on being free of GVHD then)",
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


def _both_origins(ctx: Context) -> tuple[str, pd.DataFrame, dict[str, Any]]:
    """The table of BOTH_ORIGINS from each origin, and the JSON of the origin not reported."""
    tx, fd = origin_label("transplant", True), origin_label("enrollment", True)
    groups = {
        "from transplant": ctx.estimates(BOTH_ORIGINS, origin="transplant"),
        fd: ctx.estimates(BOTH_ORIGINS, origin="enrollment"),
    }
    caption = (
        f"OS, PFS, relapse and NRM at their horizons from both time origins, "
        f"{patients(ctx.cohort)}: {tx}; and {fd}"
    )
    other = "enrollment" if ctx.origin == "transplant" else "transplant"
    options = {**ctx.options, "origin": other}
    estimates = ctx.estimates(BOTH_ORIGINS, origin=other)
    doc = {**options, "endpoints": to_json(ctx.cohort, estimates, options)["endpoints"]}
    return caption, by_origin(groups), doc
