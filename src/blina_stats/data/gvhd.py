"""The GVHD episodes table: one row per episode or grade change, and the dates it gives.

The table
---------
Optional (``load_events(..., gvhd=PATH_OR_FRAME)``, ``--gvhd FILE``).  One row
per GVHD episode or change of grade, in any order:

=================  ========  =================================================
column             required  meaning
=================  ========  =================================================
``patient_id``     yes       a patient of the event table
``kind``           yes       ``acute`` or ``chronic``
``onset_date``     yes [1]   the day the episode (or the new grade) began
``grade``          acute     MAGIC acute GVHD grade, 1-4
``severity``       chronic   NIH 2014 global severity: mild, moderate, severe
=================  ========  =================================================

[1] or ``onset_day``, days after the transplant (both may be given; they must
agree).  Dates are read by the one date rule of every table
(:mod:`blina_stats.data._dates`), relative to the event table's ``hsct_date``.

The table is the whole GVHD record: a patient without an acute row had no
acute GVHD (grade 0), one without a chronic row no chronic GVHD (severity
``none``).  From it, per patient:

* ``agvhd_day``: first onset of grade II-IV; ``agvhd_grade``: the maximum;
* ``agvhd_3_4_day``: first onset of grade III-IV;
* ``cgvhd_day``: first chronic onset; ``cgvhd_severity``: the maximum;
* ``cgvhd_mod_severe_day``: first onset of moderate or severe cGVHD.

When the event table gives these columns too they must agree, patient by
patient (a disagreement is an error naming the patient and both values).

Errors (one line each, naming the episodes file, the data row, the patient and
the column): missing column, unknown patient, ``kind`` not acute/chronic, an
empty onset, a grade that is not 1-4 on an acute row, a severity that is not
mild/moderate/severe on a chronic row (or either on the other kind's row), an
onset before the transplant or after death or last contact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._cells import Problems, SchemaError, blank, data_rows, numbers, parse_days, patient_ids, show
from ._columns import GRADE, SEVERITIES, SEVERITY
from ._dates import Dates, days_between

if TYPE_CHECKING:
    from .readers import RawTable

#: the per-patient fields the episodes give, in the event table's names
GVHD_FIELDS = (
    "agvhd_day",
    GRADE,
    "agvhd_3_4_day",
    "cgvhd_day",
    SEVERITY,
    "cgvhd_mod_severe_day",
)
#: the field -> how the episodes define it (in messages)
GVHD_FIELD_TEXT = {
    "agvhd_day": "first onset of grade II-IV",
    GRADE: "maximum acute grade",
    "agvhd_3_4_day": "first onset of grade III-IV",
    "cgvhd_day": "first chronic onset",
    SEVERITY: "maximum chronic severity",
    "cgvhd_mod_severe_day": "first onset of moderate/severe cGVHD",
}
KINDS = ("acute", "chronic")
#: the episodes table's grade and severity columns
GRADE_COL, SEVERITY_COL = "grade", "severity"
#: each field's event (in the cohort's ``present``)
_EVENT = {
    "agvhd_day": "agvhd",
    GRADE: GRADE,
    "agvhd_3_4_day": "agvhd_3_4",
    "cgvhd_day": "cgvhd",
    SEVERITY: SEVERITY,
    "cgvhd_mod_severe_day": "cgvhd_mod_severe",
}


def gvhd_fields(
    raw: RawTable,
    ids: pd.Series,
    hsct: pd.Series | None,
    follow_up: tuple[np.ndarray, np.ndarray],
    *,
    date_format: str | None = None,
    sas_dates: bool | None = None,
) -> pd.DataFrame:
    """Validate the episodes and give every GVHD field per patient of the event table.

    Parameters
    ----------
    raw : RawTable
        The episodes table as read (:func:`~blina_stats.data.readers.read_table`).
    ids : Series
        The event table's patient ids, in its order.
    hsct : Series or None
        The event table's transplant dates (day 0 of ``onset_date``).
    follow_up : (ndarray, ndarray)
        Each event-table patient's last contact and death day (NaN: none).
    date_format, sas_dates
        As in :func:`blina_stats.load_events`.

    Returns
    -------
    DataFrame
        One row per event-table patient, columns `GVHD_FIELDS`.

    Raises
    ------
    SchemaError
        For any problem listed in the module docstring.
    """
    frame, source = raw.frame.reset_index(drop=True), raw.source
    missing = [c for c in ("patient_id", "kind") if c not in frame.columns]
    if not {"onset_date", "onset_day"} & set(frame.columns):
        missing.append("onset_date or onset_day")
    if missing:
        raise SchemaError([f"{source}: missing required column {m}" for m in missing])
    ep_ids = patient_ids(frame["patient_id"], source, unique=False)
    p = Problems(source, ep_ids, raw.names, where=data_rows(ep_ids))
    row = pd.Index(ids).get_indexer(ep_ids.to_numpy())
    p.error(row < 0, lambda i: "patient_id is not in the event table")
    kind = frame["kind"].astype("string").str.strip().str.lower().reset_index(drop=True)
    acute, chronic = kind.eq("acute").fillna(False), kind.eq("chronic").fillna(False)
    acute_a, chronic_a = acute.to_numpy(dtype=bool), chronic.to_numpy(dtype=bool)
    p.error(
        ~acute_a & ~chronic_a,
        lambda i: f"{p.col('kind')} {show(frame['kind'].iloc[i])} is not acute or chronic",
    )
    onset = _onsets(frame, p, hsct, row, date_format=date_format, sas_dates=raw.sas or sas_dates)
    grade = _grades(frame, p, acute_a, chronic_a)
    rank = _severity_ranks(frame, p, acute_a, chronic_a)
    last, death = (np.append(a, np.nan)[row] for a in follow_up)
    last = np.where(np.isnan(last), death, last)
    p.error(onset < 0, lambda i: f"onset is day {onset[i]:g}, before the transplant (day 0)")
    p.error(
        (onset > death) | ((onset > last) & ~(onset > death)),
        lambda i: (
            f"onset (day {onset[i]:g}) is after "
            + (
                f"death (day {death[i]:g})"
                if onset[i] > death[i]
                else f"last contact (day {last[i]:g})"
            )
        ),
    )
    p.raise_if_any()
    return _per_patient(len(ids), row, onset, grade, rank, acute_a, chronic_a)


def _onsets(
    frame: pd.DataFrame,
    p: Problems,
    hsct: pd.Series | None,
    row: np.ndarray,
    *,
    date_format: str | None,
    sas_dates: bool | None,
) -> np.ndarray:
    """Onset days after the transplant from ``onset_day`` and/or ``onset_date``."""
    out = np.full(frame.shape[0], np.nan)
    if "onset_day" in frame.columns:
        out = parse_days(frame["onset_day"], "onset_day", p).to_numpy(copy=True)
    if "onset_date" in frame.columns:
        text = frame["onset_date"]
        if hsct is None:
            if (~blank(text)).any():
                p.table_error(
                    f"{p.col('onset_date')} needs the transplant date, but the event table "
                    "has no hsct_date: give onset_day instead"
                )
        else:
            dates = Dates(p, date_format=date_format, sas_dates=bool(sas_dates))
            when = dates.parse(text, "onset_date")
            dates.check_mixed()
            day0 = pd.Series(np.append(hsct.to_numpy(), np.datetime64("NaT"))[row])
            from_date = days_between(when, day0)
            clash = ~np.isnan(out) & ~np.isnan(from_date) & (out != from_date)
            p.error(
                clash,
                lambda i: (
                    f"{p.col('onset_day')} {out[i]:g} disagrees with {p.col('onset_date')} "
                    f"{text.iloc[i]!s} (day {from_date[i]:g})"
                ),
            )
            out = np.where(np.isnan(out), from_date, out)
    p.error(np.isnan(out), lambda i: "onset_date/onset_day is empty")
    return out


def _grades(frame: pd.DataFrame, p: Problems, acute: np.ndarray, chronic: np.ndarray) -> np.ndarray:
    """MAGIC grades 1-4 of the acute rows (NaN on chronic rows)."""
    if GRADE_COL not in frame.columns:
        if acute.any():
            p.table_error("missing required column grade (the table has acute rows)")
        return np.full(frame.shape[0], np.nan)
    cells = frame[GRADE_COL].reset_index(drop=True)
    num, _ = numbers(cells)
    g = num.to_numpy(dtype=np.float64)
    given = ~blank(cells).to_numpy(dtype=bool)
    p.error(acute & ~given, lambda i: f"{p.col(GRADE_COL)} is empty on an acute row")
    p.error(
        acute & given & ~np.isin(g, [1.0, 2.0, 3.0, 4.0]),
        lambda i: f"{p.col(GRADE_COL)} {show(cells.iloc[i])} is not an acute GVHD grade 1-4",
    )
    p.error(
        chronic & given,
        lambda i: f"{p.col(GRADE_COL)} is given on a chronic row: chronic GVHD has a severity",
    )
    return np.where(acute, g, np.nan)


def _severity_ranks(
    frame: pd.DataFrame, p: Problems, acute: np.ndarray, chronic: np.ndarray
) -> np.ndarray:
    """NIH severities of the chronic rows as ranks 1-3 (mild-severe; NaN on acute rows)."""
    if SEVERITY_COL not in frame.columns:
        if chronic.any():
            p.table_error("missing required column severity (the table has chronic rows)")
        return np.full(frame.shape[0], np.nan)
    cells = frame[SEVERITY_COL].reset_index(drop=True)
    text = cells.astype("string").str.strip().str.lower()
    rank = text.map({s: float(k) for k, s in enumerate(SEVERITIES) if k}).astype("Float64")
    r = rank.to_numpy(dtype=np.float64, na_value=np.nan)
    given = ~blank(cells).to_numpy(dtype=bool)
    p.error(
        chronic & np.isnan(r),
        lambda i: (
            f"{p.col(SEVERITY_COL)} {show(cells.iloc[i])} is not one of mild, moderate, severe"
        ),
    )
    p.error(
        acute & given,
        lambda i: f"{p.col(SEVERITY_COL)} is given on an acute row: acute GVHD has a grade",
    )
    return np.where(chronic, r, np.nan)


def _per_patient(
    n: int,
    row: np.ndarray,
    onset: np.ndarray,
    grade: np.ndarray,
    rank: np.ndarray,
    acute: np.ndarray,
    chronic: np.ndarray,
) -> pd.DataFrame:
    """First onsets at each level and the maximum grade/severity, per event-table patient."""

    def first(rows: np.ndarray) -> np.ndarray:
        out = np.full(n, np.inf)
        np.minimum.at(out, row[rows], onset[rows])
        return np.where(np.isinf(out), np.nan, out)

    def highest(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
        out = np.zeros(n)
        np.maximum.at(out, row[rows], values[rows])
        return out

    max_rank = highest(rank, chronic).astype(np.int64)
    return pd.DataFrame(
        {
            "agvhd_day": first(acute & (grade >= 2)),
            GRADE: highest(grade, acute),
            "agvhd_3_4_day": first(acute & (grade >= 3)),
            "cgvhd_day": first(chronic),
            SEVERITY: pd.Series(np.asarray(SEVERITIES, dtype=object)[max_rank], dtype=object),
            "cgvhd_mod_severe_day": first(chronic & (rank >= 2)),
        }
    )


def merge_gvhd(
    out: pd.DataFrame,
    fields: pd.DataFrame,
    gvhd_source: str,
    ctx: Problems,
    present: set[str],
    labels: dict[str, str],
) -> None:
    """Put the episodes' fields into the event table; where it has them too, they must agree.

    `out` is changed in place; `present` gains every GVHD field, and `labels`
    names a field taken from the episodes by the episodes file.
    """
    for name in GVHD_FIELDS:
        event, ours = _EVENT[name], fields[name]
        if event not in present:
            out[name] = ours.to_numpy()
            if name.endswith("_day"):
                labels[event] = f"{event} onset from {gvhd_source!r}"
            continue
        theirs = out[name]
        same = (theirs.isna() & ours.isna()) | (theirs == ours).fillna(False)
        col = labels.get(event, ctx.col(name))
        ctx.error(
            ~same.to_numpy(dtype=bool),
            lambda i, c=col, a=theirs, b=ours, f=name: (
                f"{c} {_value(a.iloc[i], f)} disagrees with the GVHD episodes "
                f"{gvhd_source!r} ({GVHD_FIELD_TEXT[f]}: {_value(b.iloc[i], f)})"
            ),
        )
    present |= set(_EVENT.values())


def _value(v: object, name: str) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "empty"
    if name.endswith("_day") and isinstance(v, float):
        return f"day {v:g}"
    return f"{v:g}" if isinstance(v, float) else repr(v)
