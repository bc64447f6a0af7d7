"""The pieces every survival and incidence figure shares: the axes, the time ticks, the percent
axis, and one curve drawn as a step function with its band and censoring ticks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._constants import DAYS_PER_MONTH
from .style import COLUMN_WIDTH, new_figure, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.ticker import Formatter

    from ..estimators import CumulativeIncidenceResult, KaplanMeierResult


def axes_or_new(ax: Axes | None, height: float = 3.0, width: float = COLUMN_WIDTH) -> Axes:
    """`ax`, or one axes on a new publication-style figure of `width` by `height` inches."""
    if ax is not None:
        return ax
    fig = new_figure(width, height)
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


def percent_formatter() -> Formatter:
    """Proportions as percent, with one decimal where a tick is not a whole percent.

    matplotlib's ``PercentFormatter(decimals=0)`` rounds 2.5% steps to "2%, 5%, 8%";
    here the ticks of one axis share their decimals: "0%, 2.5%, 5.0%, 7.5%" and
    "0%, 10%, 20%".
    """
    from matplotlib.ticker import Formatter

    class PercentTicks(Formatter):
        def __call__(self, x: float, pos: int | None = None) -> str:
            return self.format_ticks([x])[0]

        def format_ticks(self, values: Any) -> list[str]:
            pct = np.round(100 * np.asarray(values, dtype=float), 9)
            whole = bool(np.all(pct == np.round(pct)))
            return ["0%" if v == 0 else f"{v:.0f}%" if whole else f"{v:.1f}%" for v in pct.tolist()]

    return PercentTicks()


def finish_axes(
    ax: Axes, t_max: float, percent: bool, xlabel: str | None, ylabel: str, unit: str
) -> None:
    """Time ticks up to `t_max`, the y axis from 0 to 1 (in percent), and the axis labels."""
    ticks, labels = time_ticks(t_max, unit)
    ax.set_xticks(ticks, labels)
    ax.set_xlim(0, ticks[-1])
    if xlabel is None:
        xlabel = f"{'Months' if unit == 'months' else 'Days'} after transplant"
    ax.set_ylim(0, 1.02)
    if percent:
        ax.yaxis.set_major_formatter(percent_formatter())
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def steps(
    time: np.ndarray, values: np.ndarray, start: float, x0: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """The step function's corners, starting at (`x0`, `start`)."""
    return np.concatenate(([x0], time)), np.concatenate(([start], values))


def first_entry(result: KaplanMeierResult | CumulativeIncidenceResult) -> float:
    """Where the curve starts: 0, or the first entry time under delayed entry."""
    entry = result._table.sorted_entry
    return 0.0 if entry is None else float(min(entry[0], result.time[0]))


def draw_curve(
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
    """One curve: the step line, its pointwise band, and a tick at each censoring."""
    x, y = steps(time, est, start, x0)
    ax.step(x, y, where="post", color=color, label=label, **line)
    if band:
        _, ylo = steps(time, np.where(np.isnan(lo), est, lo), start, x0)
        _, yhi = steps(time, np.where(np.isnan(hi), est, hi), start, x0)
        alpha = 0.15 if line.get("linestyle", "-") in ("-", "solid") else 0.08
        ax.fill_between(x, ylo, yhi, step="post", color=color, alpha=alpha, linewidth=0)
    if censor_ticks:
        cens = censored > 0
        ax.plot(time[cens], est[cens], "|", color=color, markersize=4, markeredgewidth=0.8)


def line_style(
    linestyle: str | None, linewidth: float | None, alpha: float | None
) -> dict[str, Any]:
    """The matplotlib keywords given for the line; none given: the house style."""
    given = {"linestyle": linestyle, "linewidth": linewidth, "alpha": alpha}
    return {k: v for k, v in given.items() if v is not None}
