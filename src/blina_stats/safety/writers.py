"""Write the safety tables as Markdown or CSV, their caption (window, population) above."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._formulas import safe_frame
from .._markdown import escape_cell, markdown_table


def _formatted(table: pd.DataFrame, digits: int) -> pd.DataFrame:
    out = pd.DataFrame(index=table.index)
    for col in table.columns:
        values = table[col]
        if col == "percent":
            out[col] = values.map(lambda v: f"{v:.{digits}f}")
        elif col in ("ci_lower", "ci_upper") or pd.api.types.is_float_dtype(values):
            out[col] = values.map(lambda v: "" if pd.isna(v) else f"{v:.{digits + 2}f}")
        else:
            out[col] = values.astype(str)
    return out


def to_markdown(table: pd.DataFrame, path: str | Path | None = None, digits: int = 1) -> str:
    """A table as GitHub Markdown, its caption (window, grades, population) in italics above.

    Written to `path` too when given.  No dependency beyond pandas.
    """
    right = [pd.api.types.is_numeric_dtype(table[c]) for c in table.columns]
    body = markdown_table(_formatted(table, digits), right)
    caption = table.attrs.get("caption")
    text = f"*{escape_cell(str(caption))}*\n\n{body}" if caption else body
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def to_csv(table: pd.DataFrame, path: str | Path, float_format: str = "%.6g") -> Path:
    """Write a table as CSV, its caption as a first ``# `` comment line.

    Read it back with ``pandas.read_csv(path, comment="#")``.  Text cells that a
    spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
    return first) get a leading ``'``, as OWASP recommends.
    """
    out = Path(path)
    caption = table.attrs.get("caption")
    with out.open("w", encoding="utf-8", newline="") as fh:
        if caption:
            fh.write(f"# {caption}\n")
        safe_frame(table).to_csv(fh, index=False, float_format=float_format, lineterminator="\n")
    return out
