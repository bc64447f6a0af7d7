"""Reading a CSV/TSV file without losing a cell: the header, the cells per line, the types.

pandas pads a short row with blanks, shifts a long first row into the index,
renames a repeated header to ``name.1`` and cuts a cell at a NUL byte, all
silently.  :func:`read_csv` checks the bytes first, vectorised over the whole
file (separators and line ends found with NumPy; quoted separators and line
ends skipped by the parity of the quotes before them), so a million rows cost
a few tens of milliseconds, and only the offending lines are parsed in Python.

Every cell is read as text; :func:`type_text` then gives a column numbers only
when every non-empty cell is a plain number (see :data:`PLAIN_NUMBER`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from . import _fast
from ._cells import MAX_SHOWN, SchemaError

#: a plain number: an optional minus, no leading zero, no exponent (``44``, ``-3``,
#: ``0.11``); ``007``, ``1E5``, ``+5``, ``.5`` and ``inf`` are text
PLAIN_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?"
#: what a user may ask of a column: kept as written, or numbers
COLUMN_TYPES = ("text", "number")
_QUOTE, _NEWLINE, _CR = 34, 10, 13
#: a byte that did not decode, kept by the surrogateescape error handler
_ESCAPED = re.compile("[\udc80-\udcff]")


def read_csv(
    path_name: str,
    data: bytes,
    *,
    sep: str,
    encoding: str,
    id_names: set[str],
    na_values: Sequence[str],
    date_names: set[str] = frozenset(),  # type: ignore[assignment]
) -> pd.DataFrame:
    """Every cell as text, after checking the header and the cells of every line.

    Columns named in `date_names` are read as categories of their text: the
    parser meets each distinct cell once, and the date rule then reads each
    distinct cell once (a date column of 10^6 rows holds a few thousand).

    Raises
    ------
    SchemaError
        A repeated column name; a line with more or fewer cells than the header
        (naming the line and the patient); a NUL byte in a cell; a cell that is
        not `encoding` text (naming the line, the patient and the column).

    Notes
    -----
    A file starting with a UTF-16 byte-order mark (a spreadsheet's "Unicode
    text") is read as UTF-16 when `encoding` is UTF-8: such a file is never
    UTF-8.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and codecs.lookup(
        encoding
    ).name in ("utf-8", "utf-8-sig"):
        encoding = "utf-16"
    try:
        return _read_csv(path_name, data, sep, encoding, id_names, na_values, date_names)
    except UnicodeDecodeError:
        raise SchemaError([_undecodable(path_name, data, sep, encoding, id_names)]) from None


def _read_csv(
    path_name: str,
    data: bytes,
    sep: str,
    encoding: str,
    id_names: set[str],
    na_values: Sequence[str],
    date_names: set[str],
) -> pd.DataFrame:
    text_safe = 'a,\n"\t\r'.encode(encoding, errors="replace") == b'a,\n"\t\r'
    if text_safe and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        header, records = _records(data, sep, encoding)
    else:  # UTF-16 and friends: the csv module on the decoded text (rare, slower)
        header, records = _records_decoded(data.decode(encoding), sep)
    _check_header(path_name, header)
    _check_separator(path_name, header, sep)
    id_at = next((k for k, name in enumerate(header) if name in id_names), None)
    problems = [
        _cell_problem(path_name, line, cells, len(header), id_at) for line, cells in records
    ]
    if problems:
        titled = next((n for n, cells in records[:20] if id_names & set(cells)), None)
        if len(header) == 1 and id_at is None and titled is not None:
            problems = [
                f"{path_name}: the header is on line {titled}, not the first line: delete the "
                "lines above it"
            ]
        raise SchemaError(problems)
    return pd.read_csv(
        io.BytesIO(data),
        sep=sep,
        dtype={
            # pandas names a blank header cell "Unnamed: k"; read as text like the rest
            (name if name.strip() else f"Unnamed: {k}"): "category" if name in date_names else str
            for k, name in enumerate(header)
        },
        keep_default_na=False,
        na_values=list(na_values),
        encoding=encoding,
    )


def _records(data: bytes, sep: str, encoding: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header's cells, and (line number, cells) of each line whose count is wrong."""
    buf = np.frombuffer(data, dtype=np.uint8)
    # bytes.find first: most files hold no quote, CR or NUL, and a find is 4x a comparison
    quotes = _positions(data, buf, _QUOTE)

    def outside(positions: np.ndarray) -> np.ndarray:
        if quotes.size == 0:
            return positions
        return positions[np.searchsorted(quotes, positions) % 2 == 0]

    all_newlines = np.flatnonzero(buf == _NEWLINE)
    carriage = _positions(data, buf, _CR)
    if carriage.size and not np.isin(carriage + 1, all_newlines).all():
        # old Mac line ends (a lone CR): the csv module knows them
        return _records_decoded(data.decode(encoding), sep)
    ends = outside(all_newlines)
    if ends.size == 0 or ends[-1] != buf.size - 1:
        ends = np.append(ends, buf.size)
    starts = np.concatenate([[0], ends[:-1] + 1])
    seps = outside(np.flatnonzero(buf == ord(sep)))
    decode = lambda k: data[starts[k] : ends[k]].decode(encoding, errors="replace")  # noqa: E731
    per_line = _fast.uniform_cells(seps, ends)
    header = _cells(decode(0).lstrip("\ufeff"), sep) if per_line else []
    if per_line and len(header) == per_line:  # every line as many cells as the header
        wrong = np.zeros(0, dtype=np.intp)
    else:
        counts = np.diff(np.concatenate([[0], np.searchsorted(seps, ends)])) + 1
        blank = counts == 1
        blank[blank] = [
            not data[s:e].strip() for s, e in zip(starts[blank], ends[blank], strict=True)
        ]
        filled = np.flatnonzero(~blank)
        if filled.size == 0:
            return [], []
        header = _cells(decode(filled[0]).lstrip("\ufeff"), sep)
        wrong = filled[1:][counts[filled[1:]] != len(header)]
    nul = _positions(data, buf, 0)
    if nul.size:
        wrong = np.union1d(wrong, np.searchsorted(ends, nul))
    lines = np.searchsorted(all_newlines, starts[wrong]) + 1
    return header, [(int(n), _cells(decode(k), sep)) for n, k in zip(lines, wrong, strict=True)]


def _positions(data: bytes, buf: np.ndarray, byte: int) -> np.ndarray:
    """Where `byte` occurs in `data` (`buf` is its bytes as an array)."""
    if data.find(bytes([byte])) < 0:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(buf == byte)


def _records_decoded(text: str, sep: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """As :func:`_records`, row by row with the csv module."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header: list[str] | None = None
    wrong: list[tuple[int, list[str]]] = []
    line = 1
    for cells in reader:
        if not any(c.strip() for c in cells):
            line = reader.line_num + 1
            continue
        if header is None:
            header = [cells[0].lstrip("\ufeff"), *cells[1:]]
        elif len(cells) != len(header) or any("\x00" in c for c in cells):
            wrong.append((line, cells))
        line = reader.line_num + 1
    return header or [], wrong


def _cells(record: str, sep: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(record.rstrip("\r\n"), newline=""), delimiter=sep))
    return rows[0] if rows else []


def _check_header(path_name: str, header: list[str]) -> None:
    """Each column name once: pandas would rename the second ``death_date`` to ``death_date.1``."""
    named = [h for h in header if h.strip()]
    repeated = sorted({h for h in named if named.count(h) > 1})
    if repeated:
        raise SchemaError(
            [f"{path_name}: column(s) {repeated} appear more than once in the header"]
        )


def _undecodable(path_name: str, data: bytes, sep: str, encoding: str, id_names: set[str]) -> str:
    """Where the first byte that is not `encoding` text is: line, patient, column, cell."""
    text = data.decode(encoding, errors="surrogateescape")
    found = _ESCAPED.search(text)
    if found is None:  # pragma: no cover - pandas failed where Python decodes
        return f"{path_name}: not {encoding} text: read it with its encoding (e.g. cp1252)"
    at = found.start()
    first = re.search(r"\S[^\n]*", text)
    header = _cells(first.group().lstrip("\ufeff") if first else "", sep)
    number = text.count("\n", 0, at) + 1
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    cells = _cells(text[start : len(text) if end < 0 else end], sep)
    id_at = next((k for k, name in enumerate(header) if name in id_names), None)
    where = f"{path_name}: line {number}"
    if id_at is not None and id_at < len(cells) and cells[id_at].isprintable():
        where += f", patient {cells[id_at]!r}"
    k = next((k for k, c in enumerate(cells) if _ESCAPED.search(c)), 0)
    if k < len(header) and number > 1:
        where += f", column {header[k]!r}"
    raw = cells[k].encode(encoding, errors="surrogateescape") if cells else b""
    shown = raw.decode(encoding, errors="backslashreplace")
    byte = ord(text[at]) - 0xDC00
    return (
        f"{where}: '{shown}' is not {encoding} text (byte 0x{byte:02x}): read the file with "
        "its encoding (e.g. cp1252 for a Windows export, or latin-1)"
    )


def _check_separator(path_name: str, header: list[str], sep: str) -> None:
    """A header of one column holding another separator: ``;`` (a European Excel), tabs."""
    if len(header) != 1:
        return
    other = next((c for c in (";", "\t", ",", "|") if c != sep and c in header[0]), None)
    if other is not None:
        name = header[0] if len(header[0]) <= 60 else header[0][:57] + "..."
        raise SchemaError(
            [
                f"{path_name}: the header is one column, {name!r}: are the cells separated by "
                f"{other!r}? .csv and .txt files are read with commas between cells, .tsv "
                "files with tabs"
            ]
        )


def _cell_problem(
    path_name: str, line: int, cells: list[str], expected: int, id_at: int | None
) -> str:
    patient = cells[id_at] if id_at is not None and id_at < len(cells) else None
    where = f"{path_name}: line {line}" + (f", patient {patient!r}" if patient else "")
    nul = next((c for c in cells if "\x00" in c), None)
    if nul is not None and len(cells) == expected:
        return f"{where}: cell {nul!r} holds a NUL byte (a control character)"
    return f"{where}: {len(cells)} cells where the header has {expected} columns"


def apply_types(
    frame: pd.DataFrame, skip: set[str], types: Mapping[str, str], source: str, *, infer: bool
) -> pd.DataFrame:
    """Columns typed by the rule (when `infer`: read as text) or as `types` says.

    With `infer`, a text column becomes numbers when every non-empty cell is a
    plain number.  ``types`` overrides per column: ``"text"`` keeps it as
    written (other formats: each value's text), ``"number"`` makes it numbers
    (an error naming the first cells that are not).  Columns in `skip` (the
    schema's, parsed by their own rules) are left alone.
    """
    for column in frame.columns:
        kind = types.get(column)
        if column in skip or (kind is None and not infer):
            continue
        values = frame[column]
        if kind == "text":
            if not infer:
                frame[column] = values.astype("string").astype(object).where(values.notna())
            continue
        fast = _fast.factorized_numbers(values, PLAIN_NUMBER) if kind is None else None
        if fast is not None:  # plain numbers: each distinct cell read once
            frame[column] = fast
            continue
        if kind is None:
            try:  # a text column fails at its first word: the common case costs nothing
                number = pd.to_numeric(values)
            except (ValueError, TypeError):
                continue
            uniq = pd.Series(pd.unique(values.dropna()), dtype=object)
            if not uniq.str.fullmatch(PLAIN_NUMBER).all():
                continue
        else:
            number = pd.to_numeric(values, errors="coerce")
        bad = number.isna() & values.notna()
        if bad.any():
            shown = ", ".join(repr(v) for v in values[bad].unique()[:MAX_SHOWN])
            raise SchemaError(
                [f"{source}: column {column!r}: {shown} is not a number (column_types says number)"]
            )
        frame[column] = number
    return frame
