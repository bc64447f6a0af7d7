"""Simulate the single-arm trial and analyse every simulated trial as the real one.

Alpha is **one-sided** throughout.  Vectorised across trials (chunks of
trials x patients arrays), seeded with a :class:`numpy.random.Generator`.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import norm

from .._constants import DEFAULT_SEED, TWO_YEARS
from ._fast import Buffers, analyse_chunk
from .binomial import _cutoff, exact_binomial
from .km_fixed_time import km_fixed_time
from .one_sample_logrank import one_sample_logrank
from .scenario import Analysis, Exponential, Model, Scenario

FloatArray = npt.NDArray[np.float64]

TESTS = ("km_loglog", "exact_binomial", "one_sample_logrank")
LABELS = {
    "km_loglog": "Kaplan-Meier at landmark, log-log",
    "exact_binomial": "exact binomial on patients followed to landmark",
    "one_sample_logrank": "one-sample log-rank",
    "one_sample_logrank_historical": "one-sample log-rank, historical curve",
}


@dataclass(frozen=True)
class SimulationResult:
    """Empirical type I error and power of each analysis, with Monte Carlo SEs.

    Attributes
    ----------
    tests : tuple of str
        ``km_loglog``, ``exact_binomial``, ``one_sample_logrank``.
    rejections_null, rejections_alternative : ndarray of int
        Trials rejecting H0 (one-sided) under the null and the alternative truth.
    analytic_power : ndarray
        Power from the formulas (NaN where no formula applies), for comparison.
    n, n_trials, seed : int
    alpha : float
        **One-sided** level.
    true_s1 : float
        The alternative's conditional 2-year PFS (what the tests target).
    mean_evaluable : float
        Average patients with known 2-year status (binomial analysis) under H1.
    scenario, analysis : Scenario, Analysis
    """

    tests: tuple[str, ...]
    rejections_null: npt.NDArray[np.int64]
    rejections_alternative: npt.NDArray[np.int64]
    analytic_power: FloatArray
    n: int
    n_trials: int
    seed: int | None
    alpha: float
    true_s1: float
    mean_evaluable: float
    scenario: Scenario = field(repr=False)
    analysis: Analysis = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per analysis: type I error, power, their MC SEs, analytic power."""
        t1 = self.rejections_null / self.n_trials
        pw = self.rejections_alternative / self.n_trials
        frame = pd.DataFrame(
            {
                "analysis": [LABELS[t] for t in self.tests],
                "type_i_error": t1,
                "type_i_error_mcse": np.sqrt(t1 * (1 - t1) / self.n_trials),
                "power": pw,
                "power_mcse": np.sqrt(pw * (1 - pw) / self.n_trials),
                "analytic_power": self.analytic_power,
            },
            index=pd.Index(list(self.tests), name="test"),
        )
        frame["power_gap_in_mcse"] = (frame["power"] - frame["analytic_power"]) / np.maximum(
            frame["power_mcse"], 1e-12
        )
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary; alpha marked one-sided."""
        frame = self.to_frame().reset_index()
        rows = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in frame.to_dict(orient="records")
        ]
        return {
            "n": self.n,
            "n_trials": self.n_trials,
            "seed": self.seed,
            "alpha": self.alpha,
            "alpha_sides": "one-sided",
            "s0": self.analysis.s0,
            "true_s1": self.true_s1,
            "scenario": self.scenario.name,
            "mean_evaluable": self.mean_evaluable,
            "results": rows,
        }

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>Simulated trial</b> ({self.scenario.name or 'scenario'}): n = {self.n}, "
            f"{self.n_trials} trials, seed {self.seed}; one-sided alpha = {self.alpha:g}; "
            f"2-year PFS {self.analysis.s0:g} vs {self.true_s1:.3f}</p>"
        )
        return head + self.to_frame().to_html(float_format=lambda v: f"{v:.4f}")


def simulate(
    n: int = 68,
    scenario: Scenario | None = None,
    analysis: Analysis | None = None,
    n_trials: int = 100_000,
    seed: int | None = DEFAULT_SEED,
    *,
    chunk_size: int = 10_000,
    progress: bool | None = None,
    historical: Model | None = None,
) -> SimulationResult:
    """Simulate `n_trials` trials under H0 and under H1 and analyse each as the real trial.

    Parameters
    ----------
    n : int
        Patients per trial.
    scenario : Scenario
        Truth under H0 and H1, accrual, entry window, follow-up, dropout.
        Default: exponential PFS, 2-year PFS 0.40 vs 0.60.
    analysis : Analysis
        Null 2-year PFS, landmark, **one-sided** alpha.  Default: s0 0.40.
    n_trials : int
        Simulated trials under each hypothesis.
    seed : int or None
        Seed of the :class:`numpy.random.Generator`; the null and alternative
        runs use independent child streams.
    chunk_size : int
        Trials generated at once: memory is about ``chunk_size * n * 80`` bytes.
    progress : bool or None
        Progress bar (tqdm); None shows it on a terminal for long runs only.
    historical : survival model, optional
        A second null curve for the one-sample log-rank test, applied to the
        same trials: adds the test ``one_sample_logrank_historical``.

    Returns
    -------
    SimulationResult

    Notes
    -----
    Each patient: calendar enrolment ``A ~ U(0, accrual)``; enrolment
    ``V ~ U(entry)`` days after transplant; PFS ``T`` drawn from the model
    conditional on ``T > V`` (inverse transform of ``u * S(V)``); dropout
    ``D`` exponential from enrolment; censored at ``min(V + accrual + followup
    - A, V + D)``.  The analyses at the landmark L (one-sided level alpha):

    * Kaplan-Meier with delayed entry at L, log-log Wald test (rejects iff the
      one-sided log-log lower confidence bound exceeds s0);
    * exact binomial on patients whose potential follow-up reaches L and who
      did not drop out before L without progression (cut-off from
      :func:`exact_binomial` at the evaluable count);
    * one-sample log-rank ``Z = (E - O)/sqrt(E)``, ``E`` the null cumulative
      hazard from entry to exit.

    The analytic power beside each (NaN where no formula applies) is that of
    :func:`km_fixed_time` (log-log, mixed variance), :func:`exact_binomial`
    at `n` and :func:`one_sample_logrank` (exponential scenarios only), with
    the landmark measured from the start of the entry window.  The formulas
    assume no delayed entry, no dropout, exponential survival and large
    samples; ``power_gap_in_mcse`` shows where the simulated trial departs.

    References
    ----------
    Nagashima, K. et al. (2021). Pharmaceutical Statistics 20:499-511.
    Wu, J. (2015). Pharmaceutical Statistics 14:26-33.
    A'Hern, R. P. (2001). Statistics in Medicine 20:859-866.
    """
    from tqdm.auto import tqdm

    if int(n) != n or n < 2:
        raise ValueError(f"`n` must be an integer of at least 2, got {n!r}")
    if int(n_trials) != n_trials or n_trials < 1:
        raise ValueError(f"`n_trials` must be a positive integer, got {n_trials!r}")
    if int(chunk_size) != chunk_size or chunk_size < 1:
        raise ValueError(f"`chunk_size` must be a positive integer, got {chunk_size!r}")
    an = analysis if analysis is not None else Analysis(s0=0.40)
    sc = scenario if scenario is not None else default_scenario(an.s0, 0.60)
    n, n_trials = int(n), int(n_trials)
    null_model = an.null_model or Exponential.from_landmark(an.s0, an.landmark, sc.entry[0])
    cut = _cutoff(np.arange(n + 1), an.s0, an.alpha)
    cut[0] = 1  # no evaluable patient: never reject
    z_crit = float(norm.ppf(1 - an.alpha))
    root = np.random.SeedSequence(seed)
    nulls = (null_model,) if historical is None else (null_model, historical)
    tests = TESTS if historical is None else (*TESTS, "one_sample_logrank_historical")
    counts = np.zeros((2, len(tests)), dtype=np.int64)
    buffers = Buffers()
    evaluable_sum = 0.0
    show = progress if progress is not None else (None if n_trials >= 100_000 else False)
    with tqdm(total=2 * n_trials, disable=None if show is None else not show, unit="trial") as bar:
        for h, (model, child) in enumerate(
            zip((sc.null, sc.alternative), root.spawn(2), strict=True)
        ):
            rng = np.random.default_rng(child)
            done = 0
            while done < n_trials:
                m = min(chunk_size, n_trials - done)
                rej, ev = analyse_chunk(rng, m, n, model, sc, an, nulls, cut, z_crit, buffers)
                counts[h] += rej
                if h == 1:
                    evaluable_sum += ev
                done += m
                bar.update(m)
    s1 = _conditional(sc.alternative, an.landmark, sc.entry[0])
    return SimulationResult(
        tests=tests,
        rejections_null=counts[0],
        rejections_alternative=counts[1],
        analytic_power=np.r_[_analytic(n, s1, sc, an), np.full(len(tests) - len(TESTS), np.nan)],
        n=n,
        n_trials=n_trials,
        seed=seed,
        alpha=an.alpha,
        true_s1=s1,
        mean_evaluable=evaluable_sum / n_trials,
        scenario=sc,
        analysis=an,
    )


def default_scenario(s0: float, s1: float, **kwargs: Any) -> Scenario:
    """Exponential PFS under H0 and H1 calibrated to the conditional 2-year PFS."""
    entry = kwargs.get("entry", (60.0, 90.0))
    landmark = kwargs.pop("landmark", TWO_YEARS)
    return Scenario(
        null=Exponential.from_landmark(s0, landmark, entry[0]),
        alternative=Exponential.from_landmark(s1, landmark, entry[0]),
        **kwargs,
    )


def _conditional(model: Model, landmark: float, given: float) -> float:
    s = model.survival(np.array([landmark, given], dtype=np.float64))
    return float(s[0] / s[1])


@dataclass(frozen=True)
class SimulatedTrials:
    """Patient-level data of many simulated trials, one trial per row (days from transplant).

    Attributes
    ----------
    time : ndarray, shape (trials, n)
        Observed time: progression/death or censoring.
    event : ndarray of bool
        True where `time` is a progression or death.
    entry : ndarray
        Enrolment (delayed entry) time.
    censor : ndarray
        Censoring time (analysis date or dropout, whichever first).
    admin_end : ndarray
        Potential follow-up: the analysis date on this patient's clock.
    """

    time: FloatArray
    event: npt.NDArray[np.bool_]
    entry: FloatArray
    censor: FloatArray
    admin_end: FloatArray


def sample_trials(
    n_trials: int,
    n: int,
    model: Model,
    scenario: Scenario,
    landmark: float = TWO_YEARS,
    *,
    seed: int | np.random.Generator | None = None,
) -> SimulatedTrials:
    """Draw `n_trials` trials of `n` patients under `model` and the conduct of `scenario`.

    Vectorised: one ``(n_trials, n)`` array per quantity; see :func:`simulate`
    for the generating process.  `landmark` sets the window over which
    ``scenario.dropout`` is the probability of loss to follow-up.  `seed` (an
    integer, or a ``numpy.random.Generator`` used as it is) makes the draw
    reproducible, as the `seed` of :func:`simulate`.
    """
    rng = np.random.default_rng(seed)
    sc = scenario
    shape = (n_trials, n)
    enrol = rng.uniform(0.0, 1.0, size=shape) * sc.accrual
    v = sc.entry[0] + rng.uniform(0.0, 1.0, size=shape) * (sc.entry[1] - sc.entry[0])
    u = rng.uniform(0.0, 1.0, size=shape)
    # PFS conditional on being progression-free at enrolment
    t = model.inverse_survival(u * model.survival(v))
    t = np.maximum(t, v + 1e-9 * (1.0 + v))  # keep entry < time at rounding edges
    admin_end = v + (sc.accrual + sc.followup - enrol)
    censor = sc.censoring(v, admin_end, landmark, rng)
    event = t <= censor
    return SimulatedTrials(
        time=np.where(event, t, censor), event=event, entry=v, censor=censor, admin_end=admin_end
    )


def _analytic(n: int, s1: float, sc: Scenario, an: Analysis) -> FloatArray:
    """Formula power of each test at the simulation's settings (NaN where none applies)."""
    out = np.full(len(TESTS), np.nan)
    if not s1 > an.s0:
        return out
    time = an.landmark - sc.entry[0]
    with contextlib.suppress(ValueError):
        out[0] = km_fixed_time(
            an.s0,
            s1,
            time=time,
            accrual=sc.accrual,
            followup=sc.followup,
            alpha=an.alpha,
            n=n,
            conf_type="log-log",
            variance="mixed",
        ).power
    out[1] = exact_binomial(an.s0, s1, alpha=an.alpha, n=n).power
    if isinstance(sc.null, Exponential) and isinstance(sc.alternative, Exponential):
        out[2] = one_sample_logrank(
            median0=math.log(2) / sc.null.rate,
            shape=1.0,
            hazard_ratio=sc.alternative.rate / sc.null.rate,
            accrual=sc.accrual,
            followup=sc.followup,
            alpha=an.alpha,
            n=n,
        ).power
    return out
