"""Cell parsers shared by the screening log and the labs: one message per bad cell.

They reuse the event table's context and date parser
(:mod:`blina_stats.data.schema`), so a bad date reads the same everywhere.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.schema import _Context, _parse_dates, _show

_TRUE = frozenset({"yes", "y", "true", "t", "1", "1.0"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "0.0"})


def blank(values: pd.Series) -> pd.Series:
    """Empty cells: missing, or only spaces."""
    return values.isna() | values.astype(str).str.strip().eq("")


def parse_bool(values: pd.Series, name: str, ctx: _Context) -> pd.Series:
    """yes/no, true/false, y/n, 1/0 (any case) as a nullable boolean; empty is missing."""
    values = values.reset_index(drop=True)
    text = values.astype("string").str.strip().str.lower()
    empty = blank(values).to_numpy(dtype=bool)
    yes = text.isin(_TRUE).fillna(False).to_numpy(dtype=bool)
    no = text.isin(_FALSE).fillna(False).to_numpy(dtype=bool)
    bad = ~empty & ~yes & ~no
    ctx.error(bad, lambda i: f"{ctx.col(name)} {_show(values.iloc[i])} is not yes or no")
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[yes] = True
    out[no] = False
    return out


def parse_number(
    values: pd.Series,
    name: str,
    ctx: _Context,
    *,
    low: float,
    high: float,
    step: float | None = None,
    what: str = "a number",
) -> pd.Series:
    """Numbers in [low, high] (multiples of `step`) as Float64; missing stays missing."""
    values = values.reset_index(drop=True)
    empty = blank(values)
    num = pd.to_numeric(values.where(~empty), errors="coerce").astype(np.float64)
    arr = num.to_numpy()
    not_num = (num.isna() & ~empty).to_numpy(dtype=bool) | np.isinf(arr)
    finite = np.isfinite(arr)
    out_of_range = finite & ((arr < low) | (arr > high))
    if step is not None:
        out_of_range |= finite & (arr != np.round(arr / step) * step)
    ctx.error(not_num, lambda i: f"{ctx.col(name)} {_show(values.iloc[i])} is not {what}")
    ctx.error(
        out_of_range & ~not_num,
        lambda i: f"{ctx.col(name)} {_show(values.iloc[i])} is not {what}",
    )
    keep = finite & ~out_of_range
    return pd.Series(np.where(keep, arr, np.nan)).astype("Float64")  # NaN becomes NA


def parse_choice(values: pd.Series, name: str, ctx: _Context, choices: dict[str, str]) -> pd.Series:
    """Text mapped through `choices` (lower-cased keys); empty is missing, others are errors."""
    values = values.reset_index(drop=True)
    text = values.astype("string").str.strip().str.lower()
    empty = blank(values).to_numpy(dtype=bool)
    mapped = text.map(choices)
    bad = ~empty & mapped.isna().to_numpy(dtype=bool)
    shown = ", ".join(sorted(set(choices.values())))
    ctx.error(bad, lambda i: f"{ctx.col(name)} {_show(values.iloc[i])} is not one of {shown}")
    return mapped.where(~pd.Series(bad) & ~pd.Series(empty)).astype("string")


def parse_dates(
    values: pd.Series,
    name: str,
    ctx: _Context,
    date_format: str | None,
    sas_dates: bool,
    layouts: dict[str, tuple[str, str, str]],
) -> pd.Series:
    """The event table's date parser (same layouts, same messages)."""
    return _parse_dates(values, name, ctx, date_format, sas_dates, layouts)


def mixed_layouts(ctx: _Context, layouts: dict[str, tuple[str, str, str]]) -> None:
    """One table, one written date layout: the event table's rule and message."""
    if len(layouts) > 1:
        (fam1, (col1, pid1, val1)), *rest = layouts.items()
        ctx.errors.extend(
            f"{ctx.source}: patient {pid!r}: {ctx.col(col)} {val!r} is written as {fam} "
            f"but {ctx.col(col1)} {val1!r} of patient {pid1!r} is written as {fam1}: "
            "mixed date formats in one table"
            for fam, (col, pid, val) in rest
        )
