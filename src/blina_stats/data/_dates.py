"""The one date rule of every input table: which written dates are read, and how.

Dates are ISO 8601 (``2021-03-14``; a time of day is ignored), SAS ``DATE9``
(``14MAR2021``), ``14-Mar-2021`` or ``2021/03/14``, or native dates (Excel,
Parquet, SAS).  ``03/04/2021`` is ambiguous and needs ``date_format=``; with
``date_format`` every written date must match it.  Numbers are SAS dates
(days since 1960-01-01) only with ``sas_dates=True``.  One table must use one
written layout: :meth:`Dates.check_mixed` reports a table that mixes them.

Time zones: a date is the calendar date as written, in its own zone.
``2022-01-08T10:00:00+05:00`` (or ``...Z``, ``...+0530``) is 8 January 2022,
whatever the offset, and one column may mix offsets; a time-zone-aware native
column (Parquet, a DataFrame, ``Timestamp`` objects, even in several zones)
gives each value's local calendar date.  Dates are never converted to UTC:
that would move an event recorded early in the morning east of Greenwich to
the day before, a day the site never wrote.

Speed: the rule is applied once to each distinct cell of a text column (a
date column of a million rows holds a few thousand distinct dates); only the
messages, one per row in row order, and the first row of each layout (for
:meth:`Dates.check_mixed`) are worked out row by row, with integer arrays.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._cells import Problems, show

#: SAS counts days from 1960-01-01
SAS_EPOCH = pd.Timestamp("1960-01-01")
#: a UTC offset after a time of day (ignored: the date is read as written)
ZONE = r"(Z|[+-](0\d|1[0-4])(:?[0-5]\d)?)"
#: written date layouts recognised without `date_format`: regex, family, strptime format
LAYOUTS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"), "ISO 8601 (2021-03-14)", "%Y-%m-%d"),
    (
        re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?" + ZONE + "?$"),
        "ISO 8601 (2021-03-14)",
        "ISO8601",
    ),
    (re.compile(r"^\d{1,2}[A-Za-z]{3}\d{4}$"), "SAS DATE9 (14MAR2021)", "%d%b%Y"),
    (re.compile(r"^\d{1,2}-[A-Za-z]{3}-\d{4}$"), "14-Mar-2021", "%d-%b-%Y"),
    (re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$"), "2021/03/14", "%Y/%m/%d"),
)
AMBIGUOUS = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")
_OFFSET = re.compile(ZONE + "$")
#: what pandas.api.types.infer_dtype calls a column holding no native date
_TEXT_ONLY = frozenset({"string", "empty"})


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


def as_days(when: Any) -> np.ndarray:
    """Dates as ``datetime64[D]``; native datetimes are not passed through nanoseconds."""
    arr = np.asarray(when)
    if arr.dtype.kind != "M":
        arr = np.asarray(when, dtype="datetime64[ns]")
    return arr.astype("datetime64[D]")


def days_between(when: Any, day0: Any) -> np.ndarray:
    """Whole days from `day0` to `when` (dates at midnight) as floats, NaN where either is NaT.

    Counted in days, not nanoseconds: the nanosecond difference of two dates
    more than 292 years apart overflows (pandas raised OverflowError).  A
    ``datetime64`` of days (a cut-off after 2262, beyond nanoseconds) is used
    as it is; either argument may be one date.
    """
    delta = as_days(when) - as_days(day0)
    out = np.full(delta.shape, np.nan)
    known = ~np.isnat(delta)
    out[known] = delta[known].astype(np.int64)
    return out


#: the first and last whole days pandas holds in nanoseconds, which the date columns are
FIRST_DAY = (pd.Timestamp.min + pd.Timedelta(days=1)).date().isoformat()
LAST_DAY = pd.Timestamp.max.date().isoformat()
_OUTSIDE = f"is outside {FIRST_DAY} to {LAST_DAY}, the dates read (a typo in the year?)"


def _calendar(text: str, fmt: str) -> bool:
    """A real calendar date (one pandas could not hold: 1600, 2300), not a 30 February.

    ASCII only: strptime reads other digits (Arabic-Indic), which pandas does not.
    """
    if not text.isascii():
        return False
    try:
        if fmt == "ISO8601":
            dt.datetime.fromisoformat(text)
        else:
            dt.datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def _is_native(value: Any) -> bool:
    return isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "year")


def _wall_time(value: Any) -> Any:
    """A native date or time without its zone: the local date and time as recorded."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # a Timestamp is a datetime: the same for both
    return value


def _text_categories(values: pd.Series) -> bool:
    """A categorical column of text (as the CSV reader gives date columns)."""
    return isinstance(values.dtype, pd.CategoricalDtype) and (
        pd.api.types.infer_dtype(values.cat.categories, skipna=True) in _TEXT_ONLY
    )


def distinct_cells(values: pd.Series) -> tuple[npt.NDArray[np.intp], pd.Series]:
    """Each cell's code (-1: missing) and the cells the codes point to, as read.

    A column of text is reduced to its distinct cells (``values[i]`` is
    ``cells[codes[i]]``), so that a rule of the cell alone runs once per
    distinct cell; any other column keeps every cell (``1``, ``1.0`` and
    ``True`` are one key to a hash table, but three cells to the user).
    """
    values = values.reset_index(drop=True)
    if _text_categories(values):
        # the CSV reader's date columns: distinct already (and checked for NUL bytes)
        codes: npt.NDArray[np.intp] = np.asarray(values.cat.codes, dtype=np.intp)
        return codes, pd.Series(values.cat.categories.to_numpy(dtype=object), dtype=object)
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if pd.api.types.infer_dtype(values, skipna=True) in _TEXT_ONLY:
        codes, uniques = pd.factorize(values)
        distinct = np.asarray(uniques, dtype=object)
        cells = values.to_numpy(dtype=object)
        known = codes >= 0
        # pandas' string hash table reads a cell only up to a NUL: check every cell
        if (distinct[codes[known]] == cells[known]).all():
            return codes, pd.Series(distinct, dtype=object)
    missing = values.isna().to_numpy(dtype=bool)
    return np.where(missing, -1, np.arange(len(values))), values.astype(object)


def _to_dates(text: pd.Series, fmt: str) -> np.ndarray:
    """Text read with `fmt` at midnight of the date as written (NaT: does not match)."""
    if fmt == "ISO8601":
        text = text.str.replace(_OFFSET, "", regex=True)
    if "%z" in fmt or "%Z" in fmt:  # one zone per cell: read each on its own, keep its date
        # (a one-cell Series: the scalar parser reads a cell only up to a NUL)
        one = [pd.to_datetime(pd.Series([v]), format=fmt, errors="coerce") for v in text]
        own = [_wall_time(v.iloc[0]) for v in one]
        parsed = pd.to_datetime(pd.Series(own, dtype=object), errors="coerce")
    else:
        parsed = pd.to_datetime(text.astype(object), format=fmt, errors="coerce")
    return parsed.dt.normalize().to_numpy(dtype="datetime64[ns]")


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
            # a zone-aware column: each value's own calendar date (the module docstring)
            local = pd.Series(pd.to_datetime(values).dt.tz_localize(None).dt.normalize())
            return local if local.dtype == "datetime64[ns]" else self._units(local, name)
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
        out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values if _text_categories(values) else values.astype(object)
        if not _text_categories(values) and (
            pd.api.types.infer_dtype(values, skipna=True) not in _TEXT_ONLY
        ):
            native = values.map(_is_native).to_numpy(dtype=bool)
            if native.any():
                self._natives(values, native, out, name)
                values = values.where(~native)
        self._written(values, out, name)
        return pd.Series(out, index=values.index)

    def _units(self, values: pd.Series, name: str) -> pd.Series:
        """A date column in seconds or days (pandas 2 keeps them) in nanoseconds, as every
        other date; one pandas cannot hold there is the error of the written date."""
        p = self.problems
        days = values.to_numpy().astype("datetime64[D]")
        known = ~np.isnat(days)
        outside = known & ((days < np.datetime64(FIRST_DAY)) | (days > np.datetime64(LAST_DAY)))
        p.error(outside, lambda i: f"{p.col(name)} {days[i]} {_OUTSIDE}")
        days[outside] = np.datetime64("NaT")
        return pd.Series(days.astype("datetime64[ns]"))

    def _natives(self, values: pd.Series, native: np.ndarray, out: np.ndarray, name: str) -> None:
        """Native dates (of an object column) at midnight of their own calendar date."""
        p = self.problems
        cells = values[native]
        own = pd.Series([_wall_time(v) for v in cells], dtype=object)
        when = pd.to_datetime(own, errors="coerce").dt.normalize()
        out[native] = when.to_numpy(dtype="datetime64[ns]")
        bad = np.zeros(len(values), dtype=bool)
        bad[native] = when.isna().to_numpy() & cells.notna().to_numpy()
        # a native date is a calendar date: one pandas cannot hold is out of its range
        p.error(bad, lambda i: f"{p.col(name)} {values.iloc[i]!s} {_OUTSIDE}")

    def _written(self, values: pd.Series, out: np.ndarray, name: str) -> None:
        """Written dates by the cell-by-cell rule, applied once to each distinct cell.

        Every outcome is a function of the cell alone; only the messages (one
        per row, in row order) and the first row of each layout need the rows.
        """
        p = self.problems
        codes, cells = distinct_cells(values)
        text = cells.astype("string").str.strip()
        # one slot past the distinct cells: code -1 (missing) reads it
        written = np.append((text.notna() & text.ne("")).to_numpy(dtype=bool), False)
        when = np.full(len(text) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")
        shown = text.to_numpy(dtype=object, na_value="")

        def message(cells: np.ndarray, what: str) -> None:
            """One error per row whose distinct cell is in `cells` (a mask of them)."""
            if cells.any():
                p.error(cells[codes], lambda i: f"{p.col(name)} {shown[codes[i]]!r} {what}")

        if self.date_format is not None:
            fmt = self.date_format
            keep = np.flatnonzero(written[:-1])
            when[keep] = _to_dates(text.iloc[keep], fmt)
            np.copyto(out, when[codes], where=written[codes])
            message(written & np.isnat(when), f"does not match date_format {fmt!r}")
            return
        layout = np.full(len(text) + 1, -1, dtype=np.int8)
        for k, (pattern, _, _) in enumerate(LAYOUTS):
            hit = text.str.match(pattern).to_numpy(dtype=bool, na_value=False)
            layout[:-1][written[:-1] & (layout[:-1] < 0) & hit] = k
        # per distinct cell first, then one pass over the rows for each outcome that occurs
        row_layout = layout[codes]
        for k, (_, family, fmt) in enumerate(LAYOUTS):
            mine = np.flatnonzero(layout == k)
            if not mine.size:
                continue
            when[mine] = _to_dates(text.iloc[mine], fmt)
            first = int(np.argmax(row_layout == k))
            self.layouts.setdefault(family, (name, first, str(shown[codes[first]])))
        np.copyto(out, when[codes], where=codes >= 0)  # NaT where no layout read the cell
        invalid = np.isnat(when)
        for k, (_, _, fmt) in enumerate(LAYOUTS):
            bad = (layout == k) & invalid
            if not bad.any():
                continue
            far = np.zeros_like(bad)
            far[np.flatnonzero(bad)] = [_calendar(str(shown[i]), fmt) for i in np.flatnonzero(bad)]
            message(bad & ~far, "is not a valid date")
            message(far, _OUTSIDE)
        rest = written & (layout < 0)
        ambiguous = np.append(text.str.match(AMBIGUOUS).to_numpy(dtype=bool, na_value=False), False)
        message(
            rest & ambiguous,
            "is ambiguous (day/month or month/day?): pass date_format, e.g. '%d/%m/%Y'",
        )
        message(
            rest & ~ambiguous,
            "is not a date (expected e.g. 2021-03-14 or 14MAR2021, or pass date_format)",
        )

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
