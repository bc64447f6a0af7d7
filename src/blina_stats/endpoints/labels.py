"""Every wording of a horizon and a time origin, written once.

A horizon means nothing without its origin: 100 days is "day +100 after
transplant" from the transplant but "100 days after the first dose" from the
first dose (given on days 60-90, that is day +160 to +190).  Tables, figures,
``estimates.json`` (``horizon_label``) and the report's text call these
functions; none writes a horizon itself.

=========== ============================ ==============================
days        ``origin="transplant"``      ``origin="enrollment"``
=========== ============================ ==============================
100         day +100 after transplant    100 days after the first dose
182.625     6 months after transplant    6 months after the first dose
365.25      1 year after transplant      1 year after the first dose
730.5       2 years after transplant     2 years after the first dose
=========== ============================ ==============================

Whole Julian years and months (365.25 and 30.4375 days) are written as years
and months; any other horizon in days.  ``short=True`` drops the origin, for
a figure whose time axis already names it ("day +100", "100 days", "2 years").
"""

from __future__ import annotations

import math

from .._constants import DAYS_PER_MONTH, DAYS_PER_YEAR
from ..errors import InputError
from .definitions import ORIGINS

#: the origin in words, as the end of "... after {words}"
ORIGIN_WORDS = {"transplant": "transplant", "enrollment": "the first dose"}


def _check(origin: str) -> None:
    if origin not in ORIGINS:
        raise InputError(f"origin must be one of {ORIGINS}, got {origin!r}")


def _whole(days: float, unit: float) -> int | None:
    """`days` as a whole number of `unit`, or None."""
    n = days / unit
    k = round(n)
    return k if k >= 1 and math.isclose(n, k, rel_tol=0.0, abs_tol=1e-9) else None


def _plural(k: int, word: str) -> str:
    return f"{k} {word}" if k == 1 else f"{k} {word}s"


def origin_words(origin: str) -> str:
    """``"transplant"`` or ``"the first dose"``: the origin as it ends "after ...".

    Parameters
    ----------
    origin : {"transplant", "enrollment"}

    Returns
    -------
    str
    """
    _check(origin)
    return ORIGIN_WORDS[origin]


def horizon_label(days: float, origin: str, *, short: bool = False) -> str:
    """A horizon in words, from its origin.

    Parameters
    ----------
    days : float
        Days from the origin.
    origin : {"transplant", "enrollment"}
        Day 0 (``"enrollment"``: the first blinatumomab dose).
    short : bool
        Without "after ...", for a figure whose axis names the origin.

    Returns
    -------
    str
        ``"day +100 after transplant"``, ``"100 days after the first dose"``,
        ``"2 years after transplant"``, ``"6 months after the first dose"``.

    Examples
    --------
    >>> horizon_label(100, "transplant")
    'day +100 after transplant'
    >>> horizon_label(182.625, "enrollment")
    '6 months after the first dose'
    >>> horizon_label(100, "enrollment", short=True)
    '100 days'
    """
    _check(origin)
    years, months = _whole(days, DAYS_PER_YEAR), _whole(days, DAYS_PER_MONTH)
    if years is not None:
        head = _plural(years, "year")
    elif months is not None:
        head = _plural(months, "month")
    elif origin == "transplant":
        # "day +N" is the transplant's own calendar (day 0 the graft): never for the first dose
        head = f"day +{days:g}"
    else:
        head = f"{days:g} day" if days == 1 else f"{days:g} days"
    return head if short else f"{head} after {ORIGIN_WORDS[origin]}"


def axis_label(origin: str, unit: str = "months") -> str:
    """The time axis of a figure: ``"Months after transplant"``, ``"Days after the first dose"``.

    Parameters
    ----------
    origin : {"transplant", "enrollment"}
    unit : {"months", "days"}

    Returns
    -------
    str
    """
    _check(origin)
    return f"{'Days' if unit == 'days' else 'Months'} after {ORIGIN_WORDS[origin]}"


def origin_label(origin: str, delayed_entry: bool) -> str:
    """How an estimate counts time, for every endpoint of a table.

    Parameters
    ----------
    origin : {"transplant", "enrollment"}
    delayed_entry : bool
        With ``origin="transplant"``: patients enter the risk set at the
        first dose (ignored from the first dose, where everyone enters at 0).

    Returns
    -------
    str
        ``"from transplant, entry at the first dose (conditional on being
        alive and event-free then)"``, ``"from transplant, every patient from
        day 0"`` or ``"from the first dose"``.
    """
    _check(origin)
    if origin == "enrollment":
        return "from the first dose"
    if delayed_entry:
        return (
            "from transplant, entry at the first dose "
            "(conditional on being alive and event-free then)"
        )
    return "from transplant, every patient from day 0"
