"""One rule for every table: a row of a patient the reference table does not know is an error.

Issue 12 item 8: a labs row for patient 'ZZ99' (in neither the screening log
nor the event table) was silently left out, while adverse-event and dosing
rows of an unknown patient are rejected ("patient_id is not in the event
table").  Labs rows are now checked against the screening log in the same words.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.data import SchemaError
from blina_stats.eligibility import (
    check_eligibility,
    consort_flow,
    criteria_met,
    engraftment_incidence,
    read_labs,
    read_screening,
)
from blina_stats.eligibility.labs import check_patients

LABS = bs.synthetic.bundled("labs")
SCREENING = bs.synthetic.bundled("screening")
TRIAL = bs.synthetic.bundled("trial")


def _labs_with_zz99(tmp_path: Path) -> Path:
    """The bundled labs with one more row, for patient ZZ99, appended (data row n + 1)."""
    text = LABS.read_text(encoding="utf-8")
    path = tmp_path / "labs.csv"
    path.write_text(text.rstrip("\n") + "\nZZ99,5,1.2,40,90,no,no,no\n", encoding="utf-8")
    return path


def _zz99_message(tmp_path: Path) -> str:
    n = len(pd.read_csv(LABS))
    return (
        f"labs.csv: data row {n + 1}, patient 'ZZ99': patient_id is not in the "
        "screening log 'screening.csv'"
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda labs: criteria_met(SCREENING, labs),
        lambda labs: check_eligibility(SCREENING, labs),
        lambda labs: consort_flow(SCREENING, TRIAL, labs),
    ],
    ids=["criteria_met", "check_eligibility", "consort_flow"],
)
def test_a_labs_row_of_an_unknown_patient_is_an_error(tmp_path: Path, call: object) -> None:
    labs = _labs_with_zz99(tmp_path)
    with pytest.raises(SchemaError, match=f"^{re.escape(_zz99_message(tmp_path))}$"):
        call(labs)  # type: ignore[operator]


def test_the_same_words_as_adverse_events_and_dosing(tmp_path: Path) -> None:
    cohort = bs.load_events(TRIAL)
    ae = pd.read_csv(bs.synthetic.bundled("adverse_events"), dtype=str)
    ae.loc[len(ae)] = ["ZZ99", "Pyrexia", "General disorders", "1", "2022-01-10", "no", "no"]
    with pytest.raises(SchemaError, match="patient 'ZZ99': patient_id is not in the event table"):
        bs.safety.read_adverse_events(ae, cohort)


def test_every_unknown_row_is_counted_in_source_order() -> None:
    frame = pd.DataFrame(
        {
            "patient_id": ["B", "ZZ99", "A", "ZZ98", "ZZ99"],
            "day": [1, 2, 1, 1, 1],
            **dict.fromkeys(("anc", "platelets", "hb"), 1.0),
            **dict.fromkeys(("gcsf", "platelet_transfusion", "rbc_transfusion"), "no"),
        }
    )
    labs = read_labs(frame)
    message = (
        "<DataFrame>: data row 2, patient 'ZZ99': patient_id is not in the screening log "
        "'log.csv' (and 2 more problems)"
    )
    with pytest.raises(SchemaError, match=f"^{re.escape(message)}$") as info:
        check_patients(labs, {"A", "B"}, "the screening log 'log.csv'")
    assert [p.split(":")[1] for p in info.value.problems] == [
        " data row 2, patient 'ZZ99'",
        " data row 4, patient 'ZZ98'",
        " data row 5, patient 'ZZ99'",
    ]
    check_patients(labs, {"A", "B", "ZZ98", "ZZ99"}, "x")  # all known: no error


def test_the_bundled_labs_are_all_screened_and_engraftment_counts_who_it_leaves_out() -> None:
    assert len(criteria_met(SCREENING, LABS)) == len(read_screening(SCREENING).frame)
    inc = engraftment_incidence(LABS, bs.load_events(TRIAL))
    # 100 screened patients have labs, 68 are enrolled: 32 of the labs are not counted
    assert inc.summary.attrs["caption"] == (
        "Engraftment (death competing), by day 28; 32 patient(s) not counted: "
        "not in the event table"
    )
    assert int(inc.summary.loc["neutrophil", "n_patients"]) == 68


def test_the_report_refuses_the_labs_before_writing_anything(tmp_path: Path) -> None:
    # bad input is one error when the report's context is made, not a missing part
    from blina_stats.report.context import Context, Inputs

    inputs = Inputs.resolve(TRIAL, screening=SCREENING, labs=_labs_with_zz99(tmp_path))
    with pytest.raises(SchemaError, match=re.escape(_zz99_message(tmp_path))):
        Context.load(inputs, quiet=True)


def test_a_screening_column_in_another_case_is_warned_about(tmp_path: Path) -> None:
    frame = pd.read_csv(SCREENING, dtype=str, keep_default_na=False)
    log = read_screening(frame.rename(columns={"kps": "KPS"}))
    assert [str(w) for w in log.warnings] == [
        "<DataFrame>: column 'KPS' looks like 'kps': map it with columns={'KPS': 'kps'}"
    ]
    assert read_screening(SCREENING).warnings == ()
