"""The figure of an endpoint by group (:meth:`Cohort.plot`): it reads a
:class:`~blina_stats.compare.by_group.GroupedEndpoint` and draws it with
:func:`~blina_stats.plots.plot_survival` or :func:`~blina_stats.plots.plot_incidence`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .covariates import level_text
from .groups import is_incidence
from .survival import plot_incidence, plot_survival

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..compare.by_group import GroupedEndpoint


def plot_grouped(grouped: GroupedEndpoint, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw each group's curve (or the endpoint's single curve), with the test if it was run.

    Parameters
    ----------
    grouped : GroupedEndpoint
        From :func:`blina_stats.compare.by_group.group_endpoint`.
    ax : matplotlib Axes, optional
    **kwargs
        Keywords of the plot function, over ``grouped.plot_options``; the axis
        labels, the horizon's words, the legend title (the covariate's label,
        ``grouped.labels``) and the cause names default to the endpoint's; the
        legend names each group by the words of its level.

    Returns
    -------
    matplotlib Axes
    """
    options: dict[str, Any] = {**grouped.plot_options, **kwargs}
    options.setdefault("xlabel", grouped.xlabel)
    if "horizon" in options:
        options.setdefault("horizon_name", grouped.horizon_name)
    results: Any = grouped.data.result
    if grouped.by is not None:
        by = grouped.by
        # the legend's title names the covariate, its entries the levels' words
        shown = [level_text(grouped.labels, by, level) for level in grouped.results]
        if len(set(shown)) == len(shown):
            results = dict(zip(shown, grouped.results.values(), strict=True))
        else:  # two levels with the same words: as written
            results = dict(grouped.results)
        options.setdefault("legend_title", grouped.labels.get(by, by))
        if grouped.tests:
            options.setdefault("pvalue", list(grouped.tests))
    if is_incidence(grouped.data.result):
        causes = list(grouped.causes)
        names = grouped.cause_names
        options.setdefault("label", [names.get(c, f"Cause {c}") for c in causes])
        if grouped.by is not None and len(causes) == 1:
            # the legend names the groups: the axis names the event
            event = names.get(causes[0], f"cause {causes[0]}")
            if not event.split(" ")[0].isupper():  # "Relapse" -> "relapse", "MRD ..." stays
                event = event[:1].lower() + event[1:]
            options.setdefault("ylabel", f"Cumulative incidence of {event}")
        return plot_incidence(results, ax, cause=causes, **options)
    options.setdefault("ylabel", grouped.ylabel)
    return plot_survival(results, ax, **options)
