"""The trial's endpoints: definitions as data, derivation from a cohort, the summary table.

``definitions`` holds each :class:`Endpoint` with its event, competing, tie and
exclusion rules (and :func:`outcome`, which applies them); ``derive`` turns a
cohort into each endpoint's arrays and estimate (:func:`derive`,
:func:`derive_all`); ``summary`` gives one row per endpoint (:func:`estimate`,
:func:`summary_table`) and the JSON contract (:func:`to_json`).  See
:mod:`blina_stats.endpoints.definitions` for the table of endpoints and the
conventions applied to every one.
"""

from .definitions import (
    AALEN_JOHANSEN,
    ENDPOINTS,
    GVHD_COMPETING,
    GVHD_COMPETING_EVENTS,
    KAPLAN_MEIER,
    ORIGINS,
    RULE_FIELDS,
    SIX_MONTHS,
    TWO_YEARS,
    Condition,
    Endpoint,
    Exclusion,
    Onset,
    lookup,
)
from .derive import EndpointData, derive, derive_all, missing_fields
from .not_estimable import NOT_ESTIMABLE_CODES, NotEstimable
from .outcome import Outcome, outcome
from .summary import CONF_LEVEL, CONF_TYPE, ESTIMATE_COLUMNS, estimate, summary_table, to_json

__all__ = [
    "AALEN_JOHANSEN",
    "CONF_LEVEL",
    "CONF_TYPE",
    "ENDPOINTS",
    "ESTIMATE_COLUMNS",
    "GVHD_COMPETING",
    "GVHD_COMPETING_EVENTS",
    "KAPLAN_MEIER",
    "NOT_ESTIMABLE_CODES",
    "ORIGINS",
    "RULE_FIELDS",
    "SIX_MONTHS",
    "TWO_YEARS",
    "Condition",
    "Endpoint",
    "EndpointData",
    "Exclusion",
    "NotEstimable",
    "Onset",
    "Outcome",
    "derive",
    "derive_all",
    "estimate",
    "lookup",
    "missing_fields",
    "outcome",
    "summary_table",
    "to_json",
]
