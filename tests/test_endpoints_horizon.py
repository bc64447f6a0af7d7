"""Issue 13 item 13: a horizon where the estimate says nothing warns.

``estimate(horizons={"pfs": 2})`` (years typed for days) returned PFS 1.0 with
0 at risk and no word: every patient enters at the first dose, days 60-90.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import blina_stats as bs
from blina_stats.endpoints import derive, estimate, to_json
from blina_stats.endpoints.horizon import horizon_problem
from blina_stats.errors import HorizonWarning


@pytest.fixture(scope="module")
def trial() -> bs.Cohort:
    return bs.load_events(bs.synthetic.bundled("trial"))


def test_a_horizon_before_any_entry_warns_and_says_so(trial: bs.Cohort) -> None:
    first = float(trial.frame["enrollment_day"].min())
    message = (
        f"horizon 2 days for pfs: before any patient entered (first entry at day {first:g}); "
        "horizons are in days"
    )
    with pytest.warns(HorizonWarning, match=re.escape(message)):
        table = estimate(trial, horizons={"pfs": 2}, endpoints=("pfs", "os"))
    assert table.loc["pfs", "n_at_risk"] == 0 and table.loc["pfs", "reason"] == message
    assert table.loc["os", "reason"] == ""  # the other endpoints stay quiet
    out = to_json(trial, table, {})
    assert out["endpoints"]["pfs"]["reason"] == message


def test_a_horizon_beyond_all_follow_up_warns(trial: bs.Cohort) -> None:
    last = float(trial.frame["last_contact_day"].max())
    data = derive(trial, "os", horizon=last + 1)  # deriving alone (CONSORT counts) is quiet
    with pytest.warns(HorizonWarning, match=re.escape("beyond all follow-up")) as seen:
        table = estimate(trial, horizons={"os": last + 1}, endpoints=("os",))
    assert len(seen) == 1 and table.loc["os", "reason"] == data.note == (
        f"horizon {last + 1:g} days for os: beyond all follow-up (last follow-up at day "
        f"{data.time.max():g}); horizons are in days"
    )
    assert np.isnan(data.at_horizon()["estimate"])


def test_informative_horizons_stay_quiet(trial: bs.Cohort) -> None:
    # filterwarnings = error: any HorizonWarning here fails the test
    for origin in ("transplant", "enrollment"):
        table = estimate(trial, origin=origin)
        assert (table["reason"] == "").all()
        assert (table["n_at_risk"] > 0).all()
    assert derive(trial, "pfs", horizon=61).note == ""


def test_horizon_problem_conventions() -> None:
    time = np.array([10.0, 20.0, 30.0])
    entry = np.array([5.0, 5.0, 25.0])
    assert horizon_problem("os", 5, time, entry).startswith("horizon 5 days for os: before any")
    assert horizon_problem("os", 5.5, time, entry) == ""  # entry < t <= time
    assert horizon_problem("os", 30, time, None) == ""
    assert "beyond all follow-up (last follow-up at day 30)" in horizon_problem(
        "os", 31, time, None
    )
    # a gap: the first two have left at day 20, the third enters at day 25
    assert horizon_problem("os", 22, time, entry) == (
        "horizon 22 days for os: no patient at risk at day 22; horizons are in days"
    )
