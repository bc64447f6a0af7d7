"""Scaled Schoenfeld residuals against time, with a smoother: how a hazard ratio drifts.

Reads only the `ProportionalHazardsTest` it is given (`blina_stats.cox_zph`);
matplotlib is imported inside the function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .style import PALETTE, new_axes, plain_text, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..models.zph import ProportionalHazardsTest

FloatArray = npt.NDArray[np.float64]


def plot_schoenfeld(
    result: ProportionalHazardsTest,
    term: str | None = None,
    ax: Axes | None = None,
    *,
    df: int = 4,
    band: bool = True,
    color: str = PALETTE[0],
    **kwargs: Any,
) -> Axes:
    r"""Draw one term's scaled Schoenfeld residuals against time with a spline smoother.

    As R's ``plot(cox.zph(fit))``: points at :math:`g(t)` of each event, a
    natural cubic spline with `df` degrees of freedom (knots at the quartiles
    of :math:`g(t)`), a band of two standard errors, and a dotted line at the
    coefficient (where a flat smoother lies under proportional hazards).
    Tick labels give the time itself.

    Parameters
    ----------
    result : ProportionalHazardsTest
        From :func:`blina_stats.cox_zph`.
    term : str, optional
        The term drawn; needed when the model has several.
    ax : matplotlib Axes, optional
        Where to draw; by default a new column-width figure.
    df : int
        Degrees of freedom of the smoother (R's default 4), at least 2.
    band : bool
        Draw the two-standard-error band.
    color : str
        Colour of the smoother and band.
    **kwargs
        Passed to the points' ``scatter`` (``s``, ``alpha``, ``marker``, ...).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import blina_stats as bs
    >>> from blina_stats.datasets import load_bmt
    >>> bmt = load_bmt()
    >>> zph = bs.cox_zph(bs.cox_regression(bmt.t2, bmt.d3, bmt[["z8"]]))
    >>> ax = zph.plot()
    """
    terms = list(result.terms)
    if term is None:
        if len(terms) != 1:
            raise ValueError(f"the model has several terms: give `term`, one of {terms!r}")
        term = terms[0]
    if term not in terms:
        raise ValueError(f"`term` {term!r} is not a term of the model; terms: {terms!r}")
    if int(df) < 2:
        raise ValueError(f"`df` must be at least 2, got {df!r}")
    j = terms.index(term)
    y = result.residuals[:, j]
    keep = np.isfinite(y)
    x, y = result.x[keep], y[keep]
    with style():
        if ax is None:
            ax = new_axes()
        points = {"s": 9, "color": "0.35", "alpha": 0.7, "linewidths": 0, **kwargs}
        ax.scatter(x, y, **points)
        grid = np.linspace(x.min(), x.max(), 101)
        fit, se = _spline_smooth(x, y, grid, int(df))
        ax.plot(grid, fit, color=color, lw=1.4)
        if band:
            half = 2.0 * np.sqrt(result.variance[j, j] * se)
            ax.plot(grid, fit - half, color=color, lw=0.9, ls="--")
            ax.plot(grid, fit + half, color=color, lw=0.9, ls="--")
        ax.axhline(result.coef[j], color="0.5", lw=0.8, ls=":")
        _time_ticks(ax, result.x[keep], result.time[keep], result.transform)
        ax.set_xlabel(
            "Time" if result.transform == "identity" else f"Time (on the {result.transform} scale)"
        )
        ax.set_ylabel(plain_text(f"Beta(t) for {term}"))
        p = float(result.table["p"].to_numpy()[j])
        ax.set_title(plain_text(f"{term}: p = {p:.3f}" if p >= 0.001 else f"{term}: p < 0.001"))
    return ax


def _spline_smooth(
    x: FloatArray, y: FloatArray, grid: FloatArray, df: int
) -> tuple[FloatArray, FloatArray]:
    """Least-squares natural cubic spline (intercept + `df` columns, as R's ``cbind(1,
    ns(x, df))``): the fit on `grid` and ``diag(B (X'X)^-1 B')`` for its band."""
    knots = np.unique(np.quantile(x, np.linspace(0, 1, df + 1)))
    design = _natural_basis(x, knots)
    at = _natural_basis(grid, knots)
    inverse = np.linalg.pinv(design.T @ design)
    coef = inverse @ design.T @ y
    return at @ coef, np.einsum("ij,jk,ik->i", at, inverse, at)


def _natural_basis(x: FloatArray, knots: FloatArray) -> FloatArray:
    """Natural cubic spline basis, truncated-power form (Hastie et al. 2009, eq. 5.4-5.5)."""
    span = knots[-1] - knots[0] if knots.size > 1 else 1.0
    u = (x - knots[0]) / span
    k = (knots - knots[0]) / span
    cols = [np.ones_like(u), u]

    def d(i: int) -> FloatArray:
        return (np.maximum(u - k[i], 0) ** 3 - np.maximum(u - k[-1], 0) ** 3) / (k[-1] - k[i])

    cols += [d(i) - d(k.size - 2) for i in range(k.size - 2)]
    return np.column_stack(cols)


def _time_ticks(ax: Axes, x: FloatArray, time: FloatArray, transform: str) -> None:
    """Ticks at five event quantiles on the g(t) scale, labelled with the times themselves."""
    if transform == "identity" or x.size == 0:
        return
    order = np.argsort(x, kind="stable")
    picks = order[np.unique(np.linspace(0, x.size - 1, 5).round().astype(int))]
    _, first = np.unique(x[picks], return_index=True)  # tied times: one tick
    picks = picks[np.sort(first)]
    ax.set_xticks(x[picks], [f"{t:.4g}" for t in time[picks]])
