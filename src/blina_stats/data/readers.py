"""Read an event table from CSV, Parquet, Excel, SAS or a DataFrame, renaming a site's columns.

Readers only read: they neither parse dates nor check values (that is
:mod:`blina_stats.data.schema`).  Nothing is lost or guessed on the way:

* CSV/TSV cells are read as text and every line must have as many cells as
  the header (:mod:`blina_stats.data._csv`); a column other than the schema's
  becomes numbers only when every non-empty cell is a plain number (``44``,
  ``-3``, ``0.11``): ``007``, ``010`` and ``1E5`` stay the text they were.
  ``column_types={"code": "text"}`` or ``{"dose": "number"}`` says otherwise.
* A column name given twice is an error in every format (pandas would rename
  the second to ``name.1``), and so is a name with a leading or trailing space
  (``"death_date "`` would silently become a covariate).
* A column without a name (a blank header cell, which pandas calls
  ``Unnamed: 0``) is an error when it holds a value (a table saved with its
  row index); when every cell is empty too (a separator at the end of every
  line) it holds nothing and is left out.
* Rows with every cell empty at the end of a file (``,,,,`` lines a
  spreadsheet writes) are left out, as blank lines are; such a row between
  rows that are not is an error naming it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, MissingFileError
from ._cells import MAX_SHOWN, SchemaError, show
from ._cells import blank as blank_cells
from ._csv import COLUMN_TYPES, apply_types, read_csv
from .schema import SCHEMA_COLUMNS

#: file suffix -> reader name
SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".sas7bdat": "sas",
    ".xpt": "sas",
}
#: cells read as missing in text files (R writes NA, SAS writes .)
NA_VALUES = ["", "NA", "N/A", "NaN", "nan", "."]


@dataclass(frozen=True)
class RawTable:
    """A table as read, with schema column names, and where it came from.

    Attributes
    ----------
    frame : DataFrame
        The cells as read, columns renamed by the mapping.
    source : str
        The file name, or ``"<DataFrame>"``.
    names : dict
        Schema column -> the column's name in the source (only renamed ones).
    sas : bool
        Read from a SAS file (numbers in ``*_date`` columns are SAS dates).
    """

    frame: pd.DataFrame
    source: str
    names: dict[str, str]
    sas: bool


def read_table(
    path_or_frame: str | Path | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    sheet_name: str | int = 0,
    encoding: str = "utf-8",
    column_types: Mapping[str, str] | None = None,
    argument: str = "path_or_frame",
    table: str = "table",
) -> RawTable:
    """Read an event table and rename its columns to the schema's.

    Parameters
    ----------
    path_or_frame : str, Path or DataFrame
        A ``.csv``/``.tsv``/``.txt``, ``.parquet``, ``.xlsx``/``.xls``,
        ``.sas7bdat`` or ``.xpt`` file, or a DataFrame (copied, never modified).
    columns : mapping, optional
        The source's column name -> the schema's, e.g. ``{"PTID": "patient_id"}``.
    sheet_name : str or int
        Excel sheet.
    encoding : str
        Text encoding of CSV and SAS files.
    column_types : mapping, optional
        Column -> ``"text"`` (kept as written) or ``"number"``, overriding the
        rule for CSV columns (numbers only when every cell is a plain number);
        for other formats, ``"text"`` turns the values into their text.
    argument, table : str
        The caller's name of `path_or_frame` and what the table is (``"ae"``,
        ``"adverse-event table"``), named by the message when it is no file:
        None, an empty name, a folder, a file that does not exist.

    Returns
    -------
    RawTable

    Raises
    ------
    InputError
        A file that is not a table (unknown suffix or unreadable content), a
        mapping that names a missing column or maps two columns to one name, a
        column name given twice or with a leading or trailing space, a CSV
        line with more or fewer cells than the header, a NUL byte in a CSV
        cell, or a ``"number"`` column holding text; `path_or_frame` None, not
        a path, an empty name or a folder.
    MissingFileError
        The file does not exist (an InputError and a FileNotFoundError).
    """
    mapping = dict(columns or {})
    types = dict(column_types or {})
    odd = {k: v for k, v in types.items() if v not in COLUMN_TYPES}
    if odd:
        raise InputError(f"column_types: {odd} ({' or '.join(map(repr, COLUMN_TYPES))} expected)")
    text_read = pandas_named = False
    id_columns = {"patient_id"} | {k for k, v in mapping.items() if v == "patient_id"}
    if isinstance(path_or_frame, pd.DataFrame):
        source, frame, sas = "<DataFrame>", path_or_frame.copy(), False
        frame.columns = [str(c) for c in frame.columns]
    else:
        path = table_path(path_or_frame, argument, table)
        source = path.name
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:
            raise InputError(
                f"{source}: not a table file: expected one of {', '.join(sorted(SUFFIXES))}"
            )
        dates = {c for c in SCHEMA_COLUMNS if c.endswith("_date") and c not in mapping.values()}
        dates |= {k for k, v in mapping.items() if v in SCHEMA_COLUMNS and v.endswith("_date")}
        frame = _read(path, kind, id_columns, dates, sheet_name, encoding)
        sas, text_read = kind == "sas", kind == "csv"
        pandas_named = kind in ("csv", "excel")
    frame = _unnamed(frame, source, id_columns, pandas_named=pandas_named)
    if not isinstance(path_or_frame, pd.DataFrame):
        frame = _empty_rows(frame, source)
    _check_table(frame, source)
    _check_repeated([str(c) for c in frame.columns], source)
    absent = [k for k in mapping if k not in frame.columns]
    if absent:
        raise InputError(
            f"{source}: the column mapping names column(s) {absent} that the table lacks "
            f"(it has {list(frame.columns)})"
        )
    renamed = [mapping.get(c, c) for c in frame.columns]
    clash = sorted({c for c in renamed if renamed.count(c) > 1})
    if clash:
        raise InputError(
            f"{source}: after the column mapping, column(s) {clash} appear more than once"
        )
    _check_spaces(renamed, source)
    frame.columns = renamed
    names = {v: k for k, v in mapping.items() if k != v}
    types = {mapping.get(k, k): v for k, v in types.items()}
    absent = sorted(set(types) - set(renamed))
    if absent:
        raise InputError(f"{source}: column_types names column(s) {absent} that the table lacks")
    skip = set(SCHEMA_COLUMNS) - set(types)
    frame = apply_types(frame, skip, types, source, infer=text_read)
    frame.index = pd.RangeIndex(len(frame))  # our own copy: no need to copy it again
    return RawTable(frame, source, names, sas)


def table_path(value: object, argument: str, table: str = "table") -> Path:
    """`value` as the path of an existing file; one InputError line naming `argument` if not.

    ``Path("")`` is the current folder, and ``Path(None)`` a TypeError from
    pathlib: both are said here, with what the argument should have been.
    """
    label = f"the {table} ({argument})"
    if value is None:
        raise InputError(f"{label} is None: give the file's path or a DataFrame")
    if not isinstance(value, str | os.PathLike):
        raise InputError(
            f"{label}: {value!r} ({type(value).__name__}) is not a file's path or a DataFrame"
        )
    if not str(os.fspath(value)).strip():
        raise InputError(f"{label}: the file name is empty ({os.fspath(value)!r})")
    path = Path(value)
    if path.is_dir():
        here = " (the current folder: an empty file name?)" if path == Path() else ""
        raise InputError(f"{label}: {path} is a folder{here}, not a table file")
    if not path.exists():
        raise MissingFileError(f"{label}: {path}: no such file")
    return path


def _read(
    path: Path,
    kind: str,
    id_columns: set[str],
    date_columns: set[str],
    sheet_name: str | int,
    encoding: str,
) -> pd.DataFrame:
    """Read one file; any failure of the underlying library becomes one InputError line."""
    try:
        if kind == "csv":
            sep = "\t" if path.suffix.lower() == ".tsv" else ","
            data = path.read_bytes()
            return read_csv(
                path.name,
                data,
                sep=sep,
                encoding=encoding,
                id_names=id_columns,
                na_values=NA_VALUES,
                date_names=date_columns,
            )
        if kind == "parquet":
            _check_repeated(_parquet_names(path), path.name)
            return pd.read_parquet(path)
        if kind == "excel":
            # identifiers as text (007 stays 007); dates and numbers stay native
            ids = dict.fromkeys(id_columns, str)
            frame = pd.read_excel(path, sheet_name=sheet_name, dtype=ids)
            if any(_mangled(str(c), frame.columns) for c in frame.columns):
                head = pd.read_excel(path, sheet_name=sheet_name, header=None, nrows=1)
                _check_repeated([str(c) for c in head.iloc[0] if pd.notna(c)], path.name)
            return frame
        return _read_sas(path, encoding)
    except SchemaError:
        raise
    except Exception as exc:  # each library has its own: parser, zip, pyarrow, SAS header errors
        kind_name = {"csv": "CSV", "parquet": "Parquet", "excel": "Excel", "sas": "SAS"}[kind]
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path.name}: could not be read as {kind_name}: {detail}") from None


def _read_sas(path: Path, encoding: str) -> pd.DataFrame:
    """SAS files through pyreadstat when installed (formats give dates; XPORT v5 and v8).

    pandas' reader is the fallback; it reads XPORT v5 only and leaves dates as numbers.
    """
    try:
        import pyreadstat
    except ImportError:  # pragma: no cover - pyreadstat is in the io and test extras
        sas = pd.read_sas(path, encoding=encoding)
        return sas if isinstance(sas, pd.DataFrame) else sas.read()
    reader = pyreadstat.read_xport if path.suffix.lower() == ".xpt" else pyreadstat.read_sas7bdat
    frame, _ = reader(str(path), encoding=encoding)
    return frame


def _parquet_names(path: Path) -> list[str]:
    """The column names a Parquet file declares (pandas cannot read a repeated one)."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    return [str(n) for n in pq.read_schema(path).names if n != "__index_level_0__"]


def _mangled(name: str, columns: pd.Index) -> bool:
    """``death_date.1`` beside ``death_date``: how pandas renames a repeated header."""
    base, dot, number = name.rpartition(".")
    return bool(dot) and number.isdigit() and base in columns


def _check_repeated(names: list[str], source: str) -> None:
    """Each column once."""
    repeated = sorted({c for c in names if names.count(c) > 1})
    if repeated:
        raise SchemaError([f"{source}: column(s) {repeated} appear more than once"])


def _check_spaces(names: list[str], source: str) -> None:
    """No name with a space at either end (``"death_date "`` is not ``death_date``)."""
    for c in names:
        if c != c.strip():
            raise SchemaError(
                [
                    f"{source}: column {c!r} has a space at the start or end of its name: "
                    f"rename it, or map it with columns={{{c!r}: {c.strip()!r}}}"
                ]
            )


#: how far down a header under a title is looked for
_TITLE_ROWS = 20
#: pandas' name of a blank header cell (CSV, Excel): ``Unnamed: <position>``
_UNNAMED = re.compile(r"Unnamed: (\d+)")


def _unnamed(
    frame: pd.DataFrame, source: str, id_columns: set[str], *, pandas_named: bool
) -> pd.DataFrame:
    """Columns without a name: left out when empty, an error naming a value otherwise.

    A blank name is one of spaces, or (`pandas_named`: read from a file by
    pandas) ``Unnamed: k`` at position ``k``.
    """
    names = [str(c) for c in frame.columns]

    def blank(k: int, name: str) -> bool:
        if not name.strip():
            return True
        m = _UNNAMED.fullmatch(name) if pandas_named else None
        return m is not None and int(m.group(1)) == k

    positions = [k for k, name in enumerate(names) if blank(k, name)]
    if not positions:
        return frame
    id_at = next((k for k, name in enumerate(names) if name in id_columns), None)
    if id_at is None:  # a title above the header (a spreadsheet's first rows)
        cells = frame.head(_TITLE_ROWS).astype(str)
        head = cells.isin(id_columns).any(axis=1).to_numpy()
        if head.any():
            row = int(np.argmax(head))
            found = next(c for c in cells.iloc[row] if c in id_columns)
            raise SchemaError(
                [
                    f"{source}: the header is below the first line (data row {row + 1} holds "
                    f"{found!r}): delete the lines above it"
                ]
            )
    for k in positions:
        values = frame.iloc[:, k]
        filled = ~blank_cells(values).to_numpy()
        if filled.any():
            row = int(np.argmax(filled))
            patient = "" if id_at is None else f", patient {frame.iloc[row, id_at]!r}"
            raise SchemaError(
                [
                    f"{source}: column {k + 1} has no name in the header but holds values "
                    f"(data row {row + 1}{patient}: {show(values.iloc[row])}): name it, or "
                    "delete it (a table saved with its row index?)"
                ]
            )
    return frame.drop(columns=frame.columns[positions])


def _empty_rows(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Rows with every cell empty: left out at the end of a file (a spreadsheet's ``,,,,``
    lines, like the blank lines skipped), an error naming them elsewhere."""
    if frame.shape[1] == 0 or frame.shape[0] == 0:
        return frame
    n = tail = len(frame)
    while tail > 0 and _blank_frame(frame.iloc[tail - 1 : tail]).to_numpy().all():
        tail -= 1  # the rows at the end, one by one: a few at most
    # inside: only rows whose first cell is missing can be empty (one cheap column)
    candidates = np.flatnonzero(frame.iloc[:tail, 0].isna().to_numpy())
    inside = candidates[_blank_frame(frame.iloc[candidates]).all(axis=1).to_numpy()]
    if inside.size:
        shown = ", ".join(str(r + 1) for r in inside[:MAX_SHOWN])
        more = f" and {inside.size - MAX_SHOWN} more" if inside.size > MAX_SHOWN else ""
        raise SchemaError(
            [
                f"{source}: data row(s) {shown}{more} are empty (every cell empty) between "
                "rows that are not: delete them, or fill them in"
            ]
        )
    return frame if tail == n else frame.iloc[:tail].copy()


def _blank_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Empty cells of a frame: missing, or only spaces."""
    return frame.isna() | frame.astype(str).apply(lambda c: c.str.strip().eq(""))


def _check_table(frame: pd.DataFrame, source: str) -> None:
    """A table with no columns is not a table (an empty file, a blank sheet)."""
    if frame.shape[1] == 0:
        raise InputError(f"{source}: not a table: no columns found")
