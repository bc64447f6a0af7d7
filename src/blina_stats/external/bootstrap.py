"""The bootstrap of an external comparison, batched: resample both cohorts, refit, re-weight.

A replicate draws each cohort's patients with replacement (multinomial
counts), refits the propensity model with the counts as case weights, and
re-estimates every endpoint with weights = counts x propensity weights.
Times never change, so a chunk of replicates is one batch: the propensity
refits are batched Newton steps (:mod:`._logistic`) and the estimates
batched weighted curves (:mod:`.weighted`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._logistic import fit_logistic, predict
from .propensity import arm_weights
from .weighted import weighted_curves

FloatArray = npt.NDArray[np.float64]

#: replicates per batch: bounds memory at a few (chunk, patients) arrays
CHUNK = 250


@dataclass(frozen=True)
class Replicates:
    """Per endpoint, the bootstrap differences (trial - control) at the horizon and in RMST."""

    difference: dict[str, FloatArray]
    rmst_difference: dict[str, FloatArray]
    n_not_converged: int


def bootstrap(
    x: FloatArray,
    treated: npt.NDArray[np.bool_],
    times: Mapping[str, tuple[FloatArray, FloatArray]],
    status: Mapping[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]],
    kinds: Mapping[str, str],
    *,
    estimand: str,
    beta: FloatArray,
    horizon: float,
    n_boot: int,
    rng: np.random.Generator,
    progress: bool = False,
) -> Replicates:
    """Bootstrap differences of every endpoint; `x` the model matrix, trial rows first."""
    n_t, n_c = int(treated.sum()), int((~treated).sum())
    y = treated.astype(np.float64)
    diff: dict[str, list[FloatArray]] = {k: [] for k in times}
    rdiff: dict[str, list[FloatArray]] = {k: [] for k in times}
    bad = 0
    chunks = range(0, n_boot, CHUNK)
    if progress:
        from tqdm import tqdm

        chunks = tqdm(chunks, desc="bootstrap", unit="chunk")
    for lo in chunks:
        b = min(CHUNK, n_boot - lo)
        counts = np.hstack(
            [
                rng.multinomial(n_t, np.full(n_t, 1.0 / n_t), b),
                rng.multinomial(n_c, np.full(n_c, 1.0 / n_c), b),
            ]
        ).astype(np.float64)
        coef, ok = _refit(x, y, counts, beta)
        bad += int(b - ok.sum())
        w = counts * arm_weights(predict(x, coef), treated, estimand)
        for name in times:
            what = "survival" if kinds[name] == "survival" else "incidence"
            est = []
            for arm, cols in ((0, treated), (1, ~treated)):
                curves = weighted_curves(times[name][arm], status[name][arm], w[:, cols])
                est.append((curves.at(horizon, what), curves.restricted_mean(horizon, what)))
            diff[name].append(est[0][0] - est[1][0])
            rdiff[name].append(est[0][1] - est[1][1])
    return Replicates(
        {k: np.concatenate(v) for k, v in diff.items()},
        {k: np.concatenate(v) for k, v in rdiff.items()},
        bad,
    )


def _refit(
    x: FloatArray, y: FloatArray, counts: FloatArray, beta: FloatArray
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Batched refit from the full-data coefficients; flags the fits that converged."""
    coef, _ = fit_logistic(x, y, counts, start=beta)
    ok = np.all(np.isfinite(coef), axis=1) & (np.abs(coef).max(axis=1) < 50)
    return coef, ok
