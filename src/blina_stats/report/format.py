"""One formatting layer for the report's tables: what a reader of the paper sees.

Every table the report writes (CSV, Markdown, HTML) goes through
:func:`format_table`: percentages with one decimal, an interval in the unit of
its estimate, ``NR`` for a limit not reached, integers as integers, p-values as
``0.041`` or ``<0.001``, no float with more than :data:`DECIMALS` decimals,
sequences joined as text, and no pandas row numbers.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

#: decimals of a percentage (a column whose name holds ``%`` or is ``percent``)
PERCENT_DECIMALS = 1
#: the most decimals of any other number in a report table
DECIMALS = 3
#: what an interval's limit that was not reached (NaN) prints
NOT_REACHED = "NR"
#: column names read as p-values
P_VALUE_COLUMNS = frozenset({"p", "p_value", "p-value", "p value", "pvalue"})

_NAN_LIMIT = re.compile(r"(?<=\d)-nan\b")


def _finite(x: Any) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and math.isfinite(float(x))


def number(x: Any, decimals: int = DECIMALS) -> str:
    """`x` with at most `decimals` decimals (trailing zeros kept); integers as integers.

    Missing values (None, NaN) are the empty string; infinities ``inf``/``-inf``.
    """
    if x is None or (isinstance(x, float | np.floating) and math.isnan(float(x))):
        return ""
    if isinstance(x, bool | np.bool_):
        return str(bool(x))
    if isinstance(x, int | np.integer):
        return str(int(x))
    v = float(x)
    if not math.isfinite(v):
        return "inf" if v > 0 else "-inf"
    if v.is_integer():
        return str(int(v))
    return f"{v:.{decimals}f}"


def percent(p: Any, decimals: int = PERCENT_DECIMALS) -> str:
    """A proportion `p` as a percentage with `decimals` decimals (``0.1765`` -> ``17.6``)."""
    return f"{100 * float(p):.{decimals}f}" if _finite(p) else ""


def interval(lower: Any, upper: Any, decimals: int = DECIMALS, scale: float = 1.0) -> str:
    """``lower-upper`` of an interval in `scale` units; a limit not reached (NaN) is ``NR``.

    >>> interval(399.0, float("nan"), 0)
    '399-NR'
    """

    def limit(v: Any) -> str:
        return f"{scale * float(v):.{decimals}f}" if _finite(v) else NOT_REACHED

    return f"{limit(lower)}-{limit(upper)}"


def p_value(p: Any) -> str:
    """A p-value with three decimals, ``<0.001`` below 0.001 (``0.0412`` -> ``0.041``)."""
    if not _finite(p):
        return ""
    return "<0.001" if float(p) < 0.0005 else f"{float(p):.3f}"


def _text(value: Any) -> str:
    if isinstance(value, tuple | list | set | frozenset):
        return ", ".join(str(v) for v in value)
    return _NAN_LIMIT.sub(f"-{NOT_REACHED}", str(value))


def _is_p_value(key: str) -> bool:
    return key in P_VALUE_COLUMNS or key.endswith(" p") or key.endswith("_p")


def _column(name: str, values: pd.Series) -> pd.Series:
    key = name.strip().lower()
    if _is_p_value(key) and pd.api.types.is_numeric_dtype(values):
        return values.map(p_value)
    if pd.api.types.is_bool_dtype(values):
        return values.map(lambda v: str(bool(v)))
    if pd.api.types.is_numeric_dtype(values):
        finite = pd.to_numeric(values, errors="coerce").dropna()
        finite = finite[np.isfinite(finite)]
        if bool((finite == np.round(finite)).all()) and not ("%" in key or key == "percent"):
            return values.map(lambda v: number(round(float(v)) if _finite(v) else v))
        if "%" in key or key == "percent":
            return values.map(lambda v: _fixed(v, PERCENT_DECIMALS))
        # counts beside a fraction (an exposure summary's n): each count stays a whole number
        return values.map(lambda v: number(v) if _whole(v) else _fixed(v, DECIMALS))
    return values.map(lambda v: "" if v is None or v is pd.NA or v is pd.NaT else _text_cell(v))


def _whole(v: Any) -> bool:
    return _finite(v) and float(v).is_integer()


def _fixed(v: Any, digits: int) -> str:
    """`v` with exactly `digits` decimals (a column's numbers line up); NaN empty."""
    return f"{float(v):.{digits}f}" if _finite(v) else number(v)


def _text_cell(v: Any) -> str:
    if isinstance(v, float | np.floating):
        return number(v)
    return _text(v)


def format_table(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as the text a paper's table shows, every cell a string.

    A named index becomes the first column(s); a default row number is dropped.
    A ``percent`` column with ``ci_lower``/``ci_upper`` in proportions (the
    safety tables) gets its interval as one ``95% CI (%)`` column in percent.
    The caption (``attrs["caption"]``) is kept.
    """
    out = frame.copy()
    named = any(n is not None for n in out.index.names)
    out = out.reset_index() if named else out.reset_index(drop=True)
    out.columns = [_text(c) for c in out.columns]
    if {"percent", "ci_lower", "ci_upper"} <= set(out.columns):
        ci = [
            interval(lo, hi, PERCENT_DECIMALS, 100.0) if _finite(lo) or _finite(hi) else ""
            for lo, hi in zip(out["ci_lower"], out["ci_upper"], strict=True)
        ]
        at = list(out.columns).index("ci_lower")
        out = out.drop(columns=["ci_lower", "ci_upper"])
        out.insert(at, "95% CI (%)", ci)
    formatted = pd.DataFrame({c: _column(c, out[c]) for c in out.columns}, index=out.index)
    formatted.attrs = dict(frame.attrs)
    return formatted
