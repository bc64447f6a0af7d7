"""Swimmer plot: one bar per patient from transplant to last contact, with courses and events.

matplotlib is imported only inside the functions, so importing the package
stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .style import PAGE_WIDTH, PALETTE, new_figure, plain_text, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..data import Cohort

#: marker, colour and label of each event drawn on the bars
MARKERS: dict[str, tuple[str, str, str]] = {
    "agvhd": ("^", PALETTE[4], "aGVHD II-IV onset"),
    "cgvhd": ("v", PALETTE[3], "cGVHD onset"),
    "relapse": ("X", PALETTE[1], "Relapse"),
    "death": ("s", PALETTE[6], "Death"),
}
_BAR = "0.82"


def _courses(exposure: Any) -> pd.DataFrame | None:
    """Course start/end days from an ExposureResult or a DataFrame (None: no courses)."""
    if exposure is None:
        return None
    courses = exposure.courses if hasattr(exposure, "courses") else exposure
    if not isinstance(courses, pd.DataFrame):
        raise TypeError(
            "`exposure` must be an ExposureResult or a DataFrame of courses, "
            f"got {type(exposure).__name__}"
        )
    missing = [c for c in ("patient_id", "start_day") if c not in courses.columns]
    if missing:
        raise ValueError(f"`exposure` courses lack column(s) {missing!r}")
    out = courses[["patient_id", "start_day"]].copy()
    out["end_day"] = courses["end_day"] if "end_day" in courses.columns else out["start_day"] + 6
    return out


def plot_swimmer(
    cohort: Cohort,
    exposure: Any = None,
    ax: Axes | None = None,
    *,
    show_ids: bool = True,
    mark_days: tuple[float, ...] = (100.0,),
    legend: bool = True,
) -> Axes:
    """Draw one bar per patient from transplant to last contact, sorted by follow-up.

    Parameters
    ----------
    cohort : Cohort
        The event table (last contact, relapse, death, aGVHD and cGVHD onset).
    exposure : ExposureResult or DataFrame, optional
        Blinatumomab courses (``patient_id``, ``start_day``, optional
        ``end_day``), drawn as dark segments on the bars; e.g.
        :func:`blina_stats.safety.exposure` of the dosing records.
    ax : matplotlib Axes, optional
        Where to draw; by default a new page-width figure whose height grows
        with the number of patients (68 patients: about 8.5 in).
    show_ids : bool
        Label the bars with patient ids.
    mark_days : tuple of float
        Days after transplant marked by a dotted vertical line (day +100, the
        adverse-event window).
    legend : bool
        Draw the legend.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Bars run from day 0 (transplant) to last contact; the longest follow-up is
    at the top.  An arrow at the end of a bar marks a patient alive at last
    contact (still followed); a square marks death.

    Examples
    --------
    >>> import blina_stats as bs
    >>> from blina_stats.plots.swimmer import plot_swimmer
    >>> ax = plot_swimmer(bs.load_events(bs.synthetic.bundled("trial")))
    """
    from matplotlib.lines import Line2D

    f = cohort.frame
    last = f["last_contact_day"].to_numpy(dtype=np.float64)
    order = np.lexsort((f["patient_id"].to_numpy()[::-1], last))  # longest ends up on top
    n = len(f)
    y = np.empty(n)
    y[order] = np.arange(n)
    courses = _courses(exposure)
    with style():
        if ax is None:
            fig = new_figure(width=PAGE_WIDTH, height=max(2.5, 0.115 * n + 0.9))
            ax = fig.add_subplot()
        ax.barh(y, last, height=0.62, color=_BAR, edgecolor="none", zorder=1)
        handles: list[Any] = [Line2D([], [], color=_BAR, lw=5, label="Follow-up after transplant")]
        if courses is not None:
            row = pd.Series(y, index=f["patient_id"].to_numpy())
            known = courses["patient_id"].isin(row.index).to_numpy()
            cy = row.reindex(courses["patient_id"]).to_numpy()[known]
            start = courses["start_day"].to_numpy(dtype=np.float64)[known]
            end = courses["end_day"].to_numpy(dtype=np.float64)[known] + 1
            ax.hlines(cy, start, end, color=PALETTE[0], lw=3.2, zorder=2)
            handles.append(Line2D([], [], color=PALETTE[0], lw=3.2, label="Blinatumomab course"))
        for event, (marker, color, label) in MARKERS.items():
            day = f[f"{event}_day"].to_numpy(dtype=np.float64)
            has = ~np.isnan(day)
            if has.any():
                ax.scatter(day[has], y[has], marker=marker, s=14, color=color, lw=0, zorder=3)
            handles.append(Line2D([], [], marker=marker, color=color, ls="none", ms=4, label=label))
        alive = np.isnan(f["death_day"].to_numpy(dtype=np.float64))
        span = float(np.nanmax(last)) if n else 1.0
        ax.scatter(
            last[alive] + 0.012 * span,
            y[alive],
            marker=">",
            s=10,
            color="0.35",
            lw=0,
            zorder=3,
        )
        handles.append(
            Line2D([], [], marker=">", color="0.35", ls="none", ms=4, label="Alive at last contact")
        )
        for d in mark_days:
            ax.axvline(d, color="0.4", lw=0.6, ls=":", zorder=0)
        ax.set_ylim(-0.7, n - 0.3)
        ax.set_xlim(0, span * 1.04)
        if show_ids:
            ax.set_yticks(
                y, [plain_text(v) for v in f["patient_id"]], fontsize=4.5 if n > 40 else 6.5
            )
        else:
            ax.set_yticks([])
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel("Days after transplant")
        if legend:
            ax.legend(handles=handles, loc="lower right", fontsize=6.5, handlelength=1.6)
    return ax
