"""The trial against its weighted external control: curves with numbers at risk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .at_risk import AT_RISK_OFFSET, AT_RISK_ROW
from .love import love_plot
from .style import PALETTE, new_figure, plain_text, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..external import ExternalComparison


def plot_external(
    comparison: ExternalComparison,
    endpoint: str | None = None,
    ax: Axes | None = None,
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
            fig = new_figure(height=3.2)
            with style():
                ax = fig.add_subplot()
        return _panel(comparison, endpoint, ax, **kwargs)
    names = list(comparison.curves)
    fig = new_figure(width=7.0, height=3.2 * ((len(names) + 2) // 2))
    with style():
        axes = fig.subplots((len(names) + 2) // 2, 2, squeeze=False).ravel()
    for name, a in zip(names, axes, strict=False):
        _panel(comparison, name, a, **kwargs)
    love_plot(comparison.propensity, ax=axes[len(names)])
    for a in axes[len(names) + 1 :]:
        a.set_axis_off()
    return axes


def _panel(comparison: ExternalComparison, name: str, ax: Axes, **kwargs: Any) -> Axes:
    row = comparison.table.loc[name]
    what = "survival" if row["kind"] == "survival" else "incidence"
    c = comparison.curves[name]
    horizon = comparison.horizon
    with style():
        for key, label, color, extra in (
            ("trial", "trial", PALETTE[0], kwargs),
            ("control", f"control, weighted ({comparison.estimand})", PALETTE[1], kwargs),
            ("control_unweighted", "control, unweighted", "0.6", {"linestyle": ":"}),
        ):
            cur = c[key]
            start = 1.0 if what == "survival" else 0.0
            y = np.r_[start, getattr(cur, what)[0]]
            ax.step(np.r_[0.0, cur.time], y, where="post", color=color, label=label, **extra)
        ax.set_xlim(0, horizon * 1.05)
        ax.set_ylim(0, 1)
        ax.set_xlabel("days from first dose (controls: landmark)")
        ax.set_ylabel("probability")
        ax.set_title(plain_text(str(row["label"])))
        ax.legend(loc="best", frameon=False, fontsize=7)
    _at_risk(ax, comparison, name)
    return ax


def _at_risk(ax: Axes, comparison: ExternalComparison, name: str) -> None:
    """Patients (not weights) at risk under the axis: trial, then controls."""
    ticks = np.asarray(ax.get_xticks(), dtype=float)
    lo, hi = ax.get_xlim()
    ticks = ticks[(ticks >= lo) & (ticks <= hi)]
    times = comparison.aligned.time[name]
    for r, (label, t) in enumerate((("trial", times[0]), ("control", times[1]))):
        dy = -AT_RISK_OFFSET - AT_RISK_ROW * r
        for tick in ticks:
            ax.annotate(
                str(int((t >= tick).sum())),
                xy=(tick, 0),
                xycoords=("data", "axes fraction"),
                xytext=(0, dy),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=7,
                color=PALETTE[r],
            )
        ax.annotate(
            label,
            xy=(0, 0),
            xycoords="axes fraction",
            xytext=(-14, dy),
            textcoords="offset points",
            ha="right",
            va="top",
            fontsize=7,
            color=PALETTE[r],
        )
