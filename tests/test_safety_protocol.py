"""Protocol: the schedule as data, against the numbers written in the protocol."""

from __future__ import annotations

import numpy as np
import pytest

from blina_stats.safety import Protocol


def test_protocol_numbers() -> None:
    p = Protocol()
    # days 1-2 at 8 ug, days 3-7 at 16 ug: 2*8 + 5*16 = 96 ug a course
    assert p.course_days == 7
    assert p.course_dose == 96.0
    np.testing.assert_array_equal(p.dose_on([1, 2, 3, 7]), [8, 8, 16, 16])
    assert np.isnan(p.dose_on([0, 8, 2.5])).all()
    assert p.first_course_window == (60, 90)
    assert p.premedication_days == (1, 3)


@pytest.mark.parametrize(
    ("first", "stop", "expected"),
    [
        # every 61 days until day 365: 60, 121, 182, 243, 304, 365
        (60, np.inf, [60, 121, 182, 243, 304, 365]),
        (90, np.inf, [90, 151, 212, 273, 334]),
        (75, 200, [75, 136, 197]),
        (75, 74, []),
    ],
)
def test_planned_starts(first: float, stop: float, expected: list[float]) -> None:
    np.testing.assert_array_equal(Protocol().planned_starts(first, stop), expected)


def test_to_frame_and_describe() -> None:
    p = Protocol()
    f = p.to_frame()
    assert f["dose_ug"].sum() == 96.0
    assert f.loc[f["premedication"], "course_day"].tolist() == [1, 3]
    text = p.describe()
    assert "days 1-2 8 ug/day, days 3-7 16 ug/day; 96 ug" in text
    assert "first course day 60-90" in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"daily_doses": (8.0, -1.0)}, "daily_doses must be positive"),
        ({"first_course_window": (90, 60)}, "first_course_window"),
        ({"interval_days": 5}, "shorter than a course"),
        ({"premedication_days": (9,)}, "outside course days 1-7"),
    ],
)
def test_invalid_protocol(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Protocol(**kwargs)  # type: ignore[arg-type]
