"""Survival and cumulative-incidence curves for a paper.

Each curve gets its pointwise confidence band, censoring ticks, an optional
mark at the horizon (for example 2 years) labelled with the estimate and its
interval, and a numbers-at-risk table under the axis aligned with the ticks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._constants import DAYS_PER_MONTH
from .at_risk import add_at_risk_table
from .style import PALETTE, new_figure, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.text import Annotation

    from ..estimators import CumulativeIncidenceResult, KaplanMeierResult


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    fig = new_figure()
    with style():
        return fig.add_subplot()


def time_ticks(t_max: float, unit: str = "months") -> tuple[np.ndarray, list[str]]:
    """Tick positions (days) and labels: the smallest round step giving at most 8 ticks.

    ``unit="months"`` steps by 1, 2, 3, 6, 12, 24 or 48 months; ``"days"`` by
    7, 10, 20, 25, 50, 100, 200 or 500 days; beyond those (a sentinel follow-up
    of 10^300 days, say) by 1, 2 or 5 times a power of ten.
    """
    scale = DAYS_PER_MONTH if unit == "months" else 1.0
    steps = (1, 2, 3, 6, 12, 24, 48) if unit == "months" else (7, 10, 20, 25, 50, 100, 200, 500)
    span = t_max / scale
    step = next((s for s in steps if span / s <= 7), None)
    if step is None:
        power = 10.0 ** np.floor(np.log10(span / 7))
        step = next(m * power for m in (1, 2, 5, 10) if span / (m * power) <= 7)
    units = np.arange(0.0, span + step * 0.999, step)
    return units * scale, [f"{u:g}" for u in units]


def _steps(
    time: np.ndarray, values: np.ndarray, start: float, x0: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate(([x0], time)), np.concatenate(([start], values))


def _first_entry(result: KaplanMeierResult | CumulativeIncidenceResult) -> float:
    """Where the curve starts: 0, or the first entry time under delayed entry."""
    entry = result._table.sorted_entry
    return 0.0 if entry is None else float(min(entry[0], result.time[0]))


def _draw(
    ax: Axes,
    time: np.ndarray,
    est: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    censored: np.ndarray,
    start: float,
    x0: float,
    *,
    label: str | None,
    color: str,
    band: bool,
    censor_ticks: bool,
    line: dict[str, Any],
) -> None:
    x, y = _steps(time, est, start, x0)
    ax.step(x, y, where="post", color=color, label=label, **line)
    if band:
        _, ylo = _steps(time, np.where(np.isnan(lo), est, lo), start, x0)
        _, yhi = _steps(time, np.where(np.isnan(hi), est, hi), start, x0)
        ax.fill_between(x, ylo, yhi, step="post", color=color, alpha=0.15, linewidth=0)
    if censor_ticks:
        cens = censored > 0
        ax.plot(time[cens], est[cens], "|", color=color, markersize=4, markeredgewidth=0.8)


#: the gid of a horizon mark's label: its ``xy`` is (horizon, estimate) in data coordinates
MARK_GID = "horizon-mark"


def mark_horizon(
    ax: Axes,
    horizon: float,
    estimate: float,
    lower: float,
    upper: float,
    *,
    color: str,
    name: str | None = None,
    conf_level: float = 0.95,
    text_offset: tuple[float, float] = (6.0, 6.0),
) -> None:
    """Mark `horizon` with the estimate and its interval, labelled in percent.

    The label reads ``"{name}: 12.3%"`` over the interval; `name` should come
    from :func:`blina_stats.endpoints.labels.horizon_label` (``"6 months"``,
    ``"100 days"``), ``"day N"`` when not given.  The label is an annotation
    with gid `MARK_GID` whose ``xy`` is ``(horizon, estimate)``, so a test or
    a reader of the figure finds the marked value; a label that would overlap
    an earlier mark's label is moved clear of it.
    """
    if not np.isfinite(estimate):
        return
    when = name or f"day {horizon:g}"
    ax.axvline(horizon, color="0.6", linestyle=":", linewidth=0.8, zorder=0)
    yerr = np.array([[estimate - lower], [upper - estimate]])
    ax.errorbar(
        [horizon],
        [estimate],
        yerr=np.nan_to_num(yerr),
        fmt="o",
        color=color,
        markersize=3,
        capsize=2,
        linewidth=0.9,
        zorder=5,
    )
    text = (
        f"{when}: {100 * estimate:.1f}%\n({conf_level:.0%} CI {100 * lower:.1f}-{100 * upper:.1f})"
    )
    lo, hi = ax.get_xlim()
    # near the right edge the label goes to the left of the mark, inside the axes;
    # near the top it goes below the mark
    left = horizon > lo + 0.7 * (hi - lo)
    dx, dy = text_offset
    below = estimate > 0.8 * ax.get_ylim()[1]
    if below:
        dy = -dy
    label = ax.annotate(
        text,
        xy=(horizon, estimate),
        xytext=(-dx if left else dx, dy),
        textcoords="offset points",
        fontsize=7,
        color=color,
        ha="right" if left else "left",
        va="top" if below else "bottom",
        # readable where it crosses a curve or a band
        bbox={
            "boxstyle": "square,pad=0.1",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.8,
        },
        gid=MARK_GID,
    )
    _clear_of_other_marks(ax, label)


def _clear_of_other_marks(ax: Axes, label: Annotation) -> None:
    """Move `label` up or down, away from each earlier mark label it overlaps (two marks at
    one horizon: grade II-IV and III-IV aGVHD at day +100)."""
    fig = ax.get_figure(root=True)
    if fig is None:  # pragma: no cover - an axes made by matplotlib always has one
        return
    from matplotlib.text import Annotation

    others = [t for t in ax.texts if isinstance(t, Annotation) and t.get_gid() == MARK_GID]
    others = [t for t in others if t is not label]
    points_per_pixel = 72.0 / fig.dpi
    for other in others:
        box, theirs = label.get_window_extent(), other.get_window_extent()
        if not box.overlaps(theirs):
            continue
        dx, dy = label.xyann
        if label.xy[1] <= other.xy[1]:  # the lower estimate's label goes below the other
            shift = (box.y1 - theirs.y0) * points_per_pixel + 2.0
            label.xyann = (dx, dy - shift)
        else:
            shift = (theirs.y1 - box.y0) * points_per_pixel + 2.0
            label.xyann = (dx, dy + shift)


def _line_style(
    linestyle: str | None, linewidth: float | None, alpha: float | None
) -> dict[str, Any]:
    """The matplotlib keywords given for the line; none given: the house style."""
    given = {"linestyle": linestyle, "linewidth": linewidth, "alpha": alpha}
    return {k: v for k, v in given.items() if v is not None}


def _finish(
    ax: Axes, t_max: float, percent: bool, xlabel: str | None, ylabel: str, unit: str
) -> None:
    from matplotlib.ticker import PercentFormatter

    ticks, labels = time_ticks(t_max, unit)
    ax.set_xticks(ticks, labels)
    ax.set_xlim(0, ticks[-1])
    if xlabel is None:
        xlabel = f"{'Months' if unit == 'months' else 'Days'} after transplant"
    ax.set_ylim(0, 1.02)
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def plot_survival(
    result: KaplanMeierResult,
    ax: Axes | None = None,
    *,
    label: str | None = None,
    color: str | None = None,
    band: bool = True,
    censor_ticks: bool = True,
    at_risk: bool = True,
    horizon: float | None = None,
    horizon_name: str | None = None,
    percent: bool = True,
    xmax: float | None = None,
    unit: str = "months",
    xlabel: str | None = None,
    ylabel: str = "Probability",
    linestyle: str | None = None,
    linewidth: float | None = None,
    alpha: float | None = None,
) -> Axes:
    """Kaplan-Meier curve with band, censoring ticks, horizon mark and numbers at risk.

    Parameters
    ----------
    result : KaplanMeierResult
    ax : matplotlib Axes, optional
        Drawn onto; a new single-column figure otherwise.
    horizon : float, optional
        Time to mark with the estimate and interval (for example 730.5).
    at_risk : bool
        Add the numbers-at-risk row under the axis, aligned with the x ticks.
    xmax : float, optional
        Last day shown (default: the last observed time).
    unit : {"months", "days"}
        Unit of the x-axis labels (the data are always in days).
    label, color, linestyle, linewidth, alpha
        Matplotlib style of the line (the band takes `color`); others: TypeError.

    Returns
    -------
    matplotlib Axes
    """
    color = color or PALETTE[0]
    with style():
        ax = _axes(ax)
        _draw(
            ax,
            result.time,
            result.estimate,
            result.ci_lower,
            result.ci_upper,
            result.n_censored,
            1.0,
            _first_entry(result),
            label=label,
            color=color,
            band=band,
            censor_ticks=censor_ticks,
            line=_line_style(linestyle, linewidth, alpha),
        )
        _finish(ax, xmax or float(result.time[-1]), percent, xlabel, ylabel, unit)
        if horizon is not None:
            row = result.at([horizon]).iloc[0]
            mark_horizon(
                ax,
                horizon,
                row["estimate"],
                row["ci_lower"],
                row["ci_upper"],
                color=color,
                name=horizon_name,
                conf_level=result.conf_level,
            )
        if at_risk:
            add_at_risk_table(ax, [("", result)], colors=[color])
        if label:
            ax.legend(loc="lower left")
    return ax


def plot_incidence(
    result: CumulativeIncidenceResult,
    ax: Axes | None = None,
    cause: int | Sequence[int] = 1,
    *,
    label: str | Sequence[str] | None = None,
    color: str | Sequence[str] | None = None,
    band: bool = True,
    censor_ticks: bool = False,
    at_risk: bool = True,
    horizon: float | Sequence[float] | None = None,
    horizon_name: str | Sequence[str | None] | None = None,
    stacked_total: str | None = None,
    percent: bool = True,
    ylim: float | None = None,
    xmax: float | None = None,
    unit: str = "months",
    xlabel: str | None = None,
    ylabel: str = "Cumulative incidence",
    linestyle: str | None = None,
    linewidth: float | None = None,
    alpha: float | None = None,
) -> Axes:
    """Cumulative incidence of one or several causes, with bands, horizon mark and numbers at risk.

    Parameters
    ----------
    result : CumulativeIncidenceResult
    cause : int or sequence of int
        Cause(s) to draw, each with its own colour and label.
    horizon, horizon_name : float or str, or a sequence of them, optional
        Where to mark each cause and the words of its mark: one for all, or
        one per cause (relapse at 2 years, NRM at 6 months).
    stacked_total : str, optional
        Also draw the sum of the drawn causes (for relapse and NRM: the PFS
        failure, ``1 - PFS``) as a dashed line with this label.
    ylim : float, optional
        Upper limit of the y axis (default: fitted to the curves' bands).
    xmax, unit
        As in :func:`plot_survival`.
    label, color, linestyle, linewidth, alpha
        As in :func:`plot_survival` (a label and colour per cause).

    Returns
    -------
    matplotlib Axes
    """
    causes = [cause] if isinstance(cause, int) else list(cause)
    labels = [label] * len(causes) if label is None or isinstance(label, str) else list(label)
    colors = [color] if isinstance(color, str) else list(color) if color else list(PALETTE)
    with style():
        ax = _axes(ax)
        # a curve added to a drawn axes keeps the room the earlier curves needed
        top = ax.get_ylim()[1] if ax.has_data() else 0.0
        for i, c in enumerate(causes):
            k = result._column(c)
            _draw(
                ax,
                result.time,
                result.estimate[:, k],
                result.ci_lower[:, k],
                result.ci_upper[:, k],
                result.n_censored,
                0.0,
                _first_entry(result),
                label=labels[i],
                color=colors[i % len(colors)],
                band=band,
                censor_ticks=censor_ticks,
                line=_line_style(linestyle, linewidth, alpha),
            )
            top = max(top, float(np.nanmax(result.ci_upper[:, k], initial=0.0)))
        if stacked_total:
            idx = [result._column(c) for c in causes]
            total = result.estimate[:, idx].sum(axis=1)
            x, y = _steps(result.time, total, 0.0, _first_entry(result))
            ax.step(
                x, y, where="post", color="0.3", linestyle="--", linewidth=1.0, label=stacked_total
            )
            top = max(top, float(total.max(initial=0.0)))
        _finish(ax, xmax or float(result.time[-1]), percent, xlabel, ylabel, unit)
        room = np.ceil(round(top * 10, 9)) / 10  # the next tenth above the highest band
        ax.set_ylim(0, ylim if ylim is not None else min(1.02, max(0.1, room)))
        if horizon is not None:
            at = [float(h) for h in np.broadcast_to(np.asarray(horizon, float), len(causes))]
            one = horizon_name is None or isinstance(horizon_name, str)
            says: list[str | None] = (
                [horizon_name] * len(causes) if one else list(horizon_name)  # type: ignore[list-item,arg-type]
            )
            for i, c in enumerate(causes):
                row = result.at([at[i]], cause=c).iloc[0]
                mark_horizon(
                    ax,
                    at[i],
                    row["estimate"],
                    row["ci_lower"],
                    row["ci_upper"],
                    color=colors[i % len(colors)],
                    name=says[i],
                    conf_level=result.conf_level,
                )
        if at_risk:
            add_at_risk_table(ax, [("", result)], colors=["0.2"])
        if any(labels) or stacked_total:
            ax.legend(loc="best")
    return ax
