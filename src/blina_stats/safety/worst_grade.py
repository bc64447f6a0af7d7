"""Worst grade per treated patient: the worst-grade table, CRS, ICANS and the toxicity outcome.

Patients are counted once, at their worst grade, among the treated patients,
in a window of :mod:`blina_stats.safety.adverse_events` (whose event selection
and Clopper-Pearson proportions these tables share).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import Cohort
from .adverse_events import (
    AEInput,
    TermsInput,
    Window,
    normalised,
    proportion_table,
    select_events,
    with_caption,
)
from .outcomes import enrollment_order, evaluable, monitoring_window
from .protocol import Protocol

#: terms counted as cytokine release syndrome (CTCAE v5 / ASTCT 2019 grading)
CRS_TERMS: tuple[str, ...] = ("Cytokine release syndrome",)
#: terms counted as immune effector cell-associated neurotoxicity (ASTCT 2019 grading);
#: CTCAE v5 has no ICANS term, so sites also code it as encephalopathy or neurotoxicity
ICANS_TERMS: tuple[str, ...] = (
    "Immune effector cell-associated neurotoxicity syndrome",
    "ICANS",
    "Neurotoxicity",
    "Encephalopathy",
)


def worst_grade_by_patient(
    ae: AEInput,
    cohort: Cohort,
    window: Window = "transplant",
    *,
    terms: tuple[str, ...] | None = None,
    include_hematologic: bool = False,
    hematologic_terms: TermsInput = None,
    protocol: Protocol | None = None,
) -> pd.Series:
    """Worst CTCAE grade per treated patient in the window (0: no event), in table order.

    `terms`, when given, restricts to those terms (matched ignoring case).

    Raises
    ------
    blina_stats.InputError
        The cohort has no first dose for any patient.
    """
    worst, _ = _worst(ae, cohort, window, terms, include_hematologic, hematologic_terms, protocol)
    return worst


def _worst(
    ae: AEInput,
    cohort: Cohort,
    window: Window,
    terms: tuple[str, ...] | None,
    include_hematologic: bool,
    hematologic_terms: TermsInput,
    protocol: Protocol | None,
) -> tuple[pd.Series, list[str]]:
    """Worst grade per treated patient, and the caption parts of the selection."""
    events, treated, caption = select_events(
        ae, cohort, window, 1, include_hematologic, hematologic_terms, protocol
    )
    if terms is not None:
        events = events.loc[normalised(events["term"]).isin({t.strip().casefold() for t in terms})]
    worst = events.groupby("patient_id")["grade"].max()
    return worst.reindex(treated, fill_value=0).astype(np.int64).rename("worst_grade"), caption


def worst_grade_table(
    ae: AEInput,
    cohort: Cohort,
    window: Window = "transplant",
    *,
    terms: tuple[str, ...] | None = None,
    include_hematologic: bool = False,
    hematologic_terms: TermsInput = None,
    protocol: Protocol | None = None,
    conf_level: float = 0.95,
    name: str | None = None,
) -> pd.DataFrame:
    """Treated patients by their worst grade: none, 1-5, then any grade and grade >= 3.

    Returns
    -------
    DataFrame
        Columns ``grade`` (``"None"``, ``"Grade 1"`` ... ``"Grade 5"``,
        ``"Any grade"``, ``"Grade >= 3"``), ``n_patients``, ``n_treated``,
        ``percent``, ``ci_lower``, ``ci_upper``; ``attrs["caption"]``.
    """
    by_patient, selection = _worst(
        ae, cohort, window, terms, include_hematologic, hematologic_terms, protocol
    )
    worst = by_patient.to_numpy()
    labels = ["None", *(f"Grade {g}" for g in range(1, 6)), "Any grade", "Grade >= 3"]
    counts = [*(int((worst == g).sum()) for g in range(6)), int((worst >= 1).sum())]
    counts.append(int((worst >= 3).sum()))
    table = proportion_table("grade", pd.Series(labels), counts, len(worst), conf_level)
    kind = name or ("Adverse events" if include_hematologic else "Non-hematologic adverse events")
    # the window, the treated and the events not counted, as in adverse_event_table
    caption = [f"{kind}: worst grade per patient", *selection[1:]]
    return with_caption(table, caption, conf_level)


def crs_table(
    ae: AEInput,
    cohort: Cohort,
    window: Window = "all",
    *,
    terms: tuple[str, ...] = CRS_TERMS,
    protocol: Protocol | None = None,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Cytokine release syndrome: treated patients by worst grade (:func:`worst_grade_table`).

    The default window is the whole treatment period (``"all"``), since CRS
    can follow any course; pass ``window="transplant"`` for the day +100 view.

    References
    ----------
    Lee, D. W. et al. (2019). ASTCT consensus grading for cytokine release
    syndrome and neurologic toxicity associated with immune effector cells.
    Biol Blood Marrow Transplant 25:625-638.
    """
    return worst_grade_table(
        ae,
        cohort,
        window,
        terms=terms,
        protocol=protocol,
        conf_level=conf_level,
        name="Cytokine release syndrome",
    )


def icans_table(
    ae: AEInput,
    cohort: Cohort,
    window: Window = "all",
    *,
    terms: tuple[str, ...] = ICANS_TERMS,
    protocol: Protocol | None = None,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Neurotoxicity (ICANS): treated patients by worst grade, over `terms` (:data:`ICANS_TERMS`).

    References
    ----------
    Lee, D. W. et al. (2019). Biol Blood Marrow Transplant 25:625-638.
    """
    return worst_grade_table(
        ae,
        cohort,
        window,
        terms=terms,
        protocol=protocol,
        conf_level=conf_level,
        name="Neurotoxicity (ICANS)",
    )


def toxicity_outcomes(
    ae: AEInput,
    cohort: Cohort,
    window: Window = "first_dose",
    grade_min: int = 3,
    *,
    hematologic_terms: TermsInput = None,
    protocol: Protocol | None = None,
) -> pd.Series:
    """Per treated patient: a non-hematologic event of grade >= `grade_min` in the window.

    The window counts from the first dose to 100 days after it by default
    (``"first_dose"``, the window of the NRM monitoring); ``"transplant"``
    (from the first dose to day +100 after transplant: 10-40 days, the first
    course only) and ``"all"`` stay available.

    Nullable boolean Series indexed by patient in enrollment order
    (:func:`~blina_stats.safety.outcomes.enrollment_order`): ``<NA>`` when
    not yet evaluable (alive, no such event and last contact before the
    window ends; a death in the window without the event is a known "no",
    :func:`~blina_stats.safety.outcomes.evaluable`); ``attrs["window"]`` states the window
    (:func:`~blina_stats.safety.outcomes.monitoring_window`).  The outcome
    that :func:`~blina_stats.safety.monitoring.monitor` follows.
    """

    worst = worst_grade_by_patient(
        ae, cohort, window, hematologic_terms=hematologic_terms, protocol=protocol
    )
    order = enrollment_order(cohort)
    f = cohort.frame.set_index("patient_id").loc[order]
    days = (protocol or Protocol()).ae_window_days
    end = {"transplant": np.full(len(f), float(days))}.get(
        window, f["enrollment_day"].to_numpy(dtype=np.float64) + days
    )
    if window == "all":
        end = np.full(len(f), -np.inf)
    hit = worst.reindex(order).to_numpy() >= grade_min
    known = evaluable(f, hit, end)
    out = pd.Series(hit, index=order, dtype="boolean", name="toxicity")
    out[~known] = pd.NA
    out.attrs["window"] = monitoring_window(days, window)
    return out
