"""Fine-Gray proportional subdistribution hazards regression (as ``cmprsk::crr``)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..errors import InputError
from ..estimators.validation import as_codes, as_labels, as_time
from ..estimators.weighted import as_weights, unit
from . import _fine_gray_likelihood as lik
from ._cohort import align, is_cohort_form
from ._design import Design, as_frame, build_design, formula_design, warn_no_events
from ._summary import GlobalTestResult, coefficient_table, display_labels, labelled_key

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..data.cohort import Cohort
    from ..endpoints import EndpointData

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class FineGrayResult:
    """A fitted Fine-Gray model for the cumulative incidence of one cause.

    Attributes
    ----------
    coef, se : ndarray, shape (p,)
        Log subdistribution hazard ratios and their robust (sandwich) standard
        errors, as ``cmprsk::crr``'s ``coef`` and ``sqrt(diag(var))``.
    variance : ndarray, shape (p, p)
        The robust variance matrix (Fine & Gray 1999, accounting for the
        estimated censoring distribution).
    naive_variance : ndarray, shape (p, p)
        Inverse of the information matrix (``crr``'s ``invinf``).
    names : tuple of str
        Coefficient names (indicators of categorical covariates as ``"col[level]"``).
    cause : int
        The modelled cause.
    loglik, loglik_null : float
        Log pseudo-likelihood at the estimate and at zero.
    converged : bool
        Whether Newton-Raphson met its tolerance.
    n, n_events, n_competing, n_censored : int
        Patients, events of `cause`, competing events and censorings.
    event_times : ndarray, shape (m,)
        Distinct event times of `cause`.
    baseline_jumps : ndarray, shape (m,)
        Jumps of the baseline cumulative subdistribution hazard at `event_times`
        (``crr``'s ``bfitj``).
    conf_level : float
        Level of the intervals in `summary`.
    endpoint, origin : str
        The endpoint and time origin of a model fitted on a cohort (``""``
        when fitted on arrays).
    variance_method : str
        ``"crr"`` (the sandwich above), or ``"coxph"`` for a weighted fit: R's
        ``coxph(robust = TRUE)`` on ``finegray(weights=)`` data.
    """

    coef: FloatArray
    se: FloatArray
    variance: FloatArray = field(repr=False)
    naive_variance: FloatArray = field(repr=False)
    names: tuple[str, ...]
    cause: int
    loglik: float
    loglik_null: float
    converged: bool
    n: int
    n_events: int
    n_competing: int
    n_censored: int
    event_times: FloatArray = field(repr=False)
    baseline_jumps: FloatArray = field(repr=False)
    conf_level: float
    _design: Design = field(repr=False, compare=False)
    endpoint: str = ""
    origin: str = ""
    variance_method: str = "crr"

    @property
    def summary(self) -> pd.DataFrame:
        """Coefficients: coef, se, hazard_ratio (subdistribution), ci_lower, ci_upper, z, p."""
        return coefficient_table(self.names, self.coef, self.se, self.conf_level)

    @property
    def wald_test(self) -> GlobalTestResult:
        """Global Wald test that all coefficients are zero (``statistic, df, pvalue``)."""
        stat = float(self.coef @ np.linalg.solve(self.variance, self.coef))
        return GlobalTestResult.chi_square(stat, self.coef.size, "Wald")

    def predict(self, profiles: pd.DataFrame | dict[str, Any]) -> pd.DataFrame:
        """The model's own quantity, the cumulative incidence of `cause`, for covariate profiles.

        Parameters
        ----------
        profiles : DataFrame or dict
            One row per profile with the model's covariate columns; the index
            (or row number) names the profile.

        Returns
        -------
        DataFrame indexed by ``time`` (the distinct event times), one column per
        profile: :math:`1 - \\exp\\{-e^{x\\beta} \\hat\\Lambda_0(t)\\}`, as
        ``cmprsk::predict.crr``, at every event time of `cause`.
        `CoxResult.predict` gives survival.
        """
        frame = pd.DataFrame(profiles) if isinstance(profiles, dict) else profiles
        x = self._design.transform(frame, "profiles")
        cum = np.cumsum(self.baseline_jumps)
        cif = 1.0 - np.exp(-np.exp(x @ self.coef)[None, :] * cum[:, None])
        return pd.DataFrame(cif, index=pd.Index(self.event_times, name="time"), columns=frame.index)

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Forest plot of the subdistribution hazard ratios; see `blina_stats.plots.plot_forest`.

        Rows are named by the covariates' display labels (``labels=``, a
        mapping column -> label, over :mod:`blina_stats.data.labels`); the
        model's term names (`names`, the index of `summary`) stay as they are.
        """
        from ..plots.forest import plot_forest

        labels = display_labels(self._design.levels, kwargs.pop("labels", None))
        return plot_forest(self.summary, ax=ax, labels=labels, **kwargs)

    def _repr_html_(self) -> str:
        from .._html import html_result

        facts = [("endpoint", f"{self.endpoint} (from {self.origin})")] if self.endpoint else []
        facts += [
            ("cause", str(self.cause)),
            ("patients", str(self.n)),
            ("events", str(self.n_events)),
            ("competing", str(self.n_competing)),
            ("censored", str(self.n_censored)),
            (
                "method",
                f"robust errors, {self.conf_level:.0%} intervals"
                + ("" if self.converged else "; DID NOT CONVERGE"),
            ),
        ]
        key = labelled_key(self.summary, self._design.levels, self._design.columns)
        return html_result("Fine-Gray regression", facts, key, None)


def fine_gray(
    time: npt.ArrayLike | Cohort | EndpointData,
    status: npt.ArrayLike | str | EndpointData | pd.DataFrame,
    covariates: Any = None,
    cause: int = 1,
    *,
    cengroup: npt.ArrayLike | None = None,
    conf_level: float = 0.95,
    tol: float = 1e-10,
    max_iter: int = 50,
    weights: npt.ArrayLike | None = None,
    **options: Any,
) -> FineGrayResult:
    r"""Fit the Fine-Gray proportional subdistribution hazards model.

    Called on a cohort, ``fine_gray(cohort, "relapse", ["donor_type"])`` (or a
    formula), on a derived endpoint, ``fine_gray(data, covariate_frame)``
    (a ``patient_id`` column or index), or on arrays, as ``cmprsk::crr``.

    Parameters
    ----------
    time : array_like of float, Cohort or EndpointData
        Follow-up times (non-negative); or the cohort, or the derived endpoint.
    status : array_like of int, str, EndpointData or DataFrame
        0 = censored, 1..K = the cause of the event at `time`.  With a Cohort:
        the endpoint's name or its EndpointData (the endpoint's event is cause
        1, its competing event cause 2).  With a table giving enrollment, an
        endpoint named here runs from the first dose (``origin="enrollment"``,
        among patients free of its events then) unless `options` say
        otherwise: the model has no delayed entry, and an endpoint with one is
        refused.  With an EndpointData: the covariates, one row per patient id.
    covariates : DataFrame, dict, array_like, list of str or str
        One row per patient (arrays); with a cohort, covariate column names
        or a formula (formulaic).  Numeric and boolean columns enter as they
        are; text columns as indicators against their first level (sorted), a
        pandas Categorical against its first category.  Missing values,
        constant and collinear columns are errors.
    cause : int
        The cause whose cumulative incidence is modelled; every other positive
        code is a competing event.
    cengroup : array_like, optional
        Groups with separate censoring distributions (``crr``'s ``cengroup``).
    conf_level : float
        Level of the intervals in ``summary``.
    tol : float
        Newton-Raphson stops when the largest step is below `tol` (``crr``'s
        default ``gtol = 1e-6`` on the score is looser; the optimum is the same).
    max_iter : int
        Maximum Newton-Raphson iterations.
    weights : array_like of float, optional
        Case weights (finite, non-negative; arrays only, one censoring group),
        e.g. propensity weights.  ``crr`` takes none: the fit is R's
        ``finegray(weights=)`` + ``coxph(weights = fgwt, robust = TRUE)``
        (Breslow ties), the censoring weights unweighted, and the variance
        that robust one (``variance_method="coxph"``).  All 1: the
        unweighted fit.
    **options
        With a cohort and an endpoint name: those of
        :func:`blina_stats.endpoints.derive`.

    Returns
    -------
    FineGrayResult
        Coefficients with robust standard errors (``summary``), the baseline
        cumulative subdistribution hazard and ``predict(profiles)``.

    Notes
    -----
    The subdistribution hazard of `cause`,
    :math:`\lambda_1(t \mid x) = -\mathrm d \log\{1 - F_1(t \mid x)\}/\mathrm d t`,
    is modelled as :math:`\lambda_{10}(t) e^{x\beta}`.  Patients who had a
    competing event stay in the risk set after it with weight
    :math:`\hat G(t-)/\hat G(t_i-)`, :math:`\hat G` the Kaplan-Meier of the
    censoring distribution (Fine & Gray 1999); tied events use Breslow's
    likelihood.  Estimates, the sandwich variance and the baseline hazard are
    computed as in ``cmprsk::crr`` (Fortran ``crrfsv``, ``crrvv``, ``crrfit``),
    vectorised; the same coefficients come from ``survival::finegray`` and a
    weighted ``coxph`` (Geskus 2011).

    With several censoring groups (`cengroup`) the coefficients and model-based
    errors still agree with ``crr``, but the robust errors (which use a
    censoring-group-specific correction here) differ from cmprsk 2.2-11 by
    about 1e-4; with one censoring group they agree to 1e-12.

    References
    ----------
    Fine, J. P. and Gray, R. J. (1999). A proportional hazards model for the
    subdistribution of a competing risk. J Am Stat Assoc 94:496-509.
    Geskus, R. B. (2011). Cause-specific cumulative incidence estimation and the
    Fine and Gray model under both left truncation and right censoring.
    Biometrics 67:39-49.

    Examples
    --------
    >>> import numpy as np
    >>> import blina_stats as bs
    >>> from blina_stats.datasets import load_bmt
    >>> bmt = load_bmt()
    >>> status = np.where(bmt.d2 == 1, 1, np.where(bmt.d1 == 1, 2, 0))
    >>> fit = bs.fine_gray(bmt.t2, status, bmt[["z1", "z8"]], cause=1)
    >>> fit.names
    ('z1', 'z8')
    """
    if is_cohort_form(time):
        if cengroup is not None or weights is not None:
            raise TypeError(
                "with a Cohort or an EndpointData, `cengroup` and `weights` are not supported"
            )
        cohort_like = time
        if isinstance(status, str) and "origin" not in options:
            has_entry = getattr(cohort_like, "has_enrollment", False)
            if has_entry and options.get("delayed_entry", True):
                options = {**options, "origin": "enrollment"}
        got = align(cohort_like, status, covariates, options)  # type: ignore[arg-type]
        data = got.data
        if data.entry is not None:
            raise InputError(
                f"{got.source}: endpoint {data.endpoint.name!r} from {data.origin} enters "
                "patients late (delayed entry), which this Fine-Gray model does not handle; "
                "derive it with origin='enrollment' (time from the first dose)"
            )
        fit = _fine_gray(
            data.time,
            data.status,
            formula_design(got.formula, got.frame) if got.formula else build_design(got.frame),
            1,
            None,
            conf_level,
            tol,
            max_iter,
        )
        return replace(fit, endpoint=data.endpoint.name, origin=data.origin)
    if options:
        raise TypeError(f"unexpected keyword argument(s) {sorted(options)!r} with arrays")
    t = as_time(time, "time")
    w = None if weights is None else as_weights(weights, t.size)
    if w is not None and cengroup is not None:
        raise TypeError("`weights` with `cengroup` is not supported (finegray has no cengroup)")
    return _fine_gray(
        t,
        status,
        build_design(as_frame(covariates, t.size)),
        cause,
        cengroup,
        conf_level,
        tol,
        max_iter,
        None if w is None or unit(w) else w,
    )


def _fine_gray(
    time: Any,
    status: Any,
    design_x: tuple[Design, FloatArray],
    cause: int,
    cengroup: Any,
    conf_level: float,
    tol: float,
    max_iter: int,
    w: FloatArray | None = None,
) -> FineGrayResult:
    t = as_time(time, "time")
    st = as_codes(status, "status", t.size)
    cause = int(cause)
    if cause < 1:
        raise ValueError(f"`cause` must be a positive cause code, got {cause!r}")
    if not np.any(st == cause):
        raise ValueError(f"`status` has no events of `cause` {cause}: nothing to model")
    design, x = design_x
    ici = np.where(st == 0, 0, np.where(st == cause, 1, 2)).astype(np.int64)
    if cengroup is None:
        cg = np.zeros(t.size, dtype=np.int64)
    else:
        cg, _ = as_labels(cengroup, "cengroup", t.size)
    level = float(conf_level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"`conf_level` must be strictly between 0 and 1, got {conf_level!r}")
    warn_no_events(x, design.names, ici == 1, f"events of cause {cause}")

    data = lik.prepare(t, ici, x, cg, w)
    beta = np.zeros(x.shape[1])
    ll0, score, info = lik.score_info(data, beta)
    converged = False
    for _ in range(max_iter):
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError:
            break
        ll_new = lik.loglik(data, beta + step)
        halvings = 0
        # step halving as crr: accept once the likelihood does not fall
        while not np.isfinite(ll_new) or ll_new < ll0 - 1e-12 * max(1.0, abs(ll0)):
            step = step / 2
            halvings += 1
            if halvings > 20:
                break
            ll_new = lik.loglik(data, beta + step)
        beta = beta + step
        ll, score, info = lik.score_info(data, beta)
        if np.max(np.abs(step)) < tol:
            converged = True
            break
        ll0 = ll
    if not converged:
        # lifelines' class, so one filter covers the Cox and Fine-Gray fits
        from lifelines.exceptions import ConvergenceWarning

        warnings.warn(
            f"Fine-Gray fit did not converge in {max_iter} iterations; coefficients "
            f"{dict(zip(design.names, np.round(beta, 3).tolist(), strict=True))!r} may be "
            "diverging (monotone likelihood: a covariate level without events?)",
            ConvergenceWarning,
            stacklevel=2,
        )
    ll_null = lik.loglik(data, np.zeros_like(beta))
    robust = lik.sandwich_variance if w is None else lik.cox_robust_variance
    variance = robust(data, beta, info)
    s0, _, _ = lik.risk_sums(data, np.exp(data.x @ beta), second=False)
    return FineGrayResult(
        coef=beta,
        se=np.sqrt(np.diag(variance)),
        variance=variance,
        naive_variance=np.asarray(np.linalg.inv(info), dtype=np.float64),
        names=design.names,
        cause=cause,
        loglik=lik.loglik(data, beta),
        loglik_null=ll_null,
        converged=converged,
        n=int(t.size),
        n_events=int((ici == 1).sum()),
        n_competing=int((ici == 2).sum()),
        n_censored=int((ici == 0).sum()),
        event_times=data.ut,
        baseline_jumps=data.d / s0,
        conf_level=level,
        _design=design,
        variance_method="crr" if w is None else "coxph",
    )
