"""The event table's consistency checks: events in a possible order, GVHD fields that agree.

Follow-up beyond :data:`SENTINEL_YEARS` is kept but warned about: 99999 or
``1e300`` is a "missing" code more often than a real follow-up.

Run by :func:`blina_stats.data.schema.validate` on days since transplant;
`lab` names each event by the column(s) the user wrote it in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._constants import DAYS_PER_YEAR
from ._cells import Problems, ValidationWarning
from ._columns import EVENTS, GRADE, SEVERITIES, SEVERITY

#: follow-up longer than this (years from the transplant) is warned about as a likely sentinel
SENTINEL_YEARS = 50


def check_order(out: pd.DataFrame, ctx: Problems, present: set[str], lab: dict[str, str]) -> None:
    """Events after transplant, in a possible order, within follow-up."""
    day = {e: out[f"{e}_day"].to_numpy() for e in EVENTS}
    for event in EVENTS:
        ctx.error(
            day[event] < 0,
            lambda i, e=event: f"{lab[e]} is day {day[e][i]:g}, before the transplant (day 0)",
        )
    lc, death = day["last_contact"], day["death"]
    no_lc = np.isnan(lc)
    ctx.error(
        no_lc & np.isnan(death),
        lambda i: f"{lab['last_contact']} is empty and no death is recorded: follow-up is unknown",
    )
    ctx.warn(
        no_lc & ~np.isnan(death),
        "last_contact",
        lambda i: f"{lab['last_contact']} is empty; follow-up ends at death (day {death[i]:g})",
    )
    lc = np.where(no_lc, death, lc)
    out["last_contact_day"] = lc
    ctx.warn(
        lc > SENTINEL_YEARS * DAYS_PER_YEAR,
        "last_contact",
        lambda i: (
            f"{lab['last_contact']} is day {lc[i]:g}: follow-up of "
            f"{lc[i] / DAYS_PER_YEAR:.4g} years: a sentinel value?"
        ),
    )
    ctx.error(
        lc > death,
        lambda i: (
            f"{lab['last_contact']} (day {lc[i]:g}) is after {lab['death']} (day {death[i]:g})"
        ),
    )
    for event in ("relapse", "agvhd", "cgvhd"):
        what = {"relapse": "relapse", "agvhd": "aGVHD onset", "cgvhd": "cGVHD onset"}[event]
        after_death = day[event] > death
        ctx.error(
            after_death,
            lambda i, e=event, w=what: (
                f"{w} {lab[e]} (day {day[e][i]:g}) is after {lab['death']} (day {death[i]:g})"
            ),
        )
        ctx.error(
            (day[event] > lc) & ~after_death,
            lambda i, e=event: (
                f"{lab[e]} (day {day[e][i]:g}) is after {lab['last_contact']} (day {lc[i]:g})"
            ),
        )
    ctx.error(
        day["enrollment"] > lc,
        lambda i: (
            f"{lab['enrollment']} (day {day['enrollment'][i]:g}) is after "
            f"{lab['last_contact']} (day {lc[i]:g})"
        ),
    )
    if "enrollment" in present:
        ctx.warn(
            np.isnan(day["enrollment"]),
            "enrollment",
            lambda i: (
                f"{lab['enrollment']} is empty: the patient is left out of every "
                "endpoint that starts at enrollment"
            ),
        )
        ctx.warn(
            day["relapse"] < day["enrollment"],
            "relapse",
            lambda i: (
                f"{lab['relapse']} (day {day['relapse'][i]:g}) is before "
                f"{lab['enrollment']} (day {day['enrollment'][i]:g}): not in remission at the "
                "first dose"
            ),
        )


def check_gvhd(out: pd.DataFrame, ctx: Problems, present: set[str], lab: dict[str, str]) -> None:
    """Onset dates agree with grade and severity; what cannot be used is said once."""
    a_day, grade = out["agvhd_day"].to_numpy(), out[GRADE].to_numpy(dtype=np.float64)
    if GRADE in present:
        ctx.error(
            ~np.isnan(a_day) & (grade < 2),
            lambda i: (
                f"{lab['agvhd']} is given (day {a_day[i]:g}) but {ctx.col(GRADE)} is "
                f"{grade[i]:g}: the date is the onset of grade II-IV"
            ),
        )
        ctx.warn(
            np.isnan(a_day) & (grade >= 2),
            "agvhd",
            lambda i: (
                f"{ctx.col(GRADE)} is {grade[i]:g} but {lab['agvhd']} is empty: "
                "left out of the aGVHD endpoints (onset unknown)"
            ),
        )
        ctx.warn(
            ~np.isnan(a_day) & np.isnan(grade),
            GRADE,
            lambda i: (
                f"{ctx.col(GRADE)} is empty for aGVHD on day {a_day[i]:g}: counts as "
                "grade II-IV, left out of grade III-IV"
            ),
        )
    elif "agvhd" in present:
        ctx.warnings.append(
            ValidationWarning(
                ctx.source,
                None,
                GRADE,
                "no agvhd_grade column: every recorded aGVHD counts as grade II-IV; "
                "grade III-IV aGVHD and GRFS are not estimable",
            )
        )
    c_day = out["cgvhd_day"].to_numpy()
    sev = out[SEVERITY]
    if SEVERITY in present:
        none = sev.eq("none").to_numpy(dtype=bool)
        some = sev.isin(SEVERITIES[1:]).to_numpy(dtype=bool)
        ctx.error(
            ~np.isnan(c_day) & none,
            lambda i: (
                f"{lab['cgvhd']} is given (day {c_day[i]:g}) but {ctx.col(SEVERITY)} is 'none'"
            ),
        )
        ctx.warn(
            np.isnan(c_day) & some,
            "cgvhd",
            lambda i: (
                f"{ctx.col(SEVERITY)} is {sev.iloc[i]!r} but {lab['cgvhd']} is empty: "
                "left out of the cGVHD endpoints (onset unknown)"
            ),
        )
        ctx.warn(
            ~np.isnan(c_day) & sev.isna().to_numpy(dtype=bool),
            SEVERITY,
            lambda i: (
                f"{ctx.col(SEVERITY)} is empty for cGVHD on day {c_day[i]:g}: left out "
                "of moderate/severe cGVHD and GRFS"
            ),
        )
    elif "cgvhd" in present:
        ctx.warnings.append(
            ValidationWarning(
                ctx.source,
                None,
                SEVERITY,
                "no cgvhd_severity column: moderate/severe cGVHD and GRFS are not estimable",
            )
        )


def check_gvhd_grades(
    out: pd.DataFrame, ctx: Problems, present: set[str], lab: dict[str, str]
) -> None:
    """Grade-specific onsets (III-IV aGVHD, moderate/severe cGVHD) against onset and grade.

    The first day of grade III-IV (of moderate or severe cGVHD) is an error
    before the transplant, after death or last contact, before the onset of
    grade II-IV aGVHD (of any cGVHD), without that onset, or when the table's
    maximum grade is below III (the severity mild or none) or missing.  Where it is
    not known (no column, or an empty cell of a patient with grade III-IV) it
    is set to the first onset, with a warning: the endpoint is then timed at
    the first onset, as CIBMTR forms report it.
    """
    sev = out[SEVERITY]
    for event, onset, field, high, what, where_empty in (
        ("agvhd_3_4", "agvhd", GRADE, out[GRADE].to_numpy(dtype=np.float64) >= 3,
         "grade III-IV aGVHD", "grade II-IV"),
        ("cgvhd_mod_severe", "cgvhd", SEVERITY,
         sev.isin(SEVERITIES[2:]).to_numpy(dtype=bool), "moderate/severe cGVHD", "any cGVHD"),
    ):  # fmt: skip
        first, own = out[f"{onset}_day"].to_numpy(), out[f"{event}_day"].to_numpy()
        if event in present:
            graded = field in present  # without the grade column the date says III-IV itself
            _check_grade_onset(
                out, ctx, lab, (event, onset, field, what, where_empty), high | ~graded
            )
            fill = np.isnan(own) & ~np.isnan(first) & high
            ctx.warn(
                fill,
                event,
                lambda i, e=event, f=field, w=where_empty, d=first: (
                    f"{ctx.col(f)} is {_shown(out[f].iloc[i])} but {lab[e]} is empty: timed at "
                    f"the onset of {w} (day {d[i]:g})"
                ),
            )
        else:
            fill = ~np.isnan(first) & high
            if fill.any():
                ctx.warnings.append(
                    ValidationWarning(
                        ctx.source,
                        None,
                        f"{event}_date",
                        f"no {event}_date/{event}_day column: {what} is timed at the onset of "
                        f"{where_empty} ({lab[onset]}), not at the first day it was reached",
                    )
                )
        out[f"{event}_day"] = np.where(fill, first, own)


def _check_grade_onset(
    out: pd.DataFrame,
    ctx: Problems,
    lab: dict[str, str],
    names: tuple[str, str, str, str, str],
    high: np.ndarray,
) -> None:
    """Errors of one grade-specific onset column (see :func:`check_gvhd_grades`)."""
    event, onset, field, what, where_empty = names
    own, first = out[f"{event}_day"].to_numpy(), out[f"{onset}_day"].to_numpy()
    lc, death = out["last_contact_day"].to_numpy(), out["death_day"].to_numpy()
    given = ~np.isnan(own)
    ctx.error(own < 0, lambda i: f"{lab[event]} is day {own[i]:g}, before the transplant (day 0)")
    ctx.error(
        (own > death) | ((own > lc) & ~(own > death)),
        lambda i: (
            f"{lab[event]} (day {own[i]:g}) is after "
            f"{lab['death'] if own[i] > death[i] else lab['last_contact']} "
            f"(day {death[i] if own[i] > death[i] else lc[i]:g})"
        ),
    )
    ctx.error(
        given & np.isnan(first),
        lambda i: (
            f"{lab[event]} is given (day {own[i]:g}) but {lab[onset]} is empty: {what} "
            f"needs the onset of {where_empty}"
        ),
    )
    ctx.error(
        own < first,
        lambda i: (
            f"{lab[event]} (day {own[i]:g}) is before {lab[onset]} (day {first[i]:g}): "
            f"{what} cannot start before {where_empty}"
        ),
    )
    values = out[field]
    ctx.error(
        given & ~high,
        lambda i: (
            f"{lab[event]} is given (day {own[i]:g}) but {ctx.col(field)} is "
            f"{'empty' if pd.isna(values.iloc[i]) else _shown(values.iloc[i])}: "
            f"the date is the first day of {what}"
        ),
    )


def _shown(value: object) -> str:
    """A grade as the user wrote it (4, not 4.0); a severity quoted."""
    return f"{value:g}" if isinstance(value, float) else repr(value)
