"""Bad input to estimators, tests and models: a ValueError naming argument, positions, values."""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.estimators.validation import as_labels, warn_small_groups


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"time": [1, -2, 3], "event": [1, 0, 1]},
            "`time` must be non-negative: 1 position(s): [1]=-2.0",
        ),
        (
            {"time": [1, np.nan, 3], "event": [1, 0, 1]},
            "`time` must be finite (no NaN or infinity): 1 position(s): [1]=nan",
        ),
        ({"time": [], "event": []}, "`time` is empty"),
        ({"time": [1, 2, 3], "event": [1, 0]}, "`event` has 2 values but `time` has 3"),
        ({"time": [1, 2, 3], "event": [1, 2, 0]}, "`event` must be 0 or 1: 1 position(s): [1]=2"),
        (
            {"time": [1, 2, 3], "event": [1, 0.5, 0]},
            "`event` must be 0 or 1: 1 position(s): [1]=0.5",
        ),
        (
            {"time": [1, 2, 3], "event": [1, 0, 1], "entry": [0, 2, 1]},
            "`entry` must be before `time` for every patient: 1 not: [1] entry=2.0 time=2.0",
        ),
        (
            {"time": [1, 2, 3], "event": [1, 0, 1], "entry": [0, 1]},
            "`entry` has 2 values but `time` has 3",
        ),
        (
            {"time": [1, 2], "event": [1, 0], "conf_level": 1.0},
            "`conf_level` must be strictly between 0 and 1, got 1.0",
        ),
        ({"time": [1, 2], "event": [1, 0], "conf_type": "loglog"}, "`conf_type` must be one of"),
    ],
)
def test_kaplan_meier_rejects_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        bs.kaplan_meier(**kwargs)


def test_many_offending_positions_are_summarised() -> None:
    with pytest.raises(
        ValueError,
        match=re.escape(
            "7 position(s): [0]=-1.0, [1]=-1.0, [2]=-1.0, [3]=-1.0, [4]=-1.0 and 2 more"
        ),
    ):
        bs.kaplan_meier([-1.0] * 7, [1] * 7)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"time": [1, 2, 3], "status": [1, -1, 2]},
            "`status` must be 0 (censored) or a positive cause code: 1 position(s): [1]=-1",
        ),
        (
            {"time": [1, 2, 3], "status": [1, 3, 2], "n_causes": 2},
            "`n_causes` is 2 but `status` has cause code 3",
        ),
        (
            {"time": [1, 2, 3], "status": [1, 0, 2], "variance": "greenwood"},
            "`variance` must be one of ('aalen', 'delta')",
        ),
        ({"time": [1, 2, 3], "status": ["a", "b", "c"]}, "`status` must hold integer codes"),
    ],
)
def test_cumulative_incidence_rejects_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        bs.cumulative_incidence(**kwargs)


def test_unknown_cause_asked_of_a_result() -> None:
    ci = bs.cumulative_incidence([1, 2, 3], [1, 0, 2])
    with pytest.raises(ValueError, match=re.escape("`cause` must be one of (1, 2), got 3")):
        ci.at([1.0], cause=3)


def test_results_are_immutable() -> None:
    km = bs.kaplan_meier([1, 2], [1, 0])
    with pytest.raises(AttributeError):
        km.conf_type = "log"  # type: ignore[misc]


def test_labels_are_coded_in_sorted_order() -> None:
    codes, labels = as_labels(["b", "a", "b"], "group", 3)
    assert codes.tolist() == [1, 0, 1]
    assert labels == ("a", "b")


@pytest.mark.parametrize(
    ("values", "n", "message"),
    [
        (["a", None, "b"], 3, "`group` has 1 missing value(s), at position(s) 1"),
        (["a", "b"], 3, "`group` has 2 values but `time` has 3: lengths must match"),
    ],
)
def test_labels_reject_missing_or_short(values: list, n: int, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        as_labels(values, "group", n)


def test_a_group_of_one_patient_is_warned_about() -> None:
    codes, labels = as_labels(["a", "a", "b"], "group", 3)
    with pytest.warns(UserWarning, match=re.escape("`group` group 'b' has a single patient")):
        warn_small_groups(codes, labels, "group")


@pytest.mark.parametrize(
    "result",
    [
        bs.kaplan_meier([1, 2, 3], [1, 0, 1]),
        bs.cumulative_incidence([1, 2, 3], [1, 2, 0]),
    ],
    ids=["kaplan_meier", "cumulative_incidence"],
)
@pytest.mark.parametrize("name", ["time", "estimate", "se", "ci_lower", "n_at_risk"])
def test_result_arrays_are_read_only(result: object, name: str) -> None:
    values = getattr(result, name)
    with pytest.raises(ValueError, match="read-only"):
        values[0] = 0


@pytest.mark.parametrize(
    ("time", "kind"),
    [
        # the boundary issue: NumPy reads these as nanoseconds or as the unit's count
        (np.array([1, 2, 3], dtype="timedelta64[D]"), "durations"),
        (pd.Series(pd.to_timedelta([1, 2, 3], unit="D")), "durations"),
        ([pd.Timedelta(days=1)] * 3, "durations"),
        (np.array(["2021-01-01", "2021-01-02", "2021-01-05"], dtype="datetime64[D]"), "dates"),
        (pd.Series(pd.to_datetime(["2021-01-01", "2021-01-02", "2021-01-05"])), "dates"),
        ([datetime.date(2021, 1, 1)] * 3, "dates"),
        ([True, False, True], "booleans"),
        (np.array([True, False, True]), "booleans"),
    ],
)
@pytest.mark.parametrize("argument", ["time", "entry"])
def test_dates_durations_and_booleans_are_not_times(time: object, kind: str, argument: str) -> None:
    kwargs = {"time": [5.0, 6.0, 7.0], argument: time}
    with pytest.raises(ValueError, match=re.escape(f"`{argument}` holds {kind}, not numbers: ")):
        bs.kaplan_meier(event=[1, 1, 0], **kwargs)
    with pytest.raises(ValueError, match=re.escape(f"`{argument}` holds {kind}, not numbers: ")):
        bs.cumulative_incidence(status=[1, 2, 0], **kwargs)


def test_durations_converted_to_days_give_the_day_result() -> None:
    days = np.array([3.0, 5.0, 5.0, 9.0])
    as_duration = pd.to_timedelta(days, unit="D")
    km = bs.kaplan_meier(as_duration / np.timedelta64(1, "D"), [1, 0, 1, 1])
    np.testing.assert_array_equal(km.time, [3.0, 5.0, 9.0])
