"""Figures for a paper; matplotlib is imported only when a figure is drawn."""

from .by_group import plot_grouped
from .style import PALETTE, new_figure, save, style
from .survival import add_at_risk_table, mark_horizon, plot_incidence, plot_survival

__all__ = [
    "PALETTE",
    "add_at_risk_table",
    "mark_horizon",
    "new_figure",
    "plot_grouped",
    "plot_incidence",
    "plot_survival",
    "save",
    "style",
]
