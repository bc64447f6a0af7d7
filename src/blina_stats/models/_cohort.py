"""Covariates of a cohort aligned to an endpoint's rows, for the models' cohort form.

``cox_regression(cohort, "pfs", ["donor_type", "age"])`` derives the endpoint
and takes each used patient's covariates from the cohort, by patient id, so
that nobody writes ``cohort.frame.set_index("patient_id").loc[...]`` by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..data.cohort import Cohort
from ..endpoints import EndpointData
from ..errors import InputError

_SHOWN = 5


@dataclass(frozen=True)
class Aligned:
    """An endpoint's rows and the covariates of the same patients, in the same order."""

    data: EndpointData
    frame: pd.DataFrame
    formula: str | None
    source: str


def is_cohort_form(first: object) -> bool:
    """Whether a model was called with a Cohort or an EndpointData rather than arrays."""
    return isinstance(first, Cohort | EndpointData)


def align(
    first: Cohort | EndpointData,
    second: Any,
    covariates: Any,
    options: Mapping[str, Any],
    extra: Sequence[str] = (),
) -> Aligned:
    """The endpoint and its patients' covariates (plus the `extra` columns, e.g. strata).

    ``first`` a Cohort: `second` an endpoint name (derived with `options`) or an
    EndpointData; `covariates` column names, one name, or a formula.  ``first``
    an EndpointData: `second` a DataFrame of covariates with a ``patient_id``
    column or index, `covariates` optionally the columns to use.
    """
    if isinstance(first, Cohort):
        if isinstance(second, EndpointData):
            if options:
                raise TypeError(
                    f"endpoint options {sorted(options)!r} need an endpoint name, not an "
                    "EndpointData already derived"
                )
            data = second
        elif isinstance(second, str):
            data = first.endpoint(second, **options)
        else:
            raise TypeError(
                "with a Cohort, the second argument is an endpoint name or an EndpointData, "
                f"got {type(second).__name__}"
            )
        table = first.frame.set_index("patient_id")
        source, allowed = first.source, list(first.covariates)
    else:
        if options:
            raise TypeError(f"endpoint options {sorted(options)!r} need a Cohort")
        if not isinstance(second, pd.DataFrame):
            raise TypeError(
                "with an EndpointData, the second argument is a DataFrame of covariates "
                f"with a 'patient_id' column or index, got {type(second).__name__}"
            )
        data = first
        table = second.set_index("patient_id") if "patient_id" in second.columns else second
        source, allowed = "covariates", [str(c) for c in table.columns]
        if covariates is None:
            covariates = allowed
    formula, columns = _columns(covariates, allowed, source)
    columns = [*columns, *(c for c in extra if c not in columns)]
    for col in columns:
        if col not in allowed:
            raise InputError(
                f"{source}: {col!r} is not a covariate column (covariates: {', '.join(allowed)})"
            )
    ids = [str(p) for p in data.patient_id]
    table.index = table.index.astype(str)
    unknown = [p for p in ids if p not in table.index]
    if unknown:
        raise InputError(
            f"{source}: no covariates for patient(s) {_listed(unknown)} of endpoint "
            f"{data.endpoint.name!r}"
        )
    rows = table.loc[ids, columns]
    for col in columns:
        absent = rows.index[rows[col].isna().to_numpy()].tolist()
        if absent:
            raise InputError(
                f"{source}: column {col!r} is missing for patient(s) {_listed(absent)} "
                f"used by endpoint {data.endpoint.name!r}; drop or impute them before fitting"
            )
    return Aligned(data, rows.reset_index(drop=True), formula, source)


def _columns(covariates: Any, allowed: list[str], source: str) -> tuple[str | None, list[str]]:
    """(formula or None, the columns used) from a list of names, one name, or a formula."""
    if isinstance(covariates, str):
        if covariates in allowed:
            return None, [covariates]
        from formulaic import Formula

        try:
            needed = sorted(Formula(covariates).required_variables)
        except Exception:  # formulaic's parser errors have no common base class
            raise InputError(
                f"{source}: covariates {covariates!r} is neither a covariate column nor a "
                f"formula such as 'donor_type + age' (covariates: {', '.join(allowed)})"
            ) from None
        return covariates, [str(v) for v in needed]
    if covariates is None or isinstance(covariates, pd.DataFrame):
        raise TypeError(
            "with a Cohort, `covariates` is a list of covariate column names or a formula"
        )
    names = [str(c) for c in covariates]
    if not names:
        raise InputError(f"{source}: `covariates` is empty: give at least one covariate column")
    return None, names


def _listed(ids: list[str]) -> str:
    more = f" and {len(ids) - _SHOWN} more" if len(ids) > _SHOWN else ""
    return ", ".join(map(repr, ids[:_SHOWN])) + more
