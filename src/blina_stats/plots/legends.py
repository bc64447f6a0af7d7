"""A legend at ``loc="best"`` searched once per save, then drawn at the place found in every format.

matplotlib searches the best place of such a legend on every draw, asking every
line, band and text of the axes for its extent (the placed labels of
:mod:`~blina_stats.plots.marks` among them).  A figure saved as PNG and PDF
was searched once per format, and the two searches could even disagree.
:func:`found_places` takes, after the layout draw, the location code the
search chose (one of matplotlib's anchored places, so the legend is placed by
matplotlib's own rule at every dpi), :func:`kept_at` fixes each such legend
there for the formats written and gives it ``"best"`` back afterwards: a
later change of the figure is searched again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.legend import Legend
from matplotlib.transforms import Bbox

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: matplotlib's code of ``loc="best"``
BEST = 0


def best_legends(fig: Figure) -> list[Legend]:
    """The visible legends of `fig`'s axes whose place is searched at each draw."""
    found = []
    for ax in fig.get_axes():
        legend = ax.get_legend()
        if legend is not None and legend.get_visible() and _private(legend)._loc == BEST:
            found.append(legend)
    return found


def found_code(legend: Legend, renderer: Any) -> int | None:
    """The location code at which the last draw put `legend`, None when it is none of them.

    The draw sets the legend's frame to the box it placed; the code is the
    anchored place (matplotlib's own computation) with that lower-left corner.
    """
    box = legend.legendPatch.get_bbox()
    shape = Bbox.from_bounds(0, 0, box.width, box.height)
    anchor = legend.get_bbox_to_anchor()
    for code in range(1, len(Legend.codes)):
        x, y = _private(legend)._get_anchored_bbox(code, shape, anchor, renderer)
        if np.isclose(x, box.x0, rtol=0, atol=1e-6) and np.isclose(y, box.y0, rtol=0, atol=1e-6):
            return code
    return None


def found_places(fig: Figure) -> list[tuple[Legend, int]]:
    """Each ``"best"`` legend of `fig` with the code of the place its last draw found.

    Call it right after a draw of the final layout, at that draw's dpi
    (:func:`~.style.save` does, after its layout draw at the PNG's dpi).
    """
    renderer = fig._get_renderer()  # type: ignore[attr-defined]
    places = []
    for legend in best_legends(fig):
        code = found_code(legend, renderer)
        if code is not None:
            places.append((legend, code))
    return places


@contextmanager
def kept_at(places: list[tuple[Legend, int]]) -> Iterator[None]:
    """Within the block, each legend of `places` is drawn at its code; ``"best"`` again on exit."""
    for legend, code in places:
        _private(legend)._loc = code
    try:
        yield
    finally:
        for legend, _ in places:
            _private(legend)._loc = BEST


def _private(legend: Legend) -> Any:
    # matplotlib's own location code and anchoring: not in its typed public API
    return legend
