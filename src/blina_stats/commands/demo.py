"""``blina-stats demo``: the estimators on KMsurv's bmt data (bundled), printed as tables."""

from __future__ import annotations

import argparse

from .._constants import DAY_100, ONE_YEAR, TWO_YEARS
from ..datasets import load_bmt
from ..estimators import cumulative_incidence, kaplan_meier


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--times",
        type=float,
        nargs="+",
        default=[DAY_100, ONE_YEAR, TWO_YEARS],
        help="days to report",
    )


def run(args: argparse.Namespace) -> int:
    bmt = load_bmt()
    print("KMsurv::bmt, 137 allogeneic marrow transplants (Klein & Moeschberger 2003)\n")
    os_ = kaplan_meier(bmt["t1"], bmt["d1"])
    print("Overall survival (Kaplan-Meier, log-log 95% CI)")
    print(os_.at(args.times).round(4).to_string(), "\n")
    med = kaplan_meier(bmt["t1"], bmt["d1"], reverse=True).median
    print(f"Median follow-up (reverse Kaplan-Meier): {med.estimate:g} days\n")
    # relapse (cause 1) vs death in remission (cause 2)
    status = bmt["d2"] + 2 * (bmt["d3"].eq(1) & bmt["d2"].eq(0))
    time = bmt["t2"]
    ci = cumulative_incidence(time, status, n_causes=2)
    for cause, name in ((1, "Relapse"), (2, "Death in remission")):
        print(f"{name} (Aalen-Johansen cumulative incidence, cmprsk variance)")
        print(ci.at(args.times, cause=cause).round(4).to_string(), "\n")
    return 0
