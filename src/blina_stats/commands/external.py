"""``blina-stats external``: the trial against propensity-weighted, landmark-aligned controls.

Argument parsing and the readable table only: the comparison is
:func:`blina_stats.external.external_control`; ``--json`` prints its
:meth:`~blina_stats.external.ExternalComparison.to_dict`.  Balance warnings
and the tables' own warnings go to standard error, one line each.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any

from .._constants import DEFAULT_SEED, TWO_YEARS
from .._json import dumps
from ..data import load_events
from ..data.readers import table_path
from ..external import ESTIMANDS, LANDMARKS, BalanceWarning, external_control
from ..synthetic import bundled
from ._options import count, seed


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number of days") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: expected a positive number of days")
    return value


def _names(text: str) -> list[str]:
    names = [t.strip() for t in text.split(",") if t.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"{text!r}: expected names separated by commas")
    return names


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", help="trial event table (default: the bundled synthetic trial)")
    parser.add_argument(
        "--controls", help="control event table (default: the bundled synthetic registry)"
    )
    parser.add_argument(
        "--covariates",
        type=_names,
        default=["age", "mrd_pre_hsct", "disease_status", "donor_type"],
        help="covariates of the propensity model, comma-separated "
        "(default: age,mrd_pre_hsct,disease_status,donor_type)",
    )
    parser.add_argument("--landmark", choices=LANDMARKS, default="fixed", help="control entry")
    parser.add_argument(
        "--landmark-day", type=_days, help="fixed landmark (default: the trial's median first dose)"
    )
    parser.add_argument(
        "--gvhd-free", action="store_true", help="controls GVHD-free at the landmark"
    )
    parser.add_argument("--estimand", choices=ESTIMANDS, default="ATT", help="weights")
    parser.add_argument(
        "--endpoints", type=_names, default=["pfs", "os", "relapse", "nrm"], help="comma-separated"
    )
    parser.add_argument("--horizon", type=_days, default=TWO_YEARS, help="days (default 730.5)")
    parser.add_argument("--boot", type=count, default=2000, help="bootstrap replicates")
    parser.add_argument("--seed", type=seed, default=DEFAULT_SEED, help="seed (>= 0)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def format_table(doc: dict[str, Any]) -> str:
    """The comparison as readable lines."""
    pct = f"{doc['conf_level']:.0%}"
    lines = [
        f"External control: {doc['estimand']} weights, landmark {doc['landmark']} "
        f"(day {doc['landmark_day']:g}), horizon {doc['horizon']:g} days from the landmark "
        "(trial: from the first dose), "
        f"{doc['n_boot']} bootstrap replicates (seed {doc['seed']})",
        f"effective sample size: trial {doc['ess']['trial']:.1f}, "
        f"control {doc['ess']['control']:.1f}",
    ]
    for key, n in doc["excluded"].items():
        lines.append(f"excluded: {key}: {n}")

    def num(v: Any, f: str = ".3f") -> str:
        return "NA" if v is None else format(v, f)

    for r in doc["endpoints"]:
        lines.append(
            f"{r['endpoint']:8s} trial {num(r['trial'])}  control {num(r['control'])} "
            f"(unweighted {num(r['control_unweighted'])})  difference {num(r['difference'])} "
            f"[{pct} {num(r['ci_lower'])}, {num(r['ci_upper'])}]  "
            f"HR {num(r['hazard_ratio'], '.2f')} [{num(r['hr_ci_lower'], '.2f')}, "
            f"{num(r['hr_ci_upper'], '.2f')}]  E-value {num(r['e_value'], '.2f')}  "
            f"{r['restricted_mean']} difference {num(r['rmst_difference'], '.1f')} days"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    # an empty --data= or --controls= is an error, not the bundled file
    trial = load_events(
        bundled("trial") if args.data is None else table_path(args.data, "--data", "trial table")
    )
    controls = load_events(
        bundled("controls")
        if args.controls is None
        else table_path(args.controls, "--controls", "external control table")
    )
    for problem in (*trial.warnings, *controls.warnings):
        print(f"blina-stats external: warning: {problem}", file=sys.stderr)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BalanceWarning)
        result = external_control(
            trial,
            controls,
            args.covariates,
            endpoints=args.endpoints,
            horizon=args.horizon,
            landmark=args.landmark,
            estimand=args.estimand,
            n_boot=args.boot,
            seed=args.seed,
            landmark_day=args.landmark_day,
            gvhd_free=args.gvhd_free,
        )
    for w in caught:
        print(f"blina-stats external: warning: {w.message}", file=sys.stderr)
    doc = result.to_dict()
    print(dumps(doc) if args.json else format_table(doc))
    return 0
