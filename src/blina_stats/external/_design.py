"""The propensity model's design matrix and the balance columns, from a patient table.

Numeric covariates enter as they are; a text (categorical) covariate enters
as indicators of every level but the first in sorted order, as R's
``factor()`` does, and is balanced level by level.  Every check on the
covariates is here, each failing with one line that names the covariate:
a missing value (and the patient), a constant covariate, a covariate whose
values in one arm are never seen in the other (no overlap).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..errors import InputError

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Design:
    """Model matrix (intercept first) and balance columns of one patient table."""

    x: FloatArray
    terms: tuple[str, ...]
    balance: FloatArray
    rows: tuple[tuple[str, str], ...]  # (covariate, level or "") of each balance column
    binary: npt.NDArray[np.bool_]  # balance column is a level indicator


def is_categorical(values: pd.Series) -> bool:
    """Text, boolean or categorical columns are categorical; numbers are numeric."""
    return not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)


def treatment_codes(frame: pd.DataFrame, treatment: str, source: str) -> FloatArray:
    """The 0/1 treatment column; InputError unless it is 0/1 (or bool) with both arms."""
    if treatment not in frame.columns:
        raise InputError(f"{source}: no treatment column {treatment!r}")
    t = frame[treatment]
    ok = t.isin([0, 1, True, False]).all()
    if not ok:
        bad = t[~t.isin([0, 1, True, False])].iloc[0]
        raise InputError(f"{source}: column {treatment!r}: {bad!r} is not 0/1 (treated/control)")
    y = t.to_numpy(dtype=np.float64)
    if y.min() == y.max():
        raise InputError(f"{source}: column {treatment!r}: only one arm ({int(y[0])}) is present")
    return y


def design(frame: pd.DataFrame, y: FloatArray, covariates: Sequence[str], source: str) -> Design:
    """Checked design of `covariates` of `frame` (treated where ``y == 1``)."""
    if not covariates:
        raise InputError(f"{source}: no covariates given to balance")
    ids = (
        frame["patient_id"].astype(str).to_numpy()
        if "patient_id" in frame.columns
        else np.array([f"row {i + 1}" for i in range(len(frame))])
    )
    treated = y == 1
    cols, terms = [np.ones(len(frame))], ["(Intercept)"]
    bal, rows, binary = [], [], []
    for name in covariates:
        if name not in frame.columns:
            raise InputError(f"{source}: no covariate column {name!r}")
        v = frame[name]
        missing = v.isna().to_numpy()
        if missing.any():
            raise InputError(
                f"{source}: patient {ids[missing.argmax()]!r}: covariate {name!r} is missing "
                f"({int(missing.sum())} patients): impute or leave the covariate out"
            )
        if is_categorical(v):
            text = v.astype(str).to_numpy(dtype=str)
            levels = sorted({str(level) for level in text})
            _check_levels(name, text, treated, levels, source)
            for k, level in enumerate(levels):
                ind = (text == level).astype(np.float64)
                if k:
                    cols.append(ind)
                    terms.append(f"{name}{level}")
                bal.append(ind)
                rows.append((name, level))
                binary.append(True)
        else:
            num = v.to_numpy(dtype=np.float64)
            _check_numeric(name, num, treated, source)
            cols.append(num)
            terms.append(name)
            bal.append(num)
            rows.append((name, ""))
            binary.append(False)
    return Design(
        x=np.column_stack(cols),
        terms=tuple(terms),
        balance=np.column_stack(bal),
        rows=tuple(rows),
        binary=np.array(binary),
    )


def _check_levels(
    name: str,
    text: npt.NDArray[np.str_],
    treated: npt.NDArray[np.bool_],
    levels: list[str],
    source: str,
) -> None:
    if len(levels) == 1:
        raise InputError(
            f"{source}: covariate {name!r} is constant (every patient {levels[0]!r}): "
            "it cannot be balanced; leave it out"
        )
    for level in levels:
        in_t = bool((text[treated] == level).any())
        in_c = bool((text[~treated] == level).any())
        if in_t != in_c:
            arm, other = ("trial", "control") if in_t else ("control", "trial")
            raise InputError(
                f"{source}: covariate {name!r}: no overlap: level {level!r} occurs among the "
                f"{arm} patients and never among the {other} patients"
            )


def _check_numeric(name: str, num: FloatArray, treated: npt.NDArray[np.bool_], source: str) -> None:
    if not np.isfinite(num).all():
        raise InputError(f"{source}: covariate {name!r} holds a non-finite value")
    if num.min() == num.max():
        raise InputError(
            f"{source}: covariate {name!r} is constant (every patient {num[0]:g}): "
            "it cannot be balanced; leave it out"
        )
    t, c = num[treated], num[~treated]
    if t.min() > c.max() or c.min() > t.max():
        raise InputError(
            f"{source}: covariate {name!r}: no overlap: trial {t.min():g}-{t.max():g}, "
            f"controls {c.min():g}-{c.max():g}"
        )
