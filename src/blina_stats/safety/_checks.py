"""What the adverse-event and dosing readers share: columns, days, flags, patients, first doses.

Private to :mod:`blina_stats.safety`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import Cohort
from ..data._cells import (
    Problems,
    SchemaError,
    ValidationWarning,
    blank,
    lookalike_text,
    lookalikes,
    parse_bool,
    parse_days,
)
from ..data._dates import Dates, days_between
from ..errors import InputError


def require(frame: pd.DataFrame, source: str, needed: tuple[str, ...], day: str) -> None:
    """Required columns (one of ``<day>_day``/``<day>_date``); a look-alike is named."""
    missing = [c for c in needed if c not in frame.columns]
    if f"{day}_day" not in frame.columns and f"{day}_date" not in frame.columns:
        missing.append(f"{day}_day or {day}_date")
    if frame.shape[0] == 0:
        raise SchemaError([f"{source}: the table is empty"])
    if missing:
        near = lookalikes(frame.columns, [*needed, f"{day}_day", f"{day}_date"])
        raise SchemaError(
            [f"{source}: missing required column {m}{_hint(m, near)}" for m in missing]
        )


def _hint(missing: str, near: dict[str, str]) -> str:
    hits = [lookalike_text(ours, theirs) for ours, theirs in near.items() if ours in missing]
    return f" ({'; '.join(hits)})" if hits else ""


def warn_lookalikes(frame: pd.DataFrame, optional: tuple[str, ...], p: Problems) -> None:
    """Warn of an optional column there only in another case (``Related``): read as absent."""
    for ours, theirs in lookalikes(frame.columns, optional).items():
        p.warnings.append(ValidationWarning(p.source, None, ours, lookalike_text(ours, theirs)))


def first_doses(cohort: Cohort, what: str) -> pd.Series:
    """``enrollment_day`` by patient; an InputError when no patient has one.

    Parameters
    ----------
    what : str
        What needs the first dose, ending the message: "adverse events are
        counted from the first dose".
    """
    first = cohort.frame.set_index("patient_id")["enrollment_day"]
    if first.isna().all():
        raise InputError(
            f"{cohort.source}: the cohort has no enrollment (first dose) dates: {what}"
        )
    return first


def untreated_text(cohort: Cohort) -> str:
    """``" (2 patients of the event table without a first dose not counted)"`` (or ``""``)."""
    n = int(cohort.frame["enrollment_day"].isna().sum())
    return f" ({untreated_count(n)})" if n else ""


def untreated_count(n: int) -> str:
    """``"2 patients of the event table without a first dose not counted"``."""
    return f"{n} patient{'s' if n > 1 else ''} of the event table without a first dose not counted"


def days_after_transplant(
    frame: pd.DataFrame,
    event: str,
    hsct: pd.Series | None,
    p: Problems,
    dates: Dates,
) -> np.ndarray:
    """Days after transplant from ``<event>_day`` and/or ``<event>_date`` (which must agree)."""
    n = frame.shape[0]
    day_col, date_col = f"{event}_day", f"{event}_date"
    out = np.full(n, np.nan)
    from_day = None
    if day_col in frame.columns:
        from_day = parse_days(frame[day_col], day_col, p, what="a number")
        out = from_day.to_numpy(copy=True)
    if date_col in frame.columns:
        raw = frame[date_col].reset_index(drop=True)
        empty = blank(raw).to_numpy()
        if hsct is None:
            if (~empty).any():
                p.table_error(
                    f"{p.col(date_col)} needs the transplant date, but the event "
                    "table has no hsct_date: give days after transplant instead"
                )
            return out
        when = dates.parse(raw, date_col)
        dates.check_mixed()
        from_date = days_between(when, hsct)  # in days: no overflow for dates centuries apart
        if from_day is not None:
            clash = ~np.isnan(out) & ~np.isnan(from_date) & (out != from_date)
            p.error(
                clash,
                lambda i: (
                    f"{p.col(day_col)} {out[i]:g} disagrees with {p.col(date_col)} "
                    f"{raw.iloc[i]!s} (day {from_date[i]:g})"
                ),
            )
        out = np.where(np.isnan(out), from_date, out)
    empty = np.isnan(out)
    p.error(empty, lambda i: f"{event}_day/{event}_date is empty")
    return out


def flags(frame: pd.DataFrame, column: str, p: Problems) -> pd.Series:
    """yes/no flags as a nullable boolean column (all missing when the column is absent)."""
    if column not in frame.columns:
        return pd.Series(pd.NA, index=range(frame.shape[0]), dtype="boolean")
    return parse_bool(frame[column], column, p, what="yes/no (or 1/0, true/false)")


def known_patients(ids: pd.Series, cohort: Cohort, p: Problems) -> pd.DataFrame:
    """The cohort's row for each record; unknown patients are errors."""
    table = cohort.frame.set_index("patient_id")
    known = ids.isin(table.index).to_numpy()
    p.error(
        ~known,
        lambda i: f"patient_id is not in the event table {cohort.source!r}",
    )
    return table.reindex(ids.to_numpy()).reset_index(drop=True)


def hsct_dates(patients: pd.DataFrame) -> pd.Series | None:
    return patients["hsct_date"] if "hsct_date" in patients.columns else None


def within_follow_up(
    day: np.ndarray, patients: pd.DataFrame, column: str, what: str, p: Problems
) -> None:
    death = patients["death_day"].to_numpy(dtype=np.float64)
    last = patients["last_contact_day"].to_numpy(dtype=np.float64)
    p.error(day < 0, lambda i: f"{p.col(column)} is day {day[i]:g}, before the transplant (day 0)")
    after_death = day > death
    p.error(
        after_death,
        lambda i: f"{what} on day {day[i]:g} is after death (day {death[i]:g})",
    )
    p.error(
        (day > last) & ~after_death,
        lambda i: f"{what} on day {day[i]:g} is after last contact (day {last[i]:g})",
    )
