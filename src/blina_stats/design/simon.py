"""Simon's two-stage designs (optimal and minimax), for reference beside the single-stage design.

Alpha is **one-sided**.  Stage 1 treats `n1` patients and stops for futility
when at most `r1` succeed; otherwise `n - n1` more are treated and H0 is
rejected when more than `r` of all `n` succeed (the notation of Simon 1989
and of R's ``clinfun::ph2simon``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binom

from ._checks import alpha_one_sided, better, probability


@dataclass(frozen=True)
class SimonDesign:
    """One two-stage design and its operating characteristics.

    Attributes
    ----------
    r1, n1 : int
        Stop after stage 1 when at most `r1` of `n1` succeed.
    r, n : int
        Reject H0 (declare promising) when more than `r` of `n` succeed
        (Simon's notation; the single-stage exact binomial's `r` of
        :func:`~blina_stats.design.binomial.exact_binomial` rejects when at
        least `r` succeed).
    expected_n0 : float
        Expected sample size under p0.
    pet0 : float
        Probability of early termination under p0.
    attained_alpha : float
        Exact probability of rejecting H0 under p0 (**one-sided**).
    power : float
        Exact probability of rejecting H0 under p1.
    """

    r1: int
    n1: int
    r: int
    n: int
    expected_n0: float
    pet0: float
    attained_alpha: float
    power: float


@dataclass(frozen=True)
class SimonResult:
    """Optimal (smallest expected size under p0) and minimax (smallest n) designs.

    Attributes
    ----------
    optimal, minimax : SimonDesign
    p0, p1, alpha, target_power : float
        The hypotheses, the **one-sided** level and the power asked for.
    """

    optimal: SimonDesign
    minimax: SimonDesign
    p0: float
    p1: float
    alpha: float
    target_power: float

    def to_frame(self) -> pd.DataFrame:
        """One row per design."""
        rows = [{"design": k, **asdict(getattr(self, k))} for k in ("optimal", "minimax")]
        return pd.DataFrame(rows).set_index("design")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, alpha marked one-sided."""
        return {**asdict(self), "alpha_sides": "one-sided"}

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>Simon two-stage designs</b>: p0 = {self.p0:g}, p1 = {self.p1:g}, "
            f"one-sided alpha = {self.alpha:g}, power {self.target_power:g}</p>"
        )
        return head + self.to_frame().to_html(float_format=lambda v: f"{v:.4f}")


def simon_two_stage(
    p0: float, p1: float, *, alpha: float = 0.05, power: float = 0.80, n_max: int = 100
) -> SimonResult:
    r"""Simon's optimal and minimax two-stage designs by exhaustive search.

    For every total `n` up to `n_max`, every first stage `n1 < n` and every
    `r1`, the smallest `r >= r1` with one-sided size at most `alpha` is taken
    (it maximises power); designs with power at least `power` are kept.

    Parameters
    ----------
    p0, p1 : float
        Response (here: 2-year progression-free) probability under H0 and H1.
    alpha : float
        **One-sided** significance level.
    power : float
        Required power at `p1`.
    n_max : int
        Largest total sample size searched.

    Returns
    -------
    SimonResult

    Notes
    -----
    With :math:`b_k` the binomial probabilities, the probability of rejecting is

    .. math::

        \sum_{x_1 = r_1 + 1}^{n_1} b(x_1; n_1, p)\, P(X_2 > r - x_1),
        \quad X_2 \sim \mathrm{Bin}(n - n_1, p).

    The search is vectorised over `r1` and `r` for each `(n, n1)`.

    References
    ----------
    Simon, R. (1989). Optimal two-stage designs for phase II clinical trials.
    Controlled Clinical Trials 10:1-10.
    """
    p0, p1 = better(p0, p1)
    a = alpha_one_sided(alpha)
    target = probability("power", power)
    if int(n_max) != n_max or n_max < 2:
        raise ValueError(f"`n_max` must be an integer of at least 2, got {n_max!r}")
    n_max = int(n_max)
    tables = (_tables(n_max, p0), _tables(n_max, p1))
    best_opt: tuple[float, SimonDesign] | None = None
    minimax: SimonDesign | None = None
    for n in range(2, n_max + 1):
        found = _best_for_n(n, tables, a, target)
        if not found:
            continue
        opt_n = min(found, key=lambda d: d.expected_n0)
        if minimax is None:
            minimax = opt_n
        if best_opt is None or opt_n.expected_n0 < best_opt[0]:
            best_opt = (opt_n.expected_n0, opt_n)
    if minimax is None or best_opt is None:
        raise ValueError(f"no two-stage design with n up to n_max={n_max} reaches power {power!r}")
    return SimonResult(
        optimal=best_opt[1], minimax=minimax, p0=p0, p1=p1, alpha=a, target_power=target
    )


def _tables(n_max: int, p: float) -> tuple[np.ndarray, np.ndarray]:
    """Binomial pmf ``[m, k]`` and upper tail ``tail[m, j + 1] = P(X > j)``, j >= -1."""
    m = np.arange(n_max + 1)[:, None]
    k = np.arange(n_max + 2)[None, :]
    pmf = binom.pmf(k[:, :-1], m, p)
    tail = np.concatenate((np.ones((n_max + 1, 1)), binom.sf(k[:, :-1], m, p)), axis=1)
    return pmf, tail


def _best_for_n(
    n: int,
    tables: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    alpha: float,
    target: float,
) -> list[SimonDesign]:
    """Feasible designs with total `n`: for each n1 the one minimising EN under p0."""
    out = []
    ks = np.arange(n + 1)
    for n1 in range(1, n):
        x1 = np.arange(n1 + 1)
        # P(X2 > r - x1) = tail[n - n1, r - x1 + 1], with r - x1 < 0 giving 1
        idx = np.clip(ks[None, :] - x1[:, None] + 1, 0, None)
        rej = []
        for pmf, tail in tables:
            m = pmf[n1, : n1 + 1, None] * tail[n - n1, idx]
            # cum[j, r] = sum over x1 >= j: the rejection probability when r1 = j - 1
            rej.append(np.cumsum(m[::-1], axis=0)[::-1])
        r1s = np.arange(n1)  # r1 = n1 would stop everyone
        size = rej[0][r1s + 1]  # shape (r1, r)
        ok = (size <= alpha) & (ks[None, :] >= r1s[:, None])
        has = ok.any(axis=1)
        if not has.any():
            continue
        r_star = np.argmax(ok, axis=1)
        pw = rej[1][r1s + 1, r_star]
        feasible = has & (pw >= target)
        if not feasible.any():
            continue
        pet = np.cumsum(tables[0][0][n1, : n1 + 1])[r1s]
        en = n1 + (1 - pet) * (n - n1)
        en = np.where(feasible, en, np.inf)
        j = int(np.argmin(en))
        out.append(
            SimonDesign(
                r1=int(r1s[j]),
                n1=n1,
                r=int(r_star[j]),
                n=n,
                expected_n0=float(en[j]),
                pet0=float(pet[j]),
                attained_alpha=float(size[j, r_star[j]]),
                power=float(pw[j]),
            )
        )
    return out
