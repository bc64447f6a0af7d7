"""The whole simulated design, ``bs.design.simulate(n=68, n_trials=100_000, seed=1)``, vs lifelines.

Run: ``.venv/bin/python benchmarks/bench_design.py [--trials 100000] [--lifelines 1000]``.
The call simulates `--trials` trials under H0 and as many under H1 (random
generation, delayed-entry Kaplan-Meier at 2 years with its log-log test,
exact binomial, one-sample log-rank), best of `--repeat`.  Beside it, the
loop a user would write with lifelines (KaplanMeierFitter.fit with entry,
then the 2-year estimate: the Kaplan-Meier step alone) timed on
`--lifelines` trials; the ratio is per trial.  The two Kaplan-Meier
estimates agree on the shared trials.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

import blina_stats as bs
from _timing import best_of
from blina_stats.design import Exponential, Scenario, sample_trials
from blina_stats.estimators.batched import kaplan_meier_at

LANDMARK = 730.5


def lifelines_loop(data: bs.design.SimulatedTrials, m: int) -> tuple[float, np.ndarray]:
    """Seconds per trial of the lifelines loop on the first `m` trials, and its estimates."""
    from lifelines import KaplanMeierFitter
    from lifelines.exceptions import StatError

    ref = np.empty(m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        for i in range(m):
            try:
                kmf = KaplanMeierFitter().fit(data.time[i], data.event[i], entry=data.entry[i])
                ref[i] = kmf.survival_function_at_times(LANDMARK).iloc[0]
            except StatError:  # lifelines refuses a curve that reaches 0 early; ours gives 0
                ref[i] = 0.0
        return (time.perf_counter() - start) / m, ref


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--lifelines", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    bs.design.simulate(n=68, n_trials=1_000, seed=1, progress=False)  # warm up
    ours = best_of(
        lambda: bs.design.simulate(n=68, n_trials=args.trials, seed=1, progress=False),
        args.repeat,
    )
    per_trial = ours / (2 * args.trials)  # H0 and H1

    model = Exponential.from_landmark(0.5, given=60.0)
    data = sample_trials(args.lifelines, 68, model, Scenario(null=model, alternative=model), seed=1)
    theirs, ref = lifelines_loop(data, args.lifelines)
    est = kaplan_meier_at(data.time, data.event, data.entry, at=LANDMARK).estimate
    gap = np.nanmax(np.abs(est - ref))

    print(f"bs.design.simulate(n=68, n_trials={args.trials:,}, seed=1): {2 * args.trials:,} trials")
    print(
        f"  whole call (ours, best of {args.repeat}): {ours:8.3f} s  "
        f"({per_trial * 1e6:.2f} us/trial)"
    )
    print(
        f"  lifelines loop, Kaplan-Meier only:   {theirs * 2 * args.trials:8.1f} s  "
        f"({theirs * 1e3:.2f} ms/trial, timed on {args.lifelines})"
    )
    print(f"  ratio per trial: {theirs / per_trial:,.0f}x; max |KM difference| {gap:.2e}")


if __name__ == "__main__":
    main()
