"""Kaplan-Meier and Aalen-Johansen estimators with exact ties and delayed entry."""

from .aalen_johansen import CumulativeIncidenceResult, cumulative_incidence
from .intervals import confidence_interval
from .kaplan_meier import KaplanMeierResult, Quantile, kaplan_meier
from .rmst import RestrictedMean

__all__ = [
    "CumulativeIncidenceResult",
    "KaplanMeierResult",
    "Quantile",
    "RestrictedMean",
    "confidence_interval",
    "cumulative_incidence",
    "kaplan_meier",
]
