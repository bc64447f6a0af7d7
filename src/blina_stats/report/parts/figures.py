"""Survival and cumulative incidence figures, each drawn from endpoints the context derived once.

A figure maker takes the lookup ``endpoint(name) -> EndpointData`` (the
report's :meth:`Context.endpoint`, or a cohort's :meth:`Cohort.endpoint`) and
labels its time axis with the endpoint's own origin.  Every curve is marked at
its own endpoint's horizon (relapse at 2 years, NRM at 6 months), in the words
of :func:`~blina_stats.endpoints.labels.horizon_label`: the marked values are
those of the outcome table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...endpoints import EndpointData, NotEstimable
from ...endpoints.labels import axis_label, horizon_label
from ...plots.style import PALETTE, figure_of, new_axes
from ...plots.survival import add_at_risk_table, plot_incidence, plot_survival
from ..captions import endpoint_caption, horizon
from ..part import Part, failure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...data import Cohort
    from ..context import Context

KEY, TITLE = "figures", "Survival and cumulative incidence"
#: endpoint name -> its derived data
Lookup = Callable[[str], EndpointData]
FigureMaker = Callable[[Lookup], "Figure"]


def survival_figure(name: str, title: str) -> FigureMaker:
    """A Kaplan-Meier endpoint marked at its horizon."""

    def make(endpoint: Lookup) -> Figure:
        data = endpoint(name)
        ax = new_axes(height=3.1)
        plot_survival(
            data.result,  # type: ignore[arg-type]
            ax,
            horizon=data.horizon,
            horizon_name=horizon_label(data.horizon, data.origin, short=True),
            xlabel=axis_label(data.origin),
        )
        ax.set_title(title, loc="left", fontsize=9)
        return figure_of(ax)

    return make


def relapse_nrm_figure(endpoint: Lookup) -> Figure:
    """Relapse and NRM as competing risks on one axis, with their sum (1 - PFS), each marked at
    its own endpoint's horizon (NRM's 6 months, not relapse's 2 years)."""
    data = endpoint("relapse")
    horizons = (data.horizon, endpoint("nrm").horizon)
    ax = new_axes(height=3.1)
    plot_incidence(
        data.result,  # type: ignore[arg-type]
        ax,
        cause=[1, 2],
        label=["Relapse", "Non-relapse mortality"],
        horizon=horizons,
        horizon_name=[horizon_label(h, data.origin, short=True) for h in horizons],
        stacked_total="Relapse or death (1 - PFS)",
        xlabel=axis_label(data.origin),
    )
    ax.set_title("Relapse and non-relapse mortality", loc="left", fontsize=9)
    return figure_of(ax)


def _pair_figure(
    names: tuple[str, str], labels: tuple[str, str], title: str, xmax: float | None, unit: str
) -> FigureMaker:
    def make(endpoint: Lookup) -> Figure:
        ax = new_axes(height=3.1)
        rows = []
        for i, (name, label) in enumerate(zip(names, labels, strict=True)):
            try:
                data = endpoint(name)
            except NotEstimable:
                if i == 0:
                    raise
                continue  # the second curve needs a grade/severity column the table lacks
            plot_incidence(
                data.result,  # type: ignore[arg-type]
                ax,
                cause=1,
                label=label,
                color=PALETTE[i],
                horizon=data.horizon,
                horizon_name=horizon_label(data.horizon, data.origin, short=True),
                at_risk=False,
                xmax=xmax,
                unit=unit,
                xlabel=axis_label(data.origin, unit),
            )
            rows.append((label.split(" ")[-1], data.result))
        add_at_risk_table(ax, rows, colors=list(PALETTE))
        ax.set_title(title, loc="left", fontsize=9)
        return figure_of(ax)

    return make


FIGURES: dict[str, tuple[str, FigureMaker]] = {
    "os": ("Overall survival", survival_figure("os", "Overall survival")),
    "pfs": ("Progression-free survival", survival_figure("pfs", "Progression-free survival")),
    "grfs": ("GVHD-free, relapse-free survival", survival_figure("grfs", "GRFS")),
    "relapse_nrm": ("Relapse and non-relapse mortality", relapse_nrm_figure),
    "agvhd": (
        "Acute GVHD",
        _pair_figure(
            ("agvhd", "agvhd_3_4"), ("Grade II-IV", "Grade III-IV"), "Acute GVHD", 100.0, "days"
        ),
    ),
    "cgvhd": (
        "Chronic GVHD",
        _pair_figure(
            ("cgvhd", "cgvhd_mod_severe"),
            ("Any", "Moderate/severe"),
            "Chronic GVHD",
            None,
            "months",
        ),
    ),
}


#: figure -> (caption title, the endpoints whose horizons it marks; the first gives the origin)
CAPTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "os": ("Overall survival (Kaplan-Meier)", ("os",)),
    "pfs": ("Progression-free survival (Kaplan-Meier)", ("pfs",)),
    "grfs": ("GVHD-free, relapse-free survival (Kaplan-Meier)", ("grfs",)),
    "relapse_nrm": (
        "Cumulative incidence of relapse and non-relapse mortality (competing risks)",
        ("relapse", "nrm"),
    ),
    "agvhd": ("Cumulative incidence of acute GVHD, grade II-IV and III-IV", ("agvhd",)),
    "cgvhd": ("Cumulative incidence of chronic GVHD, any and moderate/severe", ("cgvhd",)),
}


def figure_caption(name: str, endpoint: Lookup, cohort: Cohort) -> str:
    """The caption of figure `name`: what, which patients, from when, marked at which horizon."""
    title, names = CAPTIONS[name]
    data = endpoint(names[0])
    if len(names) == 1:
        return endpoint_caption(title, data, cohort)
    marks = []
    for n in names:
        d = endpoint(n)
        marks.append(f"{d.endpoint.label.lower()} at {horizon(d)}")
    return endpoint_caption(title, data, cohort, marks)


def build(ctx: Context) -> Part:
    """Every figure the table supports; the others listed with the reason."""
    figures, missing = [], []
    for name, (title, make) in FIGURES.items():
        try:
            figure = make(ctx.endpoint)
            figures.append((figure_caption(name, ctx.endpoint, ctx.cohort), figure, name))
        except NotEstimable as exc:
            missing.append(f"{title}: {exc}")
        except Exception as exc:  # one figure the data cannot draw fails alone
            missing.append(f"{title}: {failure(exc, str(ctx.cohort.source))}")
    return Part(
        KEY,
        TITLE,
        figures=tuple(figures),
        status="partial" if missing else "ok",
        message="; ".join(missing),
    )
