"""Subgroup comparisons for the report: tests by covariate, and a forest plot of hazard ratios."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from ...compare.endpoint import compare_groups, comparison_options
from ...compare.groups import reference_level
from ...data.labels import CovariateLabels, cohort_labels
from ...errors import InputError
from ...models import cox_regression
from ..captions import patients, time_origin
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
    cohort: Cohort,
    data: EndpointData,
    caught: list[str],
    reference: Mapping[str, object] | None = None,
    labels: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, Figure | None]:
    """Univariable Cox hazard ratios for PFS `data` (from transplant, delayed entry at
    enrollment) by level of each grouping covariate, and their forest plot.

    Each covariate's reference is the level named in `reference`, else its largest
    group among the endpoint's patients, a tie going to the first in sorted order
    (:func:`~blina_stats.compare.groups.reference_level`); the table has a row per
    level (the reference's hazard ratio 1), with its patients and events, and the
    reason for the reference in ``reference_reason``.  The table names covariates and
    levels as the data does; the figure's rows by their display labels (`labels` over
    the package's, :func:`~blina_stats.data.labels.cohort_labels`).
    """
    from ...plots.forest import plot_forest
    from ...plots.style import new_figure, style

    named = dict(reference or {})
    shown_labels = labels if isinstance(labels, CovariateLabels) else cohort_labels(cohort, labels)
    frame = cohort.frame.set_index("patient_id").loc[list(data.patient_id)]
    event = np.asarray(data.status) == 1
    parts = {}
    for col in grouping_columns(cohort):
        values = frame[col].astype(str).reset_index(drop=True)
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            try:
                ref, why = reference_level(values.rename(col), named.get(col))
                levels = [ref, *sorted(set(values) - {ref})]
                cat = pd.DataFrame({col: pd.Categorical(values, categories=levels)})
                fit = cox_regression(data.time, data.status, cat, entry=data.entry)
                parts[col] = _level_rows(col, levels, values, event, fit.summary, why)
            except (InputError, ValueError) as exc:
                caught.append(f"PFS Cox on {col}: {exc}")
        caught += [f"PFS Cox on {col}: {w.message}" for w in seen]
    if not parts:
        return pd.DataFrame(), None
    table = pd.concat(parts, names=["covariate", "level"]).round(4)
    limits = table[["hazard_ratio", "ci_lower", "ci_upper"]].to_numpy(float)
    shown = table[np.isfinite(limits).all(axis=1) | table["reference"].to_numpy(bool)].copy()
    if not (~shown["reference"].to_numpy(bool)).any():
        return table, None
    shown.index = [
        shown_labels.row(c, lev) + (" (reference)" if r else "")
        for (c, lev), r in zip(shown.index, shown["reference"], strict=True)
    ]
    fig = new_figure(width=6.0, height=0.25 * len(shown) + 1.0)
    with style():
        ax = fig.add_subplot()
    plot_forest(shown, ax, xlabel="Hazard ratio for PFS (95% CI)")
    return table, fig


def shown_rows(table: pd.DataFrame, labels: CovariateLabels) -> pd.DataFrame:
    """`table` with its rows named for readers: each covariate by its label and each level by
    its words (the index's names, the columns and the values unchanged; the JSON keeps the raw
    names)."""
    out = table.copy()
    if isinstance(out.index, pd.MultiIndex):
        out.index = pd.MultiIndex.from_tuples(
            [(labels.column(c), labels.level(c, lev)) for c, lev in out.index],
            names=out.index.names,
        )
    else:
        out.index = pd.Index([labels.column(c) for c in out.index], name=out.index.name)
    return out


def _level_rows(
    col: str,
    levels: list[str],
    values: pd.Series,
    event: npt.NDArray[np.bool_],
    summary: pd.DataFrame,
    why: str,
) -> pd.DataFrame:
    """One row per level: reference flag, n, events, hazard ratio, limits and p."""
    rows = []
    for i, lev in enumerate(levels):
        mask = (values == lev).to_numpy()
        row: dict[str, object] = {
            "reference": i == 0,
            "n": int(mask.sum()),
            "events": int(event[mask].sum()),
        }
        if i == 0:
            row |= {"hazard_ratio": 1.0, "ci_lower": np.nan, "ci_upper": np.nan, "p": np.nan}
        else:
            term = summary.loc[f"{col}[{lev}]"]
            row |= {k: float(term[k]) for k in ("hazard_ratio", "ci_lower", "ci_upper", "p")}
        row["reference_reason"] = why if i == 0 else ""
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(levels, name="level"))


def build(ctx: Context) -> Part:
    """Subgroup tests of PFS, OS, relapse and NRM, and the PFS forest plot."""
    caught: list[str] = []
    raw = subgroup_tests(ctx.cohort, ctx.endpoint, caught)
    if raw.empty:
        raise InputError(f"{ctx.cohort.source}: no covariate with 2-6 levels to compare")
    pfs = ctx.endpoint("pfs", origin="transplant")
    who, since = patients(ctx.cohort, pfs.n_used), time_origin(pfs)
    tables = [
        (
            f"Subgroup comparisons of PFS, OS, relapse and NRM, {patients(ctx.cohort)}, "
            f"{time_origin(ctx.endpoint('pfs'))}, whole follow-up "
            "(log-rank or Gray p-values; exploratory, unadjusted)",
            shown_rows(raw, ctx.labels),
            "subgroup_tests",
        )
    ]
    figures = []
    cox, fig = pfs_forest(ctx.cohort, pfs, caught, labels=ctx.labels)
    references: dict[str, dict[str, str]] = {}
    if not cox.empty:
        caption = (
            f"Univariable Cox models for PFS by subgroup, {who}, {since}, whole follow-up "
            "(exploratory, unadjusted)"
        )
        tables.append((caption, shown_rows(cox, ctx.labels), "subgroup_cox_pfs"))
        refs = cox[cox["reference"].to_numpy(bool)]
        references = {
            str(c): {"level": str(lev), "reason": str(why)}
            for (c, lev), why in zip(refs.index, refs["reference_reason"], strict=True)
        }
    if fig is not None:
        caption = (
            f"Hazard ratios for PFS by subgroup, {who}, {since}, whole follow-up: each level "
            "against its reference"
        )
        figures.append((caption, fig, "forest_pfs"))
    ref_note = (
        "Forest plot and Cox table: each level against its covariate's reference, the largest "
        "group unless named (a tie goes to the first level in sorted order): "
        + "; ".join(
            f"{ctx.labels.row(c, r['level'])} ({r['reason']})" for c, r in references.items()
        )
        + "."
    )
    return Part(
        KEY,
        TITLE,
        tables=tuple(tables),
        figures=tuple(figures),
        notes=(
            "Exploratory, unadjusted subgroup analyses: log-rank test for survival endpoints "
            "(delayed entry at enrollment), Gray's test for cumulative incidences (time from the "
            "first dose); p-values not adjusted for multiplicity or for other covariates.",
            *((ref_note,) if references else ()),
            *(f"warning: {w}" for w in caught),
        ),
        json={
            "subgroups": {
                "tests": raw.to_dict(orient="index"),
                "warnings": caught,
                "references": references,
                "exploratory": True,
                "adjusted": False,
            }
        },
    )
