"""Safety monitoring: Bayesian continuous monitoring of NRM and grade >= 3 toxicity (proposals).

Both are counted from the first dose, within 100 days of it: patients enrol
alive on days 60-90, so "by day +100 after transplant" would leave almost
nothing to monitor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ...errors import InputError
from ...safety import (
    monitor,
    monitoring_rule,
    nrm_outcomes,
    operating_characteristics,
    toxicity_outcomes,
)
from ..captions import patients
from ..part import Part

if TYPE_CHECKING:
    from ..context import Context

KEY, TITLE = "monitoring", "Safety monitoring"
#: the monitoring rules reported (none is in the protocol: stated in the report)
NRM_THRESHOLD = 0.20
TOXICITY_THRESHOLD = 0.30
OC_RATES = (0.10, 0.20, 0.30, 0.40)


def build(ctx: Context) -> Part:
    """Boundaries, operating characteristics and status of each rule."""
    cohort = ctx.cohort
    rules = [
        (
            "nrm",
            NRM_THRESHOLD,
            "non-relapse death",
            nrm_outcomes(cohort, horizon=100.0, origin="enrollment"),
        )
    ]
    try:
        ae = ctx.adverse_events
    except (InputError, FileNotFoundError):
        ae = None  # without a readable adverse-event table only the NRM rule is monitored
    if ae is not None:
        rules.append(
            (
                "toxicity",
                TOXICITY_THRESHOLD,
                "grade >= 3 non-hematologic toxicity",
                toxicity_outcomes(ae, cohort, window="first_dose"),
            )
        )
    tables: list[tuple[str, pd.DataFrame, str]] = []
    out: dict[str, Any] = {}
    for key, threshold, what, outcomes in rules:
        window = outcomes.attrs["window"]  # both: within 100 days after the first dose
        rule = monitoring_rule(threshold, n_max=cohort.n_patients, outcome=what, window=window)
        stated = f"{what} {window}"
        boundary = rule.to_frame().dropna()
        oc = operating_characteristics(rule, OC_RATES, method="exact", seed=ctx.seed)
        status = monitor(rule, outcomes)
        tables += [
            (rule.describe(), boundary, f"monitoring_{key}_boundary"),
            (
                f"Operating characteristics: {stated}, up to {cohort.n_patients} patients "
                "(exact probabilities at each true rate)",
                oc,
                f"monitoring_{key}_oc",
            ),
            (
                f"Applied to the trial: {stated}, {patients(cohort)}",
                status,
                f"monitoring_{key}_status",
            ),
        ]
        out[key] = {
            "rule": rule.describe(),
            "window": window,
            "operating_characteristics": oc.to_dict(orient="records"),
        }
    return Part(
        KEY,
        TITLE,
        tables=tuple(tables),
        notes=(
            "The protocol states no stopping rule; these rules are proposals, not protocol rules.",
        ),
        json={"safety": {"monitoring": out}},
    )
