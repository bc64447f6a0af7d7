"""What the simulated trial assumes: survival models, the trial's conduct and its analysis.

Times are in days from transplant.  Patients enter 60-90 days after
transplant (left truncation: only patients progression-free at enrolment are
enrolled), so the 2-year PFS the analysis estimates is the conditional
``S(landmark) / S(entry start)``; the ``from_landmark`` constructors calibrate
to that quantity (``given`` = the start of the entry window).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq, minimize_scalar

from .._constants import DAYS_PER_YEAR, TWO_YEARS
from ._checks import alpha_one_sided, probability, time_value

FloatArray = npt.NDArray[np.float64]


class SurvivalModel(Protocol):
    """A progression-free survival distribution (time from transplant, days)."""

    def survival(self, t: FloatArray) -> FloatArray:
        """S(t)."""
        ...

    def inverse_survival(self, p: FloatArray) -> FloatArray:
        """The time where S equals `p` (inf below a cure plateau)."""
        ...

    def cumhaz(self, t: FloatArray) -> FloatArray:
        """-log S(t)."""
        ...


@dataclass(frozen=True)
class Exponential:
    """Constant hazard `rate` per day."""

    rate: float

    @classmethod
    def from_landmark(
        cls, s: float, landmark: float = TWO_YEARS, given: float = 0.0
    ) -> Exponential:
        """Hazard making ``S(landmark) / S(given) = s``."""
        return cls(-math.log(probability("s", s)) / (landmark - given))

    def survival(self, t: FloatArray) -> FloatArray:
        return np.exp(-self.rate * np.asarray(t, dtype=np.float64))

    def inverse_survival(self, p: FloatArray) -> FloatArray:
        return np.asarray(-np.log(p) / self.rate, dtype=np.float64)

    def cumhaz(self, t: FloatArray) -> FloatArray:
        return np.asarray(self.rate * np.asarray(t, dtype=np.float64), dtype=np.float64)


@dataclass(frozen=True)
class Weibull:
    """``S(t) = exp(-(t / scale) ** shape)``."""

    scale: float
    shape: float

    @classmethod
    def from_landmark(
        cls, s: float, shape: float, landmark: float = TWO_YEARS, given: float = 0.0
    ) -> Weibull:
        """Scale making ``S(landmark) / S(given) = s`` for the given shape."""
        h = -math.log(probability("s", s))
        return cls(((landmark**shape - given**shape) / h) ** (1.0 / shape), shape)

    def survival(self, t: FloatArray) -> FloatArray:
        return np.exp(-self.cumhaz(t))

    def inverse_survival(self, p: FloatArray) -> FloatArray:
        return np.asarray(self.scale * (-np.log(p)) ** (1.0 / self.shape), dtype=np.float64)

    def cumhaz(self, t: FloatArray) -> FloatArray:
        return np.asarray((np.asarray(t, dtype=np.float64) / self.scale) ** self.shape)


@dataclass(frozen=True)
class PiecewiseExponential:
    """Hazard ``rates[j]`` on ``[breaks[j-1], breaks[j])`` (``breaks`` start after 0)."""

    breaks: tuple[float, ...]
    rates: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.rates) != len(self.breaks) + 1:
            raise ValueError(
                f"`rates` needs one more value than `breaks`: got {len(self.rates)} rates "
                f"for {len(self.breaks)} breaks"
            )

    def _knots(self) -> tuple[FloatArray, FloatArray]:
        b = np.concatenate(([0.0], np.asarray(self.breaks, dtype=np.float64)))
        h = np.concatenate(([0.0], np.cumsum(np.diff(b) * np.asarray(self.rates[:-1]))))
        return b, h

    def cumhaz(self, t: FloatArray) -> FloatArray:
        t = np.asarray(t, dtype=np.float64)
        b, h = self._knots()
        j = np.searchsorted(b, t, side="right") - 1
        return np.asarray(h[j] + np.asarray(self.rates)[j] * (t - b[j]), dtype=np.float64)

    def survival(self, t: FloatArray) -> FloatArray:
        return np.exp(-self.cumhaz(t))

    def inverse_survival(self, p: FloatArray) -> FloatArray:
        target = -np.log(np.asarray(p, dtype=np.float64))
        b, h = self._knots()
        j = np.searchsorted(h, target, side="right") - 1
        rates = np.asarray(self.rates)[j]
        with np.errstate(divide="ignore"):
            return np.asarray(b[j] + (target - h[j]) / rates, dtype=np.float64)


@dataclass(frozen=True)
class CureMixture:
    """``S(t) = cure + (1 - cure) S_latent(t)``: a plateau of patients never progressing."""

    cure: float
    latent: Exponential | Weibull | PiecewiseExponential

    @classmethod
    def from_landmark(
        cls, s: float, cure: float, landmark: float = TWO_YEARS, given: float = 0.0
    ) -> CureMixture:
        """Exponential latent hazard giving ``S(landmark) / S(given) = s`` with this cure."""
        s = probability("s", s)
        c = 0.0 if cure == 0 else probability("cure", cure)
        if c >= s:
            raise ValueError(f"`cure` ({cure!r}) must be below the landmark survival `s` ({s!r})")

        def gap(log_rate: float) -> float:
            m = cls(c, Exponential(math.exp(log_rate)))
            ratio = m.survival(np.array([landmark, given]))
            return float(ratio[0] / ratio[1] - s)

        # With given > 0 the conditional survival returns to 1 for very high
        # latent hazards (only the cured reach `given`): solve on the branch
        # of hazards below the one minimising it.
        low = minimize_scalar(gap, bounds=(-30.0, 5.0), method="bounded", options={"xatol": 1e-10})
        if low.fun > 0:
            raise ValueError(
                f"no exponential latent hazard gives a conditional survival of {s!r} with "
                f"cure fraction {cure!r} (lowest reachable {low.fun + s:.4f})"
            )
        return cls(c, Exponential(math.exp(brentq(gap, -30.0, float(low.x), xtol=1e-14))))

    def survival(self, t: FloatArray) -> FloatArray:
        return self.cure + (1.0 - self.cure) * self.latent.survival(t)

    def inverse_survival(self, p: FloatArray) -> FloatArray:
        p = np.asarray(p, dtype=np.float64)
        q = (p - self.cure) / (1.0 - self.cure)
        cured = q <= 0
        out = self.latent.inverse_survival(np.where(cured, 0.5, q))
        return np.where(cured, np.inf, out)

    def cumhaz(self, t: FloatArray) -> FloatArray:
        return np.asarray(-np.log(self.survival(t)), dtype=np.float64)


Model = Exponential | Weibull | PiecewiseExponential | CureMixture


@dataclass(frozen=True)
class Scenario:
    """How the trial runs, and the truth under H0 and under H1.

    Attributes
    ----------
    null, alternative : survival model
        PFS from transplant under H0 (for the type I error) and under H1 (power).
    accrual : float
        Days of staggered, uniform accrual.
    followup : float
        Days from the last enrolment to the analysis date.
    entry : (float, float)
        Enrolment window after transplant, uniform (``(0, 0)``: no delayed entry).
    dropout : float
        Probability of loss to follow-up within the landmark window (exponential
        hazard from enrolment), in [0, 1).
    name : str
        A label for tables.
    """

    null: Model
    alternative: Model
    accrual: float = 3 * DAYS_PER_YEAR
    followup: float = 2 * DAYS_PER_YEAR
    entry: tuple[float, float] = (60.0, 90.0)
    dropout: float = 0.0
    name: str = ""

    def __post_init__(self) -> None:
        time_value("accrual", self.accrual)
        time_value("followup", self.followup)
        lo, hi = (time_value("entry", e) for e in self.entry)
        if hi < lo:
            raise ValueError(f"`entry` must be (earliest, latest), got {self.entry!r}")
        if self.dropout != 0:
            probability("dropout", self.dropout)

    def censoring(
        self,
        entry: npt.NDArray[np.float64],
        admin_end: npt.NDArray[np.float64],
        landmark: float,
        rng: np.random.Generator,
    ) -> npt.NDArray[np.float64]:
        """Each patient's censoring time: the analysis date, or loss to follow-up first.

        The loss hazard from enrolment (`entry`, days since transplant) makes
        `dropout` the probability of loss within the window to `landmark`;
        without dropout `admin_end` itself, and nothing is drawn.
        """
        if self.dropout <= 0:
            return admin_end
        window = max(landmark - 0.5 * (self.entry[0] + self.entry[1]), 1.0)
        rate = -math.log1p(-self.dropout) / window
        return np.minimum(admin_end, entry + rng.exponential(1.0 / rate, size=entry.shape))


@dataclass(frozen=True)
class Analysis:
    """The analysis each simulated trial gets, as the real one will.

    Attributes
    ----------
    s0 : float
        Null 2-year PFS (conditional on being progression-free at the start of
        the entry window).
    landmark : float
        Days from transplant (730.5: 2 years).
    alpha : float
        **One-sided** significance level of every test.
    null_model : survival model or None
        The historical distribution of the one-sample log-rank test; None:
        exponential through `s0` at the landmark.
    """

    s0: float
    landmark: float = 2 * DAYS_PER_YEAR
    alpha: float = 0.05
    null_model: Model | None = None

    def __post_init__(self) -> None:
        probability("s0", self.s0)
        time_value("landmark", self.landmark, positive=True)
        alpha_one_sided(self.alpha)
