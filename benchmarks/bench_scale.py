"""Reading, validating and estimating 10^4 to 10^6 patients, side by side with pandas.read_csv.

Run: ``.venv/bin/python benchmarks/bench_scale.py [--quick] [--profile N]``.
For each size the event table is simulated (``blina_stats.synthetic.simulate_trial``,
seed 1: seven date columns written as ISO 8601, as a site's export would be)
and written to a CSV in a temporary folder.  A fresh Python process per size
then times, best of k rounds: ``pandas.read_csv`` of the file (defaults),
``read_table`` (our reader), validation (``schema.validate`` of the table as read:
``load_events`` is the two),
and ``estimate`` on the cohort; it reports its peak resident memory
(``ru_maxrss``: everything the process held, the Python runtime included).
The last columns are validation / ``pandas.read_csv`` (target: at most 1.5),
``load_events`` + ``estimate`` / ``pandas.read_csv`` (target: at most 3), and the
peak memory ``tracemalloc`` sees during ``load_events`` + ``estimate`` over the
memory of the DataFrame ``read_csv`` makes (``memory_usage(deep=True)``, target:
at most 4); the closing line is the 10^5 -> 10^6 ratio of ``estimate`` (linear: 10; best of at
least 9 rounds, since on a shared machine a few rounds of 0.3 s swing it by half).
``--profile N`` instead prints the cProfile of one ``load_events`` of N rows.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pandas as pd

import blina_stats as bs
from _timing import best_of
from blina_stats.data.readers import read_table
from blina_stats.data.schema import validate
from blina_stats.endpoints.summary import estimate


def write_table(n: int, folder: Path) -> Path:
    """The simulated trial of `n` patients as a CSV (dates written ISO 8601, empty when none)."""
    path = folder / f"trial_{n}.csv"
    bs.synthetic.simulate_trial(n, seed=1).to_csv(path, index=False, date_format="%Y-%m-%d")
    return path


def measure(path: Path, repeat: int) -> dict[str, float]:
    """Best-of-`repeat` seconds of each step on one file, and this process's peak memory."""
    pandas_read = best_of(lambda: pd.read_csv(path), repeat)
    read = best_of(lambda: read_table(path), repeat)
    raw = read_table(path)
    # validation itself, timed on the table as read (load_events is read_table + this)
    check = best_of(lambda: validate(raw.frame, raw.source, names=raw.names), repeat)
    cohort = bs.load_events(path)
    # estimate is a tenth of the whole: more rounds, so the 10^5 -> 10^6 ratio is not noise
    est = best_of(lambda: estimate(cohort), max(repeat, 9))
    both = best_of(lambda: estimate(bs.load_events(path)), repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    frame_bytes = int(pd.read_csv(path).memory_usage(deep=True).sum())
    tracemalloc.start()
    estimate(bs.load_events(path))
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "pandas_read": pandas_read,
        "read": read,
        "validate": check,
        "estimate": est,
        "end_to_end": both,
        "peak_mb": peak,
        "memory_ratio": traced / frame_bytes,
    }


def profile(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_table(n, Path(tmp))
        prof = cProfile.Profile()
        prof.runcall(bs.load_events, path)
        stats = pstats.Stats(prof).strip_dirs().sort_stats("cumulative")
        stats.print_stats(40)
        stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip 10^6")
    parser.add_argument("--profile", type=int, metavar="N", help="profile load_events of N rows")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child: measure this file
    parser.add_argument("--repeat", type=int, default=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile:
        profile(args.profile)
        return
    if args.one:
        print(json.dumps(measure(Path(args.one), args.repeat)))
        return
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    print(
        f"{'rows':>9} {'CSV MB':>7} {'read_csv':>9} {'read':>9} {'validate':>9} "
        f"{'estimate':>9} {'load+est':>9} {'peak MB':>8} {'validate/read_csv':>18} "
        f"{'load+est/read_csv':>18} {'memory/frame':>13}"
    )
    estimates = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = write_table(n, Path(tmp))
            repeat = 5 if n <= 100_000 else 3
            child = [sys.executable, __file__, "--one", str(path), "--repeat", str(repeat)]
            out = subprocess.run(child, capture_output=True, text=True, check=True).stdout
            r = json.loads(out.splitlines()[-1])
            size = path.stat().st_size / 1e6
            print(
                f"{n:>9,} {size:>7.1f} {r['pandas_read']:>8.3f}s {r['read']:>8.3f}s "
                f"{r['validate']:>8.3f}s {r['estimate']:>8.3f}s {r['end_to_end']:>8.3f}s "
                f"{r['peak_mb']:>8.0f} {r['validate'] / r['pandas_read']:>17.2f}x "
                f"{r['end_to_end'] / r['pandas_read']:>17.2f}x {r['memory_ratio']:>12.2f}x",
                flush=True,
            )
            estimates[n] = r["estimate"]
            path.unlink()
    if 100_000 in estimates and 1_000_000 in estimates:
        ratio = estimates[1_000_000] / estimates[100_000]
        print(f"estimate 10^5 -> 10^6 rows: {ratio:.1f}x the time for 10x the rows")


if __name__ == "__main__":
    main()
