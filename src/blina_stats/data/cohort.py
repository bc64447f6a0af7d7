"""The validated, immutable cohort: one row per patient, in days since transplant."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .cutoff import apply_cutoff, parse_cutoff
from .readers import RawTable, read_table
from .schema import ValidationWarning, validate

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..compare import GrayResult, LogrankResult
    from ..endpoints import EndpointData


@dataclass(frozen=True)
class Cohort:
    """A validated event table; build it with :func:`load_events`.

    Functions below the boundary trust a Cohort and do not re-validate it.

    Attributes
    ----------
    frame : DataFrame
        A copy of the per-patient table, in input order: ``patient_id`` (text),
        ``hsct_date`` (when the table had dates), ``enrollment_day``,
        ``last_contact_day``, ``relapse_day``, ``death_day``, ``agvhd_day``,
        ``cgvhd_day``, ``agvhd_3_4_day``, ``cgvhd_mod_severe_day`` (days since
        transplant, NaN: not happened or not recorded; the grade-specific
        onsets are the first onsets, with a warning, where not given),
        ``agvhd_grade`` (0-4, NaN missing), ``cgvhd_severity``
        (none/mild/moderate/severe or None), then every covariate as read.
    source : str
        File name, or ``"<DataFrame>"``.
    warnings : tuple of ValidationWarning
        Problems that keep the row; print them with the results.
    present : frozenset of str
        Events and fields the table holds: ``"enrollment"``, ``"relapse"``,
        ``"death"``, ``"agvhd"``, ``"cgvhd"``, ``"agvhd_grade"``,
        ``"cgvhd_severity"``, ``"last_contact"``, and ``"agvhd_3_4"``,
        ``"cgvhd_mod_severe"`` when the grade-specific onsets were given
        (columns or the GVHD episodes table).
    covariates : tuple of str
        The covariate columns, in table order.
    cutoff : str or None
        The data cut-off (``YYYY-MM-DD``) the table was read at, or None.
    cutoff_changes : dict
        What the cut-off changed: kind -> number of patients (each one also a
        warning); empty without a cut-off.
    excluded : tuple of (patient_id, reason)
        Patients of the file left out of the cohort (enrolled after the
        cut-off); every endpoint lists them among its exclusions.
    """

    _frame: pd.DataFrame = field(repr=False)
    source: str
    warnings: tuple[ValidationWarning, ...] = field(repr=False)
    present: frozenset[str] = field(repr=False)
    covariates: tuple[str, ...] = field(repr=False)
    cutoff: str | None = None
    cutoff_changes: Mapping[str, int] = field(default_factory=dict, repr=False)
    excluded: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    @property
    def frame(self) -> pd.DataFrame:
        """The per-patient table (a copy: the cohort itself never changes)."""
        return self._frame.copy()

    @property
    def n_patients(self) -> int:
        """Patients in the table."""
        return int(self._frame.shape[0])

    @property
    def patient_ids(self) -> tuple[str, ...]:
        return tuple(self._frame["patient_id"])

    @property
    def has_enrollment(self) -> bool:
        """The table gives enrollment (first dose): delayed entry applies."""
        return "enrollment" in self.present

    @property
    def has_agvhd_grade(self) -> bool:
        """An ``agvhd_grade`` column was present (grade III-IV aGVHD and GRFS estimable)."""
        return "agvhd_grade" in self.present

    @property
    def has_cgvhd_severity(self) -> bool:
        """A ``cgvhd_severity`` column was present (moderate/severe cGVHD and GRFS estimable)."""
        return "cgvhd_severity" in self.present

    def endpoint(self, name: str, **options: Any) -> EndpointData:
        """Time, status and entry of one endpoint, the patients left out, and its estimate.

        A convenience for :func:`blina_stats.endpoints.derive`; options are its
        own (``origin``,
        ``horizon``, ``gvhd_competing``, ``delayed_entry``, ``conf_type``,
        ``conf_level``).
        """
        from ..endpoints import derive

        return derive(self, name, **options)

    def compare(
        self, endpoint: str, by: str, strata: str | None = None, **options: Any
    ) -> LogrankResult | GrayResult:
        """Compare an endpoint between the groups of covariate `by`.

        A convenience for :func:`blina_stats.compare_endpoint` (which chooses
        the test: log-rank for survival, Gray's test for cumulative incidence).

        Examples
        --------
        >>> import blina_stats as bs
        >>> cohort = bs.load_events(bs.synthetic.bundled("trial"))
        >>> cohort.compare("relapse", by="mrd_pre_hsct").df
        1
        """
        from ..compare import compare_endpoint

        return compare_endpoint(self, endpoint, by, strata, **options)

    def plot(
        self, endpoint: str, by: str | None = None, ax: Axes | None = None, **options: Any
    ) -> Axes:
        """Draw an endpoint's curve, or one curve per group of covariate `by`.

        A thin delegate: :func:`blina_stats.compare.by_group.group_endpoint`
        derives the endpoint once, splits it by `by` (``bins=`` groups a numeric
        covariate, ``reference=`` puts a level first) and estimates each group;
        :func:`blina_stats.plots.by_group.plot_grouped` draws them with
        :func:`~blina_stats.plots.plot_survival` or
        :func:`~blina_stats.plots.plot_incidence`: one legend (n and events a
        group) and one numbers-at-risk table.  ``pvalue=True`` adds the
        log-rank or Gray p-value of :meth:`compare` (for an incidence with
        delayed entry, curves and test are then both from the first dose);
        ``horizon=True`` marks the endpoint's horizon.  Other options go to
        :func:`~blina_stats.endpoints.derive` (``origin``, ``delayed_entry``...)
        or to the plot function (``cause``, ``color``, ``unit``...).  ``labels=`` (a
        mapping column -> label) names the covariate and its levels in the
        legend over the package's display labels (:mod:`blina_stats.data.labels`).

        Examples
        --------
        >>> import blina_stats as bs
        >>> cohort = bs.load_events(bs.synthetic.bundled("trial"))
        >>> ax = cohort.plot("pfs", by="mrd_pre_hsct", pvalue=True)
        """
        from ..compare.by_group import group_endpoint
        from ..plots.by_group import plot_grouped

        return plot_grouped(group_endpoint(self, endpoint, by, **options), ax)

    def __repr__(self) -> str:
        return (
            f"Cohort({self.source!r}: {self.n_patients} patients, "
            f"{len(self.covariates)} covariates, {len(self.warnings)} warnings"
            + (f", data cut-off {self.cutoff}" if self.cutoff else "")
            + ")"
        )

    def _repr_html_(self) -> str:
        # every text shown is the user's (ids, file names, warnings quoting cells): escaped
        warn = "".join(f"<li>{html.escape(str(w))}</li>" for w in self.warnings)
        return (
            f"<p><b>Cohort</b> {html.escape(self.source)}: {self.n_patients} patients; "
            + (f"data cut-off {self.cutoff}; " if self.cutoff else "")
            + f"fields {html.escape(', '.join(sorted(self.present)))}</p>"
            + (f"<ul>{warn}</ul>" if warn else "")
            + self._frame.head(10).to_html(escape=True)
        )


def load_events(
    path_or_frame: str | Path | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    date_format: str | None = None,
    sheet_name: str | int = 0,
    encoding: str = "utf-8",
    sas_dates: bool | None = None,
    column_types: Mapping[str, str] | None = None,
    cutoff: str | dt.date | None = None,
    gvhd: str | Path | pd.DataFrame | RawTable | None = None,
) -> Cohort:
    """Read and validate a per-patient event table.

    Parameters
    ----------
    path_or_frame : str, Path or DataFrame
        CSV/TSV, Parquet, Excel, SAS (``.sas7bdat``, ``.xpt``) or a DataFrame;
        the columns are described in :mod:`blina_stats.data.schema`.
    columns : mapping, optional
        The source's column name -> the schema's, e.g. ``{"PTID": "patient_id"}``.
    date_format : str, optional
        ``strptime`` format of written dates, needed for layouts such as
        ``03/04/2021`` that are ambiguous.
    sheet_name : str or int
        Excel sheet.
    encoding : str
        Text encoding of CSV and SAS files.
    sas_dates : bool, optional
        Numbers in ``*_date`` columns are SAS dates (days since 1960-01-01);
        by default True for SAS files only.
    column_types : mapping, optional
        Covariate -> ``"text"`` or ``"number"``, overriding the rule below.
    cutoff : str or date, optional
        Data cut-off (``"2023-06-30"``): the table as known on that date.
        Events after it are ignored, follow-up after it ends at it, patients
        enrolled after it are left out (:attr:`Cohort.excluded`); every change
        is counted in the warnings (:mod:`blina_stats.data.cutoff`).  Needs dates.
    gvhd : str, Path or DataFrame, optional
        The GVHD episodes table (one row per episode or grade change,
        :mod:`blina_stats.data.gvhd`): every GVHD onset, grade-specific onset,
        grade and severity is derived from it, and must agree with the event
        table's own columns where both give one.  A ``RawTable`` (read with
        :func:`~blina_stats.data.readers.read_table` and its own options) is used as read.

    Returns
    -------
    Cohort

    Raises
    ------
    blina_stats.data.SchemaError
        (an InputError) with a one-line message naming the file, the patient
        and the column, for every problem listed in :mod:`~blina_stats.data.schema`;
        a `path_or_frame` or `gvhd` that is None, no path, an empty name or a folder.
    blina_stats.errors.MissingFileError
        The file does not exist (an InputError and a FileNotFoundError).

    Notes
    -----
    Covariates are kept as read.  A CSV/TSV cell is text until its whole
    column says otherwise: a covariate becomes numbers only when every
    non-empty cell is a plain number (an optional minus, digits without a
    leading zero, an optional decimal part: ``44``, ``-3``, ``0.11``), so codes
    such as ``007``/``010`` and ``1E5`` stay the text they were and Table 1
    shows them as written.  ``column_types={"site": "text"}`` keeps a column
    of plain numbers as text; ``{"dose": "number"}`` reads ``1E5`` as 100000
    (and a cell that is not a number is then an error).  Excel, Parquet, SAS
    and DataFrame columns keep their native types (``"text"`` turns them into
    their text).

    Examples
    --------
    >>> import blina_stats as bs
    >>> cohort = bs.load_events(bs.synthetic.bundled("trial"))
    >>> cohort.n_patients
    68
    """
    raw = read_table(
        path_or_frame,
        columns=columns,
        sheet_name=sheet_name,
        encoding=encoding,
        column_types=column_types,
        table="event table",
    )
    episodes = (
        gvhd
        if gvhd is None or isinstance(gvhd, RawTable)
        else read_table(gvhd, encoding=encoding, argument="gvhd", table="GVHD episodes table")
    )
    table = validate(
        raw.frame,
        raw.source,
        names=raw.names,
        date_format=date_format,
        sas_dates=raw.sas if sas_dates is None else sas_dates,
        gvhd=episodes,
    )
    if cutoff is None:
        return Cohort(
            _frame=table.frame,
            source=raw.source,
            warnings=table.warnings,
            present=table.present,
            covariates=table.covariates,
        )
    cut = apply_cutoff(table.frame, table.present, cutoff, raw.source, raw.names)
    return Cohort(
        _frame=cut.frame,
        source=raw.source,
        warnings=table.warnings + cut.warnings,
        present=table.present,
        covariates=table.covariates,
        cutoff=parse_cutoff(cutoff, raw.source).isoformat(),
        cutoff_changes=cut.changes,
        excluded=cut.excluded,
    )


def table_of(cohort: Cohort) -> pd.DataFrame:
    """The cohort's table itself, not the copy `Cohort.frame` gives.

    For the package's own code below the boundary, which reads columns and
    never writes: deriving nine endpoints of a million patients copied the
    whole table nine times.
    """
    return cohort._frame
