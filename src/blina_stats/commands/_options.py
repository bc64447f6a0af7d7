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
        if key in items:
            raise argparse.ArgumentError(
                self, f"{key!r} given twice ({key}={items[key]} and {key}={value})"
            )
        if self.unique_values and value in items.values():
            first = next(k for k, v in items.items() if v == value)
            raise argparse.ArgumentError(
                self, f"two columns renamed to {value!r} ({first}={value} and {key}={value})"
            )
        items[key] = value
        setattr(namespace, self.dest, items)
