"""compare_endpoint: the endpoint's arrays reach the right test, and bad groupings are named;
Cohort.compare delegates to it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.synthetic import bundled


@pytest.fixture(scope="module")
def cohort() -> bs.Cohort:
    return bs.load_events(bundled("trial"))


def groups_of(cohort: bs.Cohort, data: bs.EndpointData, col: str) -> np.ndarray:
    frame = cohort.frame.set_index("patient_id")
    return frame.loc[list(data.patient_id), col].astype(str).to_numpy()


def test_survival_endpoint_uses_the_log_rank_test_with_delayed_entry(cohort) -> None:
    data = cohort.endpoint("pfs")
    assert data.entry is not None
    want = bs.logrank_test(
        data.time, data.status, groups_of(cohort, data, "donor_type"), entry=data.entry
    )
    got = bs.compare_endpoint(cohort, "pfs", by="donor_type")
    assert isinstance(got, bs.LogrankResult)
    assert (got.statistic, got.df, got.pvalue) == (want.statistic, want.df, want.pvalue)


def test_strata_are_passed_on(cohort) -> None:
    data = cohort.endpoint("os")
    want = bs.logrank_test(
        data.time,
        data.status,
        groups_of(cohort, data, "disease_status"),
        strata=groups_of(cohort, data, "conditioning"),
        entry=data.entry,
    )
    got = bs.compare_endpoint(cohort, "os", by="disease_status", strata="conditioning")
    assert got.statistic == want.statistic


def test_incidence_endpoint_uses_grays_test_from_the_first_dose(cohort) -> None:
    data = cohort.endpoint("relapse", origin="enrollment")
    assert data.entry is None
    want = bs.gray_test(data.time, data.status, groups_of(cohort, data, "mrd_pre_hsct"))
    got = bs.compare_endpoint(cohort, "relapse", by="mrd_pre_hsct")
    assert isinstance(got, bs.GrayResult)
    assert got.statistic == want.statistic and got.df == 1


def test_unknown_or_incomplete_grouping_is_named(cohort, tmp_path) -> None:
    with pytest.raises(bs.InputError, match=re.escape("'donor' is not a covariate column")):
        bs.compare_endpoint(cohort, "os", by="donor")
    frame = pd.read_csv(bundled("trial"))
    frame.loc[2, "donor_type"] = None
    holes = bs.load_events(frame)
    message = "column 'donor_type' is missing for patient(s) 'BLN-003'"
    with pytest.raises(bs.InputError, match=re.escape(message)):
        bs.compare_endpoint(holes, "os", by="donor_type")


def test_delayed_entry_false_keeps_grays_test_on_time_from_transplant(cohort) -> None:
    data = cohort.endpoint("relapse", delayed_entry=False)
    want = bs.gray_test(data.time, data.status, groups_of(cohort, data, "mrd_pre_hsct"))
    got = bs.compare_endpoint(cohort, "relapse", by="mrd_pre_hsct", delayed_entry=False)
    assert got.statistic == want.statistic


def test_cohort_compare_delegates(cohort, monkeypatch) -> None:
    import blina_stats.compare

    calls = []

    def fake(*args, **kwargs):
        calls.append((args, kwargs))
        return "result"

    monkeypatch.setattr(blina_stats.compare, "compare_endpoint", fake)
    assert cohort.compare("os", "sex", "conditioning", origin="enrollment") == "result"
    assert calls == [((cohort, "os", "sex", "conditioning"), {"origin": "enrollment"})]
    monkeypatch.undo()
    a = cohort.compare("relapse", by="mrd_pre_hsct")
    b = bs.compare_endpoint(cohort, "relapse", by="mrd_pre_hsct")
    assert (a.statistic, a.df, a.pvalue) == (b.statistic, b.df, b.pvalue)


def test_compare_endpoint_is_exported() -> None:
    from blina_stats.compare import compare_endpoint

    assert bs.compare_endpoint is compare_endpoint
    assert "compare_endpoint" in bs.__all__


def test_more_than_ten_levels_is_refused_and_suggests_bins(cohort) -> None:
    # issue 13 item 12: by="age" ran a 31-group log-rank test
    n = cohort.frame["age"].nunique()
    assert n > 10
    message = (
        f"{cohort.source}: column 'age' has {n} levels, more than 10 groups to compare; "
        "give bins= (cut points such as bins=[40, 55], or a number of quantile groups such as "
        "bins=3)"
    )
    with pytest.raises(bs.errors.InputError, match=re.escape(message)):
        cohort.compare("pfs", by="age")
    with pytest.raises(bs.errors.InputError, match=re.escape(message)):
        bs.compare_endpoint(cohort, "relapse", by="age")


def test_bins_by_cut_points_and_by_quantiles(cohort) -> None:
    from blina_stats.compare.groups import bin_values

    age = cohort.frame["age"]
    groups = bin_values(age, [40, 55], "age", cohort.source)
    assert set(groups) == {"<40", "40-54", ">=55"}
    assert (groups == "<40").sum() == (age < 40).sum()
    assert (groups == ">=55").sum() == (age >= 55).sum()  # a value at a cut goes up
    data = cohort.endpoint("pfs")
    want = bs.logrank_test(
        data.time,
        data.status,
        groups.set_axis(cohort.frame["patient_id"]).loc[list(data.patient_id)].to_numpy(),
        entry=data.entry,
    )
    got = cohort.compare("pfs", by="age", bins=[40, 55])
    assert (got.statistic, got.df, got.pvalue) == (want.statistic, want.df, want.pvalue)
    thirds = bin_values(age, 3, "age", cohort.source)
    assert thirds.nunique() == 3 and bin_values(age, 3, "age", "x").equals(thirds)
    cut = np.quantile(age, 1 / 3, method="inverted_cdf")
    assert (thirds == f"<{cut:g}").sum() == (age < cut).sum()
    assert set(bin_values(age / 2, [20.5], "age", "x")) == {"<20.5", ">=20.5"}
    assert set(bin_values(age, [30, 40.5], "age", "x")) >= {"30-<40.5"}


@pytest.mark.parametrize(
    ("bins", "message"),
    [
        ([55, 40], "bins= for 'age' must be increasing cut points, got [55, 40]"),
        (1, "bins= must be at least 2 quantile groups, got 1"),
    ],
)
def test_bad_bins(cohort, bins, message: str) -> None:
    with pytest.raises(bs.errors.InputError, match=re.escape(message)):
        cohort.compare("pfs", by="age", bins=bins)


def test_bins_need_a_numeric_column(cohort) -> None:
    with pytest.raises(bs.errors.InputError, match=re.escape("bins= needs a numeric column")):
        cohort.compare("pfs", by="donor_type", bins=2)


def test_the_subgroup_report_part_says_exploratory_and_unadjusted() -> None:
    from blina_stats.report.context import Context, Inputs
    from blina_stats.report.parts import subgroups

    part = subgroups.build(Context.load(Inputs.resolve(), n_trials=0, quiet=True))
    assert part.notes[0].startswith("Exploratory, unadjusted subgroup analyses:")
    assert "exploratory, unadjusted" in part.tables[0][0]
    assert part.json["subgroups"]["exploratory"] and not part.json["subgroups"]["adjusted"]
