"""Each criterion's rule over the validated screening log (I1-I10, E1-E12).

A rule takes the log's frame (:class:`~blina_stats.eligibility.screening.ScreeningLog`,
with ``reconstituted`` from the labs for I6) and returns whether the criterion
is met per patient: a nullable boolean, NA when the data cannot tell.  For an
exclusion, False means the exclusion applies.  The readings are written out
in :mod:`blina_stats.eligibility.criteria`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from ..data._dates import days_between
from .criteria import CRITERIA

Rule = Callable[[pd.DataFrame], pd.Series]


def _no(column: str) -> Rule:
    return lambda f: ~f[column]


def _i1(f: pd.DataFrame) -> pd.Series:
    return f["relapse_history"] | f["mrd_positive_pre_hsct"]  # Kleene: yes | NA is yes


def _i2(f: pd.DataFrame) -> pd.Series:
    return (f["age"] >= 16) & (f["age"] <= 65)


def _i3(f: pd.DataFrame) -> pd.Series:
    return (f["kps"] > 60) | (f["ecog"] <= 2)


def _i4(f: pd.DataFrame) -> pd.Series:
    return f["expected_survival_months"] > 3


def _i9(f: pd.DataFrame) -> pd.Series:
    consent = f["consent"]
    met = pd.Series(pd.NA, index=f.index, dtype="boolean")
    met[(consent.eq(True) | f["consent_date"].notna()).fillna(False).to_numpy(dtype=bool)] = True
    met[consent.eq(False).fillna(False).to_numpy(dtype=bool)] = False
    return met


def _i10(f: pd.DataFrame) -> pd.Series:
    women = pd.Series(f["sex"].eq("F"), dtype="boolean")
    applies = women & f["childbearing_potential"]
    positive = pd.Series(f["pregnancy_test"].eq("positive"), dtype="boolean")
    negative = pd.Series(f["pregnancy_test"].eq("negative"), dtype="boolean")
    # in days: a typo in a year must not overflow the nanosecond difference
    gap = pd.Series(
        days_between(f["first_dose_date"], f["pregnancy_test_date"]), index=f.index
    ).astype("Float64")
    in_window = (gap >= 0) & (gap <= 7)
    # for a woman of childbearing potential
    test_ok = pd.Series(pd.NA, index=f.index, dtype="boolean")
    test_ok[positive.fillna(False).to_numpy(dtype=bool)] = False
    neg = negative.fillna(False).to_numpy(dtype=bool)
    test_ok[neg] = in_window[neg]
    met = pd.Series(pd.NA, index=f.index, dtype="boolean")
    met[applies.eq(False).fillna(False).to_numpy(dtype=bool)] = True
    yes = applies.eq(True).fillna(False).to_numpy(dtype=bool)
    met[yes] = test_ok[yes]
    # applicability unknown: a positive test fails, a negative test in the window passes
    maybe = applies.isna().to_numpy(dtype=bool) & test_ok.notna().to_numpy(dtype=bool)
    decisive = maybe & (test_ok.eq(True) | positive).fillna(False).to_numpy(dtype=bool)
    met[decisive] = test_ok[decisive]
    return met


def _e8(f: pd.DataFrame) -> pd.Series:
    pregnant = f["pregnant_or_lactating"].copy()
    men = f["sex"].eq("M").fillna(False).to_numpy(dtype=bool)
    pregnant[men & pregnant.isna().to_numpy(dtype=bool)] = False
    return ~pregnant


RULES: Mapping[str, Rule] = {
    "I1": _i1,
    "I2": _i2,
    "I3": _i3,
    "I4": _i4,
    "I5": lambda f: f["cr_after_hsct"],
    "I6": lambda f: f["reconstituted"],
    "I7": _no("cns_involvement"),
    "I8": _no("serious_organ_damage"),
    "I9": _i9,
    "I10": _i10,
    **{cid: _no(c.columns[0]) for cid, c in CRITERIA.items() if c.kind == "exclusion"},
    "E8": _e8,
}
