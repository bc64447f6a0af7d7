"""CSV cells that a spreadsheet would run as a formula are written as text.

OWASP's advice against CSV (formula) injection: a text cell starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with a
single quote, so Excel, LibreOffice and Google Sheets show it instead of
evaluating it.  Numbers stay numbers: only text cells are touched, and text
that is itself a plain number (``-0.5``) or a lone ``-`` is left as it is, since
a spreadsheet reads it as a number or as text, never as a formula.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

#: the first characters that make a spreadsheet evaluate a cell (OWASP)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """`value` with a leading ``'`` when it is text a spreadsheet would run; else unchanged."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if value == "-" or _NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells, index labels and column names are neutralised."""
    out = frame.copy()
    for i in range(out.shape[1]):
        if not pd.api.types.is_numeric_dtype(out.dtypes.iloc[i]):
            out.isetitem(i, out.iloc[:, i].map(neutralise).to_numpy(dtype=object))
    return out.rename(index=neutralise, columns=neutralise)
