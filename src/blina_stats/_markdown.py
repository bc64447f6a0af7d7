"""GitHub-flavoured Markdown tables, without a dependency on ``tabulate``.

Every cell and heading is escaped so that a rendered ``.md`` file shows the
data and runs nothing: ``&``, ``<`` and ``>`` become entities (no raw HTML,
no autolink), ``\\``, backticks and ``|`` are backslash-escaped (no code span,
no new column), ``](`` cannot open an inline link, and line breaks inside a
cell become spaces (no new row).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BACKSLASHED = "\\`|"


def escape_cell(value: Any) -> str:
    """`value` as the text of one Markdown table cell, escaped (empty for a missing value)."""
    if not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value):
        return ""
    out = []
    for ch in " ".join(str(value).splitlines()):
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in _BACKSLASHED:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out).replace("](", "]\\(")


def markdown_table(frame: pd.DataFrame, right: Sequence[bool] | None = None) -> str:
    """`frame` (its columns, not its index) as a Markdown table; empty cells for missing values.

    `right` says which columns are right-aligned; by default the numeric ones.
    """
    if right is None:
        right = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    rows = [[escape_cell(v) for v in row] for row in frame.itertuples(index=False)]
    lines = [
        "| " + " | ".join(escape_cell(c) for c in frame.columns) + " |",
        "|" + "|".join("---:" if r else ":---" for r in right) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    return "\n".join(lines) + "\n"
