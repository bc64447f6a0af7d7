"""Validation of the adverse-event and dosing tables: one clear message per problem."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.errors import InputError
from blina_stats.safety import read_adverse_events, read_dosing

from .safety_fixtures import adverse_events, cohort, dosing


def test_valid_tables_read() -> None:
    ae = read_adverse_events(adverse_events(), cohort())
    assert len(ae.frame) == 12
    assert ae.frame["serious"].isna().sum() == 1  # the empty flag stays unknown
    assert ae.frame["grade"].tolist()[:3] == [1, 2, 4]
    d = read_dosing(dosing(), cohort())
    assert len(d.frame) == 44
    assert d.frame["dexamethasone"].isna().sum() == 6


def _ae_error(frame: pd.DataFrame, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        read_adverse_events(frame, cohort())


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (0, "patient_id", "P9", "<DataFrame>: data row 1, patient 'P9': patient_id is not in"),
        (1, "grade", 6, "data row 2, patient 'P1': grade 6 is not a CTCAE grade 1-5"),
        (1, "grade", "two", "data row 2, patient 'P1': grade 'two' is not a CTCAE grade 1-5"),
        (0, "grade", 5, "data row 1, patient 'P1': grade is 5 (fatal) but the event table"),
        (
            2,
            "onset_day",
            -3,
            "data row 3, patient 'P1': onset_day is day -3, before the transplant",
        ),
        (
            4,
            "onset_day",
            151,
            "data row 5, patient 'P2': onset on day 151 is after death (day 150)",
        ),
        (
            9,
            "onset_day",
            96,
            "data row 10, patient 'P4': onset on day 96 is after last contact (day 95)",
        ),
        (3, "term", " ", "data row 4, patient 'P1': term is empty"),
        (3, "serious", "maybe", "data row 4, patient 'P1': serious 'maybe' is not yes/no"),
    ],
)
def test_adverse_event_errors(row: int, column: str, value: object, message: str) -> None:
    frame = adverse_events().astype({column: object})
    frame.loc[row, column] = value
    _ae_error(frame, message)


def test_error_count_and_file_name(tmp_path: Path) -> None:
    frame = adverse_events()
    frame.loc[0, "grade"] = 0
    frame.loc[1, "grade"] = 7
    path = tmp_path / "ae.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(bs.SchemaError, match=r"^ae\.csv: data row 1, .*\(and 1 more problem\)$"):
        read_adverse_events(path, cohort())


def test_missing_columns() -> None:
    _ae_error(adverse_events().drop(columns=["soc"]), "<DataFrame>: missing required column soc")
    _ae_error(
        adverse_events().drop(columns=["onset_day"]),
        "missing required column onset_day or onset_date",
    )


def test_onset_dates_need_and_use_the_transplant_date() -> None:
    frame = adverse_events().drop(columns=["onset_day"]).assign(onset_date="2023-01-01")
    _ae_error(frame, "onset_date needs the transplant date")
    dated = bs.load_events(
        pd.DataFrame(
            {
                "patient_id": ["A"],
                "hsct_date": ["2023-01-01"],
                "enrollment_date": ["2023-03-12"],
                "last_contact_date": ["2023-12-31"],
            }
        )
    )
    ae = pd.DataFrame(
        {
            "patient_id": ["A", "A"],
            "term": ["Pyrexia"] * 2,
            "soc": ["General"] * 2,
            "grade": [1, 2],
            "onset_date": ["2023-03-13", "2023-04-10"],
            "onset_day": [71, None],
        }
    )
    assert read_adverse_events(ae, dated).frame["onset_day"].tolist() == [71.0, 99.0]
    ae.loc[0, "onset_day"] = 70
    with pytest.raises(InputError, match=re.escape("onset_day 70 disagrees with onset_date")):
        read_adverse_events(ae, dated)
    ae.loc[0, "onset_day"] = 71
    ae.loc[1, "onset_date"] = "10/04/2023"
    with pytest.raises(InputError, match=re.escape("onset_date '10/04/2023' is ambiguous")):
        read_adverse_events(ae, dated)
    ae.loc[1, "onset_date"] = "next week"
    with pytest.raises(InputError, match=re.escape("onset_date 'next week' is not a date")):
        read_adverse_events(ae, dated)


def _dated_cohort() -> bs.Cohort:
    return bs.load_events(
        pd.DataFrame(
            {
                "patient_id": ["A"],
                "hsct_date": ["2023-01-01"],
                "enrollment_date": ["2023-03-12"],
                "last_contact_date": ["2023-12-31"],
            }
        )
    )


@pytest.mark.parametrize("written", ["10APR2023", "10-Apr-2023", "2023/04/10", "2023-04-10"])
def test_onset_dates_follow_the_event_tables_date_rule(written: str) -> None:
    ae = pd.DataFrame(
        {
            "patient_id": ["A"],
            "term": ["Pyrexia"],
            "soc": ["General"],
            "grade": [1],
            "onset_date": [written],
        }
    )
    assert read_adverse_events(ae, _dated_cohort()).frame["onset_day"].tolist() == [99.0]
    ae["onset_date"] = ["04/10/2023"]
    with pytest.raises(InputError, match=re.escape("onset_date '04/10/2023' is ambiguous")):
        read_adverse_events(ae, _dated_cohort())
    assert read_adverse_events(ae, _dated_cohort(), date_format="%m/%d/%Y").frame[
        "onset_day"
    ].tolist() == [99.0]


def test_one_date_layout_per_table() -> None:
    ae = pd.DataFrame(
        {
            "patient_id": ["A", "A"],
            "term": ["Pyrexia"] * 2,
            "soc": ["General"] * 2,
            "grade": [1, 1],
            "onset_date": ["2023-04-10", "11APR2023"],
        }
    )
    message = (
        "<DataFrame>: data row 2, patient 'A': onset_date '11APR2023' is written as SAS DATE9 "
        "(14MAR2021) but onset_date '2023-04-10' of patient 'A' is written as ISO 8601 "
        "(2021-03-14): mixed date formats in one table"
    )
    with pytest.raises(InputError, match=re.escape(message)):
        read_adverse_events(ae, _dated_cohort())


def test_infusion_dates_follow_the_event_tables_date_rule() -> None:
    dosing_frame = pd.DataFrame(
        {
            "patient_id": ["A", "A"],
            "course": [1, 1],
            "infusion_date": ["12MAR2023", "13MAR2023"],
            "dose_ug": [9.0, 28.0],
        }
    )
    got = read_dosing(dosing_frame, _dated_cohort()).frame["infusion_day"].tolist()
    assert got == [70.0, 71.0]
    dosing_frame["infusion_date"] = ["03/12/2023", "03/13/2023"]
    with pytest.raises(InputError, match=re.escape("infusion_date '03/12/2023' is ambiguous")):
        read_dosing(dosing_frame, _dated_cohort())


def _dose_error(frame: pd.DataFrame, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        read_dosing(frame, cohort())


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (0, "patient_id", "P5", "data row 1, patient 'P5': an infusion is recorded but the event"),
        (0, "dose_ug", -8, "data row 1, patient 'P1': dose_ug -8 is not a daily dose in ug"),
        (
            0,
            "dose_ug",
            96000,
            "dose_ug 96000 is not a daily dose in ug (expected 0-48; mg for ug?)",
        ),
        (0, "course", 0, "data row 1, patient 'P1': course 0 is not a course number"),
        (0, "course", 1.5, "data row 1, patient 'P1': course 1.5 is not a course number"),
        (17, "infusion_day", 151, "data row 18, patient 'P2': infusion on day 151 is after death"),
        (38, "infusion_day", 96, "patient 'P4': infusion on day 96 is after last contact (day 95)"),
        (0, "infusion_day", 69, "infusion on day 69 is before the first dose of the event table"),
        (1, "infusion_day", 70, "data row 2, patient 'P1': a second record for infusion day 70"),
        (7, "course", 1, "data row 8, patient 'P1': course 1 on day 135"),
        (0, "dexamethasone", "perhaps", "dexamethasone 'perhaps' is not yes/no"),
    ],
)
def test_dosing_errors(row: int, column: str, value: object, message: str) -> None:
    frame = dosing().astype({column: object})
    frame.loc[row, column] = value
    if column == "course" and value == 1:  # course 3 before course... make course go backwards
        frame.loc[8:13, "course"] = 3
        frame.loc[14:16, "course"] = 2
        message = "data row 15, patient 'P1': course 2 on day 215 comes after a later-numbered"
    _dose_error(frame, message)


def test_dosing_unknown_patient_and_missing_column() -> None:
    frame = dosing()
    frame.loc[5, "patient_id"] = "ZZ"
    _dose_error(frame, "data row 6, patient 'ZZ': patient_id is not in the event table")
    _dose_error(dosing().drop(columns=["dose_ug"]), "missing required column dose_ug")


def test_column_mapping_names_the_users_column(tmp_path: Path) -> None:
    frame = adverse_events().rename(columns={"grade": "AETOXGR"})
    frame.loc[0, "AETOXGR"] = 9
    path = tmp_path / "ae.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=re.escape("'AETOXGR' (grade) 9 is not a CTCAE grade")):
        read_adverse_events(path, cohort(), columns={"AETOXGR": "grade"})
