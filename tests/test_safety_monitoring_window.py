"""Issue 13 item 4: the NRM and the toxicity monitoring count the same window.

Before, NRM counted 100 days from the first dose and toxicity only to day +100
after the transplant (the first course): on the bundled trial 2/68 patients
with grade >= 3 toxicity against 8/67 from the first dose.  Both now count
within 100 days after the first dose by default, and say so in every output.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats import safety

from .safety_fixtures import adverse_events, cohort

FIRST_DOSE = "within 100 days after the first dose"


@pytest.fixture(scope="module")
def bundled() -> tuple[bs.Cohort, safety.AdverseEvents]:
    trial = bs.load_events(bs.synthetic.bundled("trial"))
    return trial, safety.read_adverse_events(bs.synthetic.bundled("adverse_events"), trial)


def _by_hand(trial: bs.Cohort, ae: safety.AdverseEvents, end_from_dose: bool) -> pd.Series:
    """Grade >= 3 non-hematologic onsets in [first dose, end], from the event rows directly."""
    rows = ae.frame.loc[~safety.is_hematologic(ae.frame) & (ae.frame["grade"] >= 3)]
    first = trial.frame.set_index("patient_id")["enrollment_day"]
    start = first.reindex(rows["patient_id"]).to_numpy()
    end = start + 100 if end_from_dose else np.full(len(rows), 100.0)
    onset = rows["onset_day"].to_numpy()
    hit = set(rows.loc[(onset >= start) & (onset <= end), "patient_id"])
    order = safety.enrollment_order(trial)
    last = first.index.to_series().map(trial.frame.set_index("patient_id")["last_contact_day"])
    ends = first + 100 if end_from_dose else pd.Series(100.0, index=first.index)
    known = [p in hit or last[p] >= ends[p] for p in order]
    return pd.Series([p in hit for p in order], index=order).where(known)


def test_toxicity_counts_from_the_first_dose_by_default(bundled: tuple) -> None:
    trial, ae = bundled
    out = safety.toxicity_outcomes(ae, trial)
    expected = _by_hand(trial, ae, end_from_dose=True)
    assert out.isna().tolist() == expected.isna().tolist()
    assert out.dropna().tolist() == expected.dropna().tolist()
    assert out.attrs["window"] == FIRST_DOSE
    # the old window (to day +100 after transplant) counts fewer: still available
    old = safety.toxicity_outcomes(ae, trial, window="transplant")
    assert old.dropna().sum() == _by_hand(trial, ae, end_from_dose=False).dropna().sum()
    assert old.dropna().sum() < out.dropna().sum()
    assert old.attrs["window"] == "from the first dose to day +100 after transplant"


def test_nrm_and_toxicity_state_the_same_window(bundled: tuple) -> None:
    trial, ae = bundled
    nrm = safety.nrm_outcomes(trial)
    assert nrm.equals(safety.nrm_outcomes(trial, origin="enrollment"))
    assert nrm.attrs["window"] == safety.toxicity_outcomes(ae, trial).attrs["window"] == FIRST_DOSE
    assert safety.nrm_outcomes(trial, origin="transplant").attrs["window"] == (
        "by day +100 after transplant"
    )


def test_the_fixture_default_is_the_first_dose_window() -> None:
    # hand-worked in test_safety_worst_grade: first dose + 100 gives P1's nausea on day 150
    assert safety.toxicity_outcomes(adverse_events(), cohort()).tolist() == [
        False,
        True,
        True,
        True,
    ]


def test_monitor_states_the_window_it_counts(bundled: tuple) -> None:
    trial, ae = bundled
    outcomes = safety.toxicity_outcomes(ae, trial)
    rule = safety.monitoring_rule(0.3, n_max=68, outcome="grade >= 3 toxicity")
    status = safety.monitor(rule, outcomes)
    assert status.attrs["window"] == FIRST_DOSE
    assert status.attrs["caption"].startswith(f"Stop for grade >= 3 toxicity {FIRST_DOSE} if ")
    assert int(status["events"].iloc[-1]) == int(outcomes.dropna().sum())
    stated = safety.monitoring_rule(0.3, n_max=68, window=FIRST_DOSE)
    assert stated.window == FIRST_DOSE and FIRST_DOSE in stated.to_frame().attrs["caption"]
    assert safety.monitor(stated, outcomes)["events"].equals(status["events"])


def test_a_rule_stated_for_another_window_is_refused(bundled: tuple) -> None:
    trial, ae = bundled
    old = safety.toxicity_outcomes(ae, trial, window="transplant")
    rule = safety.monitoring_rule(0.3, n_max=68, outcome="toxicity", window=FIRST_DOSE)
    message = (
        f"the rule is stated for toxicity {FIRST_DOSE} but the outcomes count from the first "
        "dose to day +100 after transplant: build the rule with "
        "window='from the first dose to day +100 after transplant'"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        safety.monitor(rule, old)


def test_monitoring_window_names() -> None:
    assert safety.monitoring_window(100, "first_dose") == FIRST_DOSE
    assert safety.monitoring_window(30, "all") == "from the first dose to last contact"
    with pytest.raises(ValueError, match=re.escape("`origin` must be one of")):
        safety.monitoring_window(100, "death")


def test_the_report_part_states_the_window() -> None:
    from blina_stats.report.context import Context, Inputs
    from blina_stats.report.parts import monitoring

    part = monitoring.build(Context.load(Inputs.resolve(), n_trials=0, quiet=True))
    captions = [caption for caption, _, _ in part.tables]
    # NRM, CRS/ICANS and toxicity: boundary, exact and delayed OC, status; the NRM SPRT: three
    assert sum(FIRST_DOSE in c for c in captions) == len(captions) == 15
    assert part.json["safety"]["monitoring"]["toxicity"]["window"] == FIRST_DOSE
