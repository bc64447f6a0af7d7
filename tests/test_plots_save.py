"""How a figure is saved: editable PDF text in lean font subsets, one layout and one legend
search for every format."""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.backends import _backend_pdf_ps
from matplotlib.figure import Figure
from matplotlib.legend import Legend

import blina_stats as bs
from blina_stats.plots.legends import BEST, best_legends, found_places, kept_at
from blina_stats.plots.pdf_fonts import LAYOUT_TABLES, lean_subsets
from blina_stats.plots.style import figure_of, new_axes, save, style
from blina_stats.synthetic import bundled


def _font_streams(pdf: bytes) -> list[TTFont]:
    """The TrueType fonts embedded in `pdf` (its FontFile2 streams, /Length1 in the dict)."""
    fonts = []
    for m in re.finditer(rb"<<([^>]*?/Length1[^>]*?)>>\s*stream\r?\n", pdf, re.S):
        raw = zlib.decompressobj().decompress(pdf[m.end() :])
        fonts.append(TTFont(io.BytesIO(raw)))
    return fonts


def _text_figure(text: str) -> object:
    ax = new_axes()
    with style():
        ax.plot([0, 1], [0, 1], label="Relapse")
        ax.set_title(text)
        ax.legend()
    return ax.get_figure(root=True)


def test_pdf_text_is_embedded_truetype_without_layout_tables(tmp_path: Path) -> None:
    # subsetting DejaVu Sans's GSUB/GPOS/MATH tables, which no PDF reader uses, was most
    # of a PDF's time (2.4 of the report's 6.3 s of savefig)
    fig = _text_figure("Overall survival (Kaplan-Meier)")
    pdf = save(fig, tmp_path / "fig", formats=("pdf",))[0].read_bytes()
    assert b"/CIDFontType2" in pdf and b"/Type3" not in pdf  # Type 42: the text stays text
    assert b"/ToUnicode" in pdf  # searchable and copyable as the characters written
    fonts = _font_streams(pdf)
    assert fonts
    full = TTFont(font_manager.findfont("DejaVu Sans"))
    for font in fonts:
        assert not set(LAYOUT_TABLES) & set(font.keys())
        assert {"glyf", "loca", "hmtx", "cmap", "post", "head"} <= set(font.keys())
    sans = next(f for f in fonts if "O" in f.getGlyphOrder())  # the title's font
    for name in ("O", "K", "M", "v", "parenleft", "hyphen"):  # every glyph drawn, as it is
        assert name in sans.getGlyphOrder()
        assert sans["hmtx"][name] == full["hmtx"][name]
        drawn = sans["glyf"][name].getCoordinates(sans["glyf"])[0]
        original = full["glyf"][name].getCoordinates(full["glyf"])[0]
        assert list(drawn) == list(original)


def test_lean_subsets_restores_matplotlib_and_keeps_its_options() -> None:
    font = font_manager.FontPath(font_manager.findfont("DejaVu Sans"), 0)
    gids = {36, 37}
    with _backend_pdf_ps.get_glyphs_subset(font, gids) as plain:
        assert "GSUB" in plain.font
        plain_order = plain.font.getGlyphOrder()
    with lean_subsets():
        assert _backend_pdf_ps.subset is not subset
        with _backend_pdf_ps.get_glyphs_subset(font, gids) as lean:
            assert "GSUB" not in lean.font and "GPOS" not in lean.font
            assert "FFTM" not in lean.font  # matplotlib's own dropped tables still dropped
            assert set(lean.font.getGlyphOrder()) <= set(plain_order)
            assert set(lean.glyph_index_map) == set(plain.glyph_index_map)
    assert _backend_pdf_ps.subset is subset


def test_lean_subsets_restores_matplotlib_after_an_error() -> None:
    with pytest.raises(RuntimeError, match=re.escape("boom")), lean_subsets():
        raise RuntimeError("boom")
    assert _backend_pdf_ps.subset is subset


@pytest.fixture(scope="module")
def trial() -> bs.Cohort:
    return bs.load_events(bundled("trial"))


@pytest.fixture
def pfs_by_mrd(trial: bs.Cohort) -> Figure:
    """Curves by group: a legend at "best" and placed horizon labels that ask for it."""
    return figure_of(trial.plot("pfs", by="mrd_pre_hsct", pvalue=True, horizon=True))


def test_a_figure_is_drawn_once_for_its_layout_and_once_per_format(
    pfs_by_mrd: Figure, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # with a placeholder layout engine, savefig drew the figure again before each format:
    # 5 draws for a PNG and a PDF
    draws = []
    draw = Figure.draw

    def counted(self: Figure, renderer: object) -> None:
        draws.append(type(renderer).__name__)
        draw(self, renderer)  # type: ignore[arg-type]

    monkeypatch.setattr(Figure, "draw", counted)
    save(pfs_by_mrd, tmp_path / "fig")
    assert len(draws) == 3  # the layout (at the PNG's dpi), the PNG, the PDF
    assert pfs_by_mrd.get_layout_engine() is not None  # the figure's engine given back


def test_a_best_legend_is_searched_by_the_layout_draw_alone(
    trial: bs.Cohort, pfs_by_mrd: Figure, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # each draw searched the legend's place again, asking every artist (and each placed
    # label, which asks the legend) for its extent: once per format, and the two could differ
    searches: list[Legend] = []
    search = Legend._find_best_position

    def counted(self: Legend, *args: object) -> object:
        searches.append(self)
        return search(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Legend, "_find_best_position", counted)
    same = figure_of(trial.plot("pfs", by="mrd_pre_hsct", pvalue=True, horizon=True))
    same.set_dpi(300)
    same.draw_without_rendering()  # what the layout draw of a save searches
    one_draw = len(searches)
    assert one_draw > 0
    searches.clear()
    (legend,) = best_legends(pfs_by_mrd)
    save(pfs_by_mrd, tmp_path / "fig")  # the layout draw, the PNG, the PDF
    assert len(searches) == one_draw
    assert {id(s) for s in searches} == {id(legend)}
    assert legend._loc == BEST  # given back: searched again when the figure changes
    searches.clear()
    save(pfs_by_mrd, tmp_path / "again")
    assert 0 < len(searches) <= one_draw


def test_a_kept_legend_is_where_best_put_it(pfs_by_mrd: Figure) -> None:
    pfs_by_mrd.set_dpi(300)
    pfs_by_mrd.draw_without_rendering()
    (legend,) = best_legends(pfs_by_mrd)
    searched = legend.legendPatch.get_bbox().bounds
    places = found_places(pfs_by_mrd)
    pfs_by_mrd.set_layout_engine("none")  # the layout of the search, drawn again
    with kept_at(places):
        assert legend._loc == places[0][1]
        pfs_by_mrd.draw_without_rendering()
        assert legend.legendPatch.get_bbox().bounds == pytest.approx(searched, abs=1e-9)
    assert legend._loc == BEST


def test_a_text_is_laid_out_once_per_renderer_kind_and_dpi(
    pfs_by_mrd: Figure, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every text was laid out afresh by each of the save's measures and draws (a fifth of it)
    from matplotlib.text import Text

    from blina_stats.plots.text_layouts import cached_layouts

    computed: list[tuple[object, ...]] = []
    layout = Text._get_layout

    def counted(self: Text, renderer: object) -> object:
        fig = self.get_figure(root=True)
        how = (self.get_fontsize(), self.get_ha(), self.get_va(), self.get_rotation())
        computed.append((self.get_text(), *how, type(renderer).__name__, fig.dpi if fig else 0))
        return layout(self, renderer)  # type: ignore[arg-type]

    monkeypatch.setattr(Text, "_get_layout", counted)
    save(pfs_by_mrd, tmp_path / "fig")
    assert computed
    assert len(computed) == len(set(computed))  # never twice the same text, renderer, dpi
    assert Text._get_layout is counted  # given back after the save

    ax = new_axes()
    text = ax.text(0.5, 0.5, "Relapse\n(95% CI)")
    fig = ax.get_figure(root=True)
    renderer = fig._get_renderer()  # type: ignore[attr-defined]
    with cached_layouts():
        first = text._get_layout(renderer)
        assert text._get_layout(renderer)[0].bounds == first[0].bounds
        text.set_fontsize(14)  # set another way: laid out again
        bigger = text._get_layout(renderer)
        text.set_horizontalalignment("right")
        moved = text._get_layout(renderer)
    assert bigger[0].width > first[0].width and moved[0].x1 == pytest.approx(0.0)
    monkeypatch.setattr(Text, "_get_layout", layout)
    assert layout(text, renderer)[0].bounds == moved[0].bounds


def test_a_report_build_subsets_each_font_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the figures share fonts: one subset a font holds their glyphs and the common ones
    from blina_stats.plots.pdf_fonts import shared_subsets

    made: list[int] = []
    subset_font = subset.Subsetter.subset

    def counted(self: object, font: object) -> None:
        made.append(1)
        subset_font(self, font)

    alone = [save(_text_figure("Overall survival"), tmp_path / f"alone{i}")[1] for i in (1, 2)]
    monkeypatch.setattr(subset.Subsetter, "subset", counted)
    with shared_subsets():
        with shared_subsets():  # nested: the outer block's subsets
            first = save(_text_figure("Overall survival"), tmp_path / "shared1")[1]
        assert made
        once = len(made)
        second = save(_text_figure("Overall survival"), tmp_path / "shared2")[1]
        assert len(made) == once  # the same glyphs: no new subset
        other = save(_text_figure("Relapse (%) 2.5 \u2265 1"), tmp_path / "other")[1]
        assert len(made) == once  # other common glyphs: the same subset, one a font
        save(_text_figure("\u2192 \u221e"), tmp_path / "rare")
        assert len(made) > once  # a glyph beyond the common ones: a subset of its own
    after = len(made)
    save(_text_figure("Overall survival"), tmp_path / "after")
    assert len(made) > after  # outside the block, every save subsets
    assert first.read_bytes() == second.read_bytes()  # one subset, written again
    assert alone[0].read_bytes() == alone[1].read_bytes()
    for path, text in ((first, "Overall survival"), (other, "Relapse (%) 2.5 \u2265 1")):
        fonts = _font_streams(path.read_bytes())  # the page's glyphs are in its subsets
        names = {name for font in fonts for name in font.getGlyphOrder()}
        full = TTFont(font_manager.findfont("DejaVu Sans")).getBestCmap()
        wanted = {full[ord(c)] for c in set(text)}
        assert wanted <= names, wanted - names
        assert len(names) > len(wanted)  # and the common glyphs beside them


def test_warmed_subsets_are_those_a_save_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # made before the report forks: a later save finds them, its bytes as if it had made them
    from blina_stats.plots.pdf_fonts import shared_subsets, warm_shared_subsets

    made: list[int] = []
    subset_font = subset.Subsetter.subset

    def counted(self: object, font: object) -> None:
        made.append(1)
        subset_font(self, font)

    with shared_subsets():
        cold = save(_text_figure("Overall survival"), tmp_path / "cold")[1].read_bytes()
    monkeypatch.setattr(subset.Subsetter, "subset", counted)
    warm_shared_subsets()
    assert made == []  # outside the block: nothing to warm
    with shared_subsets(), style():
        warm_shared_subsets()
        assert len(made) == 3  # regular, bold, oblique
        warm = save(_text_figure("Overall survival"), tmp_path / "warm")[1].read_bytes()
        assert len(made) == 3
    assert warm == cold
