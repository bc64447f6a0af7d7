"""Grade-specific GVHD onsets (columns or the episodes table): validation and timing (issue 13)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.cli import main


def table(**columns: list[object]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"patient_id": [f"p{i}" for i in range(1, n + 1)], **columns})


def grade_ii_then_iv(**extra: list[object]) -> pd.DataFrame:
    """p1: grade II on day 40, before the first dose (day 60), grade IV on day 90."""
    return table(
        enrollment_day=[60, 60, 60],
        last_contact_day=[400, 400, 400],
        relapse_day=[None, None, None],
        death_day=[None, None, None],
        agvhd_day=[40, None, 100],
        agvhd_grade=[4, 0, 3],
        **extra,
    )


def test_grade_iv_reached_on_treatment_counts_at_its_onset() -> None:
    # before: one onset date, so grade IV was timed at the grade II onset (day 40) and the
    # patient was excluded as "event on or before enrollment"
    # with entry at the first dose (gvhd_entry="enrollment": the conditional analysis)
    old = bs.load_events(grade_ii_then_iv()).endpoint("agvhd_3_4", gvhd_entry="enrollment")
    assert old.exclusions == (("p1", "event on or before enrollment"),)
    new = bs.load_events(grade_ii_then_iv(agvhd_3_4_day=[90, None, 100])).endpoint(
        "agvhd_3_4", gvhd_entry="enrollment"
    )
    assert new.exclusions == ()
    assert new.patient_id.tolist() == ["p1", "p2", "p3"]
    np.testing.assert_array_equal(new.time, [90, 400, 100])
    np.testing.assert_array_equal(new.status, [1, 0, 1])
    assert new.notes == ()


def test_the_same_case_from_the_episodes_table() -> None:
    events = grade_ii_then_iv().drop(columns=["agvhd_day", "agvhd_grade"])
    episodes = pd.DataFrame(
        {
            "patient_id": ["p1", "p1", "p1", "p3"],
            "kind": ["acute"] * 4,
            "onset_day": [20, 40, 90, 100],
            "grade": [1, 2, 4, 3],
        }
    )
    cohort = bs.load_events(events, gvhd=episodes)
    f = cohort.frame
    np.testing.assert_array_equal(f["agvhd_day"], [40, np.nan, 100])
    np.testing.assert_array_equal(f["agvhd_3_4_day"], [90, np.nan, 100])
    np.testing.assert_array_equal(f["agvhd_grade"], [4, 0, 3])
    assert list(f["cgvhd_severity"]) == ["none"] * 3 and cohort.warnings == ()
    data = cohort.endpoint("agvhd_3_4")
    np.testing.assert_array_equal(data.time, [90, 400, 100])
    # and it is treatment-emergent: a rise from grade II to IV after the first dose
    emergent = cohort.endpoint("agvhd_emergent")
    np.testing.assert_array_equal(emergent.time, [30, 340, 40])
    np.testing.assert_array_equal(emergent.status, [1, 0, 1])


def test_episodes_give_every_chronic_field_and_agree_with_the_wide_columns() -> None:
    events = table(
        last_contact_day=[500, 500],
        death_day=[None, None],
        cgvhd_day=[150, None],
        cgvhd_severity=["severe", "none"],
        cgvhd_mod_severe_day=[210, None],
    )
    episodes = pd.DataFrame(
        {
            "patient_id": ["p1", "p1", "p1"],
            "kind": ["chronic", "Chronic", "chronic "],
            "onset_day": [150, 210, 300],
            "severity": ["mild", "moderate", "SEVERE"],
        }
    )
    cohort = bs.load_events(events, gvhd=episodes)
    assert cohort.frame["cgvhd_mod_severe_day"].tolist()[0] == 210
    assert "agvhd_3_4" in cohort.present and cohort.frame["agvhd_grade"].tolist() == [0, 0]


def test_disagreement_with_the_wide_columns_names_the_patient() -> None:
    events = grade_ii_then_iv(agvhd_3_4_day=[80, None, 100])
    episodes = pd.DataFrame(
        {
            "patient_id": ["p1", "p1", "p3"],
            "kind": ["acute"] * 3,
            "onset_day": [40, 90, 100],
            "grade": [2, 4, 3],
        }
    )
    msg = (
        "<DataFrame>: patient 'p1': agvhd_3_4_day day 80 disagrees with the GVHD episodes "
        "'<DataFrame>' (first onset of grade III-IV: day 90)"
    )
    with pytest.raises(bs.SchemaError, match=re.escape(msg)):
        bs.load_events(events, gvhd=episodes)


@pytest.mark.parametrize(
    ("episodes", "msg"),
    [
        (
            {"patient_id": ["p9"], "kind": ["acute"], "onset_day": [10], "grade": [2]},
            "<DataFrame>: data row 1, patient 'p9': patient_id is not in the event table",
        ),
        (
            {"patient_id": ["p1"], "kind": ["acut"], "onset_day": [10], "grade": [2]},
            "<DataFrame>: data row 1, patient 'p1': kind 'acut' is not acute or chronic",
        ),
        (
            {"patient_id": ["p1"], "kind": ["acute"], "onset_day": [10], "grade": [5]},
            "<DataFrame>: data row 1, patient 'p1': grade 5 is not an acute GVHD grade 1-4",
        ),
        (
            {"patient_id": ["p1"], "kind": ["acute"], "onset_day": [10], "grade": [None]},
            "<DataFrame>: data row 1, patient 'p1': grade is empty on an acute row",
        ),
        (
            {"patient_id": ["p1"], "kind": ["acute"], "onset_day": [500], "grade": [2]},
            "<DataFrame>: data row 1, patient 'p1': onset (day 500) is after last contact "
            "(day 400)",
        ),
        (
            {"patient_id": ["p1"], "kind": ["acute"], "onset_day": [None], "grade": [2]},
            "<DataFrame>: data row 1, patient 'p1': onset_date/onset_day is empty",
        ),
        (
            {
                "patient_id": ["p1"],
                "kind": ["chronic"],
                "onset_day": [200],
                "grade": [None],
                "severity": ["moderat"],
            },
            "<DataFrame>: data row 1, patient 'p1': severity 'moderat' is not one of mild, "
            "moderate, severe",
        ),
        (
            {
                "patient_id": ["p1"],
                "kind": ["acute"],
                "onset_day": [20],
                "grade": [2],
                "severity": ["mild"],
            },
            "<DataFrame>: data row 1, patient 'p1': severity is given on an acute row: acute "
            "GVHD has a grade",
        ),
        (
            {"patient_id": ["p1"], "kind": ["chronic"], "onset_day": [200]},
            "<DataFrame>: missing required column severity (the table has chronic rows)",
        ),
        (
            {"patient_id": ["p1"], "kind": ["acute"], "grade": [2]},
            "<DataFrame>: missing required column onset_date or onset_day",
        ),
    ],
)
def test_bad_episodes_are_one_line_errors(episodes: dict[str, list[object]], msg: str) -> None:
    events = grade_ii_then_iv().drop(columns=["agvhd_day", "agvhd_grade"])
    with pytest.raises(bs.SchemaError, match=re.escape(msg)):
        bs.load_events(events, gvhd=pd.DataFrame(episodes))


def test_an_empty_episodes_table_means_no_gvhd() -> None:
    events = table(last_contact_day=[100])
    episodes = pd.DataFrame({"patient_id": [], "kind": [], "onset_day": []})
    f = bs.load_events(events, gvhd=episodes).frame
    assert f["agvhd_grade"].tolist() == [0] and f["cgvhd_severity"].tolist() == ["none"]
    assert f["agvhd_day"].isna().all() and f["cgvhd_mod_severe_day"].isna().all()


def test_episode_dates_are_read_against_the_transplant_date(tmp_path: Path) -> None:
    events = pd.DataFrame(
        {
            "patient_id": ["A"],
            "hsct_date": ["2023-01-01"],
            "last_contact_date": ["2024-01-01"],
        }
    )
    episodes = pd.DataFrame(
        {"patient_id": ["A"], "kind": ["acute"], "onset_date": ["2023-02-10"], "grade": [3]}
    )
    f = bs.load_events(events, gvhd=episodes).frame
    assert f["agvhd_day"].tolist() == [40] and f["agvhd_3_4_day"].tolist() == [40]


@pytest.mark.parametrize(
    ("column", "value", "msg"),
    [
        (
            "agvhd_3_4_day",
            [30, None, 100],
            "patient 'p1': agvhd_3_4_day (day 30) is before agvhd_day (day 40): grade III-IV "
            "aGVHD cannot start before grade II-IV",
        ),
        (
            "agvhd_3_4_day",
            [90, 200, 100],
            "patient 'p2': agvhd_3_4_day is given (day 200) but agvhd_day is empty: grade "
            "III-IV aGVHD needs the onset of grade II-IV",
        ),
        (
            "agvhd_3_4_day",
            [90, None, 500],
            "patient 'p3': agvhd_3_4_day (day 500) is after last_contact_day (day 400)",
        ),
        (
            "agvhd_3_4_day",
            [-1, None, 100],
            "patient 'p1': agvhd_3_4_day is day -1, before the transplant (day 0)",
        ),
    ],
)
def test_bad_grade_specific_onsets_are_errors(column: str, value: list[object], msg: str) -> None:
    with pytest.raises(bs.SchemaError, match=re.escape(f"<DataFrame>: {msg}")):
        bs.load_events(grade_ii_then_iv(**{column: value}))


def test_grade_specific_onset_needs_a_grade_iii_iv() -> None:
    frame = grade_ii_then_iv(agvhd_3_4_day=[90, None, 100])
    frame.loc[0, "agvhd_grade"] = 2
    msg = (
        "<DataFrame>: patient 'p1': agvhd_3_4_day is given (day 90) but agvhd_grade is 2: "
        "the date is the first day of grade III-IV aGVHD"
    )
    with pytest.raises(bs.SchemaError, match=re.escape(msg)):
        bs.load_events(frame)


def test_moderate_severe_onset_needs_that_severity_and_names_the_users_column() -> None:
    frame = table(
        last_contact_day=[400],
        cgvhd_day=[100],
        cgvhd_severity=["mild"],
        CMS=[150],
    )
    msg = (
        "<DataFrame>: patient 'p1': 'CMS' (cgvhd_mod_severe_day) is given (day 150) but "
        "cgvhd_severity is 'mild': the date is the first day of moderate/severe cGVHD"
    )
    with pytest.raises(bs.SchemaError, match=re.escape(msg)):
        bs.load_events(frame, columns={"CMS": "cgvhd_mod_severe_day"})


def test_an_empty_cell_is_timed_at_the_first_onset_with_a_warning() -> None:
    cohort = bs.load_events(grade_ii_then_iv(agvhd_3_4_day=[None, None, 100]))
    assert cohort.frame["agvhd_3_4_day"].tolist()[0] == 40
    (w,) = cohort.warnings
    assert str(w) == (
        "<DataFrame>: patient 'p1': agvhd_grade is 4 but agvhd_3_4_day is empty: timed at the "
        "onset of grade II-IV (day 40)"
    )


def test_cli_takes_the_episodes_and_refuses_bad_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.csv"
    frame = grade_ii_then_iv().drop(columns=["agvhd_day", "agvhd_grade"])
    frame["last_contact_day"] = 800  # beyond every horizon: no horizon warning
    frame.to_csv(events, index=False)
    good = tmp_path / "gvhd.csv"
    pd.DataFrame(
        {"patient_id": ["p1", "p1"], "kind": ["acute"] * 2, "onset_day": [40, 90], "grade": [2, 4]}
    ).to_csv(good, index=False)
    args = ["estimate", str(events), "--gvhd", str(good), "--json"]
    assert main([*args]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["endpoints"]["agvhd_3_4"]["n_events"] == 1
    assert doc["endpoints"]["agvhd_emergent"]["estimable"]
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"patient_id": ["p7"], "kind": ["acute"], "onset_day": [4], "grade": [2]}).to_csv(
        bad, index=False
    )
    assert main(["estimate", str(events), "--gvhd", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "blina-stats estimate: error: bad.csv: data row 1, patient 'p7': patient_id is not "
        "in the event table"
    ]
