"""Adverse-event tables on a hand-made five-patient example, and exact intervals against scipy.

The fixture (tests/safety_fixtures.py): four treated patients (P1-P4, first
doses on days 70, 80, 65, 90) and one untreated (P5).  Counts below are
worked out by hand from its rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from blina_stats.safety import (
    adverse_event_table,
    clopper_pearson,
    is_hematologic,
    read_adverse_events,
    to_csv,
    to_markdown,
)

from .safety_fixtures import adverse_events, cohort

ICANS = "Immune effector cell-associated neurotoxicity syndrome"
GENERAL = "General disorders and administration site conditions"


@pytest.mark.parametrize(("x", "n"), [(0, 68), (1, 68), (17, 68), (68, 68), (3, 4), (0, 1)])
def test_clopper_pearson_matches_scipy_binomtest(x: int, n: int) -> None:
    ci = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="exact")
    lo, hi = clopper_pearson(x, n)
    assert lo == pytest.approx(ci.low, abs=1e-12)
    assert hi == pytest.approx(ci.high, abs=1e-12)


def test_clopper_pearson_published_value() -> None:
    # 0 of 68: the upper limit is 1 - 0.025**(1/68) = 0.0528 (rule of three's exact form)
    assert clopper_pearson(0, 68)[1] == pytest.approx(1 - 0.025 ** (1 / 68), rel=1e-12)


def test_term_table_transplant_window() -> None:
    # non-hematologic, first dose .. day 100: P1 pyrexia + CRS (nausea day 150 out), P2
    # pyrexia (sepsis day 148 out), P3 headache on day 100 (rash before the first dose
    # out, anemia hematologic), P4 pyrexia + ICANS; P5 untreated
    t = adverse_event_table(adverse_events(), cohort())
    assert list(t.columns) == ["term", "n_patients", "n_treated", "percent", "ci_lower", "ci_upper"]
    assert t["term"].tolist() == ["Pyrexia", "Cytokine release syndrome", "Headache", ICANS]
    assert t["n_patients"].tolist() == [3, 1, 1, 1]
    assert (t["n_treated"] == 4).all()
    assert t["percent"].tolist() == [75.0, 25.0, 25.0, 25.0]
    ci = stats.binomtest(3, 4).proportion_ci(method="exact")
    assert (t.loc[0, "ci_lower"], t.loc[0, "ci_upper"]) == pytest.approx((ci.low, ci.high))
    caption = t.attrs["caption"]
    assert "onset from the first dose to day +100 after transplant" in caption
    assert "Non-hematologic" in caption and "4 treated patients" in caption


def test_soc_any_and_grade_tables() -> None:
    ae, c = adverse_events(), cohort()
    soc = adverse_event_table(ae, c, by="soc")
    assert soc["soc"].tolist() == [GENERAL, "Nervous system disorders", "Immune system disorders"]
    assert soc["n_patients"].tolist() == [3, 2, 1]
    anyrow = adverse_event_table(ae, c, by="any")
    assert anyrow["n_patients"].tolist() == [4]
    assert anyrow["term"].iloc[0] == "Any non-hematologic adverse event"
    g3 = adverse_event_table(ae, c, grade_min=3)
    assert g3["term"].tolist() == [ICANS, "Pyrexia"]  # P4 ICANS 3, P2 pyrexia 3
    assert "grade >= 3" in g3.attrs["caption"]


def test_first_dose_window_and_flags() -> None:
    ae, c = adverse_events(), cohort()
    t = adverse_event_table(ae, c, window="first_dose")
    # first dose + 100: P1 to day 170 (nausea 150 in), P2 to 180 (sepsis 148 in)
    assert dict(zip(t["term"], t["n_patients"], strict=True)) == {
        "Pyrexia": 3,
        "Cytokine release syndrome": 1,
        "Headache": 1,
        ICANS: 1,
        "Nausea": 1,
        "Sepsis": 1,
    }
    assert "100 days after it" in t.attrs["caption"]
    serious = adverse_event_table(ae, c, window="first_dose", only="serious")
    assert serious["term"].tolist() == ["Sepsis"]
    related = adverse_event_table(ae, c, only="related")
    assert sorted(related["term"]) == ["Cytokine release syndrome", ICANS, "Pyrexia"]
    everything = adverse_event_table(ae, c, window="all", include_hematologic=True)
    assert "Neutrophil count decreased" in set(everything["term"])
    assert "Fatigue" not in set(everything["term"])  # P5 was never treated
    assert "Rash maculo-papular" not in set(everything["term"])  # before the first dose


def test_hematologic_default_and_override() -> None:
    ae = adverse_events()
    expected = [False, False, True, False, False, False, True, False, False, False, False, False]
    assert is_hematologic(ae).tolist() == expected
    only_blood = pd.DataFrame({"soc": ["Blood and lymphatic system disorders"], "term": [""]})
    assert is_hematologic(ae, only_blood).sum() == 1  # neutrophil count now non-hematologic
    t = adverse_event_table(ae, cohort(), hematologic_terms=only_blood)
    assert "Neutrophil count decreased" in set(t["term"])


def test_markdown_and_csv(tmp_path: Path) -> None:
    t = adverse_event_table(adverse_events(), cohort())
    md = to_markdown(t, tmp_path / "t.md")
    lines = md.splitlines()
    assert lines[0].startswith("*Non-hematologic adverse events, any grade; onset from")
    assert lines[2] == "| term | n_patients | n_treated | percent | ci_lower | ci_upper |"
    assert lines[3] == "|:---|---:|---:|---:|---:|---:|"
    assert lines[4].startswith("| Pyrexia | 3 | 4 | 75.0 | 0.194 | 0.994 |")
    assert (tmp_path / "t.md").read_text() == md
    path = to_csv(t, tmp_path / "t.csv")
    assert path.read_text().startswith("# Non-hematologic adverse events")
    back = pd.read_csv(path, comment="#")
    np.testing.assert_allclose(back["ci_upper"], t["ci_upper"], rtol=1e-5)
    assert back["term"].tolist() == t["term"].tolist()


def test_validated_input_is_reused_and_bad_options() -> None:
    c = cohort()
    events = read_adverse_events(adverse_events(), c)
    assert adverse_event_table(events, c).equals(adverse_event_table(adverse_events(), c))
    with pytest.raises(ValueError, match="window must be one of"):
        adverse_event_table(events, c, window="day100")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="grade_min must be a CTCAE grade 1-5"):
        adverse_event_table(events, c, grade_min=0)
    with pytest.raises(ValueError, match="by must be"):
        adverse_event_table(events, c, by="class")  # type: ignore[arg-type]


def test_csv_and_markdown_neutralise_formulas_and_html(tmp_path: Path) -> None:
    # the boundary issue: a term that a spreadsheet would run, and one a browser would
    ae = adverse_events()
    ae.loc[ae["term"] == "Pyrexia", "term"] = '=HYPERLINK("http://x")'
    ae.loc[ae["term"] == "Headache", "term"] = "<img src=x onerror=alert(7)>"
    t = adverse_event_table(ae, cohort())
    back = pd.read_csv(to_csv(t, tmp_path / "t.csv"), comment="#")
    assert '\'=HYPERLINK("http://x")' in set(back["term"])
    md = to_markdown(t)
    assert "<img" not in md and "&lt;img src=x onerror=alert(7)&gt;" in md
