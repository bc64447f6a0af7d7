"""The trial against its weighted external control: curves with numbers at risk."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .._constants import DAYS_PER_YEAR
from .love import love_plot
from .style import new_figure, plain_text, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..external import ExternalComparison


def plot_external(
    comparison: ExternalComparison,
    endpoint: str | None = None,
    ax: Axes | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    """Trial, weighted control and unweighted control curves of one endpoint, or of all.

    Parameters
    ----------
    comparison : ExternalComparison
    endpoint : str, optional
        One endpoint on `ax` (returns its Axes); None: every endpoint and the
        Love plot on a new figure (returns the array of Axes).
    ax : Axes, optional
    labels : mapping of str to str, optional
        Display labels of the covariates in the Love plot (:func:`love_plot`).
    **kwargs
        Passed to the trial and weighted control step lines.

    Returns
    -------
    Axes or ndarray of Axes
    """
    if endpoint is not None:
        if endpoint not in comparison.curves:
            raise ValueError(
                f"unknown endpoint {endpoint!r}: expected one of {', '.join(comparison.curves)}"
            )
        if ax is None:
            fig = new_figure(height=3.6)
            with style():
                ax = fig.add_subplot()
        return _panel(comparison, endpoint, ax, **kwargs)
    names = list(comparison.curves)
    rows = (len(names) + 2) // 2
    fig = new_figure(width=7.0, height=4.2 * rows)
    with style():
        axes = fig.subplots(rows, 2, squeeze=False).ravel()
    for name, a in zip(names, axes, strict=False):
        _panel(comparison, name, a, **kwargs)
    love_plot(comparison.propensity, ax=axes[len(names)], labels=labels)
    for a in axes[len(names) + 1 :]:
        a.set_axis_off()
    return axes


def _panel(comparison: ExternalComparison, name: str, ax: Axes, **kwargs: Any) -> Axes:
    """One endpoint: trial and weighted control with bands, the horizon marked, numbers at risk.

    The control's band is the robust (infinitesimal-jackknife) pointwise
    interval with the weights taken as known; the bootstrap interval of the
    difference at the horizon, which also carries the weights' estimation, is
    in the comparison's table.  The unweighted control is drawn dotted, without band.
    """
    from .survival import plot_incidence, plot_survival

    row = comparison.table.loc[name]
    survival = row["kind"] == "survival"
    label = plain_text(str(row["label"]))
    arms = comparison.results[name]
    results = {"trial": arms["trial"], "weighted control": arms["control"]}
    unweighted = arms["control_unweighted"]
    years = comparison.horizon / DAYS_PER_YEAR
    common: dict[str, Any] = {
        "ax": ax,
        "horizon": comparison.horizon,
        "horizon_name": f"{years:g} years" if years == round(years) else None,
        "xmax": comparison.horizon * 1.25,
        "xlabel": "Months from first dose (controls: from the landmark)",
    }
    if survival:
        plot_survival(results, ylabel=label, censor_ticks=False, **common, **kwargs)
        x, y = unweighted.time, np.r_[1.0, unweighted.estimate]
    else:
        plot_incidence(results, cause=1, **common, **kwargs)
        x, y = unweighted.time, np.r_[0.0, unweighted.estimate[:, 0]]
    with style():
        ax.step(
            np.r_[0.0, x],
            y,
            where="post",
            color="0.55",
            linestyle=":",
            linewidth=1.0,
            label=f"unweighted control (n={unweighted.n_patients})",
        )
        ax.legend(loc="best", fontsize=6)
        ax.set_title(f"{label} ({comparison.estimand} weights)")
    return ax
