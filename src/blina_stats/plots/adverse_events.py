"""Adverse-event bar chart: the most frequent terms, any grade and grade 3 or worse."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .style import PALETTE, new_figure, plain_text, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def plot_adverse_events(
    any_grade: pd.DataFrame,
    grade3: pd.DataFrame,
    ax: Axes | None = None,
    *,
    top: int = 15,
    title: str | None = None,
) -> Axes:
    """Horizontal bars of the percentage of treated patients with each term.

    Parameters
    ----------
    any_grade, grade3 : DataFrame
        :func:`blina_stats.safety.adverse_event_table` results by term (any
        grade, and ``grade_min=3``), with columns ``term``, ``n_patients`` and
        ``percent``.
    ax : matplotlib Axes, optional
        Drawn onto; a new column-width figure otherwise.
    top : int
        Number of terms shown, the most frequent first.
    title : str, optional
        Axes title; the tables' window caption is a good one.

    Returns
    -------
    matplotlib Axes
    """
    shown = any_grade.head(top)
    severe = grade3.set_index("term")["percent"].reindex(shown["term"]).fillna(0.0)
    y = np.arange(len(shown))[::-1]
    with style():
        if ax is None:
            ax = new_figure(height=0.18 * len(shown) + 1.1).add_subplot()
        ax.barh(y, shown["percent"], color=PALETTE[0], alpha=0.45, label="any grade")
        ax.barh(y, severe.to_numpy(), color=PALETTE[1], label="grade ≥3")
        for yi, (pct, k) in enumerate(zip(shown["percent"], shown["n_patients"], strict=True)):
            ax.annotate(
                f"{k}",
                xy=(pct, y[yi]),
                xytext=(2, 0),
                textcoords="offset points",
                va="center",
                fontsize=6.5,
            )
        ax.set_yticks(y, [plain_text(t) for t in shown["term"]])
        ax.tick_params(axis="y", length=0, labelsize=7)
        ax.set_xlabel("Patients treated (%)")
        ax.set_xlim(0, max(10.0, float(shown["percent"].max()) * 1.15) if len(shown) else 10.0)
        ax.legend(loc="lower right")
        if title:
            ax.set_title(title, loc="left", fontsize=8)
    return ax
