"""Review of the 68-patient single-arm design: what it can test, with what power.

The default hypotheses are anchored in published 2-year PFS after allogeneic
transplant for B-ALL (see :data:`SOURCES`): without maintenance about
0.35-0.45 for relapsed/refractory or MRD-positive disease; with blinatumomab
maintenance 0.55-0.65.  Every alpha here is **one-sided**.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
from scipy.optimize import brentq

from .._constants import DAYS_PER_YEAR, DEFAULT_SEED
from .binomial import exact_binomial, normal_approximation
from .dropout import evaluable
from .km_fixed_time import km_fixed_time
from .one_sample_logrank import one_sample_logrank
from .scenario import Analysis, CureMixture, Scenario
from .simulate import default_scenario, simulate

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: where the default hypotheses come from
SOURCES = (
    "Gaballa MR et al. (2022). Blinatumomab maintenance after allogeneic hematopoietic cell "
    "transplantation for B-lineage acute lymphoblastic leukemia. Blood 139(12):1908-1919 "
    "(single-centre phase 2, 21 patients: 1-year PFS 71%).",
    "Badar T et al. (2021). Multi-institutional study evaluating clinical outcome with allogeneic "
    "HSCT after blinatumomab in B-ALL: real-world data. Bone Marrow Transplant, "
    "doi:10.1038/s41409-021-01279-w (relapsed/refractory ALL: 2-year PFS after HSCT 48%, "
    "95% CI 36-59%).",
    "Gokbuget N et al. (2018). Blinatumomab for minimal residual disease in adults with B-cell "
    "precursor ALL. Blood 131(14):1522-1531 (MRD-positive ALL: 18-month RFS 54%).",
    "The grid (0.35-0.45 without, 0.55-0.65 with maintenance) is the protocol review's "
    "working range; the sources above bracket it and do not fix it.",
)

METHODS = (
    "exact_binomial",
    "normal_approximation",
    "km_loglog_mixed",
    "km_loglog_null",
    "one_sample_logrank",
)
METHOD_LABELS = {
    "exact_binomial": "exact binomial (A'Hern)",
    "normal_approximation": "normal approximation",
    "km_loglog_mixed": "KM log-log, mixed variance",
    "km_loglog_null": "KM log-log, null variance (Nagashima)",
    "one_sample_logrank": "one-sample log-rank (Wu), exponential",
}


@dataclass(frozen=True)
class ProtocolReview:
    """Power of the design for a grid of hypotheses, by method, analytic and simulated.

    Attributes
    ----------
    n, n_evaluable : int
        Patients enrolled, and expected evaluable after `dropout`.
    dropout : float
        Fraction lost before the landmark.
    accrual, followup, landmark : float
        Days of accrual, of follow-up after the last enrolment, and the landmark
        (from transplant).
    entry : (float, float)
        Enrolment window after transplant (days).
    power : DataFrame
        ``s0, s1, alpha, method, power`` at `n` and ``power_dropout`` at `n_evaluable`.
    detectable : DataFrame
        Smallest 2-year PFS detectable (``s1``) at 80% and 90% power, at `n` and
        at `n_evaluable`: the hypotheses for which `n` is the required size.
    simulation : DataFrame
        Simulated type I error and power (Monte Carlo SEs) against the formulas.
    curve : DataFrame
        ``method, alpha, s0, s1, power``: the power curves of the figure.
    method_labels : mapping of str to str
        Each ``method`` of the tables -> its readable name, in the order the
        tables and the figure list them.
    sources : tuple of str
        Where the default hypotheses come from.
    """

    n: int
    n_evaluable: int
    dropout: float
    accrual: float
    followup: float
    landmark: float
    entry: tuple[float, float]
    power: pd.DataFrame = field(repr=False)
    detectable: pd.DataFrame = field(repr=False)
    simulation: pd.DataFrame = field(repr=False)
    curve: pd.DataFrame = field(repr=False)
    method_labels: Mapping[str, str] = field(default_factory=METHOD_LABELS.copy, repr=False)
    sources: tuple[str, ...] = field(default=SOURCES, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; every alpha is one-sided."""

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            return [
                {
                    str(k): (None if isinstance(v, float) and math.isnan(v) else v)
                    for k, v in r.items()
                }
                for r in df.to_dict(orient="records")
            ]

        return {
            "alpha_sides": "one-sided",
            "n": self.n,
            "n_evaluable": self.n_evaluable,
            "dropout": self.dropout,
            "accrual_days": self.accrual,
            "followup_days": self.followup,
            "landmark_days": self.landmark,
            "entry_days": list(self.entry),
            "power": records(self.power),
            "detectable": records(self.detectable),
            "simulation": records(self.simulation),
            "sources": list(self.sources),
        }

    def to_text(self) -> str:
        """The review as readable tables."""
        wide = self.power.pivot_table(
            index=["alpha", "s0", "s1"], columns="method", values="power", sort=False
        )[list(self.method_labels)].rename(columns=dict(self.method_labels))
        det = self.detectable.pivot_table(
            index=["alpha", "target_power", "s0"],
            columns="method",
            values=["s1_at_n", "s1_at_n_evaluable"],
            sort=False,
        )
        parts = [
            f"Design review: n = {self.n} ({self.n_evaluable} evaluable with "
            f"{self.dropout:.0%} dropout); landmark {self.landmark:g} days after transplant; "
            f"accrual {self.accrual:g} days, follow-up {self.followup:g} days after the last "
            f"enrolment; entry {self.entry[0]:g}-{self.entry[1]:g} days after transplant.",
            "All alphas are ONE-SIDED.",
            "",
            f"Power at n = {self.n} (rows: one-sided alpha, null and alternative 2-year PFS):",
            wide.round(3).to_string(),
            "",
            "Smallest detectable 2-year PFS (the alternative for which n is the required size),"
            f" at n = {self.n} and at n = {self.n_evaluable} evaluable:",
            det.round(3).to_string(),
            "",
            "Simulated trials (type I error and power with Monte Carlo SE; analytic beside):",
            self.simulation.round(4).to_string(index=False),
            "",
            "Sources of the hypotheses:",
            *[f"  - {s}" for s in self.sources],
        ]
        return "\n".join(parts)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Power curves by method; see :func:`blina_stats.plots.power.plot_power_curves`."""
        from ..plots.power import plot_power_curves

        return plot_power_curves(self, ax=ax)

    def _repr_html_(self) -> str:
        return "<pre>" + self.to_text() + "</pre>"


def power_functions(
    n: int,
    s0: float,
    alpha: float,
    *,
    landmark: float,
    accrual: float,
    followup: float,
    entry_start: float,
) -> dict[str, Callable[[float], float]]:
    """Power at `n` as a function of the alternative 2-year PFS, for every method."""
    time = landmark - entry_start

    def logrank(s1: float) -> float:
        median0 = math.log(2) * time / -math.log(s0)
        hr = math.log(s1) / math.log(s0)
        return one_sample_logrank(
            median0=median0,
            shape=1.0,
            hazard_ratio=hr,
            accrual=accrual,
            followup=followup,
            alpha=alpha,
            n=n,
        ).power

    def km(variance: str) -> Callable[[float], float]:
        return lambda s1: (
            km_fixed_time(
                s0,
                s1,
                time=time,
                accrual=accrual,
                followup=followup,
                alpha=alpha,
                n=n,
                conf_type="log-log",
                variance=variance,
            ).power
        )

    return {
        "exact_binomial": lambda s1: exact_binomial(s0, s1, alpha=alpha, n=n).power,
        "normal_approximation": lambda s1: normal_approximation(s0, s1, alpha=alpha, n=n).power,
        "km_loglog_mixed": km("mixed"),
        "km_loglog_null": km("null"),
        "one_sample_logrank": logrank,
    }


def smallest_detectable(f: Callable[[float], float], s0: float, target: float) -> float:
    """Smallest alternative with power at least `target` (NaN if none below 0.999)."""
    lo, hi = s0 + 1e-6, 0.999
    if f(hi) < target:
        return float("nan")
    if f(lo) >= target:
        return lo
    return float(brentq(lambda s: f(s) - target, lo, hi, xtol=1e-6))


def review_protocol(
    n: int = 68,
    *,
    s0: Sequence[float] = (0.35, 0.40, 0.45),
    s1: Sequence[float] = (0.55, 0.60, 0.65),
    alphas: Sequence[float] = (0.05, 0.025),
    accrual: float = 3 * DAYS_PER_YEAR,
    followup: float = 2 * DAYS_PER_YEAR,
    dropout: float = 0.10,
    landmark: float = 2 * DAYS_PER_YEAR,
    entry: tuple[float, float] = (60.0, 90.0),
    targets: Sequence[float] = (0.80, 0.90),
    n_trials: int = 20_000,
    seed: int | None = DEFAULT_SEED,
    progress: bool | None = None,
) -> ProtocolReview:
    """Review the single-arm design: power, detectable effects, simulated operating characteristics.

    Parameters
    ----------
    n : int
        Patients enrolled (68 in the protocol).
    s0, s1 : sequence of float
        Null and alternative 2-year PFS (conditional on being progression-free
        at the start of the entry window).
    alphas : sequence of float
        **One-sided** significance levels.
    accrual, followup, landmark : float
        Days of accrual, days of follow-up after the last enrolment, landmark
        in days from transplant.
    dropout : float
        Fraction lost before the landmark; power is also given at the
        ``floor(n (1 - dropout))`` evaluable patients.
    entry : (float, float)
        Enrolment window in days after transplant.
    targets : sequence of float
        Powers for the smallest detectable 2-year PFS.
    n_trials, seed, progress
        Simulation size and seed (0 trials: no simulation).

    Returns
    -------
    ProtocolReview

    Notes
    -----
    Simulation scenarios, for each ``(s0, s1)`` pair on the diagonal of the
    grid and the first alpha: (1) "formula assumptions": exponential PFS, no
    delayed entry, no dropout, follow-up to the landmark for all; (2)
    "realistic": cure-mixture PFS (a plateau 0.10 below the 2-year PFS), entry
    60-90 days after transplant, staggered accrual and `dropout`.

    References
    ----------
    A'Hern (2001); Nagashima et al. (2021); Wu (2015); Simon (1989).
    """
    n_eval = evaluable(n, dropout)
    rows, det = [], []
    start = entry[0]
    for a in alphas:
        for p0 in s0:
            f_n = power_functions(
                n, p0, a, landmark=landmark, accrual=accrual, followup=followup, entry_start=start
            )
            f_e = power_functions(
                n_eval,
                p0,
                a,
                landmark=landmark,
                accrual=accrual,
                followup=followup,
                entry_start=start,
            )
            for p1 in s1:
                if p1 <= p0:
                    continue
                for m in METHODS:
                    rows.append(
                        {
                            "alpha": a,
                            "s0": p0,
                            "s1": p1,
                            "method": m,
                            "power": f_n[m](p1),
                            "power_dropout": f_e[m](p1),
                        }
                    )
            for target in targets:
                for m in METHODS:
                    det.append(
                        {
                            "alpha": a,
                            "target_power": target,
                            "s0": p0,
                            "method": m,
                            "s1_at_n": smallest_detectable(f_n[m], p0, target),
                            "s1_at_n_evaluable": smallest_detectable(f_e[m], p0, target),
                        }
                    )
    curve = []
    mid = sorted(s0)[len(s0) // 2]
    for a in alphas:
        f_n = power_functions(
            n, mid, a, landmark=landmark, accrual=accrual, followup=followup, entry_start=start
        )
        for i in range(1, 41):
            p1 = mid + (0.85 - mid) * i / 40
            for m in METHODS:
                curve.append({"method": m, "alpha": a, "s0": mid, "s1": p1, "power": f_n[m](p1)})
    sim_rows = []
    if n_trials > 0:
        a = alphas[0]
        for p0, p1 in zip(s0, s1, strict=False):
            if p1 <= p0:
                continue
            ideal = default_scenario(
                p0,
                p1,
                entry=(0.0, 0.0),
                accrual=accrual,
                followup=max(followup, landmark),
                name="formula assumptions",
            )
            real = Scenario(
                null=CureMixture.from_landmark(p0, cure=p0 - 0.10, landmark=landmark, given=start),
                alternative=CureMixture.from_landmark(
                    p1, cure=p1 - 0.10, landmark=landmark, given=start
                ),
                accrual=accrual,
                followup=followup,
                entry=entry,
                dropout=dropout,
                name="realistic",
            )
            for sc in (ideal, real):
                res = simulate(
                    n,
                    sc,
                    Analysis(p0, landmark=landmark, alpha=a),
                    n_trials=n_trials,
                    seed=seed,
                    progress=progress,
                )
                frame = res.to_frame().reset_index()
                frame.insert(0, "scenario", sc.name)
                frame.insert(1, "s0", p0)
                frame.insert(2, "s1", p1)
                frame.insert(3, "alpha", a)
                sim_rows.append(frame.drop(columns="analysis"))
    simulation = pd.concat(sim_rows, ignore_index=True) if sim_rows else pd.DataFrame()
    return ProtocolReview(
        n=n,
        n_evaluable=n_eval,
        dropout=dropout,
        accrual=accrual,
        followup=followup,
        landmark=landmark,
        entry=entry,
        power=pd.DataFrame(rows),
        detectable=pd.DataFrame(det),
        simulation=simulation,
        curve=pd.DataFrame(curve),
    )
