"""The validation toolkit every input table shares: the problem collector and the cell parsers.

The event table, the GVHD fields, adverse events, dosing, the screening log
and the daily labs are all checked with these, so a bad cell reads the same
in every table.  A :class:`Problems` collects every problem of one table;
:meth:`Problems.raise_if_any` then raises one :class:`SchemaError` showing
the first, with the count of the rest.  Dates follow one rule, in
:mod:`blina_stats.data._dates`.

The module is private to :mod:`blina_stats.data`; its names carry no leading
underscore because the other subpackages' readers use them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings as py_warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from . import _fast

#: at most this many data rows are listed in one message
MAX_SHOWN = 3
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "1.0"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "0.0"})


@dataclass(frozen=True)
class ValidationWarning:
    """A problem in the table that keeps the row: where it is and what it means."""

    source: str
    patient: str | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.source]
        if self.patient is not None:
            where.append(f"patient {self.patient!r}")
        return ": ".join([*where, self.message])


class SchemaError(InputError):
    """An input table breaks its schema; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        more = len(problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(problems[0] + suffix)


def show(value: Any) -> str:
    """A cell as the user would write it: NumPy scalars shown as plain Python values."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def blank(values: pd.Series) -> pd.Series:
    """Empty cells: missing, or only spaces."""
    return values.isna() | values.astype(str).str.strip().eq("")


def lookalikes(columns: Iterable[object], expected: Iterable[str]) -> dict[str, str]:
    """Expected columns absent from `columns` but there in another case (or padded): ours -> theirs.

    ``Related`` for ``related``: a name the user meant but did not map, which
    would otherwise be read as absent.
    """
    present = [str(c) for c in columns]
    out: dict[str, str] = {}
    for ours in expected:
        if ours in present:
            continue
        near = [c for c in present if c.strip().casefold() == ours.casefold()]
        if near:
            out[ours] = near[0]
    return out


def lookalike_text(ours: str, theirs: str) -> str:
    """The one wording of :func:`lookalikes`, for an error or a warning."""
    return f"column {theirs!r} looks like {ours!r}: map it with columns={{{theirs!r}: {ours!r}}}"


class Problems:
    """Every problem of one table, with messages that point where the user will look.

    Parameters
    ----------
    source : str
        The file name (or ``"<DataFrame>"``) that every message starts with.
    ids : Series
        Patient id of each data row (text, index 0..n-1).
    names : mapping, optional
        Our column name -> the user's own, so that messages use theirs.
    where : callable, optional
        ``where(i)`` names data row `i` in a message; default
        ``"patient 'P01'"``.  Long tables use :func:`data_rows`.

    Attributes
    ----------
    errors : list of str
        One line per error, each ``"{source}: {where(i)}: {text}"``.
    warnings : list of ValidationWarning
    """

    def __init__(
        self,
        source: str,
        ids: pd.Series,
        names: Mapping[str, str] | None = None,
        *,
        where: Callable[[int], str] | None = None,
    ) -> None:
        self.source = source
        self.ids = ids
        self.names = dict(names or {})
        self.where = where if where is not None else (lambda i: f"patient {ids.iloc[i]!r}")
        self.errors: list[str] = []
        self.warnings: list[ValidationWarning] = []

    def col(self, column: str) -> str:
        """A column as the user knows it: ``'AETOXGR' (grade)`` when renamed."""
        own = self.names.get(column, column)
        return column if own == column else f"{own!r} ({column})"

    def error_at(self, i: int, message: str) -> None:
        """Record one error about data row `i`."""
        self.errors.append(f"{self.source}: {self.where(i)}: {message}")

    def error(self, rows: Any, text: Callable[..., str]) -> None:
        """Record one error per offending row; `text(i)` writes the message for row i."""
        for i in np.flatnonzero(np.asarray(rows, dtype=bool)):
            self.error_at(int(i), text(int(i)))

    def table_error(self, message: str) -> None:
        """Record an error about the whole table (no row)."""
        self.errors.append(f"{self.source}: {message}")

    def warn(self, rows: Any, column: str | None, text: Callable[..., str]) -> None:
        """Record one warning per row (the row is kept)."""
        for i in np.flatnonzero(np.asarray(rows, dtype=bool)):
            self.warnings.append(
                ValidationWarning(self.source, str(self.ids.iloc[i]), column, text(int(i)))
            )

    def raise_if_any(self) -> None:
        """Raise one SchemaError listing every error recorded so far."""
        if self.errors:
            raise SchemaError(self.errors)


def data_rows(ids: pd.Series, rows: Any = None) -> Callable[[int], str]:
    """Messages of a long table: ``"data row 3, patient 'P1'"`` (rows count from 1).

    `rows` gives each row's number in the source when the table was re-sorted.
    """
    numbers = np.arange(1, len(ids) + 1) if rows is None else np.asarray(rows)
    return lambda i: f"data row {numbers[i]}, patient {ids.iloc[i]!r}"


#: dashes that look like '-' (NFKC leaves these apart from it)
_HYPHENS = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
#: control characters (C0, DEL, C1): never part of an identifier as written
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def patient_ids(
    column: pd.Series,
    source: str,
    *,
    unique: bool = True,
    warnings: list[ValidationWarning] | None = None,
) -> pd.Series:
    """Patient identifiers as text; empty ones (and, when `unique`, repeated ones) are errors.

    Whole-number floats (``7.0``, as Excel or Parquet may store ``7``) become
    ``"7"``.  An id holding a control character (a NUL byte, a tab...) is an
    error.  Ids that differ only in case, by a look-alike dash (``BLN‐001``
    with U+2010 for ``BLN-001``) or by Unicode NFKC normalisation are kept as
    two patients, with a warning naming both; the warnings go to `warnings`
    (a Python ``UserWarning`` when no list is given, so they are never silent).

    Raises
    ------
    SchemaError
        Naming the data rows of empty ids, each repeated id, or each id with a
        control character.
    """
    values = column.reset_index(drop=True)
    plain = _fast.plain_ids(values) if unique else None
    if plain is not None:  # ASCII text, no space, control character, empty or repeated id
        ids, joined = plain
        distinct = ids.to_numpy(dtype=object)
    else:
        ids, joined, distinct = _careful_ids(values, source, unique=unique)
    one_case = joined.isascii() and joined in (joined.upper(), joined.lower())
    # ASCII ids written in one case cannot differ only in case: nothing to compare
    pairs = [] if one_case else _similar(distinct, ascii_only=joined.isascii())
    found = [ValidationWarning(source, a, "patient_id", _lookalike(a, b)) for a, b in pairs]
    if warnings is not None:
        warnings.extend(found)
    for w in found if warnings is None else ():
        py_warnings.warn(str(w), UserWarning, stacklevel=2)
    return ids


def _careful_ids(
    values: pd.Series, source: str, *, unique: bool
) -> tuple[pd.Series, str, np.ndarray]:
    """:func:`patient_ids`'s checks cell by cell: the ids, their text joined, the distinct ones."""
    known = values.dropna()
    if (
        pd.api.types.is_float_dtype(values)
        and (np.isfinite(known) & (known == known.round())).all()
    ):
        values = values.astype("Int64")
    ids = values.astype(str).str.strip()
    empty = values.isna().to_numpy(dtype=bool) | ids.eq("").to_numpy(dtype=bool)
    if empty.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(empty)[:MAX_SHOWN])
        raise SchemaError([f"{source}: patient_id is empty in data row(s) {rows}"])
    # every cell, not the distinct ones: a hash table reads a string only up to a NUL
    joined = "".join(ids.to_numpy(dtype=object))
    if _CONTROL.search(joined):
        control = pd.unique(ids[ids.str.contains(_CONTROL)])
        raise SchemaError(
            [f"{source}: patient {p!r}: patient_id holds a control character" for p in control]
        )
    distinct = np.asarray(pd.unique(ids), dtype=object)
    if unique and distinct.size < ids.size:
        dup = ids[ids.duplicated()].unique()
        raise SchemaError(
            [f"{source}: patient {p!r}: patient_id appears more than once" for p in dup]
        )
    return ids, joined, distinct


def _lookalike(a: str, b: str) -> str:
    return (
        f"patient_id {_spelled(a)} and {_spelled(b)} differ only in case, a look-alike "
        "character or Unicode normalisation: counted as two patients"
    )


def _spelled(p: str) -> str:
    """An id with its non-ASCII characters named: ``'BLN‐001' (U+2010)``."""
    odd = sorted({f"U+{ord(c):04X}" for c in p if not c.isascii()})
    return repr(p) + (f" ({', '.join(odd)})" if odd else "")


def _similar(ids: np.ndarray, *, ascii_only: bool) -> list[tuple[str, str]]:
    """Pairs (first seen, other) of distinct ids with one key: NFKC, dashes as '-', case folded."""
    keys = pd.Series(ids, dtype=object).str.lower()
    odd = [] if ascii_only else [k for k, p in enumerate(ids) if not p.isascii()]
    for k in odd:
        keys.iloc[k] = unicodedata.normalize("NFKC", ids[k]).translate(_HYPHENS).casefold()
    if len(pd.unique(keys)) == len(keys):  # the common case: no two ids share a key
        return []
    shared = keys.duplicated(keep=False).to_numpy()
    first: dict[str, str] = {}
    pairs = []
    for key, p in zip(keys[shared], ids[shared], strict=True):
        if key in first:
            pairs.append((first[key], p))
        else:
            first[key] = p
    return pairs


#: object cells pandas would turn into numbers that are not numbers
_NOT_NUMBERS = (bool, np.bool_, dt.date, dt.timedelta, np.datetime64, np.timedelta64)
#: what `infer_dtype` says of a column that holds no such cell
_NUMBER_KINDS = frozenset({"string", "floating", "integer", "mixed-integer-float", "empty"})


def not_numbers(values: pd.Series) -> np.ndarray:
    """Booleans, dates and durations: pandas reads them as 0/1 or nanoseconds; they are not numbers.

    ``False`` in a ``relapse_day`` column would otherwise be a relapse on day 0.
    """
    kind = values.dtype
    types = pd.api.types
    native = types.is_datetime64_any_dtype(kind) or types.is_timedelta64_dtype(kind)
    if types.is_bool_dtype(kind) or native:
        return values.notna().to_numpy(dtype=bool)
    if not types.is_object_dtype(kind) or types.infer_dtype(values, skipna=True) in _NUMBER_KINDS:
        return np.zeros(len(values), dtype=bool)
    return values.map(lambda v: isinstance(v, _NOT_NUMBERS)).to_numpy(dtype=bool)


def numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Cells as floats (NaN: empty or not a number) and the mask of non-empty non-numbers.

    An infinite value counts as not a number (and stays infinite in the floats),
    and so do booleans, dates and durations (:func:`not_numbers`).
    """
    values = values.reset_index(drop=True)
    empty = blank(values)
    foreign = not_numbers(values)
    num = pd.to_numeric(values.where(~empty & ~foreign), errors="coerce").astype(np.float64)
    bad = (num.isna() & ~empty).to_numpy() | ~np.isfinite(num.fillna(0).to_numpy()) | foreign
    return num, bad


def parse_days(
    values: pd.Series, name: str, p: Problems, *, what: str = "a number of days"
) -> pd.Series:
    """Days as floats (NaN: empty); a cell that is not a finite number is an error."""
    values = values.reset_index(drop=True)
    num, bad = numbers(values)
    p.error(bad, lambda i: f"{p.col(name)} {show(values.iloc[i])} is not {what}")
    return num.where(~pd.Series(bad), np.nan)


def parse_bool(values: pd.Series, name: str, p: Problems, *, what: str = "yes or no") -> pd.Series:
    """yes/no, true/false, y/n, 1/0 (any case) as a nullable boolean; empty is missing."""
    values = values.reset_index(drop=True)
    text = values.astype("string").str.strip().str.lower()
    empty = blank(values).to_numpy(dtype=bool)
    yes = text.isin(TRUE_WORDS).fillna(False).to_numpy(dtype=bool)
    no = text.isin(FALSE_WORDS).fillna(False).to_numpy(dtype=bool)
    p.error(~empty & ~yes & ~no, lambda i: f"{p.col(name)} {show(values.iloc[i])} is not {what}")
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[yes] = True
    out[no] = False
    return out


def parse_number(
    values: pd.Series,
    name: str,
    p: Problems,
    *,
    low: float,
    high: float,
    step: float | None = None,
    what: str = "a number",
) -> pd.Series:
    """Numbers in [low, high] (multiples of `step`) as Float64; missing stays missing."""
    values = values.reset_index(drop=True)
    num, not_num = numbers(values)
    arr = num.to_numpy()
    finite = np.isfinite(arr)
    out_of_range = finite & ((arr < low) | (arr > high))
    if step is not None:
        out_of_range |= finite & (arr != np.round(arr / step) * step)
    p.error(not_num, lambda i: f"{p.col(name)} {show(values.iloc[i])} is not {what}")
    p.error(
        out_of_range & ~not_num, lambda i: f"{p.col(name)} {show(values.iloc[i])} is not {what}"
    )
    keep = finite & ~out_of_range
    return pd.Series(np.where(keep, arr, np.nan)).astype("Float64")  # NaN becomes NA


def parse_choice(
    values: pd.Series, name: str, p: Problems, choices: Mapping[str, str]
) -> pd.Series:
    """Text mapped through `choices` (lower-cased keys) as strings; empty is missing."""
    values = values.reset_index(drop=True)
    text = values.astype("string").str.strip().str.lower()
    empty = blank(values).to_numpy(dtype=bool)
    mapped = text.map(dict(choices))
    bad = ~empty & mapped.isna().to_numpy(dtype=bool)
    shown = ", ".join(sorted(set(choices.values())))
    p.error(bad, lambda i: f"{p.col(name)} {show(values.iloc[i])} is not one of {shown}")
    return mapped.where(~pd.Series(bad) & ~pd.Series(empty)).astype("string")


def parse_text(values: pd.Series, name: str, p: Problems) -> pd.Series:
    """Required text, stripped (object dtype); an empty cell is an error."""
    text = values.reset_index(drop=True).astype("string").str.strip()
    p.error((text.isna() | text.eq("")).to_numpy(dtype=bool), lambda i: f"{p.col(name)} is empty")
    return text.astype(object)
