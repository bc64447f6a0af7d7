"""The per-patient event table: its columns, and the one validation of it.

The event table
---------------
One row per patient.  Column names are fixed (a site that names them
differently passes ``columns={"their name": "our name"}`` to
:func:`blina_stats.load_events`).

=========================  ========  ==================================================
column                     required  meaning
=========================  ========  ==================================================
``patient_id``             yes       unique identifier (read as text: ``007`` stays ``007``)
``hsct_date``              with      date of the allogeneic transplant, day 0; needed
                           dates     whenever any ``*_date`` column is used
``enrollment_date``        no        first blinatumomab dose (entry into the risk set)
``last_contact_date``      yes [1]   last date the patient was known alive, or death
``relapse_date``           no        haematological/extramedullary relapse
``death_date``             no        death, any cause
``agvhd_date``             no        onset of grade II-IV acute GVHD (MAGIC criteria)
``cgvhd_date``             no        onset of chronic GVHD (NIH 2014 criteria)
``agvhd_grade``            no        maximum acute GVHD grade, integer 0-4
``cgvhd_severity``         no        maximum chronic GVHD severity: none, mild,
                                     moderate, severe (NIH 2014 global score)
``agvhd_3_4_date``         no        first day grade III-IV acute GVHD was reached
``cgvhd_mod_severe_date``  no        first day chronic GVHD was moderate or severe
``last_assessment_date``   no        last disease assessment (marrow, MRD): patients
                                     alive without relapse are censored at it for PFS
                                     and relapse (FDA 2018; see ``endpoints.intercurrent``)
``dli_date``               no        first donor lymphocyte infusion  (intercurrent
``second_hsct_date``       no        second transplant                 events, ICH
``new_therapy_date``       no        other anti-leukaemic therapy      E9(R1): see
                                     (TKI, chemotherapy, cellular)     ``intercurrent=``)
``mrd_relapse_date``       no        MRD recurrence (``relapse_definition=``)
=========================  ========  ==================================================

Each ``<event>_date`` may instead be given as ``<event>_day``, days after the
transplant (``enrollment_day``, ``last_contact_day``, ``relapse_day``,
``death_day``, ``agvhd_day``, ``cgvhd_day``, ``agvhd_3_4_day``,
``cgvhd_mod_severe_day``, ``last_assessment_day``, ...); a table may mix the
two, and when both are given for one patient they must agree.  Without the
grade-specific onsets (the column, or a patient's empty cell) grade III-IV aGVHD and moderate/severe
cGVHD are timed at the first onset, with a warning.  The GVHD episodes table
(:mod:`blina_stats.data.gvhd`, ``load_events(..., gvhd=)``) gives every GVHD
column instead, and must agree with those the table also gives.  An empty cell means the
event had not happened by last contact.  [1] ``last_contact`` may be empty
when a death is recorded (a warning; follow-up then ends at death).

Every other column is a covariate, kept exactly as read (disease status, MRD
before transplant, donor type, conditioning, age, sex, ...); figures and tables show
them by the labels of :mod:`blina_stats.data.labels`.

Dates are ISO 8601 (``2021-03-14``, a time of day is ignored), SAS ``DATE9``
(``14MAR2021``), ``14-Mar-2021`` or ``2021/03/14``, or native dates (Excel,
Parquet, SAS).  ``03/04/2021`` is ambiguous and needs ``date_format=``.  One
table must use one written format.  This is the date rule of every input
table (:mod:`blina_stats.data._dates`).

What is an error and what a warning
-----------------------------------
Errors (:class:`SchemaError`, one line each, naming the file, the patient and
the column; all problems are collected and the first is shown with a count):
missing required column; duplicate or empty ``patient_id``; unparseable,
ambiguous or mixed-format dates; non-numeric days (booleans, dates and
durations are not numbers of days: ``False`` is not day 0, and a
``timedelta64`` column is refused rather than guessed: give
``column.dt.days``); an event before the
transplant or after last contact; last contact after a recorded death; a
relapse after death; GVHD onset after death; enrollment before transplant or
after last contact; grade or severity out of range; a date and a day for one
event that disagree; a GVHD onset date with grade 0-1 or severity ``none``; a
grade-specific onset before the first onset, without it, after death or last
contact, or with a maximum grade below III (severity mild or none); an
empty table.

Warnings (:class:`ValidationWarning`, kept on the cohort and printed by every
command; the row is kept unchanged and the endpoint that cannot use it says
so in its exclusions): last contact missing but death recorded (follow-up
ends at death); enrollment missing for a patient; relapse before enrollment;
grade II-IV (or mild-severe cGVHD) recorded without an onset date; an onset
date without a grade or severity; no ``agvhd_grade`` column (any recorded aGVHD
counts as grade II-IV and grade III-IV is not estimable); follow-up beyond
50 years (``last_contact_day`` 99999: a sentinel value?); patient ids that
differ only in case, by a look-alike dash or by NFKC normalisation (two
patients); a covariate whose name is close to a schema column's
(``relpase_date``: did you mean ``relapse_date``?).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._cells import (
    Problems,
    SchemaError,
    ValidationWarning,
    numbers,
    parse_days,
    patient_ids,
    show,
)
from ._checks import check_gvhd, check_gvhd_grades, check_order
from ._columns import (
    ESTIMAND_EVENTS,
    EVENTS,
    GRADE,
    SCHEMA_COLUMNS,
    SEVERITIES,
    SEVERITY,
    TIMED,
)
from ._dates import Dates, days_between, days_to_timedelta, distinct_cells
from .gvhd import gvhd_fields, merge_gvhd

if TYPE_CHECKING:
    from .readers import RawTable

__all__ = [
    "EVENTS",
    "GRADE",
    "SCHEMA_COLUMNS",
    "SEVERITIES",
    "SEVERITY",
    "SchemaError",
    "ValidatedTable",
    "ValidationWarning",
    "days_to_timedelta",
    "validate",
]


@dataclass(frozen=True)
class ValidatedTable:
    """The output of :func:`validate`: days since transplant, and what was present.

    Attributes
    ----------
    frame : DataFrame
        One row per patient, in input order: ``patient_id`` (text), ``hsct_date``
        (when given), ``<event>_day`` for every event (NaN: not happened or
        column absent), ``agvhd_grade`` (float, NaN missing),
        ``cgvhd_severity`` (text or missing), then the covariates as read.
    present : frozenset of str
        Events and fields the table holds (``"relapse"``, ``"agvhd_grade"``...).
    warnings : tuple of ValidationWarning
    covariates : tuple of str
    """

    frame: pd.DataFrame
    present: frozenset[str]
    warnings: tuple[ValidationWarning, ...]
    covariates: tuple[str, ...]


def validate(
    raw: pd.DataFrame,
    source: str,
    *,
    names: dict[str, str] | None = None,
    date_format: str | None = None,
    sas_dates: bool = False,
    gvhd: RawTable | None = None,
) -> ValidatedTable:
    """Check an event table against the schema and convert it to days since transplant.

    Parameters
    ----------
    raw : DataFrame
        The table with schema column names (after any mapping).
    source : str
        The file name (or ``"<DataFrame>"``) that messages start with.
    names : dict, optional
        Schema column -> the user's own column name, so messages use theirs.
    date_format : str, optional
        ``strptime`` format of written dates, e.g. ``"%d/%m/%Y"``.
    sas_dates : bool
        Numbers in ``*_date`` columns are SAS dates (days since 1960-01-01).
    gvhd : RawTable, optional
        The GVHD episodes table as read (:mod:`blina_stats.data.gvhd`): every
        GVHD field comes from it, and must agree with the event table's own.

    Returns
    -------
    ValidatedTable

    Raises
    ------
    SchemaError
        Listing every problem; its message is the first, with the count of the rest.
    """
    if raw.shape[0] == 0:
        raise SchemaError([f"{source}: the table is empty (no patients)"])
    dup_cols = raw.columns[raw.columns.duplicated()].unique().tolist()
    if dup_cols:
        raise SchemaError([f"{source}: column(s) {dup_cols} appear more than once"])
    missing = [c for c in ("patient_id",) if c not in raw.columns]
    if not {"last_contact_date", "last_contact_day"} & set(raw.columns):
        missing.append("last_contact_date or last_contact_day")
    date_cols = [f"{e}_date" for e in TIMED if f"{e}_date" in raw.columns]
    if date_cols and "hsct_date" not in raw.columns:
        missing.append(f"hsct_date (needed by {', '.join(date_cols)})")
    if missing:
        raise SchemaError([f"{source}: missing required column {m}" for m in missing])
    id_warnings: list[ValidationWarning] = []
    ids = patient_ids(raw["patient_id"], source, warnings=id_warnings)
    ctx = Problems(source, ids, names)
    ctx.warnings.extend(id_warnings)
    labels: dict[str, str] = {}
    out = pd.DataFrame({"patient_id": ids})
    dates = Dates(ctx, date_format=date_format, sas_dates=sas_dates)
    hsct, days = _event_days(raw, ctx, dates, labels)
    if hsct is not None:
        out["hsct_date"] = hsct
    for event in TIMED:
        out[f"{event}_day"] = days[event]
    present = {e for e in TIMED if f"{e}_date" in raw.columns or f"{e}_day" in raw.columns}
    out[GRADE] = _grades(raw, ctx) if GRADE in raw.columns else np.nan
    out[SEVERITY] = _severities(raw, ctx) if SEVERITY in raw.columns else None
    present |= {c for c in (GRADE, SEVERITY) if c in raw.columns}
    if gvhd is not None:
        ctx.raise_if_any()  # the event table's own cells first: the episodes are read against it
        follow_up = (out["last_contact_day"].to_numpy(), out["death_day"].to_numpy())
        episodes = gvhd_fields(
            gvhd, ids, hsct, follow_up, date_format=date_format, sas_dates=sas_dates
        )
        merge_gvhd(out, episodes, gvhd.source, ctx, present, labels)
    check_order(out, ctx, present, labels)
    check_gvhd(out, ctx, present, labels)
    _check_estimand_events(out, ctx, present, labels)
    check_gvhd_grades(out, ctx, present, labels)
    ctx.raise_if_any()
    covariates = tuple(c for c in raw.columns if c not in SCHEMA_COLUMNS)
    _near_misses(covariates, set(raw.columns), ctx)
    for c in covariates:
        out[c] = raw[c].to_numpy()
    return ValidatedTable(out, frozenset(present), tuple(ctx.warnings), covariates)


def _check_estimand_events(
    out: pd.DataFrame, ctx: Problems, present: set[str], lab: dict[str, str]
) -> None:
    """The optional dates of issue 13 fall within follow-up; a missing last assessment warns."""
    lc = out["last_contact_day"].to_numpy()
    for event in ESTIMAND_EVENTS:
        day = out[f"{event}_day"].to_numpy()
        ctx.error(
            day > lc,
            lambda i, e=event, d=day: (
                f"{lab[e]} (day {d[i]:g}) is after {lab['last_contact']} (day {lc[i]:g})"
            ),
        )
    if "last_assessment" in present:
        ctx.warn(
            np.isnan(out["last_assessment_day"].to_numpy()),
            "last_assessment",
            lambda i: (
                f"{lab['last_assessment']} is empty: censored at last contact for PFS and "
                "relapse (no assessment date to censor at)"
            ),
        )


def _near_misses(covariates: tuple[str, ...], columns: set[str], ctx: Problems) -> None:
    """A covariate named like an absent schema column (``relpase_date``): a typo, likely."""
    absent = [c for c in SCHEMA_COLUMNS if c not in columns]
    for c in covariates:
        close = difflib.get_close_matches(c.lower(), absent, n=1, cutoff=0.85)
        if close:
            ctx.warnings.append(
                ValidationWarning(
                    ctx.source,
                    None,
                    c,
                    f"column {ctx.names.get(c, c)!r} is read as a covariate: did you mean "
                    f"{close[0]!r}? (rename it, or map it with columns=)",
                )
            )


def _event_days(
    raw: pd.DataFrame, ctx: Problems, dates: Dates, labels: dict[str, str]
) -> tuple[pd.Series | None, dict[str, pd.Series]]:
    """Days since transplant of every event, from dates, days, or both (which must agree)."""
    n = raw.shape[0]
    hsct = None
    if "hsct_date" in raw.columns:
        hsct = dates.parse(raw["hsct_date"], "hsct_date")
    days: dict[str, pd.Series] = {}
    for event in TIMED:
        value = pd.Series(np.full(n, np.nan))
        day_col, date_col = f"{event}_day", f"{event}_date"
        from_day = from_date = None
        if day_col in raw.columns:
            from_day = parse_days(raw[day_col], day_col, ctx)
            value = from_day
        if date_col in raw.columns and hsct is not None:
            when = dates.parse(raw[date_col], date_col)
            no_day0 = when.notna().to_numpy() & hsct.isna().to_numpy()
            ctx.error(
                no_day0,
                lambda i, c=date_col: (
                    f"{ctx.col(c)} is given but hsct_date is empty: "
                    "the transplant date is day 0 of every date"
                ),
            )
            from_date = pd.Series(days_between(when, hsct))
            value = from_date if from_day is None else from_day.fillna(from_date)
        if from_day is not None and from_date is not None:
            both = from_day.notna() & from_date.notna()
            clash = (both & (from_day != from_date)).to_numpy()
            ctx.error(
                clash,
                lambda i, d=day_col, c=date_col, a=from_day, b=from_date: (
                    f"{ctx.col(d)} {a.iloc[i]:g} disagrees with {ctx.col(c)} "
                    f"{raw[c].iloc[i]!s} (day {b.iloc[i]:g})"
                ),
            )
        days[event] = value.reset_index(drop=True)
        used = [c for c in (date_col, day_col) if c in raw.columns]
        labels[event] = "/".join(ctx.col(c) for c in used) if used else event
    dates.check_mixed()
    return hsct, days


def _grades(raw: pd.DataFrame, ctx: Problems) -> pd.Series:
    """Acute GVHD grades 0-4 as floats (NaN missing); anything else is an error."""
    values = raw[GRADE].reset_index(drop=True)
    codes, cells = distinct_cells(values)  # each distinct cell read once; code -1: missing
    num, bad_cell = numbers(cells)
    bad_cell |= num.notna().to_numpy() & ~num.isin([0.0, 1.0, 2.0, 3.0, 4.0]).to_numpy()
    bad = np.append(bad_cell, False)[codes]
    ctx.error(
        bad, lambda i: f"{ctx.col(GRADE)} {show(values.iloc[i])} is not a grade 0, 1, 2, 3 or 4"
    )
    return pd.Series(np.where(bad, np.nan, np.append(num.to_numpy(), np.nan)[codes]))


def _severities(raw: pd.DataFrame, ctx: Problems) -> pd.Series:
    """Chronic GVHD severities in lower case (missing stays missing); others are errors."""
    values = raw[SEVERITY].reset_index(drop=True)
    codes, cells = distinct_cells(values)  # each distinct cell read once; code -1: missing
    text = cells.astype("string").str.strip().str.lower()
    blank = text.isna() | text.eq("")
    bad_cell = (~blank & ~text.isin(SEVERITIES)).fillna(False).to_numpy(dtype=bool)
    bad = np.append(bad_cell, False)[codes]
    ctx.error(
        bad,
        lambda i: (
            f"{ctx.col(SEVERITY)} {show(values.iloc[i])} is not one of {', '.join(SEVERITIES)}"
        ),
    )
    kept = text.where(~blank & ~pd.Series(bad_cell)).astype(object)
    # missing as None, once per distinct cell (slot -1: a missing cell)
    distinct = np.append(kept.to_numpy(dtype=object), [None])
    distinct[np.append(kept.isna().to_numpy(), True)] = None
    return pd.Series(distinct[codes], dtype=object)
