"""An endpoint of a cohort split by the groups of a covariate, each group estimated, and the test
between them: what :meth:`Cohort.plot` draws.

The endpoint is derived once (:func:`blina_stats.endpoints.derive`); its
patients are split by the covariate (levels, or bins of a numeric one, as
:func:`~blina_stats.compare_endpoint` groups them); each group is estimated
with the endpoint's own estimator and options, and the test is the one
:meth:`Cohort.compare` runs, on the same patients.  Figures read the result
(:func:`blina_stats.plots.by_group.plot_grouped`): they compute nothing.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..data.labels import CovariateLabels, covariate_labels
from ..endpoints import AALEN_JOHANSEN, ENDPOINTS, EndpointData, derive
from ..endpoints.labels import axis_label, horizon_label
from ..errors import InputError
from ..estimators import (
    CumulativeIncidenceResult,
    KaplanMeierResult,
    cumulative_incidence,
    kaplan_meier,
)
from .endpoint import comparison_options
from .gray import GrayResult, gray_test
from .groups import Bins, bin_values, check_levels, reference_level
from .logrank import LogrankResult, logrank_test

if TYPE_CHECKING:
    from ..data.cohort import Cohort

#: the keywords of :func:`derive` (``horizon`` is the figure's: see :func:`group_endpoint`)
DERIVE_OPTIONS = frozenset(inspect.signature(derive).parameters) - {"cohort", "name", "horizon"}

Result = KaplanMeierResult | CumulativeIncidenceResult


@dataclass(frozen=True)
class GroupedEndpoint:
    """An endpoint estimated in each group of a covariate, with the test between the groups.

    Attributes
    ----------
    data : EndpointData
        The endpoint of the whole cohort (its single curve is ``data.result``).
    by : str or None
        The covariate, None for the single curve.
    results : mapping of str to result
        Each group's estimate, in plot order (empty without `by`).
    tests : tuple of LogrankResult or GrayResult
        The test between the groups (one Gray test a cause drawn); empty unless asked.
    causes : tuple of int
        The causes drawn (``(1,)`` for a survival endpoint).
    xlabel, ylabel, horizon_name : str
        Words for the figure: the axis from the endpoint's origin, the
        endpoint's label, the horizon as :func:`~blina_stats.endpoints.labels.horizon_label`.
    cause_names : mapping of int to str
        The event and the competing event in words.
    plot_options : mapping
        The keywords left for the plot function.
    labels : CovariateLabels
        The display label of `by` and the words of its levels (legend title and
        entries); the groups keep their levels as written in `results`.
    """

    data: EndpointData
    by: str | None
    results: Mapping[str, Result]
    tests: tuple[LogrankResult | GrayResult, ...]
    causes: tuple[int, ...]
    xlabel: str
    ylabel: str
    horizon_name: str
    cause_names: Mapping[int, str]
    plot_options: Mapping[str, Any] = field(default_factory=dict)
    labels: CovariateLabels = field(default_factory=CovariateLabels)


def group_labels(
    cohort: Cohort, data: EndpointData, by: str, bins: Bins = None, reference: object = None
) -> tuple[np.ndarray, list[str]]:
    """The group of each patient the endpoint uses (as text), and the groups in plot order.

    The order is that of the bins for a binned covariate, the categories of a
    categorical one, the values (numbers as numbers) otherwise; `reference`,
    when given, comes first.

    Raises
    ------
    InputError
        When `by` is not a covariate, has more than ten levels (give `bins`),
        or is missing for a patient the endpoint uses.
    """
    if by not in cohort.covariates:
        raise InputError(
            f"{cohort.source}: {by!r} is not a covariate column "
            f"(covariates: {', '.join(cohort.covariates)})"
        )
    values = cohort.frame.set_index("patient_id")[by]
    if bins is not None:
        binned = bin_values(values, bins, by, cohort.source)
        lowest = pd.to_numeric(values, errors="coerce").groupby(binned).min()
        order = [str(v) for v in lowest.sort_values().index]
        values = binned
    elif isinstance(values.dtype, pd.CategoricalDtype):
        order = [str(v) for v in values.cat.categories]
    else:
        order = [str(v) for v in sorted(values.dropna().unique().tolist())]
    check_levels(values, by, cohort.source)
    rows = values.loc[list(data.patient_id)]
    absent = rows.index[rows.isna()].tolist()
    if absent:
        raise InputError(
            f"{cohort.source}: column {by!r} is missing for patient(s) "
            f"{', '.join(map(repr, absent[:5]))}" + (" ..." if len(absent) > 5 else "")
        )
    group = rows.astype(str).to_numpy()
    present = set(group.tolist())
    order = [level for level in order if level in present]
    if reference is not None:
        first, _ = reference_level(rows, reference)
        order = [first] + [level for level in order if level != first]
    return group, order


def estimate_groups(data: EndpointData, group: np.ndarray, order: list[str]) -> dict[str, Result]:
    """Each group's estimate with the endpoint's estimator and options: label -> result."""
    result = data.result
    out: dict[str, Result] = {}
    for level in order:
        m = group == level
        entry = None if data.entry is None else data.entry[m]
        if isinstance(result, CumulativeIncidenceResult):
            out[level] = cumulative_incidence(
                data.time[m],
                data.status[m],
                entry,
                result.conf_type,
                result.conf_level,
                variance=result.variance_method,
                n_causes=len(result.causes),
            )
        else:
            out[level] = kaplan_meier(
                data.time[m], data.status[m], entry, result.conf_type, result.conf_level
            )
    return out


def group_endpoint(
    cohort: Cohort,
    endpoint: str,
    by: str | None = None,
    *,
    bins: Bins = None,
    reference: object = None,
    pvalue: bool = False,
    horizon: float | bool | None = None,
    cause: int | tuple[int, ...] | list[int] = 1,
    labels: Mapping[str, str] | None = None,
    **options: Any,
) -> GroupedEndpoint:
    """Derive `endpoint`, estimate it in each group of `by`, and (with `pvalue`) test the groups.

    Parameters
    ----------
    cohort : Cohort
    endpoint : str
        A key of :data:`blina_stats.ENDPOINTS`.
    by : str, optional
        A covariate column; None: the endpoint's single curve.
    bins, reference
        Groups of a numeric `by` (as :func:`~blina_stats.compare_endpoint`), and
        a level to put first.
    pvalue : bool
        Run the test :meth:`Cohort.compare` runs: the log-rank test (with the
        delayed entry the curves have) or Gray's test of each cause drawn.
        Gray's test has no delayed entry: an incidence is then derived, drawn
        and tested from the first dose, as :meth:`Cohort.compare` does.
    horizon : float or bool, optional
        A day to derive the endpoint at (the figure marks it); True: the endpoint's own.
    cause : int or sequence of int
        The causes drawn (incidence endpoints).
    labels : mapping of str to str, optional
        Display labels of covariates, ``{"mrd_pre_hsct": "MRD before HSCT"}``,
        over the package's (:mod:`blina_stats.data.labels`): the legend's title
        and the words of the levels.  A column without a label keeps its name.
    **options
        Options of :func:`~blina_stats.endpoints.derive`; the others are kept in
        ``plot_options`` for the plot function.

    Returns
    -------
    GroupedEndpoint
    """
    derive_options = {k: options.pop(k) for k in list(options) if k in DERIVE_OPTIONS}
    shown = covariate_labels(labels)  # a bad mapping fails before any estimate
    competing = endpoint in ENDPOINTS and ENDPOINTS[endpoint].kind == AALEN_JOHANSEN
    if competing and pvalue and by is not None:
        # Gray's test has no delayed entry: curves and test both from the first dose
        derive_options = comparison_options(cohort, endpoint, **derive_options)
    if not isinstance(horizon, bool) and horizon is not None:
        derive_options["horizon"] = float(horizon)
    data = derive(cohort, endpoint, **derive_options)
    causes = (cause,) if isinstance(cause, int) else tuple(cause)
    if horizon is not None and horizon is not False:
        options.setdefault("horizon", data.horizon)
    results: dict[str, Result] = {}
    tests: tuple[LogrankResult | GrayResult, ...] = ()
    if by is not None:
        group, order = group_labels(cohort, data, by, bins, reference)
        results = estimate_groups(data, group, order)
        shown = covariate_labels(labels, {by: order})
        if pvalue and competing:
            tests = tuple(gray_test(data.time, data.status, group, cause=c) for c in causes)
        elif pvalue:
            tests = (logrank_test(data.time, data.status, group, entry=data.entry),)
    elif pvalue:
        raise ValueError("pvalue=True compares groups: give by= a covariate")
    unit = options.get("unit", "months")
    competing_words = data.endpoint.competing or "competing event"
    return GroupedEndpoint(
        data=data,
        by=by,
        results=results,
        tests=tests,
        causes=causes,
        xlabel=axis_label(data.origin, unit),
        ylabel=data.endpoint.label,
        horizon_name=horizon_label(data.horizon, data.origin, short=True),
        cause_names={1: _sentence(data.endpoint.event), 2: _sentence(competing_words)},
        plot_options=options,
        labels=shown,
    )


def _sentence(words: str) -> str:
    """`words` with a capital first letter, the rest as written (str.capitalize lowercases GVHD)."""
    return words[:1].upper() + words[1:]
