"""Captions that say what a table or figure shows: the population, the time origin, the window.

``"Overall survival, all 68 treated patients, from transplant (entry at the
first dose), at 2 years"``: every caption of the report names who is counted,
from when time runs and to which horizon or window, in the words of
:mod:`blina_stats.endpoints.labels`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..data import Cohort
from ..endpoints import EndpointData
from ..endpoints.labels import horizon_label, origin_words


def patients(cohort: Cohort, n_used: int | None = None) -> str:
    """``"all 68 treated patients"``, or ``"60 of 68 treated patients"`` when some were left out.

    The event table holds the enrolled patients; with a first dose
    (enrollment) recorded for each, they are the treated patients.
    """
    who = "treated patients" if cohort.has_enrollment else "patients"
    n = cohort.n_patients
    if n_used is None or n_used == n:
        return f"all {n} {who}"
    return f"{n_used} of {n} {who}"


def time_origin(data: EndpointData) -> str:
    """``"from transplant (entry at the first dose)"``, ``"from transplant"`` or
    ``"from the first dose"``."""
    words = f"from {origin_words(data.origin)}"
    if data.origin == "transplant" and data.entry is not None:
        words += " (entry at the first dose)"
    return words


def endpoint_caption(
    title: str, data: EndpointData, cohort: Cohort, horizons: Sequence[str] = ()
) -> str:
    """`title`, its patients, its time origin, and the horizon it is marked at.

    `horizons` (``"relapse at 2 years"``) replaces the endpoint's own horizon
    when a figure marks several.
    """
    head = f"{title}, {patients(cohort, data.n_used)}, {time_origin(data)}"
    if horizons:
        return f"{head}; {', '.join(horizons)}"
    return f"{head}, at {horizon(data)}"


def horizon(data: EndpointData) -> str:
    """``"2 years"``, ``"6 months"``; ``"day +100 after transplant"`` (day +N names its origin)."""
    short = horizon_label(data.horizon, data.origin, short=True)
    return horizon_label(data.horizon, data.origin) if short.startswith("day") else short
