"""Tests for blina_stats.eligibility.engraftment: rules by hand, a brute-force check, the CIF.

Reading and validating the labs is tested in test_eligibility_labs.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from blina_stats import cumulative_incidence, load_events
from blina_stats.eligibility import engraftment, engraftment_incidence
from blina_stats.errors import InputError
from blina_stats.plots.engraftment import plot_engraftment


def _labs(pid: str = "P", days: Any = range(0, 61), **values: Any) -> pd.DataFrame:
    """Labs with everything low and no support; `values` override whole columns."""
    day = np.asarray(list(days))
    frame = pd.DataFrame(
        {
            "patient_id": pid,
            "day": day,
            "anc": 0.1,
            "platelets": 5.0,
            "hb": 60.0,
            "gcsf": False,
            "platelet_transfusion": False,
            "rbc_transfusion": False,
        }
    )
    for key, value in values.items():
        frame[key] = value(day) if callable(value) else value
    return frame


def _one(frame: pd.DataFrame, **options: Any) -> pd.Series:
    out = engraftment(frame, **options)
    assert len(out) == 1
    return out.iloc[0]


def test_anc_three_days_at_exactly_0_5() -> None:
    row = _one(_labs(anc=lambda d: np.where(d >= 14, 0.5, 0.4)))
    assert row["neutrophil_engraftment_day"] == 14


def test_gcsf_on_day_2_of_3_breaks_the_run() -> None:
    # ANC 0.5 on days 14-16, but G-CSF on day 15: the run restarts on day 16
    labs = _labs(anc=lambda d: np.where(d >= 14, 0.5, 0.1), gcsf=lambda d: d == 15)
    assert _one(labs)["neutrophil_engraftment_day"] == 16


def test_unmeasured_day_breaks_the_run() -> None:
    # no row on day 15, then an empty ANC on day 18: runs are calendar days
    days = [d for d in range(61) if d != 15]
    labs = _labs(days=days, anc=lambda d: np.where(d == 18, np.nan, np.where(d >= 14, 1.0, 0.1)))
    assert _one(labs)["neutrophil_engraftment_day"] == 19
    # only two consecutive days before the data end: not engrafted
    labs = _labs(days=[10, 11, 13, 14], anc=1.0)
    assert np.isnan(_one(labs)["neutrophil_engraftment_day"])


def test_platelets_seven_days_without_transfusion() -> None:
    high = lambda d: np.where(d >= 20, 20.0, 15.0)  # noqa: E731
    assert _one(_labs(platelets=high))["platelet_engraftment_day"] == 20
    # a transfusion on day 26 (the 7th day) moves it to day 27
    row = _one(_labs(platelets=high, platelet_transfusion=lambda d: d == 26))
    assert row["platelet_engraftment_day"] == 27
    # six days only, then below threshold
    six = lambda d: np.where((d >= 20) & (d <= 25), 30.0, 10.0)  # noqa: E731
    assert np.isnan(_one(_labs(platelets=six))["platelet_engraftment_day"])


def test_stricter_readings_need_support_free_days_before_the_run() -> None:
    labs = _labs(
        anc=lambda d: np.where(d >= 14, 1.0, 0.1),
        gcsf=lambda d: d == 13,
        platelets=lambda d: np.where(d >= 20, 25.0, 10.0),
        platelet_transfusion=lambda d: d == 17,
    )
    assert _one(labs)["neutrophil_engraftment_day"] == 14
    assert _one(labs)["platelet_engraftment_day"] == 20
    # G-CSF on day 13 is 1 day before day 14: with 3 free days the first start is day 17
    assert _one(labs, gcsf_free_days=3)["neutrophil_engraftment_day"] == 17
    # transfusion on day 17: with 7 free days, starts need day - 7 > 17, i.e. day 25
    assert _one(labs, platelet_transfusion_free_days=7)["platelet_engraftment_day"] == 25
    assert _one(labs, platelet_transfusion_free_days=2)["platelet_engraftment_day"] == 20
    with pytest.raises(InputError, match="gcsf_free_days must be a whole number of days >= 0"):
        engraftment(labs, gcsf_free_days=-1)


def test_hb_recovery_needs_no_red_cells_in_the_7_days_before() -> None:
    hb = lambda d: np.where(d >= 20, 85.0, 70.0)  # noqa: E731
    assert _one(_labs(hb=hb))["hb_recovery_day"] == 20
    # transfusion on day 13 (7 days before day 20): first day is 21
    assert _one(_labs(hb=hb, rbc_transfusion=lambda d: d == 13))["hb_recovery_day"] == 21
    # on day 12 (8 days before): day 20 stands; on day 20 itself: not "before" it
    assert _one(_labs(hb=hb, rbc_transfusion=lambda d: d == 12))["hb_recovery_day"] == 20
    assert _one(_labs(hb=hb, rbc_transfusion=lambda d: d == 20))["hb_recovery_day"] == 20
    # exactly 80 counts
    assert _one(_labs(hb=lambda d: np.where(d == 30, 80.0, 79.0)))["hb_recovery_day"] == 30


def test_counts_by_day_45() -> None:
    on_45 = _one(_labs(anc=lambda d: np.where(d == 45, 1.5, 1.0)))
    on_46 = _one(_labs(anc=lambda d: np.where(d == 46, 1.5, 1.0)))
    assert bool(on_45["anc_1_5_by_day45"]) is True
    assert bool(on_46["anc_1_5_by_day45"]) is False
    plt = _one(_labs(platelets=lambda d: np.where(d == 40, 50.0, 49.0)))
    assert bool(plt["platelets_50_by_day45"]) is True
    # labs stopping on day 30 without the count: cannot tell
    short = _one(_labs(days=range(31)))
    assert short["anc_1_5_by_day45"] is pd.NA and short["platelets_50_by_day45"] is pd.NA
    assert short["last_lab_day"] == 30


def test_reconstitution_is_all_five() -> None:
    good = {
        "anc": lambda d: np.where(d >= 12, 2.0, 0.1),
        "platelets": lambda d: np.where(d >= 15, 60.0, 10.0),
        "hb": lambda d: np.where(d >= 20, 90.0, 70.0),
    }
    assert bool(_one(_labs(**good))["reconstituted"]) is True
    # platelets reach 20 (engrafted) but never 50: not reconstituted
    low_plt = {**good, "platelets": lambda d: np.where(d >= 15, 40.0, 10.0)}
    assert bool(_one(_labs(**low_plt))["reconstituted"]) is False
    # everything engrafted by day 40, labs end then: day-45 counts unknown only if unmet
    assert bool(_one(_labs(days=range(41), **good))["reconstituted"]) is True
    half = {**good, "anc": lambda d: np.where(d >= 12, 1.0, 0.1)}
    assert _one(_labs(days=range(41), **half))["reconstituted"] is pd.NA


def test_days_before_transplant_are_not_counted() -> None:
    labs = _labs(days=range(-5, 30), anc=lambda d: np.where((d < 2) | (d >= 15), 3.0, 0.1))
    # days -5..1 are high, but day 0-1 are only two days from day 0
    assert _one(labs)["neutrophil_engraftment_day"] == 15


def _first(by_day: dict[int, Any], ok: Any, k: int, support: str, free: int) -> float:
    """First day s >= 0 with days s..s+k-1 all recorded and ok, no support on s-free..s-1."""
    for s in sorted(d for d in by_day if d >= 0):
        run = all(d in by_day and ok(by_day[d]) for d in range(s, s + k))
        helped = any(d in by_day and getattr(by_day[d], support) for d in range(s - free, s))
        if run and not helped:
            return float(s)
    return np.nan


def _brute(labs: pd.DataFrame, gcsf_free: int, ptx_free: int) -> pd.DataFrame:
    """The rules applied day by day per patient, from a dict of days (a loop on purpose)."""
    rows = []
    for pid, g in labs.groupby("patient_id"):
        by_day = {int(r.day): r for r in g.itertuples()}
        window = [r for d, r in by_day.items() if 0 <= d <= 45]
        rows.append(
            {
                "patient_id": pid,
                "neutrophil_engraftment_day": _first(
                    by_day, lambda r: r.anc >= 0.5 and not r.gcsf, 3, "gcsf", gcsf_free
                ),
                "platelet_engraftment_day": _first(
                    by_day,
                    lambda r: r.platelets >= 20 and not r.platelet_transfusion,
                    7,
                    "platelet_transfusion",
                    ptx_free,
                ),
                "hb_recovery_day": _first(by_day, lambda r: r.hb >= 80, 1, "rbc_transfusion", 7),
                "anc_1_5": any(r.anc >= 1.5 for r in window),
                "plt_50": any(r.platelets >= 50 for r in window),
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("gcsf_free", "ptx_free"), [(0, 0), (2, 7)])
def test_against_a_day_by_day_loop(gcsf_free: int, ptx_free: int) -> None:
    rng = np.random.default_rng(5)
    parts = []
    for i in range(40):
        days = np.sort(rng.choice(np.arange(-3, 60), size=rng.integers(5, 55), replace=False))
        n = days.size
        anc = np.where(rng.random(n) < 0.1, np.nan, rng.choice([0.2, 0.5, 0.8, 1.5, 2.0], n))
        parts.append(
            pd.DataFrame(
                {
                    "patient_id": f"R{i:02d}",
                    "day": days,
                    "anc": anc,
                    "platelets": rng.choice([10.0, 20.0, 30.0, 50.0], n, p=[0.2, 0.3, 0.3, 0.2]),
                    "hb": rng.choice([70.0, 80.0, 90.0], n),
                    "gcsf": rng.random(n) < 0.1,
                    "platelet_transfusion": rng.random(n) < 0.05,
                    "rbc_transfusion": rng.random(n) < 0.1,
                }
            )
        )
    labs = pd.concat(parts, ignore_index=True).sample(frac=1.0, random_state=1)  # any row order
    fast = engraftment(labs, gcsf_free_days=gcsf_free, platelet_transfusion_free_days=ptx_free)
    slow = _brute(labs, gcsf_free, ptx_free)
    for col in ("neutrophil_engraftment_day", "platelet_engraftment_day", "hb_recovery_day"):
        np.testing.assert_array_equal(fast[col].to_numpy(), slow[col].to_numpy(), err_msg=col)
    assert fast["anc_1_5_by_day45"].fillna(False).tolist() == slow["anc_1_5"].tolist()
    assert fast["platelets_50_by_day45"].fillna(False).tolist() == slow["plt_50"].tolist()
    assert np.isfinite(fast["neutrophil_engraftment_day"]).sum() > 5  # the check is not vacuous


def _cohort(rows: list[tuple[str, float, float | None]]) -> Any:
    """Event table with day columns: (patient, last contact, death)."""
    return load_events(
        pd.DataFrame(
            {
                "patient_id": [r[0] for r in rows],
                "last_contact_day": [r[1] for r in rows],
                "death_day": [np.nan if r[2] is None else r[2] for r in rows],
            }
        )
    )


def test_incidence_with_death_competing() -> None:
    engraft = lambda day: lambda d: np.where(d >= day, 1.0, 0.1)  # noqa: E731
    labs = pd.concat(
        [
            _labs("A", range(0, 40), anc=engraft(14)),
            _labs("B", range(0, 40), anc=engraft(20)),
            _labs("C", range(0, 11)),  # dies on day 11 in aplasia: competing event
            _labs("D", range(0, 25)),  # labs stop on day 24, alive: censored on day 22
            _labs("E", range(0, 10)),  # dies on day 300, long after labs stop: censored
            _labs("Z", range(0, 30), anc=engraft(10)),  # not in the event table
        ]
    )
    cohort = _cohort([("A", 500, None), ("B", 400, 400), ("C", 11, 11), ("D", 700, None),
                      ("E", 300, 300), ("F", 200, None)])  # fmt: skip
    inc = engraftment_incidence(labs, cohort)
    data = inc.data.set_index("patient_id")
    assert data["neutrophil_time"].to_dict() == {"A": 14, "B": 20, "C": 11, "D": 22, "E": 7}
    assert data["neutrophil_status"].to_dict() == {"A": 1, "B": 1, "C": 2, "D": 0, "E": 0}
    assert dict(inc.exclusions) == {"F": "no labs", "Z": "not in the event table"}
    # the same numbers through the estimator directly
    ref = cumulative_incidence([14, 20, 11, 22, 7], [1, 1, 2, 0, 0], n_causes=2)
    pd.testing.assert_frame_equal(inc.neutrophil.at([15, 30]), ref.at([15, 30]))
    # by hand: E censored at 7, C dies at 11 (S = 3/4), A engrafts at 14: 3/4 * 1/3 = 1/4
    assert inc.at([15])["estimate"].iloc[0] == pytest.approx(0.25)
    # platelets never engraft: only C's death is an event
    assert (inc.data["platelet_status"] == np.array([0, 0, 2, 0, 0])).all()
    summary = inc.summary_at(21)
    assert summary.loc["neutrophil", ["n_patients", "n_engrafted", "n_died_first"]].tolist() == [
        5,
        2,
        1,
    ]
    assert summary.loc["neutrophil", ["median_day", "min_day", "max_day"]].tolist() == [17, 14, 20]
    # by hand: after A (1/4), B engrafts on day 20 with B and D at risk: 1/4 + 1/2 * 1/2
    assert summary.loc["neutrophil", "incidence"] == pytest.approx(0.5)
    assert summary.loc["platelet", "n_engrafted"] == 0
    assert np.isnan(summary.loc["platelet", "median_day"])
    day28 = inc.summary  # a property, at day 28
    assert day28["day"].tolist() == [28.0, 28.0]
    pd.testing.assert_frame_equal(day28, inc.summary_at(28))
    frame = inc.to_frame()
    assert set(frame["engraftment"]) == {"neutrophil", "platelet"}
    assert "Engraftment" in inc._repr_html_()


def test_incidence_plot() -> None:
    labs = _labs("A", anc=lambda d: np.where(d >= 14, 1.0, 0.1))
    inc = engraftment_incidence(labs, _cohort([("A", 100, None)]))
    ax = inc.plot()
    assert ax.get_xlabel() == "Days after transplant"
    assert len(ax.get_lines()) == 2
    drawn = plot_engraftment(inc)  # the figure lives in plots/; plot() delegates
    assert [t.get_text() for t in drawn.get_legend().get_texts()] == [
        "Neutrophil engraftment",
        "Platelet engraftment",
    ]
    with pytest.raises(InputError, match="no patient is in both"):
        engraftment_incidence(_labs("Q"), _cohort([("A", 100, None)]))
