"""The review's simulated trials: type I error beside power for every method, and size flags.

A method whose simulated type I error exceeds ``alpha + 2 * MCSE`` (the
Monte Carlo SE of a size equal to alpha, ``sqrt(alpha (1 - alpha) / n_trials)``)
is flagged and never ranked: its power is not power at level alpha.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy.stats import binom, norm

from .review_power import METHOD_LABELS, METHODS, SIMULATED_TEST
from .scenario import Analysis, CureMixture, Scenario
from .simulate import default_scenario, simulate

HISTORICAL = "one_sample_logrank_historical"
TEST_LABELS = {
    "km_loglog": "KM log-log (Greenwood)",
    "exact_binomial": "exact binomial",
    "one_sample_logrank": "one-sample log-rank, exponential null",
    HISTORICAL: "one-sample log-rank, historical (cure-mixture) null",
}
ALL_METHODS = (*METHODS, HISTORICAL)
ALL_LABELS = {**METHOD_LABELS, HISTORICAL: TEST_LABELS[HISTORICAL]}


def size_limit(alpha: float, n_trials: int) -> float:
    """``alpha + 2 sqrt(alpha (1 - alpha) / n_trials)``: above it a size is flagged."""
    return alpha + 2.0 * math.sqrt(alpha * (1.0 - alpha) / n_trials)


def realistic_scenario(
    s0: float,
    s1: float,
    *,
    accrual: float,
    followup: float,
    dropout: float,
    landmark: float,
    entry: tuple[float, float],
) -> Scenario:
    """Cure-mixture PFS with a plateau 0.10 below each 2-year PFS, delayed entry, dropout."""
    return Scenario(
        null=CureMixture.from_landmark(s0, cure=s0 - 0.10, landmark=landmark, given=entry[0]),
        alternative=CureMixture.from_landmark(
            s1, cure=s1 - 0.10, landmark=landmark, given=entry[0]
        ),
        accrual=accrual,
        followup=followup,
        entry=entry,
        dropout=dropout,
        name="realistic",
    )


def simulate_pairs(
    n: int,
    pairs: Sequence[tuple[float, float]],
    alpha: float,
    *,
    accrual: float,
    followup: float,
    dropout: float,
    landmark: float,
    entry: tuple[float, float],
    n_trials: int,
    seed: int | None,
    progress: bool | None,
) -> pd.DataFrame:
    """One row per scenario, hypothesis pair and test: size, power, MC SEs, flag."""
    frames = []
    for p0, p1 in pairs:
        ideal = default_scenario(
            p0,
            p1,
            entry=(0.0, 0.0),
            accrual=accrual,
            followup=max(followup, landmark),
            landmark=landmark,
            name="formula assumptions",
        )
        real = realistic_scenario(
            p0,
            p1,
            accrual=accrual,
            followup=followup,
            dropout=dropout,
            landmark=landmark,
            entry=entry,
        )
        runs = [
            (ideal, None),
            # the same trials against the fully specified historical curve as well
            (real, real.null),
        ]
        for sc, hist in runs:
            an = Analysis(p0, landmark=landmark, alpha=alpha)
            res = simulate(
                n, sc, an, n_trials=n_trials, seed=seed, progress=progress, historical=hist
            )
            frame = res.to_frame().reset_index()
            frame.insert(0, "scenario", sc.name)
            frame.insert(1, "s0", p0)
            frame.insert(2, "s1", p1)
            frame.insert(3, "alpha", alpha)
            frames.append(frame.drop(columns=["analysis", "power_gap_in_mcse"]))
    out = pd.concat(frames, ignore_index=True)
    out["analysis"] = out["test"].map(TEST_LABELS)
    out["size_limit"] = size_limit(alpha, n_trials)  # alpha + 2 MCSE of a size equal to alpha
    out["size_ok"] = out["type_i_error"] <= out["size_limit"]
    return out


def normal_approximation_size(n: int, s0: float, alpha: float) -> float:
    """Exact size at `n` (binomial, complete follow-up) of the normal-approximation test."""
    x = np.arange(n + 1)
    z = (x / n - s0) / math.sqrt(s0 * (1 - s0) / n)
    return float(binom.pmf(x[z > norm.ppf(1 - alpha)], n, s0).sum())


def ranking(simulation: pd.DataFrame, power: pd.DataFrame, n: int) -> pd.DataFrame:
    """Every method at each simulated pair: worst simulated size, flag, power and rank.

    The size is the largest over the simulated scenarios (exact for the
    normal approximation, flagged above alpha itself); ``power`` is the
    simulated power in the realistic scenario where simulated, else the
    formula's.  Only simulated powers are ranked, and a method whose size
    exceeds the limit never is (``rank`` ``<NA>``).
    """
    rows = []
    for key, sim in simulation.groupby(["s0", "s1", "alpha"], sort=False):
        p0, p1, a = (float(k) for k in cast(tuple[Any, Any, Any], key))
        limit = float(sim["size_limit"].iloc[0])
        real = sim[sim["scenario"] == "realistic"].set_index("test")
        for m in ALL_METHODS:
            test = HISTORICAL if m == HISTORICAL else SIMULATED_TEST[m]
            analytic = power[(power["s0"] == p0) & (power["s1"] == p1) & (power["alpha"] == a)]
            f = analytic.loc[analytic["method"] == m, "power"]
            formula = float(f.iloc[0]) if len(f) else float("nan")
            if test is None:
                size, source, pw = normal_approximation_size(n, p0, a), "exact", formula
                mcse = 0.0
            else:
                sizes = sim.loc[sim["test"] == test, ["type_i_error", "type_i_error_mcse"]]
                worst = sizes["type_i_error"].idxmax()
                size, mcse = (float(v) for v in sizes.loc[worst].to_numpy(dtype=float))
                source = "simulated"
                pw = float(real["power"].to_numpy(dtype=float)[real.index.get_loc(test)])
            rows.append(
                {
                    "s0": p0,
                    "s1": p1,
                    "alpha": a,
                    "method": m,
                    "type_i_error": size,
                    "type_i_error_mcse": mcse,
                    "size_from": source,
                    "size_ok": bool(size <= (a if test is None else limit)),
                    "power": pw,
                    "analytic_power": formula,
                }
            )
    table = pd.DataFrame(rows)
    ranks = (
        table[table["size_ok"] & (table["size_from"] == "simulated")]
        .groupby(["s0", "s1", "alpha"])["power"]
        .rank(ascending=False, method="min")
    )
    table["rank"] = ranks.reindex(table.index).astype("Int64")
    return table


def flags(table: pd.DataFrame) -> dict[tuple[float, str], bool]:
    """``(s0, method) -> size_ok`` from a :func:`ranking` table (worst over its pairs)."""
    worst = table.groupby(["s0", "method"])["size_ok"].all()
    return {
        (float(k[0]), str(k[1])): bool(v)
        for k, v in zip(cast(Any, worst.index), worst.to_numpy(), strict=True)
    }
