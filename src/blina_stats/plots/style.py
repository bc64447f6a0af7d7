"""The package's publication style, in one place.

Figures are sized for a journal column (3.5 in wide) or a full page width
(7 in), with 8-point text, no top or right spines, and colours that stay
distinct in greyscale and for colour-blind readers (Okabe & Ito 2008).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Okabe-Ito colour-blind-safe palette
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
COLUMN_WIDTH = 3.5  # inches
PAGE_WIDTH = 7.0
#: the formats :func:`save` writes by default
FORMATS = ("png", "pdf")

RC: dict[str, Any] = {
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "legend.frameon": True,  # a light box: readable where it overlaps a curve
    "legend.framealpha": 0.85,
    "legend.edgecolor": "none",
    "legend.facecolor": "white",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.8,
    "lines.linewidth": 1.4,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.05,
    "pdf.fonttype": 42,  # embed TrueType: editable text in Illustrator, accepted by journals
    "svg.fonttype": "none",
}


@contextmanager
def style() -> Iterator[None]:
    """Temporarily apply the publication style (matplotlib's rc_context).

    Interactive mode is the one exception: the first figure of a session loads
    the backend, and Jupyter's inline backend then switches interactive mode
    on. Restoring it on exit, as rc_context does, would stop the inline
    backend from showing every later figure, so it is kept as the block left it.
    """
    import matplotlib as mpl

    interactive: bool | None = None
    try:
        with mpl.rc_context(cast(Any, RC)):  # matplotlib types keys as Literal names
            try:
                yield
            finally:
                interactive = mpl.is_interactive()
    finally:
        if interactive is not None:
            mpl.interactive(interactive)


def new_figure(width: float = COLUMN_WIDTH, height: float = 3.0) -> Figure:
    """A new figure in the publication style, made through pyplot.

    pyplot's figure manager is what Jupyter's inline backend shows at the end
    of a cell, so a plot made without an ``ax`` appears in a notebook; in a
    script it is an ordinary Agg figure. Code that only saves the figure (the
    report) closes it afterwards with :func:`close`.
    """
    import matplotlib.pyplot as plt

    with style():
        return plt.figure(figsize=(width, height), layout="constrained")


def new_axes(width: float = COLUMN_WIDTH, height: float = 3.0) -> Axes:
    """One axes on a new figure (see :func:`new_figure`), both in the publication style."""
    fig = new_figure(width, height)
    with style():
        return fig.add_subplot()


def close(fig: Figure) -> None:
    """Release `fig` from pyplot (after saving it): pyplot keeps every figure until closed."""
    import matplotlib.pyplot as plt

    plt.close(fig)


@contextmanager
def closing_new_figures(on_error_only: bool = False) -> Iterator[None]:
    """Close every pyplot figure opened inside the block.

    For headless callers that draw figures only to save them. With
    `on_error_only`, the figures are closed only when the block raises (a
    report part that failed before its figures could be saved) and kept
    otherwise.
    """
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    try:
        yield
    except BaseException:
        _close_all_but(before)
        raise
    if not on_error_only:
        _close_all_but(before)


def _close_all_but(keep: set[int]) -> None:
    import matplotlib.pyplot as plt

    for num in set(plt.get_fignums()) - keep:
        plt.close(num)


def figure_of(ax: Axes) -> Figure:
    """The (root) figure an axes is drawn on."""
    fig = ax.get_figure(root=True)
    if fig is None:  # pragma: no cover - an axes made by matplotlib always has one
        raise ValueError("the axes is not attached to a figure")
    return fig


def plain_text(value: object) -> str:
    """`value` as text matplotlib draws as written, never as mathtext.

    Patient ids, terms and levels are the user's text: ``$\\foo$`` must show as
    typed, not fail to parse (matplotlib reads text between two unescaped
    ``$`` as mathtext and shows an escaped ``\\$`` as a plain dollar).
    """
    return str(value).replace("$", r"\$")


def save(fig: Figure, path: str | Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Save `fig` as `path` with each suffix in `formats` (PNG at 300 dpi); return the paths."""
    base = Path(path)
    base.parent.mkdir(parents=True, exist_ok=True)
    import matplotlib as mpl

    from .legends import found_places, kept_at
    from .pdf_fonts import lean_subsets
    from .text_layouts import cached_layouts

    written = []
    # PDF text stays editable (Type 42), its subsets lean; each text laid out once per dpi
    with style(), lean_subsets(), cached_layouts():
        # one layout for every format: savefig would lay a constrained figure
        # out again (and measure its tight box) for each format it writes
        engine, dpi = fig.get_layout_engine(), fig.dpi
        fig.set_dpi(300)  # laid out and measured as the PNG is drawn
        try:
            fig.draw_without_rendering()
            # a "best" legend is searched by this draw alone, then kept where it found
            with kept_at(found_places(fig)):
                bbox = None
                if mpl.rcParams["savefig.bbox"] == "tight":
                    bbox = fig.get_tightbbox().padded(mpl.rcParams["savefig.pad_inches"])
                fig.set_dpi(dpi)
                # no engine at all (not "none", a placeholder): savefig draws a figure
                # that has any engine once more before writing each format
                _set_layout_engine(fig, None)
                for fmt in formats:
                    out = base.with_suffix(f".{fmt}")
                    fig.savefig(
                        out,
                        dpi=300 if fmt == "png" else None,
                        metadata=_metadata(fmt),
                        bbox_inches=bbox,
                    )
                    written.append(out)
        finally:
            fig.set_dpi(dpi)
            _set_layout_engine(fig, engine)
    return written


def _set_layout_engine(fig: Figure, engine: Any) -> None:
    """`engine` (None: none at all, whatever the rc file says) as `fig`'s layout engine."""
    import matplotlib as mpl

    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(engine)


def _metadata(fmt: str) -> dict[str, Any] | None:
    # fixed metadata so the same figure gives the same bytes (no creation date)
    if fmt == "pdf":
        return {"CreationDate": None, "ModDate": None}
    if fmt == "svg":
        return {"Date": None}
    return None
