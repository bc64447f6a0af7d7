"""Endpoint definitions: the rules as data, the tie rules on small tables, and `outcome`
against the table of events and competing events it replaced (endpoints._events)."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.endpoints import (
    ENDPOINTS,
    GVHD_COMPETING,
    RULE_FIELDS,
    outcome,
)

from .conftest import REFERENCE

#: the endpoints the old table had (agvhd_emergent, timed from the first dose, is newer)
OLD_ENDPOINTS = [name for name, ep in ENDPOINTS.items() if ep.fixed_origin is None]


def table(**columns: list[object]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"patient_id": [f"p{i}" for i in range(1, n + 1)], **columns})


def old_events(
    frame: Mapping[str, npt.ArrayLike], name: str, gvhd_competing: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """endpoints._events as it was before the rules became data (the reference)."""

    def col(c: str) -> np.ndarray:
        return np.asarray(frame[c], dtype=np.float64)

    lc, rel, death = col("last_contact_day"), col("relapse_day"), col("death_day")
    agvhd, grade, cgvhd = col("agvhd_day"), col("agvhd_grade"), col("cgvhd_day")
    sev = pd.Series(np.asarray(frame["cgvhd_severity"], dtype=object))
    mod_sev = sev.isin(("moderate", "severe")).to_numpy(dtype=bool)
    sev_missing = sev.isna().to_numpy(dtype=bool)
    # the grade-specific onsets where given (issue 13), else the first onsets as before
    agvhd_34 = np.where(
        grade >= 3, col("agvhd_3_4_day") if "agvhd_3_4_day" in frame else agvhd, np.nan
    )
    cgvhd_ms = np.where(
        mod_sev, col("cgvhd_mod_severe_day") if "cgvhd_mod_severe_day" in frame else cgvhd, np.nan
    )
    gvhd_comp = death if gvhd_competing == "death" else np.fmin(rel, death)
    nan = np.full(lc.size, np.nan)
    event, competing = {
        "os": (death, nan),
        "pfs": (np.fmin(rel, death), nan),
        "relapse": (rel, death),
        "nrm": (np.where(np.isnan(rel), death, np.nan), rel),
        "agvhd": (agvhd, gvhd_comp),
        "agvhd_3_4": (agvhd_34, gvhd_comp),
        "cgvhd": (cgvhd, gvhd_comp),
        "cgvhd_mod_severe": (cgvhd_ms, gvhd_comp),
        "grfs": (np.fmin.reduce([agvhd_34, cgvhd_ms, rel, death]), nan),
    }[name]
    own = ~np.isnan(event) & ~(competing < event)
    other = ~own & ~np.isnan(competing)
    status = np.where(own, 1, np.where(other, 2, 0)).astype(np.int64)
    time = np.where(own, event, np.where(other, competing, lc))
    reason = np.full(lc.size, "", dtype=object)
    no_onset = np.isnan(agvhd)
    if name in ("agvhd", "agvhd_3_4", "grfs"):
        worst = 2 if name == "agvhd" else 3
        reason[no_onset & (grade >= worst)] = "aGVHD without onset date"
        if name != "agvhd":
            reason[(reason == "") & ~no_onset & np.isnan(grade)] = "aGVHD grade missing"
    if name in ("cgvhd", "cgvhd_mod_severe", "grfs"):
        has = sev.isin(
            ("mild", "moderate", "severe") if name == "cgvhd" else ("moderate", "severe")
        )
        reason[(reason == "") & np.isnan(cgvhd) & has.to_numpy(dtype=bool)] = (
            "cGVHD without onset date"
        )
        if name != "cgvhd":
            reason[(reason == "") & ~np.isnan(cgvhd) & sev_missing] = "cGVHD severity missing"
    return time, status, reason.astype(str)


def random_histories(n: int, seed: int) -> dict[str, np.ndarray]:
    """Every combination the rules distinguish: ties, missing onsets, grades and severities."""
    rng = np.random.default_rng(seed)

    def day(p: float, low: int = 1) -> np.ndarray:
        return np.where(rng.random(n) < p, rng.integers(low, 60, n).astype(float), np.nan)

    relapse = day(0.5)
    death = np.where(
        rng.random(n) < 0.5, np.fmax(relapse, 0) + rng.integers(0, 3, n), np.nan
    )  # never before relapse, often on its day (validated tables never have it earlier)
    severity = rng.choice(np.array([None, "none", "mild", "moderate", "severe"], dtype=object), n)
    days = {
        "relapse_day": relapse,
        "death_day": death,
        "agvhd_day": day(0.5),
        "agvhd_grade": rng.choice([np.nan, 0.0, 1.0, 2.0, 3.0, 4.0], n),
        "cgvhd_day": day(0.5),
        "cgvhd_severity": severity,
    }
    stacked = np.vstack([days[k] for k in ("relapse_day", "death_day", "agvhd_day", "cgvhd_day")])
    days["last_contact_day"] = np.nanmax(np.vstack([stacked, np.full(n, 30.0)]), axis=0) + 1
    return days


def cohort_days(cohort: bs.Cohort) -> dict[str, np.ndarray]:
    frame = cohort.frame
    return {f: frame[f].to_numpy() for f in RULE_FIELDS}


SOURCES = {
    "random": lambda: random_histories(2000, seed=11),
    "bmt": lambda: cohort_days(bs.load_events(REFERENCE / "bmt_events.csv")),
    "trial": lambda: cohort_days(bs.load_events(bs.synthetic.bundled("trial"))),
}


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("competing", GVHD_COMPETING)
@pytest.mark.parametrize("name", OLD_ENDPOINTS)
def test_outcome_gives_what_the_old_table_gave(source: str, competing: str, name: str) -> None:
    days = SOURCES[source]()
    got = outcome(days, name, gvhd_competing=competing)
    want = old_events(days, name, competing)
    np.testing.assert_array_equal(got.time, want[0])
    np.testing.assert_array_equal(got.status, want[1])
    np.testing.assert_array_equal(got.reason, want[2])
    assert got.status.dtype == np.int64 and got.time.dtype == np.float64


def test_random_histories_cover_every_reason_and_tie() -> None:
    days = random_histories(2000, seed=11)
    reasons = set()
    for name in OLD_ENDPOINTS:
        reasons |= set(outcome(days, name).reason.tolist())
    assert reasons == {
        "",
        "aGVHD without onset date",
        "aGVHD grade missing",
        "cGVHD without onset date",
        "cGVHD severity missing",
    }
    assert (days["relapse_day"] == days["death_day"]).any()


def test_rules_are_data() -> None:
    assert ENDPOINTS["nrm"].ties == "competing"
    assert {ep.ties for name, ep in ENDPOINTS.items() if name != "nrm"} == {"event"}
    gvhd = [name for name, ep in ENDPOINTS.items() if ep.competing_rule == "gvhd"]
    assert gvhd == ["agvhd", "agvhd_3_4", "cgvhd", "cgvhd_mod_severe"]
    agvhd = ENDPOINTS["agvhd"]
    assert [o.day for o in agvhd.competing_events("death")] == ["death_day"]
    assert [o.day for o in agvhd.competing_events()] == ["relapse_day", "death_day"]
    assert ENDPOINTS["os"].competing_events("death") == ()
    grfs = ENDPOINTS["grfs"]
    assert [o.day for o in grfs.event_rule] == [
        "agvhd_3_4_day",
        "cgvhd_mod_severe_day",
        "relapse_day",
        "death_day",
    ]
    assert [e.reason for e in grfs.exclusions] == [
        "aGVHD without onset date",
        "aGVHD grade missing",
        "cGVHD without onset date",
        "cGVHD severity missing",
    ]
    for ep in ENDPOINTS.values():
        assert (ep.kind == bs.endpoints.KAPLAN_MEIER) == (ep.competing is None)
        assert (ep.competing_events() == ()) == (ep.competing is None)


def test_outcome_reads_only_the_fields_it_needs() -> None:
    days = {"relapse_day": [50, np.nan], "death_day": [50, 80], "last_contact_day": [50, 80]}
    nrm = outcome(days, "nrm")
    assert nrm.status.tolist() == [2, 1] and nrm.time.tolist() == [50, 80]
    assert outcome(days, ENDPOINTS["relapse"]).status.tolist() == [1, 2]
    with pytest.raises(bs.InputError, match=re.escape("unknown endpoint 'dfs'")):
        outcome(days, "dfs")


# --- definitions on hand-made tables -------------------------------------------------------


def test_relapse_and_death_on_one_day_is_a_relapse_not_nrm() -> None:
    cohort = bs.load_events(
        table(last_contact_day=[50, 80, 90], relapse_day=[50, None, None], death_day=[50, 80, None])
    )
    relapse = cohort.endpoint("relapse")
    nrm = cohort.endpoint("nrm")
    np.testing.assert_array_equal(relapse.status, [1, 2, 0])
    np.testing.assert_array_equal(nrm.status, [2, 1, 0])
    np.testing.assert_array_equal(relapse.time, [50, 80, 90])
    pfs = cohort.endpoint("pfs")
    np.testing.assert_array_equal(pfs.status, [1, 1, 0])


def test_gvhd_competing_events_and_ties() -> None:
    frame = table(
        last_contact_day=[400, 300, 200, 500],
        relapse_day=[None, 120, None, None],
        death_day=[None, 300, 200, None],
        agvhd_day=[None, 150, 200, 40],
        agvhd_grade=[0, 3, 4, 2],
    )
    cohort = bs.load_events(frame)
    # p2: aGVHD after relapse -> relapse competes; p3: aGVHD on the day of death -> aGVHD
    a = cohort.endpoint("agvhd")
    np.testing.assert_array_equal(a.status, [0, 2, 1, 1])
    np.testing.assert_array_equal(a.time, [400, 120, 200, 40])
    # grade II (p4) is not a III-IV event: followed on to last contact
    a34 = cohort.endpoint("agvhd_3_4")
    np.testing.assert_array_equal(a34.status, [0, 2, 1, 0])
    np.testing.assert_array_equal(a34.time, [400, 120, 200, 500])
    # death only competes: p2's aGVHD after relapse counts
    d = cohort.endpoint("agvhd", gvhd_competing="death")
    np.testing.assert_array_equal(d.status, [0, 1, 1, 1])
    np.testing.assert_array_equal(d.time, [400, 150, 200, 40])


def test_grfs_takes_the_first_qualifying_event() -> None:
    frame = table(
        last_contact_day=[700, 700, 700, 300],
        relapse_day=[500, None, None, None],
        death_day=[None, None, None, None],
        agvhd_day=[30, 20, None, None],
        agvhd_grade=[2, 3, 0, 1],
        cgvhd_day=[200, None, 250, 150],
        cgvhd_severity=["moderate", "none", "mild", "severe"],
    )
    grfs = bs.load_events(frame).endpoint("grfs")
    np.testing.assert_array_equal(grfs.status, [1, 1, 0, 1])
    np.testing.assert_array_equal(grfs.time, [200, 20, 700, 150])


def test_outcome_codes_index_the_exclusion_rules_and_give_outcome_its_text() -> None:
    """Reasons are small integer codes; the text is looked up only for display."""
    from blina_stats.endpoints import ENDPOINTS, outcome
    from blina_stats.endpoints.outcome import outcome_codes

    nan = np.nan
    days = {
        "relapse_day": [nan, 40.0, nan],
        "death_day": [nan, nan, 90.0],
        "last_contact_day": [100.0, 120.0, 90.0],
        "agvhd_day": [30.0, nan, nan],
        "agvhd_grade": [nan, 2.0, nan],
    }
    ep = ENDPOINTS["agvhd_3_4"]
    time, status, code = outcome_codes(days, ep, gvhd_competing="relapse_or_death")
    assert code.dtype == np.int8
    texts = ["", *(rule.reason for rule in ep.exclusions)]
    public = outcome(days, ep)
    assert [texts[k] for k in code.tolist()] == public.reason.tolist()
    assert (code > 0).any() and (code == 0).any()
    np.testing.assert_array_equal(public.time, time)
    np.testing.assert_array_equal(public.status, status)
