"""The report's safety, exposure and patient-flow parts, built from the library's functions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..safety import (
    AdverseEvents,
    adverse_event_table,
    crs_table,
    exposure,
    icans_table,
    monitor,
    monitoring_rule,
    nrm_outcomes,
    operating_characteristics,
    read_dosing,
    toxicity_outcomes,
    worst_grade_table,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..data import Cohort

#: the monitoring rules reported (none is in the protocol: stated in the report)
NRM_THRESHOLD = 0.20
TOXICITY_THRESHOLD = 0.30
OC_RATES = (0.10, 0.20, 0.30, 0.40)


@dataclass
class Part:
    """Tables (caption, frame, file name) and figures (caption, figure, file name) of a part."""

    tables: list[tuple[str, pd.DataFrame, str]]
    figures: list[tuple[str, Figure, str]]
    notes: list[str]
    json: dict[str, Any]


def _caption(table: pd.DataFrame, fallback: str) -> str:
    return str(table.attrs.get("caption") or fallback)


def adverse_events_part(ae: AdverseEvents, cohort: Cohort) -> Part:
    """Day +100 non-hematologic adverse events (both windows), CRS, ICANS, and the bar chart."""
    from ..plots.adverse_events import plot_adverse_events
    from ..plots.style import figure_of, new_axes

    tables: list[tuple[str, pd.DataFrame, str]] = []
    for window in ("transplant", "first_dose"):
        for grade in (1, 3):
            t = adverse_event_table(ae, cohort, window=window, grade_min=grade, by="term")
            name = f"ae_{window}_grade{grade}"
            tables.append((_caption(t, name), t, name))
    by_soc = adverse_event_table(ae, cohort, by="soc")
    tables.append((_caption(by_soc, "by class"), by_soc, "ae_by_soc"))
    for only in ("serious", "related"):
        t = adverse_event_table(ae, cohort, only=only)
        tables.append((_caption(t, only), t, f"ae_{only}"))
    worst = worst_grade_table(ae, cohort)
    tables.append((_caption(worst, "worst grade"), worst, "ae_worst_grade"))
    for name, fn in (("crs", crs_table), ("icans", icans_table)):
        t = fn(ae, cohort)
        tables.append((_caption(t, name.upper()), t, f"ae_{name}"))
    any_grade, grade3 = tables[0][1], tables[1][1]
    n_treated = int(any_grade["n_treated"].iloc[0]) if len(any_grade) else 0
    ax = new_axes(width=5.0, height=3.6)
    plot_adverse_events(
        any_grade, grade3, ax, title=f"To day +100 after transplant; {n_treated} treated patients"
    )
    fig = figure_of(ax)
    overall = adverse_event_table(ae, cohort, by="any")
    return Part(
        tables=tables,
        figures=[("Non-hematologic adverse events to day +100", fig, "adverse_events")],
        notes=[
            "The protocol's 'day +100' is read after the transplant (default) and, as a "
            "sensitivity reading, 100 days after the first dose; each table states its window. "
            "Events before the first dose are not treatment-emergent and are not counted."
        ],
        json={
            "primary_window": "day +100 after transplant",
            "any_nonhematologic": overall.to_dict(orient="records"),
            "by_term_any_grade": any_grade.to_dict(orient="records"),
            "by_term_grade3": grade3.to_dict(orient="records"),
        },
    )


def exposure_part(dosing_path: Path, cohort: Cohort) -> Part:
    """Blinatumomab courses against the protocol, and the swimmer plot."""
    from ..plots.style import figure_of, new_axes
    from ..plots.swimmer import plot_swimmer

    result = exposure(read_dosing(dosing_path, cohort), cohort)
    summary = result.summary
    ax = new_axes(width=7.0, height=max(4.0, 0.075 * cohort.n_patients + 1.2))
    plot_swimmer(cohort, result, ax)
    fig = figure_of(ax)
    return Part(
        tables=[
            (_caption(summary, "Exposure"), summary, "exposure_summary"),
            ("Exposure by patient", result.to_frame(), "exposure_by_patient"),
        ],
        figures=[("Swimmer plot: follow-up, courses and events", fig, "swimmer")],
        notes=[],
        json={"summary": summary.to_dict(orient="records")},
    )


def monitoring_part(cohort: Cohort, ae: AdverseEvents | None, seed: int) -> Part:
    """Bayesian continuous monitoring of NRM (and grade >= 3 toxicity): boundaries, OC, status."""
    tables: list[tuple[str, pd.DataFrame, str]] = []
    out: dict[str, Any] = {}
    # NRM within 100 days of the first dose: patients enrol alive on days 60-90,
    # so "by day +100 after transplant" would leave almost nothing to monitor
    rules = [
        (
            "nrm",
            NRM_THRESHOLD,
            "non-relapse death within 100 days of the first dose",
            nrm_outcomes(cohort, horizon=100.0, origin="enrollment"),
        )
    ]
    if ae is not None:
        rules.append(
            (
                "toxicity",
                TOXICITY_THRESHOLD,
                "grade >= 3 non-hematologic toxicity",
                toxicity_outcomes(ae, cohort),
            )
        )
    for key, threshold, what, outcomes in rules:
        rule = monitoring_rule(threshold, n_max=cohort.n_patients, outcome=what)
        boundary = rule.to_frame().dropna()
        oc = operating_characteristics(rule, OC_RATES, method="exact", seed=seed)
        status = monitor(rule, outcomes)
        tables += [
            (rule.describe(), boundary, f"monitoring_{key}_boundary"),
            (f"Operating characteristics: {what}", oc, f"monitoring_{key}_oc"),
            (f"Applied to the trial: {what}", status, f"monitoring_{key}_status"),
        ]
        out[key] = {
            "rule": rule.describe(),
            "operating_characteristics": oc.to_dict(orient="records"),
        }
    return Part(
        tables=tables,
        figures=[],
        notes=[
            "The protocol states no stopping rule; these rules are proposals, not protocol rules."
        ],
        json=out,
    )


def flow_part(screening: Path, cohort: Cohort, labs: Path | None) -> Part:
    """The CONSORT flow from the screening log, and engraftment from the daily labs."""
    from ..eligibility import consort_flow, engraftment_incidence
    from ..plots.style import figure_of, new_axes

    flow = consort_flow(screening, cohort, labs)
    ax = new_axes(width=7.0, height=5.0)
    flow.plot(ax)
    fig = figure_of(ax)
    tables = [
        ("CONSORT flow", flow.to_frame(), "consort"),
        ("Eligibility of the screened patients", flow.eligibility, "eligibility"),
    ]
    figures: list[tuple[str, Figure, str]] = [("CONSORT flow diagram", fig, "consort")]
    if labs is not None:
        inc = engraftment_incidence(labs, cohort)
        tables.append(("Engraftment (death competing)", inc.summary, "engraftment"))
        eax = new_axes(height=3.1)
        inc.plot(eax)
        efig = figure_of(eax)
        figures.append(("Cumulative incidence of engraftment", efig, "engraftment"))
    return Part(
        tables=tables,
        figures=figures,
        notes=[],
        json={
            "screened": flow.n_screened,
            "enrolled": flow.n_enrolled,
            "treated": flow.n_treated,
            "lost_to_follow_up": flow.n_lost_to_follow_up,
        },
    )
