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
every window.  The 100 is ``Protocol.ae_window_days``.  Worst grade per
patient, CRS and ICANS tables are in `blina_stats.safety.worst_grade`; both
use the selection (`select_events`) and the proportions written here.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from .._markdown import markdown_table
from ..data import Cohort
from .protocol import Protocol
from .records import AdverseEvents, read_adverse_events

Window = Literal["transplant", "first_dose", "all"]
WINDOWS: tuple[str, ...] = ("transplant", "first_dose", "all")
TABLE_COLUMNS = ("n_patients", "n_treated", "percent", "ci_lower", "ci_upper")

AEInput = str | Path | pd.DataFrame | AdverseEvents
TermsInput = str | Path | pd.DataFrame | None


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
    events = read_adverse_events(ae, cohort).frame
    treated = treated_patients(cohort)
    first = cohort.frame.set_index("patient_id")["enrollment_day"]
    start = first.reindex(events["patient_id"]).to_numpy(dtype=np.float64)
    onset = events["onset_day"].to_numpy()
    end = {"transplant": np.full(len(events), float(days)), "first_dose": start + days}.get(
        window, np.full(len(events), np.inf)
    )
    keep = (onset >= start) & (onset <= end) & (events["grade"].to_numpy() >= grade_min)
    if not include_hematologic:
        keep &= ~is_hematologic(events, hematologic_terms)
    grades = "any grade" if grade_min == 1 else f"grade >= {grade_min}"
    kind = "Adverse events" if include_hematologic else "Non-hematologic adverse events"
    caption = [f"{kind}, {grades}", window_text(window, days), f"{len(treated)} treated patients"]
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
        counts as no).
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
        ``attrs["caption"]`` states the window, grades, population and interval.

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
    events, treated, caption = select_events(
        ae, cohort, window, grade_min, include_hematologic, hematologic_terms, protocol
    )
    if only is not None:
        if only not in ("serious", "related"):
            raise ValueError(f"only must be 'serious', 'related' or None, got {only!r}")
        events = events.loc[events[only].fillna(False).to_numpy(dtype=bool)]
        caption[0] += f", {'serious' if only == 'serious' else 'treatment-related'} only"
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
    return with_caption(table, caption, conf_level)


def _formatted(table: pd.DataFrame, digits: int) -> pd.DataFrame:
    out = pd.DataFrame(index=table.index)
    for col in table.columns:
        values = table[col]
        if col == "percent":
            out[col] = values.map(lambda v: f"{v:.{digits}f}")
        elif col in ("ci_lower", "ci_upper") or pd.api.types.is_float_dtype(values):
            out[col] = values.map(lambda v: "" if pd.isna(v) else f"{v:.{digits + 2}f}")
        else:
            out[col] = values.astype(str)
    return out


def to_markdown(table: pd.DataFrame, path: str | Path | None = None, digits: int = 1) -> str:
    """A table as GitHub Markdown, its caption (window, grades, population) in italics above.

    Written to `path` too when given.  No dependency beyond pandas.
    """
    right = [pd.api.types.is_numeric_dtype(table[c]) for c in table.columns]
    body = markdown_table(_formatted(table, digits), right)
    caption = table.attrs.get("caption")
    text = f"*{caption}*\n\n{body}" if caption else body
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def to_csv(table: pd.DataFrame, path: str | Path, float_format: str = "%.6g") -> Path:
    """Write a table as CSV, its caption as a first ``# `` comment line.

    Read it back with ``pandas.read_csv(path, comment="#")``.
    """
    out = Path(path)
    caption = table.attrs.get("caption")
    with out.open("w", encoding="utf-8", newline="") as fh:
        if caption:
            fh.write(f"# {caption}\n")
        table.to_csv(fh, index=False, float_format=float_format, lineterminator="\n")
    return out
