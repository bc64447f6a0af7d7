"""Adverse-event onsets and infusion dates are counted in days, as the event table's dates."""

from __future__ import annotations

import datetime as dt

import pandas as pd

import blina_stats as bs
from blina_stats import safety


def centuries() -> bs.Cohort:
    """One patient transplanted in 1700 and followed until 2250."""
    return bs.load_events(
        pd.DataFrame(
            {
                "patient_id": ["a"],
                "hsct_date": ["1700-01-01"],
                "enrollment_date": ["1700-02-01"],
                "last_contact_date": ["2250-01-01"],
            }
        )
    )


def days(later: str, earlier: str) -> float:
    return float((dt.date.fromisoformat(later) - dt.date.fromisoformat(earlier)).days)


def test_an_onset_date_centuries_after_the_transplant_is_counted_in_days() -> None:
    """pandas' nanosecond subtraction raised a bare OverflowError."""
    ae = pd.DataFrame(
        {
            "patient_id": ["a"],
            "term": ["Fever"],
            "soc": ["General disorders"],
            "grade": [1],
            "onset_date": ["2000-01-01"],
        }
    )
    events = safety.read_adverse_events(ae, centuries())
    assert events.frame["onset_day"].tolist() == [days("2000-01-01", "1700-01-01")]


def test_an_infusion_date_centuries_after_the_transplant_is_counted_in_days() -> None:
    dosing = pd.DataFrame(
        {"patient_id": ["a"], "course": [1], "infusion_date": ["2000-01-01"], "dose_ug": [9.0]}
    )
    records = safety.read_dosing(dosing, centuries())
    assert records.frame["infusion_day"].tolist() == [days("2000-01-01", "1700-01-01")]


def test_nrm_person_time_with_transplants_centuries_apart_counts_days() -> None:
    """The calendar start of each patient was a nanosecond difference: OverflowError."""
    cohort = bs.load_events(
        pd.DataFrame(
            {
                "patient_id": ["a", "b"],
                "hsct_date": ["1700-01-01", "2020-01-01"],
                "enrollment_date": ["1700-03-01", "2020-03-01"],
                "last_contact_date": ["1702-01-01", "2022-01-01"],
            }
        )
    )
    from blina_stats.safety.monitoring_rules import nrm_person_time

    pt = nrm_person_time(cohort)
    first, second = (float(pt.loc[p, "enrolled"]) for p in ("a", "b"))
    assert first == days("1700-03-01", "1700-01-01")
    assert second == days("2020-03-01", "1700-01-01")
