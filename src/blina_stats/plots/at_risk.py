"""The numbers-at-risk table under a survival or incidence plot, aligned with the x ticks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .style import PALETTE

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..estimators import CumulativeIncidenceResult, KaplanMeierResult

AT_RISK_OFFSET = 42.0  # points below the x axis where the at-risk table starts
AT_RISK_ROW = 10.0  # points between its rows


def add_at_risk_table(
    ax: Axes,
    rows: Sequence[tuple[str, KaplanMeierResult | CumulativeIncidenceResult]],
    times: Sequence[float] | np.ndarray | None = None,
    colors: Sequence[str] | None = None,
) -> None:
    """Write the numbers at risk at `times` (default: the x ticks) under the axis, a row a curve."""
    ticks = np.asarray(ax.get_xticks() if times is None else times, dtype=float)
    lo, hi = ax.get_xlim()
    ticks = ticks[(ticks >= lo) & (ticks <= hi)]
    ax.annotate(
        "No. at risk",
        xy=(0, 0),
        xycoords="axes fraction",
        ha="left",
        va="top",
        xytext=(-2, -AT_RISK_OFFSET + 11),
        textcoords="offset points",
        fontsize=7,
        fontweight="bold",
    )
    for r, (name, result) in enumerate(rows):
        color = (colors or PALETTE)[r % len(colors or PALETTE)]
        dy = -AT_RISK_OFFSET - AT_RISK_ROW * r
        n = result._table.at_risk(ticks)
        for t, k in zip(ticks, n, strict=True):
            ax.annotate(
                str(int(k)),
                xy=(t, 0),
                xycoords=("data", "axes fraction"),
                xytext=(0, dy),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=7,
                color=color,
            )
        if name:
            ax.annotate(
                name,
                xy=(0, 0),
                xycoords="axes fraction",
                xytext=(-14, dy),  # clear of the first count, centred on the axis
                textcoords="offset points",
                ha="right",
                va="top",
                fontsize=7,
                color=color,
            )
