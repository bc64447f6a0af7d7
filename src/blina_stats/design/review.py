"""Review of the 68-patient single-arm design: what it can test, with what power and size.

Every alpha here is **one-sided**.  The hypotheses are a working grid (null
0.35-0.45, alternative 0.55-0.65 2-year PFS, conditional on being
progression-free at entry, days 60-90 after transplant).  The cited series
(:data:`SOURCES`) are blinatumomab series: they inform the alternative, not a
no-maintenance null; a protocol's null should come from a historical
post-transplant cohort without maintenance, given to :func:`review_protocol`
as a curve (``historical=``) so that its conditional 2-year PFS
(:func:`~blina_stats.design.historical.conditional_null`) is the null tested.
Every method's simulated type I error is shown beside its power; a method
whose size exceeds alpha + 2 Monte Carlo SE is flagged and never ranked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._constants import DAYS_PER_YEAR, DEFAULT_SEED
from .binomial import exact_binomial
from .dropout import evaluable
from .historical import historical_null
from .precision import ae_precision
from .review_power import (
    METHOD_LABELS,
    METHODS,
    SIMULATED_TEST,
    power_grid,
)
from .review_simulation import (
    ALL_LABELS,
    flags,
    ranking,
    realistic_scenario,
    simulate_pairs,
)
from .scenario import Model

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
    "Populations: all three are blinatumomab-treated B-ALL series (post-transplant maintenance; "
    "blinatumomab before transplant; MRD-positive adults, not a transplant cohort). They "
    "inform the alternative (0.55-0.65), not a no-maintenance null.",
    "The null grid (0.35-0.45) is a working range conditional on being progression-free at "
    "entry, not a published no-maintenance estimate; the default historical curve is a cure "
    "mixture with a plateau 0.10 below the 2-year PFS (an assumption). Give the protocol's "
    "historical cohort as `historical=` (a fitted curve) to test its conditional null.",
)

__all__ = ["METHODS", "METHOD_LABELS", "SOURCES", "ProtocolReview", "review_protocol"]


@dataclass(frozen=True)
class ProtocolReview:
    """Power and size of the design for a grid of hypotheses, by method.

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
        ``s0, s1, alpha, method, power`` at `n`, ``power_dropout`` at
        `n_evaluable`, ``size_ok`` (False: the method's simulated size exceeds
        alpha + 2 MCSE at this null; ``<NA>``: not simulated) and
        ``simulated_power`` (realistic scenario, where simulated).
    detectable : DataFrame
        Smallest 2-year PFS detectable (``s1``) at 80% and 90% power, at `n` and
        at `n_evaluable`, with ``size_ok``.
    simulation : DataFrame
        Simulated type I error and power (Monte Carlo SEs) of each test in
        each scenario, ``size_limit`` and ``size_ok``.
    ranking : DataFrame
        Every method at each simulated pair: worst size, flag, power and
        ``rank`` (``<NA>`` for a flagged method: never ranked).
    rules : DataFrame
        The exact-binomial decision rule ``r`` at `n` and at `n_evaluable`.
    null : DataFrame
        The historical curve(s): 2-year PFS from transplant, at the landmark,
        and conditional (the null tested), with the source.
    ae_precision : DataFrame
        Width of the exact 95% interval of the AE rate by day +100 after transplant at `n`.
    curve : DataFrame
        ``method, alpha, s0, s1, power``: the power curves of the figure.
    method_labels : mapping of str to str
        Each ``method`` of the tables -> its readable name, in table order.
    sources : tuple of str
        Where the hypotheses come from, and which populations.
    n_trials : int
        Simulated trials per hypothesis and scenario.
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
    ranking: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    rules: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    null: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    ae_precision: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    method_labels: Mapping[str, str] = field(default_factory=METHOD_LABELS.copy, repr=False)
    sources: tuple[str, ...] = field(default=SOURCES, repr=False)
    n_trials: int = 0

    def flagged(self) -> list[str]:
        """Methods whose simulated size exceeds alpha + 2 MCSE somewhere: never ranked."""
        if self.ranking.empty:
            return []
        bad = self.ranking.loc[~self.ranking["size_ok"], "method"]
        return list(dict.fromkeys(bad))

    def rule_text(self) -> list[str]:
        """The exact-binomial rules as sentences."""
        return [
            f"one-sided alpha {r.alpha:g}, s0 {r.s0:g}: reject H0 when at least {r.r} of "
            f"{r.n} are progression-free at 2 years (exact size {r.attained_alpha:.4f})"
            for r in self.rules.itertuples()
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; every alpha is one-sided."""
        return {
            "alpha_sides": "one-sided",
            "n": self.n,
            "n_evaluable": self.n_evaluable,
            "dropout": self.dropout,
            "accrual_days": self.accrual,
            "followup_days": self.followup,
            "landmark_days": self.landmark,
            "entry_days": list(self.entry),
            "n_trials": self.n_trials,
            "power": _records(self.power),
            "detectable": _records(self.detectable),
            "simulation": _records(self.simulation),
            "ranking": _records(self.ranking),
            "flagged": self.flagged(),
            "rules": _records(self.rules),
            "rule_text": self.rule_text(),
            "null": _records(self.null),
            "ae_precision": _records(self.ae_precision),
            "sources": list(self.sources),
        }

    def to_text(self) -> str:
        """The review as readable tables."""
        from .review_text import review_text

        return review_text(self)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Power curves by method; see :func:`blina_stats.plots.power.plot_power_curves`."""
        from ..plots.power import plot_power_curves

        return plot_power_curves(self, ax=ax)

    def _repr_html_(self) -> str:
        return "<pre>" + self.to_text() + "</pre>"


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for r in df.to_dict(orient="records"):
        row = {}
        for k, v in r.items():
            if v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                v = None
            elif hasattr(v, "item"):
                v = v.item()
            row[str(k)] = v
        out.append(row)
    return out


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
    n_trials: int = 4_000,
    seed: int | None = DEFAULT_SEED,
    progress: bool | None = None,
    historical: Model | None = None,
    ae_rates: Sequence[float] = (0.05, 0.10, 0.20, 0.30, 0.40, 0.50),
) -> ProtocolReview:
    """Review the single-arm design: power beside size for every method, rules, precision.

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
        Simulated trials per hypothesis pair and scenario (0: no simulation,
        no size flags).  4,000 trials give a Monte Carlo SE of 0.0034 for a
        size of 0.05: enough to flag a size above 0.057.
    historical : survival model, optional
        The protocol's historical curve (from transplant), e.g. from
        :func:`~blina_stats.design.historical.fit_historical`: its 2-year PFS
        conditional on being event-free at the start of the entry window is
        reported as the null it implies.
    ae_rates : sequence of float
        True AE rates (by day +100 after transplant) for the precision grid.

    Returns
    -------
    ProtocolReview

    Notes
    -----
    Simulation scenarios, for each ``(s0, s1)`` pair on the diagonal of the
    grid and the first alpha: (1) "formula assumptions": exponential PFS, no
    delayed entry, no dropout, follow-up to the landmark for all; (2)
    "realistic": cure-mixture PFS (a plateau 0.10 below the 2-year PFS), entry
    60-90 days after transplant, staggered accrual and `dropout`, analysed
    with the exponential null of the one-sample log-rank test and, on the
    same trials, with the fully specified historical (cure-mixture) null.
    The exponential null extrapolates a constant hazard over up to five
    years of follow-up past the plateau: its size is about 0.45-0.56, and
    the method is flagged.

    References
    ----------
    A'Hern (2001); Nagashima et al. (2021); Wu (2015); Simon (1989);
    Clopper & Pearson (1934).
    """
    n_eval = evaluable(n, dropout)
    settings = {"landmark": landmark, "accrual": accrual, "followup": followup}
    power, detectable, curve = power_grid(
        n, n_eval, s0, s1, alphas, targets, entry_start=entry[0], **settings
    )
    pairs = [(p0, p1) for p0, p1 in zip(s0, s1, strict=False) if p1 > p0]
    simulation, ranks = pd.DataFrame(), pd.DataFrame()
    if n_trials > 0 and pairs:
        simulation = simulate_pairs(
            n,
            pairs,
            alphas[0],
            dropout=dropout,
            entry=entry,
            n_trials=n_trials,
            seed=seed,
            progress=progress,
            **settings,
        )
        ranks = ranking(simulation, power, n)
        ok = flags(ranks)
        real = simulation[simulation["scenario"] == "realistic"]
        for frame in (power, detectable):
            keys = zip(frame["s0"], frame["method"], strict=True)
            frame["size_ok"] = pd.array(
                [ok.get((float(a), str(m))) for a, m in keys], dtype="boolean"
            )
        cols = ["s0", "s1", "alpha", "test", "power"]
        sim_power: dict[tuple[Any, ...], float] = {
            tuple(r[:4]): float(r[4]) for r in real[cols].itertuples(index=False)
        }
        power["simulated_power"] = [
            sim_power.get((p0, p1, a, SIMULATED_TEST[str(m)]), float("nan"))
            for p0, p1, a, m in power[["s0", "s1", "alpha", "method"]].itertuples(index=False)
        ]
    rules = pd.DataFrame(
        [
            {"alpha": a, "s0": p0, "n": m, "r": d.r, "attained_alpha": d.attained_alpha}
            for a in alphas
            for p0 in s0
            for m in dict.fromkeys((n, n_eval))
            for d in [exact_binomial(p0, min(p0 + 0.2, 0.99), alpha=a, n=m)]
        ]
    )
    null_rows = []
    for p0 in s0:
        model = realistic_scenario(
            p0, min(p0 + 0.2, 0.99), dropout=dropout, entry=entry, **settings
        ).null
        null_rows.append(
            {
                **historical_null(model, horizon=landmark, landmark=entry[0]),
                "source": "working assumption: cure mixture, plateau s0 - 0.10",
            }
        )
    if historical is not None:
        null_rows.append(
            {
                **historical_null(historical, horizon=landmark, landmark=entry[0]),
                "source": "historical curve given to the review",
            }
        )
    return ProtocolReview(
        n=n,
        n_evaluable=n_eval,
        dropout=dropout,
        accrual=accrual,
        followup=followup,
        landmark=landmark,
        entry=entry,
        power=power,
        detectable=detectable,
        simulation=simulation,
        curve=curve,
        ranking=ranks,
        rules=rules,
        null=pd.DataFrame(null_rows),
        ae_precision=ae_precision(n, ae_rates),
        method_labels=dict(ALL_LABELS) if not ranks.empty else dict(METHOD_LABELS),
        n_trials=n_trials if not simulation.empty else 0,
    )
