"""Covariates to a numeric design matrix, checked once at the boundary.

Categorical columns (object, string) are expanded into indicators against
their first level, sorted; a pandas Categorical keeps its category order, the
first category being the reference (as the levels of an R factor); booleans
become 0/1.  Missing values,
constant columns and collinear columns are errors that name the column.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..estimators.validation import as_codes, as_time

FloatArray = npt.NDArray[np.float64]
#: exposures during follow-up: name -> (exposure_time, exposure_event)
Exposures = Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]]

_SHOWN = 5


@dataclass(frozen=True)
class Design:
    """How covariates become model columns, kept to encode new profiles the same way.

    Attributes
    ----------
    columns : tuple of str
        The covariate columns given.
    levels : dict
        For each categorical column, its levels (the first is the reference):
        sorted, or in category order for a pandas Categorical.
    names : tuple of str
        The model's column names: numeric columns as given, indicators as ``"col[level]"``.
    terms : tuple of (str, tuple of int)
        Each term (a covariate, or a formula's term) and its columns in `names`:
        a categorical covariate is one term of several columns.
    spec : formulaic ModelSpec or None
        For a design built from a formula, what encodes new data.
    """

    columns: tuple[str, ...]
    levels: dict[str, tuple[Any, ...]]
    names: tuple[str, ...]
    terms: tuple[tuple[str, tuple[int, ...]], ...] = ()
    spec: Any = field(default=None, compare=False)

    def transform(self, data: pd.DataFrame, name: str = "covariates") -> FloatArray:
        """Encode `data` (same columns) as the model's design matrix."""
        if self.spec is not None:
            return _formula_matrix(self.spec, data, name)
        missing = [c for c in self.columns if c not in data.columns]
        if missing:
            raise ValueError(f"`{name}` lacks the model's column(s) {missing!r}")
        blocks = []
        for col in self.columns:
            values = data[col]
            _check_missing(values, col, name)
            if col in self.levels:
                levels = self.levels[col]
                unknown = ~values.isin(levels).to_numpy()
                if unknown.any():
                    raise ValueError(
                        f"`{name}` column {col!r} has level(s) "
                        f"{sorted(set(values[unknown].tolist()))!r} not seen in the model "
                        f"(levels {list(levels)!r})"
                    )
                blocks.append(
                    np.column_stack([(values == lev).to_numpy(float) for lev in levels[1:]])
                )
            else:
                blocks.append(_numeric(values, col, name)[:, None])
        return np.hstack(blocks) if blocks else np.empty((len(data), 0))


def _check_missing(values: pd.Series, col: str, name: str) -> None:
    bad = values.isna().to_numpy()
    if bad.any():
        idx = np.flatnonzero(bad)
        rows = ", ".join(str(values.index[i]) for i in idx[:_SHOWN])
        more = f" and {idx.size - _SHOWN} more" if idx.size > _SHOWN else ""
        raise ValueError(
            f"`{name}` column {col!r} has {idx.size} missing value(s), in row(s) {rows}{more}; "
            "drop or impute them before fitting"
        )


def _numeric(values: pd.Series, col: str, name: str) -> FloatArray:
    arr = values.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"`{name}` column {col!r} has {bad.sum()} infinite value(s)")
    return arr


def _is_categorical(values: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values))


def as_frame(covariates: Any, n: int, name: str = "covariates") -> pd.DataFrame:
    """A DataFrame of `n` rows from a DataFrame, a Series, a mapping or a 1-/2-d array."""
    if isinstance(covariates, pd.DataFrame):
        frame = covariates.reset_index(drop=True)
    elif isinstance(covariates, pd.Series):
        frame = covariates.reset_index(drop=True).to_frame(name=covariates.name or "x1")
    elif isinstance(covariates, dict):
        frame = pd.DataFrame({k: np.asarray(v) for k, v in covariates.items()})
    else:
        arr = np.asarray(covariates)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise ValueError(f"`{name}` must be 1- or 2-dimensional, got shape {arr.shape}")
        frame = pd.DataFrame(arr, columns=[f"x{j + 1}" for j in range(arr.shape[1])])
    if len(frame) != n:
        raise ValueError(f"`{name}` has {len(frame)} rows but `time` has {n}: lengths must match")
    if frame.shape[1] == 0:
        raise ValueError(f"`{name}` has no columns: give at least one covariate")
    frame.columns = [str(c) for c in frame.columns]
    return frame


def build_design(frame: pd.DataFrame, name: str = "covariates") -> tuple[Design, FloatArray]:
    """Encode and check `frame`; return the design and its matrix (rows as in `frame`)."""
    levels: dict[str, tuple[Any, ...]] = {}
    names: list[str] = []
    for col in frame.columns:
        values = frame[col]
        _check_missing(values, col, name)
        if _is_categorical(values):
            lv = _levels(values)
            levels[col] = lv
            names.extend(f"{col}[{lev}]" for lev in lv[1:])
        else:
            names.append(col)
    terms, start = [], 0
    for col in frame.columns:
        width = len(levels[col]) - 1 if col in levels else 1
        terms.append((str(col), tuple(range(start, start + width))))
        start += width
    design = Design(
        columns=tuple(frame.columns), levels=levels, names=tuple(names), terms=tuple(terms)
    )
    x = design.transform(frame, name)
    _check_identifiable(x, design.names, name)
    return design, x


def formula_design(
    formula: str, frame: pd.DataFrame, name: str = "covariates"
) -> tuple[Design, FloatArray]:
    """Encode `frame` by a Wilkinson formula (formulaic): treatment contrasts against the
    first level (category order for a Categorical, else sorted), no intercept column."""
    from formulaic import Formula

    try:
        needed = sorted(Formula(formula).required_variables)
    except Exception as exc:  # formulaic's parser errors have no common base class
        raise ValueError(f"`{name}` formula {formula!r} cannot be read: {exc}") from None
    absent = [v for v in needed if v not in frame.columns]
    if absent:
        raise ValueError(
            f"`{name}` formula {formula!r} names {absent!r}, not among the columns "
            f"{list(frame.columns)!r}"
        )
    for col in needed:
        _check_missing(frame[col], col, name)
    matrix = Formula(formula).get_model_matrix(frame, na_action="raise")
    spec = matrix.model_spec
    keep = [j for j, c in enumerate(matrix.columns) if c != "Intercept"]
    names = tuple(str(matrix.columns[j]).replace("[T.", "[") for j in keep)
    position = {j: i for i, j in enumerate(keep)}
    terms = tuple(
        (str(term), tuple(position[j] for j in idx))
        for term, idx in spec.term_indices.items()
        if any(j in position for j in idx)
    )
    design = Design(columns=tuple(needed), levels={}, names=names, terms=terms, spec=spec)
    x = _formula_matrix(spec, frame, name)
    _check_identifiable(x, names, name)
    return design, x


def _formula_matrix(spec: Any, data: pd.DataFrame, name: str) -> FloatArray:
    for col in sorted(spec.required_variables):
        if col not in data.columns:
            raise ValueError(f"`{name}` lacks the model's column(s) {[col]!r}")
        _check_missing(data[col], col, name)
    matrix = spec.get_model_matrix(data, na_action="raise")
    keep = [c for c in matrix.columns if c != "Intercept"]
    return np.asarray(matrix[keep], dtype=np.float64)


def _levels(values: pd.Series) -> tuple[Any, ...]:
    """The levels seen, reference first: category order for a Categorical, else sorted as text."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        seen = set(values.dropna().tolist())
        return tuple(c for c in values.cat.categories.tolist() if c in seen)
    return tuple(sorted(pd.unique(values).tolist(), key=str))


def _check_identifiable(x: FloatArray, names: tuple[str, ...], name: str) -> None:
    """Constant or collinear columns make the model unidentifiable: say which ones."""
    for j, col in enumerate(names):
        if np.ptp(x[:, j]) == 0:
            raise ValueError(
                f"`{name}` column {col!r} is constant ({x[0, j]!r} for every patient): "
                "its effect cannot be estimated"
            )
    xc = x - x.mean(axis=0)
    xc = xc / np.linalg.norm(xc, axis=0)
    kept: list[int] = []
    for j in range(xc.shape[1]):
        trial = [*kept, j]
        if np.linalg.matrix_rank(xc[:, trial], tol=1e-8) == len(trial):
            kept.append(j)
            continue
        coef, *_ = np.linalg.lstsq(xc[:, kept], xc[:, j], rcond=None)
        partners = [names[k] for k, c in zip(kept, coef, strict=True) if abs(c) > 1e-8]
        raise ValueError(
            f"`{name}` column {names[j]!r} is collinear with {partners!r} "
            "(a linear combination of them): drop one of these columns"
        )


def warn_no_events(
    x: FloatArray, names: tuple[str, ...], events: npt.NDArray[np.bool_], what: str
) -> None:
    """Warn when an indicator column has no events at one of its values (an infinite ratio)."""
    for j, col in enumerate(names):
        values = np.unique(x[:, j])
        if values.size != 2:
            continue
        for v in values:
            if not events[x[:, j] == v].any():
                warnings.warn(
                    f"covariate {col!r}: no {what} among patients with {col} == {v:g}; "
                    "its hazard ratio is not estimable (the estimate diverges)",
                    UserWarning,
                    stacklevel=3,
                )


def as_exposure(
    name: str, pair: tuple[npt.ArrayLike, npt.ArrayLike], n: int
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """(time, happened) of one exposure, validated and named in messages."""
    try:
        when, happened = pair
    except (TypeError, ValueError):
        raise ValueError(
            f"`exposures[{name!r}]` must be a pair (exposure_time, exposure_event)"
        ) from None
    t = as_time(when, f"exposures[{name!r}] time")
    if t.size != n:
        raise ValueError(f"`exposures[{name!r}]` has {t.size} times but `time` has {n}")
    e = as_codes(happened, f"exposures[{name!r}] event", n, max_code=1)
    return t, e == 1
