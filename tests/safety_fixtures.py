"""A five-patient cohort with hand-made adverse events and dosing, shared by the safety tests.

P5 is never treated (no first dose).  Every count the tests expect is worked
out by hand from these rows, in the test that uses it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import blina_stats as bs

NAN = np.nan


def cohort_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "patient_id": ["P1", "P2", "P3", "P4", "P5"],
            "enrollment_day": [70, 80, 65, 90, NAN],
            "last_contact_day": [400, 150, 300, 95, 60],
            "relapse_day": [NAN, NAN, 200, NAN, NAN],
            "death_day": [NAN, 150, NAN, NAN, NAN],
        }
    )


def cohort() -> bs.Cohort:
    return bs.load_events(cohort_frame())


GEN = "General disorders and administration site conditions"


def adverse_events() -> pd.DataFrame:
    rows = [
        ("P1", "Pyrexia", GEN, 1, 72, "no", "yes"),
        ("P1", "Cytokine release syndrome", "Immune system disorders", 2, 71, "no", "yes"),
        ("P1", "Neutrophil count decreased", "Investigations", 4, 80, "yes", "no"),
        ("P1", "Nausea", "Gastrointestinal disorders", 3, 150, "no", "no"),
        ("P2", "Pyrexia", GEN, 3, 85, "no", "no"),
        ("P2", "Sepsis", "Infections and infestations", 5, 148, "yes", "no"),
        ("P3", "Anemia", "Blood and lymphatic system disorders", 3, 70, "no", "no"),
        ("P3", "Rash maculo-papular", "Skin and subcutaneous tissue disorders", 2, 60, "", ""),
        ("P3", "Headache", "Nervous system disorders", 1, 100, "no", "no"),
        ("P4", "Pyrexia", GEN, 2, 92, "no", "no"),
        ("P4", "Immune effector cell-associated neurotoxicity syndrome",
         "Nervous system disorders", 3, 93, "no", "yes"),
        ("P5", "Fatigue", GEN, 1, 50, "no", "no"),
    ]  # fmt: skip
    return pd.DataFrame(
        rows, columns=["patient_id", "term", "soc", "grade", "onset_day", "serious", "related"]
    )


def dosing() -> pd.DataFrame:
    rows = []
    full = [8, 8, 16, 16, 16, 16, 16]
    # P1: course 1 complete; course 2 with a one-day gap (day 138) and dexamethasone missed
    # on its third infusion; course 3 late (interval 80) and stopped after 3 days, the third
    # infusion kept at 8 ug
    rows += [("P1", 1, 70 + i, d, "yes" if i in (0, 2) else "no") for i, d in enumerate(full)]
    days2 = [135, 136, 137, 139, 140, 141, 142]
    rows += [
        ("P1", 2, day, d, "yes" if i == 0 else "no")
        for i, (day, d) in enumerate(zip(days2, full, strict=True))
    ]
    rows += [("P1", 3, 215 + i, 8, "yes" if i == 0 else "no") for i in range(3)]
    rows += [("P2", 1, 80 + i, d, "yes" if i in (0, 2) else "no") for i, d in enumerate(full)]
    rows += [
        ("P3", c, s + i, d, "yes" if i in (0, 2) else "no")
        for c, s in ((1, 65), (2, 126))
        for i, d in enumerate(full)
    ]
    rows += [("P4", 1, 90 + i, d, "") for i, d in enumerate(full[:6])]
    return pd.DataFrame(
        rows, columns=["patient_id", "course", "infusion_day", "dose_ug", "dexamethasone"]
    )  # fmt: skip
