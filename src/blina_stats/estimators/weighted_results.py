"""Frozen results of the weighted estimators, built from `weighted`'s arrays.

The result class is passed in by `kaplan_meier` / `cumulative_incidence`
(the modules that define it), so that nothing here imports them back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt

from ._steps import RiskTable
from .weighted import Subjects, WeightedCounts, weighted_incidence, weighted_survival

if TYPE_CHECKING:
    from .aalen_johansen import CumulativeIncidenceResult
    from .kaplan_meier import KaplanMeierResult
    from .rmst import RestrictedMean

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
R = TypeVar("R", "KaplanMeierResult", "CumulativeIncidenceResult")


class WeightedCurve:
    """The weighted counts of a Kaplan-Meier or incidence result (its numbers when unweighted)."""

    n_at_risk: IntArray
    n_events: IntArray
    _weighted: WeightedCounts | None

    @property
    def weighted_n_at_risk(self) -> FloatArray:
        """Sum of the weights at risk at each time (`n_at_risk` when unweighted)."""
        w = self._weighted
        return self.n_at_risk.astype(np.float64) if w is None else w.n_at_risk

    @property
    def weighted_n_events(self) -> FloatArray:
        """Sum of the weights of the events at each time, the shape of `n_events`."""
        w = self._weighted
        if w is None:
            return self.n_events.astype(np.float64)
        return w.n_events.reshape(self.n_events.shape)


class WeightedSurvival(WeightedCurve):
    """A Kaplan-Meier result's weighted counts and restricted mean."""

    def rmst(self, tau: float) -> RestrictedMean:
        """Restricted mean survival time up to `tau`, with se and interval (`rmst.rmst`)."""
        from .rmst import rmst

        return rmst(self, tau)  # type: ignore[arg-type]


class WeightedIncidence(WeightedCurve):
    """An incidence result's weighted counts and restricted mean time lost."""

    def rmtl(self, tau: float, cause: int = 1) -> RestrictedMean:
        """Restricted mean time lost to `cause` before `tau`, with its se (`rmst.rmtl`)."""
        from .rmst import rmtl

        return rmtl(self, tau, cause)  # type: ignore[arg-type]


def weighted_result(
    cls: type[R],
    table: RiskTable,
    subjects: Subjects,
    causes: IntArray | None,
    conf_type: str,
    conf_level: float,
    asked: str = "aalen",
    reverse: bool = False,
) -> R:
    """The weighted Kaplan-Meier (`causes` None) or Aalen-Johansen result, robust variance.

    The counts (`n_at_risk`, `n_events`, `n_censored`) stay numbers of
    patients; the weighted ones are kept for `weighted_n_at_risk`.  An
    incidence variance `asked` other than the default is refused: weighted data get
    the robust one only.
    """
    if asked != "aalen":
        raise ValueError(
            f"`variance={asked!r}` is not available with `weights`: a weighted "
            "incidence reports the robust (infinitesimal jackknife) variance"
        )
    common: dict[str, Any] = {
        "time": table.time,
        "n_at_risk": table.n_at_risk,
        "n_censored": table.n_censored,
        "conf_type": conf_type,
        "conf_level": float(conf_level),
        "variance_method": "robust",
        "n_patients": int(subjects.time.size),
        "_table": table,
        "_subjects": subjects,
    }
    if causes is None:
        counts, estimate, variance = weighted_survival(table, subjects)
        extra: dict[str, Any] = {"n_events": table.n_events[:, 0].copy(), "reverse": reverse}
    else:
        counts, surv, estimate, variance = weighted_incidence(table, subjects, int(causes.size))
        extra = {
            "n_events": table.n_events,
            "causes": tuple(int(c) for c in causes),
            "survival": surv,
        }
    return cls(
        estimate=estimate,
        variance=variance,
        _weighted=counts,
        **common,
        **extra,
    )
