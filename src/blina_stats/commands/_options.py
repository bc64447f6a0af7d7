"""Option types shared by the sub-commands: each bad value is one line naming the option.

argparse reports an :class:`argparse.ArgumentTypeError` raised here as
``argument --horizon: 'os=abc': DAYS must be a number`` (one line: see
:class:`blina_stats.cli.Parser`).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from typing import Any


def count(text: str) -> int:
    """A whole number >= 0 (simulated trials)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number >= 0") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number >= 0")
    return value


def positive_int(text: str) -> int:
    """A whole number >= 1 (patients)."""
    value = count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number >= 1")
    return value


def seed(text: str) -> int:
    """A seed of NumPy's generator: a whole number >= 0."""
    try:
        return count(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: a seed is a whole number >= 0 (NumPy's generator takes no negative seed)"
        ) from None


def pair(text: str, what: str) -> tuple[str, str]:
    """``KEY=VALUE`` split in two; both parts non-empty."""
    key, sep, value = text.partition("=")
    if not sep or not key or not value:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return key, value


def horizon(text: str) -> tuple[str, float]:
    """``NAME=DAYS`` with DAYS a finite number > 0."""
    name, value = pair(text, "NAME=DAYS, e.g. nrm=365.25")
    try:
        days = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: DAYS must be a number") from None
    if not math.isfinite(days) or days <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: DAYS must be a finite number > 0")
    return name, days


def column(text: str) -> tuple[str, str]:
    """``THEIRS=OURS``: a column of the file renamed to the schema's name."""
    return pair(text, "THEIRS=OURS, e.g. PTID=patient_id")


class UniquePairs(argparse.Action):
    """Collect repeated ``KEY=VALUE`` options into a dict; a key given twice is an error.

    With ``unique_values=True`` a value given twice is an error too (two
    columns renamed to the same schema name).
    """

    def __init__(self, *args: Any, unique_values: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unique_values = unique_values

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        key, value = tuple(values or ())  # a pair, from the option's type
        items = dict(getattr(namespace, self.dest, None) or {})
        add_pair(self, items, key, value, unique_values=self.unique_values)
        setattr(namespace, self.dest, items)


def add_pair(
    action: argparse.Action,
    items: dict[str, str],
    key: str,
    value: str,
    *,
    unique_values: bool,
    where: str = "",
) -> None:
    """Add ``key=value`` to `items`: a key given twice is an error, and with `unique_values`
    a value given twice (two columns renamed to one name); `where` prefixes the message."""
    if key in items:
        raise argparse.ArgumentError(
            action, f"{where}{key!r} given twice ({key}={items[key]} and {key}={value})"
        )
    if unique_values and value in items.values():
        first = next(k for k, v in items.items() if v == value)
        raise argparse.ArgumentError(
            action, f"{where}two columns renamed to {value!r} ({first}={value} and {key}={value})"
        )
    items[key] = value


#: the tables a report reads, as ``TABLE:`` prefixes of its reading options
TABLES = ("events", "ae", "dosing", "screening", "labs", "gvhd")
#: the key of a reading option given without ``TABLE:`` that applies to every table
EVERY_TABLE = "*"


def _qualified(text: str) -> tuple[str | None, str]:
    """``TABLE:REST`` split when TABLE is one of :data:`TABLES`; else ``(None, text)``."""
    head, sep, rest = text.partition(":")
    if sep and head in TABLES:
        if not rest:
            raise argparse.ArgumentTypeError(f"{text!r}: nothing after {head}:")
        return head, rest
    return None, text


def table_column(text: str) -> tuple[str, tuple[str, str]]:
    """``[TABLE:]THEIRS=OURS``: a column of one input table renamed (the event table by default)."""
    table, rest = _qualified(text)
    return table or "events", pair(rest, "[TABLE:]THEIRS=OURS, e.g. ae:Grade=grade")


def table_value(text: str) -> tuple[str, str]:
    """``[TABLE:]VALUE``: a reading option of one table, or of every table without TABLE."""
    table, rest = _qualified(text)
    if not rest:
        raise argparse.ArgumentTypeError("expected [TABLE:]VALUE, got ''")
    return table or EVERY_TABLE, rest


def table_sheet(text: str) -> tuple[str, str]:
    """``[TABLE:]SHEET``: an Excel sheet of one table (the event table by default)."""
    table, rest = _qualified(text)
    return table or "events", rest


class PerTable(argparse.Action):
    """Collect ``(table, value)`` options into ``{table: value}``; one table given twice is an
    error.  With ``pairs=True`` the values are renames, collected per table into a dict (a
    column renamed twice, or two columns renamed to one name, is an error)."""

    def __init__(self, *args: Any, pairs: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pairs = pairs

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        table, value = tuple(values or ())
        items = {
            k: (dict(v) if isinstance(v, dict) else v)
            for k, v in (getattr(namespace, self.dest, None) or {}).items()
        }
        where = "every table" if table == EVERY_TABLE else f"table {table}"
        if not self.pairs:
            if table in items:
                raise argparse.ArgumentError(
                    self, f"given twice for {where} ({items[table]!r} and {value!r})"
                )
            items[table] = value
        else:
            theirs, ours = value
            renames = items.setdefault(table, {})
            add_pair(self, renames, theirs, ours, unique_values=True, where=f"{table}: ")
        setattr(namespace, self.dest, items)


def read_options(
    columns: dict[str, dict[str, str]],
    date_format: dict[str, str],
    sheet: dict[str, str],
    encoding: dict[str, str],
) -> dict[str, dict[str, Any]]:
    """The parsed options as :func:`blina_stats.report.build_report`'s `read_options`.

    A date format or encoding without ``TABLE:`` applies to every table that
    has none of its own (the labs have no dates: a date format reaches them
    only when named ``labs:``, which is an error).
    """
    out: dict[str, dict[str, Any]] = {}
    for table in TABLES:
        options: dict[str, Any] = {}
        if table in columns:
            options["columns"] = dict(columns[table])
        fmt = date_format.get(table, None if table == "labs" else date_format.get(EVERY_TABLE))
        if fmt is not None:
            options["date_format"] = fmt
        if table in sheet:
            text = sheet[table]
            options["sheet_name"] = int(text) if text.isdigit() else text
        enc = encoding.get(table, encoding.get(EVERY_TABLE))
        if enc is not None:
            options["encoding"] = enc
        if options:
            out[table] = options
    return out
