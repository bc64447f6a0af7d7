"""Power curves of the single-arm design (one-sided alpha), by analysis method."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .style import PALETTE, new_figure, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..design.review import ProtocolReview


def plot_power_curves(review: ProtocolReview, ax: Axes | None = None) -> Axes:
    """Power at the review's `n` against the true 2-year PFS, one line per method.

    Solid lines: the first one-sided alpha; dashed: the second.  Horizontal
    guides at 80% and 90% power; simulated power ("realistic" scenario) as
    points with 95% Monte Carlo error bars where available.  A method whose
    simulated size exceeds alpha + 2 MCSE (``review.flagged()``) is drawn
    thin and grey, its label says "size > alpha, not ranked", and its
    simulated points are hollow.

    Parameters
    ----------
    review : ProtocolReview
        From :func:`blina_stats.design.review.review_protocol`.
    ax : matplotlib Axes, optional
        Drawn on a new figure when None.

    Returns
    -------
    Axes
    """
    if ax is None:
        ax = new_figure(width=7.0, height=3.6).add_subplot()
    curve = review.curve
    alphas = list(dict.fromkeys(curve["alpha"]))
    flagged = set(review.flagged())
    bad_tests = set() if sim_empty(review) else _flagged_tests(review)
    with style():
        for i, (m, name) in enumerate(review.method_labels.items()):
            if m not in set(curve["method"]):
                continue
            bad = m in flagged
            for j, a in enumerate(alphas):
                d = curve[(curve["method"] == m) & (curve["alpha"] == a)]
                ax.plot(
                    d["s1"],
                    d["power"],
                    color="0.6" if bad else PALETTE[i % len(PALETTE)],
                    linewidth=0.7 if bad else None,
                    linestyle="-" if j == 0 else "--",
                    label=f"{name}, one-sided α={a:g}" + (" (size > α: not ranked)" if bad else ""),
                )
        sim = review.simulation
        if not sim.empty:
            s0 = curve["s0"].iloc[0]
            pts = sim[(sim["scenario"] == "realistic") & (sim["s0"] == s0)]
            tests = dict.fromkeys(sim["test"])  # the simulation's own tests, in its order
            for test, marker in zip(tests, "os^vD", strict=False):
                p = pts[pts["test"] == test]
                bad = test in bad_tests
                ax.errorbar(
                    p["s1"],
                    p["power"],
                    yerr=1.96 * p["power_mcse"],
                    fmt=marker,
                    color="black",
                    markerfacecolor="none" if bad else "black",
                    markersize=4,
                    label=f"simulated ({test}, realistic)"
                    + (" (size > α: not ranked)" if bad else ""),
                )
        for level in (0.8, 0.9):
            ax.axhline(level, color="0.6", linewidth=0.6, linestyle=":")
        ax.set_xlabel(f"true 2-year PFS (null {curve['s0'].iloc[0]:g}); n = {review.n}")
        ax.set_ylabel("power")
        ax.set_ylim(0, 1.01)
        ax.legend(loc="lower right", fontsize=6)
    return ax


def sim_empty(review: ProtocolReview) -> bool:
    return bool(review.simulation.empty)


def _flagged_tests(review: ProtocolReview) -> set[str]:
    """Simulated tests whose size exceeds the limit in some scenario."""
    sim = review.simulation
    return set(sim.loc[~sim["size_ok"].astype(bool), "test"])
