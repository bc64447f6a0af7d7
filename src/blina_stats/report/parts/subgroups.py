"""Subgroup comparisons for the report: tests by covariate, and a forest plot of hazard ratios."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ...compare.endpoint import compare_groups, comparison_options
from ...errors import InputError
from ...models import cox_regression
from ..part import Part

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...data import Cohort
    from ...endpoints import EndpointData
    from ..context import Context

KEY, TITLE = "subgroups", "Subgroups"

#: endpoints compared between subgroups, and the test used for each
ENDPOINTS = ("pfs", "os", "relapse", "nrm")
MAX_LEVELS = 6


def grouping_columns(cohort: Cohort) -> list[str]:
    """Covariates that define subgroups: 2 to `MAX_LEVELS` levels, no missing values."""
    frame = cohort.frame
    return [
        c
        for c in cohort.covariates
        if frame[c].notna().all() and 2 <= frame[c].nunique() <= MAX_LEVELS
    ]


def subgroup_tests(
    cohort: Cohort, endpoint: Callable[..., EndpointData], caught: list[str]
) -> pd.DataFrame:
    """Log-rank (survival endpoints) or Gray (incidences) p-value, one row per covariate.

    `endpoint(name, **options)` derives an endpoint (the report's
    :meth:`Context.endpoint`: each once, whatever the number of covariates);
    time runs from transplant, or from the first dose for Gray's test when the
    table gives enrollment.  Warnings raised on the way (a group of one
    patient, ...) are appended to `caught` as text, so the report can list them.
    """
    rows = []
    for col in grouping_columns(cohort):
        row: dict[str, object] = {"covariate": col}
        for name in ENDPOINTS:
            with warnings.catch_warnings(record=True) as seen:
                warnings.simplefilter("always")
                try:
                    options = comparison_options(cohort, name, origin="transplant")
                    res = compare_groups(endpoint(name, **options), cohort, by=col)
                    row[f"{name} p"] = f"{res.pvalue:.3f}"
                except InputError as exc:
                    row[f"{name} p"] = "-"
                    caught.append(f"{name} by {col}: {exc}")
            caught += [f"{name} by {col}: {w.message}" for w in seen]
        rows.append(row)
    return pd.DataFrame(rows).set_index("covariate") if rows else pd.DataFrame()


def pfs_forest(
    cohort: Cohort, data: EndpointData, caught: list[str]
) -> tuple[pd.DataFrame, Figure | None]:
    """Univariable Cox hazard ratios for PFS `data` (from transplant, delayed entry at
    enrollment) and their forest plot."""
    from ...plots.forest import plot_forest
    from ...plots.style import new_figure, style

    frame = cohort.frame.set_index("patient_id").loc[list(data.patient_id)]
    results = {}
    for col in grouping_columns(cohort):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            try:
                results[col] = cox_regression(
                    data.time, data.status, frame[[col]].reset_index(drop=True), entry=data.entry
                )
            except (InputError, ValueError) as exc:
                caught.append(f"PFS Cox on {col}: {exc}")
        caught += [f"PFS Cox on {col}: {w.message}" for w in seen]
    if not results:
        return pd.DataFrame(), None
    table = pd.concat({k: v.summary for k, v in results.items()}, names=["covariate", "term"])
    table = table.round(4)
    finite = np.isfinite(table[["hazard_ratio", "ci_lower", "ci_upper"]].to_numpy(float)).all(1)
    if not finite.any():
        return table, None
    shown = table[finite].copy()
    # "donor_type[MUD]" -> "donor_type: MUD" (against the first level, sorted)
    shown.index = [t.replace("[", ": ").rstrip("]") for _, t in shown.index]
    fig = new_figure(width=5.0, height=0.25 * len(shown) + 0.9)
    with style():
        ax = fig.add_subplot()
    plot_forest(shown, ax, xlabel="Hazard ratio for PFS (95% CI)")
    return table, fig


def build(ctx: Context) -> Part:
    """Subgroup tests of PFS, OS, relapse and NRM, and the PFS forest plot."""
    caught: list[str] = []
    tests = subgroup_tests(ctx.cohort, ctx.endpoint, caught)
    if tests.empty:
        raise InputError(f"{ctx.cohort.source}: no covariate with 2-6 levels to compare")
    tables = [("Subgroup comparisons (p-values; exploratory, unadjusted)", tests, "subgroup_tests")]
    figures = []
    cox, fig = pfs_forest(ctx.cohort, ctx.endpoint("pfs", origin="transplant"), caught)
    if not cox.empty:
        tables.append(("Univariable Cox models for PFS", cox, "subgroup_cox_pfs"))
    if fig is not None:
        figures.append(("Hazard ratios for PFS by subgroup", fig, "forest_pfs"))
    return Part(
        KEY,
        TITLE,
        tables=tuple(tables),
        figures=tuple(figures),
        notes=(
            "Exploratory, unadjusted subgroup analyses: log-rank test for survival endpoints "
            "(delayed entry at enrollment), Gray's test for cumulative incidences (time from the "
            "first dose); p-values not adjusted for multiplicity or for other covariates.",
            *(f"warning: {w}" for w in caught),
        ),
        json={
            "subgroups": {
                "tests": tests.to_dict(orient="index"),
                "warnings": caught,
                "exploratory": True,
                "adjusted": False,
            }
        },
    )
