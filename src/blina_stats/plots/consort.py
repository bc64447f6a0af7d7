"""The CONSORT flow diagram: boxes and arrows drawn from a :class:`ConsortFlow`.

The main column runs screened -> enrolled -> treated -> analysed; the boxes
to the right list who left the flow and why.  Every number is the flow's
own (:func:`blina_stats.eligibility.consort.consort_flow`), so the figure
matches the analysis.  Matplotlib is imported only when drawing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .style import PAGE_WIDTH, new_figure, plain_text, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..eligibility.consort import ConsortFlow

FONT_SIZE = 7.0
LINE_SPACING = 1.25
#: one text line is one data unit vertically: the figure is sized so that a unit is a line
LINE_INCHES = FONT_SIZE * LINE_SPACING / 72
MAIN = (0.2, 4.4)  # x range of the main column
SIDE = (5.0, 9.95)  # x range of the side boxes
GAP = 1.6  # vertical space between boxes, in lines


def _n(value: int | None) -> str:
    return "not recorded" if value is None else f"n = {value}"


def _fail_counts(flow: ConsortFlow) -> list[int]:
    """Criteria failed per not-enrolled patient who failed any."""
    table = flow.eligibility
    out = table[~table["patient_id"].isin(flow.enrolled_ids)]
    return [len(f) for f in out["failed"] if f]


def _blocks(flow: ConsortFlow) -> list[tuple[str, list[str], list[str]]]:
    """(stage, main-box lines, side-box lines) top to bottom; empty side: no side box."""
    side = [f"Not enrolled ({_n(flow.n_not_enrolled)})"]
    if flow.not_enrolled_failed:
        several = "; some fail several" if any(n > 1 for n in _fail_counts(flow)) else ""
        side.append(f"Not meeting criteria ({_n(flow.not_enrolled_failed)}{several})")
        side += [
            f"    {cid} {flow.criterion_reasons.get(cid, '')} (n = {n})"
            for cid, n in flow.failed_by_criterion.items()
        ]
    if flow.not_enrolled_unknown:
        side.append(f"Eligibility not assessable ({_n(flow.not_enrolled_unknown)})")
    if flow.not_enrolled_eligible:
        side.append(f"Eligible, not enrolled ({_n(flow.not_enrolled_eligible)})")
    enrolled = ["Enrolled", f"({_n(flow.n_enrolled)})"]
    for what, who in (
        ("not meeting criteria", flow.enrolled_not_eligible),
        ("eligibility not assessable", flow.enrolled_unknown),
    ):
        if who:
            detail = "; ".join(f"{p}: {', '.join(c)}" for p, c in who) if len(who) <= 3 else ""
            enrolled.append(f"{what}: {len(who)}" + (f" ({detail})" if detail else ""))
    not_treated = flow.n_enrolled - flow.n_treated
    treated_side = [f"Not treated (n = {not_treated})"] if not_treated else []
    follow = [f"Lost to follow-up ({_n(flow.n_lost_to_follow_up)})"]
    analysed = ["Analysed"]
    for name in flow.analysed.index:
        row = flow.analysed.loc[name]
        line = f"{row['label']}: n = {int(row['n_analysed'])}"
        if row["reason"]:
            line += " (not estimable)"
        elif int(row["n_excluded"]):
            line += f" ({int(row['n_excluded'])} excluded)"
        analysed.append(line)
    return [
        ("screened", ["Assessed for eligibility", f"({_n(flow.n_screened)})"], side),
        ("enrolled", enrolled, treated_side),
        ("treated", ["Received blinatumomab", f"({_n(flow.n_treated)})"], follow),
        ("analysed", analysed, []),
    ]


def plot_consort(flow: ConsortFlow, ax: Axes | None = None) -> Axes:
    """Draw the CONSORT flow diagram.

    Parameters
    ----------
    flow : ConsortFlow
        From :func:`blina_stats.eligibility.consort.consort_flow`.
    ax : matplotlib Axes, optional
        Drawn into a new full-page-width figure sized to its content by default.

    Returns
    -------
    matplotlib Axes
        Axis turned off; data units are text lines vertically and tenths of
        the width horizontally.
    """

    blocks = _blocks(flow)
    heights = [max(len(m), len(s)) + 1.0 for _, m, s in blocks]
    total = sum(heights) + GAP * (len(blocks) - 1) + 0.4
    if ax is None:
        fig = new_figure(PAGE_WIDTH, total * LINE_INCHES)
        fig.set_layout_engine("none")
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    with style():
        ax.set_xlim(0, 10)
        ax.set_ylim(total, 0)  # y grows downwards, in lines
        ax.set_axis_off()
        top = 0.2
        centre = (MAIN[0] + MAIN[1]) / 2
        previous_bottom = None
        for (stage, main, side), height in zip(blocks, heights, strict=True):
            m_top, main_h = _box(ax, MAIN, top, height, main, f"box-{stage}", centred=True)
            if previous_bottom is not None:
                _arrow(ax, (centre, previous_bottom), (centre, m_top))
            if side:
                _box(ax, SIDE, top, height, side, f"side-{stage}", centred=False)
                # boxes share the block's middle: the arrow runs straight across
                y = top + height / 2
                _arrow(ax, (MAIN[1], y), (SIDE[0], y))
            previous_bottom = m_top + main_h
            top += height + GAP
    return ax


def _box(
    ax: Axes,
    span: tuple[float, float],
    top: float,
    height: float,
    lines: list[str],
    gid: str,
    *,
    centred: bool,
) -> tuple[float, float]:
    """A framed text box of `lines`, vertically centred in its block; its top and height."""
    from matplotlib.patches import Rectangle

    box_h = len(lines) + 1.0
    box_top = top + (height - box_h) / 2
    ax.add_patch(
        Rectangle((span[0], box_top), span[1] - span[0], box_h, fill=False, linewidth=0.8, gid=gid)
    )
    ax.text(
        (span[0] + span[1]) / 2 if centred else span[0] + 0.15,
        box_top + 0.5,
        plain_text("\n".join(lines)),
        ha="center" if centred else "left",
        va="top",
        fontsize=FONT_SIZE,
        linespacing=LINE_SPACING,
    )
    return box_top, box_h


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=7, linewidth=0.8))
