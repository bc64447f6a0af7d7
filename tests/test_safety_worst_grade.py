"""Worst grade per patient, CRS and ICANS tables and the toxicity outcome (safety.worst_grade).

The fixture (tests/safety_fixtures.py): four treated patients (P1-P4, first
doses on days 70, 80, 65, 90) and one untreated (P5).  Counts below are
worked out by hand from its rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from blina_stats.safety import (
    crs_table,
    icans_table,
    toxicity_outcomes,
    worst_grade_by_patient,
    worst_grade_table,
)

from .safety_fixtures import adverse_events, cohort


def test_worst_grade() -> None:
    ae, c = adverse_events(), cohort()
    worst = worst_grade_by_patient(ae, c)
    assert worst.to_dict() == {"P1": 2, "P2": 3, "P3": 1, "P4": 3}
    t = worst_grade_table(ae, c)
    assert t["grade"].tolist()[:6] == [
        "None",
        "Grade 1",
        "Grade 2",
        "Grade 3",
        "Grade 4",
        "Grade 5",
    ]
    assert t["n_patients"].tolist() == [0, 1, 1, 2, 0, 0, 4, 2]
    heme = worst_grade_by_patient(ae, c, include_hematologic=True)
    assert heme.to_dict() == {"P1": 4, "P2": 3, "P3": 3, "P4": 3}


def test_crs_and_icans_tables() -> None:
    ae, c = adverse_events(), cohort()
    crs = crs_table(ae, c)
    assert crs.set_index("grade")["n_patients"].to_dict() == {
        "None": 3, "Grade 1": 0, "Grade 2": 1, "Grade 3": 0, "Grade 4": 0, "Grade 5": 0,
        "Any grade": 1, "Grade >= 3": 0,
    }  # fmt: skip
    assert crs.attrs["caption"].startswith("Cytokine release syndrome: worst grade per patient")
    assert "to last contact" in crs.attrs["caption"]
    icans = icans_table(ae, c).set_index("grade")["n_patients"]
    assert (icans["Grade 3"], icans["Grade >= 3"], icans["None"]) == (1, 1, 3)


def test_toxicity_outcomes_evaluability() -> None:
    out = toxicity_outcomes(adverse_events(), cohort(), window="transplant")
    # enrollment order by first-dose day: P3 (65), P1 (70), P2 (80), P4 (90); grade >= 3
    # non-hematologic by day 100: P2 pyrexia, P4 ICANS; P4 had last contact on day 95
    # but has the event, so is evaluable
    assert out.index.tolist() == ["P3", "P1", "P2", "P4"]
    assert out.tolist() == [False, False, True, True]
    first = toxicity_outcomes(adverse_events(), cohort(), window="first_dose")
    # first dose + 100: P3 followed to 300 (evaluable), P1 nausea grade 3 on day 150
    assert first.tolist() == [False, True, True, True]
    clean = adverse_events().query("patient_id != 'P4'")
    assert toxicity_outcomes(clean, cohort(), window="transplant").isna().tolist() == [
        False,
        False,
        False,
        True,
    ]


def test_a_death_in_the_window_without_the_event_is_a_known_no() -> None:
    """P4 dies on day 95 (5 days after the first dose) without the toxicity: evaluable, False.

    Before, only follow-up to the window's end made a patient evaluable, so an
    early death dropped out of the monitoring denominator as "not yet evaluable".
    """
    import blina_stats as bs

    from .safety_fixtures import cohort_frame

    frame = cohort_frame()
    frame.loc[frame["patient_id"] == "P4", "death_day"] = 95.0
    clean = adverse_events().query("patient_id != 'P4'")
    dead = toxicity_outcomes(clean, bs.load_events(frame), window="first_dose")
    alive = toxicity_outcomes(clean, cohort(), window="first_dose")
    assert alive["P4"] is pd.NA and dead["P4"] is np.False_
