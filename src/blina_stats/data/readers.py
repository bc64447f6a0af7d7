"""Read an event table from CSV, Parquet, Excel, SAS or a DataFrame, renaming a site's columns.

Readers only read: they neither parse dates nor check values (that is
:mod:`blina_stats.data.schema`), and CSV cells of schema columns are kept as
text so that nothing is guessed before validation (``007`` stays ``007``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError
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

    Returns
    -------
    RawTable

    Raises
    ------
    InputError
        A file that is not a table (unknown suffix or unreadable content), or a
        mapping that names a missing column or maps two columns to one name.
    FileNotFoundError
        The file does not exist.
    """
    mapping = dict(columns or {})
    if isinstance(path_or_frame, pd.DataFrame):
        source, frame, sas = "<DataFrame>", path_or_frame.copy(), False
        frame.columns = [str(c) for c in frame.columns]
    else:
        path = Path(path_or_frame)
        source = path.name
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file")
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:
            raise InputError(
                f"{source}: not a table file: expected one of {', '.join(sorted(SUFFIXES))}"
            )
        text_columns = set(SCHEMA_COLUMNS) | {k for k, v in mapping.items() if v in SCHEMA_COLUMNS}
        id_columns = {"patient_id"} | {k for k, v in mapping.items() if v == "patient_id"}
        frame = _read(path, kind, text_columns, id_columns, sheet_name, encoding)
        sas = kind == "sas"
    _check_table(frame, source)
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
    frame.columns = renamed
    names = {v: k for k, v in mapping.items() if k != v}
    return RawTable(frame.reset_index(drop=True), source, names, sas)


def _read(
    path: Path,
    kind: str,
    text_columns: set[str],
    id_columns: set[str],
    sheet_name: str | int,
    encoding: str,
) -> pd.DataFrame:
    """Read one file; any failure of the underlying library becomes one InputError line."""
    try:
        if kind == "csv":
            sep = "\t" if path.suffix.lower() == ".tsv" else ","
            return pd.read_csv(
                path,
                sep=sep,
                dtype=dict.fromkeys(text_columns, str),
                keep_default_na=False,
                na_values=NA_VALUES,
                encoding=encoding,
            )
        if kind == "parquet":
            return pd.read_parquet(path)
        if kind == "excel":
            # identifiers as text (007 stays 007); dates and numbers stay native
            ids = dict.fromkeys(id_columns, str)
            return pd.read_excel(path, sheet_name=sheet_name, dtype=ids)
        return _read_sas(path, encoding)
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


def _check_table(frame: pd.DataFrame, source: str) -> None:
    """A table with no columns is not a table (an empty file, a blank sheet)."""
    if frame.shape[1] == 0:
        raise InputError(f"{source}: not a table: no columns found")
