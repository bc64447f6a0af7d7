"""The screening log, and each screened patient checked against the protocol's criteria.

The screening log
-----------------
One row per screened patient.  Only ``patient_id`` is required: a criterion
whose columns are absent is unknown for everyone, never passed.  A site that
names columns differently passes ``columns={"their name": "our name"}``.

===============================  ==========  ==============================================
column                           criterion   content
===============================  ==========  ==============================================
``patient_id``                   -           unique; the event table's id for enrolled ones
``consent_date``                 I2, I9      date of signed informed consent
``consent``                      I9          optional: no = declined consent
``birth_date`` or ``age``        I2          date of birth, or completed years at consent
``sex``                          I10, E8     M/F (male/female)
``childbearing_potential``       I10         yes/no (women)
``pregnancy_test``               I10         negative/positive (serum)
``pregnancy_test_date``          I10         date of that test
``first_dose_date``              I10         first (or planned first) blinatumomab dose
``relapse_history``              I1          yes/no: relapse before transplant
``mrd_positive_pre_hsct``        I1          yes/no: MRD at the last marrow before transplant
``kps``                          I3          Karnofsky 0-100 (steps of 10)
``ecog``                         I3          ECOG 0-5
``expected_survival_months``     I4          investigator's estimate, months
``cr_after_hsct``                I5          yes/no
``cns_involvement``              I7          yes/no: CNS disease after transplant
``serious_organ_damage``         I8          yes/no
``serious_organ_disease``        E1          yes/no (yes excludes; likewise below)
``uncontrolled_infection``       E2
``other_trial_within_4_weeks``   E3
``poor_graft_function``          E4
``other_malignancy``             E5
``active_gvhd``                  E6
``chidamide_allergy``            E7
``pregnant_or_lactating``        E8
``hiv``                          E9
``active_hepatitis``             E10
``long_qt``                      E11
``investigator_unsuitable``      E12
===============================  ==========  ==============================================

Yes/no cells accept yes/no, y/n, true/false, 1/0 in any case; an empty cell is
missing.  Dates are read exactly as in the event table
(:mod:`blina_stats.data._dates`: same layouts, same messages).  Criterion I6
reads the daily labs (:mod:`blina_stats.eligibility.engraftment`); each
criterion's reading is in :mod:`blina_stats.eligibility.criteria`.

Errors (one line each, naming file, patient and column): a duplicate or empty
``patient_id``; an unparseable or mixed-format date; a yes/no, number, sex or
test result that cannot be read; an age outside 0-120, KPS not in 0, 10, ...,
100, ECOG not 0-5, a negative expected survival; impossible dates (birth
after consent, first dose before consent, a pregnancy test before birth);
``age`` disagreeing with ``birth_date`` at consent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..data._cells import (
    Problems,
    SchemaError,
    ValidationWarning,
    lookalike_text,
    lookalikes,
    parse_bool,
    parse_choice,
    parse_number,
    patient_ids,
)
from ..data._dates import Dates
from ..data.readers import read_table
from .criteria import CRITERIA, EXCLUSION_COLUMNS
from .engraftment import engraftment
from .labs import Labs, check_patients, read_labs
from .rules import RULES

DATE_COLUMNS = ("consent_date", "birth_date", "pregnancy_test_date", "first_dose_date")
BOOL_COLUMNS = (
    "consent",
    "childbearing_potential",
    "relapse_history",
    "mrd_positive_pre_hsct",
    "cr_after_hsct",
    "cns_involvement",
    "serious_organ_damage",
    *EXCLUSION_COLUMNS,
)
#: name -> (low, high, step (None: any value), what the value must be)
NUMBER_COLUMNS: Mapping[str, tuple[float, float, float | None, str]] = {
    "age": (0.0, 120.0, None, "an age in years (0-120)"),
    "kps": (0.0, 100.0, 10.0, "a Karnofsky score (0, 10, ..., 100)"),
    "ecog": (0.0, 5.0, 1.0, "an ECOG score (0-5)"),
    "expected_survival_months": (0.0, np.inf, None, "a number of months >= 0"),
}
SEX = {"m": "M", "male": "M", "f": "F", "female": "F"}
PREGNANCY_TEST = {
    "negative": "negative",
    "neg": "negative",
    "positive": "positive",
    "pos": "positive",
}
SCREENING_COLUMNS = (
    "patient_id",
    *DATE_COLUMNS,
    *BOOL_COLUMNS,
    *NUMBER_COLUMNS,
    "sex",
    "pregnancy_test",
)
#: the columns of :func:`check_eligibility`
ELIGIBILITY_COLUMNS = ("patient_id", "failed", "unknown", "eligible")


@dataclass(frozen=True)
class ScreeningLog:
    """A validated screening log; build it with :func:`read_screening`.

    Attributes
    ----------
    frame : DataFrame
        One row per patient, input order: ``patient_id`` (text), every column
        of the table in this module's docstring (absent ones all missing):
        dates as ``datetime64``, yes/no as nullable boolean, numbers as
        ``Float64``, ``sex`` ``"M"``/``"F"``, ``pregnancy_test``
        ``"negative"``/``"positive"``; ``age`` is completed years at consent.
    source : str
    present : frozenset of str
        The columns the log had.
    warnings : tuple of ValidationWarning
        A column there only in another case (``KPS`` for ``kps``), read as absent.
    """

    frame: pd.DataFrame = field(repr=False)
    source: str
    present: frozenset[str] = field(repr=False)
    warnings: tuple[ValidationWarning, ...] = field(default=(), repr=False)

    @property
    def patient_ids(self) -> tuple[str, ...]:
        return tuple(self.frame["patient_id"])

    def __repr__(self) -> str:
        return f"ScreeningLog({self.source!r}: {len(self.frame)} patients)"


def read_screening(
    path_or_frame: str | Path | pd.DataFrame | ScreeningLog,
    *,
    columns: Mapping[str, str] | None = None,
    date_format: str | None = None,
    sheet_name: str | int = 0,
    encoding: str = "utf-8",
    sas_dates: bool | None = None,
) -> ScreeningLog:
    """Read and validate a screening log (the table in this module's docstring).

    Parameters
    ----------
    path_or_frame : str, Path, DataFrame or ScreeningLog
        CSV/TSV, Parquet, Excel, SAS or a DataFrame; a ScreeningLog is
        returned unchanged.
    columns : mapping, optional
        The source's column name -> ours, e.g. ``{"DOB": "birth_date"}``.
    date_format, sheet_name, encoding, sas_dates
        As in :func:`blina_stats.load_events`.

    Returns
    -------
    ScreeningLog

    Raises
    ------
    blina_stats.data.SchemaError
        An InputError naming file, patient and column, for each problem.
    """
    if isinstance(path_or_frame, ScreeningLog):
        return path_or_frame
    raw = read_table(
        path_or_frame,
        columns=columns,
        sheet_name=sheet_name,
        encoding=encoding,
        table="screening log",
    )
    frame, source = raw.frame, raw.source
    if "patient_id" not in frame.columns:
        raise SchemaError([f"{source}: missing required column patient_id"])
    if frame.empty:
        raise SchemaError([f"{source}: the screening log has no rows"])
    id_warnings: list[ValidationWarning] = []
    ids = patient_ids(frame["patient_id"], source, warnings=id_warnings)
    ctx = Problems(source, ids, raw.names)
    ctx.warnings.extend(id_warnings)
    for ours, theirs in lookalikes(frame.columns, SCREENING_COLUMNS).items():
        ctx.warnings.append(ValidationWarning(source, None, ours, lookalike_text(ours, theirs)))
    n = len(ids)
    out = pd.DataFrame({"patient_id": ids})
    sas = raw.sas if sas_dates is None else sas_dates
    dates = Dates(ctx, date_format=date_format, sas_dates=sas)
    for col in DATE_COLUMNS:
        out[col] = (
            dates.parse(frame[col], col)
            if col in frame.columns
            else pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
        )
    dates.check_mixed()
    for col in BOOL_COLUMNS:
        out[col] = (
            parse_bool(frame[col], col, ctx)
            if col in frame.columns
            else pd.Series(pd.NA, index=range(n), dtype="boolean")
        )
    for col, (low, high, step, what) in NUMBER_COLUMNS.items():
        out[col] = (
            parse_number(frame[col], col, ctx, low=low, high=high, step=step, what=what)
            if col in frame.columns
            else pd.Series(pd.NA, index=range(n), dtype="Float64")
        )
    for col, choices in (("sex", SEX), ("pregnancy_test", PREGNANCY_TEST)):
        out[col] = (
            parse_choice(frame[col], col, ctx, choices)
            if col in frame.columns
            else pd.Series(pd.NA, index=range(n), dtype="string")
        )
    _check_dates(out, ctx)
    ctx.raise_if_any()
    present = frozenset(c for c in SCREENING_COLUMNS if c in frame.columns)
    return ScreeningLog(out, source, present, tuple(ctx.warnings))


def _completed_years(birth: pd.Series, at: pd.Series) -> pd.Series:
    """Whole years from `birth` to `at` (a birthday counts on the day itself)."""
    years = at.dt.year - birth.dt.year
    before = (at.dt.month < birth.dt.month) | (
        (at.dt.month == birth.dt.month) & (at.dt.day < birth.dt.day)
    )
    return (years - before.astype(int)).astype("Float64")


def _check_dates(out: pd.DataFrame, ctx: Problems) -> None:
    """Impossible dates, and an age column that disagrees with the birth date."""
    consent, birth = out["consent_date"], out["birth_date"]
    dose, test = out["first_dose_date"], out["pregnancy_test_date"]

    def day(s: pd.Series, i: int) -> str:
        return str(s.iloc[i].date())

    ctx.error(
        (birth > consent).to_numpy(dtype=bool),
        lambda i: (
            f"{ctx.col('birth_date')} {day(birth, i)} is after "
            f"{ctx.col('consent_date')} {day(consent, i)}"
        ),
    )
    ctx.error(
        (dose < consent).to_numpy(dtype=bool),
        lambda i: (
            f"{ctx.col('first_dose_date')} {day(dose, i)} is before "
            f"{ctx.col('consent_date')} {day(consent, i)}"
        ),
    )
    ctx.error(
        (test < birth).to_numpy(dtype=bool),
        lambda i: (
            f"{ctx.col('pregnancy_test_date')} {day(test, i)} is before "
            f"{ctx.col('birth_date')} {day(birth, i)}"
        ),
    )
    from_birth = _completed_years(birth, consent)
    given = np.floor(out["age"])  # completed years
    clash = (from_birth.notna() & given.notna() & (from_birth != given)).to_numpy(dtype=bool)
    ctx.error(
        clash,
        lambda i: (
            f"{ctx.col('age')} {out['age'].iloc[i]:g} disagrees with "
            f"{ctx.col('birth_date')} {day(birth, i)} (age {from_birth.iloc[i]:g} at consent "
            f"{day(consent, i)})"
        ),
    )
    out["age"] = from_birth.fillna(given)


def criteria_met(
    screening: str | Path | pd.DataFrame | ScreeningLog,
    labs: str | Path | pd.DataFrame | Labs | None = None,
) -> pd.DataFrame:
    """Every criterion for every screened patient: met (True), not met (False) or unknown (NA).

    Parameters
    ----------
    screening : str, Path, DataFrame or ScreeningLog
        The screening log (read with :func:`read_screening` unless already read).
    labs : str, Path, DataFrame or Labs, optional
        Daily labs for I6; without them I6 is unknown for everyone.  Every lab
        row's patient must be in the screening log, as every adverse-event and
        dosing row's must be in the event table.

    Returns
    -------
    DataFrame
        Indexed by ``patient_id`` in log order, one nullable boolean column per
        criterion id in protocol order.  For an exclusion, False means the
        exclusion applies.

    Raises
    ------
    blina_stats.data.SchemaError
        The screening log or the labs do not validate, or a lab row's patient
        is not in the screening log (naming the labs file, data row and patient).
    """
    log = read_screening(screening)
    frame = log.frame.copy()
    reconstituted = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    if labs is not None:
        records = read_labs(labs)
        check_patients(records, set(frame["patient_id"]), f"the screening log {log.source!r}")
        per = engraftment(records).set_index("patient_id")["reconstituted"]
        reconstituted = per.reindex(frame["patient_id"]).astype("boolean")
        reconstituted.index = frame.index
    frame["reconstituted"] = reconstituted
    met = {cid: RULES[cid](frame).astype("boolean") for cid in CRITERIA}
    out = pd.DataFrame(met)
    out.index = pd.Index(frame["patient_id"], name="patient_id")
    return out


def check_eligibility(
    screening: str | Path | pd.DataFrame | ScreeningLog,
    labs: str | Path | pd.DataFrame | Labs | None = None,
) -> pd.DataFrame:
    """Check each screened patient against inclusion I1-I10 and exclusion E1-E12.

    Parameters
    ----------
    screening : str, Path, DataFrame or ScreeningLog
        The screening log (this module's docstring).  To rename columns or give
        a date format, read it first with :func:`read_screening`.
    labs : str, Path, DataFrame or Labs, optional
        Daily labs (:mod:`blina_stats.eligibility.engraftment`) for I6;
        without them I6 is unknown and nobody is eligible outright.

    Returns
    -------
    DataFrame
        One row per screened patient, log order, with exactly the columns
        ``patient_id``; ``failed``, a tuple of the ids of the criteria not met
        (exclusions that apply) in protocol order; ``unknown``, a tuple of the
        criteria that could not be judged because data are missing; and
        ``eligible``, a nullable boolean: False when anything failed, True when
        everything was met, ``pd.NA`` when nothing failed but something is
        unknown.

    Notes
    -----
    Each criterion's reading is listed in
    :mod:`blina_stats.eligibility.criteria` and :func:`criteria_table`.

    Examples
    --------
    >>> import blina_stats as bs
    >>> log, labs = bs.synthetic.bundled("screening"), bs.synthetic.bundled("labs")
    >>> table = bs.check_eligibility(log, labs)
    >>> list(table.columns)
    ['patient_id', 'failed', 'unknown', 'eligible']
    """
    met = criteria_met(screening, labs)
    ids = np.array(met.columns, dtype=object)
    not_met = met.eq(False).fillna(False).to_numpy(dtype=bool)
    unjudged = met.isna().to_numpy(dtype=bool)
    failed = [tuple(ids[row]) for row in not_met]
    unknown = [tuple(ids[row]) for row in unjudged]
    eligible = pd.Series(
        [False if f else (pd.NA if u else True) for f, u in zip(failed, unknown, strict=True)],
        dtype="boolean",
    )
    return pd.DataFrame(
        {
            "patient_id": met.index.to_numpy(dtype=object),
            "failed": pd.Series(failed, dtype=object),
            "unknown": pd.Series(unknown, dtype=object),
            "eligible": eligible,
        }
    )
