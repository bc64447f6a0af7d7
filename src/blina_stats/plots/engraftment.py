"""Cumulative incidence of neutrophil and platelet engraftment, death competing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .style import PALETTE, new_axes, style
from .survival import add_at_risk_table, plot_incidence

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..eligibility.engraftment import EngraftmentIncidence


def plot_engraftment(
    result: EngraftmentIncidence,
    ax: Axes | None = None,
    *,
    xmax: float = 42.0,
    **kwargs: Any,
) -> Axes:
    """Both incidence curves with their bands and numbers at risk, days after transplant.

    Parameters
    ----------
    result : EngraftmentIncidence
        From :func:`blina_stats.engraftment_incidence`.
    ax : Axes, optional
        Drawn on a new publication-style axes when not given.
    xmax : float
        Last day shown.
    **kwargs
        Passed to :func:`blina_stats.plots.plot_incidence` for both curves.

    Returns
    -------
    Axes
    """
    if ax is None:
        ax = new_axes(height=3.1)
    for i, kind in enumerate(("neutrophil", "platelet")):
        plot_incidence(
            getattr(result, kind),
            ax,
            cause=1,
            label=f"{kind.capitalize()} engraftment",
            color=PALETTE[i],
            at_risk=False,
            xmax=xmax,
            unit="days",
            ylim=1.02,
            **kwargs,
        )
    add_at_risk_table(
        ax,
        [("Neutrophil", result.neutrophil), ("Platelet", result.platelet)],
        colors=list(PALETTE),
    )
    with style():
        ax.legend(loc="lower right")
    return ax
