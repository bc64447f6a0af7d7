"""The per-patient event table: its columns, and the one validation of it.

The event table
---------------
One row per patient.  Column names are fixed (a site that names them
differently passes ``columns={"their name": "our name"}`` to
:func:`blina_stats.load_events`).

=====================  ========  ==================================================
column                 required  meaning
=====================  ========  ==================================================
``patient_id``         yes       unique identifier (read as text: ``007`` stays ``007``)
``hsct_date``          with      date of the allogeneic transplant, day 0; needed
                       dates     whenever any ``*_date`` column is used
``enrollment_date``    no        first blinatumomab dose (entry into the risk set)
``last_contact_date``  yes [1]   last date the patient was known alive, or death
``relapse_date``       no        haematological/extramedullary relapse
``death_date``         no        death, any cause
``agvhd_date``         no        onset of grade II-IV acute GVHD (MAGIC criteria)
``cgvhd_date``         no        onset of chronic GVHD (NIH 2014 criteria)
``agvhd_grade``        no        maximum acute GVHD grade, integer 0-4
``cgvhd_severity``     no        maximum chronic GVHD severity: none, mild,
                                 moderate, severe (NIH 2014 global score)
=====================  ========  ==================================================

Each ``<event>_date`` may instead be given as ``<event>_day``, days after the
transplant (``enrollment_day``, ``last_contact_day``, ``relapse_day``,
``death_day``, ``agvhd_day``, ``cgvhd_day``); a table may mix the two, and when
both are given for one patient they must agree.  An empty cell means the
event had not happened by last contact.  [1] ``last_contact`` may be empty
when a death is recorded (a warning; follow-up then ends at death).

Every other column is a covariate, kept exactly as read (disease status, MRD
before transplant, donor type, conditioning, age, sex, ...).

Dates are ISO 8601 (``2021-03-14``, a time of day is ignored), SAS ``DATE9``
(``14MAR2021``), ``14-Mar-2021`` or ``2021/03/14``, or native dates (Excel,
Parquet, SAS).  ``03/04/2021`` is ambiguous and needs ``date_format=``.  One
table must use one written format.

What is an error and what a warning
-----------------------------------
Errors (:class:`SchemaError`, one line each, naming the file, the patient and
the column; all problems are collected and the first is shown with a count):
missing required column; duplicate or empty ``patient_id``; unparseable,
ambiguous or mixed-format dates; non-numeric days; an event before the
transplant or after last contact; last contact after a recorded death; a
relapse after death; GVHD onset after death; enrollment before transplant or
after last contact; grade or severity out of range; a date and a day for one
event that disagree; a GVHD onset date with grade 0-1 or severity ``none``; an
empty table.

Warnings (:class:`ValidationWarning`, kept on the cohort and printed by every
command; the row is kept unchanged and the endpoint that cannot use it says
so in its exclusions): last contact missing but death recorded (follow-up
ends at death); enrollment missing for a patient; relapse before enrollment;
grade II-IV (or mild-severe cGVHD) recorded without an onset date; an onset
date without a grade or severity; no ``agvhd_grade`` column (any recorded aGVHD
counts as grade II-IV and grade III-IV is not estimable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

#: events timed by ``<event>_date`` or ``<event>_day``, in the order they are checked
EVENTS = ("enrollment", "last_contact", "relapse", "death", "agvhd", "cgvhd")
GRADE = "agvhd_grade"
SEVERITY = "cgvhd_severity"
SEVERITIES = ("none", "mild", "moderate", "severe")
#: every column name the schema knows; anything else is a covariate
SCHEMA_COLUMNS = (
    "patient_id",
    "hsct_date",
    *(f"{e}_date" for e in EVENTS),
    *(f"{e}_day" for e in EVENTS),
    GRADE,
    SEVERITY,
)
#: SAS counts days from 1960-01-01
_SAS_EPOCH = pd.Timestamp("1960-01-01")
#: written date layouts recognised without `date_format`: regex -> (family, strptime format)
_LAYOUTS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"), "ISO 8601 (2021-03-14)", "%Y-%m-%d"),
    (
        re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"),
        "ISO 8601 (2021-03-14)",
        "ISO8601",
    ),
    (re.compile(r"^\d{1,2}[A-Za-z]{3}\d{4}$"), "SAS DATE9 (14MAR2021)", "%d%b%Y"),
    (re.compile(r"^\d{1,2}-[A-Za-z]{3}-\d{4}$"), "14-Mar-2021", "%d-%b-%Y"),
    (re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$"), "2021/03/14", "%Y/%m/%d"),
)
_AMBIGUOUS = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")
_MAX_SHOWN = 3


def days_to_timedelta(days: Any) -> np.ndarray:
    """Days (NaN: none) as ``timedelta64[ns]`` (NaT where NaN).

    Only the finite values go through ``pandas.to_timedelta``: on NaN its
    float path multiplies a meaningless integer and can warn of an overflow.
    """
    arr = np.asarray(days, dtype=np.float64)
    out = np.full(arr.shape, np.timedelta64("NaT"), dtype="timedelta64[ns]")
    known = np.isfinite(arr)
    out[known] = pd.to_timedelta(arr[known], unit="D").to_numpy()
    return out


@dataclass(frozen=True)
class ValidationWarning:
    """A problem in the table that keeps the row: where it is and what it means."""

    source: str
    patient: str | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.source]
        if self.patient is not None:
            where.append(f"patient {self.patient!r}")
        return ": ".join([*where, self.message])


class SchemaError(InputError):
    """The event table breaks the schema; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        more = len(problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(problems[0] + suffix)


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


def _show(value: Any) -> str:
    """A cell as the user would write it: NumPy scalars shown as plain Python values."""
    return repr(value.item() if isinstance(value, np.generic) else value)


class _Context:
    """Where messages point: the source, the patients and the user's own column names."""

    def __init__(self, source: str, ids: pd.Series, names: dict[str, str]) -> None:
        self.source = source
        self.ids = ids
        self.names = names
        self.errors: list[str] = []
        #: event -> the column(s) its value came from, as the user wrote them
        self.labels: dict[str, str] = {}
        self.warnings: list[ValidationWarning] = []

    def col(self, column: str) -> str:
        own = self.names.get(column, column)
        return column if own == column else f"{own!r} ({column})"

    def error(self, rows: np.ndarray, text: Any) -> None:
        """Record one error per offending row; `text(i)` writes the message for row i."""
        for i in np.flatnonzero(rows):
            self.errors.append(f"{self.source}: patient {self.ids.iloc[i]!r}: {text(i)}")

    def warn(self, rows: np.ndarray, column: str | None, text: Any) -> None:
        for i in np.flatnonzero(rows):
            self.warnings.append(
                ValidationWarning(self.source, str(self.ids.iloc[i]), column, text(i))
            )


def validate(
    raw: pd.DataFrame,
    source: str,
    *,
    names: dict[str, str] | None = None,
    date_format: str | None = None,
    sas_dates: bool = False,
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
    date_cols = [f"{e}_date" for e in EVENTS if f"{e}_date" in raw.columns]
    if date_cols and "hsct_date" not in raw.columns:
        missing.append(f"hsct_date (needed by {', '.join(date_cols)})")
    if missing:
        raise SchemaError([f"{source}: missing required column {m}" for m in missing])
    ids = _patient_ids(raw["patient_id"], source)
    ctx = _Context(source, ids, names or {})
    out = pd.DataFrame({"patient_id": ids})
    hsct, days = _event_days(raw, ctx, date_format, sas_dates)
    if hsct is not None:
        out["hsct_date"] = hsct
    for event in EVENTS:
        out[f"{event}_day"] = days[event]
    present = {e for e in EVENTS if f"{e}_date" in raw.columns or f"{e}_day" in raw.columns}
    out[GRADE] = _grades(raw, ctx) if GRADE in raw.columns else np.nan
    out[SEVERITY] = _severities(raw, ctx) if SEVERITY in raw.columns else None
    present |= {c for c in (GRADE, SEVERITY) if c in raw.columns}
    _check_order(out, ctx, present)
    _check_gvhd(out, ctx, present)
    if ctx.errors:
        raise SchemaError(ctx.errors)
    covariates = tuple(c for c in raw.columns if c not in SCHEMA_COLUMNS)
    for c in covariates:
        out[c] = raw[c].to_numpy()
    return ValidatedTable(out, frozenset(present), tuple(ctx.warnings), covariates)


def _patient_ids(column: pd.Series, source: str) -> pd.Series:
    """Patient identifiers as text; empty or duplicated ones are errors."""
    values = column.reset_index(drop=True)
    empty = values.isna() | values.astype(str).str.strip().eq("")
    if empty.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(empty)[:_MAX_SHOWN])
        raise SchemaError([f"{source}: patient_id is empty in data row(s) {rows}"])
    if pd.api.types.is_float_dtype(values) and (values == values.round()).all():
        values = values.astype(np.int64)
    ids = values.astype(str).str.strip()
    dup = ids[ids.duplicated()].unique()
    if dup.size:
        raise SchemaError(
            [f"{source}: patient {p!r}: patient_id appears more than once" for p in dup]
        )
    return ids


def _event_days(
    raw: pd.DataFrame, ctx: _Context, date_format: str | None, sas_dates: bool
) -> tuple[pd.Series | None, dict[str, pd.Series]]:
    """Days since transplant of every event, from dates, days, or both (which must agree)."""
    n = raw.shape[0]
    layouts: dict[str, tuple[str, str, str]] = {}  # written layout -> first use
    hsct = None
    if "hsct_date" in raw.columns:
        hsct = _parse_dates(raw["hsct_date"], "hsct_date", ctx, date_format, sas_dates, layouts)
    days: dict[str, pd.Series] = {}
    for event in EVENTS:
        value = pd.Series(np.full(n, np.nan))
        day_col, date_col = f"{event}_day", f"{event}_date"
        from_day = from_date = None
        if day_col in raw.columns:
            from_day = _parse_days(raw[day_col], day_col, ctx)
            value = from_day
        if date_col in raw.columns and hsct is not None:
            dates = _parse_dates(raw[date_col], date_col, ctx, date_format, sas_dates, layouts)
            no_day0 = dates.notna().to_numpy() & hsct.isna().to_numpy()
            ctx.error(
                no_day0,
                lambda i, c=date_col: (
                    f"{ctx.col(c)} is given but hsct_date is empty: "
                    "the transplant date is day 0 of every date"
                ),
            )
            from_date = pd.Series((dates - hsct).dt.days.to_numpy(dtype=np.float64))
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
        ctx.labels[event] = "/".join(ctx.col(c) for c in used) if used else event
    if len(layouts) > 1:
        (fam1, (col1, pid1, val1)), *rest = layouts.items()
        ctx.errors.extend(
            f"{ctx.source}: patient {pid!r}: {ctx.col(col)} {val!r} is written as {fam} "
            f"but {ctx.col(col1)} {val1!r} of patient {pid1!r} is written as {fam1}: "
            "mixed date formats in one table"
            for fam, (col, pid, val) in rest
        )
    return hsct, days


def _parse_days(column: pd.Series, name: str, ctx: _Context) -> pd.Series:
    values = column.reset_index(drop=True)
    blank = values.isna() | values.astype(str).str.strip().eq("")
    num = pd.to_numeric(values.where(~blank), errors="coerce").astype(np.float64)
    bad = (num.isna() & ~blank).to_numpy() | ~np.isfinite(num.fillna(0).to_numpy())
    ctx.error(bad, lambda i: f"{ctx.col(name)} {_show(values.iloc[i])} is not a number of days")
    return num.where(~pd.Series(bad), np.nan)


def _parse_dates(
    column: pd.Series,
    name: str,
    ctx: _Context,
    date_format: str | None,
    sas_dates: bool,
    layouts: dict[str, tuple[str, str, str]],
) -> pd.Series:
    """Dates at midnight (NaT where empty); records each written layout met, for the mixed check."""
    values = column.reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.Series(pd.to_datetime(values).dt.tz_localize(None).dt.normalize())
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        if sas_dates:
            return pd.Series(_SAS_EPOCH + days_to_timedelta(values.to_numpy())).dt.floor("D")
        ctx.error(
            values.notna().to_numpy(),
            lambda i: (
                f"{ctx.col(name)} {_show(values.iloc[i])} is a number, not a date "
                "(SAS dates: load with sas_dates=True)"
            ),
        )
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    native = values.map(
        lambda v: isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year")
    )
    if native.any():
        out[native] = pd.to_datetime(values[native]).dt.normalize()
    text = values.where(~native).astype("string").str.strip()
    written = text.notna() & text.ne("")
    if date_format is not None:
        parsed = pd.to_datetime(text.where(written), format=date_format, errors="coerce")
        out[written] = parsed[written].dt.normalize()
        bad = (written & parsed.isna()).to_numpy()
        ctx.error(
            bad,
            lambda i: (
                f"{ctx.col(name)} {text.iloc[i]!r} does not match date_format {date_format!r}"
            ),
        )
        return out
    matched = pd.Series(False, index=values.index)
    for pattern, family, fmt in _LAYOUTS:
        hit = written & ~matched & text.str.match(pattern).fillna(False).astype(bool)
        if not hit.any():
            continue
        matched |= hit
        first = int(np.flatnonzero(hit)[0])
        layouts.setdefault(family, (name, str(ctx.ids.iloc[first]), str(text.iloc[first])))
        parsed = pd.to_datetime(text[hit].astype(object), format=fmt, errors="coerce")
        out[hit] = parsed.dt.normalize()
        invalid = np.zeros(len(values), dtype=bool)
        invalid[hit.to_numpy(dtype=bool)] = parsed.isna().to_numpy(dtype=bool)
        ctx.error(invalid, lambda i: f"{ctx.col(name)} {text.iloc[i]!r} is not a valid date")
    rest = (written & ~matched).to_numpy()
    ambiguous = rest & text.str.match(_AMBIGUOUS).fillna(False).astype(bool).to_numpy()
    ctx.error(
        ambiguous,
        lambda i: (
            f"{ctx.col(name)} {text.iloc[i]!r} is ambiguous (day/month or month/day?): "
            "pass date_format, e.g. '%d/%m/%Y'"
        ),
    )
    ctx.error(
        rest & ~ambiguous,
        lambda i: (
            f"{ctx.col(name)} {text.iloc[i]!r} is not a date "
            "(expected e.g. 2021-03-14 or 14MAR2021, or pass date_format)"
        ),
    )
    return out


def _grades(raw: pd.DataFrame, ctx: _Context) -> pd.Series:
    """Acute GVHD grades 0-4 as floats (NaN missing); anything else is an error."""
    values = raw[GRADE].reset_index(drop=True)
    blank = values.isna() | values.astype(str).str.strip().eq("")
    num = pd.to_numeric(values.where(~blank), errors="coerce").astype(np.float64)
    bad = (~blank & ~num.isin([0.0, 1.0, 2.0, 3.0, 4.0])).to_numpy()
    ctx.error(
        bad, lambda i: f"{ctx.col(GRADE)} {_show(values.iloc[i])} is not a grade 0, 1, 2, 3 or 4"
    )
    return num.where(~pd.Series(bad), np.nan)


def _severities(raw: pd.DataFrame, ctx: _Context) -> pd.Series:
    """Chronic GVHD severities in lower case (missing stays missing); others are errors."""
    values = raw[SEVERITY].reset_index(drop=True)
    text = values.astype("string").str.strip().str.lower()
    blank = text.isna() | text.eq("")
    bad = (~blank & ~text.isin(SEVERITIES)).fillna(False).to_numpy(dtype=bool)
    ctx.error(
        bad,
        lambda i: (
            f"{ctx.col(SEVERITY)} {_show(values.iloc[i])} is not one of {', '.join(SEVERITIES)}"
        ),
    )
    out = text.where(~blank & ~pd.Series(bad)).astype(object)
    out[out.isna()] = None
    return out


def _check_order(out: pd.DataFrame, ctx: _Context, present: set[str]) -> None:
    """Events after transplant, in a possible order, within follow-up."""
    day = {e: out[f"{e}_day"].to_numpy() for e in EVENTS}
    lab = ctx.labels
    for event in EVENTS:
        ctx.error(
            day[event] < 0,
            lambda i, e=event: f"{lab[e]} is day {day[e][i]:g}, before the transplant (day 0)",
        )
    lc, death = day["last_contact"], day["death"]
    no_lc = np.isnan(lc)
    ctx.error(
        no_lc & np.isnan(death),
        lambda i: f"{lab['last_contact']} is empty and no death is recorded: follow-up is unknown",
    )
    ctx.warn(
        no_lc & ~np.isnan(death),
        "last_contact",
        lambda i: f"{lab['last_contact']} is empty; follow-up ends at death (day {death[i]:g})",
    )
    lc = np.where(no_lc, death, lc)
    out["last_contact_day"] = lc
    ctx.error(
        lc > death,
        lambda i: (
            f"{lab['last_contact']} (day {lc[i]:g}) is after {lab['death']} (day {death[i]:g})"
        ),
    )
    for event in ("relapse", "agvhd", "cgvhd"):
        what = {"relapse": "relapse", "agvhd": "aGVHD onset", "cgvhd": "cGVHD onset"}[event]
        after_death = day[event] > death
        ctx.error(
            after_death,
            lambda i, e=event, w=what: (
                f"{w} {lab[e]} (day {day[e][i]:g}) is after {lab['death']} (day {death[i]:g})"
            ),
        )
        ctx.error(
            (day[event] > lc) & ~after_death,
            lambda i, e=event: (
                f"{lab[e]} (day {day[e][i]:g}) is after {lab['last_contact']} (day {lc[i]:g})"
            ),
        )
    ctx.error(
        day["enrollment"] > lc,
        lambda i: (
            f"{lab['enrollment']} (day {day['enrollment'][i]:g}) is after "
            f"{lab['last_contact']} (day {lc[i]:g})"
        ),
    )
    if "enrollment" in present:
        ctx.warn(
            np.isnan(day["enrollment"]),
            "enrollment",
            lambda i: (
                f"{lab['enrollment']} is empty: the patient is left out of every "
                "endpoint that starts at enrollment"
            ),
        )
        ctx.warn(
            day["relapse"] < day["enrollment"],
            "relapse",
            lambda i: (
                f"{lab['relapse']} (day {day['relapse'][i]:g}) is before "
                f"{lab['enrollment']} (day {day['enrollment'][i]:g}): not in remission at the "
                "first dose"
            ),
        )


def _check_gvhd(out: pd.DataFrame, ctx: _Context, present: set[str]) -> None:
    """Onset dates agree with grade and severity; what cannot be used is said once."""
    lab = ctx.labels
    a_day, grade = out["agvhd_day"].to_numpy(), out[GRADE].to_numpy(dtype=np.float64)
    if GRADE in present:
        ctx.error(
            ~np.isnan(a_day) & (grade < 2),
            lambda i: (
                f"{lab['agvhd']} is given (day {a_day[i]:g}) but {ctx.col(GRADE)} is "
                f"{grade[i]:g}: the date is the onset of grade II-IV"
            ),
        )
        ctx.warn(
            np.isnan(a_day) & (grade >= 2),
            "agvhd",
            lambda i: (
                f"{ctx.col(GRADE)} is {grade[i]:g} but {lab['agvhd']} is empty: "
                "left out of the aGVHD endpoints (onset unknown)"
            ),
        )
        ctx.warn(
            ~np.isnan(a_day) & np.isnan(grade),
            GRADE,
            lambda i: (
                f"{ctx.col(GRADE)} is empty for aGVHD on day {a_day[i]:g}: counts as "
                "grade II-IV, left out of grade III-IV"
            ),
        )
    elif "agvhd" in present:
        ctx.warnings.append(
            ValidationWarning(
                ctx.source,
                None,
                GRADE,
                "no agvhd_grade column: every recorded aGVHD counts as grade II-IV; "
                "grade III-IV aGVHD and GRFS are not estimable",
            )
        )
    c_day = out["cgvhd_day"].to_numpy()
    sev = out[SEVERITY]
    if SEVERITY in present:
        none = sev.eq("none").to_numpy(dtype=bool)
        some = sev.isin(SEVERITIES[1:]).to_numpy(dtype=bool)
        ctx.error(
            ~np.isnan(c_day) & none,
            lambda i: (
                f"{lab['cgvhd']} is given (day {c_day[i]:g}) but {ctx.col(SEVERITY)} is 'none'"
            ),
        )
        ctx.warn(
            np.isnan(c_day) & some,
            "cgvhd",
            lambda i: (
                f"{ctx.col(SEVERITY)} is {sev.iloc[i]!r} but {lab['cgvhd']} is empty: "
                "left out of the cGVHD endpoints (onset unknown)"
            ),
        )
        ctx.warn(
            ~np.isnan(c_day) & sev.isna().to_numpy(dtype=bool),
            SEVERITY,
            lambda i: (
                f"{ctx.col(SEVERITY)} is empty for cGVHD on day {c_day[i]:g}: left out "
                "of moderate/severe cGVHD and GRFS"
            ),
        )
    elif "cgvhd" in present:
        ctx.warnings.append(
            ValidationWarning(
                ctx.source,
                None,
                SEVERITY,
                "no cgvhd_severity column: moderate/severe cGVHD and GRFS are not estimable",
            )
        )
