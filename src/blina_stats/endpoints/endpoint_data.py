"""The derived endpoint: per-patient arrays, exclusions and the estimate (`EndpointData`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..estimators import CumulativeIncidenceResult, KaplanMeierResult
from .definitions import Endpoint
from .labels import horizon_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Exclusions:
    """Why patients are left out of an endpoint, as codes: text only when it is read.

    Attributes
    ----------
    patient_id : ndarray of str
        Every cohort patient, in cohort order.
    code : ndarray of int
        Per patient: 0 used, k > 0 the reason ``reasons[k]``.
    reasons : tuple of str
        The text of each code (``reasons[0]`` is ``""``).
    extra : tuple of (patient_id, reason)
        Patients the cohort left out (after the data cut-off), listed last.
    """

    patient_id: npt.NDArray[np.object_] = field(repr=False)
    code: npt.NDArray[np.int8] = field(repr=False)
    reasons: tuple[str, ...]
    extra: tuple[tuple[str, str], ...] = ()

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """``(patient_id, reason)`` of every patient left out, in cohort order, then `extra`."""
        out = np.flatnonzero(self.code)
        ids = self.patient_id[out].tolist()
        texts = [self.reasons[k] for k in self.code[out].tolist()]
        return tuple(zip(ids, texts, strict=True)) + self.extra

    def counts(self) -> dict[str, int]:
        """Patients left out by reason, in the order the reasons first occur."""
        codes = self.code[self.code != 0]
        found, first, count = np.unique(codes, return_index=True, return_counts=True)
        out: dict[str, int] = {}
        for k in np.argsort(first, kind="stable"):
            reason = self.reasons[int(found[k])]
            out[reason] = out.get(reason, 0) + int(count[k])
        for _, reason in self.extra:
            out[reason] = out.get(reason, 0) + 1
        return out


@dataclass(frozen=True)
class EndpointData:
    """An endpoint derived from a cohort: the arrays handed to the estimator, and its result.

    Attributes
    ----------
    endpoint : Endpoint
        The definition.
    origin : str
        ``"transplant"`` or ``"enrollment"``: day 0 of `time` and `horizon`.
    gvhd_competing : str
        ``"relapse_or_death"`` or ``"death"``.
    horizon : float
        Days from the origin at which the endpoint is reported.
    patient_id : ndarray of str
        The patients used, in cohort order.
    time, status : ndarray
        Follow-up from the origin; status 0 censored, 1 the event, 2 the
        competing event (Aalen-Johansen endpoints only).
    entry : ndarray or None
        Delayed-entry times (enrollment, days since transplant), None without.
    n_patients, n_used : int
        Patients in the cohort, and those used.
    excluded_reasons : Exclusions
        Why each patient is not used, as integer codes (the text is made
        only when `exclusions` or `excluded` is read).
    result : KaplanMeierResult or CumulativeIncidenceResult
    note : str
        Why the horizon says nothing (before any patient entered, no patient
        at risk), or ``""``; :func:`~blina_stats.endpoints.estimate` warns with it.
    recoded, intercurrent, relapse_definition
        Patients recoded by the estimand controls, by kind; the strategy of
        each intercurrent event; the relapse definition (:mod:`.intercurrent`).
    notes : tuple of str
        How the endpoint is timed where the table says less (III-IV at the II onset...).
    """

    endpoint: Endpoint
    origin: str
    gvhd_competing: str
    horizon: float
    patient_id: npt.NDArray[np.object_]
    time: FloatArray
    status: IntArray
    entry: FloatArray | None
    n_patients: int
    n_used: int
    excluded_reasons: Exclusions = field(repr=False)
    result: KaplanMeierResult | CumulativeIncidenceResult = field(repr=False)
    note: str = ""
    recoded: Mapping[str, int] = field(default_factory=dict)
    intercurrent: Mapping[str, str] = field(default_factory=dict)
    relapse_definition: str = "hematologic"
    notes: tuple[str, ...] = ()

    @property
    def definition(self) -> Endpoint:
        """Alias of `endpoint`."""
        return self.endpoint

    @property
    def exclusions(self) -> tuple[tuple[str, str], ...]:
        """Every patient not used, with the reason: ``(patient_id, reason)`` in cohort order.

        Patients the cohort itself left out (enrolled after the data cut-off) come last.
        """
        return self.excluded_reasons.pairs()

    @property
    def n_excluded(self) -> int:
        """Patients not used (``n_patients - n_used``)."""
        return self.n_patients - self.n_used

    @property
    def excluded(self) -> dict[str, int]:
        """Number of patients excluded, by reason (in the order the reasons first occur)."""
        return self.excluded_reasons.counts()

    def at(self, times: npt.ArrayLike) -> pd.DataFrame:
        """The estimate (survival or incidence of the event) at `times` from the origin."""
        if isinstance(self.result, CumulativeIncidenceResult):
            return self.result.at(times, cause=1)
        return self.result.at(times)

    def at_horizon(self) -> dict[str, float | int]:
        """Estimate, se, interval (floats), number at risk and cumulative events (ints) at the
        horizon."""
        frame = self.at([self.horizon])
        # column by column: a row of the frame would turn the counts into floats
        return {
            str(k): int(v[0]) if k in ("n_at_risk", "n_events") else float(v[0])
            for k, v in ((k, frame[k].to_numpy()) for k in frame.columns)
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per cohort patient: used or not (with the reason), time, status, entry."""
        used = pd.DataFrame(
            {
                "patient_id": self.patient_id,
                "used": True,
                "reason": None,
                "time": self.time,
                "status": self.status,
                "entry": np.nan if self.entry is None else self.entry,
            }
        )
        excl = pd.DataFrame(self.exclusions, columns=["patient_id", "reason"], dtype=object)
        excl["used"] = False
        return pd.concat([used, excl], ignore_index=True)[
            ["patient_id", "used", "reason", "time", "status", "entry"]
        ]

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Draw the estimator's curve (delegates to the result's ``.plot``)."""
        return self.result.plot(ax=ax, **kwargs)

    def _repr_html_(self) -> str:
        h = self.at_horizon()
        excl = "; ".join(f"{r}: {n}" for r, n in self.excluded.items()) or "none"
        return (
            f"<p><b>{self.endpoint.label}</b> ({self.endpoint.kind}): "
            f"{h['estimate']:.3f} ({h['ci_lower']:.3f}-{h['ci_upper']:.3f}) at "
            f"{horizon_label(self.horizon, self.origin)}; {self.n_used} of {self.n_patients} "
            "patients used; "
            f"excluded: {excl}</p>"
        )
