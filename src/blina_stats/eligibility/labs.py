"""The daily labs table: its columns, and the one validation of it.

The labs table
--------------
One row per patient and day, long format; a site that names columns
differently passes ``columns={"their name": "our name"}``.

========================  ==========================================================
column                    meaning
========================  ==========================================================
``patient_id``            as in the screening log and the event table
``day``                   whole days after the transplant (day 0)
``anc``                   absolute neutrophil count, 10^9/L (empty: not measured)
``platelets``             platelet count, 10^9/L (empty: not measured)
``hb``                    haemoglobin, g/L (empty: not measured)
``gcsf``                  G-CSF given that day (yes/no; empty: none recorded)
``platelet_transfusion``  platelets transfused that day (yes/no; empty: none)
``rbc_transfusion``       red cells transfused that day (yes/no; empty: none)
========================  ==========================================================

All columns are required.  Errors (one line each, naming file, patient, day
and column): a missing column, an empty patient, a day that is not a whole
number, one patient-day twice, a count that is not a number or is negative,
a flag that is not yes/no.  Counts before day 0 are never used; support given
before day 0 counts in the support-free days before a day.

Counts are read by :mod:`blina_stats.eligibility.engraftment`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..data._cells import (
    Problems,
    SchemaError,
    blank,
    data_rows,
    lookalike_text,
    lookalikes,
    parse_bool,
    parse_number,
    patient_ids,
)
from ..data.readers import read_table

LAB_COLUMNS = (
    "patient_id",
    "day",
    "anc",
    "platelets",
    "hb",
    "gcsf",
    "platelet_transfusion",
    "rbc_transfusion",
)


@dataclass(frozen=True)
class Labs:
    """Validated daily labs; build with :func:`read_labs`.

    Attributes
    ----------
    frame : DataFrame
        ``patient_id`` (text), ``day`` (int), ``anc``, ``platelets``, ``hb``
        (float, NaN not measured), ``gcsf``, ``platelet_transfusion``,
        ``rbc_transfusion`` (bool), sorted by patient and day; ``row`` (the
        data row in the source, from 1).
    source : str
    """

    frame: pd.DataFrame = field(repr=False)
    source: str

    @property
    def patient_ids(self) -> tuple[str, ...]:
        return tuple(pd.unique(self.frame["patient_id"]))

    def __repr__(self) -> str:
        return f"Labs({self.source!r}: {len(self.patient_ids)} patients, {len(self.frame)} rows)"


def read_labs(
    path_or_frame: str | Path | pd.DataFrame | Labs,
    *,
    columns: Mapping[str, str] | None = None,
    sheet_name: str | int = 0,
    encoding: str = "utf-8",
) -> Labs:
    """Read and validate the daily labs (the table in this module's docstring).

    Parameters
    ----------
    path_or_frame : str, Path, DataFrame or Labs
        Any table :func:`blina_stats.data.readers.read_table` reads; a Labs is
        returned unchanged.
    columns : mapping, optional
        The source's column name -> ours, e.g. ``{"ANC": "anc"}``.

    Returns
    -------
    Labs

    Raises
    ------
    blina_stats.data.SchemaError
        An InputError naming file, patient, day and column, for each problem.
    """
    if isinstance(path_or_frame, Labs):
        return path_or_frame
    raw = read_table(
        path_or_frame, columns=columns, sheet_name=sheet_name, encoding=encoding, table="labs table"
    )
    frame, source = raw.frame, raw.source
    missing = [c for c in LAB_COLUMNS if c not in frame.columns]
    if missing:
        near = lookalikes(frame.columns, missing)
        raise SchemaError(
            [
                f"{source}: missing required column {c}"
                + (f" ({lookalike_text(c, near[c])})" if c in near else "")
                for c in missing
            ]
        )
    # one row per day; every id must be the screening log's, whose reader warns of
    # look-alike ids, so the labs' own look-alike warnings would only repeat them
    ids = patient_ids(frame["patient_id"], source, unique=False, warnings=[])
    ctx = Problems(source, ids, raw.names)
    day = parse_number(
        frame["day"], "day", ctx, low=-1e6, high=1e6, step=1, what="a whole number of days"
    )
    ctx.error(blank(frame["day"]).to_numpy(dtype=bool), lambda i: "day is empty")
    out = pd.DataFrame({"patient_id": ids, "day": day})
    ctx.raise_if_any()
    out["day"] = out["day"].astype(np.int64)
    day_of = out["day"]
    rows = Problems(
        source, ids, raw.names, where=lambda i: f"patient {ids.iloc[i]!r}: day {day_of.iloc[i]}"
    )
    dup = out.duplicated(["patient_id", "day"]).to_numpy()
    rows.error(dup, lambda i: "appears more than once")
    for col in ("anc", "platelets", "hb"):
        out[col] = parse_number(
            frame[col], col, rows, low=0.0, high=np.inf, what="a non-negative count"
        ).astype(np.float64)
    for col in ("gcsf", "platelet_transfusion", "rbc_transfusion"):
        out[col] = parse_bool(frame[col], col, rows).fillna(False).astype(bool)
    rows.raise_if_any()
    out["row"] = np.arange(1, len(out) + 1)
    out = out.sort_values(["patient_id", "day"], kind="stable").reset_index(drop=True)
    return Labs(out, source)


def check_patients(labs: Labs, known: Collection[str], reference: str) -> None:
    """Every lab row's patient must be in `reference`: the rule of the adverse events and dosing.

    Parameters
    ----------
    labs : Labs
    known : collection of str
        The patients of the reference table.
    reference : str
        What and where the reference table is, for the message:
        ``"the screening log 'screening.csv'"``.

    Raises
    ------
    blina_stats.data.SchemaError
        ``"labs.csv: data row 3, patient 'ZZ99': patient_id is not in the screening
        log 'screening.csv'"``, for every such row.
    """
    frame = labs.frame
    ids = frame["patient_id"]
    p = Problems(labs.source, ids, where=data_rows(ids, frame["row"]))
    unknown = ~ids.isin(set(known)).to_numpy(dtype=bool)
    # in source order, as the adverse-event and dosing messages are
    order = np.argsort(frame["row"].to_numpy()[unknown], kind="stable")
    for i in np.flatnonzero(unknown)[order]:
        p.error_at(int(i), f"patient_id is not in {reference}")
    p.raise_if_any()


__all__ = ["LAB_COLUMNS", "Labs", "check_patients", "read_labs"]
