"""The paper's tables: endpoint summary, baseline characteristics, follow-up; CSV and Markdown."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._constants import DAYS_PER_MONTH, ONE_YEAR, SIX_MONTHS, TWO_YEARS
from .._formulas import safe_frame
from .._markdown import markdown_table
from ..data import Cohort
from ..endpoints import EndpointData
from ..estimators import kaplan_meier


def to_markdown(frame: pd.DataFrame, index: bool = True) -> str:
    """A GitHub-flavoured Markdown table (no dependency on ``tabulate``)."""
    return markdown_table(frame.reset_index() if index else frame)


def write_table(frame: pd.DataFrame, path: Path, index: bool = True) -> list[Path]:
    """Write `frame` as ``path.csv`` and ``path.md``; return both paths.

    Text cells a spreadsheet would run as a formula are quoted in the CSV
    (:mod:`blina_stats._formulas`) and every Markdown cell is escaped
    (:mod:`blina_stats._markdown`); numbers are written as they are.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    csv, md = path.with_suffix(".csv"), path.with_suffix(".md")
    safe_frame(frame).to_csv(csv, index=index)
    md.write_text(to_markdown(frame, index=index), encoding="utf-8")
    return [csv, md]


def _pct(p: float) -> str:
    return "-" if not np.isfinite(p) else f"{100 * p:.1f}"


def endpoint_summary(estimates: pd.DataFrame) -> pd.DataFrame:
    """The outcome table: estimate with 95% interval in percent, events, at risk, horizon, method.

    `estimates` is :func:`blina_stats.estimate`'s table.
    """
    rows = []
    for name, r in estimates.iterrows():
        if not r["estimable"]:
            cell, ci = "not estimable", str(r["reason"])
        elif not np.isfinite(r["estimate"]):
            cell, ci = "-", str(r["reason"])
        else:
            cell = _pct(r["estimate"])
            ci = f"{_pct(r['ci_lower'])}-{_pct(r['ci_upper'])}"
        horizon = float(r["horizon_days"])
        rows.append(
            {
                "endpoint": name,
                "label": r["label"],
                "horizon (days)": f"{horizon:g}",
                "horizon": _horizon_words(horizon),
                "estimate (%)": cell,
                "95% CI (%)": ci,
                "events": "" if not r["estimable"] else int(r["n_events"]),
                "at risk": "" if not r["estimable"] else int(r["n_at_risk"]),
                "patients used": int(r["n_used"]),
                "method": r["method"],
            }
        )
    return pd.DataFrame(rows).set_index("endpoint")


def _horizon_words(days: float) -> str:
    if days == TWO_YEARS:
        return "2 years"
    if days == ONE_YEAR:
        return "1 year"
    if days == SIX_MONTHS:
        return "6 months"
    return f"day +{days:g}"


def baseline_table(cohort: Cohort) -> pd.DataFrame:
    """Table 1: each covariate as median (range) or counts with percentages.

    Numeric covariates with more than five distinct values are summarised by
    median (min-max); every other covariate by level, ``n (%)`` of the
    patients, missing values counted on their own line.  Days from transplant
    to the first dose are added when enrollment is known.
    """
    frame = cohort.frame
    n = cohort.n_patients
    rows: list[dict[str, str]] = [{"characteristic": "Patients", "level": "", "value": str(n)}]
    columns = list(cohort.covariates)
    if cohort.has_enrollment:
        frame = frame.assign(days_to_first_dose=frame["enrollment_day"])
        columns.append("days_to_first_dose")
    for col in columns:
        values = frame[col]
        missing = int(values.isna().sum())
        numeric = pd.to_numeric(values, errors="coerce")
        if numeric.notna().sum() == values.notna().sum() and numeric.nunique() > 5:
            v = numeric.dropna()
            rows.append(
                {
                    "characteristic": col,
                    "level": "median (range)",
                    "value": f"{v.median():g} ({v.min():g}-{v.max():g})",
                }
            )
        else:
            counts = values.dropna().astype(str).value_counts().sort_index()
            for level, k in counts.items():
                rows.append(
                    {
                        "characteristic": col,
                        "level": str(level),
                        "value": f"{k} ({100 * k / n:.1f}%)",
                    }
                )
        if missing:
            rows.append(
                {
                    "characteristic": col,
                    "level": "missing",
                    "value": f"{missing} ({100 * missing / n:.1f}%)",
                }
            )
    return pd.DataFrame(rows).set_index("characteristic")


def follow_up(os_: EndpointData) -> pd.DataFrame:
    """Median follow-up: reverse Kaplan-Meier (Schemper & Smith 1996) and survivors.

    `os_` is overall survival from transplant without delayed entry.  The
    reverse Kaplan-Meier treats death as censoring and being alive at last
    contact as the event, so it estimates the potential follow-up.
    """
    rev = kaplan_meier(os_.time, os_.status, reverse=True).median
    alive = os_.time[os_.status == 0]
    rows = [
        {
            "measure": "median follow-up, reverse Kaplan-Meier (95% CI)",
            "days": f"{rev.estimate:g} ({rev.ci_lower:g}-{rev.ci_upper:g})",
            "months": f"{rev.estimate / DAYS_PER_MONTH:.1f} "
            f"({rev.ci_lower / DAYS_PER_MONTH:.1f}-{rev.ci_upper / DAYS_PER_MONTH:.1f})",
        }
    ]
    if alive.size:
        med = float(np.median(alive))
        rows.append(
            {
                "measure": f"median follow-up of the {alive.size} survivors (range)",
                "days": f"{med:g} ({alive.min():g}-{alive.max():g})",
                "months": f"{med / DAYS_PER_MONTH:.1f} ({alive.min() / DAYS_PER_MONTH:.1f}-"
                f"{alive.max() / DAYS_PER_MONTH:.1f})",
            }
        )
    return pd.DataFrame(rows).set_index("measure")
