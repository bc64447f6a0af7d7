"""Tests for blina_stats.eligibility.screening: the criteria applied by hand to small logs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from blina_stats.data import SchemaError
from blina_stats.eligibility import (
    CRITERIA,
    check_eligibility,
    criteria_met,
    criteria_table,
    read_screening,
)
from blina_stats.errors import InputError

IDS = tuple(CRITERIA)


def _base(pid: str = "OK") -> dict[str, Any]:
    """A screened patient who meets every criterion (a woman, to exercise I10)."""
    return {
        "patient_id": pid,
        "consent_date": "2022-03-01",
        "birth_date": "1980-06-15",
        "sex": "F",
        "childbearing_potential": "yes",
        "pregnancy_test": "negative",
        "pregnancy_test_date": "2022-03-05",
        "first_dose_date": "2022-03-10",
        "relapse_history": "yes",
        "mrd_positive_pre_hsct": "no",
        "kps": 80,
        "ecog": 1,
        "expected_survival_months": 12,
        "cr_after_hsct": "yes",
        "cns_involvement": "no",
        "serious_organ_damage": "no",
        **{c.columns[0]: "no" for c in CRITERIA.values() if c.kind == "exclusion"},
    }


def _labs(pid: str, engrafts: bool = True) -> pd.DataFrame:
    """Daily labs, days 0-60: aplasia to day 11, then recovery (or no platelet recovery)."""
    day = np.arange(61)
    anc = np.where(day >= 12, 2.0, 0.1)
    plt = np.where(day >= 15, 80.0, 10.0) if engrafts else np.full(61, 10.0)
    hb = np.where(day >= 20, 95.0, 70.0)
    return pd.DataFrame(
        {
            "patient_id": pid,
            "day": day,
            "anc": anc,
            "platelets": plt,
            "hb": hb,
            "gcsf": False,
            "platelet_transfusion": False,
            "rbc_transfusion": False,
        }
    )


# one change per criterion that makes that criterion, and only it, fail
BREAK: dict[str, dict[str, Any]] = {
    "I1": {"relapse_history": "no", "mrd_positive_pre_hsct": "no"},
    "I2": {"birth_date": "1950-01-01"},
    "I3": {"kps": 60, "ecog": 3},
    "I4": {"expected_survival_months": 3},
    "I5": {"cr_after_hsct": "no"},
    "I6": {},  # labs without platelet engraftment
    "I7": {"cns_involvement": "yes"},
    "I8": {"serious_organ_damage": "yes"},
    "I9": {"consent": "no"},
    "I10": {"pregnancy_test": "positive"},
    **{
        cid: {c.columns[0]: "yes"}
        for cid, c in CRITERIA.items()
        if c.kind == "exclusion" and cid != "E8"
    },
    "E8": {"pregnant_or_lactating": "yes"},
}


def _one_failure_each() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [_base("OK")]
    labs = [_labs("OK")]
    for cid, change in BREAK.items():
        rows.append({**_base(f"X-{cid}"), **change})
        labs.append(_labs(f"X-{cid}", engrafts=cid != "I6"))
    log = pd.DataFrame(rows)
    log["consent"] = np.where(log["patient_id"] == "X-I9", "no", "yes")
    return log, pd.concat(labs, ignore_index=True)


def test_each_patient_fails_exactly_one_criterion() -> None:
    assert set(BREAK) == set(IDS)
    log, labs = _one_failure_each()
    out = check_eligibility(log, labs)
    assert list(out.columns) == ["patient_id", "failed", "unknown", "eligible"]
    assert out["eligible"].dtype == "boolean"
    assert out.loc[0, "failed"] == () and out.loc[0, "unknown"] == ()
    assert bool(out.loc[0, "eligible"]) is True
    for i, cid in enumerate(BREAK, start=1):
        assert out.loc[i, "patient_id"] == f"X-{cid}"
        assert out.loc[i, "failed"] == (cid,), cid
        assert out.loc[i, "unknown"] == (), cid
        assert bool(out.loc[i, "eligible"]) is False


def test_failed_in_protocol_order_and_without_labs_i6_unknown() -> None:
    row = {**_base("P"), "kps": 50, "ecog": 4, "hiv": "yes", "relapse_history": "no"}
    row["mrd_positive_pre_hsct"] = "no"
    out = check_eligibility(pd.DataFrame([row, _base("Q")]))
    assert out.loc[0, "failed"] == ("I1", "I3", "E9")
    assert out.loc[0, "unknown"] == ("I6",)
    assert bool(out.loc[0, "eligible"]) is False
    # nothing failed, I6 unjudged: eligibility is missing, not True
    assert out.loc[1, "failed"] == () and out.loc[1, "unknown"] == ("I6",)
    assert out.loc[1, "eligible"] is pd.NA


def test_absent_columns_are_unknown_never_passed() -> None:
    out = check_eligibility(pd.DataFrame({"patient_id": ["A"]}))
    # I10 and E8 read sex; without it they cannot be judged either
    assert out.loc[0, "unknown"] == IDS
    assert out.loc[0, "eligible"] is pd.NA


def _met(rows: list[dict[str, Any]], cid: str) -> list[Any]:
    met = criteria_met(pd.DataFrame(rows))[cid]
    return [None if v is pd.NA else bool(v) for v in met]


def test_age_limits_16_and_65_included() -> None:
    rows = [{**_base(str(a)), "birth_date": None, "age": a} for a in (15, 16, 65, 65.9, 66)]
    assert _met(rows, "I2") == [False, True, True, True, False]


def test_age_from_birth_date_counts_birthdays_on_the_day() -> None:
    consent = "2022-03-01"
    births = {
        "16th birthday today": "2006-03-01",
        "16 tomorrow": "2006-03-02",
        "66 tomorrow": "1956-03-02",
        "66th birthday today": "1956-03-01",
        "leap-day birth": "2004-02-29",  # 17 on 2022-03-01
    }
    rows = [{**_base(k), "birth_date": v, "consent_date": consent} for k, v in births.items()]
    assert _met(rows, "I2") == [True, False, True, False, True]
    # birth date without consent date: no age at consent
    assert _met([{**_base(), "consent_date": None}], "I2") == [None]


def test_kps_above_60_or_ecog_0_to_2() -> None:
    cases = [  # (kps, ecog) -> met
        ((60, 3), False),
        ((70, 3), True),
        ((60, 2), True),
        ((60, None), None),
        ((None, 3), None),
        ((70, None), True),
        ((None, 0), True),
        ((None, None), None),
    ]
    rows = [{**_base(str(i)), "kps": k, "ecog": e} for i, ((k, e), _) in enumerate(cases)]
    assert _met(rows, "I3") == [m for _, m in cases]


def test_expected_survival_more_than_3_months() -> None:
    rows = [{**_base(str(v)), "expected_survival_months": v} for v in (3, 3.5, None)]
    assert _met(rows, "I4") == [False, True, None]


def test_relapse_history_or_mrd() -> None:
    cases = [
        (("yes", "no"), True),
        (("no", "yes"), True),
        (("no", "no"), False),
        (("yes", None), True),
        (("no", None), None),
        ((None, None), None),
    ]
    rows = [
        {**_base(str(i)), "relapse_history": r, "mrd_positive_pre_hsct": m}
        for i, ((r, m), _) in enumerate(cases)
    ]
    assert _met(rows, "I1") == [m for _, m in cases]


def test_pregnancy_test_window_0_to_7_days_before_the_dose() -> None:
    dose = "2022-03-10"
    tests = {"7 days": "2022-03-03", "8 days": "2022-03-02", "same day": dose,
             "after": "2022-03-11", "no date": None}  # fmt: skip
    rows = [
        {**_base(k), "pregnancy_test_date": v, "first_dose_date": dose} for k, v in tests.items()
    ]
    assert _met(rows, "I10") == [True, False, True, False, None]


def test_pregnancy_test_dated_centuries_before_the_dose_is_out_of_window() -> None:
    # a typo in the year: the nanosecond difference of the two dates overflowed
    rows = [{**_base("typo"), "birth_date": "1700-06-15", "pregnancy_test_date": "1722-03-05"}]
    assert _met(rows, "I10") == [False]


def test_pregnancy_test_applies_to_women_of_childbearing_potential() -> None:
    late = "2022-02-01"  # 37 days before the dose
    rows = [
        {**_base("man"), "sex": "M", "pregnancy_test": None, "pregnancy_test_date": None},
        {**_base("no potential"), "childbearing_potential": "no", "pregnancy_test_date": late},
        {**_base("positive"), "pregnancy_test": "positive"},
        {**_base("no result"), "pregnancy_test": None},
        {**_base("unknown potential, positive"), "childbearing_potential": None,
         "pregnancy_test": "positive"},
        {**_base("unknown potential, in window"), "childbearing_potential": None},
        {**_base("unknown potential, late"), "childbearing_potential": None,
         "pregnancy_test_date": late},
        {**_base("no dose date"), "first_dose_date": None},
    ]  # fmt: skip
    assert _met(rows, "I10") == [True, True, False, None, False, True, None, None]


def test_pregnant_or_lactating_reads_its_own_column() -> None:
    rows = [
        {**_base("man blank"), "sex": "M", "pregnant_or_lactating": None},
        {**_base("woman blank"), "pregnant_or_lactating": None},
        {**_base("woman yes"), "pregnant_or_lactating": "yes"},
    ]
    assert _met(rows, "E8") == [True, None, False]
    # a positive test fails I10 only; E8 reads pregnant_or_lactating
    out = criteria_met(pd.DataFrame([{**_base("pos"), "pregnancy_test": "positive"}]))
    assert bool(out.loc["pos", "E8"]) is True and bool(out.loc["pos", "I10"]) is False


def test_consent() -> None:
    rows = [
        _base("dated"),
        {**_base("declined"), "consent": "no", "consent_date": None},
        {**_base("blank"), "consent_date": None},
        {**_base("yes, no date"), "consent": "yes", "consent_date": None},
    ]
    assert _met(rows, "I9") == [True, False, None, True]


def test_yes_no_spellings_and_column_mapping(tmp_path: Path) -> None:
    row = {**_base("007"), "cr_after_hsct": "Y", "hiv": "FALSE", "long_qt": 0}
    frame = pd.DataFrame([row]).rename(columns={"kps": "KARNOFSKY", "patient_id": "SUBJID"})
    path = tmp_path / "screening.csv"
    frame.to_csv(path, index=False)
    log = read_screening(path, columns={"KARNOFSKY": "kps", "SUBJID": "patient_id"})
    assert log.patient_ids == ("007",)
    met = criteria_met(log)
    assert met.loc["007"].drop("I6").all()
    assert float(log.frame.loc[0, "age"]) == 41  # 1980-06-15 to 2022-03-01


def test_criteria_table_lists_every_criterion_with_its_columns() -> None:
    table = criteria_table()
    assert tuple(table.index) == IDS
    assert (*(f"I{i}" for i in range(1, 11)), *(f"E{i}" for i in range(1, 13))) == IDS
    assert table.loc["E8", "columns"] == "pregnant_or_lactating"
    assert (table["interpretation"].str.len() > 20).all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kps": 65},
         "<DataFrame>: patient 'P': kps 65 is not a Karnofsky score (0, 10, ..., 100)"),
        ({"kps": "good"}, "patient 'P': kps 'good' is not a Karnofsky score"),
        ({"ecog": 6}, "patient 'P': ecog 6 is not an ECOG score (0-5)"),
        ({"age": 130, "birth_date": None}, "patient 'P': age 130 is not an age in years"),
        ({"hiv": "maybe"}, "patient 'P': hiv 'maybe' is not yes or no"),
        ({"sex": "X"}, "patient 'P': sex 'X' is not one of F, M"),
        ({"pregnancy_test": "unclear"},
         "pregnancy_test 'unclear' is not one of negative, positive"),
        ({"consent_date": "2022-02-30"},
         "patient 'P': consent_date '2022-02-30' is not a valid date"),
        ({"consent_date": "03/04/2022"}, "consent_date '03/04/2022' is ambiguous"),
        ({"first_dose_date": "10MAR2022"}, "mixed date formats in one table"),
        ({"birth_date": "2023-01-01"},
         "patient 'P': birth_date 2023-01-01 is after consent_date 2022-03-01"),
        ({"first_dose_date": "2022-02-01"},
         "patient 'P': first_dose_date 2022-02-01 is before consent_date 2022-03-01"),
        ({"pregnancy_test_date": "1970-01-01"},
         "pregnancy_test_date 1970-01-01 is before birth_date 1980-06-15"),
        ({"age": 40},
         "patient 'P': age 40 disagrees with birth_date 1980-06-15 (age 41 at consent"),
        ({"expected_survival_months": -1}, "expected_survival_months -1 is not a number of months"),
    ],
)  # fmt: skip
def test_bad_cells_name_file_patient_and_column(change: dict[str, Any], message: str) -> None:
    with pytest.raises(SchemaError, match=re.escape(message)):
        read_screening(pd.DataFrame([{**_base("P"), **change}]))


def test_bad_tables(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="missing required column patient_id"):
        read_screening(pd.DataFrame({"age": [40]}))
    with pytest.raises(SchemaError, match=re.escape("patient 'A': patient_id appears more than")):
        read_screening(pd.DataFrame({"patient_id": ["A", "A"]}))
    with pytest.raises(SchemaError, match="has no rows"):
        read_screening(pd.DataFrame({"patient_id": []}))
    path = tmp_path / "log.csv"
    path.write_text("patient_id,kps\nA,70\nB,abc\nC,5\n")
    with pytest.raises(
        InputError, match=re.escape("log.csv: patient 'B': kps 'abc' is not a Karnofsky score")
    ) as err:
        read_screening(path)
    assert "(and 1 more problem)" in str(err.value)


def test_dates_follow_the_event_tables_date_rule() -> None:
    dates = {
        "consent_date": "01MAR2022",
        "birth_date": "15JUN1980",
        "pregnancy_test_date": "05MAR2022",
        "first_dose_date": "10MAR2022",
    }
    log = read_screening(pd.DataFrame([{**_base("P"), **dates}]))
    assert log.frame.loc[0, "consent_date"] == pd.Timestamp("2022-03-01")
    assert float(log.frame.loc[0, "age"]) == 41
    with pytest.raises(SchemaError, match=re.escape("consent_date '01/03/2022' is ambiguous")):
        read_screening(pd.DataFrame([{**_base("P"), **dates, "consent_date": "01/03/2022"}]))
