"""Data cut-off (issue 13 item 8): events after it ignored, follow-up truncated at it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.cli import main
from blina_stats.endpoints import derive
from blina_stats.errors import InputError

from .conftest import run_r_script

REF = Path(__file__).parent / "reference"
TRIAL = bs.synthetic.bundled("trial")


def small() -> pd.DataFrame:
    """Five patients transplanted on 2022-01-01; the cut-off 2022-07-01 is day 181."""
    return pd.DataFrame(
        {
            "patient_id": ["a", "b", "c", "d", "e"],
            "hsct_date": ["2022-01-01"] * 5,
            "enrollment_date": [
                "2022-02-01",
                "2022-02-01",
                "2022-02-01",
                "2022-02-01",
                "2022-08-01",
            ],
            "last_contact_date": [
                "2022-12-01",
                "2022-05-01",
                "2022-09-01",
                "2022-07-01",
                "2022-12-01",
            ],
            "relapse_date": ["2022-08-01", None, None, "2022-07-01", None],
            "death_date": [None, None, "2022-09-01", None, None],
            "agvhd_date": ["2022-08-15", "2022-03-01", None, None, None],
            "agvhd_grade": [3, 2, 0, 0, 0],
        }
    )


CUT = "2022-07-01"


def test_each_change_is_applied_and_counted() -> None:
    cohort = bs.load_events(small(), cutoff=CUT)
    f = cohort.frame.set_index("patient_id")
    assert cohort.cutoff == CUT
    assert cohort.patient_ids == ("a", "b", "c", "d")
    assert cohort.excluded == (("e", "enrolled after the data cut-off"),)
    # a: relapse and aGVHD after the cut-off ignored, follow-up ends at day 181
    assert np.isnan(f.loc["a", "relapse_day"]) and np.isnan(f.loc["a", "agvhd_day"])
    assert np.isnan(f.loc["a", "agvhd_grade"])
    assert f.loc["a", "last_contact_day"] == 181
    # b: lost to follow-up before the cut-off: unchanged
    assert f.loc["b", "last_contact_day"] == 120 and f.loc["b", "agvhd_grade"] == 2
    # c: died after the cut-off: alive and followed at it
    assert np.isnan(f.loc["c", "death_day"]) and f.loc["c", "last_contact_day"] == 181
    # d: relapse on the cut-off day counts
    assert f.loc["d", "relapse_day"] == 181 and f.loc["d", "last_contact_day"] == 181
    assert cohort.cutoff_changes == {
        "enrolled after the data cut-off": 1,
        "relapse after the data cut-off ignored": 1,
        "death after the data cut-off ignored": 1,
        "agvhd after the data cut-off ignored": 1,
        # its grade III-IV onset (the first onset: the table gives no agvhd_3_4 column)
        "agvhd_3_4 after the data cut-off ignored": 1,
        "follow-up truncated at the data cut-off": 2,
        "agvhd_grade not used (onset after the data cut-off)": 1,
    }
    said = [str(w) for w in cohort.warnings if w.column == "cutoff"]
    assert "<DataFrame>: data cut-off 2022-07-01: 1 patient enrolled after it left out" in said
    assert (
        "<DataFrame>: data cut-off 2022-07-01: follow-up of 2 patients ends at it "
        "(administrative censoring)" in said
    )
    assert len(said) == len(cohort.cutoff_changes)


def test_excluded_patients_are_every_endpoints_exclusions() -> None:
    data = derive(bs.load_events(small(), cutoff=CUT), "os")
    assert data.n_patients == 5 and data.n_used == 4
    assert data.excluded == {"enrolled after the data cut-off": 1}


def test_grade_kept_with_an_earlier_onset_is_said() -> None:
    frame = small()
    frame.loc[1, "last_contact_date"] = "2022-12-01"
    cohort = bs.load_events(frame, cutoff=CUT)
    assert (
        cohort.cutoff_changes["agvhd_grade recorded may have been reached after the data cut-off"]
        == 1
    )


def test_cutoff_after_all_follow_up_says_it_changes_nothing() -> None:
    cohort = bs.load_events(small().iloc[:4], cutoff="2030-01-01")
    assert cohort.cutoff_changes == {}
    assert [str(w) for w in cohort.warnings if w.column == "cutoff"] == [
        "<DataFrame>: data cut-off 2030-01-01: after every patient's follow-up; it changes nothing"
    ]


def test_a_table_without_dates_cannot_take_a_cutoff() -> None:
    frame = pd.DataFrame({"patient_id": ["a"], "last_contact_day": [100]})
    msg = (
        "<DataFrame>: cutoff 2022-07-01 needs dates, and the table has no hsct_date column "
        "(its times are days since transplant, which no calendar date can cut)"
    )
    with pytest.raises(InputError, match=re.escape(msg)):
        bs.load_events(frame, cutoff=CUT)


def test_empty_transplant_date_names_the_patient() -> None:
    frame = pd.DataFrame(
        {"patient_id": ["a", "b"], "hsct_date": ["2022-01-01", None], "last_contact_day": [9, 9]}
    )
    msg = "<DataFrame>: patient 'b': hsct_date is empty, and cutoff 2022-07-01 needs"
    with pytest.raises(InputError, match=re.escape(msg)):
        bs.load_events(frame, cutoff=CUT)


@pytest.mark.parametrize(
    ("cutoff", "msg"),
    [
        (
            "2021-12-31",
            "cutoff 2021-12-31 is before every transplant (the first hsct_date is 2022-01-01)",
        ),
        ("2022-01-15", "cutoff 2022-01-15 is before every enrollment (the first is 2022-02-01)"),
        ("01/07/2022", "cutoff '01/07/2022' is not a date: give it as YYYY-MM-DD"),
        ("2022-02-30", "cutoff '2022-02-30' is not a date: give it as YYYY-MM-DD"),
    ],
)
def test_bad_cutoffs(cutoff: str, msg: str) -> None:
    with pytest.raises(InputError, match=re.escape(f"<DataFrame>: {msg}")):
        bs.load_events(small(), cutoff=cutoff)


def test_cli_json_and_header(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", str(TRIAL), "--json", "--cutoff", "2024-03-31"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["cutoff"] == "2024-03-31"
    assert doc["cutoff_changes"] == dict(bs.load_events(TRIAL, cutoff="2024-03-31").cutoff_changes)
    assert doc["endpoints"]["os"]["excluded"]["enrolled after the data cut-off"] > 0
    with pytest.warns(bs.errors.HorizonWarning):
        assert main(["estimate", str(TRIAL), "--cutoff", "2023-06-30"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("; data cut-off 2023-06-30")
    assert "data cut-off 2023-06-30: follow-up of 33 patients ends at it" in out


def test_cli_bad_cutoff_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", str(TRIAL), "--cutoff", "2019-01-01"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "blina-stats estimate: error: trial.csv: cutoff 2019-01-01 is before every transplant "
        "(the first hsct_date is 2021-11-02)"
    ]


def _check(folder: Path) -> None:
    ref = pd.read_csv(folder / "cutoff.csv")
    for (cutoff, name), rows in ref.groupby(["cutoff", "endpoint"]):
        cohort = bs.load_events(TRIAL, cutoff=cutoff)
        entry = name in ("os", "pfs")  # cmprsk has no delayed entry
        data = derive(cohort, name, delayed_entry=entry)
        assert data.n_used == rows["n_used"].iloc[0]
        got = data.at(rows["time"].to_numpy())
        np.testing.assert_allclose(got["estimate"], rows["estimate"], rtol=0, atol=1e-10)
        np.testing.assert_allclose(got["se"] ** 2, rows["variance"], rtol=0, atol=1e-8)


def test_matches_r_truncated_table() -> None:
    _check(REF)


def test_matches_r_truncated_table_live(tmp_path: Path) -> None:
    run_r_script(REF / "cutoff.R", tmp_path)
    _check(tmp_path)


def test_report_context_reads_the_table_at_the_cutoff() -> None:
    from blina_stats.report.context import Context, Inputs

    ctx = Context.load(Inputs(events=TRIAL), cutoff="2024-03-31")
    assert ctx.cohort.cutoff == "2024-03-31"
    assert "cutoff" not in ctx.options  # read once at the boundary, not a derive option


def test_report_refuses_a_cutoff_with_companion_files() -> None:
    from blina_stats.report.context import Context, Inputs

    msg = "--cutoff is applied to the event table only, and companion files were given (ae"
    with pytest.raises(InputError, match=re.escape(msg)):
        Context.load(Inputs.resolve(None), cutoff="2024-03-31")


def test_the_cohort_shows_its_cutoff() -> None:
    cohort = bs.load_events(small(), cutoff=CUT)
    assert repr(cohort).endswith(", data cut-off 2022-07-01)")
    assert "data cut-off 2022-07-01; " in cohort._repr_html_()
    assert "cut-off" not in repr(bs.load_events(small()))


def test_estimand_dates_after_the_cutoff_are_ignored_and_counted() -> None:
    frame = (
        small()
        .iloc[:4]
        .assign(
            dli_date=["2022-06-01", "2022-04-01", "2022-08-01", None],
            last_assessment_date=["2022-06-15", "2022-04-15", "2022-08-15", "2022-07-01"],
        )
    )
    cohort = bs.load_events(frame, cutoff=CUT)
    f = cohort.frame.set_index("patient_id")
    assert f.loc["a", "dli_day"] == 151 and np.isnan(f.loc["c", "dli_day"])
    assert np.isnan(f.loc["c", "last_assessment_day"]) and f.loc["d", "last_assessment_day"] == 181
    assert cohort.cutoff_changes["dli after the data cut-off ignored"] == 1
    assert cohort.cutoff_changes["last_assessment after the data cut-off ignored"] == 1
    said = [str(w) for w in cohort.warnings if w.column == "cutoff"]
    assert (
        "<DataFrame>: data cut-off 2022-07-01: 1 patient: DLIs after it ignored (dli_date)" in said
    )


def test_a_grade_iii_iv_onset_after_the_cut_off_lowers_the_grade_known_at_it() -> None:
    # grade II before the cut-off, grade IV reached after it: at the cut-off, grade II
    days = pd.DataFrame(
        {
            "patient_id": ["a", "b"],
            "hsct_date": ["2023-01-01", "2023-01-01"],
            "last_contact_date": ["2023-12-01", "2023-12-01"],
            "agvhd_date": ["2023-01-20", "2023-01-20"],
            "agvhd_3_4_date": ["2023-03-01", "2023-01-25"],
            "agvhd_grade": [4, 3],
            "relapse_date": [None, None],
            "death_date": [None, None],
        }
    )
    cohort = bs.load_events(days, cutoff="2023-02-01")
    f = cohort.frame.set_index("patient_id")
    assert f.loc["a", "agvhd_grade"] == 2 and np.isnan(f.loc["a", "agvhd_3_4_day"])
    assert f.loc["b", "agvhd_grade"] == 3 and f.loc["b", "agvhd_3_4_day"] == 24
    assert cohort.cutoff_changes["agvhd_grade lowered to its value at the data cut-off"] == 1
    assert (cohort.endpoint("agvhd_3_4", delayed_entry=False).status == 1).sum() == 1
