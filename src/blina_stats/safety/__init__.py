"""Safety and exposure: adverse-event tables, courses against the protocol, safety monitoring.

``records`` (validate the adverse-event and dosing tables against a Cohort)
-> ``adverse_events`` (patients with events, by term or class, in a window),
``worst_grade`` (worst grade per patient, CRS, ICANS, the toxicity outcome)
and ``exposure`` (courses, dose, compliance against the :class:`Protocol`);
``monitoring`` (Bayesian continuous stopping rules) stands alone and follows
the ``outcomes`` (NRM, and toxicity from ``worst_grade``), each stating its window.
"""

from __future__ import annotations

from .adverse_events import (
    NotAvailable,
    adverse_event_table,
    clopper_pearson,
    hematologic_terms,
    is_hematologic,
    treated_patients,
)
from .exposure import ExposureResult, exposure, exposure_summary
from .monitoring import MonitoringRule, monitor, monitoring_rule, operating_characteristics
from .monitoring_delay import delayed_operating_characteristics
from .monitoring_rules import crs_icans_outcomes, crs_icans_rule, nrm_rule
from .outcomes import enrollment_order, monitoring_window, nrm_outcomes
from .protocol import Protocol
from .records import AdverseEvents, Dosing, read_adverse_events, read_dosing
from .sprt import SPRTRule, sprt_monitor, sprt_operating_characteristics, sprt_rule
from .worst_grade import (
    CRS_TERMS,
    ICANS_TERMS,
    crs_table,
    icans_table,
    toxicity_outcomes,
    worst_grade_by_patient,
    worst_grade_table,
)
from .writers import to_csv, to_markdown

__all__ = [
    "CRS_TERMS",
    "ICANS_TERMS",
    "AdverseEvents",
    "Dosing",
    "ExposureResult",
    "MonitoringRule",
    "NotAvailable",
    "Protocol",
    "SPRTRule",
    "adverse_event_table",
    "clopper_pearson",
    "crs_icans_outcomes",
    "crs_icans_rule",
    "crs_table",
    "delayed_operating_characteristics",
    "enrollment_order",
    "exposure",
    "exposure_summary",
    "hematologic_terms",
    "icans_table",
    "is_hematologic",
    "monitor",
    "monitoring_rule",
    "monitoring_window",
    "nrm_outcomes",
    "nrm_rule",
    "operating_characteristics",
    "read_adverse_events",
    "read_dosing",
    "sprt_monitor",
    "sprt_operating_characteristics",
    "sprt_rule",
    "to_csv",
    "to_markdown",
    "toxicity_outcomes",
    "treated_patients",
    "worst_grade_by_patient",
    "worst_grade_table",
]
