"""Propensity-score weights of trial patients against external controls, and their balance."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..data import ValidationWarning
from ..errors import InputError
from ._design import Design, design, treatment_codes
from ._logistic import fit_logistic, predict
from .balance import ESS_FRACTION, SMD_LIMIT, balance_table, ess

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FloatArray = npt.NDArray[np.float64]

ESTIMANDS = ("ATT", "ATE", "ATO")


class BalanceWarning(UserWarning):
    """The weighting left a covariate imbalanced (|SMD| > 0.1) or an arm's ESS below half."""


@dataclass(frozen=True)
class PropensityWeights:
    """A fitted propensity model, its weights and their balance.

    Attributes
    ----------
    estimand : str
        ``"ATT"``, ``"ATE"`` or ``"ATO"``.
    weights : ndarray
        One weight per patient, in the frame's order.
    ps : ndarray
        Fitted propensity scores P(trial | covariates) (after `trim`).
    treated : ndarray of bool
        The trial patients.
    coef : Series
        Logistic coefficients by term (R's ``glm`` names: ``age``, ``donor_typehaplo``).
    balance : DataFrame
        Per covariate and level: means of each arm before and after weighting,
        SMD before and after, variance ratios (numeric covariates only).
    ess : dict
        Effective sample size per arm (``"trial"``, ``"control"``).
    n : dict
        Patients per arm.
    n_trimmed : int
        Propensity scores truncated to ``[trim, 1 - trim]``.
    warnings : tuple of ValidationWarning
        Imbalance or a small ESS left after weighting.
    """

    estimand: str
    weights: FloatArray
    ps: FloatArray
    treated: npt.NDArray[np.bool_]
    coef: pd.Series
    balance: pd.DataFrame
    ess: dict[str, float]
    n: dict[str, int]
    n_trimmed: int = 0
    warnings: tuple[ValidationWarning, ...] = ()
    _design: Design | None = field(default=None, repr=False, compare=False)

    def plot(
        self, ax: Axes | None = None, *, labels: Mapping[str, str] | None = None, **kwargs: Any
    ) -> Axes:
        """Love plot of the absolute SMDs before and after (:func:`blina_stats.plots.love_plot`).

        Covariates are named by the package's labels
        (:func:`blina_stats.data.labels.covariate_labels`) with `labels` over them.
        """
        from ..data.labels import covariate_labels
        from ..plots.love import love_plot

        levels: dict[str, list[object]] = {}
        for column, level in self.balance.index:
            if level:
                levels.setdefault(column, []).append(level)
        return love_plot(self, ax=ax, labels=covariate_labels(labels, levels), **kwargs)


def arm_weights(
    ps: FloatArray, treated: npt.NDArray[np.bool_], estimand: str, stabilize: bool = False
) -> FloatArray:
    """Weights from propensity scores; rows of `ps` (b, n) are weighted alike.

    ATT: trial 1, controls e/(1-e); ATE: 1/e and 1/(1-e); ATO (overlap): 1-e and e.
    `stabilize` multiplies ATE weights by the arm's share (Robins, Hernán &
    Brumback 2000) and ATT control weights by n_control / n_trial.
    """
    if estimand == "ATT":
        w = np.where(treated, 1.0, ps / (1.0 - ps))
    elif estimand == "ATE":
        w = np.where(treated, 1.0 / ps, 1.0 / (1.0 - ps))
    else:
        w = np.where(treated, 1.0 - ps, ps)
    if stabilize and estimand != "ATO":
        share = treated.mean()
        if estimand == "ATE":
            w = w * np.where(treated, share, 1.0 - share)
        else:
            w = w * np.where(treated, 1.0, (1.0 - share) / share)
    return np.asarray(w, dtype=np.float64)


def propensity_weights(
    frame: pd.DataFrame,
    treatment: str,
    covariates: Sequence[str],
    estimand: str = "ATT",
    model: str = "logistic",
    trim: float | None = None,
    stabilize: bool = False,
    *,
    source: str = "<DataFrame>",
) -> PropensityWeights:
    """Fit a logistic propensity model and weight the patients for `estimand`.

    Parameters
    ----------
    frame : DataFrame
        One row per patient: the 0/1 `treatment` column (1 trial, 0 control)
        and the covariates (numeric, or text read as categories).
    treatment : str
        The treatment column.
    covariates : sequence of str
        Covariates of the model, each balanced (text ones level by level).
    estimand : {"ATT", "ATE", "ATO"}
        Average effect on the treated (the trial's patients: the default for
        an external control), on everyone, or on the overlap population.
    model : {"logistic"}
        The propensity model (main effects; R ``glm(family = binomial)``).
    trim : float, optional
        Truncate the propensity scores to ``[trim, 1 - trim]`` (no patient is
        dropped); ``n_trimmed`` counts them.
    stabilize : bool
        Stabilised weights (see :func:`arm_weights`); estimates do not change.
    source : str
        Named in error messages.

    Returns
    -------
    PropensityWeights
        Warns (:class:`BalanceWarning`, also kept in ``.warnings``) when any
        |SMD| after weighting exceeds 0.1 or an arm's ESS is under half its size.

    Raises
    ------
    InputError
        A missing covariate value (naming the patient), a constant covariate,
        a covariate without overlap between the arms, an unknown option.

    Notes
    -----
    The coefficients solve the score equations by Newton-Raphson
    (:mod:`blina_stats.external._logistic`), agreeing with R's ``glm`` to 1e-8.

    References
    ----------
    Rosenbaum, P. R. and Rubin, D. B. (1983). The central role of the propensity
    score in observational studies for causal effects. Biometrika 70:41-55.
    Li, F., Morgan, K. L. and Zaslavsky, A. M. (2018). Balancing covariates via
    propensity score weighting. JASA 113:390-400.
    Austin, P. C. (2009). Balance diagnostics for comparing the distribution of
    baseline covariates between treatment groups in propensity-score matched
    samples. Statistics in Medicine 28:3083-3107.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"t": [1, 1, 1, 0, 0, 0, 0, 0], "age": [30, 50, 40, 60, 45, 35, 55, 65]})
    >>> pw = propensity_weights(df, "t", ["age"])
    >>> pw.weights[:3].tolist()
    [1.0, 1.0, 1.0]
    """
    if estimand not in ESTIMANDS:
        raise InputError(f"estimand must be one of {', '.join(ESTIMANDS)}, got {estimand!r}")
    if model != "logistic":
        raise InputError(f"model must be 'logistic', got {model!r}")
    if trim is not None and not 0.0 < trim < 0.5:
        raise InputError(f"trim must be between 0 and 0.5, got {trim!r}")
    y = treatment_codes(frame, treatment, source)
    d = design(frame, y, covariates, source)
    beta, converged = fit_logistic(d.x, y, np.ones(len(y)))
    if not converged:
        raise InputError(
            f"{source}: the propensity model did not converge (the covariates separate "
            "the trial from the controls): simplify the model"
        )
    ps = predict(d.x, beta)
    n_trimmed = 0
    if trim is not None:
        n_trimmed = int(((ps < trim) | (ps > 1 - trim)).sum())
        ps = np.clip(ps, trim, 1 - trim)
    treated = y == 1
    w = arm_weights(ps, treated, estimand, stabilize)
    bal = balance_table(d, treated, w)
    sizes = {"trial": int(treated.sum()), "control": int((~treated).sum())}
    eff = {"trial": ess(w[treated]), "control": ess(w[~treated])}
    found = _balance_warnings(bal, eff, sizes, source)
    for f in found:
        warnings.warn(BalanceWarning(str(f)), stacklevel=2)
    return PropensityWeights(
        estimand=estimand,
        weights=w,
        ps=ps,
        treated=treated,
        coef=pd.Series(beta, index=list(d.terms), name="coef"),
        balance=bal,
        ess=eff,
        n=sizes,
        n_trimmed=n_trimmed,
        warnings=found,
        _design=d,
    )


def _balance_warnings(
    bal: pd.DataFrame, eff: dict[str, float], sizes: dict[str, int], source: str
) -> tuple[ValidationWarning, ...]:
    out = []
    for (cov, level), smd in zip(bal.index, bal["smd_after"], strict=True):
        if abs(smd) > SMD_LIMIT:
            what = f"{cov} = {level}" if level else cov
            out.append(
                ValidationWarning(
                    source,
                    None,
                    str(cov),
                    f"covariate {what!r} stays imbalanced after weighting: "
                    f"SMD {smd:.3f} (|SMD| > {SMD_LIMIT})",
                )
            )
    for arm, e in eff.items():
        if e < ESS_FRACTION * sizes[arm]:
            out.append(
                ValidationWarning(
                    source,
                    None,
                    None,
                    f"effective sample size of the {arm} arm {e:.1f} is under half "
                    f"its {sizes[arm]} patients: a few patients carry the weighting",
                )
            )
    return tuple(out)
