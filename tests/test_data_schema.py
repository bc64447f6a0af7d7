"""Schema validation: one clear message per problem, warnings that keep the row."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.data.schema import SchemaError, validate


def base(**overrides: list[object]) -> pd.DataFrame:
    """Three valid patients in calendar dates; `overrides` replaces or adds columns."""
    cols: dict[str, list[object]] = {
        "patient_id": ["P01", "P02", "P03"],
        "hsct_date": ["2021-01-10", "2021-02-01", "2021-03-05"],
        "enrollment_date": ["2021-03-20", "2021-04-10", "2021-05-20"],
        "last_contact_date": ["2022-06-01", "2021-09-01", "2022-01-15"],
        "relapse_date": [None, "2021-08-01", None],
        "death_date": [None, "2021-09-01", None],
        "agvhd_date": ["2021-02-05", None, None],
        "agvhd_grade": [3, 0, 1],
        "cgvhd_date": [None, None, "2021-10-01"],
        "cgvhd_severity": ["none", "none", "mild"],
        "donor": ["MUD", "MSD", "haplo"],
    }
    cols.update(overrides)
    return pd.DataFrame(cols)


def error(frame: pd.DataFrame, **options: object) -> str:
    with pytest.raises(SchemaError) as info:
        bs.load_events(frame, **options)  # type: ignore[arg-type]
    return str(info.value)


def test_valid_table_gives_days_since_transplant() -> None:
    cohort = bs.load_events(base())
    f = cohort.frame
    # 2021-01-10 -> 2021-03-20 is 69 days; 2021-02-01 -> 2021-08-01 is 181 days
    assert f.loc[0, "enrollment_day"] == 69
    assert f.loc[1, "relapse_day"] == 181
    assert f.loc[1, "death_day"] == 212
    assert np.isnan(f.loc[0, "relapse_day"])
    assert list(f["cgvhd_severity"]) == ["none", "none", "mild"]
    # issue 13: a grade III patient without agvhd_3_4_date is timed at the first onset, warned
    assert [w.column for w in cohort.warnings] == ["agvhd_3_4_date"]
    assert cohort.covariates == ("donor",)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (base().iloc[:0], "<DataFrame>: the table is empty (no patients)"),
        (base().drop(columns="patient_id"), "<DataFrame>: missing required column patient_id"),
        (
            base().drop(columns="last_contact_date"),
            "<DataFrame>: missing required column last_contact_date or last_contact_day",
        ),
        (
            base().drop(columns="hsct_date"),
            "<DataFrame>: missing required column hsct_date (needed by enrollment_date, "
            "last_contact_date, relapse_date, death_date, agvhd_date, cgvhd_date)",
        ),
        (
            base(patient_id=["P01", "P02", "P01"]),
            "<DataFrame>: patient 'P01': patient_id appears more than once",
        ),
        (
            base(patient_id=["P01", None, "P03"]),
            "<DataFrame>: patient_id is empty in data row(s) 2",
        ),
    ],
)
def test_structural_errors(frame: pd.DataFrame, message: str) -> None:
    assert error(frame) == message


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"relapse_date": [None, "2021-13-01", None]},
            "patient 'P02': relapse_date '2021-13-01' is not a valid date",
        ),
        (
            {"relapse_date": [None, "next week", None]},
            "patient 'P02': relapse_date 'next week' is not a date (expected e.g. 2021-03-14 "
            "or 14MAR2021, or pass date_format)",
        ),
        (
            {"relapse_date": [None, "01/08/2021", None]},
            "patient 'P02': relapse_date '01/08/2021' is ambiguous (day/month or month/day?): "
            "pass date_format, e.g. '%d/%m/%Y'",
        ),
        (
            {"death_date": [None, "01SEP2021", None]},
            "patient 'P02': death_date '01SEP2021' is written as SAS DATE9 (14MAR2021) but "
            "hsct_date '2021-01-10' of patient 'P01' is written as ISO 8601 (2021-03-14): "
            "mixed date formats in one table",
        ),
        (
            {"relapse_day": [None, "soon", None]},
            "patient 'P02': relapse_day 'soon' is not a number of days",
        ),
        (
            {"agvhd_date": ["2021-01-05", None, None]},
            "patient 'P01': agvhd_date is day -5, before the transplant (day 0)",
        ),
        (
            {"cgvhd_date": [None, None, "2022-02-01"]},
            "patient 'P03': cgvhd_date (day 333) is after last_contact_date (day 316)",
        ),
        (
            {"relapse_date": [None, "2021-09-02", None]},
            "patient 'P02': relapse relapse_date (day 213) is after death_date (day 212)",
        ),
        (
            {"agvhd_date": [None, "2021-09-03", None], "agvhd_grade": [3, 2, 1]},
            "patient 'P02': aGVHD onset agvhd_date (day 214) is after death_date (day 212)",
        ),
        (
            {"last_contact_date": ["2022-06-01", "2021-10-01", "2022-01-15"]},
            "patient 'P02': last_contact_date (day 242) is after death_date (day 212)",
        ),
        (
            {"enrollment_date": ["2021-03-20", "2021-04-10", "2022-02-20"]},
            "patient 'P03': enrollment_date (day 352) is after last_contact_date (day 316)",
        ),
        ({"agvhd_grade": [3, 0, 5]}, "patient 'P03': agvhd_grade 5 is not a grade 0, 1, 2, 3 or 4"),
        (
            {"cgvhd_severity": ["none", "none", "extensive"]},
            "patient 'P03': cgvhd_severity 'extensive' is not one of none, mild, moderate, severe",
        ),
        (
            {"relapse_day": [None, 180, None]},
            "patient 'P02': relapse_day 180 disagrees with relapse_date 2021-08-01 (day 181)",
        ),
        (
            {"agvhd_grade": [1, 0, 1]},
            "patient 'P01': agvhd_date is given (day 26) but agvhd_grade is 1: the date is "
            "the onset of grade II-IV",
        ),
        (
            {"cgvhd_severity": ["none", "none", "none"]},
            "patient 'P03': cgvhd_date is given (day 210) but cgvhd_severity is 'none'",
        ),
        (
            {"last_contact_date": ["2022-06-01", "2021-09-01", None]},
            "patient 'P03': last_contact_date is empty and no death is recorded: follow-up is "
            "unknown",
        ),
    ],
)
def test_value_errors_name_file_patient_and_column(
    overrides: dict[str, list[object]], message: str
) -> None:
    assert error(base(**overrides)) == f"<DataFrame>: {message}"


def test_every_problem_is_collected() -> None:
    with pytest.raises(SchemaError) as info:
        bs.load_events(base(agvhd_grade=[7, 0, 9], cgvhd_severity=["x", "none", "mild"]))
    assert len(info.value.problems) == 3
    assert str(info.value).endswith("(and 2 more problems)")
    assert isinstance(info.value, bs.errors.InputError)


def test_messages_use_the_sites_own_column_names() -> None:
    frame = base(agvhd_grade=[3, 0, 6]).rename(columns={"agvhd_grade": "AGVHD_MAX"})
    msg = "<DataFrame>: patient 'P03': 'AGVHD_MAX' (agvhd_grade) 6 is not a grade 0, 1, 2, 3 or 4"
    with pytest.raises(SchemaError, match=re.escape(msg)):
        bs.load_events(frame, columns={"AGVHD_MAX": "agvhd_grade"})


def test_date_format_reads_day_first_dates() -> None:
    frame = base(relapse_date=[None, "01/08/2021", None])
    frame = frame.drop(columns=["hsct_date"]).assign(
        hsct_date=["10/01/2021", "01/02/2021", "05/03/2021"]
    )
    for col in ("enrollment_date", "last_contact_date", "death_date", "agvhd_date", "cgvhd_date"):
        frame[col] = pd.to_datetime(frame[col]).dt.strftime("%d/%m/%Y")
    cohort = bs.load_events(frame, date_format="%d/%m/%Y")
    assert cohort.frame.loc[1, "relapse_day"] == 181
    bad = error(frame.assign(death_date=[None, "2021-09-01", None]), date_format="%d/%m/%Y")
    assert bad == (
        "<DataFrame>: patient 'P02': death_date '2021-09-01' does not match date_format '%d/%m/%Y'"
    )


def test_days_and_dates_may_be_mixed_and_agree() -> None:
    frame = base(relapse_day=[None, 181, None], death_day=[None, None, None])
    cohort = bs.load_events(frame)
    assert cohort.frame.loc[1, "relapse_day"] == 181
    assert cohort.frame.loc[1, "death_day"] == 212


def test_days_only_need_no_transplant_date() -> None:
    frame = pd.DataFrame({"patient_id": [1, 2], "last_contact_day": [100, 50.5]})
    cohort = bs.load_events(frame)
    assert cohort.patient_ids == ("1", "2")
    assert "hsct_date" not in cohort.frame.columns
    assert cohort.present == frozenset({"last_contact"})


def test_warnings_keep_the_row_and_say_why() -> None:
    frame = base(
        last_contact_date=["2022-06-01", None, "2022-01-15"],
        enrollment_date=["2021-03-20", "2021-04-10", None],
        agvhd_date=[None, None, "2021-04-01"],
        agvhd_grade=[3, 0, None],
        cgvhd_date=[None, None, None],
        cgvhd_severity=["moderate", "none", "mild"],
    )
    cohort = bs.load_events(frame)
    assert [str(w) for w in cohort.warnings] == [
        "<DataFrame>: patient 'P02': last_contact_date is empty; follow-up ends at death (day 212)",
        "<DataFrame>: patient 'P03': enrollment_date is empty: the patient is left out of every "
        "endpoint that starts at enrollment",
        "<DataFrame>: patient 'P01': agvhd_grade is 3 but agvhd_date is empty: left out of the "
        "aGVHD endpoints (onset unknown)",
        "<DataFrame>: patient 'P03': agvhd_grade is empty for aGVHD on day 27: counts as grade "
        "II-IV, left out of grade III-IV",
        "<DataFrame>: patient 'P01': cgvhd_severity is 'moderate' but cgvhd_date is empty: left "
        "out of the cGVHD endpoints (onset unknown)",
        "<DataFrame>: patient 'P03': cgvhd_severity is 'mild' but cgvhd_date is empty: left out "
        "of the cGVHD endpoints (onset unknown)",
    ]
    assert cohort.n_patients == 3
    assert cohort.frame.loc[1, "last_contact_day"] == 212
    # and the endpoints say who they left out
    assert dict(cohort.endpoint("agvhd").exclusions)["P01"] == "aGVHD without onset date"
    assert dict(cohort.endpoint("agvhd_3_4").exclusions)["P01"] == "aGVHD without onset date"
    assert dict(cohort.endpoint("cgvhd").exclusions)["P03"] == "cGVHD without onset date"
    # mild cGVHD without a date is no moderate/severe event: only enrollment is missing
    conditional = cohort.endpoint("cgvhd_mod_severe", gvhd_entry="enrollment")
    assert dict(conditional.exclusions)["P03"] == "enrollment missing"


def test_relapse_before_enrollment_is_a_warning() -> None:
    frame = pd.DataFrame(
        {
            "patient_id": ["a", "b"],
            "enrollment_day": [70, 80],
            "last_contact_day": [300, 300],
            "relapse_day": [60, None],
        }
    )
    (w,) = bs.load_events(frame).warnings
    assert str(w) == (
        "<DataFrame>: patient 'a': relapse_day (day 60) is before enrollment_day (day 70): "
        "not in remission at the first dose"
    )


def test_missing_grade_column_is_one_table_warning() -> None:
    cohort = bs.load_events(base().drop(columns=["agvhd_grade", "cgvhd_severity"]))
    assert [str(w) for w in cohort.warnings] == [
        "<DataFrame>: no agvhd_grade column: every recorded aGVHD counts as grade II-IV; "
        "grade III-IV aGVHD and GRFS are not estimable",
        "<DataFrame>: no cgvhd_severity column: moderate/severe cGVHD and GRFS are not estimable",
    ]
    assert not cohort.has_agvhd_grade and not cohort.has_cgvhd_severity


def test_validate_leaves_its_input_alone() -> None:
    frame = base()
    before = frame.copy()
    validate(frame, "x.csv")
    pd.testing.assert_frame_equal(frame, before)
