"""The validation toolkit shared by every input table: collector, ids and cell parsers."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blina_stats.data._cells import (
    Problems,
    SchemaError,
    ValidationWarning,
    blank,
    data_rows,
    numbers,
    parse_bool,
    parse_choice,
    parse_days,
    parse_number,
    parse_text,
    patient_ids,
    show,
)
from blina_stats.data._dates import Dates, days_to_timedelta

IDS = pd.Series(["P1", "P2", "P3"])


def _problems(**kw: object) -> Problems:
    return Problems("t.csv", IDS, {"grade": "AETOXGR"}, **kw)  # type: ignore[arg-type]


def test_collector_names_file_patient_and_users_column() -> None:
    p = _problems()
    assert p.col("grade") == "'AETOXGR' (grade)"
    assert p.col("term") == "term"
    p.error(np.array([False, True, True]), lambda i: f"bad {i}")
    p.table_error("whole table")
    p.warn(np.array([True, False, False]), "term", lambda i: "kept")
    assert p.errors == [
        "t.csv: patient 'P2': bad 1",
        "t.csv: patient 'P3': bad 2",
        "t.csv: whole table",
    ]
    assert p.warnings == [ValidationWarning("t.csv", "P1", "term", "kept")]
    assert str(p.warnings[0]) == "t.csv: patient 'P1': kept"
    with pytest.raises(
        SchemaError, match=re.escape("t.csv: patient 'P2': bad 1 (and 2 more problems)")
    ) as err:
        p.raise_if_any()
    assert len(err.value.problems) == 3


def test_collector_silent_without_errors_and_data_row_messages() -> None:
    _problems().raise_if_any()
    p = _problems(where=data_rows(IDS, rows=[7, 8, 9]))
    p.error([True, False, False], lambda i: "x")
    assert p.errors == ["t.csv: data row 7, patient 'P1': x"]
    assert data_rows(IDS)(2) == "data row 3, patient 'P3'"


def test_patient_ids() -> None:
    assert patient_ids(pd.Series([7.0, 8.0]), "s").tolist() == ["7", "8"]
    assert patient_ids(pd.Series([" 007 "]), "s").tolist() == ["007"]
    with pytest.raises(SchemaError, match=re.escape("s: patient_id is empty in data row(s) 2")):
        patient_ids(pd.Series(["A", " "]), "s")
    with pytest.raises(
        SchemaError, match=re.escape("s: patient 'A': patient_id appears more than once")
    ):
        patient_ids(pd.Series(["A", "A"]), "s")
    assert patient_ids(pd.Series(["A", "A"]), "s", unique=False).tolist() == ["A", "A"]


def test_show_and_blank() -> None:
    assert show(np.int64(3)) == "3"
    assert show("x") == "'x'"
    assert blank(pd.Series([None, " ", "a", np.nan])).tolist() == [True, True, False, True]


def test_numbers_and_days() -> None:
    num, bad = numbers(pd.Series(["1", "", "x", "inf"]))
    assert bad.tolist() == [False, False, True, True]
    assert np.isnan(num.iloc[1])
    p = _problems()
    days = parse_days(pd.Series(["3", "soon", ""]), "relapse_day", p)
    assert days.iloc[0] == 3.0 and np.isnan(days.iloc[1]) and np.isnan(days.iloc[2])
    assert p.errors == ["t.csv: patient 'P2': relapse_day 'soon' is not a number of days"]


def test_bool_number_choice_text() -> None:
    p = _problems()
    flags = parse_bool(pd.Series(["Yes", "0", "maybe"]), "hiv", p)
    assert flags.tolist()[:2] == [True, False] and flags.isna().iloc[2]
    num = parse_number(pd.Series([70, 65, "x"]), "kps", p, low=0, high=100, step=10, what="a KPS")
    assert num.iloc[0] == 70 and num.isna().iloc[1] and num.isna().iloc[2]
    sex = parse_choice(pd.Series(["male", "", "X"]), "sex", p, {"male": "M", "f": "F"})
    assert sex.iloc[0] == "M" and sex.isna().iloc[1]
    text = parse_text(pd.Series([" CRS ", "", None]), "term", p)
    assert text.iloc[0] == "CRS"
    assert p.errors == [
        "t.csv: patient 'P3': hiv 'maybe' is not yes or no",
        "t.csv: patient 'P3': kps 'x' is not a KPS",  # not-a-number before out-of-range
        "t.csv: patient 'P2': kps 65 is not a KPS",
        "t.csv: patient 'P3': sex 'X' is not one of F, M",
        "t.csv: patient 'P2': term is empty",
        "t.csv: patient 'P3': term is empty",
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            "03/04/2021",
            "d '03/04/2021' is ambiguous (day/month or month/day?): "
            "pass date_format, e.g. '%d/%m/%Y'",
        ),
        ("2021-02-30", "d '2021-02-30' is not a valid date"),
        (
            "next week",
            "d 'next week' is not a date "
            "(expected e.g. 2021-03-14 or 14MAR2021, or pass date_format)",
        ),
    ],
)
def test_bad_dates(cell: str, message: str) -> None:
    p = Problems("t.csv", pd.Series(["P1"]))
    Dates(p).parse(pd.Series([cell]), "d")
    assert p.errors == [f"t.csv: patient 'P1': {message}"]


def test_date_format_sas_numbers_and_native() -> None:
    p = Problems("t.csv", pd.Series(["P1", "P2"]))
    got = Dates(p, date_format="%d/%m/%Y").parse(pd.Series(["03/04/2021", "2021-04-03"]), "d")
    assert got.iloc[0] == pd.Timestamp("2021-04-03")
    assert p.errors == ["t.csv: patient 'P2': d '2021-04-03' does not match date_format '%d/%m/%Y'"]
    sas = Dates(p, sas_dates=True).parse(pd.Series([22353.0, np.nan]), "d")
    assert sas.iloc[0] == pd.Timestamp("2021-03-14") and pd.isna(sas.iloc[1])
    q = Problems("t.csv", pd.Series(["P1"]))
    Dates(q).parse(pd.Series([22353]), "d")
    assert q.errors == [
        "t.csv: patient 'P1': d 22353 is a number, not a date (SAS dates: load with sas_dates=True)"
    ]
    native = Dates(q).parse(pd.Series([dt.date(2021, 3, 14)], dtype=object), "d")
    assert native.iloc[0] == pd.Timestamp("2021-03-14")
    assert days_to_timedelta([1.0, np.nan])[0] == np.timedelta64(1, "D")


def test_mixed_layouts_in_one_table() -> None:
    p = Problems("t.csv", pd.Series(["P1", "P2"]))
    dates = Dates(p)
    dates.parse(pd.Series(["2021-03-14", None]), "a")
    dates.parse(pd.Series([None, "14MAR2021"]), "b")
    assert not p.errors
    dates.check_mixed()
    assert p.errors == [
        "t.csv: patient 'P2': b '14MAR2021' is written as SAS DATE9 (14MAR2021) but a "
        "'2021-03-14' of patient 'P1' is written as ISO 8601 (2021-03-14): mixed date formats "
        "in one table"
    ]


LAYOUTS = (
    lambda d: d.strftime("%Y-%m-%d"),
    lambda d: f"{d.year}-{d.month}-{d.day}",
    lambda d: d.strftime("%Y-%m-%dT08:30:00"),
    lambda d: d.strftime("%d%b%Y").upper(),
    lambda d: d.strftime("%d-%b-%Y"),
    lambda d: d.strftime("%Y/%m/%d"),
    lambda d: d,  # a native date
)


@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_layout_reads_the_same_day(day: dt.date) -> None:
    read = []
    for write in LAYOUTS:
        p = Problems("t.csv", pd.Series(["P1"]))
        read.append(Dates(p).parse(pd.Series([write(day)], dtype=object), "d").iloc[0])
        assert not p.errors, p.errors
    assert set(read) == {pd.Timestamp(day)}
