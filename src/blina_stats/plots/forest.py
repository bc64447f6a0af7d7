"""Forest plot of hazard ratios with their intervals (subgroups or model terms).

matplotlib is imported only inside the functions, so importing the package
stays light.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .covariates import row_text
from .style import PALETTE, new_figure, plain_text, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_NEEDED = ("hazard_ratio", "ci_lower", "ci_upper")


def _as_table(data: Any) -> pd.DataFrame:
    """A table with hazard_ratio, ci_lower, ci_upper from a DataFrame or a result's summary."""
    if isinstance(data, dict):
        parts = [_as_table(v).assign(_group=str(k)) for k, v in data.items()]
        table = pd.concat(parts)
        table.index = [f"{g}: {i}" for g, i in zip(table.pop("_group"), table.index, strict=True)]
        return table
    table = data.summary if hasattr(data, "summary") else data
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            "`data` must be a DataFrame, a result with a `.summary` DataFrame, or a dict of them; "
            f"got {type(data).__name__}"
        )
    missing = [c for c in _NEEDED if c not in table.columns]
    if missing:
        raise ValueError(f"`data` lacks column(s) {missing!r}; it needs {list(_NEEDED)!r}")
    bad = ~np.isfinite(table[list(_NEEDED)].to_numpy(float)).all(axis=1) & ~_is_reference(table)
    if bad.any():
        rows = [str(i) for i in table.index[bad]]
        raise ValueError(
            f"`data` has non-finite hazard ratios or limits in row(s) {rows!r} "
            "(a diverging estimate?): drop them before plotting"
        )
    return table


def _is_reference(table: pd.DataFrame) -> npt.NDArray[np.bool_]:
    if "reference" not in table.columns:
        return np.zeros(len(table), dtype=bool)
    return np.asarray(table["reference"].fillna(False).to_numpy(dtype=bool))


def plot_forest(
    data: Any,
    ax: Axes | None = None,
    *,
    labels: list[str] | Mapping[str, str] | None = None,
    xlabel: str = "Hazard ratio (95% CI)",
    annotate: bool = True,
    color: str = PALETTE[0],
) -> Axes:
    """Draw hazard ratios and their intervals on a log scale, one row per term.

    Parameters
    ----------
    data : DataFrame, result or dict
        A table with columns ``hazard_ratio``, ``ci_lower``, ``ci_upper`` (and
        optionally ``p``), such as the ``summary`` of `cox_regression` or
        `fine_gray`; a result object with that ``summary``; or a dict of them
        (e.g. one model per subgroup), whose keys prefix the row labels.
        Optional columns: ``reference`` (True for a reference level, drawn
        as an open marker at 1 without an interval, its limits may be NaN)
        and ``n`` and ``events`` (shown per row as "n / events").
    ax : matplotlib Axes, optional
        Where to draw; by default a new column-width figure.
    labels : list of str or mapping, optional
        Row labels, top to bottom; or a mapping column -> label (such as
        ``{"mrd_pre_hsct": "MRD before HSCT"}`` or
        :func:`blina_stats.data.labels.covariate_labels`, which also gives the
        words of levels), applied to rows named by a term ``column[level]``
        of a labelled column, a column, a pair ``(column, level)`` of a two-level index, or a row
        named in the mapping itself; other rows and columns without a label
        keep their names.  By default the table's index (a pair as
        ``column: level``).
    xlabel : str
        Label of the horizontal axis.
    annotate : bool
        Write "HR (lower-upper)" and the p-value to the right of each row.
    color : str
        Colour of the points and intervals.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from blina_stats.plots.forest import plot_forest
    >>> tab = pd.DataFrame({"hazard_ratio": [0.5, 1.4], "ci_lower": [0.3, 0.9],
    ...                     "ci_upper": [0.9, 2.2]}, index=["MRD only", "donor: unrelated"])
    >>> ax = plot_forest(tab)
    """
    table = _as_table(data)
    n = len(table)
    if labels is None or isinstance(labels, Mapping):
        names = [row_text(labels, i) for i in table.index]
    else:
        names = list(labels)
    if len(names) != n:
        raise ValueError(f"`labels` has {len(names)} entries but the table has {n} rows")
    ref = _is_reference(table)
    counts = {"n", "events"} <= set(table.columns)
    with style():
        if ax is None:
            fig = new_figure(height=max(1.2, 0.3 * n + 0.7))
            ax = fig.add_subplot()
        y = np.arange(n)[::-1]
        hr, lo, hi = (table[c].to_numpy(float) for c in _NEEDED)
        hr, lo, hi = (np.where(ref, 1.0, v) for v in (hr, lo, hi))
        est = ~ref
        ax.errorbar(
            hr[est],
            y[est],
            xerr=[hr[est] - lo[est], hi[est] - hr[est]],
            fmt="s",
            color=color,
            ms=4,
            capsize=2,
            lw=1,
        )
        if ref.any():
            ax.plot(hr[ref], y[ref], "o", mfc="white", mec=color, ms=4, ls="none")
        ax.axvline(1.0, color="0.5", lw=0.8, ls="--", zorder=0)
        ax.set_xscale("log")
        _hazard_ratio_ticks(ax, float(np.min(lo)), float(np.max(hi)))
        ax.set_yticks(y, [plain_text(n) for n in names])
        ax.set_ylim(-0.7, n - 0.3)
        ax.set_xlabel(xlabel)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        if annotate:
            _annotate(ax, table, y, (hr, lo, hi), ref, counts)
    return ax


def _annotate(
    ax: Axes,
    table: pd.DataFrame,
    y: npt.NDArray[np.int_],
    limits: tuple[npt.NDArray[np.float64], ...],
    ref: npt.NDArray[np.bool_],
    counts: bool,
) -> None:
    """ "n / events" and "HR (lower-upper)  p" to the right of each row, under a header."""
    has_p = "p" in table.columns
    hr, lo, hi = limits
    for i, yi in enumerate(y):
        if ref[i]:
            text = "1 (reference)"
        else:
            text = f"{hr[i]:.2f} ({lo[i]:.2f}-{hi[i]:.2f})"
            if has_p:
                p = float(table["p"].iloc[i])
                text += f"  p={p:.3f}" if p >= 0.001 else "  p<0.001"
        if counts:
            ax.annotate(
                f"{int(table['n'].iloc[i])} / {int(table['events'].iloc[i])}",
                xy=(1.02, yi),
                xycoords=("axes fraction", "data"),
                va="center",
                fontsize=7,
            )
        ax.annotate(
            text,
            xy=(1.30 if counts else 1.02, yi),
            xycoords=("axes fraction", "data"),
            va="center",
            fontsize=7,
        )
    if counts:
        for x, head in ((1.02, "n / events"), (1.30, "HR (95% CI)")):
            ax.annotate(
                head,
                xy=(x, 1.0),
                xycoords="axes fraction",
                va="bottom",
                fontsize=7,
                fontweight="bold",
            )


def _hazard_ratio_ticks(ax: Axes, low: float, high: float) -> None:
    """Round hazard ratios as tick labels (0.25, 0.5, 1, 2, 4, ...) and no minor labels."""
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    candidates = np.array([0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10, 20, 50, 100])
    ticks = candidates[(candidates >= low / 1.5) & (candidates <= high * 1.5)]
    ax.xaxis.set_major_locator(FixedLocator(ticks.tolist()))
    ax.set_xticklabels([f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())
