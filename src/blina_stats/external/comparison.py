"""The trial against propensity-weighted, landmark-aligned external controls."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._constants import DEFAULT_SEED, TWO_YEARS
from ..data import Cohort
from ..endpoints import ENDPOINTS, KAPLAN_MEIER, lookup
from ..errors import InputError
from ..estimators import cumulative_incidence, kaplan_meier
from .bootstrap import bootstrap
from .cox import e_value, weighted_hazard_ratio
from .landmark import Aligned, align
from .propensity import BalanceWarning, PropensityWeights, propensity_weights
from .weighted import WeightedCurves, weighted_curves

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FloatArray = npt.NDArray[np.float64]

DEFAULT_ENDPOINTS = ("pfs", "os", "relapse", "nrm")


@dataclass(frozen=True)
class ExternalComparison:
    """The trial against weighted external controls, endpoint by endpoint.

    Attributes
    ----------
    table : DataFrame
        One row per endpoint (see :meth:`to_frame`).
    propensity : PropensityWeights
        The weights of the analysed patients (trial first) and their balance.
    aligned : Aligned
        Times from the first dose / landmark, the landmark, the patients left out.
    curves : dict
        Endpoint -> ``{"trial", "control", "control_unweighted"}`` weighted curves.
    results : dict
        The same three curves as estimator results with pointwise intervals
        (Kaplan-Meier or Aalen-Johansen; the weighted control's robust, its
        weights taken as known), which :meth:`plot` draws with bands.
    horizon, conf_level : float
    estimand : str
    n_boot, seed : int
    n_not_converged : int
        Bootstrap replicates whose propensity refit did not converge (kept).
    warnings : tuple
        The propensity weights' balance warnings.
    """

    table: pd.DataFrame
    propensity: PropensityWeights = field(repr=False)
    aligned: Aligned = field(repr=False)
    curves: dict[str, dict[str, WeightedCurves]] = field(repr=False)
    horizon: float
    conf_level: float
    estimand: str
    n_boot: int
    seed: int
    n_not_converged: int = 0
    warnings: tuple[Any, ...] = field(default=(), repr=False)
    results: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Per endpoint: ``trial``, ``control`` (weighted), ``control_unweighted``
        (probabilities at the horizon: survival or cumulative incidence),
        ``difference`` with its bootstrap ``ci_lower``/``ci_upper``; the
        restricted mean (survival, or time lost for incidence endpoints) to
        the horizon of each arm and ``rmst_difference`` with its interval;
        the weighted (cause-specific) ``hazard_ratio`` with its robust
        interval and p-value; the E-values of the hazard ratio and of its
        interval; ``n_trial``, ``n_control``."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """Everything the command line's ``--json`` writes (missing values as None)."""
        return {
            "estimand": self.estimand,
            "horizon": self.horizon,
            "conf_level": self.conf_level,
            "landmark": self.aligned.landmark,
            "landmark_day": self.aligned.landmark_day,
            "n_boot": self.n_boot,
            "seed": self.seed,
            "n_not_converged": self.n_not_converged,
            "endpoints": self.table.reset_index().to_dict(orient="records"),
            "balance": self.propensity.balance.reset_index().to_dict(orient="records"),
            "ess": self.propensity.ess,
            "excluded": self.aligned.excluded_counts,
            "warnings": [str(w) for w in self.warnings],
        }

    def plot(self, endpoint: str | None = None, ax: Axes | None = None, **kwargs: Any) -> Any:
        """Trial against weighted control curves with numbers at risk.

        With `endpoint`, one panel (returns its Axes); without, a figure with
        every endpoint and the Love plot (returns the array of Axes).
        """
        from ..plots.external import plot_external

        return plot_external(self, endpoint=endpoint, ax=ax, **kwargs)


def external_control(
    trial: Cohort,
    controls: Cohort,
    covariates: Sequence[str],
    endpoints: Sequence[str] = DEFAULT_ENDPOINTS,
    horizon: float = TWO_YEARS,
    landmark: str = "fixed",
    estimand: str = "ATT",
    n_boot: int = 2000,
    seed: int = DEFAULT_SEED,
    *,
    landmark_day: float | None = None,
    gvhd_free: bool = False,
    trim: float | None = None,
    conf_level: float = 0.95,
    progress: bool = False,
) -> ExternalComparison:
    """Compare the single arm with landmark-aligned, propensity-weighted external controls.

    Parameters
    ----------
    trial, controls : Cohort
        The trial (with first doses) and the external controls, tables in the
        same format, read by :func:`blina_stats.load_events`.
    covariates : sequence of str
        Baseline covariates of the propensity model, present in both tables.
    endpoints : sequence of str
        Endpoints of :data:`blina_stats.ENDPOINTS` timed from transplant events.
    horizon : float
        Days from the first dose / landmark at which the arms are compared;
        also the restriction time of the restricted means.
    landmark : {"fixed", "matched"}
        Controls enter on `landmark_day` (default: the trial's median first
        dose) or on a day drawn from the trial's first doses
        (:mod:`blina_stats.external.landmark`).
    estimand : {"ATT", "ATE", "ATO"}
        See :func:`propensity_weights`; ATT (the trial's patients) by default.
    n_boot : int
        Bootstrap replicates (0: no bootstrap intervals).
    seed : int
        Seed of the bootstrap and the matched landmarks.
    landmark_day : float, optional
    gvhd_free : bool
        Controls must also be free of GVHD at the landmark.
    trim : float, optional
        Propensity-score truncation (:func:`propensity_weights`).
    conf_level : float
    progress : bool
        A progress bar over the bootstrap chunks.

    Returns
    -------
    ExternalComparison

    Raises
    ------
    InputError
        A covariate missing in one table; a covariate constant, without
        overlap or with a missing value; fewer than ten controls at the
        landmark; an unknown option.

    Notes
    -----
    The difference is trial minus weighted control.  Its interval is the
    percentile bootstrap: both cohorts resampled, the propensity model refitted
    and the weights recomputed in every replicate.  The hazard ratio (trial
    against control) is from a weighted Cox model with the robust variance
    (for incidence endpoints, of the cause-specific hazard).

    References
    ----------
    Austin, P. C. (2016). Variance estimation when using inverse probability of
    treatment weighting (IPTW) with survival analysis. Statistics in Medicine
    35:5642-5655.
    """
    if isinstance(covariates, str):  # "age,mrd_pre_hsct" as the command line writes it
        covariates = [c.strip() for c in covariates.split(",") if c.strip()]
    names = tuple(endpoints)
    for name in names:
        lookup(name)
    if int(n_boot) < 0:
        raise InputError(f"n_boot must be 0 or more, got {n_boot!r}")
    if not np.isfinite(horizon) or horizon <= 0:
        raise InputError(f"horizon must be a positive number of days, got {horizon!r}")
    for cov in covariates:
        for cohort, other in ((trial, controls), (controls, trial)):
            if cov not in cohort.frame.columns:
                raise InputError(
                    f"{cohort.source}: covariate {cov!r} is missing (it is needed in both "
                    f"tables; {other.source} has it)"
                    if cov in other.frame.columns
                    else f"{cohort.source}: covariate {cov!r} is missing from both tables"
                )
    al = align(
        trial,
        controls,
        names,
        landmark=landmark,
        landmark_day=landmark_day,
        gvhd_free=gvhd_free,
        seed=seed,
    )
    frame = _patients(trial, controls, al, covariates)
    source = f"{trial.source} against {controls.source}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BalanceWarning)
        pw = propensity_weights(frame, "_trial", covariates, estimand, trim=trim, source=source)
    for w in caught:
        warnings.warn(w.message, stacklevel=2)
    treated = pw.treated
    rows, curves, results = [], {}, {}
    for name in names:
        rows.append(_endpoint_row(name, al, pw.weights, treated, horizon, conf_level))
        tt, ct = al.time[name]
        ts, cs = al.status[name]
        curves[name] = {
            "trial": weighted_curves(tt, ts, pw.weights[treated]),
            "control": weighted_curves(ct, cs, pw.weights[~treated]),
            "control_unweighted": weighted_curves(ct, cs, np.ones(ct.size)),
        }
        results[name] = {
            "trial": _result(name, tt, ts, pw.weights[treated]),
            "control": _result(name, ct, cs, pw.weights[~treated]),
            "control_unweighted": _result(name, ct, cs, None),
        }
    table = pd.DataFrame(rows).set_index("endpoint")
    bad = 0
    if n_boot:
        d = pw._design
        if d is None:  # pragma: no cover - propensity_weights always sets it
            raise RuntimeError("the propensity weights carry no design")
        kinds = {n: _kind(n) for n in names}
        reps = bootstrap(
            d.x,
            treated,
            al.time,
            al.status,
            kinds,
            estimand=estimand,
            beta=pw.coef.to_numpy(),
            horizon=horizon,
            n_boot=int(n_boot),
            rng=np.random.default_rng(seed),
            progress=progress,
        )
        a = (1 - conf_level) / 2
        for name in names:
            for col, values in (("", reps.difference[name]), ("rmst_", reps.rmst_difference[name])):
                ok = values[np.isfinite(values)]
                lo, hi = np.quantile(ok, [a, 1 - a]) if ok.size else (np.nan, np.nan)
                table.loc[name, f"{col}ci_lower"] = lo
                table.loc[name, f"{col}ci_upper"] = hi
            table.loc[name, "n_boot_used"] = int(np.isfinite(reps.difference[name]).sum())
        bad = reps.n_not_converged
    return ExternalComparison(
        table=table,
        propensity=pw,
        aligned=al,
        curves=curves,
        horizon=float(horizon),
        conf_level=conf_level,
        estimand=estimand,
        n_boot=int(n_boot),
        seed=int(seed),
        n_not_converged=bad,
        warnings=pw.warnings,
        results=results,
    )


def _result(name: str, time: FloatArray, status: npt.NDArray[np.int64], weights: Any) -> Any:
    """One arm's curve of endpoint `name` with its pointwise interval (weighted when given)."""
    if _kind(name) == "survival":
        return kaplan_meier(time, status > 0, weights=weights)
    return cumulative_incidence(time, status, weights=weights, n_causes=2)


def _kind(name: str) -> str:
    return "survival" if ENDPOINTS[name].kind == KAPLAN_MEIER else "incidence"


def _patients(
    trial: Cohort, controls: Cohort, al: Aligned, covariates: Sequence[str]
) -> pd.DataFrame:
    tf = trial.frame.set_index(trial.frame["patient_id"].astype(str)).loc[list(al.trial_ids)]
    cf = controls.frame.set_index(controls.frame["patient_id"].astype(str)).loc[
        list(al.control_ids)
    ]
    cols = ["patient_id", *covariates]
    both = pd.concat([tf[cols], cf[cols]], ignore_index=True)
    both["_trial"] = np.r_[np.ones(len(tf), dtype=int), np.zeros(len(cf), dtype=int)]
    return both


def _endpoint_row(
    name: str,
    al: Aligned,
    w: FloatArray,
    treated: npt.NDArray[np.bool_],
    horizon: float,
    conf_level: float,
) -> dict[str, Any]:
    kind = _kind(name)
    what = "survival" if kind == "survival" else "incidence"
    tt, ct = al.time[name]
    ts, cs = al.status[name]
    wt, wc = w[treated], w[~treated]
    trial = weighted_curves(tt, ts, wt)
    control = weighted_curves(ct, cs, wc)
    unweighted = weighted_curves(ct, cs, np.ones(ct.size))
    arm = np.r_[np.ones(tt.size), np.zeros(ct.size)]
    hr = weighted_hazard_ratio(
        arm, np.r_[tt, ct], np.r_[ts, cs] == 1, np.r_[wt, wc], conf_level=conf_level
    )
    ev, ev_ci = e_value(hr.hazard_ratio, hr.ci_lower, hr.ci_upper)
    p_t, p_c = float(trial.at(horizon, what)[0]), float(control.at(horizon, what)[0])
    r_t = float(trial.restricted_mean(horizon, what)[0])
    r_c = float(control.restricted_mean(horizon, what)[0])
    return {
        "endpoint": name,
        "label": ENDPOINTS[name].label,
        "kind": kind,
        "trial": p_t,
        "control": p_c,
        "control_unweighted": float(unweighted.at(horizon, what)[0]),
        "difference": p_t - p_c,
        "ci_lower": np.nan,
        "ci_upper": np.nan,
        # the area to the horizon: under the survival curve (restricted mean survival
        # time), or under the incidence curve (restricted mean time lost to the event)
        "restricted_mean": "RMST" if kind == "survival" else "RMTL",
        "rmst_trial": r_t,
        "rmst_control": r_c,
        "rmst_difference": r_t - r_c,
        "rmst_ci_lower": np.nan,
        "rmst_ci_upper": np.nan,
        "hazard_ratio": hr.hazard_ratio,
        "hr_ci_lower": hr.ci_lower,
        "hr_ci_upper": hr.ci_upper,
        "hr_p_value": hr.p_value,
        "e_value": ev,
        "e_value_ci": ev_ci,
        "n_trial": int(tt.size),
        "n_control": int(ct.size),
        "n_boot_used": 0,
    }
