"""The one date rule of every input table: which written dates are read, and how.

Dates are ISO 8601 (``2021-03-14``; a time of day is ignored), SAS ``DATE9``
(``14MAR2021``), ``14-Mar-2021`` or ``2021/03/14``, or native dates (Excel,
Parquet, SAS).  ``03/04/2021`` is ambiguous and needs ``date_format=``; with
``date_format`` every written date must match it.  Numbers are SAS dates
(days since 1960-01-01) only with ``sas_dates=True``.  One table must use one
written layout: :meth:`Dates.check_mixed` reports a table that mixes them.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ._cells import Problems, show

#: SAS counts days from 1960-01-01
SAS_EPOCH = pd.Timestamp("1960-01-01")
#: written date layouts recognised without `date_format`: regex, family, strptime format
LAYOUTS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"), "ISO 8601 (2021-03-14)", "%Y-%m-%d"),
    (
        re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"),
        "ISO 8601 (2021-03-14)",
        "ISO8601",
    ),
    (re.compile(r"^\d{1,2}[A-Za-z]{3}\d{4}$"), "SAS DATE9 (14MAR2021)", "%d%b%Y"),
    (re.compile(r"^\d{1,2}-[A-Za-z]{3}-\d{4}$"), "14-Mar-2021", "%d-%b-%Y"),
    (re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$"), "2021/03/14", "%Y/%m/%d"),
)
AMBIGUOUS = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")


def days_to_timedelta(days: Any) -> np.ndarray:
    """Days (NaN: none) as ``timedelta64[ns]`` (NaT where NaN).

    Only the finite values go through ``pandas.to_timedelta``: on NaN its
    float path multiplies a meaningless integer and can warn of an overflow.
    """
    arr = np.asarray(days, dtype=np.float64)
    out = np.full(arr.shape, np.timedelta64("NaT"), dtype="timedelta64[ns]")
    known = np.isfinite(arr)
    out[known] = pd.to_timedelta(arr[known], unit="D").to_numpy()
    return out


class Dates:
    """Reads the date columns of one table by the one rule, remembering each layout met.

    Parameters
    ----------
    problems : Problems
        The table's problem collector; bad dates are recorded there.
    date_format : str, optional
        ``strptime`` format of every written date, e.g. ``"%d/%m/%Y"``.
    sas_dates : bool
        Numbers in date columns are SAS dates (days since 1960-01-01).

    Attributes
    ----------
    layouts : dict
        Written layout family -> (column, data row, cell) of its first use.
    """

    def __init__(
        self, problems: Problems, *, date_format: str | None = None, sas_dates: bool = False
    ) -> None:
        self.problems = problems
        self.date_format = date_format
        self.sas_dates = sas_dates
        self.layouts: dict[str, tuple[str, int, str]] = {}

    def parse(self, column: pd.Series, name: str) -> pd.Series:
        """Dates at midnight (NaT where empty); every bad cell is one error."""
        p = self.problems
        values = column.reset_index(drop=True)
        if pd.api.types.is_datetime64_any_dtype(values):
            return pd.Series(pd.to_datetime(values).dt.tz_localize(None).dt.normalize())
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            if self.sas_dates:
                return pd.Series(SAS_EPOCH + days_to_timedelta(values.to_numpy())).dt.floor("D")
            p.error(
                values.notna().to_numpy(),
                lambda i: (
                    f"{p.col(name)} {show(values.iloc[i])} is a number, not a date "
                    "(SAS dates: load with sas_dates=True)"
                ),
            )
            return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        native = values.map(
            lambda v: isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year")
        )
        if native.any():
            out[native] = pd.to_datetime(values[native]).dt.normalize()
        text = values.where(~native).astype("string").str.strip()
        written = text.notna() & text.ne("")
        if self.date_format is not None:
            fmt = self.date_format
            parsed = pd.to_datetime(text.where(written), format=fmt, errors="coerce")
            out[written] = parsed[written].dt.normalize()
            p.error(
                (written & parsed.isna()).to_numpy(),
                lambda i: f"{p.col(name)} {text.iloc[i]!r} does not match date_format {fmt!r}",
            )
            return out
        matched = pd.Series(False, index=values.index)
        for pattern, family, fmt in LAYOUTS:
            hit = written & ~matched & text.str.match(pattern).fillna(False).astype(bool)
            if not hit.any():
                continue
            matched |= hit
            first = int(np.flatnonzero(hit)[0])
            self.layouts.setdefault(family, (name, first, str(text.iloc[first])))
            parsed = pd.to_datetime(text[hit].astype(object), format=fmt, errors="coerce")
            out[hit] = parsed.dt.normalize()
            invalid = np.zeros(len(values), dtype=bool)
            invalid[hit.to_numpy(dtype=bool)] = parsed.isna().to_numpy(dtype=bool)
            p.error(invalid, lambda i: f"{p.col(name)} {text.iloc[i]!r} is not a valid date")
        rest = (written & ~matched).to_numpy()
        ambiguous = rest & text.str.match(AMBIGUOUS).fillna(False).astype(bool).to_numpy()
        p.error(
            ambiguous,
            lambda i: (
                f"{p.col(name)} {text.iloc[i]!r} is ambiguous (day/month or month/day?): "
                "pass date_format, e.g. '%d/%m/%Y'"
            ),
        )
        p.error(
            rest & ~ambiguous,
            lambda i: (
                f"{p.col(name)} {text.iloc[i]!r} is not a date "
                "(expected e.g. 2021-03-14 or 14MAR2021, or pass date_format)"
            ),
        )
        return out

    def check_mixed(self) -> None:
        """One table, one written layout: each further layout met is one error."""
        if len(self.layouts) < 2:
            return
        p = self.problems
        (fam1, (col1, row1, val1)), *rest = self.layouts.items()
        for fam, (col, row, val) in rest:
            p.error_at(
                row,
                f"{p.col(col)} {val!r} is written as {fam} but {p.col(col1)} {val1!r} of "
                f"patient {p.ids.iloc[row1]!r} is written as {fam1}: "
                "mixed date formats in one table",
            )
