"""The protocol's inclusion (I1-I10) and exclusion (E1-E12) criteria, as data.

Each criterion is a :class:`Criterion`: its id as the protocol numbers it,
the protocol's wording, the screening-log columns it reads, and the reading
chosen where the wording leaves room.  The rules that apply them are in
:mod:`blina_stats.eligibility.screening`; this table is what a reviewer audits.

Every criterion gives one of three answers per patient: met, not met, or
unknown (a column it reads is absent or empty).  Unknown is never turned into
met or not met.  An exclusion criterion is "not met" when the exclusion
applies (the patient has the condition).

====  ==============================================  ======================================
id    protocol (short)                                reading
====  ==============================================  ======================================
I1    B-ALL with a history of relapse, or MRD-        met if ``relapse_history`` or
      positive at the last marrow before transplant   ``mrd_positive_pre_hsct`` is yes
I2    age 16-65 at consent                            completed years at ``consent_date``,
                                                      16 and 65 included
I3    KPS > 60 or ECOG 0-2                            either suffices; KPS 60 fails
I4    expected survival > 3 months                    ``expected_survival_months`` > 3
I5    complete remission after transplant             ``cr_after_hsct`` yes
I6    haematopoietic reconstitution                   all five engraftment criteria in labs
I7    no CNS involvement after transplant             ``cns_involvement`` no
I8    no serious organ damage                         ``serious_organ_damage`` no
I9    informed consent                                ``consent_date`` given (``consent`` no
                                                      fails)
I10   negative serum pregnancy test within 7 days     women of childbearing potential only;
      before the first dose (women of childbearing    test 0-7 days before the dose
      age)
E1    serious organ disease                           ``serious_organ_disease`` yes excludes
E2    uncontrolled active infection                   ``uncontrolled_infection``
E3    another clinical trial within 4 weeks           ``other_trial_within_4_weeks``
E4    poor graft function                             ``poor_graft_function``
E5    another malignancy needing treatment            ``other_malignancy``
E6    active GVHD                                     ``active_gvhd``
E7    allergy to chidamide (as written)               ``chidamide_allergy``
E8    pregnant or lactating                           ``pregnant_or_lactating``; empty for a
                                                      man counts as no
E9    HIV infection                                   ``hiv``
E10   active hepatitis B or C                         ``active_hepatitis``
E11   prolonged QT interval                           ``long_qt``
E12   judged unsuitable by an investigator            ``investigator_unsuitable``
====  ==============================================  ======================================

The full interpretation of each criterion is its ``interpretation`` field,
printed by :func:`criteria_table`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType

import pandas as pd

INCLUSION, EXCLUSION = "inclusion", "exclusion"


@dataclass(frozen=True)
class Criterion:
    """One eligibility criterion of the protocol.

    Attributes
    ----------
    id : str
        ``"I1"``-``"I10"`` or ``"E1"``-``"E12"``, as the protocol numbers them.
    kind : str
        ``"inclusion"`` (must hold) or ``"exclusion"`` (must not hold).
    wording : str
        The protocol's text, shortened.
    columns : tuple of str
        Screening-log columns read (``"labs"`` for the daily laboratory table).
    interpretation : str
        How the wording is applied, including what makes it unknown.
    reason : str
        The reason for exclusion when the criterion is not met, as the CONSORT
        diagram prints it.
    """

    id: str
    kind: str
    wording: str
    columns: tuple[str, ...]
    interpretation: str
    reason: str = ""


def _exclusion(cid: str, wording: str, column: str, extra: str = "") -> Criterion:
    return Criterion(
        cid,
        EXCLUSION,
        wording,
        (column,),
        f"Not met (the patient is excluded) when {column} is yes; met when no; "
        f"unknown when empty or the column is absent.{extra}",
    )


_ALL: tuple[Criterion, ...] = (
    Criterion(
        "I1",
        INCLUSION,
        "B-ALL with a history of relapse, or MRD-positive at the last bone-marrow "
        "examination before transplant",
        ("relapse_history", "mrd_positive_pre_hsct"),
        "Met when relapse_history or mrd_positive_pre_hsct is yes; not met when both are no; "
        "unknown otherwise. The screening log is a log of B-ALL patients: the diagnosis "
        "itself is not re-checked.",
    ),
    Criterion(
        "I2",
        INCLUSION,
        "Age 16-65 years at informed consent",
        ("birth_date", "age", "consent_date"),
        "Age in completed years on consent_date (from birth_date), or the age column "
        "(completed years; a fractional age is rounded down). 16 and 65 are eligible: a "
        "patient is eligible from the 16th birthday to the day before the 66th. Unknown "
        "when neither gives an age (birth_date without consent_date gives none).",
    ),
    Criterion(
        "I3",
        INCLUSION,
        "Karnofsky performance status > 60, or ECOG performance status 0-2",
        ("kps", "ecog"),
        "Met when kps > 60 (KPS 60 is not enough, 70 is) or ecog <= 2; not met when both "
        "are recorded and neither holds; unknown when the recorded one fails and the other "
        "is empty, or both are empty.",
    ),
    Criterion(
        "I4",
        INCLUSION,
        "Expected survival > 3 months",
        ("expected_survival_months",),
        "Met when expected_survival_months > 3 (exactly 3 is not enough).",
    ),
    Criterion(
        "I5",
        INCLUSION,
        "Complete remission after transplant",
        ("cr_after_hsct",),
        "Met when cr_after_hsct is yes.",
    ),
    Criterion(
        "I6",
        INCLUSION,
        "Haematopoietic reconstitution after transplant",
        ("labs",),
        "From the daily labs (blina_stats.eligibility.engraftment): met when neutrophil "
        "engraftment, platelet engraftment and haemoglobin recovery each have a day, and "
        "ANC >= 1.5 and platelets >= 50 were each reached on or before day 45. Not met when "
        "an engraftment or recovery day was not reached in the labs recorded, or a day-45 "
        "threshold was not reached in labs reaching past day 45. Unknown without labs, for "
        "a patient with no lab rows, or when a day-45 threshold was not reached in labs "
        "that stop before day 45.",
    ),
    Criterion(
        "I7",
        INCLUSION,
        "No central nervous system involvement after transplant",
        ("cns_involvement",),
        "Met when cns_involvement is no.",
    ),
    Criterion(
        "I8",
        INCLUSION,
        "No serious damage to vital organs",
        ("serious_organ_damage",),
        "Met when serious_organ_damage is no. E1 (serious organ disease) is a separate "
        "column: the protocol lists both and they are kept apart.",
    ),
    Criterion(
        "I9",
        INCLUSION,
        "Signed informed consent",
        ("consent_date", "consent"),
        "Met when consent_date is given (and consent, if present, is not no); not met when "
        "the optional consent column is no (declined); unknown when both are empty.",
    ),
    Criterion(
        "I10",
        INCLUSION,
        "Negative serum pregnancy test within 7 days before the first dose, for women of "
        "childbearing age",
        (
            "sex",
            "childbearing_potential",
            "pregnancy_test",
            "pregnancy_test_date",
            "first_dose_date",
        ),
        "Met (not applicable) for men and for women without childbearing potential. For a "
        "woman of childbearing potential: not met when the test is positive; met when it is "
        "negative and taken 0-7 days before first_dose_date (the first, or planned first, "
        "dose; the same day counts, 8 days before does not, a test after the dose does "
        "not); unknown when the result, its date or the dose date is empty.",
    ),
    _exclusion("E1", "Serious disease of heart, lung, liver or kidney", "serious_organ_disease"),
    _exclusion("E2", "Uncontrolled active infection", "uncontrolled_infection"),
    _exclusion(
        "E3", "Participation in another clinical trial within 4 weeks", "other_trial_within_4_weeks"
    ),
    _exclusion("E4", "Poor graft function", "poor_graft_function"),
    _exclusion("E5", "Another malignancy needing treatment", "other_malignancy"),
    _exclusion("E6", "Active graft-versus-host disease", "active_gvhd"),
    _exclusion(
        "E7",
        "Allergy to chidamide",
        "chidamide_allergy",
        " The protocol names chidamide, not blinatumomab; kept as written.",
    ),
    _exclusion(
        "E8",
        "Pregnant or lactating",
        "pregnant_or_lactating",
        " Empty for a man counts as no. A positive pregnancy test fails I10, not E8.",
    ),
    _exclusion("E9", "HIV infection", "hiv"),
    _exclusion("E10", "Active hepatitis B or C", "active_hepatitis"),
    _exclusion("E11", "Prolonged QT interval", "long_qt"),
    _exclusion("E12", "Judged unsuitable by an investigator", "investigator_unsuitable"),
)

_REASONS = {
    "I1": "no relapse history and MRD-negative",
    "I2": "age outside 16-65",
    "I3": "KPS <= 60 and ECOG > 2",
    "I4": "expected survival <= 3 months",
    "I5": "not in complete remission",
    "I6": "no haematopoietic reconstitution",
    "I7": "CNS involvement",
    "I8": "serious organ damage",
    "I9": "declined consent",
    "I10": "no negative pregnancy test in the 7 days before dosing",
    "E1": "serious organ disease",
    "E2": "uncontrolled infection",
    "E3": "another trial within 4 weeks",
    "E4": "poor graft function",
    "E5": "another malignancy",
    "E6": "active GVHD",
    "E7": "chidamide allergy",
    "E8": "pregnant or lactating",
    "E9": "HIV infection",
    "E10": "active hepatitis B or C",
    "E11": "prolonged QT",
    "E12": "judged unsuitable by investigator",
}
_ALL = tuple(replace(c, reason=_REASONS[c.id]) for c in _ALL)

#: criterion id -> Criterion, in protocol order (I1-I10, then E1-E12)
CRITERIA: MappingProxyType[str, Criterion] = MappingProxyType({c.id: c for c in _ALL})
#: the exclusion criteria's boolean columns, in protocol order
EXCLUSION_COLUMNS: tuple[str, ...] = tuple(c.columns[0] for c in _ALL if c.kind == EXCLUSION)


def criteria_table() -> pd.DataFrame:
    """The criteria as a table, one row per criterion in protocol order.

    Returns
    -------
    DataFrame
        Indexed by ``id``, with columns ``kind``, ``wording``, ``columns`` (comma
        separated), ``interpretation`` and ``reason``.

    Examples
    --------
    >>> from blina_stats.eligibility import criteria_table
    >>> criteria_table().loc["I3", "columns"]
    'kps, ecog'
    """
    rows = [
        {
            "id": c.id,
            "kind": c.kind,
            "wording": c.wording,
            "columns": ", ".join(c.columns),
            "interpretation": c.interpretation,
            "reason": c.reason,
        }
        for c in CRITERIA.values()
    ]
    return pd.DataFrame(rows).set_index("id")
