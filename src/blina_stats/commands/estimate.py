"""``blina-stats estimate FILE``: every endpoint of the protocol at its horizon.

Argument parsing and the readable table only: the estimates come from
:func:`blina_stats.endpoints.estimate`, and the ``--json`` output is the
contract of :func:`blina_stats.endpoints.summary.to_json`.
"""

from __future__ import annotations

import argparse
from typing import Any

from .._json import dumps
from ..data import load_events
from ..endpoints import ENDPOINTS, GVHD_COMPETING, ORIGINS
from ..endpoints.summary import CONF_LEVEL, CONF_TYPE, estimate, to_json
from ..errors import InputError
from ._options import UniquePairs, column, horizon


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="event table: CSV, Parquet, Excel, SAS (.sas7bdat, .xpt)")
    parser.add_argument("--json", action="store_true", help="print the JSON contract")
    parser.add_argument("--origin", choices=ORIGINS, default="transplant", help="day 0")
    parser.add_argument(
        "--horizon",
        type=horizon,
        action=UniquePairs,
        default={},
        metavar="NAME=DAYS",
        help=f"horizon of an endpoint (repeatable); endpoints: {', '.join(ENDPOINTS)}",
    )
    parser.add_argument(
        "--gvhd-competing",
        choices=GVHD_COMPETING,
        default="relapse_or_death",
        help="competing events of the GVHD endpoints",
    )
    parser.add_argument(
        "--gvhd-entry",
        choices=("transplant", "enrollment"),
        default="transplant",
        help="GVHD endpoints from transplant without delayed entry (default), or entry at "
        "the first dose (conditional on being GVHD-free then: sensitivity)",
    )
    parser.add_argument(
        "--no-delayed-entry",
        action="store_true",
        help="start everyone at transplant even when enrollment is known (sensitivity only)",
    )
    parser.add_argument(
        "--column",
        type=column,
        action=UniquePairs,
        unique_values=True,
        default={},
        metavar="THEIRS=OURS",
        help="rename a column of the file to the schema's name (repeatable)",
    )
    parser.add_argument("--date-format", help="strptime format of dates, e.g. %%d/%%m/%%Y")
    parser.add_argument("--sheet", default=0, help="Excel sheet name or index")
    parser.add_argument("--gvhd", help="GVHD episodes, one row per episode or grade change")


def format_table(doc: dict[str, Any]) -> str:
    """The readable output: one line per endpoint, then exclusions and warnings."""
    level = f"{doc['conf_level']:.0%}"
    entry = "delayed entry at enrollment" if doc["delayed_entry"] else "no delayed entry"
    if doc["delayed_entry"] and doc.get("gvhd_entry") == "transplant":
        entry += "; GVHD from transplant without delayed entry"
    lines = [
        f"{doc['source']}: {doc['n_patients']} patients; time from {doc['origin']}"
        + (f" ({entry})" if doc["origin"] == "transplant" else "")
        + f"; {doc['conf_type']} {level} intervals",
        "",
        f"{'endpoint':<17} {'method':<15} {'day':>8} {'estimate':>9} {level + ' CI':>15} "
        f"{'at risk':>8} {'events':>7} {'used':>5}",
    ]
    notes = []
    for name, e in doc["endpoints"].items():
        if not e["estimable"]:
            lines.append(f"{name:<17} not estimable: {e['reason']}")
            continue
        if e["estimate"] is None:
            est, ci = "-", "-"
            notes.append(f"{name}: {e['reason']}")
        else:
            est = f"{e['estimate']:.3f}"
            ci = f"{e['ci_lower']:.3f}-{e['ci_upper']:.3f}"
        lines.append(
            f"{name:<17} {e['method']:<15} {e['horizon_days']:>8g} {est:>9} {ci:>15} "
            f"{e['n_at_risk']:>8} {e['n_events']:>7} {e['n_used']:>5}"
        )
        for reason, k in e["excluded"].items():
            notes.append(f"{name}: {k} excluded ({reason})")
    lines.append("")
    lines.append(
        "Kaplan-Meier endpoints give survival; Aalen-Johansen endpoints give cumulative "
        "incidence (Greenwood / cmprsk variance)."
    )
    if notes:
        lines += ["", "Notes:", *(f"  {n}" for n in notes)]
    warnings = doc["warnings"]
    lines += ["", f"Warnings: {len(warnings)}", *(f"  {w}" for w in warnings)]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    sheet = int(args.sheet) if str(args.sheet).isdigit() else args.sheet
    cohort = load_events(
        args.file,
        columns=dict(args.column),
        date_format=args.date_format,
        sheet_name=sheet,
        gvhd=args.gvhd,
    )
    if args.origin == "enrollment" and not cohort.has_enrollment:
        raise InputError(
            f"{cohort.source}: --origin enrollment needs an enrollment_date or enrollment_day "
            "column; the table has neither"
        )
    options = {
        "origin": args.origin,
        "delayed_entry": not args.no_delayed_entry,
        "gvhd_entry": args.gvhd_entry,
        "gvhd_competing": args.gvhd_competing,
    }
    table = estimate(
        cohort,
        dict(args.horizon),
        origin=args.origin,
        gvhd_competing=args.gvhd_competing,
        delayed_entry=not args.no_delayed_entry,
        conf_type=CONF_TYPE,
        conf_level=CONF_LEVEL,
        gvhd_entry=args.gvhd_entry,
    )
    doc = to_json(cohort, table, options)
    print(dumps(doc) if args.json else format_table(doc))
    return 0
