"""GitHub-flavoured Markdown tables, without a dependency on ``tabulate``."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def markdown_table(frame: pd.DataFrame, right: Sequence[bool] | None = None) -> str:
    """`frame` (its columns, not its index) as a Markdown table; empty cells for missing values.

    `right` says which columns are right-aligned; by default the numeric ones.
    """
    if right is None:
        right = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    rows = [["" if pd.isna(v) else str(v) for v in row] for row in frame.itertuples(index=False)]
    lines = [
        "| " + " | ".join(str(c) for c in frame.columns) + " |",
        "|" + "|".join("---:" if r else ":---" for r in right) + "|",
        *("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows),
    ]
    return "\n".join(lines) + "\n"
