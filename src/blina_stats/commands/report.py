"""``blina-stats report``: the figures and tables of the trial's paper, in one folder.

Exit status 0 when the report was written, even when some parts are not
available (each listed on standard error, in ``report.html`` and in
``estimates.json``); with ``--strict``, 3 when any part is not available; 2
when nothing was written (bad options, an unreadable event table, an output
folder that cannot be used).
"""

from __future__ import annotations

import argparse
import sys

from .._constants import DEFAULT_SEED
from ..endpoints import ORIGINS
from ..report import build_report
from ._options import (
    TABLES,
    PerTable,
    UniquePairs,
    count,
    pair,
    positive_int,
    read_options,
    seed,
    table_column,
    table_sheet,
    table_value,
)
from .estimate import add_estimand_arguments

#: exit status of ``--strict`` when a part of the report is not available
PARTIAL = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", help="event table (default: the bundled synthetic trial)")
    parser.add_argument("--ae", help="adverse events (default with the bundled trial: its file)")
    parser.add_argument("--dosing", help="blinatumomab dosing records")
    parser.add_argument("--screening", help="screening log (CONSORT flow)")
    parser.add_argument("--labs", help="daily labs (engraftment)")
    parser.add_argument("--gvhd", help="GVHD episodes, one row per episode or grade change")
    parser.add_argument("--controls", help="external control table: adds the External control part")
    parser.add_argument(
        "--out",
        default="report",
        help="output folder: new, empty, or a previous report, replaced when the new one is "
        "complete (default: report/)",
    )
    parser.add_argument("--origin", choices=ORIGINS, default="transplant", help="day 0")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument(
        "--design-trials", type=count, default=20_000, help="simulated trials per design scenario"
    )
    parser.add_argument(
        "--seed", type=seed, default=DEFAULT_SEED, help="seed of every simulation (>= 0)"
    )
    parser.add_argument(
        "--cutoff",
        metavar="DATE",
        help="data cut-off YYYY-MM-DD: later events ignored, follow-up truncated at it",
    )
    parser.add_argument(
        "--label",
        type=label,
        action=UniquePairs,
        default={},
        metavar="COLUMN=LABEL",
        help="display label of a covariate in figures and tables, e.g. "
        "--label 'mrd_pre_hsct=MRD before HSCT' (repeatable)",
    )
    parser.add_argument(
        "--jobs",
        type=positive_int,
        help="processes that save the figures (1: one after another; default: "
        "$BLINA_STATS_JOBS, else the processors available, at most 4); the files are the same",
    )
    add_reading_arguments(parser)
    add_estimand_arguments(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help=f"exit status {PARTIAL} when a part of the report is not available",
    )


def label(text: str) -> tuple[str, str]:
    """``COLUMN=LABEL``: the display label of a covariate (the label may hold ``=``)."""
    return pair(text, "COLUMN=LABEL, e.g. 'mrd_pre_hsct=MRD before HSCT'")


def add_reading_arguments(parser: argparse.ArgumentParser) -> None:
    """``--column``, ``--date-format``, ``--sheet``, ``--encoding``, each for one input table."""
    tables = ", ".join(TABLES)
    group = parser.add_argument_group(
        "reading the input tables",
        f"Each option may name its table with a prefix TABLE: ({tables}), e.g. "
        "--column ae:Grade=grade --date-format dosing:%Y-%m-%d.  Without it, --column and "
        "--sheet apply to the event table (as in estimate), --date-format and --encoding to "
        "every table that has none of its own (the labs have no dates; the GVHD episodes "
        "take the event table's date format).",
    )
    group.add_argument(
        "--column",
        type=table_column,
        action=PerTable,
        pairs=True,
        default={},
        metavar="[TABLE:]THEIRS=OURS",
        help="rename a column of a file to the schema's name (repeatable)",
    )
    group.add_argument(
        "--date-format",
        type=table_value,
        action=PerTable,
        default={},
        metavar="[TABLE:]FORMAT",
        help="strptime format of dates, e.g. %%d/%%m/%%Y (repeatable, one per table)",
    )
    group.add_argument(
        "--sheet",
        type=table_sheet,
        action=PerTable,
        default={},
        metavar="[TABLE:]SHEET",
        help="Excel sheet name or index (repeatable, one per table)",
    )
    group.add_argument(
        "--encoding",
        type=table_value,
        action=PerTable,
        default={},
        metavar="[TABLE:]ENCODING",
        help="text encoding of CSV and SAS files, e.g. latin-1 (default utf-8)",
    )


def run(args: argparse.Namespace) -> int:
    result = build_report(
        args.data,
        ae=args.ae,
        dosing=args.dosing,
        screening=args.screening,
        labs=args.labs,
        gvhd=args.gvhd,
        out=args.out,
        origin=args.origin,
        quiet=args.quiet,
        n_trials=args.design_trials,
        seed=args.seed,
        cutoff=args.cutoff,
        intercurrent=dict(args.intercurrent),
        relapse_definition=args.relapse_definition,
        controls=args.controls,
        read_options=read_options(args.column, args.date_format, args.sheet, args.encoding),
        labels=dict(args.label),
        jobs=args.jobs,
    )
    for line in result.missing:
        print(f"blina-stats report: not available: {line}", file=sys.stderr)
    return PARTIAL if args.strict and result.missing else 0
