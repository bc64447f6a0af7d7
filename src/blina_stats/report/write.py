"""Write the report's parts: tables (CSV, Markdown), figures (PNG, PDF), ``report.html``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._json import dumps
from ..plots.style import FORMATS, close, save
from .format import format_table
from .html import Section, render
from .part import Part
from .tables import write_formatted

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def merge_json(doc: dict[str, Any], parts: Sequence[Part]) -> dict[str, Any]:
    """`doc` with each part's JSON merged in, in part order (dictionaries one level deep)."""
    for part in parts:
        for key, value in part.json.items():
            if isinstance(value, dict) and isinstance(doc.get(key), dict):
                doc[key] = {**doc[key], **value}
            else:
                doc[key] = value
    return doc


def write_part(
    part: Part, out: Path, queue: list[tuple[Figure, Path]] | None = None
) -> tuple[Section, list[Path]]:
    """Write the tables and figures of `part` under `out`; its page section and its files.

    When one of them cannot be written (a figure that fails to draw), the
    files already written for the part are removed and the error raised: a
    part is written whole or not at all.  With `queue`, the figures are not
    saved here but appended to it as ``(figure, path without suffix)``, for
    :func:`~.figures.save_all` (their files are listed all the same).
    """
    section = Section(part.key, part.title, part.status, part.message, notes=list(part.notes))
    files: list[Path] = []
    try:
        for caption, frame, name in part.tables:
            shown = format_table(frame)  # once for the CSV, Markdown, page, docx and LaTeX
            files += write_formatted(shown, out / "tables" / name, caption)
            section.tables.append((caption, shown))
            section.table_names.append(name)
        for caption, fig, name in part.figures:
            base = out / "figures" / name
            if queue is None:
                paths = save(fig, base)
            else:
                queue.append((fig, base))
                paths = [base.with_suffix(f".{fmt}") for fmt in FORMATS]
            files += paths
            section.figures.append((caption, paths[0]))
    except BaseException:
        remove_files(part, out, files)
        raise
    finally:
        close_figures(part)  # the report only saves its figures: none is left open in pyplot
    return section, files


def remove_files(part: Part, out: Path, files: Sequence[Path]) -> None:
    """Remove `files`, and each figure of `part` in any format (one saved in one format only)."""
    for path in files:
        path.unlink(missing_ok=True)
    for name in FORMATS:
        for _, _, stem in part.figures:
            (out / "figures" / f"{stem}.{name}").unlink(missing_ok=True)


def close_figures(part: Part) -> None:
    """Release the figures of `part` from pyplot: the report only saves them."""
    for _, fig, _ in part.figures:
        close(fig)


def write_json(doc: dict[str, Any], path: Path) -> Path:
    """``estimates.json``: strict JSON, indented; missing values (NaN, infinities) are null."""
    path.write_text(dumps(doc) + "\n", encoding="utf-8")
    return path


def write_html(
    title: str,
    sections: Sequence[Section],
    meta: dict[str, Any],
    warnings: Sequence[str],
    path: Path,
    header: Sequence[str] = (),
) -> Path:
    """``report.html``: one self-contained page, `header` lines under the title."""
    path.write_text(render(title, sections, meta, warnings, header), encoding="utf-8")
    return path
