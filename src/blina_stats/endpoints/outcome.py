"""An endpoint's rules applied to per-patient days: time, status and exclusion reason.

:func:`outcome` is the public form (reasons as text); :func:`outcome_codes`
gives the reasons as small integer codes into the endpoint's exclusion rules,
which :func:`blina_stats.endpoints.derive` uses so that a million patients do
not each carry a string: the text is looked up for the excluded ones only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from .definitions import Condition, Endpoint, Onset, lookup

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class Outcome(NamedTuple):
    """Per patient: time since transplant, status and exclusion reason.

    Attributes
    ----------
    time : ndarray of float
        Day of the event, of the competing event, or of last contact.
    status : ndarray of int
        1 the event, 2 the competing event, 0 censored.
    reason : ndarray of str
        Why the patient is left out, ``""`` when used.
    """

    time: FloatArray
    status: IntArray
    reason: npt.NDArray[np.str_]


def outcome(
    days: Mapping[str, npt.ArrayLike],
    endpoint: Endpoint | str,
    *,
    gvhd_competing: str = "relapse_or_death",
) -> Outcome:
    """Apply an endpoint's event, competing, tie and exclusion rules to per-patient days.

    Parameters
    ----------
    days : mapping
        Field of `RULE_FIELDS` -> one value per patient: days since
        transplant (NaN: not happened or not recorded; ``last_contact_day``
        may be ``inf`` for complete histories), ``agvhd_grade`` 0-4 (NaN
        missing), ``cgvhd_severity`` text (None missing).  Only the fields
        the endpoint's rules read are needed, and ``last_contact_day``.
    endpoint : Endpoint or str
        The endpoint, or a key of `ENDPOINTS`.
    gvhd_competing : {"relapse_or_death", "death"}
        Competing events of the GVHD endpoints.

    Returns
    -------
    Outcome
        ``time``, ``status`` (0/1/2) and ``reason`` (``""`` when used).

    Examples
    --------
    >>> import numpy as np
    >>> days = {"relapse_day": [50, np.nan], "death_day": [50, 80], "last_contact_day": [50, 80]}
    >>> outcome(days, "nrm").status.tolist()
    [2, 1]
    """
    ep = lookup(endpoint) if isinstance(endpoint, str) else endpoint
    time, status, code = outcome_codes(days, ep, gvhd_competing=gvhd_competing)
    texts = np.array(["", *(rule.reason for rule in ep.exclusions)], dtype=str)
    return Outcome(time, status, texts[code])


def outcome_codes(
    days: Mapping[str, npt.ArrayLike], ep: Endpoint, *, gvhd_competing: str
) -> tuple[FloatArray, IntArray, npt.NDArray[np.int8]]:
    """:func:`outcome` with the reasons as codes: 0 used, k the k-th of ``ep.exclusions``."""
    last = _floats(days, "last_contact_day")
    event = _first(days, ep.event_rule, last.size)
    competing = _first(days, ep.competing_events(gvhd_competing), last.size)
    if ep.ties == "event":
        own = ~np.isnan(event) & ~(competing < event)
    else:
        own = ~np.isnan(event) & ~(competing <= event)
    other = ~own & ~np.isnan(competing)
    status = np.where(own, 1, np.where(other, 2, 0)).astype(np.int64)
    time = np.where(own, event, np.where(other, competing, last))
    code = np.zeros(last.size, dtype=np.int8)
    for k, rule in enumerate(ep.exclusions, start=1):  # the first rule that applies
        empty = np.isnan(_floats(days, rule.day))
        hit = (code == 0) & (empty != rule.recorded) & _holds(days, rule.when)
        code[hit] = k
    return time, status, code


def _floats(days: Mapping[str, npt.ArrayLike], name: str) -> FloatArray:
    return np.asarray(days[name], dtype=np.float64)


def _holds(days: Mapping[str, npt.ArrayLike], c: Condition) -> npt.NDArray[np.bool_]:
    if c.test == "at_least" and isinstance(c.value, float):
        return _floats(days, c.field) >= c.value
    given = days[c.field]
    if isinstance(given, pd.Categorical):  # text read once per cohort: test the categories
        codes = np.asarray(given.codes)
        if c.test == "missing":
            return codes < 0
        if c.test == "one_of" and isinstance(c.value, tuple):
            hit = np.asarray(given.categories.isin(c.value), dtype=bool)
            return np.append(hit, False)[codes]  # code -1 (missing) reads the last slot
    if isinstance(given, np.ndarray) and given.dtype.kind == "f" and c.test == "missing":
        return np.isnan(given)
    values = np.asarray(given, dtype=object)
    if c.test == "missing":
        return np.asarray(pd.isna(values), dtype=bool)
    if c.test == "one_of" and isinstance(c.value, tuple):
        return pd.Series(values).isin(c.value).to_numpy(dtype=bool)
    raise ValueError(f"a condition's value does not fit its test: {c!r}")


def text_field(values: npt.ArrayLike) -> pd.Categorical:
    """A text field (``cgvhd_severity``) as categories, so that each rule reads each text once."""
    return pd.Categorical(np.asarray(values, dtype=object))


def _first(days: Mapping[str, npt.ArrayLike], onsets: tuple[Onset, ...], n: int) -> FloatArray:
    """Per patient, the first of `onsets` (NaN when none happened)."""
    first = np.full(n, np.nan)
    for o in onsets:
        day = _floats(days, o.day if o.day in days or o.fallback is None else o.fallback)
        first = np.fmin(
            first, day if o.when is None else np.where(_holds(days, o.when), day, np.nan)
        )
    return first
