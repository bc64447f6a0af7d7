"""Adverse-event tables: treated patients with an event by term or class, in a window.

Every table counts *patients* (a patient with two episodes of a term counts
once), among the *treated* patients (those with a first blinatumomab dose),
with an exact Clopper-Pearson interval for the proportion.  The window, the
grades, the population and the interval are written in ``table.attrs["caption"]``,
and the Markdown and CSV writers print it above the table.

Windows (the protocol's "day +100" is ambiguous: the first dose falls on day
60-90, so day +100 after the transplant is 10-40 days after it):

================  ===================================================================
``"transplant"``  onset from the first dose to day +100 after the transplant (default)
``"first_dose"``  onset from the first dose to 100 days after it
``"all"``         onset from the first dose to last contact
================  ===================================================================

Events before the first dose are not treatment-emergent and are left out of
every window (the caption counts them).  The 100 is ``Protocol.ae_window_days``.
A cohort with no first dose at all is an error, not an empty table.  A
serious (or related) table from a table without that column is not
available: it is empty, its caption says why, and ``table.attrs["not_available"]``
holds a :class:`NotAvailable`.  Worst grade per
patient, CRS and ICANS tables are in `blina_stats.safety.worst_grade`; both
use the selection (`select_events`) and the proportions written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from ..data import Cohort
from ._checks import first_doses, untreated_text
from .protocol import Protocol
from .records import AdverseEvents, read_adverse_events

Window = Literal["transplant", "first_dose", "all"]
WINDOWS: tuple[str, ...] = ("transplant", "first_dose", "all")
TABLE_COLUMNS = ("n_patients", "n_treated", "percent", "ci_lower", "ci_upper")

AEInput = str | Path | pd.DataFrame | AdverseEvents
TermsInput = str | Path | pd.DataFrame | None
#: the codes of :attr:`NotAvailable.code`
NOT_AVAILABLE_CODES = ("missing_column", "not_recorded")
#: why the adverse-event tables need first doses (the end of the error message)
NEEDS_FIRST_DOSE = "adverse events are counted from the first dose"


@dataclass(frozen=True)
class NotAvailable:
    """Why a table could not be made from the data (kept in ``table.attrs["not_available"]``).

    Attributes
    ----------
    code : str
        ``"missing_column"`` (the column is absent) or ``"not_recorded"``
        (present, empty in every row).
    column : str
        The column the table needs (``"serious"``).
    reason : str
        In words: ``"no `serious` column"``.
    """

    code: str
    column: str
    reason: str

    def __str__(self) -> str:
        return f"not available: {self.reason}"


def clopper_pearson(
    x: npt.ArrayLike, n: npt.ArrayLike, conf_level: float = 0.95
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Exact (Clopper-Pearson) confidence interval for binomial proportions ``x / n``.

    Notes
    -----
    .. math:: p_L = B^{-1}(\\alpha/2;\\, x, n - x + 1), \\quad
              p_U = B^{-1}(1 - \\alpha/2;\\, x + 1, n - x),

    with :math:`p_L = 0` when :math:`x = 0` and :math:`p_U = 1` when :math:`x = n`,
    where :math:`B^{-1}` is the beta quantile function.

    References
    ----------
    Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial
    limits illustrated in the case of the binomial. Biometrika 26:404-413.
    """
    xa = np.asarray(x, dtype=np.float64)
    na = np.asarray(n, dtype=np.float64)
    alpha = 1.0 - conf_level
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(xa > 0, stats.beta.ppf(alpha / 2, xa, na - xa + 1), 0.0)
        hi = np.where(xa < na, stats.beta.ppf(1 - alpha / 2, xa + 1, na - xa), 1.0)
    return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)


def hematologic_terms(source: TermsInput = None) -> pd.DataFrame:
    """The hematologic classes and terms (``soc``, ``term``; empty term: the whole class).

    Parameters
    ----------
    source : str, Path or DataFrame, optional
        A CSV or DataFrame with columns ``soc`` and ``term``; by default the
        package's ``datasets/hematologic_terms.csv`` (documented in
        ``datasets/hematologic_terms.md``): CTCAE v5 "Blood and lymphatic system
        disorders" and the blood-count "Investigations" terms.
    """
    if source is None:
        with files("blina_stats.datasets").joinpath("hematologic_terms.csv").open() as fh:
            table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    elif isinstance(source, pd.DataFrame):
        table = source.copy()
    else:
        table = pd.read_csv(source, dtype=str, keep_default_na=False)
    missing = [c for c in ("soc", "term") if c not in table.columns]
    if missing:
        raise ValueError(f"hematologic_terms: missing column(s) {missing} (needs soc and term)")
    return table[["soc", "term"]].fillna("").astype(str)


def normalised(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.casefold()


def is_hematologic(events: pd.DataFrame, terms: TermsInput = None) -> npt.NDArray[np.bool_]:
    """Which events (rows with ``soc`` and ``term``) are hematologic under `terms`."""
    table = hematologic_terms(terms)
    whole = set(normalised(table.loc[table["term"].str.strip() == "", "soc"]))
    named = set(normalised(table.loc[table["term"].str.strip() != "", "term"]))
    hit = normalised(events["soc"]).isin(whole) | normalised(events["term"]).isin(named)
    return hit.to_numpy(dtype=bool)


def treated_patients(cohort: Cohort) -> pd.Index:
    """Patients with a first blinatumomab dose (``enrollment_day``), in table order."""
    f = cohort.frame
    return pd.Index(f.loc[f["enrollment_day"].notna(), "patient_id"], name="patient_id")


def treated_text(cohort: Cohort, n_treated: int) -> str:
    """``"66 treated patients"``, with the patients of the cohort not counted and why."""
    return f"{n_treated} treated patients{untreated_text(cohort)}"


def window_text(window: str, days: int) -> str:
    return {
        "transplant": f"onset from the first dose to day +{days} after transplant",
        "first_dose": f"onset from the first dose to {days} days after it",
        "all": "onset from the first dose to last contact",
    }[window]


def select_events(
    ae: AEInput,
    cohort: Cohort,
    window: str,
    grade_min: int,
    include_hematologic: bool,
    hematologic_terms: TermsInput,
    protocol: Protocol | None,
) -> tuple[pd.DataFrame, pd.Index, list[str]]:
    """Treatment-emergent events of treated patients in the window; the treated; caption parts."""
    if window not in WINDOWS:
        raise ValueError(f"window must be one of {WINDOWS}, got {window!r}")
    if grade_min not in (1, 2, 3, 4, 5):
        raise ValueError(f"grade_min must be a CTCAE grade 1-5, got {grade_min!r}")
    days = (protocol or Protocol()).ae_window_days
    first = first_doses(cohort, NEEDS_FIRST_DOSE)
    events = read_adverse_events(ae, cohort).frame
    treated = treated_patients(cohort)
    start = first.reindex(events["patient_id"]).to_numpy(dtype=np.float64)
    onset = events["onset_day"].to_numpy()
    end = {"transplant": np.full(len(events), float(days)), "first_dose": start + days}.get(
        window, np.full(len(events), np.inf)
    )
    emergent = onset >= start  # False without a first dose (NaN)
    keep = emergent & (onset <= end) & (events["grade"].to_numpy() >= grade_min)
    if not include_hematologic:
        keep &= ~is_hematologic(events, hematologic_terms)
    grades = "any grade" if grade_min == 1 else f"grade >= {grade_min}"
    kind = "Adverse events" if include_hematologic else "Non-hematologic adverse events"
    caption = [f"{kind}, {grades}", window_text(window, days), treated_text(cohort, len(treated))]
    before = int((~emergent).sum())
    if before:
        caption.append(
            f"{before} event{'s' if before > 1 else ''} before the first dose (or of a patient "
            "never dosed) not counted: not treatment-emergent"
        )
    return events.loc[keep].reset_index(drop=True), treated, caption


def proportion_table(
    label: str, keys: pd.Series, n_patients: npt.ArrayLike, n: int, conf_level: float
) -> pd.DataFrame:
    x = np.asarray(n_patients, dtype=np.int64)
    lo, hi = clopper_pearson(x, n, conf_level)
    return pd.DataFrame(
        {
            label: keys.to_numpy(),
            "n_patients": x,
            "n_treated": np.full(len(x), n, dtype=np.int64),
            "percent": 100.0 * x / n if n else np.full(len(x), np.nan),
            "ci_lower": lo,
            "ci_upper": hi,
        }
    )


def with_caption(table: pd.DataFrame, caption: list[str], conf_level: float) -> pd.DataFrame:
    table.attrs["caption"] = "; ".join(
        [*caption, f"exact (Clopper-Pearson) {100 * conf_level:g}% intervals for the proportion"]
    )
    return table


def adverse_event_table(
    ae: AEInput,
    cohort: Cohort,
    window: Window = "transplant",
    grade_min: int = 1,
    by: Literal["term", "soc", "any"] = "term",
    *,
    only: Literal["serious", "related"] | None = None,
    include_hematologic: bool = False,
    hematologic_terms: TermsInput = None,
    protocol: Protocol | None = None,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Patients with at least one adverse event, by term or class, among the treated.

    Parameters
    ----------
    ae : str, Path, DataFrame or AdverseEvents
        The adverse-event table (validated by :func:`read_adverse_events`
        unless it already is).
    cohort : Cohort
        The event table: patients, first dose (``enrollment_day``), death.
    window : {"transplant", "first_dose", "all"}
        Onset window (see the module docstring); default to day +100 after
        the transplant.
    grade_min : int
        Lowest CTCAE grade counted (3: grade >= 3 events).
    by : {"term", "soc", "any"}
        One row per term, per system organ class, or a single row of patients
        with any event (labelled in the ``term`` column).
    only : {"serious", "related"}, optional
        Only serious, or only treatment-related, events (a flag not recorded
        counts as no, and the caption says how many).  When the table has no
        such column, or it is empty in every row, the table is not available:
        empty, the caption ending ``"not available: no `serious` column"``,
        and ``attrs["not_available"]`` a :class:`NotAvailable`.
    include_hematologic : bool
        Count hematologic events too (default: non-hematologic only).
    hematologic_terms : str, Path or DataFrame, optional
        Override the hematologic list (see :func:`hematologic_terms`).
    protocol : Protocol, optional
        For ``ae_window_days`` (100).
    conf_level : float
        Confidence level of the exact intervals.

    Returns
    -------
    DataFrame
        Columns ``term`` (``soc`` with ``by="soc"``), ``n_patients``,
        ``n_treated``, ``percent`` (of treated), ``ci_lower``, ``ci_upper``
        (proportions, not percents), sorted by frequency then name;
        ``attrs["caption"]`` states the window, grades, population, interval
        and the events not counted; ``attrs["not_available"]`` is None or a
        :class:`NotAvailable`.

    Raises
    ------
    blina_stats.InputError
        The cohort has no first dose (``enrollment_day``) for any patient;
        the adverse-event table does not validate (:func:`read_adverse_events`).

    Notes
    -----
    The interval is :func:`clopper_pearson` for ``n_patients`` of
    ``n_treated``.  The denominator is every treated patient, whatever their
    follow-up: a crude proportion, as in a safety table.

    References
    ----------
    Clopper, C. J. and Pearson, E. S. (1934). Biometrika 26:404-413.
    National Cancer Institute (2017). Common Terminology Criteria for Adverse
    Events (CTCAE) version 5.0.

    Examples
    --------
    >>> import blina_stats as bs
    >>> from blina_stats.synthetic import safety as ss
    >>> cohort = bs.load_events(bs.synthetic.bundled("trial"))
    >>> t = bs.adverse_event_table(bs.synthetic.bundled("adverse_events"), cohort)
    >>> list(t.columns)
    ['term', 'n_patients', 'n_treated', 'percent', 'ci_lower', 'ci_upper']
    """
    if by not in ("term", "soc", "any"):
        raise ValueError(f"by must be 'term', 'soc' or 'any', got {by!r}")
    if only not in (None, "serious", "related"):
        raise ValueError(f"only must be 'serious', 'related' or None, got {only!r}")
    records = read_adverse_events(ae, cohort)
    events, treated, caption = select_events(
        records, cohort, window, grade_min, include_hematologic, hematologic_terms, protocol
    )
    missing = None
    if only is not None:
        caption[0] += f", {'serious' if only == 'serious' else 'treatment-related'} only"
        missing = _not_available(records, only)
        flag = events[only]
        unknown = int(flag.isna().sum())
        if missing is not None:
            caption.append(str(missing))
        elif unknown:
            caption.append(f"{unknown} event{'s' if unknown > 1 else ''} with {only} not recorded")
            caption[-1] += " counted as no"
        events = events.loc[flag.fillna(False).to_numpy(dtype=bool)]
    label = "soc" if by == "soc" else "term"
    if by == "any":
        kind = caption[0].split(",")[0].lower()
        keys = pd.Series([f"Any {kind[:-1] if kind.endswith('s') else kind}"])
        counts = np.array([events["patient_id"].nunique()])
    else:
        per = events.groupby(label, sort=True)["patient_id"].nunique()
        keys, counts = pd.Series(per.index), per.to_numpy()
    table = proportion_table(label, keys, counts, len(treated), conf_level)
    if by != "any":
        table = table.sort_values(
            ["n_patients", label], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)
    if missing is not None:  # no interval to state: the caption ends with why
        table = table.iloc[0:0].reset_index(drop=True)
        table.attrs["caption"] = "; ".join(caption)
    else:
        table = with_caption(table, caption, conf_level)
    table.attrs["not_available"] = missing
    return table


def _not_available(records: AdverseEvents, column: str) -> NotAvailable | None:
    """Why the `column` table cannot be made: absent, or empty in every row; None when it can."""
    if column not in records.present:
        return NotAvailable("missing_column", column, f"no `{column}` column")
    if records.frame[column].isna().all():
        return NotAvailable("not_recorded", column, f"`{column}` is empty in every row")
    return None
