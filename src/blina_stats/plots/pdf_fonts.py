"""Lean TrueType subsets in the PDF figures: the glyphs and their metrics, no layout tables.

A PDF figure embeds each font it uses as a TrueType (Type 42) subset, so its
text stays text: selectable, searchable and editable in Illustrator or
Inkscape.  matplotlib makes the subset with fontTools and keeps the font's
OpenType layout tables (GSUB, GPOS, GDEF, MATH: ligatures, kerning pairs,
mark positioning, maths layout).  A PDF reader never uses them: matplotlib has
already placed every glyph and writes the positions into the page, and the
subset holds only the glyphs drawn.  Subsetting those tables is most of the
time a PDF takes to write (DejaVu Sans carries large ones), so
:func:`lean_subsets` drops them while a figure is saved.  The outlines,
widths, hinting and names (glyf, loca, hmtx, cmap, post, name, ...) are
subset exactly as before; the text and its look are unchanged.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from io import BytesIO
from typing import Any

#: OpenType layout tables: read by text shapers, never by a PDF reader
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "MATH", "JSTF", "BASE", "kern")

#: while :func:`shared_subsets` runs: (font file, face, glyphs) -> (subset bytes, index map)
_SHARED: list[dict[tuple[str, int, frozenset[int]], tuple[bytes, dict[int, int]]] | None] = [None]


@contextmanager
def shared_subsets() -> Iterator[None]:
    """Within the block, the PDF font subsets of one font are one subset, made once.

    Each subset holds the glyphs a figure draws and every glyph of
    :data:`COMMON_CHARACTERS`, so the report's figures, which draw from those,
    share one subset a font (regular, bold, oblique): it is made once per
    build and its bytes written into each PDF.  A glyph beyond the common ones
    makes a subset of its own, as before.  Used by
    :func:`blina_stats.report.build.build_report` around its figures; a
    nested block shares the outer one's subsets.
    """
    if _SHARED[0] is not None:
        yield
        return
    _SHARED[0] = {}
    try:
        yield
    finally:
        _SHARED[0] = None


@contextmanager
def lean_subsets() -> Iterator[None]:
    """Within the block, matplotlib's PDF font subsets drop :data:`LAYOUT_TABLES`.

    matplotlib's ``_backend_pdf_ps.get_glyphs_subset`` builds its fontTools
    ``subset.Options`` from the module it imported as ``subset``; for the
    block, that name is a copy of the module whose ``Options`` adds the
    layout tables to the tables dropped and whose ``load_font`` removes them
    from the font as it is opened (fontTools would read them otherwise, to
    check their formats, before dropping them).  Every other option of matplotlib's
    (glyph names, recommended glyphs, its own dropped tables) is kept.  A
    matplotlib that does not subset this way is left as it is.
    """
    from fontTools import subset  # type: ignore[import-untyped]
    from matplotlib.backends import _backend_pdf_ps

    if getattr(_backend_pdf_ps, "subset", None) is not subset:  # pragma: no cover - other mpl
        yield
        return
    make = _backend_pdf_ps.get_glyphs_subset
    _backend_pdf_ps.subset = _lean_module(subset)
    if hasattr(_backend_pdf_ps, "SubsetResults"):  # matplotlib >= 3.11: glyph ids, a context
        _backend_pdf_ps.get_glyphs_subset = _shared(make)
    try:
        yield
    finally:
        _backend_pdf_ps.subset = subset
        _backend_pdf_ps.get_glyphs_subset = make


def warm_shared_subsets() -> None:
    """Within :func:`shared_subsets`, make the shared subsets of the text fonts now.

    The regular, bold and oblique faces of the font family in the rc
    parameters (call it within :func:`~.style.style`), each
    with the glyphs of :data:`COMMON_CHARACTERS` (the subset every figure
    drawing only those shares): a figure saved later finds them made.  The
    report calls it before it forks the processes that save its figures, so
    that the subsets are made once, not in each process; a subset's bytes
    depend only on its font and glyphs, so a figure is the same whichever
    process saves it.  Outside :func:`shared_subsets`, or with a matplotlib
    that subsets fonts another way, nothing is done.
    """
    if _SHARED[0] is None:
        return
    from matplotlib import font_manager
    from matplotlib.backends import _backend_pdf_ps

    if not hasattr(_backend_pdf_ps, "SubsetResults"):  # pragma: no cover - matplotlib < 3.11
        return
    with lean_subsets():  # the caller's style: its font family
        import matplotlib as mpl

        family = mpl.rcParams["font.family"]
        faces = (
            font_manager.FontProperties(family=family),
            font_manager.FontProperties(family=family, weight="bold"),
            font_manager.FontProperties(family=family, style="oblique"),
        )
        for props in faces:
            path = font_manager.findfont(props)
            glyphs = set(_common_glyphs(path, int(getattr(path, "face_index", 0))))
            with _backend_pdf_ps.get_glyphs_subset(path, glyphs):
                pass


class _SavedFont:
    """A subset already written: ``save`` writes its bytes (what matplotlib asks of a font)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def save(self, file: BytesIO, reorderTables: bool = False) -> None:  # fontTools names it
        file.write(self.data)


#: the characters every shared subset holds: printable ASCII, Latin-1 and the
#: report's symbols, so that the figures of one build share one subset a font
COMMON_CHARACTERS = (
    "".join(map(chr, range(0x20, 0x7F)))
    + "".join(map(chr, range(0xA0, 0x100)))
    + "\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u2212\u2264\u2265\u00b1\u00d7"
)

#: (font file, face) -> the glyph indices of COMMON_CHARACTERS in that font
_COMMON: dict[tuple[str, int], frozenset[int]] = {}


def _common_glyphs(fontfile: Any, face: int) -> frozenset[int]:
    """The glyph indices of :data:`COMMON_CHARACTERS` that the font has (read once per font)."""
    key = (str(fontfile), face)
    if key not in _COMMON:
        from matplotlib.ft2font import FT2Font

        charmap = FT2Font(str(fontfile), face_index=face).get_charmap()
        found = (charmap.get(ord(c)) for c in COMMON_CHARACTERS)
        _COMMON[key] = frozenset(g for g in found if g)
    return _COMMON[key]


def _shared(make: Any) -> Any:
    def get_glyphs_subset(fontfile: Any, glyphs: Any) -> Any:
        cache = _SHARED[0]
        if cache is None:
            return make(fontfile, glyphs)
        # the figure's glyphs and the common ones: one subset a font for the whole
        # build (a PDF reader uses the glyphs its page draws; the rest stay unread)
        face = int(getattr(fontfile, "face_index", 0))
        glyphs = frozenset(glyphs) | _common_glyphs(fontfile, face)
        key = (str(fontfile), face, glyphs)
        if key not in cache:
            with make(fontfile, glyphs) as made:
                fh = BytesIO()
                made.font.save(fh, reorderTables=False)  # as matplotlib's font_as_file does
                cache[key] = (fh.getvalue(), dict(made.glyph_index_map))
        data, index = cache[key]
        return nullcontext(types.SimpleNamespace(font=_SavedFont(data), glyph_index_map=index))

    return get_glyphs_subset


def _lean_module(subset: Any) -> types.ModuleType:
    class Options(subset.Options):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            options: Any = self  # fontTools has no type hints
            options.drop_tables = [*options.drop_tables, *LAYOUT_TABLES]

    def load_font(path: Any, options: Any, *args: Any, **kwargs: Any) -> Any:
        font = subset.load_font(path, options, *args, **kwargs)
        for tag in LAYOUT_TABLES:  # before fontTools reads them to check their formats
            if tag in font:
                del font[tag]
        return font

    lean = types.ModuleType(subset.__name__)
    lean.__dict__.update(vars(subset))
    lean.Options = Options  # type: ignore[attr-defined]
    lean.load_font = load_font  # type: ignore[attr-defined]
    return lean
