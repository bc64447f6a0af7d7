"""The event table's column names (documented in :mod:`blina_stats.data.schema`)."""

from __future__ import annotations

#: events timed by ``<event>_date`` or ``<event>_day``, in the order they are checked
EVENTS: tuple[str, ...] = ("enrollment", "last_contact", "relapse", "death", "agvhd", "cgvhd")
#: optional dates of the estimand controls (issue 13): the last disease assessment
#: (PFS censoring), the intercurrent events, and MRD recurrence
ESTIMAND_EVENTS = ("last_assessment", "dli", "second_hsct", "new_therapy", "mrd_relapse")
EVENTS = (*EVENTS, *ESTIMAND_EVENTS)
GRADE = "agvhd_grade"
SEVERITY = "cgvhd_severity"
SEVERITIES = ("none", "mild", "moderate", "severe")
#: every column name the schema knows; anything else is a covariate
SCHEMA_COLUMNS = (
    "patient_id",
    "hsct_date",
    *(f"{e}_date" for e in EVENTS),
    *(f"{e}_day" for e in EVENTS),
    GRADE,
    SEVERITY,
)
