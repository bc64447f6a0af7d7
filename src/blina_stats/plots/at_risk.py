"""The numbers-at-risk table under a survival or incidence plot, aligned with the x ticks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .style import PALETTE, plain_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..estimators import CumulativeIncidenceResult, KaplanMeierResult

AT_RISK_OFFSET = 42.0  # points below the x axis where the at-risk table starts
AT_RISK_ROW = 10.0  # points between its rows
#: the footnote under a table whose counts include patients who enter after a tick
LATER_ENTRY_NOTE = "Numbers at risk include patients entering later."
#: the footnote under a table with a weighted curve: its counts are patients
WEIGHTED_NOTE = "Numbers at risk are patients, not their weights."
#: the gid of every text of the table
AT_RISK_GID = "at-risk"


def counts_at(
    result: KaplanMeierResult | CumulativeIncidenceResult, ticks: np.ndarray
) -> tuple[np.ndarray, bool]:
    """The count printed at each tick, and whether it includes patients not yet entered.

    Without delayed entry it is the risk set at the tick (R's ``n.risk`` of
    ``summary(survfit, times=)``).  Under delayed entry the risk set at month 0
    is empty (nobody has entered), which reads as "0" in print: the count is then
    the patients still followed at the tick *or still to enter*, ``n - #(time < t)``
    (a patient who left had entered), and the table says so in a footnote.
    """
    table = result._table
    n = table.at_risk(ticks)
    if table.sorted_entry is None:
        return n, False
    followed = table.followed(ticks)
    return followed, bool(np.any(followed != n))


def add_at_risk_table(
    ax: Axes,
    rows: Sequence[tuple[str, KaplanMeierResult | CumulativeIncidenceResult]],
    times: Sequence[float] | np.ndarray | None = None,
    colors: Sequence[str] | None = None,
) -> None:
    """Write the numbers at risk at `times` (default: the x ticks) under the axis, a row a curve.

    Each row is labelled at its left with its name, in its colour (the colour of
    its curve); the counts are centred under the ticks.  Under delayed entry the
    counts include the patients who enter after the tick, with a footnote saying
    so (:func:`counts_at`); under a weighted curve they are patients, not
    weights, and a footnote says that too.
    """
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
        gid=AT_RISK_GID,
    )
    later = weighted = False
    for r, (name, result) in enumerate(rows):
        weighted = weighted or getattr(result, "variance_method", "") == "robust"
        color = (colors or PALETTE)[r % len(colors or PALETTE)]
        dy = -AT_RISK_OFFSET - AT_RISK_ROW * r
        n, includes_later = counts_at(result, ticks)
        later = later or includes_later
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
                gid=AT_RISK_GID,
            )
        if name:
            ax.annotate(
                plain_text(name),
                xy=(0, 0),
                xycoords="axes fraction",
                xytext=(-14, dy),  # clear of the first count, centred on the axis
                textcoords="offset points",
                ha="right",
                va="top",
                fontsize=7,
                color=color,
                gid=AT_RISK_GID,
            )
    notes = [
        note for note, shown in ((LATER_ENTRY_NOTE, later), (WEIGHTED_NOTE, weighted)) if shown
    ]
    for i, note in enumerate(notes):
        ax.annotate(
            note,
            xy=(0, 0),
            xycoords="axes fraction",
            xytext=(-2, -AT_RISK_OFFSET - AT_RISK_ROW * (len(rows) + i) - 3),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=6.5,
            fontstyle="italic",
            color="0.3",
            gid=AT_RISK_GID,
        )
