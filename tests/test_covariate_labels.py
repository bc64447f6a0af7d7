"""Covariates under the words of a paper (reviewer finding: figures printed raw column names):
one label map (:mod:`blina_stats.data.labels`), ``labels=`` over it, display only."""

from __future__ import annotations

import re

import numpy as np
import pytest

import blina_stats as bs
from blina_stats.data.labels import (
    COVARIATE_LABELS,
    CovariateLabels,
    cohort_labels,
    covariate_labels,
)
from blina_stats.errors import InputError
from blina_stats.external import propensity_weights
from blina_stats.plots.forest import plot_forest
from blina_stats.plots.love import love_plot
from blina_stats.synthetic import bundled

#: what the finding says a paper prints
PAPER = {
    "sex": "Sex",
    "disease_status": "Disease status",
    "mrd_pre_hsct": "MRD before HSCT",
    "ph_status": "Ph status",
    "donor_type": "Donor type",
    "conditioning": "Conditioning",
    "age": "Age (years)",
}


@pytest.fixture(scope="module")
def trial() -> bs.Cohort:
    return bs.load_events(bundled("trial"))


def _ticks(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def test_the_map_holds_the_bundled_trials_covariates(trial: bs.Cohort) -> None:
    assert dict(COVARIATE_LABELS) == PAPER
    assert set(PAPER) == set(trial.covariates)


def test_cohort_plot_by_names_the_covariate_and_its_levels(trial: bs.Cohort) -> None:
    ax = trial.plot("pfs", by="sex")
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "Sex"
    assert [t.get_text().split(" (")[0] for t in legend.get_texts()] == ["female", "male"]
    ax = trial.plot("os", by="age", bins=[40, 55], labels={"age": "Age at HSCT (years)"})
    assert ax.get_legend().get_title().get_text() == "Age at HSCT (years)"
    assert ax.get_legend().get_texts()[0].get_text().startswith("<40 (n=")


def test_levels_get_words_only_when_the_data_has_exactly_those(trial: bs.Cohort) -> None:
    frame = trial.frame
    frame.loc[frame.index[0], "sex"] = "U"  # a third level: every level as written
    odd = bs.load_events(frame)
    ax = odd.plot("pfs", by="sex")
    assert [t.get_text().split(" (")[0] for t in ax.get_legend().get_texts()] == ["F", "M", "U"]
    assert cohort_labels(odd).row("sex", "M") == "Sex: M"
    assert cohort_labels(trial).row("sex", "M") == "Sex: male"
    assert covariate_labels().row("sex", "M") == "Sex: M"  # no levels known: as written


def test_a_user_label_overrides_and_an_unknown_column_keeps_its_name(trial: bs.Cohort) -> None:
    frame = trial.frame
    frame["site"] = np.where(np.arange(len(frame)) % 2 == 0, "south", "north")
    ax = bs.load_events(frame).plot("pfs", by="site", labels={"donor_type": "Donor"})
    assert ax.get_legend().get_title().get_text() == "site"
    ax = trial.plot("pfs", by="donor_type", labels={"donor_type": "Donor"})
    assert ax.get_legend().get_title().get_text() == "Donor"


def test_cox_and_fine_gray_forests_label_rows_and_keep_the_terms(trial: bs.Cohort) -> None:
    cox = bs.cox_regression(trial, "pfs", ["mrd_pre_hsct", "age", "sex"])
    assert cox.names == ("mrd_pre_hsct[positive]", "age", "sex[M]")  # the contract
    assert _ticks(cox.plot()) == ["MRD before HSCT: positive", "Age (years)", "Sex: male"]
    assert _ticks(cox.plot(labels={"age": "Age at HSCT (years)"}))[1] == "Age at HSCT (years)"
    fg = bs.fine_gray(trial, "relapse", ["donor_type"])
    assert _ticks(fg.plot())[0].startswith("Donor type: ")
    # a mapping on a bare summary: the user's words only, other rows as written
    ax = plot_forest(cox.summary, labels={"mrd_pre_hsct": "MRD"})
    assert _ticks(ax) == ["MRD: positive", "age", "sex[M]"]  # unlabelled: the term as it is


def test_labels_are_drawn_as_written_never_as_mathtext(trial: bs.Cohort) -> None:
    ax = trial.plot("pfs", by="mrd_pre_hsct", labels={"mrd_pre_hsct": "MRD $10^{-4}$"})
    assert ax.get_legend().get_title().get_text() == r"MRD \$10^{-4}\$"  # no mathtext
    arm = (np.arange(len(trial.frame)) % 2).astype(int)
    weights = propensity_weights(trial.frame.assign(arm=arm), "arm", ["mrd_pre_hsct"])
    rows = _ticks(love_plot(weights, labels={"mrd_pre_hsct": "a $b$"}))
    assert rows == [r"a \$b\$: negative", r"a \$b\$: positive"]


def test_bad_labels_are_refused_in_one_line(trial: bs.Cohort) -> None:
    with pytest.raises(InputError, match=re.escape("labels=: empty column name or label")):
        cohort_labels(trial, {"sex": " "})
    with pytest.raises(TypeError, match=re.escape("labels= takes a mapping of column -> label")):
        covariate_labels(["sex"])  # type: ignore[arg-type]


def test_covariate_labels_reads_as_a_plain_mapping() -> None:
    lab = covariate_labels({"donor_type": "Donor"}, {"sex": ["M", "F", None, float("nan")]})
    assert isinstance(lab, CovariateLabels) and isinstance(lab, dict)
    assert lab["donor_type"] == "Donor" and lab.get("site", "site") == "site"
    assert (lab.row("sex", "F"), lab.row("age"), lab.row("site", "a")) == (
        "Sex: female",
        "Age (years)",
        "site: a",
    )


def test_a_models_notebook_view_shows_labels_beside_its_terms(trial: bs.Cohort) -> None:
    cox = bs.cox_regression(trial, "pfs", ["mrd_pre_hsct", "age"])
    page = cox._repr_html_()
    assert "MRD before HSCT: positive" in page and "Age (years)" in page
    assert "mrd_pre_hsct[positive]" in page  # the term, by which .summary is read
    fg = bs.fine_gray(trial, "relapse", ["sex"])
    assert "Sex: male" in fg._repr_html_()
    bare = bs.cox_regression(
        trial.frame["last_contact_day"],
        trial.frame["death_day"].notna(),
        trial.frame[["sex"]].rename(columns={"sex": "z"}),
    )
    assert "label" not in bare._repr_html_()  # no column with a label: the terms alone
