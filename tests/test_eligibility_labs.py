"""Tests for blina_stats.eligibility.labs: the daily labs table and its messages."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from blina_stats.data import SchemaError
from blina_stats.eligibility import engraftment, read_labs
from blina_stats.eligibility.labs import LAB_COLUMNS, Labs

from .test_eligibility_engraftment import _labs


def test_read_labs_types_and_order() -> None:
    frame = pd.concat([_labs("B", days=[2, 1]), _labs("A", days=[1])], ignore_index=True)
    frame["gcsf"] = ["yes", "", "0"]
    labs = read_labs(frame)
    assert isinstance(labs, Labs)
    assert tuple(labs.frame.columns) == (*LAB_COLUMNS, "row")
    assert labs.frame["row"].tolist() == [3, 2, 1]  # the source row of each, for messages
    assert labs.frame[["patient_id", "day"]].values.tolist() == [["A", 1], ["B", 1], ["B", 2]]
    assert labs.frame["gcsf"].tolist() == [False, False, True]  # empty: none recorded
    assert read_labs(labs) is labs
    assert repr(labs) == "Labs('<DataFrame>': 2 patients, 3 rows)"


def test_the_engraftment_module_still_offers_the_labs_names() -> None:
    module = importlib.import_module("blina_stats.eligibility.engraftment")
    assert module.Labs is Labs and module.read_labs is read_labs
    assert engraftment(_labs(days=[1])).loc[0, "last_lab_day"] == 1


def test_labs_have_days_not_dates() -> None:
    # the labs table has no date column: a date written as a day is one clear error
    frame = _labs(days=[1])
    frame["day"] = ["14MAR2021"]
    message = "<DataFrame>: patient 'P': day '14MAR2021' is not a whole number of days"
    with pytest.raises(SchemaError, match=re.escape(message)):
        read_labs(frame)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"day": ["x", 1]}, "labs.csv: patient 'P': day 'x' is not a whole number of days"),
        ({"day": [1.5, 2]}, "patient 'P': day 1.5 is not a whole number of days"),
        ({"day": [1, 1]}, "labs.csv: patient 'P': day 1: appears more than once"),
        ({"anc": [-1, 0]}, "labs.csv: patient 'P': day 1: anc -1 is not a non-negative count"),
        ({"hb": ["low", 0]}, "patient 'P': day 1: hb 'low' is not a non-negative count"),
        ({"gcsf": ["maybe", "no"]}, "patient 'P': day 1: gcsf 'maybe' is not yes or no"),
    ],
)
def test_bad_labs(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    frame = _labs(days=[1, 2])
    for key, value in change.items():
        frame[key] = value
    path = tmp_path / "labs.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(SchemaError, match=re.escape(message)):
        read_labs(path)


def test_missing_column_and_mapping() -> None:
    with pytest.raises(SchemaError, match="<DataFrame>: missing required column hb"):
        read_labs(_labs().drop(columns="hb"))
    renamed = _labs(days=[1]).rename(columns={"anc": "ANC"})
    assert read_labs(renamed, columns={"ANC": "anc"}).frame.loc[0, "anc"] == 0.1
