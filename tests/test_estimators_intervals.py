"""The pointwise band of a curve: computed from its variance when read, equal to an eager one."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import blina_stats as bs
from blina_stats.estimators.intervals import confidence_interval
from blina_stats.estimators.validation import CONF_TYPES, check_conf


def _fits(seed: int, n: int = 200) -> list[object]:
    rng = np.random.default_rng(seed)
    t = np.ceil(rng.exponential(50, n))
    status = rng.integers(0, 3, n)
    return [
        bs.kaplan_meier(t, status > 0),
        bs.cumulative_incidence(t, status),
        bs.kaplan_meier(t, status > 0, weights=rng.uniform(0.5, 2, n)),
        bs.cumulative_incidence(t, status, weights=rng.uniform(0.5, 2, n)),
    ]


@pytest.mark.parametrize("which", range(4))
def test_band_is_computed_on_first_read_and_kept_read_only(which: int) -> None:
    fit = _fits(1)[which]
    assert "_band" not in vars(fit)
    se = fit.se
    band = vars(fit)["_band"]  # computed once, for se and both bounds, in one block
    assert fit.ci_lower is band[1] and fit.ci_upper is band[2] and se is band[0]
    assert se.base is fit.ci_lower.base is fit.ci_upper.base
    for values in (fit.se, fit.ci_lower, fit.ci_upper):
        assert not values.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            values[0] = 0.5


@pytest.mark.parametrize("which", range(4))
def test_band_equals_the_eager_computation_bit_for_bit(which: int) -> None:
    fit = _fits(2)[which]
    se = np.sqrt(fit.variance)
    lower, upper = confidence_interval(
        fit.estimate, se, fit.conf_type, check_conf(fit.conf_type, fit.conf_level)
    )
    assert fit.se.tobytes() == se.tobytes()
    assert fit.ci_lower.tobytes() == lower.tobytes()
    assert fit.ci_upper.tobytes() == upper.tobytes()


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 120),
    conf_type=st.sampled_from(CONF_TYPES),
    level=st.floats(0.5, 0.99),
    whole_days=st.booleans(),
)
def test_at_computes_the_band_at_its_rows_only_and_matches_the_curve(
    seed: int, n: int, conf_type: str, level: float, whole_days: bool
) -> None:
    rng = np.random.default_rng(seed)
    t = rng.exponential(30, n)
    if whole_days:
        t = np.ceil(t)
    status = rng.integers(0, 3, n)
    grid = np.concatenate(([-1.0, 0.0], np.sort(rng.uniform(0, t.max() + 5, 15)), t[:3]))
    for fit, at in (
        (km := bs.kaplan_meier(t, status > 0, conf_type=conf_type, conf_level=level), km.at),
        (
            ci := bs.cumulative_incidence(t, status, conf_type=conf_type, conf_level=level),
            lambda g, ci=ci: ci.at(g, cause=1),
        ),
    ):
        table = at(grid)
        assert "_band" not in vars(fit)
        idx = np.searchsorted(fit.time, grid, side="right") - 1
        inside = (idx >= 0) & (grid <= fit.time[-1])
        for name in ("se", "ci_lower", "ci_upper"):
            curve = getattr(fit, name)
            curve = curve if curve.ndim == 1 else curve[:, 0]
            got = table[name].to_numpy()[inside]
            assert got.tobytes() == curve[idx[inside]].tobytes(), name


def test_a_replaced_level_gives_the_interval_at_that_level() -> None:
    t, event = [3, 5, 5, 8, 12, 14, 20], [1, 1, 0, 1, 0, 1, 0]
    km = bs.kaplan_meier(t, event)
    narrower = dataclasses.replace(km, conf_level=0.8)
    refit = bs.kaplan_meier(t, event, conf_level=0.8)
    assert np.array_equal(narrower.ci_lower, refit.ci_lower, equal_nan=True)
    assert not np.array_equal(narrower.ci_lower, km.ci_lower, equal_nan=True)
