"""The data cut-off counts in days: dates centuries apart, and cut-offs beyond pandas' range."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.cli import main
from blina_stats.errors import InputError


def far_apart() -> pd.DataFrame:
    """Transplants in 1700, 2000 and 2240; patient a followed until 2250."""
    return pd.DataFrame(
        {
            "patient_id": ["a", "b", "c"],
            "hsct_date": ["1700-01-01", "2000-01-01", "2240-01-01"],
            "enrollment_date": ["1700-03-01", "2000-02-01", "2240-02-01"],
            "last_contact_date": ["2250-01-01", "2001-01-01", "2241-01-01"],
            "relapse_date": ["2249-01-01", None, None],
        }
    )


def days(later: str, earlier: str) -> float:
    """Whole days between two ISO dates, by the standard library (no pandas, no nanoseconds)."""
    return float((dt.date.fromisoformat(later) - dt.date.fromisoformat(earlier)).days)


def test_a_cutoff_between_dates_centuries_apart_counts_its_days() -> None:
    """pandas' nanosecond subtraction of 1700 from 2000 overflowed: a bare OverflowError."""
    cohort = bs.load_events(far_apart(), cutoff="2000-07-01")
    f = cohort.frame.set_index("patient_id")
    assert cohort.patient_ids == ("a", "b")
    assert cohort.excluded == (("c", "transplanted after the data cut-off"),)
    assert f.loc["a", "last_contact_day"] == days("2000-07-01", "1700-01-01")
    assert f.loc["b", "last_contact_day"] == days("2000-07-01", "2000-01-01") == 182.0
    assert np.isnan(f.loc["a", "relapse_day"])
    assert cohort.cutoff_changes == {
        "transplanted after the data cut-off": 1,
        "relapse after the data cut-off ignored": 1,
        "follow-up truncated at the data cut-off": 2,
    }


@pytest.mark.parametrize("cutoff", ["2262-06-01", "3000-01-01", dt.date(9999, 12, 31)])
def test_a_cutoff_after_pandas_last_timestamp_changes_nothing(cutoff: str | dt.date) -> None:
    """pandas cannot hold a date after 2262-04-11 in nanoseconds (OutOfBoundsDatetime)."""
    cohort = bs.load_events(far_apart(), cutoff=cutoff)
    assert cohort.cutoff_changes == {}
    assert cohort.frame["last_contact_day"].tolist() == [
        days("2250-01-01", "1700-01-01"),
        days("2001-01-01", "2000-01-01"),
        days("2241-01-01", "2240-01-01"),
    ]
    assert [w.message for w in cohort.warnings if w.column == "cutoff"] == [
        f"data cut-off {cohort.cutoff}: after every patient's follow-up; it changes nothing"
    ]


def test_a_cutoff_before_pandas_first_timestamp_is_before_every_transplant() -> None:
    msg = (
        "<DataFrame>: cutoff 1600-01-01 is before every transplant "
        "(the first hsct_date is 1700-01-01)"
    )
    with pytest.raises(InputError, match=re.escape(msg)):
        bs.load_events(far_apart(), cutoff="1600-01-01")


def test_before_every_enrollment_names_the_first_enrollment() -> None:
    """The message added the smallest enrollment day to the earliest transplant: 2000-02-01,
    a day no patient was enrolled on."""
    frame = pd.DataFrame(
        {
            "patient_id": ["a", "b"],
            "hsct_date": ["2000-01-01", "2000-03-01"],
            "enrollment_date": ["2000-06-01", "2000-04-01"],
            "last_contact_date": ["2001-01-01", "2001-01-01"],
        }
    )
    msg = "<DataFrame>: cutoff 2000-03-15 is before every enrollment (the first is 2000-04-01)"
    with pytest.raises(InputError, match=re.escape(msg)):
        bs.load_events(frame, cutoff="2000-03-15")


def test_cli_cutoff_between_dates_centuries_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI printed pandas' OverflowError traceback."""
    path = tmp_path / "far.csv"
    far_apart().to_csv(path, index=False)
    assert main(["estimate", str(path), "--json", "--cutoff", "2000-07-01"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["cutoff"] == "2000-07-01"
    assert doc["cutoff_changes"] == {
        "transplanted after the data cut-off": 1,
        "relapse after the data cut-off ignored": 1,
        "follow-up truncated at the data cut-off": 2,
    }
    assert main(["estimate", str(path), "--json", "--cutoff", "3000-01-01"]) == 0
    assert json.loads(capsys.readouterr().out)["cutoff_changes"] == {}
