"""The proportional-hazards test of a Cox model from its Schoenfeld residuals (R ``cox.zph``).

The test is the score test of :math:`\\theta = 0` in the model
:math:`\\beta(t) = \\beta + \\theta\\, g(t)` at the fitted :math:`\\hat\\beta`, with
the full :math:`2p \\times 2p` information matrix, as ``survival::cox.zph``
since survival 3.0 (Therneau's C routines ``zph1``/``zph2``), Efron ties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import chi2

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .cox import CoxData, CoxResult

FloatArray = npt.NDArray[np.float64]
TRANSFORMS = ("km", "identity", "rank", "log")


@dataclass(frozen=True)
class ProportionalHazardsTest:
    """The test of proportional hazards of a Cox model, and its scaled Schoenfeld residuals.

    Attributes
    ----------
    table : DataFrame
        Indexed by term, then ``"GLOBAL"``: ``chisq``, ``df`` (integers), ``p``.
    transform : str
        The function of time :math:`g(t)`: ``"km"`` (one minus the Kaplan-Meier
        of all rows, left-continuous), ``"identity"``, ``"rank"`` or ``"log"``.
    terms : tuple of str
        The model's terms (a categorical covariate is one term).
    x : ndarray, shape (d,)
        :math:`g(t)` at each event (before centring), in ``cox.zph``'s row order.
    time : ndarray, shape (d,)
        The event times.
    residuals : ndarray, shape (d, len(terms))
        Scaled Schoenfeld residuals plus the coefficient (``cox.zph``'s ``y``):
        a smooth of them against `x` estimates :math:`\\beta(t)`.  A term of
        several columns is combined through its coefficients and centred at 1.
    coef : ndarray, shape (len(terms),)
        The value around which each term's residuals scatter under
        proportional hazards (the coefficient, or 1 for a combined term).
    variance : ndarray, shape (len(terms), len(terms))
        The inverse of the information per event (``cox.zph``'s ``var``): it
        scales the smoother's confidence band.
    """

    table: pd.DataFrame
    transform: str
    terms: tuple[str, ...]
    x: FloatArray = field(repr=False)
    time: FloatArray = field(repr=False)
    residuals: FloatArray = field(repr=False)
    coef: FloatArray = field(repr=False)
    variance: FloatArray = field(repr=False)

    @property
    def summary(self) -> pd.DataFrame:
        """Alias of `table`."""
        return self.table

    def plot(self, term: str | None = None, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Scaled Schoenfeld residuals against time with a smoother; see
        `blina_stats.plots.schoenfeld.plot_schoenfeld`."""
        from ..plots.schoenfeld import plot_schoenfeld

        return plot_schoenfeld(self, term=term, ax=ax, **kwargs)

    def _repr_html_(self) -> str:
        from .._html import html_result

        return html_result(
            f"Proportional-hazards test (Schoenfeld residuals, g(t) = {self.transform})",
            [("events", str(self.x.size))],
            self.table,
            None,
        )


def cox_zph(fit: CoxResult, transform: str = "km") -> ProportionalHazardsTest:
    r"""Test the proportional-hazards assumption of a Cox model, as R ``cox.zph``.

    Parameters
    ----------
    fit : CoxResult
        A model from :func:`~blina_stats.cox_regression` (arrays or cohort form,
        with or without delayed entry, strata and weights).
    transform : {"km", "identity", "rank", "log"}
        The function of time :math:`g(t)` the coefficients may drift with:
        ``"km"`` (default, as R) is one minus the left-continuous Kaplan-Meier
        of all rows; ``"identity"`` is time itself.

    Returns
    -------
    ProportionalHazardsTest
        ``table`` with ``chisq``, ``df`` and ``p`` per term and ``"GLOBAL"``;
        ``plot()`` draws the scaled residuals with a smoother.

    Notes
    -----
    With :math:`g_k = g(t_k) - \bar g` centred at the mean over events, the
    score for :math:`\theta` at :math:`(\hat\beta, 0)` is
    :math:`U = \sum_k g_k \sum_{i \in D_k} w_i\, r_i` with :math:`r_i` the
    Schoenfeld residuals (Efron means), and the test is
    :math:`(0, U)^\top \mathcal I^{-1} (0, U)` with :math:`\mathcal I` the
    information of :math:`(\beta, \theta)`: blocks :math:`\sum_k c_k V_k`
    with :math:`c_k \in \{1, g_k, g_k^2\}`.  A term's test uses all of
    :math:`\beta` and that term's :math:`\theta`; it has as many degrees of
    freedom as the term has columns.  Scaled residuals are
    :math:`\hat V^{-1} r_i + \hat\beta` with :math:`\hat V` the information
    divided by the number of events (Grambsch & Therneau 1994).
    Agreement with ``cox.zph`` (survival 3.5): tests/reference/models_zph.R.

    References
    ----------
    Grambsch, P. M. and Therneau, T. M. (1994). Proportional hazards tests and
    diagnostics based on weighted residuals. Biometrika 81:515-526.

    Examples
    --------
    >>> import blina_stats as bs
    >>> from blina_stats.datasets import load_bmt
    >>> bmt = load_bmt()
    >>> zph = bs.cox_zph(bs.cox_regression(bmt.t2, bmt.d3, bmt[["z1", "z8"]]))
    >>> list(zph.table.index)
    ['z1', 'z8', 'GLOBAL']
    """
    if transform not in TRANSFORMS:
        raise ValueError(f"`transform` must be one of {list(TRANSFORMS)!r}, got {transform!r}")
    data = fit._data
    if data is None:
        raise ValueError("this CoxResult keeps no data to test (fitted outside cox_regression)")
    ttimes = _transformed(data, transform)
    g = ttimes - ttimes[data.event].mean()
    x = data.x - data.x.mean(axis=0)
    eta = x @ fit.coef
    strata = np.zeros(x.shape[0], np.int64) if data.strata is None else data.strata
    w = np.ones(x.shape[0]) if data.weights is None else data.weights
    p = x.shape[1]
    u, imat = np.zeros(p), np.zeros((2 * p, 2 * p))
    rows, schoen, used = [], [], np.zeros((0, p))
    for s in np.unique(strata):
        idx = np.flatnonzero(strata == s)
        r_idx, r_sch, r_u, r_i = _stratum(data, idx, x, eta, w, g)
        rows.append(r_idx)
        schoen.append(r_sch)
        u += r_u
        imat += r_i
        varies = np.ptp(x[idx], axis=0) > 0
        used = np.vstack([used, np.where(varies, data.event[idx].sum(), 0)])
    order = np.concatenate(rows)
    resid = np.vstack(schoen)
    table = _tests(fit, u, imat)
    y, centre, variance = _scaled(fit, resid, imat[:p, :p], used, [len(r) for r in rows])
    return ProportionalHazardsTest(
        table=table,
        transform=transform,
        terms=tuple(t for t, _ in fit.terms),
        x=ttimes[order],
        time=data.time[order],
        residuals=y,
        coef=centre,
        variance=variance,
    )


def _transformed(data: CoxData, transform: str) -> FloatArray:
    t = data.time
    if transform == "identity":
        return t.copy()
    if transform == "log":
        return np.log(t)
    if transform == "rank":
        return np.asarray(pd.Series(t).rank().to_numpy(), dtype=np.float64)
    # one minus the Kaplan-Meier of all rows (unweighted, unstratified, left truncation
    # as the rows give it), just before each time: R's survfitKM and findInterval(left.open)
    ut = np.unique(t[data.event])
    stop = np.sort(t)
    n_risk = t.size - np.searchsorted(stop, ut, side="left")
    if data.entry is not None:
        n_risk -= data.entry.size - np.searchsorted(np.sort(data.entry), ut, side="left")
    deaths = np.bincount(np.searchsorted(ut, t[data.event]), minlength=ut.size)
    surv = np.cumprod(1.0 - deaths / n_risk)
    before = np.searchsorted(ut, t, side="left")  # event times strictly before t
    return 1.0 - np.concatenate([[1.0], surv])[before]


def _stratum(
    data: CoxData,
    idx: npt.NDArray[np.intp],
    x: FloatArray,
    eta: FloatArray,
    w: FloatArray,
    g: FloatArray,
) -> tuple[npt.NDArray[np.intp], FloatArray, FloatArray, FloatArray]:
    """Event rows (cox.zph's order), their Schoenfeld residuals, and the stratum's score and
    information contributions; risk sets by cumulative sums, Efron's fractions per event."""
    t, ev = data.time[idx], data.event[idx]
    entry = None if data.entry is None else data.entry[idx]
    xs, risk = x[idx], np.exp(eta[idx]) * w[idx]
    p = xs.shape[1]
    # cox.zph's row order: time, ties in row order (reversed with delayed entry, as zph2)
    tie = np.arange(idx.size) if entry is None else -np.arange(idx.size)
    events = np.lexsort((tie, t))
    events = events[ev[events]]
    ut, k = np.unique(t[events], return_inverse=True)
    moments = [risk, risk[:, None] * xs, risk[:, None, None] * xs[:, :, None] * xs[:, None, :]]

    def at_risk(m: FloatArray) -> FloatArray:
        # sum over rows with entry < t_k <= stop
        order = np.argsort(t, kind="stable")
        tail = np.concatenate(
            [np.cumsum(m[order][::-1], axis=0)[::-1], np.zeros((1, *m.shape[1:]))]
        )
        total = tail[np.searchsorted(t[order], ut, side="left")]
        if entry is not None:
            order = np.argsort(entry, kind="stable")
            tail = np.concatenate(
                [np.cumsum(m[order][::-1], axis=0)[::-1], np.zeros((1, *m.shape[1:]))]
            )
            total = total - tail[np.searchsorted(entry[order], ut, side="left")]
        return np.asarray(total)

    def deaths(m: FloatArray) -> FloatArray:
        out = np.zeros((ut.size, *m.shape[1:]))
        np.add.at(out, k, m[events])
        return out

    a0, a1, a2 = (at_risk(m) for m in moments)
    d0, d1, d2 = (deaths(m) for m in moments)
    n_dead = np.bincount(k, minlength=ut.size)
    # Efron: the r-th of d tied deaths sees the risk set less r/d of the deaths
    first = np.searchsorted(k, np.arange(ut.size))
    frac = (np.arange(events.size) - first[k]) / n_dead[k]
    den = a0[k] - frac * d0[k]
    mean = (a1[k] - frac[:, None] * d1[k]) / den[:, None]
    var = (a2[k] - frac[:, None, None] * d2[k]) / den[:, None, None] - mean[:, :, None] * mean[
        :, None, :
    ]
    mean_of_means = np.zeros((ut.size, p))
    np.add.at(mean_of_means, k, mean)
    mean_of_means /= n_dead[:, None]
    resid = xs[events] - mean_of_means[k]
    wt = (deaths(w[idx]) / n_dead)[k]  # the mean weight of the deaths, per fraction
    gk = g[idx][events]
    info = np.einsum("e,eij->ij", wt, var)
    info_g = np.einsum("e,eij->ij", wt * gk, var)
    info_gg = np.einsum("e,eij->ij", wt * gk**2, var)
    imat = np.block([[info, info_g], [info_g, info_gg]])
    u = np.einsum("e,ej->j", w[idx][events] * gk, resid)
    return idx[events], resid, u, imat


def _tests(fit: CoxResult, u: FloatArray, imat: FloatArray) -> pd.DataFrame:
    p = u.size
    full_u = np.concatenate([np.zeros(p), u])
    stats, dfs, names = [], [], []
    for name, cols in fit.terms:
        keep = [*range(p), *(p + j for j in cols)]
        sub = np.concatenate([np.zeros(p), u[list(cols)]])
        stats.append(float(sub @ np.linalg.solve(imat[np.ix_(keep, keep)], sub)))
        dfs.append(len(cols))
        names.append(name)
    stats.append(float(full_u @ np.linalg.solve(imat, full_u)))
    dfs.append(p)
    names.append("GLOBAL")
    chisq = np.asarray(stats)
    df = np.asarray(dfs, dtype=np.int64)
    return pd.DataFrame(
        {"chisq": chisq, "df": df, "p": chi2.sf(chisq, df)}, index=pd.Index(names, name="term")
    )


def _scaled(
    fit: CoxResult, resid: FloatArray, info: FloatArray, used: FloatArray, sizes: list[int]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """cox.zph's ``y``: residuals times the inverse of the information per event, plus beta."""
    used = used.copy()
    terms = fit.terms
    for _, cols in terms:
        c = list(cols)
        if len(c) > 1:
            short = (used[:, c] == 0).any(axis=1)
            used[np.ix_(short, c)] = used[np.ix_(short, c)].max(axis=1, keepdims=True)
    wtmat = sum(np.minimum.outer(row, row) for row in used)
    vmean = info / np.where(wtmat == 0, 1, wtmat)
    combine = np.zeros((resid.shape[1], len(terms)))
    for i, (_, cols) in enumerate(terms):
        combine[list(cols), i] = 1.0 if len(cols) == 1 else fit.coef[list(cols)]
    resid = resid @ combine
    vmean = combine.T @ vmean @ combine
    used = used[:, [cols[0] for _, cols in terms]]
    out = np.full_like(resid, np.nan)
    start = 0
    for s, size in enumerate(sizes):
        rows = slice(start, start + size)
        start += size
        k = np.flatnonzero(used[s] > 0)
        if k.size:
            out[rows, k] = np.linalg.solve(vmean[np.ix_(k, k)], resid[rows][:, k].T).T
    centre = np.array([fit.coef[c[0]] if len(c) == 1 else 1.0 for _, c in terms])
    return out + centre, centre, np.asarray(np.linalg.inv(vmean), dtype=np.float64)
