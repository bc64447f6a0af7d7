"""Cox proportional hazards regression through lifelines, with arrays in and a frozen result out."""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..estimators.validation import as_codes, as_entry, as_labels, as_time
from ._cohort import align, is_cohort_form
from ._cox_result import CoxData, CoxResult
from ._design import Design, as_frame, build_design, formula_design, warn_no_events
from ._robust import robust_variance

if TYPE_CHECKING:
    from ..data.cohort import Cohort
    from ..endpoints import EndpointData

FloatArray = npt.NDArray[np.float64]

__all__ = ["CoxData", "CoxResult", "cox_regression", "fit_lifelines"]

# reserved column names for the lifelines data frame (covariates never start with "__")
_T, _E, _ENTRY, _STRATA, _W, _CLUSTER = "__time", "__event", "__entry", "__strata", "__w", "__id"


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
    with warnings.catch_warnings():
        if robust:
            # lifelines advises robust=True for non-integer weights: the robust
            # variance is computed below, so its advice would mislead
            warnings.filterwarnings("ignore", message="It appears your weights are not integers")
        cph.fit(
            data.drop(columns=[_CLUSTER], errors="ignore"),
            duration_col=_T,
            event_col=_E,
            fit_options={"precision": 1e-14, "r_precision": 1e-15},
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
        Case weights (positive), e.g. propensity weights.  Give them with
        ``robust=True``: the weighted partial likelihood with the robust
        variance, as R ``coxph(weights=, robust = TRUE)``; with non-integer
        weights and model-based errors lifelines warns that those are biased.
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
