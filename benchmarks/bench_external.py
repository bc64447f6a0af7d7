"""The external-control bootstrap: blina-stats batched against a loop over lifelines.

Run: ``.venv/bin/python benchmarks/bench_external.py [--quick]``.  The bundled
trial (68 patients) against about 500 simulated registry controls at the
landmark, four endpoints (PFS, OS, relapse, NRM), 2,000 bootstrap replicates
each resampling both cohorts, refitting the propensity model and
re-estimating every endpoint (target: under 10 s on the 2-core machine).
The lifelines loop is one weighted ``KaplanMeierFitter`` per arm and endpoint
per replicate, and its propensity refit is not even counted (lifelines has no
weighted Aalen-Johansen: the incidence endpoints are timed as Kaplan-Meier),
so its time per replicate is a lower bound.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

import blina_stats as bs
from _timing import best_of
from blina_stats.external import BalanceWarning, external_control
from blina_stats.synthetic import bundled
from blina_stats.synthetic.controls import simulate_controls

COVARIATES = ["age", "mrd_pre_hsct", "disease_status", "donor_type"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="200 replicates, one round")
    args = parser.parse_args()
    n_boot, repeat = (200, 1) if args.quick else (2000, 3)
    trial = bs.load_events(bundled("trial"))
    controls = bs.load_events(simulate_controls(600, seed=1))
    warnings.simplefilter("ignore", BalanceWarning)
    warnings.filterwarnings("ignore", module="lifelines")  # its note on weighted variances

    def ours() -> object:
        return external_control(trial, controls, COVARIATES, n_boot=n_boot, seed=1)

    result = ours()
    n_c = result.aligned.control_ids.size
    t_ours = best_of(ours, repeat)
    print(f"{trial.n_patients} trial + {n_c} controls at the landmark, 4 endpoints")
    print(
        f"blina-stats: {n_boot} replicates in {t_ours:.2f} s ({1e3 * t_ours / n_boot:.2f} ms each)"
    )

    from lifelines import KaplanMeierFitter

    al, pw = result.aligned, result.propensity
    w_t, w_c = pw.weights[pw.treated], pw.weights[~pw.treated]
    rng = np.random.default_rng(1)
    loops = 20 if args.quick else 50
    start = time.perf_counter()
    for _ in range(loops):
        i_t = rng.integers(0, w_t.size, w_t.size)
        i_c = rng.integers(0, w_c.size, w_c.size)
        for name in al.time:
            for arm, idx, w in ((0, i_t, w_t), (1, i_c, w_c)):
                t, s = al.time[name][arm][idx], al.status[name][arm][idx]
                KaplanMeierFitter().fit(t, s == 1, weights=w[idx]).predict(730.5)
    per = (time.perf_counter() - start) / loops
    print(f"lifelines loop: {1e3 * per:.2f} ms per replicate (a lower bound)")
    print(f"ratio lifelines / blina-stats per replicate: {per / (t_ours / n_boot):.0f}x")


if __name__ == "__main__":
    main()
