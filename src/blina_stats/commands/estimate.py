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
from ..data.readers import table_path
from ..endpoints import ENDPOINTS, GVHD_COMPETING, ORIGINS
from ..endpoints.intercurrent import RELAPSE_DEFINITIONS, STRATEGIES
from ..endpoints.labels import origin_words
from ..endpoints.summary import CONF_LEVEL, CONF_TYPE, estimate, to_json
from ..errors import InputError
from ._options import UniquePairs, column, horizon, pair


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
    parser.add_argument(
        "--cutoff",
        metavar="DATE",
        help="data cut-off YYYY-MM-DD: later events ignored, follow-up truncated at it",
    )
    parser.add_argument("--gvhd", help="GVHD episodes, one row per episode or grade change")
    add_estimand_arguments(parser)


def intercurrent(text: str) -> tuple[str, str]:
    """``EVENT=STRATEGY`` (checked by the library: a bad one is one line, exit 2)."""
    return pair(text, "EVENT=STRATEGY, e.g. dli=censor")


def add_estimand_arguments(parser: argparse.ArgumentParser) -> None:
    """``--intercurrent`` and ``--relapse-definition``, shared with ``report``."""
    parser.add_argument(
        "--intercurrent",
        type=intercurrent,
        action=UniquePairs,
        default={},
        metavar="EVENT=STRATEGY",
        help="strategy for an intercurrent event (dli, second_hsct, new_therapy; repeatable): "
        f"{', '.join(STRATEGIES)} (default treatment_policy)",
    )
    parser.add_argument(
        "--relapse-definition",
        choices=RELAPSE_DEFINITIONS,
        default="hematologic",
        help="whether an MRD recurrence (mrd_relapse_date) counts as relapse",
    )


def estimand_lines(doc: dict[str, Any]) -> list[str]:
    """The estimand in words: relapse definition, intercurrent strategies, PFS censoring."""
    used = ", ".join(f"{k}={v}" for k, v in doc["intercurrent"].items())
    return [
        f"Relapse: {doc['relapse_definition']}; intercurrent events: {used}",
        f"{doc['pfs_censoring']}",
    ]


def format_table(doc: dict[str, Any]) -> str:
    """The readable output: one line per endpoint, then exclusions and warnings."""
    level = f"{doc['conf_level']:.0%}"
    entry = "entry at the first dose" if doc["delayed_entry"] else "no delayed entry"
    if doc["delayed_entry"] and doc.get("gvhd_entry") == "transplant":
        entry += "; GVHD from transplant without delayed entry"
    lines = [
        f"{doc['source']}: {doc['n_patients']} patients; time from {origin_words(doc['origin'])}"
        + (f" ({entry})" if doc["origin"] == "transplant" else "")
        + f"; {doc['conf_type']} {level} intervals"
        + (f"; data cut-off {doc['cutoff']}" if doc["cutoff"] else ""),
        *estimand_lines(doc),
        "",
        f"{'endpoint':<17} {'method':<15} {'days':>8} {'estimate':>9} {level + ' CI':>15} "
        f"{'at risk':>8} {'events':>7} {'used':>5}  horizon",
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
            f"{e['n_at_risk']:>8} {e['n_events']:>7} {e['n_used']:>5}  {e['horizon_label']}"
        )
        for reason, k in e["excluded"].items():
            notes.append(f"{name}: {k} excluded ({reason})")
        for change, k in e["recoded"].items():
            notes.append(f"{name}: {k} {change}")
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
        table_path(args.file, "FILE", "event table"),
        columns=dict(args.column),
        date_format=args.date_format,
        sheet_name=sheet,
        cutoff=args.cutoff,
        gvhd=None if args.gvhd is None else table_path(args.gvhd, "--gvhd", "GVHD episodes table"),
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
        "intercurrent": dict(args.intercurrent),
        "relapse_definition": args.relapse_definition,
    }
    table = estimate(
        cohort,
        dict(args.horizon),
        origin=args.origin,
        gvhd_competing=args.gvhd_competing,
        delayed_entry=not args.no_delayed_entry,
        conf_type=CONF_TYPE,
        conf_level=CONF_LEVEL,
        intercurrent=dict(args.intercurrent),
        relapse_definition=args.relapse_definition,
        gvhd_entry=args.gvhd_entry,
    )
    doc = to_json(cohort, table, options)
    print(dumps(doc) if args.json else format_table(doc))
    return 0
