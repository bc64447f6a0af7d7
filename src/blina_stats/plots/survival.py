"""Survival and cumulative-incidence curves for a paper, of one result or of several groups.

Each curve gets its pointwise confidence band, censoring ticks, an optional
mark at the horizon (for example 2 years) labelled with the estimate and its
interval, and a row of the numbers-at-risk table under the axis aligned with
the ticks.  Several groups (a mapping ``{label: result}``) share one legend
giving n and events per group, one table with a labelled row per group in the
group's colour, and optionally the log-rank or Gray p-value in a corner.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .at_risk import AT_RISK_ROW, add_at_risk_table
from .axes import (
    axes_or_new,
    draw_curve,
    finish_axes,
    first_entry,
    line_style,
    steps,
    time_ticks,
)
from .groups import PValue, as_groups, is_incidence, is_survival, legend_label, pvalue_text
from .marks import (
    MARK_GID,
    PVALUE_GID,
    Candidate,
    PlacedLabel,
    corner_candidates,
    mark_horizon,
)
from .style import COLUMN_WIDTH, PAGE_WIDTH, PALETTE, plain_text, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..estimators import CumulativeIncidenceResult, KaplanMeierResult

__all__ = [
    "MARK_GID",
    "add_at_risk_table",
    "mark_horizon",
    "plot_incidence",
    "plot_survival",
    "time_ticks",
]

#: the line style of each cause when several causes are drawn for several groups
CAUSE_STYLES = ("-", "--", ":", "-.")


def _height(n_rows: int) -> float:
    """A column figure tall enough for `n_rows` rows of the numbers-at-risk table."""
    return 3.1 + (max(n_rows, 1) - 1) * AT_RISK_ROW / 72.0 + 0.1


def _colors(color: str | Sequence[str] | None, n: int) -> list[str]:
    given = [color] if isinstance(color, str) else list(color) if color else list(PALETTE)
    return [given[i % len(given)] for i in range(n)]


def _add_pvalue(ax: Axes, text: str | None, corner: str) -> None:
    """The p-value in the clear corner, or beside the axes under a legend put there."""
    if text is not None:
        beside: list[Candidate] = [((1.0, 0.0), (8.0, 0.0), "left", "bottom")]
        ax.add_artist(
            PlacedLabel(
                text,
                beside if corner == "beside" else corner_candidates(corner),
                xycoords="axes fraction",
                fontsize=7.5,
                gid=PVALUE_GID,
                zorder=6,
            )
        )


def plot_survival(
    result: KaplanMeierResult | Mapping[str, KaplanMeierResult] | Sequence[KaplanMeierResult],
    ax: Axes | None = None,
    *,
    labels: Sequence[str] | None = None,
    label: str | None = None,
    color: str | Sequence[str] | None = None,
    band: bool = True,
    censor_ticks: bool = True,
    at_risk: bool = True,
    horizon: float | None = None,
    horizon_name: str | None = None,
    pvalue: PValue = None,
    legend_title: str | None = None,
    percent: bool = True,
    xmax: float | None = None,
    unit: str = "months",
    xlabel: str | None = None,
    ylabel: str = "Probability",
    linestyle: str | None = None,
    linewidth: float | None = None,
    alpha: float | None = None,
) -> Axes:
    """Kaplan-Meier curves with bands, censoring ticks, horizon marks and numbers at risk.

    Parameters
    ----------
    result : KaplanMeierResult, or a mapping label -> KaplanMeierResult, or a list
        One curve, or one curve per group (a list needs `labels`).  Groups
        share one legend (``"MRD-negative (n=40, 12 events)"``) and one
        numbers-at-risk table with a row per group, labelled in its colour.
    ax : matplotlib Axes, optional
        Drawn onto; a new single-column figure otherwise.
    labels : sequence of str, optional
        The group labels of a list of results.
    label : str, optional
        The legend label of a single result.
    color : str or sequence of str, optional
        The colour of the curve, or one colour a group (default: the palette).
    horizon : float, optional
        Time to mark with the estimate and interval (for example 730.5), on
        every curve.
    at_risk : bool
        Add the numbers-at-risk table under the axis, aligned with the x ticks.
    pvalue : float or LogrankResult, optional
        The log-rank p-value in a corner, from the result of
        :func:`~blina_stats.compare.logrank_test` (or a number).  A figure
        computes no test: :meth:`Cohort.plot` with ``pvalue=True`` runs it on
        the data it draws.
    legend_title : str, optional
        Title of the legend (the covariate, say).
    xmax : float, optional
        Last day shown (default: the last observed time).
    unit : {"months", "days"}
        Unit of the x-axis labels (the data are always in days).
    linestyle, linewidth, alpha
        Matplotlib style of the lines (the bands take the colours); others: TypeError.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import blina_stats as bs
    >>> cohort = bs.load_events(bs.synthetic.bundled("trial"))
    >>> ax = cohort.plot("pfs", by="mrd_pre_hsct", pvalue=True)
    """
    groups = as_groups(result, labels, "KaplanMeierResult", is_survival)
    single = groups[0][0] is None
    if not single and label is not None:
        raise ValueError("label= names a single result; the groups are labelled by their keys")
    colors = _colors(color, len(groups))
    with style():
        ax = axes_or_new(ax, _height(len(groups)))
        for (name, r), c in zip(groups, colors, strict=True):
            draw_curve(
                ax,
                r.time,
                r.estimate,
                r.ci_lower,
                r.ci_upper,
                r.n_censored,
                1.0,
                first_entry(r),
                label=label if name is None else legend_label(name, r.n_patients, r.n_events.sum()),
                color=c,
                band=band,
                censor_ticks=censor_ticks,
                line=line_style(linestyle, linewidth, alpha),
            )
        last = max(float(r.time[-1]) for _, r in groups)
        finish_axes(ax, xmax or last, percent, xlabel, ylabel, unit)
        if horizon is not None:
            for (_, r), c in zip(groups, colors, strict=True):
                row = r.at([horizon]).iloc[0]
                mark_horizon(
                    ax,
                    horizon,
                    row["estimate"],
                    row["ci_lower"],
                    row["ci_upper"],
                    color=c,
                    name=horizon_name,
                    conf_level=r.conf_level,
                )
        if at_risk:
            add_at_risk_table(ax, [(name or "", r) for name, r in groups], colors=colors)
        if label or not single:
            ax.legend(loc="best", title=None if legend_title is None else plain_text(legend_title))
        # survival falls from the top left: the upper right is usually free
        _add_pvalue(ax, pvalue_text(pvalue), "upper right")
    return ax


def plot_incidence(
    result: CumulativeIncidenceResult
    | Mapping[str, CumulativeIncidenceResult]
    | Sequence[CumulativeIncidenceResult],
    ax: Axes | None = None,
    cause: int | Sequence[int] = 1,
    *,
    labels: Sequence[str] | None = None,
    label: str | Sequence[str] | None = None,
    color: str | Sequence[str] | None = None,
    band: bool | None = None,
    censor_ticks: bool = False,
    at_risk: bool = True,
    horizon: float | Sequence[float] | None = None,
    horizon_name: str | Sequence[str | None] | None = None,
    stacked_total: str | None = None,
    pvalue: PValue = None,
    legend_title: str | None = None,
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
    """Cumulative incidence of one or several causes, of one result or of several groups.

    Parameters
    ----------
    result : CumulativeIncidenceResult, or a mapping label -> result, or a list
        As in :func:`plot_survival`: several groups share one legend (n and
        the events of each cause drawn) and one numbers-at-risk table.
    cause : int or sequence of int
        Cause(s) to draw.  For one result each cause has its own colour; for
        groups each group has its colour and each cause its line style
        (solid, dashed, dotted).
    label : str or sequence of str, optional
        The name of each cause (in the legend).
    band : bool, optional
        Draw the pointwise bands; by default yes, except for several causes of
        several groups (their bands would cover each other), whose legend is
        also put beside the axes, on a wider figure.
    horizon, horizon_name : float or str, or a sequence of them, optional
        Where to mark each cause and the words of its mark: one for all, or
        one per cause (relapse at 2 years, NRM at 6 months).
    stacked_total : str, optional
        Also draw the sum of the drawn causes (for relapse and NRM: the PFS
        failure, ``1 - PFS``) as a dashed line with this label.
    pvalue : float, GrayResult or a sequence of GrayResult, optional
        Gray's test in a corner: the result of
        :func:`~blina_stats.compare.gray_test` (one a cause, each on its own
        line), or a number; :meth:`Cohort.plot` with ``pvalue=True`` runs it.
    ylim : float, optional
        Upper limit of the y axis (default: fitted to the curves' bands).
    labels, color, legend_title, at_risk, xmax, unit, linestyle, linewidth, alpha
        As in :func:`plot_survival`.

    Returns
    -------
    matplotlib Axes
    """
    groups = as_groups(result, labels, "CumulativeIncidenceResult", is_incidence)
    single = groups[0][0] is None
    causes = [cause] if isinstance(cause, int) else list(cause)
    names = [label] * len(causes) if label is None or isinstance(label, str) else list(label)
    cause_names = {c: n or f"Cause {c}" for c, n in zip(causes, names, strict=True)}
    colors = _colors(color, len(causes) if single else len(groups))
    line = line_style(linestyle, linewidth, alpha)
    crowded = not single and len(causes) > 1
    if band is None:
        band = not crowded
    with style():
        ax = axes_or_new(ax, _height(len(groups)), PAGE_WIDTH if crowded else COLUMN_WIDTH)
        # a curve added to a drawn axes keeps the room the earlier curves needed
        top = ax.get_ylim()[1] if ax.has_data() else 0.0
        shown = []  # (result, cause, colour) of every curve, for the marks
        for g, (name, r) in enumerate(groups):
            for i, c in enumerate(causes):
                k = r._column(c)
                if name is None:
                    what, hue, style_ = names[i], colors[i], line
                else:
                    events = int(r.n_events[:, k].sum())
                    what = legend_label(
                        name, r.n_patients, events, cause_names[c] if len(causes) > 1 else None
                    )
                    hue = colors[g]
                    style_ = {"linestyle": CAUSE_STYLES[i % len(CAUSE_STYLES)], **line}
                draw_curve(
                    ax,
                    r.time,
                    r.estimate[:, k],
                    r.ci_lower[:, k],
                    r.ci_upper[:, k],
                    r.n_censored,
                    0.0,
                    first_entry(r),
                    label=what,
                    color=hue,
                    band=band,
                    censor_ticks=censor_ticks,
                    line=style_,
                )
                shown.append((r, c, hue))
                highest = r.ci_upper[:, k] if band else r.estimate[:, k]
                top = max(top, float(np.nanmax(highest, initial=0.0)))
            if stacked_total:
                total = r.estimate[:, [r._column(c) for c in causes]].sum(axis=1)
                x, y = steps(r.time, total, 0.0, first_entry(r))
                ax.step(
                    x,
                    y,
                    where="post",
                    color="0.3" if name is None else colors[g],
                    linestyle="--" if name is None else "-.",
                    linewidth=1.0,
                    label=stacked_total if name is None else f"{stacked_total}, {name}",
                )
                top = max(top, float(total.max(initial=0.0)))
        last = max(float(r.time[-1]) for _, r in groups)
        finish_axes(ax, xmax or last, percent, xlabel, ylabel, unit)
        room = np.ceil(round(top * 10, 9)) / 10  # the next tenth above the highest band
        ax.set_ylim(0, ylim if ylim is not None else min(1.02, max(0.1, room)))
        if horizon is not None:
            _mark_causes(ax, shown, causes, horizon, horizon_name)
        if at_risk:
            rows = [(name or "", r) for name, r in groups]
            add_at_risk_table(ax, rows, colors=["0.2"] if single else colors)
        if any(names) or stacked_total or not single:
            title = None if legend_title is None else plain_text(legend_title)
            if crowded:
                ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), title=title)
            else:
                ax.legend(loc="best", title=title)
        text = pvalue_text(pvalue, cause_names=cause_names)
        # incidence rises from the bottom left: the upper left is usually free
        _add_pvalue(ax, text, "beside" if crowded else "upper left")
    return ax


def _mark_causes(
    ax: Axes,
    shown: Sequence[tuple[CumulativeIncidenceResult, int, str]],
    causes: Sequence[int],
    horizon: float | Sequence[float],
    horizon_name: str | Sequence[str | None] | None,
) -> None:
    """Mark every curve at its cause's horizon, in the words given for that cause."""
    at = [float(h) for h in np.broadcast_to(np.asarray(horizon, float), len(causes))]
    one = horizon_name is None or isinstance(horizon_name, str)
    says: list[str | None] = (
        [horizon_name] * len(causes) if one else list(horizon_name)  # type: ignore[list-item,arg-type]
    )
    for r, c, hue in shown:
        i = causes.index(c)
        row = r.at([at[i]], cause=c).iloc[0]
        mark_horizon(
            ax,
            at[i],
            row["estimate"],
            row["ci_lower"],
            row["ci_upper"],
            color=hue,
            name=says[i],
            conf_level=r.conf_level,
        )
