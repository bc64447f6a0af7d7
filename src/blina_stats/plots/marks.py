"""Labels inside a survival or incidence axes that keep clear of the curves: horizon marks and
the p-value in a corner.

A label is placed when the figure is drawn, after the layout has fixed the
axes and every curve, band and legend is where the reader will see it: of a
few candidate positions near its anchor it takes the first that hides no
curve, no earlier label and no legend, stays inside the axes and, where it
can, covers no confidence band.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.text import Annotation, Text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.path import Path
    from matplotlib.transforms import Bbox

#: the gid of a horizon mark's label: its ``xy`` is (horizon, estimate) in data coordinates
MARK_GID = "horizon-mark"
#: the gid of the p-value text in a corner of a group figure
PVALUE_GID = "p-value"
#: the dotted vertical line at a horizon: labels may sit beside it
HORIZON_LINE_GID = "horizon-line"

#: how many label searches are running (a search asks the legend, which asks every text)
_SEARCHING = [0]

#: (xy, offset in points, ha, va): one place a label may take
Candidate = tuple[tuple[float, float], tuple[float, float], str, str]


def _hidden_by_nothing(artist: Any) -> bool:
    return not artist.get_visible() or artist.get_gid() == HORIZON_LINE_GID


def obstacles(ax: Axes) -> tuple[list[Path], list[Path], list[np.ndarray]]:
    """What a label must not cover, in display coordinates: the lines (curves, error bars),
    the filled bands, and the points of marker-only lines (censoring ticks)."""
    lines: list[Path] = []
    bands: list[Path] = []
    points: list[np.ndarray] = []
    for line in ax.get_lines():
        if _hidden_by_nothing(line):
            continue
        path = line.get_transform().transform_path(line.get_path())
        if line.get_linestyle() in ("None", "none", "", " "):
            points.append(np.asarray(path.vertices))
        else:
            lines.append(path)
    for coll in ax.collections:
        if _hidden_by_nothing(coll):
            continue
        transform = coll.get_transform()
        paths = [transform.transform_path(p) for p in coll.get_paths()]
        (bands if isinstance(coll, PolyCollection) else lines).extend(paths)
    return lines, bands, points


def covers(box: Bbox, lines: Sequence[Path], points: Sequence[np.ndarray]) -> bool:
    """`box` hides part of one of `lines` (a segment crosses it) or one of `points`."""
    if any(p.intersects_bbox(box, filled=False) for p in lines):
        return True
    return any(box.count_contains(v) for v in points if len(v))


class PlacedLabel(Annotation):
    """An annotation that takes, at each draw, the first of its candidate places that is clear.

    Clear means: no curve or error bar crosses it, no earlier placed label or
    legend overlaps it, it is inside the axes, and (where any place allows) no
    band lies under it.  Its ``xy`` is its anchor (for a horizon mark, the
    marked value), whatever the place taken.
    """

    def __init__(self, text: str, candidates: Sequence[Candidate], **kwargs: Any) -> None:
        xy, offset, ha, va = candidates[0]
        super().__init__(
            text, xy=xy, xytext=offset, textcoords="offset points", ha=ha, va=va, **kwargs
        )
        self.set_clip_on(False)  # a place beside the axes is shown, not cut off
        self._candidates = list(candidates)
        self._placing = False
        self._placed: dict[tuple[Any, ...], Candidate] = {}

    def update_positions(self, renderer: RendererBase) -> None:
        if not self._placing and self.axes is not None:
            self._placing = True
            try:
                key = self._geometry()
                if key in self._placed:
                    # a layout seen before, at any dpi: the place found is kept (a candidate
                    # is in data coordinates and points), so a figure saved as PNG and PDF,
                    # and a legend asking every text for its extent, do not search again
                    self._box(renderer, self._placed[key])
                else:
                    nested = _SEARCHING[0] > 0
                    _SEARCHING[0] += 1
                    try:
                        place = self._place(renderer)
                    finally:
                        _SEARCHING[0] -= 1
                    if not nested:  # not asked by another label's search: others are settled
                        self._placed[key] = place
            finally:
                self._placing = False
        super().update_positions(renderer)

    def _geometry(self) -> tuple[Any, ...]:
        """What a place depends on, independent of the dpi: the axes' size in inches (kept
        when ``bbox_inches="tight"`` crops the figure around it) and its limits."""
        ax = self.axes
        fig = self.get_figure(root=True) if ax is not None else None
        if ax is None or fig is None:  # pragma: no cover - checked by update_positions
            return ()
        width, height = fig.get_size_inches()
        box = ax.get_position()
        inches = (round(float(box.width * width), 4), round(float(box.height * height), 4))
        return (inches, ax.get_xlim(), ax.get_ylim())

    def _box(self, renderer: RendererBase, candidate: Candidate) -> Bbox:
        self.xy, self.xyann, ha, va = candidate
        self.set_horizontalalignment(ha)  # type: ignore[arg-type]
        self.set_verticalalignment(va)  # type: ignore[arg-type]
        super().update_positions(renderer)
        return Text.get_window_extent(self, renderer).expanded(1.06, 1.1)

    def _place(self, renderer: RendererBase) -> Candidate:
        ax = self.axes
        if ax is None:  # pragma: no cover - checked by update_positions
            return self._candidates[0]
        lines, bands, points = obstacles(ax)  # type: ignore[arg-type]
        frame = ax.get_window_extent(renderer)
        earlier = []
        for t in ax.texts:
            if t is self:
                break
            if isinstance(t, PlacedLabel) and t.get_visible():
                earlier.append(t.get_window_extent(renderer))
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            earlier.append(legend.get_window_extent(renderer))
        best, best_score = self._candidates[0], np.inf
        for i, cand in enumerate(self._candidates):
            box = self._box(renderer, cand)
            score = 1000.0 * sum(box.overlaps(b) for b in earlier)
            score += 100.0 * covers(box, lines, points)
            inside = (
                box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0
            ) and box.y1 <= frame.y1
            score += 100.0 * (not inside)
            score += 10.0 * any(p.intersects_bbox(box, filled=True) for p in bands)
            score += 0.01 * i
            if score < best_score:
                best, best_score = cand, score
            if score < 1.0:
                break
        self._box(renderer, best)
        return best


def mark_candidates(x: float, y: float) -> list[Candidate]:
    """Places for a horizon mark's label: beside the mark first, then farther up or down."""
    out: list[Candidate] = []
    for dy in (6.0, 16.0, 28.0, 42.0, 58.0):
        for dx in (6.0, 26.0):
            out += [
                ((x, y), (dx, dy), "left", "bottom"),
                ((x, y), (dx, -dy), "left", "top"),
                ((x, y), (-dx, dy), "right", "bottom"),
                ((x, y), (-dx, -dy), "right", "top"),
            ]
    return out


def corner_candidates(first: str = "upper right") -> list[Candidate]:
    """The four corners of the axes (in axes fraction), `first` first."""
    corners: dict[str, Candidate] = {
        "upper right": ((1.0, 1.0), (-4.0, -4.0), "right", "top"),
        "upper left": ((0.0, 1.0), (6.0, -4.0), "left", "top"),
        "lower right": ((1.0, 0.0), (-4.0, 6.0), "right", "bottom"),
        "lower left": ((0.0, 0.0), (6.0, 6.0), "left", "bottom"),
    }
    order = [first] + [c for c in corners if c != first]
    return [corners[c] for c in order]


def mark_horizon(
    ax: Axes,
    horizon: float,
    estimate: float,
    lower: float,
    upper: float,
    *,
    color: str,
    name: str | None = None,
    conf_level: float = 0.95,
) -> None:
    """Mark `horizon` with the estimate and its interval, labelled in percent.

    The label reads ``"{name}: 12.3%"`` over the interval; `name` should come
    from :func:`blina_stats.endpoints.labels.horizon_label` (``"6 months"``,
    ``"100 days"``), ``"day N"`` when not given.  The label is an annotation
    with gid `MARK_GID` whose ``xy`` is ``(horizon, estimate)``, so a test or
    a reader of the figure finds the marked value.  It is placed when the
    figure is drawn (:class:`PlacedLabel`): beside the mark where that hides no
    curve, no band, no legend and no earlier mark's label, farther up or down
    otherwise.
    """
    if not np.isfinite(estimate):
        return
    when = name or f"day {horizon:g}"
    ax.axvline(horizon, color="0.6", linestyle=":", linewidth=0.8, zorder=0, gid=HORIZON_LINE_GID)
    yerr = np.array([[estimate - lower], [upper - estimate]])
    ax.errorbar(
        [horizon],
        [estimate],
        yerr=np.nan_to_num(yerr),
        fmt="o",
        color=color,
        markersize=3,
        capsize=2,
        linewidth=0.9,
        zorder=5,
    )
    text = (
        f"{when}: {100 * estimate:.1f}%\n({conf_level:.0%} CI {100 * lower:.1f}-{100 * upper:.1f})"
    )
    label = PlacedLabel(
        text,
        mark_candidates(horizon, estimate),
        fontsize=7,
        color=color,
        # readable where no clear place was left and it crosses a band
        bbox={
            "boxstyle": "square,pad=0.1",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.8,
        },
        gid=MARK_GID,
        zorder=6,
    )
    ax.add_artist(label)
