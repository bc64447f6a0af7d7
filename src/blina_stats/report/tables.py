"""The paper's tables: endpoint summary, baseline characteristics, follow-up; CSV and Markdown."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .._constants import DAYS_PER_MONTH
from .._formulas import safe_frame
from .._markdown import escape_cell, markdown_table
from ..data import Cohort
from ..data.labels import CovariateLabels, cohort_labels
from ..endpoints import EndpointData
from ..endpoints.labels import origin_words
from ..estimators import kaplan_meier
from .format import format_table, interval


def to_markdown(frame: pd.DataFrame, index: bool = True) -> str:
    """A GitHub-flavoured Markdown table (no dependency on ``tabulate``)."""
    return markdown_table(frame.reset_index() if index else frame)


def write_table(frame: pd.DataFrame, path: Path, caption: str | None = None) -> list[Path]:
    """Write `frame` as ``path.csv`` and ``path.md``, formatted for a paper; return both paths.

    The cells are those of :func:`blina_stats.report.format.format_table`
    (percent with one decimal, intervals in the estimate's unit, ``NR``, no
    pandas row numbers); `caption` (else ``frame.attrs["caption"]``) is the
    CSV's first line, ``# caption`` (read it back with ``skiprows=1``), and
    the Markdown's first paragraph, in italics.  Text cells a spreadsheet
    would run as a formula are quoted in the CSV (:mod:`blina_stats._formulas`)
    and every Markdown cell is escaped (:mod:`blina_stats._markdown`).
    """
    return write_formatted(format_table(frame), path, caption)


def write_formatted(shown: pd.DataFrame, path: Path, caption: str | None = None) -> list[Path]:
    """:func:`write_table` of a table already formatted (:func:`~.format.format_table`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    csv, md = path.with_suffix(".csv"), path.with_suffix(".md")
    text = caption if caption is not None else shown.attrs.get("caption")
    with csv.open("w", encoding="utf-8", newline="") as fh:
        if text:
            fh.write("# " + " ".join(str(text).split()) + "\n")
        safe_frame(shown).to_csv(fh, index=False, lineterminator="\n")
    body = markdown_table(shown, [numeric_column(shown[c]) for c in shown.columns])
    md.write_text(f"*{escape_cell(str(text))}*\n\n{body}" if text else body, encoding="utf-8")
    return [csv, md]


#: a formatted number: ``12``, ``-0.5``, ``22.1``, ``<0.001``, ``12.9-33.8``, ``399-NR``,
#: ``896 (709-1051)``, ``NR``
_NUMBER_CELL = re.compile(r"[<>]?-?\d[\d.,]*(?:-(?:\d[\d.]*|NR))?(?: \(.*\))?|NR|-")


def numeric_column(cells: pd.Series) -> bool:
    """A column of formatted numbers (right-aligned in Markdown, as a paper's tables are).

    Missing and empty cells are left out; a column of them alone is not numeric.
    """
    # a loop over the cells: the report asks of each of its ~1,100 columns four times, and
    # pandas' dropna/astype/map cost ~0.3 ms a column to do what this does in microseconds
    text = [str(v) for v in cells.tolist() if not _missing(v)]
    text = [v for v in text if v != ""]
    return bool(text) and all(_NUMBER_CELL.fullmatch(v) is not None for v in text)


def _missing(value: object) -> bool:
    # what Series.dropna drops: None, NaN, NaT, pd.NA
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float | np.floating) and bool(np.isnan(value)))
    )


def _pct(p: float) -> str:
    return "-" if not np.isfinite(p) else f"{100 * p:.1f}"


def endpoint_summary(estimates: pd.DataFrame) -> pd.DataFrame:
    """The outcome table: estimate with 95% interval in percent, events, at risk, horizon, method.

    `estimates` is :func:`blina_stats.estimate`'s table; each row's horizon
    and time origin are its ``horizon_label`` and ``time_origin`` (the words
    of :mod:`blina_stats.endpoints.labels`).
    """
    rows = []
    for name, r in estimates.iterrows():
        if not r["estimable"]:
            cell, ci = "not estimable", str(r["reason"])
        elif not np.isfinite(r["estimate"]):
            cell, ci = "-", str(r["reason"])
        else:
            cell = _pct(r["estimate"])
            ci = interval(r["ci_lower"], r["ci_upper"], 1, scale=100.0)
        horizon = float(r["horizon_days"])
        rows.append(
            {
                "endpoint": name,
                "label": r["label"],
                "horizon (days)": f"{horizon:g}",
                "horizon": r["horizon_label"],
                "time origin": r["time_origin"],
                "estimate (%)": cell,
                "95% CI (%)": ci,
                "events": "" if not r["estimable"] else int(r["n_events"]),
                "at risk": "" if not r["estimable"] else int(r["n_at_risk"]),
                "patients used": int(r["n_used"]),
                "method": r["method"],
            }
        )
    return pd.DataFrame(rows).set_index("endpoint")


def by_origin(groups: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The outcome table of the same endpoints from several origins, one column group each.

    Parameters
    ----------
    groups : mapping
        Group name (``"from transplant, entry at the first dose"``) ->
        :func:`blina_stats.estimate`'s table of the endpoints from that origin.

    Returns
    -------
    DataFrame
        Indexed by endpoint (those of the first group), a ``label`` column,
        then per group ``"{group}: horizon"``, ``": estimate (%)"``, ``": 95%
        CI (%)"``, ``": events"`` and ``": at risk"``, as :func:`endpoint_summary`
        writes them.
    """
    keep = ("horizon", "estimate (%)", "95% CI (%)", "events", "at risk")
    first = next(iter(groups.values()))
    frames = [endpoint_summary(first)[["label"]]]
    for group, table in groups.items():
        summary = endpoint_summary(table)[list(keep)]
        frames.append(summary.rename(columns={c: f"{group}: {c}" for c in keep}))
    return pd.concat(frames, axis=1)


def baseline_table(cohort: Cohort, labels: CovariateLabels | None = None) -> pd.DataFrame:
    """Table 1: each covariate as median (range) or counts with percentages.

    Numeric covariates with more than five distinct values are summarised by
    median (min-max); every other covariate by level, ``n (%)`` of the
    patients, missing values counted on their own line.  Days from transplant
    to the first dose are added when enrollment is known.  Covariates and
    their levels are shown by `labels` (by default the package's,
    :func:`blina_stats.data.labels.cohort_labels`): "MRD before HSCT", "male".
    """
    lab = cohort_labels(cohort, None) if labels is None else labels
    frame = cohort.frame
    n = cohort.n_patients
    rows: list[dict[str, str]] = [{"characteristic": "Patients", "level": "", "value": str(n)}]
    names = {col: lab.column(col) for col in cohort.covariates}
    if cohort.has_enrollment:
        frame = frame.assign(days_to_first_dose=frame["enrollment_day"])
        names["days_to_first_dose"] = "Days from transplant to first dose"
    for col, name in names.items():
        values = frame[col]
        missing = int(values.isna().sum())
        numeric = pd.to_numeric(values, errors="coerce")
        if numeric.notna().sum() == values.notna().sum() and numeric.nunique() > 5:
            v = numeric.dropna()
            rows.append(
                {
                    "characteristic": name,
                    "level": "median (range)",
                    "value": f"{v.median():g} ({v.min():g}-{v.max():g})",
                }
            )
        else:
            counts = values.dropna().astype(str).value_counts().sort_index()
            for level, k in counts.items():
                rows.append(
                    {
                        "characteristic": name,
                        "level": lab.level(col, level),
                        "value": f"{k} ({100 * k / n:.1f}%)",
                    }
                )
        if missing:
            rows.append(
                {
                    "characteristic": name,
                    "level": "missing",
                    "value": f"{missing} ({100 * missing / n:.1f}%)",
                }
            )
    return pd.DataFrame(rows).set_index("characteristic")


def follow_up(os_: EndpointData, from_first_dose: EndpointData | None = None) -> pd.DataFrame:
    """Median follow-up: reverse Kaplan-Meier (Schemper & Smith 1996) and survivors.

    `os_` is overall survival from transplant without delayed entry;
    `from_first_dose`, when given, overall survival from the first dose
    (``origin="enrollment"``), whose follow-up is added in rows of its own.
    The reverse Kaplan-Meier treats death as censoring and being alive at
    last contact as the event, so it estimates the potential follow-up.
    Column ``from`` names each row's origin.
    """
    rows = _follow_up_rows(os_, "")
    if from_first_dose is not None:
        rows += _follow_up_rows(from_first_dose, f" from {origin_words('enrollment')}")
    return pd.DataFrame(rows).set_index("measure")


def _days(days: float) -> str:
    return f"{days:.0f}" if np.isfinite(days) else "NR"


def _months(days: float) -> str:
    return f"{days / DAYS_PER_MONTH:.1f}" if np.isfinite(days) else "NR"


def _follow_up_rows(os_: EndpointData, origin: str) -> list[dict[str, str]]:
    rev = kaplan_meier(os_.time, os_.status, reverse=True).median
    alive = os_.time[os_.status == 0]
    since = origin_words(os_.origin)
    rows = [
        {
            "measure": f"median follow-up{origin}, reverse Kaplan-Meier (95% CI)",
            "from": since,
            "days": f"{_days(rev.estimate)} ({interval(rev.ci_lower, rev.ci_upper, 0)})",
            "months": f"{_months(rev.estimate)} "
            f"({interval(rev.ci_lower / DAYS_PER_MONTH, rev.ci_upper / DAYS_PER_MONTH, 1)})",
        }
    ]
    if alive.size:
        med = float(np.median(alive))
        rows.append(
            {
                "measure": f"median follow-up{origin} of the {alive.size} survivors (range)",
                "from": since,
                "days": f"{med:g} ({alive.min():g}-{alive.max():g})",
                "months": f"{_months(med)} ({_months(alive.min())}-{_months(alive.max())})",
            }
        )
    return rows
