"""The whole-day counting path: chosen for whole days, identical to the sort path, small results."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import blina_stats as bs
from blina_stats.estimators import aalen_johansen, counting
from blina_stats.estimators.counting import counting_path


@st.composite
def whole_days(
    draw: st.DrawFn, max_causes: int = 3
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    n = draw(st.integers(1, 60))
    time = np.array(draw(st.lists(st.integers(0, 15), min_size=n, max_size=n)), dtype=float)
    if draw(st.booleans()):
        time += 1.0  # no time 0, so delayed entry is possible for everyone
    status = np.array(draw(st.lists(st.integers(0, max_causes), min_size=n, max_size=n)))
    if draw(st.booleans()):
        status[:] = 0  # all censored
    entry = None
    if draw(st.booleans()) and time.min() > 0:
        frac = np.array(
            draw(st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.9]), min_size=n, max_size=n))
        )
        entry = np.floor(time * frac)  # whole days, often equal to others' event times
    return time, status, entry


def _by_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse the counting path, so the estimators take the general (sort) one."""
    monkeypatch.setattr(counting, "_day_limit", lambda time, width: False)


def _same(a: object, b: object) -> None:
    for name in ("time", "estimate", "variance", "se", "ci_lower", "ci_upper", "n_at_risk"):
        x, y = getattr(a, name), getattr(b, name)
        np.testing.assert_allclose(x, y, rtol=0, atol=1e-12, equal_nan=True, err_msg=name)
    for name in ("n_events", "n_censored"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


@given(whole_days(), st.sampled_from(["log-log", "log", "plain"]))
@settings(max_examples=120, deadline=None)
def test_counting_path_equals_the_sort_path(data, conf_type) -> None:
    time, status, entry = data
    km = bs.kaplan_meier(time, status > 0, entry=entry, conf_type=conf_type)
    ci = bs.cumulative_incidence(time, status, entry=entry, conf_type=conf_type, n_causes=3)
    ci_delta = bs.cumulative_incidence(time, status, entry=entry, variance="delta", n_causes=3)
    assert km._table.path == ci._table.path == "counting"
    with pytest.MonkeyPatch.context() as mp:
        _by_sort(mp)
        km_sort = bs.kaplan_meier(time, status > 0, entry=entry, conf_type=conf_type)
        ci_sort = bs.cumulative_incidence(
            time, status, entry=entry, conf_type=conf_type, n_causes=3
        )
        ci_delta_sort = bs.cumulative_incidence(
            time, status, entry=entry, variance="delta", n_causes=3
        )
    assert km_sort._table.path == ci_sort._table.path == "sort"
    _same(km, km_sort)
    _same(ci, ci_sort)
    _same(ci_delta, ci_delta_sort)
    grid = np.arange(-1.0, 18.0, 0.5)
    np.testing.assert_array_equal(km.at(grid).to_numpy(), km_sort.at(grid).to_numpy())
    np.testing.assert_array_equal(ci.at(grid, 2).to_numpy(), ci_sort.at(grid, 2).to_numpy())


def test_a_single_row_takes_the_counting_path() -> None:
    km = bs.kaplan_meier([7.0], [1])
    assert km._table.path == "counting"
    np.testing.assert_array_equal(km.time, [7.0])
    np.testing.assert_array_equal(km.estimate, [0.0])


@pytest.mark.parametrize(
    ("time", "entry", "path"),
    [
        ([1.0, 2.0, 3.0], None, "counting"),
        ([1.0, 2.5, 3.0], None, "sort"),
        ([1.0, 2.0, 3.0], [0.0, 0.5, 1.0], "sort"),
        ([1.0, 2.0, 3.0], [0.0, 1.0, 1.0], "counting"),
        ([1.0, 2.0, 1e9], None, "sort"),  # a count array of 10^9 days: sorting is cheaper
    ],
)
def test_the_path_follows_the_data(time, entry, path) -> None:
    t = np.array(time)
    e = None if entry is None else np.array(entry)
    assert counting_path(t, 2, e) == path
    assert bs.kaplan_meier(t, [1, 0, 1], entry=e)._table.path == path
    assert bs.cumulative_incidence(t, [1, 2, 0], entry=e)._table.path == path


def test_a_fraction_late_in_the_data_falls_back_to_the_sort_path() -> None:
    rng = np.random.default_rng(3)
    t = np.ceil(rng.exponential(300, 3 * counting.BLOCK))
    t[-1] += 0.5  # whole days until the last block
    e = rng.integers(0, 2, t.size)
    km = bs.kaplan_meier(t, e)
    assert km._table.path == "sort"
    assert 0.5 in km.time % 1.0


@pytest.mark.parametrize("kind", ["days", "continuous"])
def test_a_result_keeps_only_its_step_function(kind) -> None:
    """No n-long scratch in a result: its arrays are bounded by its distinct times."""
    rng = np.random.default_rng(1)
    n = 200_000
    t = rng.exponential(400, n)
    if kind == "days":
        t = np.ceil(t)
    status = rng.choice([0, 1, 2], n, p=[0.3, 0.4, 0.3])
    entry = np.floor(t * 0.3) if kind == "days" else t * 0.3
    for result in (
        bs.kaplan_meier(t, status > 0),
        bs.kaplan_meier(t, status > 0, entry=entry),
        bs.cumulative_incidence(t, status),
        bs.cumulative_incidence(t, status, entry=entry),
    ):
        table = result._table
        m = table.time.size
        m_entry = 0 if table.sorted_entry is None else table.sorted_entry.size
        k = table.n_events.shape[1]
        # the memory held is that of the arrays owning their data (views add none)
        held = {id(a): a for a in _arrays(result) if a.base is None}
        total = sum(a.nbytes for a in held.values())
        # per distinct time: estimate, variance, se and the interval of each cause
        # (and the survival), the time, its count, at-risk, censored and events;
        # per distinct entry time: the time and its count
        per_time = 5 * k + (1 if k > 1 or hasattr(result, "survival") else 0) + 4 + k
        assert total <= 8 * (per_time * m + 2 * m_entry), (total, m, m_entry)
        if kind == "days":
            assert m + m_entry < 8000


def _arrays(result: object) -> list[np.ndarray]:
    """Every array a result holds, through the table, with the blocks they view."""
    found = []
    for holder in (result, result._table):  # type: ignore[attr-defined]
        for value in vars(holder).values():
            if isinstance(value, np.ndarray):
                while value is not None:
                    found.append(value)
                    value = value.base if isinstance(value.base, np.ndarray) else None
    return found


@pytest.mark.parametrize("variance", ["aalen", "delta"])
@pytest.mark.parametrize("block", [1, 7, 64])
def test_blocks_of_times_give_the_incidence_of_all_times_at_once(monkeypatch, variance, block):
    """The arithmetic in blocks carries its products and sums: equal to the last bit."""
    rng = np.random.default_rng(5)
    t = np.round(rng.exponential(50, 400), 1) + 0.1
    status = rng.choice([0, 1, 2, 3], t.size)
    whole = bs.cumulative_incidence(t, status, entry=t * 0.2, variance=variance)
    monkeypatch.setattr(aalen_johansen, "BLOCK", block)
    blocked = bs.cumulative_incidence(t, status, entry=t * 0.2, variance=variance)
    assert whole.time.size > 4 * block
    for name in ("estimate", "variance", "se", "ci_lower", "ci_upper", "survival"):
        np.testing.assert_array_equal(getattr(blocked, name), getattr(whole, name), err_msg=name)


def _naive_table(time, status, width, entry):
    """Counts at each distinct time by a loop over them: the definition, nothing clever."""
    utime = np.unique(time)
    n_at_risk, events, censored = [], [], []
    for u in utime:
        at = time == u
        entered = np.ones(time.size, bool) if entry is None else entry < u
        n_at_risk.append(int(((time >= u) & entered).sum()))
        events.append([int((at & (status == k)).sum()) for k in range(1, width)])
        censored.append(int((at & (status == 0)).sum()))
    return utime, np.array(n_at_risk), np.array(events).reshape(-1, width - 1), np.array(censored)


@st.composite
def any_times(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, np.ndarray | None]:
    """Continuous times with or without ties, 1 to 6 causes (both sort routes), entry or not."""
    n = draw(st.integers(1, 40))
    tied = draw(st.booleans())
    pool = st.sampled_from([0.5, 1.25, 2.0, 3.75]) if tied else st.floats(0.01, 50.0)
    time = np.array(draw(st.lists(pool, min_size=n, max_size=n)), dtype=float)
    width = draw(st.integers(2, 7))
    status = np.array(draw(st.lists(st.integers(0, width - 1), min_size=n, max_size=n)))
    entry = time * 0.3 if draw(st.booleans()) else None
    return time, status, width, entry


@given(any_times())
@settings(max_examples=200, deadline=None)
def test_every_sort_route_counts_as_the_definition(data) -> None:
    """Packed keys (one sort per cause, up to PACKED_CAUSES), the argsort beyond, ties or none."""
    time, status, width, entry = data
    table = counting._by_sort(time, status.astype(np.int64), width, entry)
    utime, n_at_risk, events, censored = _naive_table(time, status, width, entry)
    np.testing.assert_array_equal(table.time, utime)
    np.testing.assert_array_equal(table.n_at_risk, n_at_risk)
    np.testing.assert_array_equal(table.n_events, events)
    np.testing.assert_array_equal(table.n_censored, censored)
    grid = np.concatenate([utime, utime + 0.1, [0.0, 100.0]])
    expect = [int(((time >= g) & (True if entry is None else entry < g)).sum()) for g in grid]
    np.testing.assert_array_equal(table.at_risk(grid), expect)
    assert table.path == "sort"


@pytest.mark.parametrize(("causes", "argsort"), [(counting.PACKED_CAUSES, 0), (4, 1)])
def test_more_causes_than_packed_sorts_take_the_argsort(monkeypatch, causes, argsort) -> None:
    """Beyond PACKED_CAUSES causes the counts come from one argsort: same answer."""
    calls = []
    real = counting._by_argsort
    monkeypatch.setattr(counting, "_by_argsort", lambda *a: calls.append(1) or real(*a))
    rng = np.random.default_rng(7)
    t = rng.exponential(10, 500)
    t[::7] = t[1::7][: t[::7].size]  # some ties
    width = causes + 1
    status = rng.integers(0, width, t.size)
    argsorted = counting._by_sort(t, status, width, None)
    assert len(calls) == argsort
    utime, n_at_risk, events, censored = _naive_table(t, status, width, None)
    np.testing.assert_array_equal(argsorted.time, utime)
    np.testing.assert_array_equal(argsorted.n_at_risk, n_at_risk)
    np.testing.assert_array_equal(argsorted.n_events, events)
    np.testing.assert_array_equal(argsorted.n_censored, censored)


@pytest.mark.parametrize("conf_type", ["log-log", "plain"])
@pytest.mark.parametrize("block", [1, 7, 64])
def test_blocks_of_times_give_the_survival_of_all_times_at_once(monkeypatch, conf_type, block):
    """Kaplan-Meier in blocks carries its product and Greenwood's sum: equal to the last bit."""
    km_module = importlib.import_module("blina_stats.estimators.kaplan_meier")

    rng = np.random.default_rng(6)
    t = np.round(rng.exponential(50, 400), 1) + 0.1
    event = rng.integers(0, 2, t.size)
    event[t == t.max()] = 1  # the curve reaches 0: NaN variance from there
    whole = bs.kaplan_meier(t, event, entry=t * 0.2, conf_type=conf_type)
    monkeypatch.setattr(km_module, "_BLOCK", block)
    blocked = bs.kaplan_meier(t, event, entry=t * 0.2, conf_type=conf_type)
    assert whole.time.size > 4 * block
    assert whole.estimate[-1] == 0
    for name in ("estimate", "variance", "se", "ci_lower", "ci_upper"):
        np.testing.assert_array_equal(getattr(blocked, name), getattr(whole, name), err_msg=name)
