"""Fast paths of the readers and the validation, for the tables that need nothing careful.

Each function here answers the common case of a careful rule in a few
vectorised passes, or returns None when the table is not that case; the
caller then applies the careful rule itself.  A fast path never decides
anything the careful rule would decide otherwise: it only recognises input
on which the careful rule has nothing to change, and gives exactly what it
would give (tests/test_data_fast.py checks the two paths agree, cell for
cell, on messy tables).  :data:`ENABLED` switches every fast path off, for
those tests.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: False: every rule takes its careful path (for the tests comparing the two)
ENABLED = True

#: ASCII bytes that are whitespace (str.strip removes them) or control characters
_SPACE_OR_CONTROL = 32
_DEL = 127
#: cells looked at for a column's first written one
_HEAD = 1000


def plain_ids(values: pd.Series) -> tuple[pd.Series, str] | None:
    """Identifiers that need no stripping or checking: the ids, and their text joined.

    That is every cell a non-empty ASCII string without whitespace or control
    characters, and no id given twice.  None otherwise.
    """
    if not ENABLED or pd.api.types.infer_dtype(values, skipna=False) != "string":
        return None
    cells = values.to_numpy(dtype=object)
    joined = "".join(cells)
    if not joined.isascii():
        return None
    code = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    if code.size and ((code <= _SPACE_OR_CONTROL) | (code == _DEL)).any():
        return None
    if cells.size and min(map(len, cells)) == 0:
        return None
    # no control character, so no NUL: pandas' hash table reads each whole string
    if len(pd.unique(cells)) < cells.size:
        return None
    return pd.Series(cells, dtype=object, name=values.name), joined


def factorized_numbers(values: pd.Series, plain: str) -> pd.Series | None:
    """A text column read as numbers, one distinct cell at a time; None when it is not numbers.

    The same as ``pd.to_numeric(values)`` when every non-empty distinct cell
    fully matches the `plain` number pattern (the dtype too: the distinct
    cells, and a missing one when there is one, decide it as the whole
    column would).  Only for text read from a CSV file (no NUL byte in a cell).
    """
    if not ENABLED:
        return None
    head = values.to_numpy(dtype=object)[:_HEAD]
    first = next((v for v in head if isinstance(v, str)), None)
    if first is None or not re.fullmatch(plain, first):
        return None  # a text column: the careful rule stops at its first word
    codes, uniques = pd.factorize(values)
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    if pd.api.types.infer_dtype(distinct, skipna=False) not in ("string", "empty"):
        return None
    if not distinct.str.fullmatch(plain).all():
        return None
    missing = bool((codes < 0).any())
    cells = pd.concat([distinct, pd.Series([np.nan], dtype=object)]) if missing else distinct
    try:
        number = pd.to_numeric(cells).to_numpy()
    except (ValueError, TypeError):  # out of range: the careful rule says what it is
        return None
    return pd.Series(number[codes], index=values.index, name=values.name)


def uniform_cells(separators: np.ndarray, ends: np.ndarray) -> int | None:
    """The cells of every line when each line of a CSV file holds the same number (> 1).

    `separators` and `ends` are the sorted positions of the separators and of
    the line ends outside quotes.  With ``k`` separators a line, the ``j``-th
    group of ``k`` must lie between the end of line ``j - 1`` and that of
    line ``j``: two strided comparisons instead of a search per line.  None
    when any line differs (a blank line, a short or long one): the careful
    count then finds which.
    """
    lines = ends.size
    if not ENABLED or lines == 0 or separators.size == 0 or separators.size % lines:
        return None
    per = separators.size // lines
    grid = separators.reshape(lines, per)
    if not (grid[:, -1] < ends).all() or not (grid[1:, 0] > ends[:-1]).all():
        return None
    return per + 1
