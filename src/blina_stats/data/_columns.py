"""The event table's column names (documented in :mod:`blina_stats.data.schema`)."""

from __future__ import annotations

#: events timed by ``<event>_date`` or ``<event>_day``, in the order they are checked
EVENTS: tuple[str, ...] = ("enrollment", "last_contact", "relapse", "death", "agvhd", "cgvhd")
#: optional dates of the estimand controls (issue 13): the last disease assessment
#: (PFS censoring), the intercurrent events, and MRD recurrence
ESTIMAND_EVENTS = ("last_assessment", "dli", "second_hsct", "new_therapy", "mrd_relapse")
EVENTS = (*EVENTS, *ESTIMAND_EVENTS)
#: grade-specific GVHD onsets: first day of grade III-IV aGVHD, of moderate/severe cGVHD
GVHD_GRADE_EVENTS = ("agvhd_3_4", "cgvhd_mod_severe")
#: every event timed by a date or a day, GVHD grade-specific onsets last
TIMED = (*EVENTS, *GVHD_GRADE_EVENTS)
GRADE = "agvhd_grade"
SEVERITY = "cgvhd_severity"
SEVERITIES = ("none", "mild", "moderate", "severe")
#: every column name the schema knows; anything else is a covariate
SCHEMA_COLUMNS = (
    "patient_id",
    "hsct_date",
    *(f"{e}_date" for e in EVENTS),
    *(f"{e}_day" for e in EVENTS),
    *(f"{e}_{unit}" for e in GVHD_GRADE_EVENTS for unit in ("date", "day")),
    GRADE,
    SEVERITY,
)
