"""Exposure against the protocol on the hand-made dosing records of tests/safety_fixtures.py.

Worked by hand (Protocol(): 7-day courses of 96 ug every 61 days until day 365):

- P1, first dose day 70, followed to day 400: planned starts 70, 131, 192, 253, 314
  (5 courses, 480 ug).  Course 1 complete; course 2 starts day 135 (interval 65,
  on time), one day missed (138), dexamethasone missed on its third infusion; course
  3 starts day 215 (interval 80, late), three infusions of 8 ug (the third should be
  16), dexamethasone missed on the third.  Received 3 courses, 96 + 96 + 24 = 216 ug,
  RDI 216/480 = 0.45.
- P2, first dose day 80, died day 150: planned starts 80, 141 (2); received 1, RDI 0.5.
- P3, first dose day 65, relapse day 200: planned 65, 126, 187 (3); received 2 complete
  courses 61 days apart, RDI 192/288.
- P4, first dose day 90, last contact day 95: planned 1; six infusions, 80 ug, RDI
  80/96, premedication not recorded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from blina_stats.safety import Protocol, exposure

from .safety_fixtures import cohort, dosing


def test_per_patient_hand_values() -> None:
    ex = exposure(dosing(), cohort())
    b = ex.by_patient.set_index("patient_id")
    assert b.index.tolist() == ["P1", "P2", "P3", "P4"]  # P5 never treated
    assert b["courses_planned"].tolist() == [5, 2, 3, 1]
    assert b["courses_received"].tolist() == [3, 1, 2, 1]
    assert b["courses_complete"].tolist() == [2, 1, 2, 0]
    assert b["cumulative_dose_ug"].tolist() == [216.0, 96.0, 192.0, 80.0]
    np.testing.assert_allclose(
        b["relative_dose_intensity"], [216 / 480, 96 / 192, 192 / 288, 80 / 96], rtol=1e-12
    )
    assert b["end_of_treatment_day"].tolist() == [365.0, 150.0, 200.0, 95.0]
    assert b["intervals"].tolist() == [2, 0, 1, 0]
    assert b["intervals_on_time"].tolist() == [1, 0, 1, 0]
    assert b["premedication_planned"].tolist() == [6, 2, 4, 2]
    assert b["premedication_missed"].tolist() == [2, 0, 0, 0]
    assert b["premedication_unknown"].tolist() == [0, 0, 0, 2]
    assert b["interruptions"].tolist() == [1, 0, 0, 0]
    assert b["dose_deviations"].tolist() == [1, 0, 0, 0]
    assert b["first_course_in_window"].all()


def test_courses_table() -> None:
    c = exposure(dosing(), cohort()).courses
    p1 = c.loc[c["patient_id"] == "P1"].reset_index(drop=True)
    assert p1["start_day"].tolist() == [70.0, 135.0, 215.0]
    assert p1["end_day"].tolist() == [76.0, 142.0, 217.0]
    assert p1["interval_days"].tolist()[1:] == [65.0, 80.0]
    assert p1["interval_on_time"].tolist()[1:] == [True, False]
    assert p1["complete"].tolist() == [True, True, False]


def test_summary() -> None:
    s = exposure(dosing(), cohort()).summary.set_index("measure")
    assert s.loc["Patients treated", "value"] == "4"
    assert s.loc["Courses received of planned", "value"] == "7/11 (63.6%)"
    assert s.loc["Complete courses (7 days, 96 ug) of received", "value"] == "5/7 (71.4%)"
    assert s.loc["Intervals on time (61 +/- 7 days)", "value"] == "2/3 (66.7%)"
    assert s.loc["Premedication doses missed", "value"] == "2/14 (14.3%)"
    assert s.loc["Patients with an interruption", "value"] == "1/4 (25.0%)"
    assert s.loc["Infusion days off the protocol dose", "value"] == "1/44 (2.3%)"
    assert s.loc["Courses received, median (range)", "value"] == "1.5 (1-3)"


def test_protocol_is_a_parameter() -> None:
    # every three months instead of two: P1 has 70, 161, 252, 343 planned
    ex = exposure(dosing(), cohort(), Protocol(interval_days=91, interval_tolerance=14))
    b = ex.by_patient.set_index("patient_id")
    assert b.loc["P1", "courses_planned"] == 4
    # 91 +/- 14 is days 77-105: P1's 80-day interval is on time, its 65 and P3's 61 are not
    assert b.loc["P1", "intervals_on_time"] == 1
    assert b.loc["P3", "intervals_on_time"] == 0
    assert "every 91 (+/- 14) days" in ex.summary.attrs["caption"]


def test_held_day_counts_as_an_interruption() -> None:
    d = dosing()
    extra = pd.DataFrame(
        [("P3", 1, 72, 0.0, "no")],
        columns=["patient_id", "course", "infusion_day", "dose_ug", "dexamethasone"],
    )
    d = pd.concat([d, extra], ignore_index=True)
    d.loc[(d["patient_id"] == "P3") & (d["infusion_day"] == 71), "infusion_day"] = 73
    b = exposure(d, cohort()).by_patient.set_index("patient_id")
    assert b.loc["P3", "interruptions"] == 1
    assert b.loc["P3", "cumulative_dose_ug"] == 192.0


def test_repr() -> None:
    ex = exposure(dosing(), cohort())
    assert repr(ex) == "ExposureResult('<DataFrame>': 4 treated patients, 7 courses)"
    assert "96 ug" in ex._repr_html_()
    assert ex.to_frame().equals(ex.by_patient)


def test_bad_dose_is_an_input_error() -> None:
    d = dosing()
    d.loc[3, "dose_ug"] = -1
    with pytest.raises(ValueError, match="data row 4, patient 'P1': dose_ug -1 is not"):
        exposure(d, cohort())
