"""The result of every single-stage design calculation."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class DesignResult:
    """Sample size and power of a one-sided single-arm test.

    Attributes
    ----------
    method : str
        The test and the formula, e.g. ``"exact binomial (A'Hern 2001)"``.
    n : int
        Patients: the smallest meeting `target_power` when solved for, else as given.
    power : float
        Power at `n` under the alternative.
    alpha : float
        Nominal **one-sided** significance level.
    attained_alpha : float
        Exact size under the null at `n` for exact tests; NaN for asymptotic ones
        (whose size is `alpha` only approximately).
    target_power : float or None
        The power asked for (None when only `n` was given).
    solved_for : {"n", "power"}
        Which quantity was computed.
    critical_value : float
        The normal quantile ``z_{1-alpha}`` of an asymptotic test; NaN for the
        exact binomial, whose cut-off is the integer `r`.
    r : int or None
        Exact binomial only (A'Hern 2001): reject H0 when **at least** `r` of
        the `n` patients succeed (are progression-free at the landmark).  Simon's
        two-stage `r` (:class:`~blina_stats.design.simon.SimonDesign`) counts
        differently: reject when **more than** `r` succeed.  None for
        asymptotic tests.
    parameters : dict
        Hypotheses and design assumptions, as given.
    details : dict
        Intermediate quantities (asymptotic variances, effect size).
    reference : str
        Where the formula comes from.
    """

    method: str
    n: int
    power: float
    alpha: float
    attained_alpha: float
    target_power: float | None
    solved_for: str
    critical_value: float
    r: int | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    details: dict[str, float] = field(default_factory=dict, repr=False)
    reference: str = field(default="", repr=False)

    @property
    def meets_target(self) -> bool | None:
        """Whether `power` reaches `target_power` (None without a target)."""
        return None if self.target_power is None else self.power >= self.target_power

    def to_dict(self) -> dict[str, Any]:
        """Plain types only (JSON-ready); NaN becomes None."""
        out = asdict(self)
        out["alpha_sides"] = "one-sided"
        out["meets_target"] = self.meets_target
        return {k: _json_safe(v) for k, v in out.items()}

    def to_frame(self) -> pd.DataFrame:
        """One row: method, n, power, one-sided alpha, attained alpha, parameters."""
        row = {
            "method": self.method,
            "n": self.n,
            "power": self.power,
            "alpha (one-sided)": self.alpha,
            "attained alpha": self.attained_alpha,
            "critical value": self.critical_value,
            "r (reject if >= r)": self.r,
            "target power": self.target_power,
            **self.parameters,
        }
        return pd.DataFrame([row])

    def __str__(self) -> str:
        size = "" if math.isnan(self.attained_alpha) else f" (attained {self.attained_alpha:.4f})"
        return (
            f"{self.method}: n = {self.n}, power = {self.power:.3f} at one-sided "
            f"alpha = {self.alpha:g}{size}"
        )

    def _repr_html_(self) -> str:
        return f"<p><b>{self}</b></p>" + self.to_frame().to_html(index=False)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value
