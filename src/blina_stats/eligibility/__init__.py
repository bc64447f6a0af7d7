"""Eligibility (I1-I10, E1-E12), engraftment from daily labs, and the CONSORT flow.

* :mod:`~blina_stats.eligibility.criteria` - the criteria as data, with their readings.
* :mod:`~blina_stats.eligibility.screening` - the screening log and :func:`check_eligibility`.
* :mod:`~blina_stats.eligibility.engraftment` - the labs table, :func:`engraftment` and
  :func:`engraftment_incidence`.
* :mod:`~blina_stats.eligibility.consort` - :func:`consort_flow`, the CONSORT counts;
  the figure is :mod:`blina_stats.plots.consort`.
"""

from .consort import ConsortFlow, consort_flow
from .criteria import CRITERIA, Criterion, criteria_table
from .engraftment import (
    EngraftmentIncidence,
    Labs,
    engraftment,
    engraftment_incidence,
    read_labs,
)
from .screening import ScreeningLog, check_eligibility, criteria_met, read_screening

__all__ = [
    "CRITERIA",
    "ConsortFlow",
    "Criterion",
    "EngraftmentIncidence",
    "Labs",
    "ScreeningLog",
    "check_eligibility",
    "consort_flow",
    "criteria_met",
    "criteria_table",
    "engraftment",
    "engraftment_incidence",
    "read_labs",
    "read_screening",
]
