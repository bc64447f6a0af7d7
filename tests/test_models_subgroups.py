"""The subgroup forest: the reference of each covariate (largest group unless named) and
n / events per level (issue 13, item 12)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.compare.groups import reference_level
from blina_stats.errors import InputError
from blina_stats.report.parts.subgroups import pfs_forest
from blina_stats.synthetic import bundled


def test_reference_is_the_largest_group_ties_to_sorted_order_or_the_named_one() -> None:
    donor = pd.Series(["MMUD"] * 6 + ["MUD"] * 29 + ["MSD"] * 25, name="donor_type")
    assert reference_level(donor) == ("MUD", "largest group, 29 patients")
    tied = pd.Series(["b"] * 4 + ["a"] * 4 + ["c"] * 4 + ["d"], name="x")
    assert reference_level(tied) == (
        "a",
        "largest group, 4 patients; tie with 'b', 'c' broken by sorted order",
    )
    assert reference_level(donor, "MSD") == ("MSD", "named")
    with pytest.raises(
        InputError,
        match=re.escape("reference 'cord' is not a level of 'donor_type' (levels ['MMUD', 'MSD'"),
    ):
        reference_level(donor, "cord")


@pytest.fixture(scope="module")
def cohort() -> bs.Cohort:
    return bs.load_events(bundled("trial"))


def test_forest_takes_the_largest_donor_group_not_the_first_in_ascii_order(
    cohort: bs.Cohort,
) -> None:
    data = cohort.endpoint("pfs", origin="transplant")
    caught: list[str] = []
    table, fig = pfs_forest(cohort, data, caught)
    donor = table.loc["donor_type"]
    assert donor.index[0] == "MUD" and bool(donor.loc["MUD", "reference"])
    assert donor.loc["MUD", "reference_reason"] == "largest group, 29 patients"
    frame = cohort.frame.set_index("patient_id").loc[list(data.patient_id)]
    for level, row in donor.iterrows():
        mask = (frame.donor_type == level).to_numpy()
        assert row.n == mask.sum()
        assert row.events == (data.status[mask] == 1).sum()
    # the hazard ratio of MMUD against MUD is the inverse of MUD's against MMUD
    old = bs.cox_regression(
        data.time, data.status, frame[["donor_type"]].reset_index(drop=True), entry=data.entry
    )
    assert donor.loc["MMUD", "hazard_ratio"] == pytest.approx(
        1 / old.summary.loc["donor_type[MUD]", "hazard_ratio"], abs=1e-4
    )
    assert donor.loc["MUD", "hazard_ratio"] == 1.0 and np.isnan(donor.loc["MUD", "ci_lower"])
    assert fig is not None
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # the figure names covariates for readers; the table keeps the data's names
    assert "Donor type: MUD (reference)" in labels and "Donor type: MMUD" in labels
    texts = [t.get_text() for t in ax.texts]
    assert "6 / 3" in texts and "n / events" in texts and "1 (reference)" in texts


def test_a_tie_and_a_named_reference_reach_the_table(cohort: bs.Cohort) -> None:
    frame = cohort.frame
    assert len(frame) % 2 == 0
    frame["site"] = np.where(np.arange(len(frame)) % 2 == 0, "south", "north")
    tie = bs.load_events(frame)
    data = tie.endpoint("pfs", origin="transplant")
    table, _ = pfs_forest(tie, data, [])
    assert table.loc[("site", "north"), "reference_reason"] == (
        f"largest group, {len(frame) // 2} patients; tie with 'south' broken by sorted order"
    )
    named, _ = pfs_forest(tie, data, [], reference={"donor_type": "haplo"})
    assert named.loc["donor_type"].index[0] == "haplo"
    assert named.loc[("donor_type", "haplo"), "reference_reason"] == "named"


def test_the_report_part_states_the_references(cohort: bs.Cohort) -> None:
    from blina_stats.report.context import Context, Inputs
    from blina_stats.report.parts import subgroups

    part = subgroups.build(Context.load(Inputs.resolve(), n_trials=0, quiet=True))
    refs = part.json["subgroups"]["references"]
    assert refs["donor_type"] == {"level": "MUD", "reason": "largest group, 29 patients"}
    assert any("Donor type: MUD (largest group, 29 patients)" in n for n in part.notes)
