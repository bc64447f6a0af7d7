"""The models' cohort form: covariates aligned to the endpoint's rows by patient id."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import blina_stats as bs
from blina_stats.errors import InputError
from blina_stats.synthetic import bundled


@pytest.fixture(scope="module")
def cohort() -> bs.Cohort:
    return bs.load_events(bundled("trial"))


def _by_hand(cohort: bs.Cohort, data: bs.EndpointData, cols: list[str]) -> pd.DataFrame:
    # what users wrote before the cohort form
    frame = cohort.frame.set_index("patient_id").loc[list(data.patient_id), cols]
    return frame.reset_index(drop=True)


def test_cox_on_a_cohort_equals_the_hand_aligned_arrays(cohort: bs.Cohort) -> None:
    cols = ["donor_type", "age", "mrd_pre_hsct"]
    fit = bs.cox_regression(cohort, "pfs", cols)
    data = cohort.endpoint("pfs")
    by_hand = bs.cox_regression(
        data.time, data.status, _by_hand(cohort, data, cols), entry=data.entry
    )
    np.testing.assert_allclose(fit.coef, by_hand.coef, rtol=1e-12)
    np.testing.assert_allclose(fit.se, by_hand.se, rtol=1e-12)
    assert fit.names == by_hand.names and fit.n == data.n_used
    assert (fit.endpoint, fit.origin) == ("pfs", "transplant")
    assert (by_hand.endpoint, by_hand.origin) == ("", "")
    # the endpoint already derived, and a covariate frame with patient ids
    again = bs.cox_regression(data, cohort.frame[["patient_id", *cols]])
    np.testing.assert_allclose(again.coef, fit.coef, rtol=1e-12)
    same = bs.cox_regression(cohort, data, cols)
    np.testing.assert_allclose(same.coef, fit.coef, rtol=1e-12)


def test_a_shuffled_covariate_frame_is_aligned_by_patient_id(cohort: bs.Cohort) -> None:
    data = cohort.endpoint("os")
    frame = cohort.frame[["patient_id", "age", "sex"]]
    shuffled = frame.sample(frac=1.0, random_state=np.random.default_rng(3).integers(1 << 31))
    a = bs.cox_regression(data, frame)
    b = bs.cox_regression(data, shuffled.set_index("patient_id"))
    np.testing.assert_allclose(a.coef, b.coef, rtol=1e-12)


def test_a_formula_gives_the_same_model_as_the_column_list(cohort: bs.Cohort) -> None:
    listed = bs.cox_regression(cohort, "os", ["donor_type", "age"])
    formula = bs.cox_regression(cohort, "os", "donor_type + age")
    assert formula.names == listed.names
    np.testing.assert_allclose(formula.coef, listed.coef, rtol=1e-12)
    assert formula.terms == (("donor_type", (0, 1, 2)), ("age", (3,)))
    profiles = pd.DataFrame({"donor_type": ["MUD", "haplo"], "age": [40, 60]})
    np.testing.assert_allclose(
        formula.predict(profiles).to_numpy(), listed.predict(profiles).to_numpy(), rtol=1e-10
    )
    interaction = bs.cox_regression(cohort, "os", "age * sex")
    assert interaction.names == ("age", "sex[M]", "age:sex[M]")


def test_fine_gray_on_a_cohort_runs_from_the_first_dose(cohort: bs.Cohort) -> None:
    fit = bs.fine_gray(cohort, "relapse", ["mrd_pre_hsct"])
    data = cohort.endpoint("relapse", origin="enrollment")
    by_hand = bs.fine_gray(data.time, data.status, _by_hand(cohort, data, ["mrd_pre_hsct"]))
    np.testing.assert_allclose(fit.coef, by_hand.coef, rtol=1e-12)
    np.testing.assert_allclose(fit.se, by_hand.se, rtol=1e-12)
    assert (fit.endpoint, fit.origin, fit.n) == ("relapse", "enrollment", data.n_used)
    with pytest.raises(
        InputError,
        match=re.escape(
            "endpoint 'relapse' from transplant enters patients late (delayed entry), which "
            "this Fine-Gray model does not handle"
        ),
    ):
        bs.fine_gray(cohort, "relapse", ["mrd_pre_hsct"], origin="transplant")


def test_bad_covariates_name_the_file_the_column_and_the_patient(cohort: bs.Cohort) -> None:
    src = cohort.source
    with pytest.raises(InputError, match=re.escape(f"{src}: 'donor' is not a covariate column")):
        bs.cox_regression(cohort, "pfs", ["donor"])
    with pytest.raises(InputError, match=re.escape(f"{src}: 'donor' is not a covariate column")):
        bs.cox_regression(cohort, "pfs", "donor + age")
    frame = cohort.frame
    frame.loc[frame.index[[2, 5]], "age"] = np.nan
    holed = bs.load_events(frame)
    ids = frame.patient_id.iloc[[2, 5]].tolist()
    with pytest.raises(
        InputError,
        match=re.escape(
            f"<DataFrame>: column 'age' is missing for patient(s) {ids[0]!r}, {ids[1]!r} "
            "used by endpoint 'pfs'"
        ),
    ):
        bs.cox_regression(holed, "pfs", ["age"])
    data = cohort.endpoint("pfs")
    with pytest.raises(InputError, match=re.escape("covariates: no covariates for patient(s)")):
        bs.cox_regression(data, cohort.frame.iloc[3:][["patient_id", "age"]])
    with pytest.raises(TypeError, match=re.escape("entry, weights and cluster")):
        bs.cox_regression(cohort, "pfs", ["age"], entry=data.entry)
    with pytest.raises(TypeError, match=re.escape("unexpected keyword argument(s) ['origin']")):
        bs.cox_regression(data.time, data.status, frame[["age"]], origin="enrollment")


def test_a_categorical_keeps_its_category_order_as_reference() -> None:
    # a reparametrisation: reference "MUD" instead of "MMUD"; same likelihood
    rng = np.random.default_rng(20261201)
    n = 200
    donor = rng.choice(["MMUD", "MSD", "MUD"], size=n)
    time = rng.exponential(100, size=n) * np.where(donor == "MUD", 0.5, 1.0)
    event = rng.random(n) < 0.8
    text = bs.cox_regression(time, event, pd.DataFrame({"donor": donor}))
    cat = pd.Categorical(donor, categories=["MUD", "MMUD", "MSD"])
    relevel = bs.cox_regression(time, event, pd.DataFrame({"donor": cat}))
    assert text.names == ("donor[MSD]", "donor[MUD]")
    assert relevel.names == ("donor[MMUD]", "donor[MSD]")
    msd, mud = text.coef
    np.testing.assert_allclose(relevel.coef, [-mud, msd - mud], rtol=1e-8)
    np.testing.assert_allclose(relevel.loglik, text.loglik, rtol=1e-12)
    # an unused category is no column
    unused = pd.Categorical(donor, categories=["MUD", "cord", "MMUD", "MSD"])
    assert bs.cox_regression(time, event, pd.DataFrame({"donor": unused})).names == relevel.names


def test_cox_on_an_incidence_endpoint_is_cause_specific(cohort: bs.Cohort) -> None:
    fit = bs.cox_regression(cohort, "relapse", ["mrd_pre_hsct"])
    data = cohort.endpoint("relapse")
    assert (data.status == 2).any() and data.entry is not None
    # competing events (death without relapse) censored, delayed entry kept
    by_hand = bs.cox_regression(
        data.time,
        (data.status == 1).astype(int),
        _by_hand(cohort, data, ["mrd_pre_hsct"]),
        entry=data.entry,
    )
    np.testing.assert_allclose(fit.coef, by_hand.coef, rtol=1e-12)
    assert fit.n_events == (data.status == 1).sum()


def test_fine_gray_with_a_formula_and_an_endpoint_already_derived(cohort: bs.Cohort) -> None:
    listed = bs.fine_gray(cohort, "relapse", ["donor_type", "age"])
    formula = bs.fine_gray(cohort, "relapse", "donor_type + age")
    assert formula.names == listed.names
    np.testing.assert_allclose(formula.coef, listed.coef, rtol=1e-12)
    data = cohort.endpoint("relapse", origin="enrollment")
    again = bs.fine_gray(data, cohort.frame[["patient_id", "donor_type", "age"]])
    np.testing.assert_allclose(again.coef, listed.coef, rtol=1e-12)
    with pytest.raises(InputError, match=re.escape("enters patients late (delayed entry)")):
        bs.fine_gray(cohort.endpoint("relapse"), cohort.frame[["patient_id", "age"]])
