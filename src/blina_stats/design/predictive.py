"""Predictive probability monitoring of the binary 2-year PFS (Lee & Liu 2008), exact.

At an interim with ``x`` successes among ``n`` patients the predictive
probability of trial success is

.. math::

    PP = \\sum_{y=0}^{m} P(Y = y \\mid x)\\, I\\{P(p > p_0 \\mid x + y, N) > \\theta_T\\},

``Y`` the successes among the ``m = N - n`` patients still to come, beta-
binomial under the posterior.  Stop for futility when ``PP < theta_L``, for
efficacy when ``PP > theta_U`` (``theta_U = 1``: never); at ``N`` reject H0
when ``P(p > p0 | data) > theta_T``.  The operating characteristics come
from the exact distribution of the successes among patients not stopped,
carried from look to look (no simulation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import betabinom, binom

from .._constants import TWO_YEARS
from ._checks import probability
from .bayes import _prior, final_cutoff, looks_of, posterior_probability

if TYPE_CHECKING:
    from ..data import Cohort

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PredictiveDesign:
    """A Lee & Liu (2008) predictive probability design and its exact operating characteristics.

    Attributes
    ----------
    p0, p1 : float
        Null and alternative 2-year PFS.
    n_max : int
    prior : (float, float)
    theta_t, theta_l, theta_u : float
        Final posterior threshold; futility and efficacy predictive thresholds.
    looks : ndarray of int
        Interim sample sizes.
    final_r : int
        Reject H0 at ``n_max`` when at least `final_r` succeed.
    boundaries : DataFrame
        Per look: ``n``, ``stop_futility_at_most`` (stop when successes
        <= it; ``<NA>``: never), ``stop_efficacy_at_least`` (``<NA>``: never).
    type_i_error, power : float
        P(declare efficacy) under `p0` and under `p1`.
    pet_null, pet_alternative : float
        Probability of early termination (either reason) under `p0` / `p1`.
    expected_n_null, expected_n_alternative : float
        Expected sample size.
    """

    p0: float
    p1: float
    n_max: int
    prior: tuple[float, float]
    theta_t: float
    theta_l: float
    theta_u: float
    looks: npt.NDArray[np.int64] = field(repr=False)
    final_r: int
    boundaries: pd.DataFrame = field(repr=False)
    type_i_error: float
    power: float
    pet_null: float
    pet_alternative: float
    expected_n_null: float
    expected_n_alternative: float

    def predictive(self, successes: int, n: int) -> float:
        """The predictive probability of success at ``n`` patients with `successes`."""
        return float(_pp(np.array([successes]), n, self.n_max, self.final_r, self.prior)[0])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        keys = ("p0", "p1", "n_max", "theta_t", "theta_l", "theta_u", "final_r")
        out: dict[str, Any] = {k: getattr(self, k) for k in keys}
        out.update(
            prior=list(self.prior),
            looks=[int(v) for v in self.looks],
            type_i_error=self.type_i_error,
            power=self.power,
            pet_null=self.pet_null,
            pet_alternative=self.pet_alternative,
            expected_n_null=self.expected_n_null,
            expected_n_alternative=self.expected_n_alternative,
        )
        return out

    def describe(self) -> str:
        a, b = self.prior
        return (
            f"Predictive probability design (Lee & Liu 2008): p0 {self.p0:g} vs p1 {self.p1:g}, "
            f"N = {self.n_max}, prior Beta({a:g}, {b:g}); reject H0 at N when at least "
            f"{self.final_r} of {self.n_max} are progression-free at 2 years "
            f"(P(p > p0) > {self.theta_t:g}); stop for futility when PP < {self.theta_l:g}"
            + (f", for efficacy when PP > {self.theta_u:g}" if self.theta_u < 1 else "")
            + f". Type I error {self.type_i_error:.4f}, power {self.power:.4f}, "
            f"PET under H0 {self.pet_null:.3f}, E[N] under H0 {self.expected_n_null:.1f}."
        )


def _pp(x: np.ndarray, n: int, n_max: int, final_r: int, prior: tuple[float, float]) -> FloatArray:
    """Predictive probability of ending with at least `final_r` successes, for each `x`."""
    a, b = prior
    m = n_max - n
    need = final_r - x  # successes still needed among the m to come
    return np.asarray(betabinom.sf(need - 1, m, a + x, b + n - x), dtype=np.float64)


def predictive_design(
    p0: float,
    p1: float,
    n_max: int = 68,
    *,
    interims: Sequence[int] | None = None,
    theta_t: float = 0.95,
    theta_l: float = 0.05,
    theta_u: float = 1.0,
    prior: tuple[float, float] | None = None,
) -> PredictiveDesign:
    """Lee & Liu (2008) predictive probability design and its exact operating characteristics.

    Parameters
    ----------
    p0, p1 : float
        Null and alternative 2-year PFS (``p1 > p0``).
    n_max : int
        Maximum sample size (68).
    interims : sequence of int, optional
        Patients with known 2-year status at each interim (default every 10).
    theta_t : float
        Final threshold: declare efficacy when ``P(p > p0 | data) > theta_t``.
    theta_l, theta_u : float
        Futility (``PP < theta_l``) and efficacy (``PP > theta_u``) thresholds.
    prior : (float, float), optional
        Beta prior; default ``(p0, 1 - p0)`` (mean at the null, worth one patient).

    Returns
    -------
    PredictiveDesign

    References
    ----------
    Lee, J. J. and Liu, D. D. (2008). A predictive probability design for phase
    II cancer clinical trials. Clinical Trials 5:93-106.

    Examples
    --------
    >>> from blina_stats.design import predictive_design
    >>> d = predictive_design(0.40, 0.60, 68, interims=[20, 40])
    >>> d.final_r
    34
    """
    p0, p1 = probability("p0", p0), probability("p1", p1)
    if not p1 > p0:
        raise ValueError(f"`p1` ({p1!r}) must exceed `p0` ({p0!r}): higher PFS is better")
    if int(n_max) != n_max or n_max < 2:
        raise ValueError(f"`n_max` must be an integer of at least 2, got {n_max!r}")
    for name, v in (("theta_t", theta_t), ("theta_l", theta_l)):
        if not 0 < v < 1:
            raise ValueError(f"`{name}` must be in (0, 1), got {v!r}")
    if not theta_l < theta_u <= 1:
        raise ValueError(f"`theta_u` must be in (theta_l, 1], got {theta_u!r}")
    n_max = int(n_max)
    pr = _prior(prior if prior is not None else (p0, 1.0 - p0))
    looks = looks_of(interims, n_max)
    r = final_cutoff(p0, n_max, theta_t, pr)
    fut, eff = [], []
    for n in looks:
        pp = _pp(np.arange(n + 1), int(n), n_max, r, pr)
        f, e = np.flatnonzero(pp < theta_l), np.flatnonzero(pp > theta_u)
        fut.append(int(f.max()) if f.size else -1)
        eff.append(int(e.min()) if e.size else int(n) + 1)
    bounds = pd.DataFrame(
        {
            "n": looks,
            "stop_futility_at_most": pd.array([v if v >= 0 else None for v in fut], "Int64"),
            "stop_efficacy_at_least": pd.array(
                [v if v <= n else None for v, n in zip(eff, looks, strict=True)], "Int64"
            ),
        }
    )
    oc = {p: _operating(p, looks, fut, eff, r, n_max) for p in (p0, p1)}
    return PredictiveDesign(
        p0=p0,
        p1=p1,
        n_max=n_max,
        prior=pr,
        theta_t=float(theta_t),
        theta_l=float(theta_l),
        theta_u=float(theta_u),
        looks=looks,
        final_r=r,
        boundaries=bounds,
        type_i_error=oc[p0][0],
        power=oc[p1][0],
        pet_null=oc[p0][1],
        pet_alternative=oc[p1][1],
        expected_n_null=oc[p0][2],
        expected_n_alternative=oc[p1][2],
    )


def _operating(
    p: float, looks: np.ndarray, fut: list[int], eff: list[int], r: int, n_max: int
) -> tuple[float, float, float]:
    """P(declare efficacy), P(early stop), E[N] under the true rate `p`, exactly."""
    alive = np.array([1.0])  # P(x successes so far and not stopped), x = 0..n
    n_prev, reject, stop, en = 0, 0.0, 0.0, 0.0
    for n, f, e in zip(looks, fut, eff, strict=True):
        alive = np.convolve(alive, binom.pmf(np.arange(n - n_prev + 1), n - n_prev, p))
        x = np.arange(n + 1)
        lo, hi = alive[x <= f].sum(), alive[x >= e].sum()
        reject += hi
        stop += lo + hi
        en += (lo + hi) * n
        alive = np.where((x <= f) | (x >= e), 0.0, alive)
        n_prev = int(n)
    alive = np.convolve(alive, binom.pmf(np.arange(n_max - n_prev + 1), n_max - n_prev, p))
    reject += alive[r:].sum()
    en += (1.0 - stop) * n_max
    return float(reject), float(stop), float(en)


def binary_status(
    cohort: Cohort, *, horizon: float = TWO_YEARS, endpoint: str = "pfs"
) -> pd.Series:
    """Each patient's 2-year status from a cohort: True progression-free, False failed, NA unknown.

    From transplant with delayed entry at enrolment (the trial's estimand):
    failed when the event is at or before `horizon`; progression-free when
    followed beyond it without the event; unknown when censored before it.
    """
    from ..endpoints.derive import derive

    data = derive(cohort, endpoint)
    event = (data.status == 1) & (data.time <= horizon)
    known_ok = data.time >= horizon
    status = pd.array(np.where(event, False, True), dtype="boolean")
    status[~event & ~known_ok] = pd.NA
    return pd.Series(status, index=pd.Index(data.patient_id, name="patient_id"), name="pfs_2y")


def predictive_probability(
    cohort: Cohort,
    design: PredictiveDesign,
    *,
    horizon: float = TWO_YEARS,
) -> dict[str, Any]:
    """The design applied to the trial's data at its cut-off.

    Patients whose 2-year status is known count as ``x`` of ``n``; the
    others (and those not yet enrolled, up to ``design.n_max``) are the
    ``N - n`` still to come.

    Returns
    -------
    dict
        ``n_known``, ``successes``, ``n_unknown``, ``posterior_probability``
        (``P(p > p0 | x, n)``), ``predictive_probability``, ``decision``
        (``"stop for futility"``, ``"stop for efficacy"``, ``"continue"``, or
        at ``n_max`` ``"reject H0"`` / ``"do not reject H0"``).
    """
    status = binary_status(cohort, horizon=horizon)
    known = status.dropna()
    n, x = int(known.size), int(known.sum())
    if n > design.n_max:
        raise ValueError(f"{n} patients with known status but the design has n_max={design.n_max}")
    post = posterior_probability(x, n, design.p0, design.prior)
    pp = design.predictive(x, n) if n < design.n_max else float(x >= design.final_r)
    if n == design.n_max:
        decision = "reject H0" if x >= design.final_r else "do not reject H0"
    elif pp < design.theta_l:
        decision = "stop for futility"
    elif pp > design.theta_u:
        decision = "stop for efficacy"
    else:
        decision = "continue"
    return {
        "n_known": n,
        "successes": x,
        "n_unknown": int(status.isna().sum()),
        "posterior_probability": post,
        "predictive_probability": pp,
        "decision": decision,
    }
