"""The frozen result of a Cox model (`CoxResult`) and the arrays it was fitted on (`CoxData`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._design import Design
from ._summary import GlobalTestResult, coefficient_table, display_labels, labelled_key

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FloatArray = npt.NDArray[np.float64]


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
        """Forest plot of the hazard ratios; see `blina_stats.plots.forest.plot_forest`.

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
            ("rows", str(self.n)),
            ("events", str(self.n_events)),
            (
                "method",
                f"{self.ties} ties, {'robust' if self.robust else 'model-based'} errors, "
                f"{self.conf_level:.0%} intervals",
            ),
            ("concordance", f"{self.concordance:.3f}"),
        ]
        key = labelled_key(self.summary, self._design.levels, self._design.columns)
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
