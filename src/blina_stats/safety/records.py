"""Read and validate the long safety tables: adverse events and dosing records.

The one validation of each table, against a validated :class:`~blina_stats.Cohort`.
Every problem is collected; a :class:`~blina_stats.SchemaError` (an
``InputError``) shows the first, naming the file, the data row, the patient
and the column, with a count of the rest.

Adverse events, one row per event
---------------------------------
=================  ========  =====================================================
column             required  meaning
=================  ========  =====================================================
``patient_id``     yes       a patient of the event table
``term``           yes       CTCAE v5 term (e.g. ``Cytokine release syndrome``)
``soc``            yes       CTCAE system organ class
``grade``          yes       CTCAE grade, integer 1-5 (5: fatal; needs a death)
``onset_day``      one of    days after the transplant; or ``onset_date`` (needs
``onset_date``               the event table's ``hsct_date``)
``serious``        no        yes/no, true/false, 1/0 (empty: not recorded)
``related``        no        yes/no: related to blinatumomab
=================  ========  =====================================================

Dates follow the event table's one rule (ISO 8601, ``14MAR2021``,
``14-Mar-2021``, ``2021/03/14`` or native dates; ``03/04/2021`` needs
``date_format``; one layout per table).  The onset must be on or after the
transplant and on or before death and last contact.

Dosing, one row per infusion day
--------------------------------
=================  ========  =====================================================
``patient_id``     yes       a patient of the event table
``course``         yes       course number, 1, 2, ...
``infusion_day``   one of    days after the transplant; or ``infusion_date``
``infusion_date``
``dose_ug``        yes       daily dose, ug/day (0: infusion held that day)
``dexamethasone``  no        premedication given on that day, yes/no
=================  ========  =====================================================

Infusions happen on or after the first dose of the event table
(``enrollment_day``), on or before death and last contact, once a day, and
course numbers never go down as days go up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import Cohort
from ..data._cells import (
    Problems,
    ValidationWarning,
    data_rows,
    numbers,
    parse_text,
    patient_ids,
    show,
)
from ..data._dates import Dates
from ..data.readers import read_table
from ._checks import (
    days_after_transplant,
    flags,
    hsct_dates,
    known_patients,
    require,
    warn_lookalikes,
    within_follow_up,
)

#: the optional yes/no columns of each table
AE_FLAGS = ("serious", "related")
DOSING_OPTIONAL = ("dexamethasone",)
_MAX_DOSE_FACTOR = 3.0  # a daily dose above 3x the protocol's highest is a unit error


@dataclass(frozen=True)
class AdverseEvents:
    """A validated adverse-event table; build it with :func:`read_adverse_events`.

    Attributes
    ----------
    frame : DataFrame
        One row per event: ``patient_id`` (text), ``term``, ``soc``, ``grade``
        (int 1-5), ``onset_day`` (days after transplant), ``serious`` and
        ``related`` (boolean, ``<NA>`` when not recorded), ``row`` (data row in
        the source, from 1).
    source : str
        File name, or ``"<DataFrame>"``.
    present : frozenset of str
        The optional flag columns (``serious``, ``related``) the table had; a
        table of an absent one is not available
        (:func:`~blina_stats.safety.adverse_event_table`).
    warnings : tuple of ValidationWarning
        Kept but questionable: an optional column there only in another case
        (``Related``), read as absent.
    """

    frame: pd.DataFrame = field(repr=False)
    source: str
    present: frozenset[str] = field(default=frozenset({"serious", "related"}), repr=False)
    warnings: tuple[ValidationWarning, ...] = field(default=(), repr=False)

    def __repr__(self) -> str:
        return f"AdverseEvents({self.source!r}: {len(self.frame)} events)"


@dataclass(frozen=True)
class Dosing:
    """Validated dosing records; build them with :func:`read_dosing`.

    Attributes
    ----------
    frame : DataFrame
        One row per infusion day, sorted by patient and day: ``patient_id``,
        ``course`` (int), ``infusion_day``, ``dose_ug``, ``dexamethasone``
        (boolean, ``<NA>`` when not recorded), ``row``.
    source : str
    present : frozenset of str
        The optional columns (``dexamethasone``) the table had.
    warnings : tuple of ValidationWarning
        As in :class:`AdverseEvents`.
    """

    frame: pd.DataFrame = field(repr=False)
    source: str
    present: frozenset[str] = field(default=frozenset({"dexamethasone"}), repr=False)
    warnings: tuple[ValidationWarning, ...] = field(default=(), repr=False)

    def __repr__(self) -> str:
        return f"Dosing({self.source!r}: {len(self.frame)} infusion days)"


def read_adverse_events(
    ae: str | Path | pd.DataFrame | AdverseEvents,
    cohort: Cohort,
    *,
    columns: Mapping[str, str] | None = None,
    date_format: str | None = None,
    sas_dates: bool | None = None,
    sheet_name: str | int = 0,
    encoding: str = "utf-8",
) -> AdverseEvents:
    """Read and validate an adverse-event table against the cohort.

    Parameters
    ----------
    ae : str, Path, DataFrame or AdverseEvents
        A file of any format :func:`~blina_stats.data.readers.read_table`
        reads, or a DataFrame; columns described in :mod:`blina_stats.safety.records`.
        An ``AdverseEvents`` is returned as it is.
    cohort : Cohort
        The validated event table (patients, transplant dates, death, last contact).
    columns : mapping, optional
        The source's column name -> ours, e.g. ``{"AETERM": "term"}``.
    date_format : str, optional
        ``strptime`` format of written onset dates; by default the layouts of
        the event table (ISO 8601, ``14MAR2021``, ``14-Mar-2021``,
        ``2021/03/14``; :mod:`blina_stats.data._dates`).
    sas_dates : bool, optional
        Numbers in ``onset_date`` are SAS dates (default: when read from a SAS file).
    sheet_name, encoding
        Excel sheet, and text encoding of CSV and SAS files (as :func:`read_table`).

    Returns
    -------
    AdverseEvents

    Raises
    ------
    blina_stats.SchemaError
        Naming the file, the data row, the patient and the column: missing
        column, unknown patient, empty term or class, grade not 1-5, fatal
        grade without a recorded death, onset before the transplant or after
        death or last contact, a flag that is not yes/no.
    """
    if isinstance(ae, AdverseEvents):
        return ae
    raw = read_table(
        ae,
        columns=columns,
        sheet_name=sheet_name,
        encoding=encoding,
        argument="ae",
        table="adverse-event table",
    )
    frame, source = raw.frame, raw.source
    require(frame, source, ("patient_id", "term", "soc", "grade"), "onset")
    id_warnings: list[ValidationWarning] = []
    ids = patient_ids(frame["patient_id"], source, unique=False, warnings=id_warnings)
    p = Problems(source, ids, raw.names, where=data_rows(ids))
    p.warnings.extend(id_warnings)
    warn_lookalikes(frame, AE_FLAGS, p)
    patients = known_patients(ids, cohort, p)
    out = pd.DataFrame({"patient_id": ids})
    for col in ("term", "soc"):
        out[col] = parse_text(frame[col], col, p)
    grade, _ = numbers(frame["grade"])
    g = grade.to_numpy()
    bad_grade = ~np.isin(g, [1.0, 2.0, 3.0, 4.0, 5.0])
    p.error(
        bad_grade,
        lambda i: f"{p.col('grade')} {show(frame['grade'].iloc[i])} is not a CTCAE grade 1-5",
    )
    death = patients["death_day"].to_numpy(dtype=np.float64)
    p.error(
        (g == 5) & np.isnan(death),
        lambda i: f"{p.col('grade')} is 5 (fatal) but the event table records no death",
    )
    sas = raw.sas if sas_dates is None else sas_dates
    dates = Dates(p, date_format=date_format, sas_dates=sas)
    onset = days_after_transplant(frame, "onset", hsct_dates(patients), p, dates)
    within_follow_up(onset, patients, "onset_day", "onset", p)
    out["grade"] = np.where(bad_grade, 0, g).astype(np.int64)
    out["onset_day"] = onset
    for flag in AE_FLAGS:
        out[flag] = flags(frame, flag, p)
    out["row"] = np.arange(1, len(out) + 1)
    p.raise_if_any()
    present = frozenset(c for c in AE_FLAGS if c in frame.columns)
    return AdverseEvents(out, source, present, tuple(p.warnings))


def read_dosing(
    dosing: str | Path | pd.DataFrame | Dosing,
    cohort: Cohort,
    *,
    columns: Mapping[str, str] | None = None,
    date_format: str | None = None,
    sas_dates: bool | None = None,
    max_daily_dose: float = 16.0,
    sheet_name: str | int = 0,
    encoding: str = "utf-8",
) -> Dosing:
    """Read and validate blinatumomab dosing records against the cohort.

    Parameters
    ----------
    dosing : str, Path, DataFrame or Dosing
        One row per infusion day; columns described in
        :mod:`blina_stats.safety.records`.  A ``Dosing`` is returned as it is.
    cohort : Cohort
    columns : mapping, optional
        The source's column name -> ours.
    date_format, sas_dates
        As in :func:`read_adverse_events`, for ``infusion_date``.
    max_daily_dose : float
        The protocol's highest daily dose (ug); a dose above three times it is
        taken for a unit error (mg for ug, a total for a daily dose).
    sheet_name, encoding
        Excel sheet, and text encoding of CSV and SAS files (as :func:`read_table`).

    Returns
    -------
    Dosing

    Raises
    ------
    blina_stats.SchemaError
        Naming the file, the data row, the patient and the column: missing
        column, unknown patient, course not a positive integer, dose not a
        number, negative or implausibly high, an infusion before the first
        dose of the event table or after death or last contact, two records
        for one day, a course number that goes down.
    """
    if isinstance(dosing, Dosing):
        return dosing
    raw = read_table(
        dosing,
        columns=columns,
        sheet_name=sheet_name,
        encoding=encoding,
        argument="dosing",
        table="dosing table",
    )
    frame, source = raw.frame, raw.source
    require(frame, source, ("patient_id", "course", "dose_ug"), "infusion")
    id_warnings: list[ValidationWarning] = []
    ids = patient_ids(frame["patient_id"], source, unique=False, warnings=id_warnings)
    p = Problems(source, ids, raw.names, where=data_rows(ids))
    p.warnings.extend(id_warnings)
    warn_lookalikes(frame, DOSING_OPTIONAL, p)
    patients = known_patients(ids, cohort, p)
    course, bad = numbers(frame["course"])
    c = course.to_numpy()
    bad_course = bad | np.isnan(c) | (c < 1) | (c != np.floor(c))
    p.error(
        bad_course,
        lambda i: (
            f"{p.col('course')} {show(frame['course'].iloc[i])} is not a course number 1, 2, ..."
        ),
    )
    dose, bad = numbers(frame["dose_ug"])
    d = dose.to_numpy()
    cap = _MAX_DOSE_FACTOR * max_daily_dose
    bad_dose = bad | np.isnan(d) | (d < 0) | (d > cap)
    p.error(
        bad_dose,
        lambda i: (
            f"{p.col('dose_ug')} {show(frame['dose_ug'].iloc[i])} is not a daily dose in ug "
            f"(expected 0-{cap:g}; mg for ug?)"
        ),
    )
    sas = raw.sas if sas_dates is None else sas_dates
    dates = Dates(p, date_format=date_format, sas_dates=sas)
    day = days_after_transplant(frame, "infusion", hsct_dates(patients), p, dates)
    first = patients["enrollment_day"].to_numpy(dtype=np.float64)
    p.error(
        np.isnan(first) & ids.isin(cohort.patient_ids).to_numpy(),
        lambda i: (
            "an infusion is recorded but the event table gives no first dose (enrollment_day)"
        ),
    )
    within_follow_up(day, patients, "infusion_day", "infusion", p)
    p.error(
        day < first,
        lambda i: (
            f"infusion on day {day[i]:g} is before the first dose of the event table "
            f"(enrollment_day {first[i]:g})"
        ),
    )
    out = pd.DataFrame(
        {
            "patient_id": ids,
            "course": np.where(bad_course, 0, c).astype(np.int64),
            "infusion_day": day,
            "dose_ug": d,
            "dexamethasone": flags(frame, "dexamethasone", p),
            "row": np.arange(1, len(ids) + 1),
        }
    )
    p.raise_if_any()
    out = out.sort_values(["patient_id", "infusion_day"], kind="stable").reset_index(drop=True)
    same = out["patient_id"].to_numpy()[1:] == out["patient_id"].to_numpy()[:-1]
    dup = np.r_[False, same & (np.diff(out["infusion_day"].to_numpy()) == 0)]
    back = np.r_[False, same & (np.diff(out["course"].to_numpy()) < 0)]
    sorted_ids = out["patient_id"]
    sorted_p = Problems(source, sorted_ids, raw.names, where=data_rows(sorted_ids, out["row"]))
    inf_day, course_no = out["infusion_day"], out["course"]
    sorted_p.error(dup, lambda i: f"a second record for infusion day {inf_day.iloc[i]:g}")
    sorted_p.error(
        back,
        lambda i: (
            f"course {course_no.iloc[i]} on day {inf_day.iloc[i]:g} comes after a "
            "later-numbered course"
        ),
    )
    sorted_p.raise_if_any()
    present = frozenset(c for c in DOSING_OPTIONAL if c in frame.columns)
    return Dosing(out, source, present, tuple(p.warnings))
