"""Each text's layout computed once per renderer kind and dpi while a figure is saved.

A figure saved as PNG and PDF is measured and drawn five times over (two
passes of the constrained layout, its draw, the tight box, each format), and
matplotlib lays every text out afresh each time: its lines, their metrics
and alignment (``Text._get_layout``, a fifth of a save).  The layout depends
only on the text and how it is set, not on where it is drawn, so
:func:`cached_layouts` keeps it, within the block, under a key of everything
it is computed from: the string, the font properties, size, alignment,
rotation, line spacing, math and TeX settings, the dpi and the renderer's
kind (the PDF renderer measures fonts its own way).  Wrapped text (its lines
depend on its position) is laid out every time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from matplotlib.text import Text


def _key(text: Any, renderer: Any) -> tuple[Any, ...] | None:
    if text.get_wrap():
        return None
    props = text.get_fontproperties()
    fig = text.get_figure(root=True)
    return (
        type(renderer),
        None if fig is None else fig.dpi,
        text.get_text(),
        tuple(props.get_family()),
        props.get_slant(),
        props.get_variant(),
        props.get_weight(),
        props.get_stretch(),
        props.get_size(),
        props.get_file(),
        props.get_math_fontfamily(),
        text.get_usetex(),
        text.get_parse_math(),
        text._linespacing,
        text._get_multialignment(),
        text.get_rotation(),
        text.get_rotation_mode(),
        text._horizontalalignment,
        text._verticalalignment,
    )


@contextmanager
def cached_layouts() -> Iterator[None]:
    """Within the block, a text set the same way on the same kind of renderer is laid out once."""
    text_class: Any = Text  # a private method of matplotlib's
    layout = text_class._get_layout
    cache: dict[tuple[Any, ...], Any] = {}

    def cached(self: Text, renderer: Any) -> Any:
        key = _key(self, renderer)
        if key is None:
            return layout(self, renderer)
        if key not in cache:
            cache[key] = layout(self, renderer)
        bbox, lines, corner = cache[key]
        return bbox.frozen(), list(lines), corner  # the caller's own box

    text_class._get_layout = cached
    try:
        yield
    finally:
        text_class._get_layout = layout
