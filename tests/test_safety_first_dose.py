"""Tables counted from the first dose: a cohort without first doses, and what is not counted.

Issue 12 item 5: an adverse-event table over a cohort with no enrollment dates
returned an empty table captioned "0 treated patients", every event dropped.
Now every table and outcome counted from the first dose raises one line saying
why; and a cohort where only some patients have a first dose says in the
caption how many patients and events were not counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats import safety
from blina_stats.errors import InputError

from .safety_fixtures import adverse_events, cohort, cohort_frame, dosing

AE = "adverse events are counted from the first dose"
CALLS: dict[str, tuple[Callable[[bs.Cohort], Any], str]] = {
    "by term": (lambda c: safety.adverse_event_table(adverse_events(), c), AE),
    "by class": (lambda c: safety.adverse_event_table(adverse_events(), c, by="soc"), AE),
    "any": (lambda c: safety.adverse_event_table(adverse_events(), c, "all", by="any"), AE),
    "serious": (lambda c: safety.adverse_event_table(adverse_events(), c, only="serious"), AE),
    "worst grade": (lambda c: safety.worst_grade_table(adverse_events(), c), AE),
    "worst by patient": (lambda c: safety.worst_grade_by_patient(adverse_events(), c), AE),
    "crs": (lambda c: safety.crs_table(adverse_events(), c), AE),
    "icans": (lambda c: safety.icans_table(adverse_events(), c), AE),
    "toxicity": (lambda c: safety.toxicity_outcomes(adverse_events(), c), AE),
    "exposure": (
        lambda c: safety.exposure(dosing(), c),
        "exposure is counted from the first dose",
    ),
    "nrm": (
        lambda c: safety.nrm_outcomes(c, origin="enrollment"),
        "safety monitoring follows the patients from their first dose",
    ),
    "nrm transplant": (
        lambda c: safety.nrm_outcomes(c),
        "safety monitoring follows the patients from their first dose",
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("how", ["no column", "all empty"])
def test_a_cohort_without_first_doses_is_an_error(name: str, how: str) -> None:
    frame = cohort_frame()
    if how == "no column":
        frame = frame.drop(columns="enrollment_day")
    else:
        frame["enrollment_day"] = np.nan
    call, why = CALLS[name]
    message = f"<DataFrame>: the cohort has no enrollment (first dose) dates: {why}"
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        call(bs.load_events(frame))


def test_the_report_part_fails_alone_with_that_line(tmp_path: Any) -> None:
    from blina_stats.report.context import Context, Inputs
    from blina_stats.report.part import build_part
    from blina_stats.report.parts import adverse_events as part

    trial = pd.read_csv(bs.synthetic.bundled("trial"), dtype=str)
    path = tmp_path / "trial.csv"
    trial.drop(columns="enrollment_date").to_csv(path, index=False)
    inputs = Inputs.resolve(path, ae=bs.synthetic.bundled("adverse_events"))
    built = build_part(part.KEY, part.TITLE, part.build, Context.load(inputs, quiet=True))
    assert built.status == "missing"
    assert built.message == f"trial.csv: the cohort has no enrollment (first dose) dates: {AE}"


def test_captions_count_the_untreated_and_the_events_not_counted() -> None:
    # P5 has no first dose (its Fatigue, day 50, is not counted); P3's rash on day 60 is
    # before its first dose (day 65)
    table = safety.adverse_event_table(adverse_events(), cohort(), "all")
    caption = table.attrs["caption"]
    assert "; 4 treated patients (1 patient of the event table without a first dose " in caption
    assert (
        "; 2 events before the first dose (or of a patient never dosed) not counted: "
        "not treatment-emergent;"
    ) in caption
    worst = safety.worst_grade_table(adverse_events(), cohort(), "all").attrs["caption"]
    assert "(1 patient of the event table without a first dose not counted)" in worst
    assert "2 events before the first dose" in worst
    kept = adverse_events().iloc[[0, 1, 2]]  # P1 only, all after its first dose
    assert "events before" not in safety.adverse_event_table(kept, cohort()).attrs["caption"]


def test_exposure_and_monitoring_captions_count_who_is_not_counted() -> None:
    ex = safety.exposure(dosing(), cohort())
    assert ex.n_untreated == 1
    assert ex.summary.attrs["caption"].endswith(
        "; 1 patient of the event table without a first dose not counted"
    )
    rule = safety.monitoring_rule(0.3, n_max=4)
    outcomes = pd.Series([True, pd.NA, False, pd.NA], dtype="boolean")
    status = safety.monitor(rule, outcomes)
    assert len(status) == 2
    assert status.attrs["caption"] == f"{rule.describe()}; 2 patients not yet evaluable not counted"
    assert safety.monitor(rule, [True, False]).attrs["caption"] == rule.describe()
