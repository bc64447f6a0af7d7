"""Horizon labels follow the time origin: "day +100" only ever means after the transplant."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import blina_stats as bs
from blina_stats.endpoints import ENDPOINTS, NotEstimable, derive_all, summary_table, to_json
from blina_stats.endpoints.labels import axis_label, horizon_label, origin_label, origin_words
from blina_stats.errors import InputError
from blina_stats.synthetic import bundled

#: each endpoint's default horizon in words, from each origin (the protocol's wording)
EXPECTED = {
    "transplant": {
        "os": "2 years after transplant",
        "pfs": "2 years after transplant",
        "relapse": "2 years after transplant",
        "nrm": "6 months after transplant",
        "agvhd": "day +100 after transplant",
        "agvhd_3_4": "day +100 after transplant",
        "cgvhd": "2 years after transplant",
        "cgvhd_mod_severe": "2 years after transplant",
        "grfs": "2 years after transplant",
    },
    "enrollment": {
        "os": "2 years after the first dose",
        "pfs": "2 years after the first dose",
        "relapse": "2 years after the first dose",
        "nrm": "6 months after the first dose",
        "agvhd": "100 days after the first dose",
        "agvhd_3_4": "100 days after the first dose",
        "cgvhd": "2 years after the first dose",
        "cgvhd_mod_severe": "2 years after the first dose",
        "grfs": "2 years after the first dose",
    },
}


@pytest.fixture(scope="module")
def trial() -> bs.Cohort:
    return bs.load_events(bundled("trial"))


@pytest.mark.parametrize("origin", ["transplant", "enrollment"])
@pytest.mark.parametrize("name", [n for n in ENDPOINTS if n in EXPECTED["transplant"]])
def test_each_endpoint_is_labelled_from_its_origin(
    trial: bs.Cohort, name: str, origin: str
) -> None:
    table = bs.estimate(trial, endpoints=(name,), origin=origin)
    assert table.loc[name, "horizon_label"] == EXPECTED[origin][name]
    assert horizon_label(ENDPOINTS[name].horizon, origin) == EXPECTED[origin][name]
    doc = to_json(trial, table, {"origin": origin})
    assert doc["endpoints"][name]["horizon_label"] == EXPECTED[origin][name]
    if origin == "enrollment":
        assert "day +" not in doc["endpoints"][name]["horizon_label"]


@pytest.mark.parametrize(
    ("days", "origin", "short", "words"),
    [
        (100, "transplant", False, "day +100 after transplant"),
        (100, "enrollment", False, "100 days after the first dose"),
        (100, "transplant", True, "day +100"),
        (100, "enrollment", True, "100 days"),
        (730.5, "transplant", False, "2 years after transplant"),
        (365.25, "enrollment", False, "1 year after the first dose"),
        (182.625, "enrollment", False, "6 months after the first dose"),
        (30.4375, "transplant", False, "1 month after transplant"),
        (91.3125, "enrollment", True, "3 months"),
        (1, "enrollment", False, "1 day after the first dose"),
        (50.5, "transplant", False, "day +50.5 after transplant"),
    ],
)
def test_horizon_words(days: float, origin: str, short: bool, words: str) -> None:
    assert horizon_label(days, origin, short=short) == words


def test_axis_origin_and_entry_words() -> None:
    assert axis_label("enrollment", "days") == "Days after the first dose"
    assert axis_label("transplant") == "Months after transplant"
    assert origin_words("enrollment") == "the first dose"
    assert origin_label("enrollment", True) == "from the first dose"
    assert origin_label("transplant", True) == (
        "from transplant, entry at the first dose (conditional on being alive and event-free then)"
    )
    assert origin_label("transplant", False) == "from transplant, every patient from day 0"
    with pytest.raises(InputError, match=re.escape("origin must be one of")):
        horizon_label(100, "enrolment")


def test_time_origin_of_each_row_says_whether_it_is_conditional(trial: bs.Cohort) -> None:
    entry = bs.estimate(trial, endpoints=("os",))
    plain = bs.estimate(trial, endpoints=("os",), delayed_entry=False)
    dose = bs.estimate(trial, endpoints=("os",), origin="enrollment")
    assert entry.loc["os", "time_origin"] == origin_label("transplant", True)
    assert plain.loc["os", "time_origin"] == origin_label("transplant", False)
    assert dose.loc["os", "time_origin"] == "from the first dose"


def test_a_horizon_given_by_the_user_is_worded_from_the_origin(trial: bs.Cohort) -> None:
    table = bs.estimate(trial, {"nrm": 100.0}, endpoints=("nrm",), origin="enrollment")
    assert table.loc["nrm", "horizon_label"] == "100 days after the first dose"


def test_an_endpoint_not_estimable_is_labelled_from_the_origin_asked() -> None:
    # the BMT table has no enrollment: nothing is estimable from the first dose
    bmt = bs.load_events(Path(__file__).parent / "reference" / "bmt_events.csv")
    derived = derive_all(bmt, ("agvhd", "nrm"), origin="enrollment")
    assert all(isinstance(d, NotEstimable) and d.origin == "enrollment" for d in derived.values())
    table = summary_table(derived)
    assert table["horizon_label"].tolist() == [
        "100 days after the first dose",
        "6 months after the first dose",
    ]
    assert set(table["time_origin"]) == {"from the first dose"}


@pytest.mark.parametrize("origin", ["transplant", "enrollment"])
def test_the_readable_estimate_table_words_each_horizon(
    capsys: pytest.CaptureFixture[str], origin: str
) -> None:
    from blina_stats.cli import main

    assert main(["estimate", str(bundled("trial")), "--origin", origin]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line}
    for name, words in EXPECTED[origin].items():
        assert lines[name].endswith(f"  {words}"), lines[name]


def test_an_endpoints_html_says_its_horizon_from_its_origin(trial: bs.Cohort) -> None:
    page = bs.endpoints.derive(trial, "agvhd", origin="enrollment")._repr_html_()
    assert "at 100 days after the first dose;" in page and "day +" not in page
    page = bs.endpoints.derive(trial, "agvhd")._repr_html_()
    assert "at day +100 after transplant;" in page
