"""Kaplan-Meier and Aalen-Johansen against R survival and cmprsk.

The values come from tests/reference/estimators.R (survfit, quantile.survfit,
cmprsk::cuminc + timepoints, multi-state survfit with id); estimates and
numbers at risk must agree to 1e-10, variances and interval bounds to 1e-8.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs

from .conftest import REFERENCE, run_r_script

R_CONF = {
    "log": "log",
    "log-log": "log-log",
    "plain": "plain",
    "logit": "logit",
    "arcsin": "arcsine",
}
EST_TOL = 1e-10
VAR_TOL = 1e-8


def pairs(frame: pd.DataFrame, a: str, b: str) -> list[tuple]:
    """The distinct (a, b) combinations of a reference table, for parametrize."""
    return sorted(set(frame[[a, b]].itertuples(index=False, name=None)))


DATA = pd.read_csv(REFERENCE / "estimators_data.csv")
KM = pd.read_csv(REFERENCE / "estimators_km.csv")
KM_FULL = pd.read_csv(REFERENCE / "estimators_km_full.csv")
MEDIAN = pd.read_csv(REFERENCE / "estimators_median.csv")
CUMINC = pd.read_csv(REFERENCE / "estimators_cuminc.csv")
MS = pd.read_csv(REFERENCE / "estimators_ms.csv")


def dataset(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    d = DATA[DATA["dataset"] == name]
    entry = None if d["entry"].isna().all() else d["entry"].to_numpy()
    return d["time"].to_numpy(), d["status"].to_numpy(), entry


def r_risk_set_comparable(time: np.ndarray, entry: np.ndarray | None, t: pd.Series) -> np.ndarray:
    """Where R's n.risk means what ours means.

    ``summary(survfit, times=)`` reports the risk set of the next recorded
    time; ours counts the patients at risk at `t` itself (entered before `t`).
    The two differ only when someone enters in [t, next recorded time).
    """
    if entry is None:
        return np.ones(t.size, dtype=bool)
    grid = np.unique(time)
    nxt = grid[np.minimum(np.searchsorted(grid, t.to_numpy(), side="left"), grid.size - 1)]
    tv = t.to_numpy()
    return ~((entry[None, :] >= tv[:, None]) & (entry[None, :] < nxt[:, None])).any(axis=1)


def r_bounds_defined(ref: pd.DataFrame) -> np.ndarray:
    """R leaves the interval NA where se is 0 (log-log at S = 1) or undefined (S = 0)."""
    return ref["ci_lower"].notna().to_numpy()


@pytest.mark.parametrize(("name", "conf"), pairs(KM, "dataset", "conf_type"))
def test_kaplan_meier_at_times_matches_survfit(name: str, conf: str) -> None:
    ref = KM[(KM["dataset"] == name) & (KM["conf_type"] == conf)]
    time, status, entry = dataset(name)
    got = bs.kaplan_meier(time, status > 0, entry=entry, conf_type=R_CONF[conf]).at(ref["time"])
    np.testing.assert_allclose(got["estimate"], ref["estimate"], rtol=0, atol=EST_TOL)
    same = r_risk_set_comparable(time, entry, ref["time"])
    np.testing.assert_array_equal(got["n_at_risk"][same], ref["n_at_risk"][same])
    np.testing.assert_array_equal(got["n_events"], ref["n_events"])
    np.testing.assert_allclose(got["se"], ref["se"], rtol=0, atol=VAR_TOL)
    ok = r_bounds_defined(ref)
    for col in ("ci_lower", "ci_upper"):
        np.testing.assert_allclose(got[col][ok], ref[col][ok], rtol=0, atol=VAR_TOL)


@pytest.mark.parametrize(("name", "conf"), pairs(KM_FULL, "dataset", "conf_type"))
def test_kaplan_meier_step_function_matches_survfit(name: str, conf: str) -> None:
    ref = KM_FULL[(KM_FULL["dataset"] == name) & (KM_FULL["conf_type"] == conf)]
    time, status, entry = dataset(name)
    got = bs.kaplan_meier(time, status > 0, entry=entry, conf_type=R_CONF[conf]).to_frame()
    np.testing.assert_allclose(got.index, ref["time"], rtol=0, atol=0)
    for col in ("n_at_risk", "n_events", "n_censored"):
        np.testing.assert_array_equal(got[col], ref[col], err_msg=col)
    np.testing.assert_allclose(got["estimate"], ref["estimate"], rtol=0, atol=EST_TOL)
    # R reports NaN for se once S reaches 0, as we do
    np.testing.assert_allclose(got["se"], ref["se"], rtol=0, atol=VAR_TOL, equal_nan=True)
    ok = r_bounds_defined(ref)
    for col in ("ci_lower", "ci_upper"):
        np.testing.assert_allclose(got[col][ok], ref[col][ok], rtol=0, atol=VAR_TOL)


def test_where_r_gives_na_intervals_we_give_the_point_or_nan() -> None:
    """Documented difference: se == 0 -> [S, S]; S == 0 -> NaN like R."""
    ref = KM_FULL[(KM_FULL["dataset"] == "one_patient") & (KM_FULL["conf_type"] == "log-log")]
    assert ref["ci_lower"].isna().all()  # S = 0 after the only time: R leaves NA
    time, status, _ = dataset("one_patient")
    km = bs.kaplan_meier(time, status > 0)
    assert np.isnan(km.ci_lower).all() and np.isnan(km.se).all()
    early = bs.kaplan_meier([5.0, 6.0], [1, 0]).at([1.0])
    assert early[["estimate", "ci_lower", "ci_upper"]].to_numpy().tolist() == [[1.0, 1.0, 1.0]]


@pytest.mark.parametrize(
    "row",
    MEDIAN.to_dict("records"),
    ids=lambda r: f"{r['dataset']}-{r['conf_type']}-{r['reverse']}",
)
def test_median_and_brookmeyer_crowley_interval_match_quantile_survfit(row: dict) -> None:
    time, status, entry = dataset(row["dataset"])
    km = bs.kaplan_meier(
        time, status > 0, entry=entry, conf_type=R_CONF[row["conf_type"]], reverse=row["reverse"]
    )
    med = km.median
    got = [med.estimate, med.ci_lower, med.ci_upper]
    want = [row["estimate"], row["ci_lower"], row["ci_upper"]]
    np.testing.assert_allclose(got, want, rtol=0, atol=EST_TOL, equal_nan=True)


@pytest.mark.parametrize(("name", "cause"), pairs(CUMINC, "dataset", "cause"))
def test_cumulative_incidence_matches_cmprsk_cuminc(name: str, cause: int) -> None:
    ref = CUMINC[(CUMINC["dataset"] == name) & (CUMINC["cause"] == cause)]
    time, status, _ = dataset(name)
    ci = bs.cumulative_incidence(time, status, n_causes=2)
    got = ci.at(ref["time"], cause=int(cause))
    np.testing.assert_allclose(got["estimate"], ref["estimate"], rtol=0, atol=EST_TOL)
    np.testing.assert_allclose(got["se"] ** 2, ref["variance"], rtol=0, atol=VAR_TOL)
    # the tidycmprsk log-log interval, computed here from R's estimate and variance
    est, se = ref["estimate"].to_numpy(), np.sqrt(ref["variance"].to_numpy())
    pos = (est > 0) & (est < 1) & (se > 0)  # the transform is undefined at 0 and 1
    with np.errstate(divide="ignore", invalid="ignore"):
        half = 1.959963984540054 * se / (est * np.log(est))
        lower, upper = est ** np.exp(-half), est ** np.exp(half)
    np.testing.assert_allclose(got["ci_lower"][pos], lower[pos], rtol=0, atol=VAR_TOL)
    np.testing.assert_allclose(got["ci_upper"][pos], upper[pos], rtol=0, atol=VAR_TOL)


@pytest.mark.parametrize("name", sorted(set(MS["dataset"])))
def test_aalen_johansen_with_delayed_entry_matches_multistate_survfit(name: str) -> None:
    ref = MS[MS["dataset"] == name]
    time, status, entry = dataset(name)
    ci = bs.cumulative_incidence(time, status, entry=entry, n_causes=2)
    for cause in (1, 2):
        got = ci.at(ref["time"], cause=cause)
        np.testing.assert_allclose(got["estimate"], ref[f"cause{cause}"], rtol=0, atol=EST_TOL)
        same = r_risk_set_comparable(time, entry, ref["time"])
        np.testing.assert_array_equal(got["n_at_risk"][same], ref["n_at_risk"][same])
    idx = np.searchsorted(ci.time, ref["time"], side="right") - 1
    survival = np.where(idx < 0, 1.0, ci.survival[np.maximum(idx, 0)])
    np.testing.assert_allclose(survival, ref["survival"], rtol=0, atol=EST_TOL)


@pytest.mark.r
def test_committed_reference_values_are_what_the_r_script_writes(tmp_path) -> None:
    script = REFERENCE / "estimators.R"
    run_r_script(script, tmp_path)
    for csv in sorted(REFERENCE.glob("estimators_*.csv")):
        fresh = pd.read_csv(tmp_path / csv.name)
        pd.testing.assert_frame_equal(fresh, pd.read_csv(csv), rtol=1e-13, check_exact=False)
