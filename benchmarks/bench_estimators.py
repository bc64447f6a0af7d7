"""Kaplan-Meier and Aalen-Johansen against their floors, lifelines, scikit-survival and R.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_estimators.py [--quick]``).
For 10^5, 10^6 and 10^7 patients (``--quick``: 10^5, 10^6), on the same data
(exponential times, continuous and rounded up to whole days as trial data are),
it prints the best-of-k wall time of ours and of each other implementation,
and the ratio other / ours (above 1: ours is faster), and ours / floor (the
targets: at most 2 for whole days, 1.5 for KM on continuous times).  The floors
are computed here.  For whole days, the counting floor is a sketch with our
output (``_floors.py``: one ``np.bincount`` of (day, status) keys and the same
arithmetic on the distinct days, checked to agree with ours to 1e-12 before it
is timed); the bincount alone is printed too, as the stricter bound.  For
continuous times the floor is one ``np.argsort``.  lifelines' Aalen-Johansen is fitted
once per cause (two causes), since one call of ours returns both; R's
``survfit`` and ``cmprsk::cuminc`` are timed inside R (``system.time``) on the
same data.  The allocator is settled first (`settle_allocator`), so that
10^5 rows time the estimators and not the kernel handing back pages.  Every
time of ours includes reading the fit's band (``se``, ``ci_lower``,
``ci_upper``), which a result computes from its variance when first read:
the floors, R, lifelines and scikit-survival all compute their interval.
For continuous times a row without the band ("band unread") shows what a fit
costs that is only evaluated at a few times or tested.  The last lines give
each estimator's peak added memory over its input (``tracemalloc``, target
at most 4), what the result keeps of it and the scratch beyond the result,
with the band unread and read, and the AJ 10^6 -> 10^7 scaling on
continuous times (target at most 12).  On continuous times every patient is
a distinct time, so the result's arrays per time are themselves a multiple
of a KM input of float times and boolean events (9 bytes): time, estimate,
variance and three counts, 48 bytes (5.3x), and with the band read three
more, 72 bytes (8x); there the scratch column shows what the estimator adds
beyond its result.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

import blina_stats as bs
from _floors import aj_sketch, check, km_sketch
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


def settle_allocator() -> None:
    """Free one 30 MiB array first, so that freed memory is reused as in any longer session.

    glibc returns freed heap memory to the kernel when more than twice the
    largest freed mapped chunk so far lies free at its top.  In a fresh
    process that threshold is small, so each call of a fit of a few MB (10^5
    continuous times) gets its memory back from the kernel page by page: on
    this VM 3-6 ms of kernel time, more than the fit itself, and more or less
    depending on which sizes ran before.  After one large array is freed (as
    reading any sizeable table does) the threshold is 60 MiB and such memory
    is reused.  It applies to every implementation timed here alike.
    """
    big = np.ones(30 << 17)  # 30 MiB: under glibc's 32 MiB limit for raising the threshold
    del big


def banded(fit: object) -> object:
    """`fit` with its band read: the se and interval every other implementation computes."""
    getattr(fit, "ci_upper")  # noqa: B009 - computed on first read
    return fit


def peak_ratio(fn: Callable[[], object], *inputs: np.ndarray) -> tuple[float, float]:
    """Peak memory `fn` allocates and what its result keeps, over the bytes of its inputs."""
    tracemalloc.start()
    result = fn()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    size = sum(a.nbytes for a in inputs)
    return peak / size, kept / size


def others(n: int, t: np.ndarray, status: np.ndarray) -> dict[str, float]:
    """Seconds of lifelines and scikit-survival where they finish in reasonable time."""
    from lifelines import AalenJohansenFitter, KaplanMeierFitter

    event = status > 0
    out = {"lifelines KMF": best_of(lambda: KaplanMeierFitter().fit(t, event), 1)}
    if n <= 100_000:  # 28 s at 10^5 rows
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # lifelines warns that it jitters the ties
            out["lifelines AJF x2"] = sum(
                best_of(lambda c=c: AalenJohansenFitter(seed=0).fit(t, status, c), 1)
                for c in (1, 2)
            )
    try:
        from sksurv.nonparametric import (
            cumulative_incidence_competing_risks,
            kaplan_meier_estimator,
        )
    except ImportError:
        return out
    out["sksurv KM"] = best_of(
        lambda: kaplan_meier_estimator(event, t, conf_type="log-log"), 1 if n > 10**6 else 3
    )
    if np.unique(t).size <= 20_000:
        # its Aalen variance holds (causes, times, times) floats: 149 GiB at 10^5 times
        out["sksurv CIF"] = best_of(
            lambda: cumulative_incidence_competing_risks(status, t, conf_type="log-log"),
            1 if n > 10**6 else 3,
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip 10^7")
    parser.add_argument("--no-others", action="store_true", help="only ours and the floors")
    args = parser.parse_args()
    sizes = [100_000, 1_000_000] if args.quick else [100_000, 1_000_000, 10_000_000]
    settle_allocator()
    print(f"{'n':>10} {'times':<10} {'what':<30} {'ours':>10} {'other':>10} {'ratio':>8}")
    aj_continuous: dict[int, float] = {}
    memory = []
    for n in sizes:
        for kind in ("days", "continuous"):
            t, status = data(n, kind)
            event = status > 0
            rep = 7 if n <= 100_000 else 3
            km = best_of(lambda t=t, e=event: banded(bs.kaplan_meier(t, e)), rep)
            aj = best_of(lambda t=t, s=status: banded(bs.cumulative_incidence(t, s)), rep)
            if kind == "days":
                # the counting floor: a sketch that counts by one bincount and does
                # the same arithmetic, checked to give our output before it is timed
                check(km_sketch(t, event), bs.kaplan_meier(t, event))
                check(aj_sketch(t, status), bs.cumulative_incidence(t, status))
                floor_km = best_of(lambda t=t, e=event: km_sketch(t, e), rep)
                floor_aj = best_of(lambda t=t, s=status: aj_sketch(t, s), rep)
                # and stricter: the bincount of the (day, status) keys alone
                bare_km = best_of(lambda t=t, e=event: np.bincount(t.astype(np.int64) * 2 + e), rep)
                bare_aj = best_of(
                    lambda t=t, s=status: np.bincount(t.astype(np.int64) * 3 + s), rep
                )
                rows = [
                    ("KM / counting floor", km, floor_km),
                    ("AJ / counting floor", aj, floor_aj),
                    ("KM / bincount alone", km, bare_km),
                    ("AJ / bincount alone", aj, bare_aj),
                ]
            else:
                floor = best_of(lambda t=t: np.argsort(t), rep)
                km_fit = best_of(lambda t=t, e=event: bs.kaplan_meier(t, e), rep)
                aj_fit = best_of(lambda t=t, s=status: bs.cumulative_incidence(t, s), rep)
                rows = [
                    ("KM / np.argsort", km, floor),
                    ("KM band unread / np.argsort", km_fit, floor),
                    ("AJ / np.argsort", aj, floor),
                    ("AJ band unread / np.argsort", aj_fit, floor),
                ]
                aj_continuous[n] = aj
            for what, ours, ref in rows:
                print(
                    f"{n:>10,} {kind:<10} {what:<30} {ours:>9.4f}s {ref:>9.4f}s "
                    f"{ours / ref:>7.2f}x",
                    flush=True,
                )
            comparisons = {} if args.no_others else others(n, t, status)
            if not args.no_others:
                r = r_times(t, status, 3 if n <= 100_000 else 1)
                comparisons.update({f"R {k}": v for k, v in r.items()})
            for name, other in comparisons.items():
                ours = aj if any(s in name for s in ("AJF", "CIF", "cuminc")) else km
                print(
                    f"{n:>10,} {kind:<10} {name + ' / ours':<30} {ours:>9.4f}s "
                    f"{other:>9.4f}s {other / ours:>7.1f}x",
                    flush=True,
                )
            if n == sizes[-1]:
                for read, band in (("band unread", lambda f: f), ("band read", banded)):
                    memory.append(
                        (
                            kind,
                            f"KM, {read}",
                            peak_ratio(
                                lambda t=t, e=event, b=band: b(bs.kaplan_meier(t, e)), t, event
                            ),
                        )
                    )
                    memory.append(
                        (
                            kind,
                            f"AJ, {read}",
                            peak_ratio(
                                lambda t=t, s=status, b=band: b(bs.cumulative_incidence(t, s)),
                                t,
                                status,
                            ),
                        )
                    )
    for kind, what, (peak, kept) in memory:
        print(
            f"peak added memory / input, {what}, {kind}, n={sizes[-1]:,}: {peak:.2f}x "
            f"(of which the result keeps {kept:.2f}x; scratch beyond it {peak - kept:.2f}x)"
        )
    if len(aj_continuous) > 1 and 10 * sizes[-2] == sizes[-1]:
        a, b = aj_continuous[sizes[-2]], aj_continuous[sizes[-1]]
        print(
            f"AJ continuous {sizes[-2]:,} -> {sizes[-1]:,}: {b / a:.1f}x the time for 10x the rows"
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
