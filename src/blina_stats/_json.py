"""Strict JSON for every file and every ``--json`` the package writes: missing values are null.

Python's :mod:`json` writes NaN and infinity as the bare words ``NaN`` and
``Infinity``, which are not JSON (JavaScript's ``JSON.parse`` and every strict
parser reject them).  :func:`dumps` turns them into ``null`` first and then
refuses anything else JSON cannot carry.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np


def to_strict(value: Any) -> Any:
    """`value` with NaN, infinities, pandas' missing markers and NumPy scalars made JSON-safe.

    Dictionaries and sequences are converted recursively; a float that is not
    finite (and ``pd.NA`` / ``pd.NaT``) becomes None; NumPy scalars become
    Python numbers; anything else JSON lacks (dates, paths) becomes its text.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): to_strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_strict(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_strict(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, bool | str):
            return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return str(value)


def dumps(value: Any, indent: int | None = 2) -> str:
    """`value` as strict JSON text (missing values ``null``; never ``NaN`` or ``Infinity``)."""
    import json

    return json.dumps(to_strict(value), indent=indent, allow_nan=False)
