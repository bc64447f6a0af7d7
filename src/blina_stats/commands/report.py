"""``blina-stats report``: the figures and tables of the trial's paper, in one folder."""

from __future__ import annotations

import argparse

from .._constants import DEFAULT_SEED
from ..endpoints import ORIGINS
from ..report import build_report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", help="event table (default: the bundled synthetic trial)")
    parser.add_argument("--ae", help="adverse events (default with the bundled trial: its file)")
    parser.add_argument("--dosing", help="blinatumomab dosing records")
    parser.add_argument("--screening", help="screening log (CONSORT flow)")
    parser.add_argument("--labs", help="daily labs (engraftment)")
    parser.add_argument("--out", default="report", help="output folder (default: report/)")
    parser.add_argument("--origin", choices=ORIGINS, default="transplant", help="day 0")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument(
        "--design-trials", type=int, default=20_000, help="simulated trials per design scenario"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of every simulation")


def run(args: argparse.Namespace) -> int:
    result = build_report(
        args.data,
        ae=args.ae,
        dosing=args.dosing,
        screening=args.screening,
        labs=args.labs,
        out=args.out,
        origin=args.origin,
        quiet=args.quiet,
        n_trials=args.design_trials,
        seed=args.seed,
    )
    for line in result.missing:
        print(f"missing: {line}")
    return 0
