"""Validation of the arrays handed to the estimators, tests and models (the public boundary).

Times, statuses, entry times and interval options (used by `estimators`,
`compare` and `models`), and the group or strata labels that split patients
(used by `compare` and `models`).  Every check names the caller's argument,
the offending positions and values, and never drops or alters a row.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = [
    "CONF_TYPES",
    "as_codes",
    "as_entry",
    "as_flags",
    "as_labels",
    "as_time",
    "check_conf",
    "warn_small_groups",
]

CONF_TYPES = ("log-log", "log", "plain", "arcsine", "logit")

_SHOWN = 5


def _where(mask: npt.NDArray[np.bool_], values: npt.ArrayLike) -> str:
    """Describe the first few offending positions and their values."""
    idx = np.flatnonzero(mask)
    vals = np.asarray(values)[idx[:_SHOWN]]
    pairs = ", ".join(f"[{i}]={v!r}" for i, v in zip(idx[:_SHOWN], vals.tolist(), strict=True))
    more = f" and {idx.size - _SHOWN} more" if idx.size > _SHOWN else ""
    return f"{idx.size} position(s): {pairs}{more}"


def as_time(values: Any, name: str) -> FloatArray:
    """Return `values` as a 1-d float array of finite, non-negative times.

    Times are numbers of days (or any one unit): booleans, dates and durations
    (``datetime64``, ``timedelta64``, pandas ``Timestamp``/``Timedelta``) are
    refused, since NumPy would read them as 0/1 or as nanoseconds.
    """
    kind = _not_a_number(values)
    if kind is not None:
        raise ValueError(f"`{name}` holds {kind}, not numbers: {_HOW[kind]}")
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`{name}` must be numeric: {exc}") from None
    if arr.ndim != 1:
        arr = arr.reshape(-1) if arr.ndim == 0 else arr
        if arr.ndim != 1:
            raise ValueError(f"`{name}` must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"`{name}` is empty: at least one patient is needed")
    # two reductions decide for valid times: the minimum is NaN when any time is
    # NaN and negative when any is, the maximum infinite when any is; the masks
    # that name the positions are built only for times that fail
    lo, hi = arr.min(), arr.max()
    if lo >= 0.0 and hi < np.inf:
        return arr
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"`{name}` must be finite (no NaN or infinity): {_where(bad, arr)}")
    neg = arr < 0
    if neg.any():
        raise ValueError(f"`{name}` must be non-negative: {_where(neg, arr)}")
    return arr


_HOW = {
    "booleans": "pass the times themselves (True/False is not a time)",
    "dates": "pass days since an origin, e.g. (date - origin) / np.timedelta64(1, 'D')",
    "durations": "pass them in days, e.g. duration / np.timedelta64(1, 'D')",
}


def _not_a_number(values: Any) -> str | None:
    """``"booleans"``, ``"dates"`` or ``"durations"`` when `values` hold those, else None."""
    dtype = getattr(values, "dtype", None)
    if dtype is None:
        try:
            dtype = np.asarray(values).dtype
        except (TypeError, ValueError):
            return None
    if pd.api.types.is_bool_dtype(dtype):
        return "booleans"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "dates"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "durations"
    if pd.api.types.is_object_dtype(dtype):
        first = next(iter(np.asarray(values, dtype=object).ravel()), None)
        if isinstance(first, bool | np.bool_):
            return "booleans"
        if isinstance(first, pd.Timestamp | np.datetime64) or hasattr(first, "year"):
            return "dates"
        if isinstance(first, pd.Timedelta | np.timedelta64) or hasattr(first, "total_seconds"):
            return "durations"
    return None


def as_codes(values: Any, name: str, n: int, max_code: int | None = None) -> IntArray:
    """Return `values` as integer codes 0..max_code (0/1 when max_code is 1)."""
    raw = np.asarray(values)
    if raw.ndim != 1:
        raise ValueError(f"`{name}` must be one-dimensional, got shape {raw.shape}")
    if raw.size != n:
        raise ValueError(f"`{name}` has {raw.size} values but `time` has {n}: lengths must match")
    if raw.dtype == bool:
        return raw.astype(np.int64)
    if raw.dtype.kind in "iu" and raw.size:
        # integer codes: two reductions decide, no conversion to float
        lo, hi = raw.min(), raw.max()
        if lo >= 0 and (max_code is None or hi <= max_code):
            return raw.astype(np.int64, copy=False)
    try:
        flt = raw.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must hold integer codes, got dtype {raw.dtype}") from None
    bad = ~np.isfinite(flt) | (flt != np.round(flt)) | (flt < 0)
    if max_code is not None:
        bad |= flt > max_code
    if bad.any():
        allowed = "0 or 1" if max_code == 1 else "0 (censored) or a positive cause code"
        raise ValueError(f"`{name}` must be {allowed}: {_where(bad, raw)}")
    return flt.astype(np.int64)


def as_flags(values: Any, name: str, n: int) -> npt.NDArray[np.integer]:
    """Return `values` as 0/1 flags: a boolean array is viewed as bytes, not copied.

    Any other input is checked as :func:`as_codes` with ``max_code=1``.  The
    estimators count with the flags and never negate them, so unsigned bytes
    are safe there (``1 - flags`` stays 0/1).
    """
    raw = np.asarray(values)
    if raw.dtype == bool and raw.ndim == 1 and raw.size == n:
        return raw.view(np.uint8)
    return as_codes(raw, name, n, max_code=1)


def as_entry(values: Any, time: FloatArray) -> FloatArray | None:
    """Validate delayed-entry times: same length as `time`, finite, and `entry < time`."""
    if values is None:
        return None
    entry = as_time(values, "entry")
    if entry.size != time.size:
        raise ValueError(
            f"`entry` has {entry.size} values but `time` has {time.size}: lengths must match"
        )
    late = entry >= time
    if late.any():
        idx = np.flatnonzero(late)[:_SHOWN]
        pairs = ", ".join(f"[{i}] entry={float(entry[i])!r} time={float(time[i])!r}" for i in idx)
        raise ValueError(
            f"`entry` must be before `time` for every patient: {late.sum()} not: {pairs}"
        )
    return entry


def check_conf(conf_type: str, conf_level: float) -> float:
    """Validate the interval options; return the normal quantile z."""
    from scipy.special import ndtri

    if conf_type not in CONF_TYPES:
        raise ValueError(f"`conf_type` must be one of {CONF_TYPES}, got {conf_type!r}")
    level = float(conf_level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"`conf_level` must be strictly between 0 and 1, got {conf_level!r}")
    return float(ndtri(1.0 - (1.0 - level) / 2.0))


def as_labels(values: Any, name: str, n: int) -> tuple[IntArray, tuple[Any, ...]]:
    """Return integer codes 0..k-1 and the sorted distinct labels of `values`.

    Missing labels (None, NaN) are an error naming `name` and the positions:
    a patient silently dropped from a comparison changes its answer.
    """
    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    if series.ndim != 1:
        raise ValueError(f"`{name}` must be one-dimensional")
    if series.size != n:
        raise ValueError(
            f"`{name}` has {series.size} values but `time` has {n}: lengths must match"
        )
    missing = series.isna().to_numpy()
    if missing.any():
        idx = np.flatnonzero(missing)
        shown = ", ".join(str(i) for i in idx[:_SHOWN])
        more = f" and {idx.size - _SHOWN} more" if idx.size > _SHOWN else ""
        raise ValueError(f"`{name}` has {idx.size} missing value(s), at position(s) {shown}{more}")
    codes, uniques = pd.factorize(series.to_numpy(), sort=True)
    return codes.astype(np.int64), tuple(_plain(u) for u in uniques)


def _plain(value: Any) -> Any:
    """NumPy scalars as Python scalars, so labels print as the user wrote them."""
    return value.item() if isinstance(value, np.generic) else value


def warn_small_groups(codes: IntArray, labels: tuple[Any, ...], name: str) -> None:
    """Warn about groups of one patient: the test's large-sample approximation is poor."""
    sizes = np.bincount(codes, minlength=len(labels))
    for label, size in zip(labels, sizes.tolist(), strict=True):
        if size == 1:
            warnings.warn(
                f"`{name}` group {label!r} has a single patient; the chi-square "
                "approximation of the test is unreliable",
                UserWarning,
                stacklevel=3,
            )
