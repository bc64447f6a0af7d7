"""Safety monitoring: NRM (beta-binomial and SPRT), CRS/ICANS and grade >= 3 toxicity (proposals).

All are counted from the first dose, within 100 days of it: patients enrol
alive on days 60-90, so "by day +100 after transplant" would leave almost
nothing to monitor.  The NRM and CRS/ICANS thresholds sit around the
expected rates (:mod:`blina_stats.safety.monitoring_rules`); operating
characteristics are given exactly (outcomes known at once) and simulated
with staggered accrual and the 100-day delay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ...errors import InputError
from ...safety import (
    crs_icans_outcomes,
    crs_icans_rule,
    delayed_operating_characteristics,
    monitor,
    monitoring_rule,
    nrm_outcomes,
    nrm_rule,
    operating_characteristics,
    sprt_monitor,
    sprt_operating_characteristics,
    sprt_rule,
    toxicity_outcomes,
)
from ...safety.monitoring_rules import NRM_EXPECTED, NRM_UNACCEPTABLE, OC_RATES, nrm_person_time
from ..captions import patients
from ..part import Part

if TYPE_CHECKING:
    from ..context import Context

KEY, TITLE = "monitoring", "Safety monitoring"
TOXICITY_THRESHOLD = 0.30
#: simulated trials per rate: Monte Carlo SE at most 0.011
OC_TRIALS = 2_000


def build(ctx: Context) -> Part:
    """Boundaries, operating characteristics and status of each rule."""
    cohort = ctx.cohort
    n = cohort.n_patients
    nrm = nrm_outcomes(cohort, horizon=100.0, origin="enrollment")
    rules: list[tuple[str, Any, pd.Series]] = [
        ("nrm", nrm_rule(n, window=nrm.attrs["window"]), nrm)
    ]
    try:
        ae = ctx.adverse_events
    except (InputError, FileNotFoundError):
        ae = None  # without a readable adverse-event table only the NRM rules are monitored
    if ae is not None:
        crs = crs_icans_outcomes(ae, cohort)
        rules.append(("crs_icans", crs_icans_rule(n, window=crs.attrs["window"]), crs))
        tox = toxicity_outcomes(ae, cohort, window="first_dose")
        what = "grade >= 3 non-hematologic toxicity"
        rule = monitoring_rule(
            TOXICITY_THRESHOLD, n_max=n, outcome=what, window=tox.attrs["window"]
        )
        rules.append(("toxicity", rule, tox))
    tables: list[tuple[str, pd.DataFrame, str]] = []
    out: dict[str, Any] = {}
    for key, rule, outcomes in rules:
        stated = f"{rule.outcome} {rule.window}"
        status = monitor(rule, outcomes)
        oc = operating_characteristics(rule, OC_RATES, method="exact")
        late = delayed_operating_characteristics(rule, OC_RATES, n_trials=OC_TRIALS, seed=ctx.seed)
        tables += [
            (rule.describe(), rule.to_frame().dropna(), f"monitoring_{key}_boundary"),
            (
                f"Operating characteristics (outcomes known at once): {stated}, up to "
                f"{cohort.n_patients} patients (exact probabilities at each true rate)",
                oc,
                f"monitoring_{key}_oc",
            ),
            (
                f"Operating characteristics with staggered accrual and the 100-day delay: "
                f"{stated}, up to {cohort.n_patients} patients",
                late,
                f"monitoring_{key}_oc_delayed",
            ),
            (
                f"Applied to the trial: {stated}, {patients(cohort)}{_skipped(status)}",
                status,
                f"monitoring_{key}_status",
            ),
        ]
        out[key] = {
            "rule": rule.describe(),
            "window": rule.window,
            "operating_characteristics": oc.to_dict(orient="records"),
            "operating_characteristics_delayed": late.to_dict(orient="records"),
        }
    sprt = sprt_rule(NRM_EXPECTED, NRM_UNACCEPTABLE, n_max=n)
    sprt_oc = sprt_operating_characteristics(sprt, OC_RATES, n_trials=OC_TRIALS, seed=ctx.seed)
    sprt_now = sprt_monitor(sprt, nrm_person_time(cohort))
    tables += [
        (sprt.describe(), sprt.boundary(), "monitoring_nrm_sprt_boundary"),
        (
            f"Operating characteristics of the NRM SPRT (staggered accrual): non-relapse deaths "
            f"{nrm.attrs['window']}, up to {n} patients",
            sprt_oc,
            "monitoring_nrm_sprt_oc",
        ),
        (
            f"NRM SPRT applied to the trial: non-relapse deaths {nrm.attrs['window']}, "
            f"{patients(cohort)}",
            sprt_now,
            "monitoring_nrm_sprt_status",
        ),
    ]
    out["nrm_sprt"] = {
        "rule": sprt.describe(),
        "operating_characteristics": sprt_oc.to_dict(orient="records"),
        "stopped": bool(sprt_now.attrs["stopped"]),
    }
    at = oc_at(out["nrm"]["operating_characteristics"], NRM_UNACCEPTABLE)
    return Part(
        KEY,
        TITLE,
        tables=tuple(tables),
        notes=(
            "The protocol states no stopping rule; these rules are proposals, not protocol rules.",
            f"NRM expected about {NRM_EXPECTED:.0%} within 100 days after the first dose (the "
            "design review's working value; the protocol must cite its source); the rule "
            f"needs at least 10 evaluable patients and stops with probability {at:.2f} at the "
            f"unacceptable {NRM_UNACCEPTABLE:.0%}.",
        ),
        json={"safety": {"monitoring": out}},
    )


def oc_at(records: list[dict[str, Any]], rate: float) -> float:
    """Probability of stopping at `rate` from operating-characteristic records."""
    return next(float(r["prob_stop"]) for r in records if abs(r["true_rate"] - rate) < 1e-12)


def _skipped(status: pd.DataFrame) -> str:
    """The caption's words for the patients a status table leaves out, by name."""
    ids = status.attrs.get("not_evaluable", ())
    if not ids:
        return ""
    who = ", ".join(map(str, ids))
    return (
        f"; {len(ids)} not yet evaluable (alive, without the event, followed less than "
        f"the window) and not counted: {who}"
    )
