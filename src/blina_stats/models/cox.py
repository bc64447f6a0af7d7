"""Cox proportional hazards regression through lifelines, with arrays in and a frozen result out."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..estimators.validation import as_codes, as_entry, as_labels, as_time
from ._cohort import align, is_cohort_form
from ._design import Design, as_frame, build_design, formula_design, warn_no_events
from ._robust import robust_variance
from ._summary import GlobalTestResult, coefficient_table

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..data.cohort import Cohort
    from ..endpoints import EndpointData

FloatArray = npt.NDArray[np.float64]

# reserved column names for the lifelines data frame (covariates never start with "__")
_T, _E, _ENTRY, _STRATA, _W, _CLUSTER = "__time", "__event", "__entry", "__strata", "__w", "__id"


@dataclass(frozen=True)
class CoxResult:
    """A fitted Cox proportional hazards model.

    Attributes
    ----------
    coef, se : ndarray, shape (p,)
        Log hazard ratios and their standard errors (robust sandwich errors
        when `robust` is True).
    variance : ndarray, shape (p, p)
        Variance matrix of `coef`.
    names : tuple of str
        Coefficient names (indicators of categorical covariates as ``"col[level]"``).
    loglik, loglik_null : float
        Partial log-likelihood at the estimate and at zero.
    concordance : float
        Harrell's concordance index.
    n, n_events : int
        Patients (rows) and events.
    robust : bool
        Whether `se` is the robust (Lin & Wei 1989) sandwich estimate.
    ties : str
        Always ``"efron"`` (lifelines' only method; R ``coxph``'s default).
    conf_level : float
        Level of the intervals in `summary`.
    baseline_cumulative_hazard : DataFrame
        Breslow baseline cumulative hazard at covariates zero, indexed by time
        (one column per stratum), from lifelines.
    endpoint, origin : str
        The endpoint and time origin of a model fitted on a cohort (``""``
        when fitted on arrays).
    """

    coef: FloatArray
    se: FloatArray
    variance: FloatArray = field(repr=False)
    names: tuple[str, ...]
    loglik: float
    loglik_null: float
    concordance: float
    n: int
    n_events: int
    robust: bool
    ties: str
    conf_level: float
    baseline_cumulative_hazard: pd.DataFrame = field(repr=False, compare=False)
    _design: Design = field(repr=False, compare=False)
    _data: CoxData | None = field(default=None, repr=False, compare=False)
    endpoint: str = ""
    origin: str = ""

    @property
    def terms(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """Each covariate (or formula term) and the positions of its coefficients."""
        return self._design.terms or tuple((n, (j,)) for j, n in enumerate(self.names))

    @property
    def summary(self) -> pd.DataFrame:
        """Coefficients: coef, se, hazard_ratio, ci_lower, ci_upper, z, p."""
        return coefficient_table(self.names, self.coef, self.se, self.conf_level)

    @property
    def likelihood_ratio_test(self) -> GlobalTestResult:
        """Likelihood-ratio test that all coefficients are zero (``statistic, df, pvalue``)."""
        stat = 2.0 * (self.loglik - self.loglik_null)
        return GlobalTestResult.chi_square(stat, self.coef.size, "likelihood ratio")

    def predict(self, profiles: pd.DataFrame | dict[str, Any]) -> pd.DataFrame:
        """The model's own quantity, survival, for covariate profiles (unstratified models).

        Parameters
        ----------
        profiles : DataFrame or dict
            One row per profile with the model's covariate columns; the index
            (or row number) names the profile.

        Returns
        -------
        DataFrame indexed by time, one column per profile:
        :math:`S(t \\mid x) = \\exp\\{-\\hat H_0(t) e^{x\\beta}\\}` (Breslow
        baseline).  `FineGrayResult.predict` gives the cumulative incidence.
        """
        if self.baseline_cumulative_hazard.shape[1] != 1:
            raise ValueError("predict needs an unstratified model")
        frame = pd.DataFrame(profiles) if isinstance(profiles, dict) else profiles
        x = self._design.transform(frame, "profiles")
        h0 = self.baseline_cumulative_hazard.iloc[:, 0].to_numpy()
        surv = np.exp(-h0[:, None] * np.exp(x @ self.coef)[None, :])
        return pd.DataFrame(surv, index=self.baseline_cumulative_hazard.index, columns=frame.index)

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Forest plot of the hazard ratios; see `blina_stats.plots.forest.plot_forest`."""
        from ..plots.forest import plot_forest

        return plot_forest(self.summary, ax=ax, **kwargs)

    def _repr_html_(self) -> str:
        from .._html import html_result

        facts = [("endpoint", f"{self.endpoint} (from {self.origin})")] if self.endpoint else []
        facts += [
            ("rows", str(self.n)),
            ("events", str(self.n_events)),
            (
                "method",
                f"{self.ties} ties, {'robust' if self.robust else 'model-based'} errors, "
                f"{self.conf_level:.0%} intervals",
            ),
            ("concordance", f"{self.concordance:.3f}"),
        ]
        key = self.summary[["hazard_ratio", "ci_lower", "ci_upper", "p"]]
        return html_result("Cox regression", facts, key, None)


@dataclass(frozen=True)
class CoxData:
    """The arrays a Cox model was fitted on, kept for diagnostics (`cox_zph`)."""

    x: FloatArray
    time: FloatArray
    event: npt.NDArray[np.bool_]
    entry: FloatArray | None
    strata: npt.NDArray[np.int64] | None
    weights: FloatArray | None


def fit_lifelines(
    frame: pd.DataFrame,
    x: FloatArray,
    design: Design,
    conf_level: float,
    *,
    robust: bool = False,
    **fit_kwargs: Any,
) -> CoxResult:
    """Fit lifelines' CoxPHFitter on the prepared frame; shared with the landmark module.

    The model-based variance is lifelines'; the robust one is computed by
    `robust_variance` (Efron score residuals, delayed entry, clusters), as R's.
    Convergence warnings from lifelines are left to reach the user.
    """
    from lifelines import CoxPHFitter

    data = pd.concat([pd.DataFrame(x, columns=list(design.names)), frame], axis=1)
    cph = CoxPHFitter(alpha=1.0 - conf_level)
    cph.fit(
        data.drop(columns=[_CLUSTER], errors="ignore"),
        duration_col=_T,
        event_col=_E,
        fit_options={"precision": 1e-12},
        **fit_kwargs,
    )
    names = list(design.names)
    coef = cph.params_[names].to_numpy(np.float64)
    var = cph.variance_matrix_.loc[names, names].to_numpy(np.float64)
    if robust:
        var = robust_variance(
            x,
            frame[_T].to_numpy(np.float64),
            frame[_E].to_numpy() == 1,
            frame[_ENTRY].to_numpy(np.float64) if _ENTRY in frame else None,
            frame[_STRATA].to_numpy(np.int64) if _STRATA in frame else None,
            frame[_W].to_numpy(np.float64) if _W in frame else None,
            frame[_CLUSTER].to_numpy(np.int64) if _CLUSTER in frame else None,
            coef,
            var,
        )
    ll_null = float(cph._ll_null_)  # lifelines computes it for its likelihood-ratio test
    kept = CoxData(
        x=x,
        time=frame[_T].to_numpy(np.float64),
        event=frame[_E].to_numpy() == 1,
        entry=frame[_ENTRY].to_numpy(np.float64) if _ENTRY in frame else None,
        strata=frame[_STRATA].to_numpy(np.int64) if _STRATA in frame else None,
        weights=frame[_W].to_numpy(np.float64) if _W in frame else None,
    )
    return CoxResult(
        coef=coef,
        se=np.sqrt(np.diag(var)),
        variance=var,
        names=design.names,
        loglik=float(cph.log_likelihood_),
        loglik_null=ll_null,
        concordance=float(cph.concordance_index_),
        n=len(data),
        n_events=int(frame[_E].sum()),
        robust=robust,
        ties="efron",
        conf_level=conf_level,
        baseline_cumulative_hazard=cph.baseline_cumulative_hazard_,
        _design=design,
        _data=kept,
    )


def cox_regression(
    time: npt.ArrayLike | Cohort | EndpointData,
    event: npt.ArrayLike | str | EndpointData | pd.DataFrame,
    covariates: Any = None,
    *,
    entry: npt.ArrayLike | None = None,
    strata: npt.ArrayLike | str | None = None,
    weights: npt.ArrayLike | None = None,
    cluster: npt.ArrayLike | None = None,
    robust: bool = False,
    conf_level: float = 0.95,
    **options: Any,
) -> CoxResult:
    r"""Fit a Cox proportional hazards model (lifelines ``CoxPHFitter``).

    Three ways to call it: on a cohort, ``cox_regression(cohort, "pfs",
    ["donor_type", "age"])`` (or a formula, ``"donor_type + age"``), which
    derives the endpoint (with `options`) and takes each used patient's
    covariates by patient id; on an endpoint already derived,
    ``cox_regression(data, covariate_frame)`` with a ``patient_id`` column or
    index; or on arrays, ``cox_regression(time, event, covariates)``.

    Parameters
    ----------
    time : array_like of float, Cohort or EndpointData
        Follow-up times (non-negative); or the cohort, or the derived endpoint.
    event : array_like of {0, 1}, str, EndpointData or DataFrame
        1 = event at `time`, 0 = censored.  With a Cohort: the endpoint's name
        or its EndpointData (time, entry and status from it; for an incidence
        endpoint the model is of the cause-specific hazard, competing events
        censored).  With an EndpointData: the covariates, one row per patient
        id.
    covariates : DataFrame, dict, array_like, list of str or str
        One row per patient (arrays); with a cohort, covariate column names
        or a formula (formulaic, ``"donor_type + age"``).  Numeric and boolean
        columns enter as they are; text columns as indicators against their
        first level (sorted), a pandas Categorical against its first category
        (as an R factor).  Missing values, constant and collinear columns are
        errors naming the column (and, with a cohort, the patients).
    entry : array_like of float, optional
        Delayed-entry times (``entry < time``), handled as left truncation
        (lifelines' ``entry_col``; R ``Surv(entry, time, event)``).
    strata : array_like or str, optional
        Stratum labels: a separate baseline hazard per stratum; with a cohort,
        a covariate column name.
    weights : array_like of float, optional
        Case weights (positive).
    cluster : array_like, optional
        Cluster (patient) labels for the robust variance when one patient has
        several rows; implies ``robust=True``.
    robust : bool
        Use the robust sandwich variance (Lin & Wei 1989), as R ``coxph(...,
        robust = TRUE)``.
    conf_level : float
        Level of the intervals in ``summary``.
    **options
        With a cohort and an endpoint name: those of
        :func:`blina_stats.endpoints.derive` (``origin``, ``delayed_entry``, ...).

    Returns
    -------
    CoxResult
        ``summary`` with hazard_ratio, ci_lower, ci_upper and p; ``plot()``
        draws a forest plot.

    Notes
    -----
    The partial likelihood uses Efron's method for tied event times, as R's
    ``coxph`` default; estimates and model-based or robust standard errors
    agree with ``coxph`` (see tests/reference/models_cox.R).

    References
    ----------
    Cox, D. R. (1972). Regression models and life-tables. J R Stat Soc B 34:187-220.
    Efron, B. (1977). The efficiency of Cox's likelihood function for censored
    data. J Am Stat Assoc 72:557-565.
    Lin, D. Y. and Wei, L. J. (1989). The robust inference for the Cox
    proportional hazards model. J Am Stat Assoc 84:1074-1078.

    Examples
    --------
    >>> import blina_stats as bs
    >>> from blina_stats.datasets import load_bmt
    >>> bmt = load_bmt()
    >>> fit = bs.cox_regression(bmt.t2, bmt.d3, bmt[["z1", "z8"]])
    >>> list(fit.summary.columns[:3])
    ['coef', 'se', 'hazard_ratio']
    >>> cohort = bs.load_events(bs.synthetic.bundled("trial"))
    >>> bs.cox_regression(cohort, "pfs", ["mrd_pre_hsct"]).names
    ('mrd_pre_hsct[positive]',)
    """
    if is_cohort_form(time):
        if entry is not None or weights is not None or cluster is not None:
            raise TypeError(
                "with a Cohort or an EndpointData, entry, weights and cluster "
                "come from the endpoint: give none of them"
            )
        extra = [strata] if isinstance(strata, str) else []
        if strata is not None and not extra:
            raise TypeError("with a Cohort, `strata` is a covariate column name")
        got = align(time, event, covariates, options, extra)  # type: ignore[arg-type]
        data = got.data
        cols = [c for c in got.frame.columns if c not in extra] if got.formula is None else None
        covs = got.frame if cols is None else got.frame[cols]
        design_x = formula_design(got.formula, got.frame) if got.formula else build_design(covs)
        fit = _cox(
            data.time,
            (data.status == 1).astype(np.int64),
            design_x,
            entry=data.entry,
            strata=got.frame[extra[0]].astype(str).to_numpy() if extra else None,
            robust=robust,
            conf_level=conf_level,
        )
        return replace(fit, endpoint=data.endpoint.name, origin=data.origin)
    if options:
        raise TypeError(f"unexpected keyword argument(s) {sorted(options)!r} with arrays")
    t = as_time(time, "time")
    return _cox(
        t,
        event,
        build_design(as_frame(covariates, t.size)),
        entry=entry,
        strata=strata,
        weights=weights,
        cluster=cluster,
        robust=robust,
        conf_level=conf_level,
    )


def _cox(
    time: Any,
    event: Any,
    design_x: tuple[Design, FloatArray],
    *,
    entry: Any = None,
    strata: Any = None,
    weights: Any = None,
    cluster: Any = None,
    robust: bool = False,
    conf_level: float = 0.95,
) -> CoxResult:
    t = as_time(time, "time")
    ev = as_codes(event, "event", t.size, max_code=1)
    ent = as_entry(entry, t)
    level = float(conf_level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"`conf_level` must be strictly between 0 and 1, got {conf_level!r}")
    if ev.sum() == 0:
        raise ValueError("`event` has no events: a Cox model needs at least one")
    design, x = design_x
    warn_no_events(x, design.names, ev == 1, "events")
    frame = pd.DataFrame({_T: t, _E: ev})
    kwargs: dict[str, Any] = {"robust": bool(robust) or cluster is not None}
    # lifelines' robust=True would compute its own (tie-unaware) sandwich: we do it
    if ent is not None:
        frame[_ENTRY] = ent
        kwargs["entry_col"] = _ENTRY
    if strata is not None:
        frame[_STRATA], _ = as_labels(strata, "strata", t.size)
        kwargs["strata"] = [_STRATA]
    if weights is not None:
        w = as_time(weights, "weights")
        if w.size != t.size:
            raise ValueError(f"`weights` has {w.size} values but `time` has {t.size}")
        if np.any(w == 0):
            raise ValueError("`weights` must be positive; drop rows with weight 0 instead")
        frame[_W] = w
        kwargs["weights_col"] = _W
    if cluster is not None:
        frame[_CLUSTER], _ = as_labels(cluster, "cluster", t.size)
    return fit_lifelines(frame, x, design, level, **kwargs)
