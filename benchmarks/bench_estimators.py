"""Kaplan-Meier and Aalen-Johansen: blina-stats against lifelines and R, side by side.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_estimators.py [--quick]``).
Prints, for 10^3, 10^5 and 10^6 patients, the best-of-k wall time of each
implementation on the same data (continuous times, and times rounded up to
whole days as trial data are) and the ratios; lifelines' Aalen-Johansen is
fitted once per cause (two causes here), since one call of ours returns both.
R's ``cmprsk::cuminc`` and ``survfit`` are timed inside R (``system.time``) on
the same data, through Rscript, so R's start-up is not counted.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

import blina_stats as bs
from _timing import best_of


def data(n: int, kind: str, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Exponential times, continuous or rounded up to whole days (heavily tied, as trial data)."""
    rng = np.random.default_rng(seed)
    t = rng.exponential(400, n)
    if kind == "days":
        t = np.ceil(t)
    status = rng.choice([0, 1, 2], n, p=[0.3, 0.4, 0.3])
    return t, status


def r_times(t: np.ndarray, status: np.ndarray, repeat: int) -> dict[str, float]:
    """Best-of-`repeat` seconds of R's cuminc and survfit(log-log), timed inside R."""
    if shutil.which("Rscript") is None:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.csv"
        np.savetxt(path, np.column_stack([t, status]), delimiter=",", fmt="%.17g")
        script = f"""
        suppressPackageStartupMessages({{library(survival); library(cmprsk)}})
        d <- read.csv("{path}", header = FALSE)
        best <- function(f) min(replicate({repeat}, system.time(f())[["elapsed"]]))
        cat(best(function() cuminc(d$V1, d$V2, cencode = 0)), "\\n")
        cat(best(function() survfit(Surv(d$V1, d$V2 > 0) ~ 1, conf.type = "log-log")), "\\n")
        """
        out = subprocess.run(
            ["Rscript", "-e", script], capture_output=True, text=True, check=True
        ).stdout.split()
    return {"cuminc": float(out[0]), "survfit": float(out[1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="skip 10^6 and the slow lifelines runs"
    )
    args = parser.parse_args()
    from lifelines import AalenJohansenFitter, KaplanMeierFitter

    sizes = [1_000, 100_000] if args.quick else [1_000, 100_000, 1_000_000]
    print(f"{'n':>9} {'times':<10} {'what':<34} {'blina-stats':>12} {'other':>12} {'ratio':>9}")
    for n, kind in [(n, kind) for n in sizes for kind in ("continuous", "days")]:
        t, status = data(n, kind)
        event = status > 0
        rep = 7 if n <= 100_000 else 3
        ours_km = best_of(lambda t=t, e=event: bs.kaplan_meier(t, e), rep)
        argsort = best_of(lambda t=t: np.argsort(t, kind="stable"), rep)
        ll_km = best_of(lambda t=t, e=event: KaplanMeierFitter().fit(t, e), 3 if n < 10**6 else 1)
        ours_aj = best_of(lambda t=t, s=status: bs.cumulative_incidence(t, s), rep)
        rows = [
            ("KM + log-log CI vs stable argsort", ours_km, argsort),
            ("KM + log-log CI vs lifelines KMF", ours_km, ll_km),
        ]
        if n <= 100_000:
            # lifelines fits one cause at a time; one call of ours returns every cause
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # lifelines warns that it jitters the ties
                ll_aj = sum(
                    best_of(lambda t=t, s=status, c=c: AalenJohansenFitter(seed=0).fit(t, s, c), 1)
                    for c in (1, 2)
                )
            rows.append(("AJ + variance vs lifelines AJF x2", ours_aj, ll_aj))
        r = r_times(t, status, rep if n <= 100_000 else 1)
        if r:
            rows.append(("AJ + variance vs R cmprsk::cuminc", ours_aj, r["cuminc"]))
            rows.append(("KM + log-log CI vs R survfit", ours_km, r["survfit"]))
        for what, ours, other in rows:
            print(
                f"{n:>9,} {kind:<10} {what:<34} {ours:>11.4f}s {other:>11.4f}s "
                f"{other / ours:>8.1f}x",
                flush=True,
            )


def weighted(quick: bool) -> None:
    """Weighted Kaplan-Meier (robust variance) against lifelines' KaplanMeierFitter(weights=).

    Non-integer weights (lognormal, as propensity weights); lifelines' variance
    is Greenwood's on the weighted counts, ours the robust one, so ours does
    more.  Also the weighted Aalen-Johansen (both causes) and the RMST at day 730.
    """
    from lifelines import KaplanMeierFitter

    print(f"{'n':>9} {'times':<10} {'weighted (robust variance)':<34}")
    for n in [10_000] if quick else [10_000, 100_000]:
        t, status = data(n, "days")
        event = status > 0
        w = np.exp(np.random.default_rng(2).normal(0, 0.6, n))
        ours = best_of(lambda t=t, e=event, w=w: bs.kaplan_meier(t, e, weights=w), 5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # lifelines warns about non-integer weights
            theirs = best_of(lambda t=t, e=event, w=w: KaplanMeierFitter().fit(t, e, weights=w), 3)
        aj = best_of(lambda t=t, s=status, w=w: bs.cumulative_incidence(t, s, weights=w), 5)
        km = bs.kaplan_meier(t, event, weights=w)
        rmst = best_of(lambda km=km: km.rmst(730), 5)
        for what, ours_s, other in (
            ("weighted KM vs lifelines KMF(weights)", ours, theirs),
            ("weighted AJ (2 causes) vs weighted KM", aj, ours),
            ("RMST(730) of a weighted KM vs the KM", rmst, ours),
        ):
            print(
                f"{n:>9,} {'days':<10} {what:<34} {ours_s:>11.4f}s {other:>11.4f}s "
                f"{other / ours_s:>8.1f}x",
                flush=True,
            )


if __name__ == "__main__":
    main()
    weighted("--quick" in sys.argv)
